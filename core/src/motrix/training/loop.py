"""Framework-free pieces of a backend's train and play loops, written once for every backend.

- ``IterationMonitor``: what a trainer does after each vectorized iteration: the progress
  line, the time-to-target figure, and a checkpoint every ``check_point_interval`` iterations.
- ``play_episodes``: run a deterministic policy on a batched env until enough episodes end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from motrix.training.episode_stats import EpisodeStats
from motrix.training.job import PlayResult
from motrix.training.progress import Progress, TargetTracker


class IterationMonitor:
    """Call it with the total iterations done (resume included) after every iteration."""

    def __init__(self, *, num_envs: int, check_point_interval: int, progress: Progress, target: TargetTracker,
                 stats: EpisodeStats, save: Callable[[int], None]) -> None:
        self.num_envs = num_envs
        self.check_point_interval = check_point_interval
        self.progress = progress
        self.target = target
        self.stats = stats
        self.save = save
        self._episodes = -1
        self._mean: float | None = None

    def __call__(self, iteration: int) -> None:
        env_steps = iteration * self.num_envs
        if self.stats.episodes != self._episodes:  # the mean changes only when episodes end
            self._episodes, self._mean = self.stats.episodes, self.stats.mean_recent_return()
            if self.target.update(self._mean, env_steps):
                r = self.target.reached
                self.progress.message(f"mean return {r.mean_return:.1f} >= {r.target:g} after {r.seconds:.1f} s, "
                                      f"{r.env_steps:,} env-steps")
        self.progress.update(env_steps, self._mean)
        if iteration % self.check_point_interval == 0:
            self.save(iteration)


def play_episodes(env: Any, policy: Callable[[np.ndarray], np.ndarray], episodes: int) -> PlayResult:
    """Step ``env`` with ``policy(obs) -> actions`` until ``episodes`` episodes have ended.

    Returns and lengths are in order of completion (ties in env order); envs keep playing
    (auto-reset) until the count is reached.
    """
    returns: list[float] = []
    lengths: list[int] = []
    ep_return = np.zeros(env.num_envs)
    ep_length = np.zeros(env.num_envs, dtype=np.int64)
    state = env.init_state()
    while len(returns) < episodes:
        state = env.step(policy(state.obs))
        ep_return += state.reward
        ep_length += 1
        done = state.terminated | state.truncated
        for i in np.flatnonzero(done)[: episodes - len(returns)]:
            returns.append(float(ep_return[i]))
            lengths.append(int(ep_length[i]))
        ep_return[done] = 0.0
        ep_length[done] = 0
    return PlayResult(returns=returns, lengths=lengths)
