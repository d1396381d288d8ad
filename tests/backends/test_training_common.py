"""The framework-free training helpers every backend shares (no torch or JAX needed)."""

from __future__ import annotations

import io

import numpy as np

from motrix.training.episode_stats import EpisodeStats
from motrix.training.progress import Progress, TargetTracker


def test_episode_stats_totals_per_env_and_per_term():
    stats = EpisodeStats(num_envs=3)
    no = np.zeros(3, bool)
    terms = {"alive": np.ones(3), "tilt": np.array([0.1, 0.2, 0.3])}
    metrics = {"angle": np.array([1.0, 2.0, 3.0])}
    stats.update(np.array([1.0, 1.0, 1.0]), no, terms, metrics)
    stats.update(np.array([1.0, 2.0, 1.0]), np.array([False, True, False]), terms, metrics)
    assert stats.episodes == 1 and stats.mean_recent_return() == 3.0
    out = stats.drain()
    assert out["Episode / Return (mean)"] == 3.0 and out["Episode / Length (mean)"] == 2.0
    assert out["Reward / Episode / tilt"] == 0.4  # env 1's episode total
    assert out["Metrics / Episode / angle"] == 4.0
    assert abs(out["Reward / Instant / tilt"] - 0.2) < 1e-12  # mean over envs and steps
    assert stats.drain() == {}  # forgotten after a drain
    stats.update(np.ones(3), np.array([True, True, True]))  # env 1 restarted from zero
    assert sorted(stats.recent_returns) == [1.0, 3.0, 3.0, 3.0]


def test_target_tracker_fires_once():
    tracker = TargetTracker(950.0, start_time=10.0)
    assert not tracker.update(None, 0, now=11.0)
    assert not tracker.update(900.0, 100, now=12.0)
    assert tracker.update(960.0, 200, now=13.5)
    assert not tracker.update(990.0, 300, now=14.0)
    assert tracker.as_extra() == {"target_return": 950.0, "target_reached": True,
                                  "seconds_to_target": 3.5, "env_steps_to_target": 200}
    assert TargetTracker(None, 0.0).as_extra() == {}


def test_progress_is_rate_limited_and_quiet_is_silent():
    out = io.StringIO()
    progress = Progress("torch", total_env_steps=1000, stream=out)
    progress.update(100, None)  # too soon after the start
    progress.update(200, 12.5, force=True)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("[torch] 200/1,000 env-steps (20%)")
    assert "return 12.5" in lines[0]
    quiet = io.StringIO()
    Progress("torch", 1000, quiet=True, stream=quiet).update(500, 1.0, force=True)
    assert quiet.getvalue() == ""
