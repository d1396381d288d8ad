"""The Go1 command-grid evaluation (benchmarks/locomotion_eval.py): errors and falls from the physics state."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from motrix.env.randomization import PushCfg, RandomizationCfg

EVAL = Path(__file__).resolve().parents[2] / "benchmarks" / "locomotion_eval.py"


@pytest.fixture(scope="module")
def L():
    spec = importlib.util.spec_from_file_location("motrix_locomotion_eval", EVAL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_standing_still_misses_each_command_by_its_size_and_does_not_fall(L):
    result = L.evaluate_grid(L.zero_policy, robots_per_command=2, seconds=3.0, skip_seconds=2.0)
    assert set(result["commands"]) == set(L.COMMAND_GRID)
    for name, (vx, vy, wz) in L.COMMAND_GRID.items():
        row = result["commands"][name]
        assert row["planar_velocity_error"] == pytest.approx(np.hypot(vx, vy), abs=0.03), name
        assert row["yaw_rate_error"] == pytest.approx(abs(wz), abs=0.03), name
        assert row["falls_per_robot_per_10s"] == 0
    assert result["worst"]["worst_command"]["planar_velocity_error"] == "forward 1.0"


def test_random_actions_fall_and_strong_pushes_knock_the_standing_robot_over(L):
    rng = np.random.default_rng(0)
    flailing = L.evaluate_grid(lambda obs: rng.uniform(-1, 1, (obs.shape[0], 12)).astype(np.float32),
                               robots_per_command=2, seconds=3.0)
    assert flailing["mean"]["falls_per_robot_per_10s"] > 1
    kicked = L.evaluate_grid(L.zero_policy, robots_per_command=2, seconds=3.0, randomization=RandomizationCfg(
        push=PushCfg(velocity=(1.5, 1.5), interval_seconds=(0.5, 0.5))))
    assert kicked["mean"]["falls_per_robot_per_10s"] > 1


def test_a_run_shorter_than_its_skipped_start_is_refused(L):
    with pytest.raises(ValueError, match="skip_seconds"):
        L.evaluate_grid(L.zero_policy, seconds=1.0, skip_seconds=2.0)
