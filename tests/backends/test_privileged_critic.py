"""Training with a privileged critic (asymmetric actor-critic), through the real CLI.

The Go1 declares a critic observation (its policy observation plus the true state); the
value network reads it and the policy does not, so checkpoints hold a critic sized for it,
a run resumes only with the critic it was trained with, and play and export need the
policy alone. ``--set privileged_critic=false`` trains the symmetric critic.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from tests.backends.conftest import BACKENDS, backend_installed
from tests.conftest import run_motrix

SMALL = ["--set", "num_envs=16", "--set", "rollouts=8", "--set", "mini_batches=2", "--set", "learning_epochs=1",
         "--set", "check_point_interval=8", "--steps", "256", "--seed", "0", "--quiet"]


def _train(runs: Path, backend: str, *extra: str) -> Path:
    result = run_motrix("train", "go1", "--backend", backend, "--runs-dir", str(runs), *SMALL, *extra)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def _final(run: Path, backend: str) -> tuple[dict, dict]:
    checkpoint = importlib.import_module(f"motrix_backend_{backend}.checkpoint")
    path = sorted((run / "checkpoints").glob("step_*"))[-1]
    return checkpoint.load(path, "cpu") if backend == "torch" else checkpoint.load(path)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_critic_reads_the_go1s_critic_observation_and_play_and_export_need_the_policy_alone(tmp_path, backend):
    if not backend_installed(backend):
        pytest.skip(f"backend {backend} is not installed")
    import motrix

    env = motrix.make("go1", num_envs=1)
    critic_dim, obs_dim = env.critic_observation_space.shape[0], env.observation_space.shape[0]
    run = _train(tmp_path, backend)
    header, state = _final(run, backend)
    assert header["critic_obs_dim"] == critic_dim > header["obs_dim"] == obs_dim
    assert "state_preprocessor" in state
    first_layer = state["value"]["net.0.weight"] if backend == "torch" else state["value"]["params"]["net"]["dense_0"]["kernel"]
    assert critic_dim in tuple(first_layer.shape)  # the value network's input is the critic observation

    played = run_motrix("play", "go1", "--run", str(run), "--episodes", "1", "--num-envs", "1")
    assert played.returncode == 0, played.stderr
    exported = run_motrix("export", "go1", "--run", str(run), "--out", str(tmp_path / "go1.onnx"))
    assert exported.returncode == 0, exported.stderr

    resumed = run_motrix("train", "go1", "--backend", backend, "--resume", str(run), "--runs-dir", str(tmp_path),
                         "--set", "privileged_critic=false", "--steps", "512", "--quiet")
    assert resumed.returncode != 0
    assert "privileged_critic" in resumed.stderr and "Traceback" not in resumed.stderr
    assert len(resumed.stderr.strip().splitlines()) == 1, resumed.stderr


@pytest.mark.parametrize("backend", BACKENDS)
def test_privileged_critic_false_trains_a_critic_on_the_policy_observation(tmp_path, backend):
    if not backend_installed(backend):
        pytest.skip(f"backend {backend} is not installed")
    header, state = _final(_train(tmp_path, backend, "--set", "privileged_critic=false"), backend)
    assert header["critic_obs_dim"] == 0
    assert "state_preprocessor" not in state
