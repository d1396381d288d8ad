"""The cheetah-run task: observation layout, reward, settled starts, no early termination."""

from __future__ import annotations

import gymnasium as gym
import numpy as np

import motrix
from motrix.registry import get_env
from motrix_envs_basic.cheetah.cfg import CheetahCfg
from tests.envs_basic.conftest import place, zeros


def test_registered_with_the_classic_timing():
    assert get_env("cheetah-run").load_cfg_class() is CheetahCfg
    cfg = CheetahCfg()
    assert (cfg.ctrl_dt, cfg.max_episode_steps, cfg.run_speed) == (0.01, 1000, 10.0)  # 100 Hz, 10 s


def test_spaces():
    env = motrix.make("cheetah-run")
    assert env.observation_space == gym.spaces.Box(-np.inf, np.inf, (17,), np.float32)
    assert env.action_space == gym.spaces.Box(-1.0, 1.0, (6,), np.float32)


def test_episodes_start_from_random_joint_angles_settled_on_the_floor():
    unsettled = motrix.make("cheetah-run", num_envs=64, seed=0, settle_steps=0).init_state()
    joints = unsettled.obs[:, 2:8]
    assert (np.ptp(joints, axis=0) > 0.5).all()  # spread over the joint ranges
    state = motrix.make("cheetah-run", num_envs=16, seed=0).init_state()
    np.testing.assert_allclose(state.obs[:, 8:], 0.0, atol=0.2)  # nearly at rest
    torso_z = 0.7 + state.obs[:, 0]
    assert (torso_z > 0.3).all() and (torso_z < 0.75).all()
    assert np.abs(state.obs[:, 1]).max() < 0.6  # on its feet, not flipped


def test_observation_is_positions_without_x_and_velocities():
    env = motrix.make("cheetah-run", num_envs=2, seed=0)
    env.init_state()
    state = env.step(np.ones((2, 6), np.float32))
    np.testing.assert_allclose(state.obs[:, :8], env.data.dof_pos[:, 1:], atol=1e-6)
    np.testing.assert_allclose(state.obs[:, 8:], env.data.dof_vel, atol=1e-6)


def test_reward_is_forward_speed_over_ten_clipped_to_one():
    env = motrix.make("cheetah-run", num_envs=4, seed=0)
    env.init_state()
    vel = np.zeros((4, 9), np.float32)
    vel[:, 0] = [-2.0, 0.0, 5.0, 12.0]
    place(env, np.zeros(9), vel)
    state = env.step(zeros(env))
    np.testing.assert_allclose(state.reward, [0.0, 0.0, 0.5, 1.0], atol=0.01)
    np.testing.assert_array_equal(state.info["Reward"]["run"], state.reward)
    assert not state.terminated.any()
