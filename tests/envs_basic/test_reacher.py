"""The reacher task: what it observes, rewards and ends on."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import motrix
from motrix.registry import get_env
from motrix_envs_basic.reacher.cfg import ReacherCfg
from motrix_envs_basic.reacher.env import fingertip
from tests.envs_basic.conftest import place, zeros


def test_registered_with_the_classic_timing():
    assert get_env("reacher").load_cfg_class() is ReacherCfg
    cfg = ReacherCfg()
    assert (cfg.ctrl_dt, cfg.max_episode_steps) == (0.02, 1000)  # 50 Hz, 20 s


def test_spaces():
    env = motrix.make("reacher")
    assert env.observation_space == gym.spaces.Box(-np.inf, np.inf, (7,), np.float32)
    assert env.action_space == gym.spaces.Box(-1.0, 1.0, (2,), np.float32)


def test_fingertip_kinematics_match_the_model():
    env = motrix.make("reacher", num_envs=16, seed=1)
    env.init_state()
    env.step(np.random.default_rng(0).uniform(-1, 1, (16, 2)).astype(np.float32))
    env.model.forward_kinematic(env.data)
    site = env.model.get_site("finger").get_position(env.data)[:, :2]
    np.testing.assert_allclose(fingertip(env.data.dof_pos[:, :2]), site, atol=1e-5)


def test_observation_is_angles_vector_to_target_and_velocities():
    env = motrix.make("reacher", num_envs=4, seed=0)
    env.init_state()
    state = env.step(np.ones((4, 2), np.float32))
    pos, vel = env.data.dof_pos, env.data.dof_vel
    np.testing.assert_allclose(state.obs[:, 0], np.cos(pos[:, 0]), atol=1e-6)
    np.testing.assert_allclose(state.obs[:, 1], np.sin(pos[:, 0]), atol=1e-6)
    np.testing.assert_allclose(state.obs[:, 2], pos[:, 1], atol=1e-6)
    np.testing.assert_allclose(state.obs[:, 3:5], pos[:, 2:4] - fingertip(pos[:, :2]), atol=1e-6)
    np.testing.assert_allclose(state.obs[:, 5:], vel[:, :2], atol=1e-6)


def test_a_wound_up_shoulder_is_observed_as_the_same_pose():
    env = motrix.make("reacher", num_envs=2, seed=0)
    env.init_state()
    place(env, np.array([[0.4, -0.8, 0.1, 0.05], [0.4 + 6 * np.pi, -0.8, 0.1, 0.05]], np.float32))
    obs = env.step(zeros(env)).obs
    np.testing.assert_allclose(obs[0], obs[1], atol=1e-4)


def test_targets_are_placed_within_the_configured_radii():
    env = motrix.make("reacher", num_envs=500, seed=0)
    env.init_state()
    radius = np.linalg.norm(env.data.dof_pos[:, 2:4], axis=1)
    assert radius.min() >= 0.05 - 1e-6 and radius.max() <= 0.20 + 1e-6
    assert np.ptp(env.data.dof_pos[:, 1]) > 4.0  # wrist spread over its +-160 deg


def test_default_reward_is_the_classic_indicator():
    assert motrix.make("reacher").cfg.distance_margin == 0.0


@pytest.mark.parametrize(("margin", "far_reward"), [(0.0, 0.0), (0.1, 0.1)])
def test_reward_is_one_on_the_target_and_fades_with_the_margin(margin, far_reward):
    env = motrix.make("reacher", num_envs=2, seed=0, distance_margin=margin)
    env.init_state()
    angles = np.array([0.3, -0.8], np.float32)
    tip = fingertip(angles[None])[0]
    # env 0: target under the fingertip; env 1: 0.06 + margin away (the reward's margin point)
    away = tip + np.array([0.0, 0.06 + margin + 1e-9 if margin else 0.1], np.float32)
    place(env, np.array([[*angles, *tip], [*angles, *away]], np.float32))
    state = env.step(zeros(env))
    assert state.reward[0] == pytest.approx(1.0)
    assert state.reward[1] == pytest.approx(far_reward, abs=2e-3)
    np.testing.assert_array_equal(state.info["Reward"]["reach"], state.reward)
    assert not state.terminated.any()


def test_torque_turns_the_arm_and_the_target_stays_put():
    env = motrix.make("reacher", num_envs=2, seed=0)
    env.init_state()
    place(env, [0.0, 0.0, 0.1, 0.1])
    for _ in range(10):
        env.step(np.array([[1.0, 0.0], [-1.0, 0.0]], np.float32))
    shoulder = env.data.dof_pos[:, 0]
    assert shoulder[0] > 0.05 and shoulder[1] < -0.05
    np.testing.assert_allclose(env.data.dof_pos[:, 2:], 0.1, atol=1e-6)
