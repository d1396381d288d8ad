"""Random actions for looking at, checking and benchmarking envs."""

from __future__ import annotations

import gymnasium as gym
import numpy as np


def sample_actions(space: gym.spaces.Box, num_envs: int, rng: np.random.Generator, count: int | None = None) -> np.ndarray:
    """Uniform actions within ``space``'s bounds (standard normal along unbounded dims).

    Shape ``(num_envs, *space.shape)``, or ``(count, num_envs, *space.shape)`` when ``count``
    is given; float32.
    """
    shape = (num_envs, *space.shape) if count is None else (count, num_envs, *space.shape)
    low = np.broadcast_to(np.asarray(space.low, np.float64), space.shape)
    high = np.broadcast_to(np.asarray(space.high, np.float64), space.shape)
    bounded = np.isfinite(low) & np.isfinite(high)
    uniform = np.where(bounded, low, 0.0) + rng.random(shape) * np.where(bounded, high - low, 0.0)
    if bounded.all():
        return uniform.astype(np.float32)
    return np.where(bounded, uniform, rng.standard_normal(shape)).astype(np.float32)
