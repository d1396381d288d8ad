"""Forward kinematics of the Panda from Franka's modified Denavit–Hartenberg table, in NumPy.

Independent of the MJCF: the model test compares MotrixSim's flange and fingertip poses
with these matrices, so a wrong body offset or rotation in ``panda.xml`` shows up there.
"""

from __future__ import annotations

import numpy as np

# (a, d, alpha) per joint, then the flange (Craig convention: a and alpha of the previous axis).
DH = np.array([
    [0.0, 0.333, 0.0],
    [0.0, 0.0, -np.pi / 2],
    [0.0, 0.316, np.pi / 2],
    [0.0825, 0.0, np.pi / 2],
    [-0.0825, 0.384, -np.pi / 2],
    [0.0, 0.0, np.pi / 2],
    [0.088, 0.0, np.pi / 2],
])
FLANGE_D = 0.107
TCP_OFFSET = 0.1034
"""Fingertip centre beyond the flange, along the flange z axis (m)."""
HAND_Y = np.array([np.sqrt(0.5), np.sqrt(0.5), 0.0])
"""The fingers' axis in the flange frame (the hand is turned -pi/4 about z)."""


def _mdh(a: float, d: float, alpha: float, theta: float) -> np.ndarray:
    """RotX(alpha) · TransX(a) · RotZ(theta) · TransZ(d) as a 4×4 matrix."""
    ca, sa, ct, st = np.cos(alpha), np.sin(alpha), np.cos(theta), np.sin(theta)
    return np.array([
        [ct, -st, 0.0, a],
        [st * ca, ct * ca, -sa, -d * sa],
        [st * sa, ct * sa, ca, d * ca],
        [0.0, 0.0, 0.0, 1.0],
    ])


def _mdh_batch(a: float, d: float, alpha: float, theta: np.ndarray) -> np.ndarray:
    """``_mdh`` for a batch of angles (n,) → (n, 4, 4)."""
    ca, sa = np.cos(alpha), np.sin(alpha)
    ct, st = np.cos(theta), np.sin(theta)
    out = np.zeros((theta.shape[0], 4, 4))
    out[:, 0, 0], out[:, 0, 1], out[:, 0, 3] = ct, -st, a
    out[:, 1, 0], out[:, 1, 1], out[:, 1, 2], out[:, 1, 3] = st * ca, ct * ca, -sa, -d * sa
    out[:, 2, 0], out[:, 2, 1], out[:, 2, 2], out[:, 2, 3] = st * sa, ct * sa, ca, d * ca
    out[:, 3, 3] = 1.0
    return out


def flange_pose(q: np.ndarray) -> np.ndarray:
    """4×4 pose of the flange in the base frame for joint angles ``q`` (7,) or (n, 7)."""
    if np.ndim(q) == 1:
        return flange_pose(np.asarray(q, float)[None])[0]
    q = np.asarray(q, float)
    pose = np.broadcast_to(np.eye(4), (q.shape[0], 4, 4))
    for (a, d, alpha), theta in zip(DH, q.T):
        pose = pose @ _mdh_batch(a, d, alpha, theta)
    return pose @ _mdh(0.0, FLANGE_D, 0.0, 0.0)


def tcp_position(q: np.ndarray) -> np.ndarray:
    """Fingertip centre (the hand's TCP) in the base frame, (3,) or (n, 3)."""
    pose = flange_pose(q)
    return pose[..., :3, 3] + TCP_OFFSET * pose[..., :3, 2]


def solve_ik(target: np.ndarray, q0: np.ndarray, lower: np.ndarray, upper: np.ndarray,
             iterations: int = 60, axis: tuple[float, float, float] = (0.0, 0.0, -1.0),
             finger_axis: tuple[float, float, float] | None = None) -> np.ndarray:
    """Joint angles (n, 7) putting the TCP at ``target`` (n, 3), the hand pointing along ``axis``
    (and, if given, the fingers closing along ``finger_axis``, up to sign).

    Damped least squares from ``q0`` with a finite-difference Jacobian, batched over n. For
    scripted demonstrations and tests (the tasks' policies never see it).
    """
    q = np.array(q0, float)
    down = np.asarray(axis, float)
    fingers = None if finger_axis is None else np.asarray(finger_axis, float)

    def error(qs: np.ndarray) -> np.ndarray:
        pose = flange_pose(qs)
        tcp = pose[:, :3, 3] + TCP_OFFSET * pose[:, :3, 2]
        parts = [target - tcp, np.cross(pose[:, :3, 2], down)]
        if fingers is not None:
            y = pose[:, :3, :3] @ HAND_Y
            sign = np.sign(np.sum(y * fingers, axis=1, keepdims=True) + 1e-12)
            parts.append(np.cross(y * sign, fingers))
        return np.concatenate(parts, axis=1)

    for _ in range(iterations):
        err = error(q)
        jac = np.empty((q.shape[0], err.shape[1], 7))
        for i in range(7):
            dq = q.copy()
            dq[:, i] += 1e-6
            jac[:, :, i] = (err - error(dq)) / 1e-6  # d(tcp, axis)/dq = -d(err)/dq
        jt = np.transpose(jac, (0, 2, 1))
        step = np.linalg.solve(jt @ jac + 1e-4 * np.eye(7), (jt @ err[:, :, None]))[:, :, 0]
        q = np.clip(q + step, lower, upper)
    return q
