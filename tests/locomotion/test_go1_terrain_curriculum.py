"""go1-rough / go1-stairs: terrain levels as configured, the curriculum's promotion and demotion
rules at reset, reproducibility per seed, and the env contract. Real MotrixSim throughout."""

from __future__ import annotations

import numpy as np
import pytest

import motrix
from motrix.errors import UsageError
from motrix.testing import check_env
from motrix_envs_locomotion import levels as L
from motrix_envs_locomotion.curriculum import Curriculum, Rules, next_levels
from motrix_envs_locomotion.go1 import model as G

RULES = Rules(levels=10, promote_distance=4.0, demote_fraction=0.5)


# -- the terrain grid --------------------------------------------------------------------
def test_rough_tiles_get_the_configured_bump_height_rising_with_level():
    env = motrix.make("go1-rough", num_envs=1, level_range=(0.02, 0.11), terrain_levels=4, terrain_columns=2)
    hf, grid = env.terrain, env.grid
    hx, hy = hf.half_extent
    assert (hx, hy) == pytest.approx((4 * 8.0 / 2, 2 * 8.0 / 2), abs=1e-6)
    xs = np.arange(hf.heights.shape[1]) * hf.cell - hx
    ys = np.arange(hf.heights.shape[0]) * hf.cell - hy
    level, column = grid.tile_of(*np.meshgrid(xs, ys))
    for k, expected in enumerate((0.02, 0.05, 0.08, 0.11)):
        for c in range(2):
            tile = hf.heights[(level == k) & (column == c)]
            assert np.ptp(tile) == pytest.approx(expected, rel=1e-3), (k, c)
    # level spawn points: flat at each tile centre, and z = 0 where tiles meet
    centres = grid.centre(np.arange(4), np.zeros(4, int))
    np.testing.assert_allclose(hf.height_at(centres[:, 0], centres[:, 1]), 0.0, atol=1e-6)
    np.testing.assert_allclose(hf.height_at(np.full(5, -hx + 8.0), np.linspace(-hy, hy, 5)), 0.0, atol=1e-6)


def test_stairs_tiles_are_hills_whose_step_height_rises_with_level():
    env = motrix.make("go1-stairs", num_envs=1, level_range=(0.03, 0.09), terrain_levels=3)
    stairs, grid = env.terrain, env.grid
    assert stairs.step_heights == pytest.approx((0.03, 0.06, 0.09))
    rings = stairs.rings
    assert rings == 10  # (8 m tile / 2 - 1 m platform half) / 0.3 m steps
    for k, h in enumerate(stairs.step_heights):
        cx, cy = grid.centre(k, 1)
        assert stairs.height_at(np.array([cx]), np.array([cy]))[0] == pytest.approx(rings * h)  # the top
        walk_down = stairs.height_at(cx + 1.0 + 0.3 * np.arange(rings) + 0.15, np.full(rings, cy))
        np.testing.assert_allclose(np.diff(walk_down), -h, atol=1e-9)  # one step height per ring
    assert len(stairs.geoms_xml()) == 3 * env.cfg.terrain_columns * rings


@pytest.mark.parametrize("env_name", ["go1-rough", "go1-stairs"])
def test_robots_spawn_on_their_level_and_stand_on_the_real_ground(env_name):
    # every robot on the hardest level: the MotrixSim ground must be where height_at says
    env = motrix.make(env_name, num_envs=6, seed=4, terrain_level=9)
    state = env.init_state()
    xy = state.data.dof_pos[:, :2]
    assert np.all(env.grid.tile_of(xy[:, 0], xy[:, 1])[0] == 9)
    for _ in range(50):  # 1 s holding the standing pose
        state = env.step(np.zeros((6, 12), np.float32))
    assert not state.terminated.any()
    height = state.info["metrics"]["base_height"]
    assert np.all((0.22 < height) & (height < 0.32)), height
    np.testing.assert_array_equal(state.info["metrics"]["terrain_level"], 9.0)


