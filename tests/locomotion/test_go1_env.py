"""The Go1 velocity-tracking envs: what the policy sees, what it is rewarded for, when episodes end."""

from __future__ import annotations

import numpy as np
import pytest

import motrix
from motrix_envs_locomotion.go1 import model as G

REQUIRED_TERMS = {"tracking_lin_vel", "tracking_ang_vel", "lin_vel_z", "ang_vel_xy", "torques",
                  "dof_acc", "action_rate", "feet_air_time", "hip_deviation"}


@pytest.fixture(scope="module")
def go1():
    return motrix.make("go1", num_envs=8, seed=0)


def test_the_observation_is_48_numbers_laid_out_as_documented(go1):
    state = go1.init_state()
    obs = state.obs
    assert obs.shape == (8, 48) and obs.dtype == np.float32
    np.testing.assert_allclose(obs[:, 0:6], 0.0)  # base velocities at rest
    np.testing.assert_allclose(obs[:, 6:9], np.tile([0.0, 0.0, -1.0], (8, 1)), atol=1e-6)  # gravity
    np.testing.assert_array_equal(obs[:, 9:12], state.info["command"])
    assert np.all(np.abs(obs[:, 12:24]) <= go1.cfg.reset_joint_noise + 1e-6)  # joints near standing
    np.testing.assert_allclose(obs[:, 24:48], 0.0)  # joint velocities and previous action


def test_commands_lie_in_the_configured_ranges(go1):
    commands = go1.sample_commands(4000)
    cfg = go1.cfg
    for k, (lo, hi) in enumerate((cfg.command_lin_vel_x, cfg.command_lin_vel_y, cfg.command_yaw_rate)):
        assert lo <= commands[:, k].min() and commands[:, k].max() <= hi
    slow = np.linalg.norm(commands[:, :2], axis=1) < cfg.standing_command_below
    assert np.all(commands[slow, :2] == 0.0)


def test_a_turn_in_place_share_of_commands_keeps_only_the_yaw_rate():
    n = 4000
    uniform = motrix.make("go1", num_envs=1, seed=3).sample_commands(n)
    turning = motrix.make("go1", num_envs=1, seed=3, turn_in_place_fraction=0.25).sample_commands(n)
    on_the_spot = np.all(turning[:, :2] == 0.0, axis=1)
    assert 0.2 < on_the_spot.mean() < 0.3  # 25 % asked for, plus the few slow commands made standing
    assert np.mean(np.all(uniform[:, :2] == 0.0, axis=1)) < 0.03
    np.testing.assert_array_equal(turning[:, 2], uniform[:, 2])  # yaw rates as drawn
    np.testing.assert_array_equal(turning[~on_the_spot], uniform[~on_the_spot])
    assert np.abs(turning[on_the_spot, 2]).mean() > 0.4  # they really turn


def test_holding_the_standing_pose_stays_up_and_is_rewarded_per_named_term(go1):
    go1.init_state()
    for _ in range(100):  # 2 s
        state = go1.step(np.zeros((8, 12), np.float32))
        assert not state.terminated.any()
    assert REQUIRED_TERMS <= set(state.info["Reward"])
    height = state.info["metrics"]["base_height"]
    assert np.all((0.22 < height) & (height < 0.32))
    total = sum(state.info["Reward"].values())
    np.testing.assert_allclose(state.reward, np.maximum(total, 0.0), rtol=1e-5, atol=1e-7)


def test_a_robot_on_its_back_is_terminated_and_reset():
    env = motrix.make("go1", num_envs=2, seed=1)
    env.init_state()
    flipped = G.standing_dof_pos(env.model, 1)
    flipped[:, 2] = 0.4
    flipped[:, 3:7] = [1.0, 0.0, 0.0, 0.0]  # 180° about x (xyzw)
    env.data[0].reset(env.model, dof_pos=flipped[0].copy(), dof_vel=np.zeros(18, np.float32))
    state = env.step(np.zeros((2, 12), np.float32))
    assert state.terminated.tolist() == [True, False]
    assert state.final_obs[0, 8] > 0.5, "ended upside down: gravity points up in the body frame"
    assert state.obs[0, 8] < -0.99, "and was reset upright"


def test_commands_are_resampled_during_an_episode():
    env = motrix.make("go1", num_envs=16, seed=2, command_resample_seconds=0.1)
    first = env.init_state().info["command"].copy()
    for _ in range(6):
        state = env.step(np.zeros((16, 12), np.float32))
    assert not state.done.any()
    assert not np.array_equal(first, state.info["command"])


def test_stairs_penalize_stumbling_and_flat_ground_does_not():
    stairs = motrix.make("go1-stairs", num_envs=2, seed=0)
    stairs.init_state()
    assert "stumble" in stairs.step(np.zeros((2, 12), np.float32)).info["Reward"]
    flat = motrix.make("go1", num_envs=2, seed=0)
    flat.init_state()
    assert "stumble" not in flat.step(np.zeros((2, 12), np.float32)).info["Reward"]


def test_rough_ground_is_generated_from_its_seed():
    a = motrix.make("go1-rough", num_envs=1, terrain_seed=5).terrain
    b = motrix.make("go1-rough", num_envs=1, terrain_seed=5).terrain
    c = motrix.make("go1-rough", num_envs=1, terrain_seed=6).terrain
    assert np.array_equal(a.heights, b.heights) and not np.array_equal(a.heights, c.heights)
    # each tile of the hardest level spans 10 cm (tiles differ in how far above and below 0)
    assert 0.10 - 1e-6 <= float(a.heights.max() - a.heights.min()) <= 0.2


def test_robots_spawn_on_the_ground_of_uneven_terrain():
    env = motrix.make("go1-stairs", num_envs=4, seed=3)
    env.init_state()
    for _ in range(50):
        state = env.step(np.zeros((4, 12), np.float32))
    assert not state.terminated.any()
    assert np.all(state.info["metrics"]["base_height"] > 0.2)


def test_an_unknown_terrain_or_a_share_outside_0_1_is_a_usage_error():
    from motrix.errors import UsageError

    with pytest.raises(UsageError, match="terrain must be one of flat, rough, stairs"):
        motrix.make("go1", terrain="lava")
    with pytest.raises(UsageError, match=r"turn_in_place_fraction must be in \[0, 1\], got 1.5"):
        motrix.make("go1", turn_in_place_fraction=1.5)


@pytest.mark.parametrize("env_name", ["go1", "go1-rough", "go1-stairs"])
def test_go1_configs_are_cpu_sized_with_gpu_sized_defaults_for_a_gpu(env_name):
    from motrix.registry import get_rl_config

    cfg = get_rl_config(env_name, backend="torch").load_cfg_class()()
    gpu = cfg.for_gpu()
    assert cfg.num_envs == 1024 and gpu.num_envs == 4096
    assert gpu.rollouts * gpu.num_envs // gpu.mini_batches == 24_576  # minibatch size on a GPU
    assert gpu.max_env_steps == cfg.max_env_steps  # the same budget, in fewer iterations
