"""The manipulation plugin as a user meets it: discovery, configs, and the real CLI."""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from motrix_envs_manipulation.cabinet.rl_cfg import CabinetPPO
from motrix_envs_manipulation.lift.rl_cfg import LiftPPO

from ..conftest import run_motrix

ENVS = ("franka-lift-cube", "franka-open-cabinet")


def test_the_entry_point_is_named_after_the_distribution():
    (ep,) = [e for e in entry_points(group="motrix.plugins") if e.name == "motrix-envs-manipulation"]
    assert ep.value == "motrix_envs_manipulation.plugin"
    assert ep.dist.name == "motrix-envs-manipulation"


def test_motrix_lists_both_tasks_with_their_configs():
    envs = run_motrix("list", "envs", "--json")
    assert envs.returncode == 0, envs.stderr
    ours = {e["name"]: e for e in json.loads(envs.stdout)["envs"] if e["plugin"] == "motrix-envs-manipulation"}
    assert set(ours) == set(ENVS)
    configs = run_motrix("list", "configs", "--json")
    listed = {c["env"] for c in json.loads(configs.stdout)["configs"] if c["plugin"] == "motrix-envs-manipulation"}
    assert listed == set(ENVS)


@pytest.mark.parametrize("ppo", [LiftPPO, CabinetPPO])
def test_ppo_configs_are_cpu_sized_with_gpu_defaults(ppo):
    cpu = ppo()
    cpu.validate()
    gpu = cpu.for_gpu()
    assert cpu.num_envs == 512 and gpu.num_envs == 4096
    assert gpu.max_env_steps >= cpu.max_env_steps
    assert (gpu.rollouts * gpu.num_envs) % gpu.mini_batches == 0
    assert cpu.policy_hidden_layer_sizes == (256, 128, 64)


def test_train_then_play_through_the_cli(tmp_path):
    runs = tmp_path / "runs"
    train = run_motrix("train", "franka-open-cabinet", "--backend", "torch", "--num-envs", "16",
                       "--steps", "1024", "--runs-dir", str(runs), "--quiet")
    assert train.returncode == 0, train.stderr
    run = Path(train.stdout.strip().splitlines()[-1])  # the run directory, under --runs-dir
    assert run.parent == runs / "franka-open-cabinet"
    index = json.loads((run / "checkpoints" / "index.json").read_text())
    assert (run / "checkpoints" / index["latest"]["file"]).is_file()
    play = run_motrix("play", "franka-open-cabinet", "--run", str(run), "--episodes", "2", "--num-envs", "2")
    assert play.returncode == 0, play.stderr


def test_a_bad_env_setting_is_one_line_and_exit_2(tmp_path):
    bad = run_motrix("train", "franka-lift-cube", "--env-set", "cube_x=0.6,0.4", "--steps", "64",
                     "--runs-dir", str(tmp_path))
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "cube_x" in bad.stderr
    assert "Traceback" not in bad.stderr