# -- the rules ---------------------------------------------------------------------------
def test_rules_on_hand_made_episodes():
    rng = np.random.default_rng(0)
    level = np.array([3, 3, 3, 3, 3, 0, 5])
    walked = np.array([4.5, 4.5, 1.0, 2.5, 2.5, 0.0, np.nan])
    asked = np.array([6.0, 6.0, 4.0, 4.0, 4.0, 3.0, 2.0])
    fell = np.array([False, True, False, False, False, False, False])
    out = next_levels(level, walked, asked, fell, RULES, rng)
    # left the tile's middle: up; fell there: down; under half the asked distance: down;
    # over half but not out: stays (twice); level 0 cannot go lower; a blown-up sim: down
    assert out.tolist() == [4, 2, 2, 3, 3, 0, 4]


def test_standing_commands_ask_for_nothing_so_standing_still_is_no_failure():
    out = next_levels(np.array([2]), np.array([0.05]), np.array([0.0]), np.array([False]), RULES,
                      np.random.default_rng(0))
    assert out.tolist() == [2]


def test_robots_promoted_past_the_top_are_sent_to_random_levels():
    n = 400
    out = next_levels(np.full(n, 9), np.full(n, 5.0), np.full(n, 6.0), np.zeros(n, bool), RULES,
                      np.random.default_rng(1))
    assert out.min() >= 0 and out.max() <= 9
    assert len(np.unique(out)) == 10 and np.mean(out == 9) < 0.2  # spread over all levels


def test_the_perfect_tracker_integrates_heading_so_circles_ask_for_nothing():
    cur = Curriculum(2, RULES, start_levels=0)
    cur.spawned(np.arange(2), np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([np.pi / 2, 0.0]))
    command = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 1.0]], np.float32)
    steps = 314  # 2 pi seconds at 0.02 s
    for _ in range(steps):
        cur.track(command, 0.02)
    np.testing.assert_allclose(cur.ideal_xy[0], [1.0, 2.0 + steps * 0.02], atol=1e-9)  # straight ahead = +y
    assert np.linalg.norm(cur.ideal_xy[1]) < 0.02  # a full circle of radius 1 m


# -- the rules through the env: episodes ended by hand at reset ---------------------------
def test_the_env_moves_robots_up_and_down_at_reset():
    env = motrix.make("go1-rough", num_envs=4, seed=0, max_episode_seconds=0.2, curriculum_start_levels=6,
                      curriculum_promote_distance=1.0, command_lin_vel_x=(1.0, 1.0),
                      command_lin_vel_y=(0.0, 0.0), command_yaw_rate=(0.0, 0.0))
    state = env.init_state()
    start = env.curriculum.level.copy()
    assert np.all((start >= 1) & (start <= 8)), "the seed must leave room to move both ways"
    for _ in range(9):
        state = env.step(np.zeros((4, 12), np.float32))
    assert not state.done.any()
    pos = state.data.dof_pos.copy()
    moved = pos.copy()
    moved[0, 0] += 2.5  # env 0: 2.5 m from where it spawned (promote at 1 m)
    moved[3, :2] = env.curriculum.origin[3] + 0.15 * np.array([np.cos(0.3), np.sin(0.3)])  # 0.15 of 0.2 m asked
    moved[2, 2] += 0.4
    moved[2, 3:7] = [1.0, 0.0, 0.0, 0.0]  # env 2 upside down: falls
    for i in (0, 3):  # keep the height above the ground under the new spot
        moved[i, 2] += env.terrain.height_at(moved[i, 0], moved[i, 1]) - env.terrain.height_at(pos[i, 0], pos[i, 1])
    for i in (0, 2, 3):
        env.data[i].reset(env.model, dof_pos=moved[i], dof_vel=np.zeros(18, np.float32))
    # env 1 stays where it spawned: walked ~0 of the 0.2 m its command asked for
    state = env.step(np.zeros((4, 12), np.float32))
    assert state.done.all() and state.terminated.tolist() == [False, False, True, False]
    assert env.curriculum.level.tolist() == [start[0] + 1, start[1] - 1, start[2] - 1, start[3]]
    xy = env.curriculum.origin
    assert env.grid.tile_of(xy[:, 0], xy[:, 1])[0].tolist() == env.curriculum.level.tolist()
    np.testing.assert_array_equal(state.data.dof_pos[:, :2], xy.astype(np.float32))  # spawned there


