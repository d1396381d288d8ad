"""A resumed terrain-curriculum run goes on from the levels its robots had reached: each
checkpoint's header keeps the env's ``training_state`` (the per-env levels) and ``--resume``
hands it back before the first reset. Real MotrixSim, real ``motrix train`` runs."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest

import motrix
from motrix_envs_locomotion.curriculum import Curriculum, Rules
from tests.backends.conftest import BACKENDS, backend_installed
from tests.conftest import run_motrix

RULES = Rules(levels=10, promote_distance=4.0, demote_fraction=0.5)


# -- the curriculum ----------------------------------------------------------------------
def test_restored_levels_replace_the_drawn_start_levels_once():
    cur = Curriculum(4, RULES, start_levels=0)
    cur.restore([3, 7, 9, 0])
    cur.restart()  # init_state's restart keeps what was carried over
    rng = np.random.default_rng(0)
    assert cur.levels_for(np.arange(4), np.zeros((4, 2)), rng).tolist() == [3, 7, 9, 0]
    cur.restart()  # a later restart draws start levels (all 0 here) again
    assert cur.levels_for(np.arange(4), np.zeros((4, 2)), rng).tolist() == [0, 0, 0, 0]


def test_restored_levels_fit_another_number_of_envs_and_a_smaller_grid():
    cur = Curriculum(5, Rules(levels=4, promote_distance=4.0, demote_fraction=0.5), start_levels=0)
    cur.restore([1, 8])
    assert cur.levels_for(np.arange(5), np.zeros((5, 2)), np.random.default_rng(0)).tolist() == [1, 3, 1, 3, 1]


# -- the env -----------------------------------------------------------------------------
def _climbing_env(**overrides):
    # Every episode that does not fall moves its robot up: episodes of 5 steps, no demotion.
    return motrix.make("go1-rough", num_envs=6, seed=1, max_episode_seconds=0.1, curriculum_start_levels=0,
                       curriculum_promote_distance=0.0, curriculum_demote_fraction=0.0, **overrides)


def test_an_env_takes_back_the_levels_another_reached():
    trained = _climbing_env()
    trained.init_state()
    for _ in range(15):  # three episodes
        trained.step(np.zeros((6, 12), np.float32))
    saved = trained.training_state()
    assert saved["terrain_levels"] == [3] * 6

    resumed = _climbing_env()
    resumed.load_training_state(saved)
    state = resumed.init_state()
    assert resumed.curriculum.level.tolist() == [3] * 6
    x = state.data.dof_pos[:, 0]
    assert resumed.grid.tile_of(x, state.data.dof_pos[:, 1])[0].tolist() == [3] * 6  # spawned on level 3


def test_without_a_curriculum_to_carry_the_training_state_is_empty():
    assert motrix.make("go1", num_envs=2).training_state() == {}
    assert _climbing_env(terrain_level=4).training_state() == {}  # pinned for evaluation
    assert _climbing_env(curriculum=False).training_state() == {}  # random levels: nothing to carry


# -- through `motrix train --resume` -------------------------------------------------------
def _levels_in(run: Path, backend: str) -> list[list[int]]:
    checkpoint = importlib.import_module(f"motrix_backend_{backend}.checkpoint")
    files = sorted((run / "checkpoints").glob("step_*"))
    return [list(checkpoint.load(f)[0]["env_state"]["terrain_levels"]) for f in files]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_resumed_run_starts_from_the_levels_of_its_checkpoint(tmp_path, backend):
    if not backend_installed(backend):
        pytest.skip(f"backend {backend} is not installed")
    # 8 robots, 5-step episodes, a checkpoint every 10 iterations (2 episodes): +2 levels each
    climb = ["--set", "num_envs=8", "--set", "rollouts=5", "--set", "mini_batches=1",
             "--set", "check_point_interval=10", "--env-set", "max_episode_seconds=0.1",
             "--env-set", "curriculum_start_levels=0", "--env-set", "curriculum_promote_distance=0",
             "--env-set", "curriculum_demote_fraction=0"]
    first = run_motrix("train", "go1-rough", "--backend", backend, "--seed", "0", "--steps", "160",
                       "--runs-dir", str(tmp_path), *climb)
    assert first.returncode == 0, first.stderr
    run = Path(first.stdout.strip().splitlines()[-1])
    assert _levels_in(run, backend) == [[2] * 8, [4] * 8]

    more = run_motrix("train", "go1-rough", "--backend", backend, "--resume", str(run), "--steps", "320",
                      "--runs-dir", str(tmp_path))
    assert more.returncode == 0, more.stderr
    # carried over: 4 + 2 and 4 + 4; drawn afresh they would have been 2 and 4 again
    assert _levels_in(run, backend)[2:] == [[6] * 8, [8] * 8]
