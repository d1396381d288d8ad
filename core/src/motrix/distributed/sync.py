"""Keeping data-parallel ranks in step, framework-free: the backend supplies one collective, ``all_sum``.

skrl's distributed PPO averages gradients and the KL across ranks, so the weights stay
identical; its running normalizers it leaves alone, so each rank's would drift with its own
envs. ``merge_running_stats`` makes them what one normalizer would be after seeing every
rank's data. ``any_rank`` lets every rank stop after the same iteration, and
``gather_digests`` collects each rank's digest of its weights (the test that they agree).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple, Protocol

import numpy as np


class Collectives(Protocol):
    """What a backend's ``distributed.py`` provides once its process group is up."""

    rank: int
    world_size: int

    def all_sum(self, x: np.ndarray) -> np.ndarray:
        """Elementwise sum of ``x`` (float64, same shape on every rank) over all ranks, on every rank."""


class RunningStats(NamedTuple):
    """A running normalizer's statistics (skrl's ``RunningStandardScaler``)."""

    mean: np.ndarray
    """Running mean, shape ``(D,)``."""
    variance: np.ndarray
    """Running population variance, shape ``(D,)``."""
    count: float
    """Samples seen (skrl starts it at a small epsilon)."""


def _moments(stats: RunningStats) -> np.ndarray:
    """``[n, n·mean, n·(var + mean²)]`` flattened, ``(1 + 2D,)``: additive over disjoint data."""
    mean = np.asarray(stats.mean, np.float64).ravel()
    var = np.asarray(stats.variance, np.float64).ravel()
    n = float(stats.count)
    return np.concatenate([[n], n * mean, n * (var + mean * mean)])


def merge_running_stats(before: RunningStats, local: RunningStats,
                        all_sum: Callable[[np.ndarray], np.ndarray]) -> RunningStats:
    """The statistics of ``before``'s data plus every rank's data since, identical on every rank.

    ``before``: the statistics all ranks shared before the update (identical everywhere);
    ``local``: this rank's after it. Each rank's new data is ``local - before`` in raw
    moments; their sum over ranks is added to ``before`` once.
    """
    return merge_many([(before, local)], all_sum)[0]


def merge_many(pairs: list[tuple[RunningStats, RunningStats]],
               all_sum: Callable[[np.ndarray], np.ndarray]) -> list[RunningStats]:
    """``merge_running_stats`` of several normalizers with one collective."""
    shared = [_moments(before) for before, _ in pairs]
    deltas = [_moments(local) - base for (_, local), base in zip(pairs, shared)]
    summed = all_sum(np.concatenate(deltas))
    out, offset = [], 0
    for (_, local), base in zip(pairs, shared):
        total = base + summed[offset:offset + base.size]
        offset += base.size
        d = (total.size - 1) // 2
        n = total[0]
        mean = total[1:1 + d] / n
        var = np.maximum(total[1 + d:] / n - mean * mean, 0.0)
        shape = np.shape(local.mean)
        out.append(RunningStats(mean.reshape(shape), var.reshape(shape), float(n)))
    return out


def any_rank(flag: bool, all_sum: Callable[[np.ndarray], np.ndarray]) -> bool:
    """True on every rank when ``flag`` is true on any."""
    return bool(all_sum(np.array([1.0 if flag else 0.0]))[0] > 0)


def gather_digests(digest: bytes, rank: int, world_size: int,
                   all_sum: Callable[[np.ndarray], np.ndarray]) -> list[str]:
    """Every rank's ``digest`` (32 bytes, e.g. SHA-256), as hex, in rank order, on every rank."""
    slots = np.zeros((world_size, 32), np.float64)
    slots[rank] = np.frombuffer(digest[:32].ljust(32, b"\0"), np.uint8)
    gathered = all_sum(slots.ravel()).reshape(world_size, 32)
    return [bytes(row.astype(np.uint8)).hex() for row in np.rint(gathered)]
