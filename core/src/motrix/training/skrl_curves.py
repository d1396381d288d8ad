"""skrl's own reward and episode-length curves, tracked from the env's NumPy arrays.

skrl's ``Agent.record_transition`` tracks "Reward / Instantaneous reward (…)", "Reward /
Total reward (…)" and "Episode / Total timesteps (…)" with framework ops every step, and
recomputes the statistics of its last-100-episodes deque every step. ``SkrlCurves`` gives
the same tags and values from the host arrays every env already returns (no device sync),
recomputing the totals only when an episode ends. Both backends use it; a test compares it
with skrl's own tracking.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class SkrlCurves:
    """Writes into ``agent.tracking_data`` and skrl's episode deques what skrl would have."""

    def __init__(self, agent: Any) -> None:
        self.agent = agent
        self._returns: np.ndarray | None = None
        self._lengths: np.ndarray | None = None
        self._totals: tuple[tuple[str, float], ...] | None = None

    def track(self, reward: np.ndarray, done: np.ndarray) -> None:
        """One env step: ``reward`` and ``done`` (terminated | truncated) of every env."""
        agent = self.agent
        if agent.write_interval <= 0:
            return
        reward = np.asarray(reward, dtype=np.float32).reshape(-1)
        if self._returns is None or self._returns.shape != reward.shape:
            self._returns = np.zeros(reward.shape[0], dtype=np.float32)
            self._lengths = np.zeros(reward.shape[0], dtype=np.int32)
            self._totals = None
        self._returns += reward
        self._lengths += 1
        done = np.asarray(done).reshape(-1)
        if done.any():
            finished = np.flatnonzero(done)
            agent._track_rewards.extend(self._returns[finished].tolist())
            agent._track_timesteps.extend(self._lengths[finished].tolist())
            self._returns[finished] = 0
            self._lengths[finished] = 0
            rewards, steps = np.array(agent._track_rewards), np.array(agent._track_timesteps)
            self._totals = (
                ("Reward / Total reward (max)", np.max(rewards)),
                ("Reward / Total reward (min)", np.min(rewards)),
                ("Reward / Total reward (mean)", np.mean(rewards)),
                ("Episode / Total timesteps (max)", np.max(steps)),
                ("Episode / Total timesteps (min)", np.min(steps)),
                ("Episode / Total timesteps (mean)", np.mean(steps)),
            )
        data = agent.tracking_data
        data["Reward / Instantaneous reward (max)"].append(float(reward.max()))
        data["Reward / Instantaneous reward (min)"].append(float(reward.min()))
        data["Reward / Instantaneous reward (mean)"].append(float(reward.mean()))
        if (
            self._totals is not None and agent._track_rewards
        ):  # skrl writes totals while its deque has episodes
            for tag, value in self._totals:
                data[tag].append(value)
