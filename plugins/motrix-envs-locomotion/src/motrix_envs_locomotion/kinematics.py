"""Batched frame maths on MotrixSim's xyzw quaternions (NumPy, one row per env)."""

from __future__ import annotations

import numpy as np

DOWN = np.array([0.0, 0.0, -1.0], dtype=np.float32)
"""World gravity direction."""


def quat_rotate_inverse(quat_xyzw: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Express world vectors ``v`` ((n, 3) or (3,)) in the frames of quaternions (n, 4), xyzw."""
    q_vec, w = quat_xyzw[:, :3], quat_xyzw[:, 3:4]
    v = np.broadcast_to(v, q_vec.shape)
    return (v * (2.0 * w * w - 1.0) - np.cross(q_vec, v) * (2.0 * w)
            + q_vec * (2.0 * np.sum(q_vec * v, axis=1, keepdims=True)))


def yaw_of(quat_xyzw: np.ndarray) -> np.ndarray:
    """Heading (rad, about world z) of the body x axis, (n,)."""
    x, y, z, w = quat_xyzw[:, 0], quat_xyzw[:, 1], quat_xyzw[:, 2], quat_xyzw[:, 3]
    return np.arctan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z))


def yaw_quat(yaw: np.ndarray) -> np.ndarray:
    """xyzw quaternions (n, 4) of rotations by ``yaw`` about z."""
    q = np.zeros((len(yaw), 4), dtype=np.float32)
    q[:, 2], q[:, 3] = np.sin(yaw / 2), np.cos(yaw / 2)
    return q


def wrap_angle(angle: np.ndarray) -> np.ndarray:
    """Angles wrapped into [-pi, pi)."""
    return (angle + np.pi) % (2.0 * np.pi) - np.pi
