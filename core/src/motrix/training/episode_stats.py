"""Per-env episode bookkeeping from NumPy arrays: returns, lengths, per-term reward totals.

Framework-free; both skrl backends feed it the env's own arrays (``state.reward``, done
masks, ``state.info["Reward"]`` / ``["metrics"]``) once per vectorized step and, at each
TensorBoard write, ``drain()`` the scalars gathered since the last write:

- ``Reward / Instant / <term>``: mean over envs and steps of the term's per-step value;
- ``Reward / Episode / <term>``: mean over episodes that ended of the term's episode total;
- ``Metrics / Instant / <name>`` and ``Metrics / Episode / <name>`` likewise;
- ``Episode / Return (mean|min|max)`` and ``Episode / Length (mean)`` of ended episodes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

import numpy as np


class EpisodeStats:
    """Running per-env sums; scalars to log; the mean return of recent episodes."""

    def __init__(self, num_envs: int, window: int = 100) -> None:
        self.num_envs = num_envs
        self._return = np.zeros(num_envs, dtype=np.float64)
        self._length = np.zeros(num_envs, dtype=np.int64)
        self._terms: dict[str, np.ndarray] = {}
        # The usual "mean return of the last 100 episodes" (skrl's and SB3's window).
        self.recent_returns: deque[float] = deque(maxlen=window)
        self.episodes = 0
        """Episodes finished since construction."""
        self._instant_sum: dict[str, float] = {}
        self._instant_steps = 0
        self._episode_sum: dict[str, float] = {}
        self._ended_returns: list[np.ndarray] = []
        self._ended_lengths: list[np.ndarray] = []

    def update(
        self,
        reward: np.ndarray,
        done: np.ndarray,
        reward_terms: Mapping[str, np.ndarray] | None = None,
        metrics: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        """Add one vectorized step: rewards (N,), done mask (N,), per-term values (N,) each."""
        self._return += reward
        self._length += 1
        terms = {}
        if reward_terms:
            terms.update((f"Reward / {k}", v) for k, v in reward_terms.items())
        if metrics:
            terms.update((f"Metrics / {k}", v) for k, v in metrics.items())
        for key, value in terms.items():
            total = self._terms.get(key)
            if total is None:
                total = self._terms[key] = np.zeros(self.num_envs, dtype=np.float64)
            total += value
            self._instant_sum[key] = self._instant_sum.get(key, 0.0) + float(np.mean(value))
        self._instant_steps += 1

        if done.any():
            idx = np.flatnonzero(done)
            returns = self._return[idx]
            self._ended_returns.append(returns.copy())
            self._ended_lengths.append(self._length[idx].copy())
            self.recent_returns.extend(returns.tolist())
            self.episodes += idx.size
            for key, total in self._terms.items():
                self._episode_sum[key] = self._episode_sum.get(key, 0.0) + float(total[idx].sum())
                total[idx] = 0.0
            self._return[idx] = 0.0
            self._length[idx] = 0

    def mean_recent_return(self) -> float | None:
        """Mean return of the most recent finished episodes; None before any ended."""
        if not self.recent_returns:
            return None
        return float(np.mean(self.recent_returns))

    def drain(self) -> dict[str, float]:
        """Scalars gathered since the last call (see the module docstring), then forget them."""
        out: dict[str, float] = {}
        if self._instant_steps:
            for key, total in self._instant_sum.items():
                group, name = key.split(" / ", 1)
                out[f"{group} / Instant / {name}"] = total / self._instant_steps
        if self._ended_returns:
            returns = np.concatenate(self._ended_returns)
            lengths = np.concatenate(self._ended_lengths)
            out["Episode / Return (mean)"] = float(returns.mean())
            out["Episode / Return (min)"] = float(returns.min())
            out["Episode / Return (max)"] = float(returns.max())
            out["Episode / Length (mean)"] = float(lengths.mean())
            for key, total in self._episode_sum.items():
                group, name = key.split(" / ", 1)
                out[f"{group} / Episode / {name}"] = total / returns.size
        self._instant_sum.clear()
        self._instant_steps = 0
        self._episode_sum.clear()
        self._ended_returns.clear()
        self._ended_lengths.clear()
        return out
