"""The Panda's action interface shared by the tasks: joint-position deltas + one gripper value.

Action (8) in [-1, 1]: seven joint deltas (``scale`` rad per control step at ±1) added to the
previous joint targets, and one gripper command (-1 closed … +1 open, both fingers alike).
The targets accumulate, so a zero action holds the arm where it was told to be (the servos
then hold it against gravity); they are kept inside the joint limits and at most
``max_lead`` rad ahead of the measured angles, so pushing against the table or the cabinet
does not wind a target up into a violent release.
"""

from __future__ import annotations

import numpy as np

from . import model as P

ACTION_DIM = 8


def arm_targets(last_targets: np.ndarray, joint_pos: np.ndarray, actions: np.ndarray,
                scale: float, max_lead: float) -> np.ndarray:
    """New joint targets (n, 7) from the previous ones, the arm's angles and the actions."""
    targets = last_targets + np.float32(scale) * actions[:, :7]
    targets = np.clip(targets, joint_pos - max_lead, joint_pos + max_lead)
    return np.clip(targets, P.ARM_LOWER, P.ARM_UPPER).astype(np.float32)


def servo_ctrls(arm: np.ndarray, gripper: np.ndarray) -> np.ndarray:
    """All nine servo targets (n, 9), C-contiguous as MotrixSim's setter needs."""
    return np.ascontiguousarray(np.concatenate([arm, P.finger_targets(gripper)], axis=1), dtype=np.float32)


def reset_pose(rng: np.random.Generator, n: int, home: np.ndarray, noise: float) -> np.ndarray:
    """(n, 7) arm angles: ``home`` + uniform noise of size ``noise``, inside the limits."""
    q = home + rng.uniform(-noise, noise, size=(n, 7))
    return np.clip(q, P.ARM_LOWER, P.ARM_UPPER).astype(np.float32)


def hand_axes(quat_xyzw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """World directions (n, 3) of the hand's approach axis (z) and finger axis (y)."""
    x, y, z, w = (quat_xyzw[:, i] for i in range(4))
    approach = np.stack([2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)], axis=1)
    fingers = np.stack([2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x)], axis=1)
    return approach.astype(np.float32), fingers.astype(np.float32)
