"""``motrix bench``'s engine: env and raw-physics rates side by side (no speed thresholds)."""

from __future__ import annotations

import json

import pytest

from motrix.bench import format_bench, run_bench
from motrix.errors import UsageError


@pytest.fixture(scope="module")
def result():
    return run_bench("cartpole", num_envs=16, steps=60, seed=1)


def test_bench_reports_env_and_raw_physics_rates_and_their_ratio(result):
    assert result["env"] == "cartpole"
    assert (result["num_envs"], result["steps"], result["sim_substeps"]) == (16, 60, 1)
    assert result["env_steps_per_s"] > 0 and result["physics_steps_per_s"] > 0
    assert result["ratio"] == pytest.approx(result["env_steps_per_s"] / result["physics_steps_per_s"])
    assert result["episodes_finished"] >= 0


def test_bench_result_is_json_serialisable(result):
    assert json.loads(json.dumps(result)) == result


def test_format_bench_shows_both_rates_and_the_ratio(result):
    text = format_bench(result)
    assert "cartpole" in text and "16 envs" in text
    assert f"{result['env_steps_per_s']:,.0f}" in text
    assert f"{result['physics_steps_per_s']:,.0f}" in text
    assert f"{result['ratio']:.2f}" in text


def test_bench_refuses_a_non_positive_step_count():
    with pytest.raises(UsageError, match="steps"):
        run_bench("cartpole", num_envs=4, steps=0)


def test_bench_of_an_unknown_env_is_a_usage_error():
    with pytest.raises(UsageError, match="cartpole"):
        run_bench("cartpol", num_envs=4, steps=10)