def test_without_the_curriculum_levels_are_random_at_every_reset():
    env = motrix.make("go1-stairs", num_envs=64, seed=2, curriculum=False, max_episode_seconds=0.1)
    env.init_state()
    first = env.curriculum.level.copy()
    for _ in range(5):  # one episode
        env.step(np.zeros((64, 12), np.float32))
    assert len(np.unique(first)) > 5 and not np.array_equal(first, env.curriculum.level)


# -- reproducibility, contract, configuration -------------------------------------------
def _levels_over_time(seed: int) -> np.ndarray:
    env = motrix.make("go1-rough", num_envs=16, seed=seed, max_episode_seconds=0.3)
    env.init_state()
    rng = np.random.default_rng(0)
    levels = []
    for _ in range(60):
        state = env.step(rng.uniform(-1, 1, (16, 12)).astype(np.float32))
        levels.append(state.info["metrics"]["terrain_level"].copy())
    return np.concatenate([np.stack(levels).ravel(), state.data.dof_pos.ravel()])


def test_levels_are_reproducible_per_seed():
    a, b, c = _levels_over_time(5), _levels_over_time(5), _levels_over_time(6)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize("env_name", ["go1-rough", "go1-stairs"])
def test_the_env_contract_holds_with_the_curriculum(env_name):
    check_env(env_name)


def test_flat_go1_has_no_levels_and_no_curriculum_metric():
    env = motrix.make("go1", num_envs=2, seed=0)
    env.init_state()
    assert env.curriculum is None and env.grid is None
    assert "terrain_level" not in env.step(np.zeros((2, 12), np.float32)).info["metrics"]


@pytest.mark.parametrize("overrides, message", [
    ({"terrain_level": 10}, "terrain_level must be -1 or in 0..9"),
    ({"curriculum_start_levels": -1}, "curriculum_start_levels must be in 0..9"),
    ({"level_range": (0.1, 0.05)}, "level_range must be two numbers"),
    ({"curriculum_demote_fraction": 1.5}, "curriculum_demote_fraction must be in"),
])
def test_bad_curriculum_settings_are_usage_errors(overrides, message):
    with pytest.raises(UsageError, match=message):
        motrix.make("go1-rough", **overrides)


def test_spawn_height_follows_the_level_on_stairs():
    env = motrix.make("go1-stairs", num_envs=3, seed=0, terrain_level=4)
    z = env.init_state().data.dof_pos[:, 2]
    np.testing.assert_allclose(z, G.SPAWN_HEIGHT + env.terrain.rings * env.terrain.step_heights[4], atol=1e-5)
    assert isinstance(env.grid, L.Grid)


def test_height_is_defined_for_robots_that_walked_off_the_grid():
    # float32 positions (as dof_pos gives them) beyond every edge: clamped to the border
    env = motrix.make("go1-rough", num_envs=1)
    hx, hy = env.terrain.half_extent
    x = np.array([hx + 3.0, -hx - 3.0, 0.0, 0.0, hx + 1e-3], np.float32)
    y = np.array([0.0, 0.0, hy + 5.0, -hy - 5.0, hy + 1e-3], np.float32)
    h = env.terrain.height_at(x, y)
    assert np.all(np.isfinite(h)) and np.all(np.abs(h) <= 0.1)
