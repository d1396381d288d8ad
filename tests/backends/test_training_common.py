"""The framework-free training helpers every backend shares (no torch or JAX needed)."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest

from motrix.training.episode_stats import EpisodeStats
from motrix.training.phases import PhaseClock, format_split
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


def test_phase_clock_charges_each_phase_and_leaves_the_rest_to_other():
    clock = PhaseClock()
    clock.time("env", time.sleep, 0.02)
    assert clock.time("update", lambda x: x + 1, 1) == 2  # returns what the timed call returns
    with pytest.raises(ZeroDivisionError):  # a failing call is still charged, and raises
        clock.time("act", lambda: 1 / 0)
    time.sleep(0.01)
    split = clock.split()
    assert split["env"] >= 0.02 and split["other"] >= 0.01
    assert split["record"] == 0.0
    assert sum(split[k] for k in ("env", "act", "record", "update", "other")) == pytest.approx(split["wall"], abs=2e-3)
    clock.restart()
    assert clock.split()["env"] == 0.0


def test_format_split_gives_shares_of_the_wall_time():
    split = {"env": 5.0, "act": 1.0, "record": 0.5, "update": 3.0, "other": 0.5, "wall": 10.0}
    assert format_split(split) == "env 50% · act 10% · record 5% · update 30% · other 5%"
    assert format_split({"wall": 0.0}) == ""
