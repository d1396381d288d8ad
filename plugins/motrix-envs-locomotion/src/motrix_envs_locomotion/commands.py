"""Velocity commands [vx, vy, yaw rate]: uniform in ranges, slow planar commands made standing."""

from __future__ import annotations

import numpy as np


def sample_velocity_commands(rng: np.random.Generator, n: int, vx: tuple[float, ...], vy: tuple[float, ...],
                             yaw_rate: tuple[float, ...], standing_below: float,
                             turn_in_place: float = 0.0) -> np.ndarray:
    """(n, 3) float32 commands uniform in the (low, high) ranges; planar parts under
    ``standing_below`` m/s set to zero, so a share of robots learns to stand still; and a
    further ``turn_in_place`` share of commands with their planar part set to zero (their yaw
    rate kept): turning on the spot, which uniform ranges almost never ask for."""
    lows, highs = zip(vx, vy, yaw_rate)
    command = rng.uniform(lows, highs, size=(n, 3)).astype(np.float32)
    slow = np.linalg.norm(command[:, :2], axis=1) < standing_below
    if turn_in_place > 0.0:  # drawn only when asked for: the default's random stream is unchanged
        slow |= rng.random(n) < turn_in_place
    command[slow, :2] = 0.0
    return command
