"""The cartpole task: what it observes, rewards and ends on, and that it can be solved."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import motrix
from motrix.config import PPOCfg
from motrix.registry import get_env, get_rl_config
from motrix_envs_basic.cartpole.cfg import CartPoleCfg
from motrix_envs_basic.cartpole.rl_cfg import CartPolePPO

#: A linear balancing controller (discrete LQR on the linearised model), action = obs @ K.
LQR_GAINS = np.array([1.0, 7.5, 1.1, 1.7], np.float32)


def test_cartpole_is_registered_by_motrix_envs_basic():
    spec = get_env("cartpole")
    assert spec.load_cfg_class() is CartPoleCfg


def test_defaults_match_the_task_definition():
    cfg = CartPoleCfg()
    assert cfg.sim_dt == cfg.ctrl_dt == 0.01
    assert cfg.max_episode_steps == 1000  # 10 s
    assert (cfg.max_pole_angle, cfg.max_cart_position) == (0.2, 0.8)


def test_spaces_are_four_observations_and_one_bounded_force():
    env = motrix.make("cartpole")
    assert env.observation_space == gym.spaces.Box(-np.inf, np.inf, (4,), np.float32)
    assert env.action_space == gym.spaces.Box(-1.0, 1.0, (1,), np.float32)


def test_observation_is_cart_position_pole_angle_and_their_velocities():
    env = motrix.make("cartpole", num_envs=3, seed=0)
    env.init_state()
    state = env.step(np.array([[1.0], [0.0], [-1.0]], np.float32))
    np.testing.assert_array_equal(state.obs[:, :2], env.data.dof_pos)
    np.testing.assert_array_equal(state.obs[:, 2:], env.data.dof_vel)


def test_pushing_moves_the_cart_that_way_and_tips_the_pole_the_other_way():
    env = motrix.make("cartpole", num_envs=2, seed=0, reset_noise_scale=0.0)
    env.init_state()
    for _ in range(10):
        state = env.step(np.array([[1.0], [-1.0]], np.float32))
    x, angle = state.obs[:, 0], state.obs[:, 1]
    assert x[0] > 0 > x[1]
    assert angle[0] < 0 < angle[1]


def test_the_pole_falls_like_a_uniform_one_metre_rod_on_a_one_kilogram_cart():
    # Linearised free cart + pole: angle'' = k * angle with k = (M+m) m g l / ((M+m) I - (m l)^2)
    # for M = 1, m = 0.1, l = 0.5 and I = m L^2 / 3 about the hinge: k ≈ 15.8 /s².
    env = motrix.make("cartpole", num_envs=1, reset_noise_scale=0.0, sim_dt=0.001, ctrl_dt=0.001)
    env.init_state()
    env.data.set_dof_pos(np.array([[0.0, 0.01]], np.float32), env.model)
    for _ in range(500):
        state = env.step(np.zeros((1, 1), np.float32))
    k = (np.arccosh(state.obs[0, 1] / 0.01) / 0.5) ** 2
    assert k == pytest.approx(15.8, rel=0.03)


def test_initial_states_are_random_within_the_reset_noise():
    env = motrix.make("cartpole", num_envs=64, seed=0)
    obs = env.init_state().obs
    assert np.abs(obs).max() <= env.cfg.reset_noise_scale
    assert len(np.unique(obs[:, 1])) == 64


def test_reward_is_one_per_step_with_an_alive_term():
    env = motrix.make("cartpole", num_envs=4, seed=0)
    env.init_state()
    state = env.step(np.zeros((4, 1), np.float32))
    np.testing.assert_array_equal(state.reward, np.ones(4))
    np.testing.assert_array_equal(state.info["Reward"]["alive"], np.ones(4))


@pytest.mark.parametrize(
    ("dof_pos", "ends"),
    [
        ([0.0, 0.19], False),
        ([0.0, 0.25], True),   # pole past 0.2 rad
        ([0.0, -0.25], True),
        ([0.79, 0.0], False),
        ([0.85, 0.0], True),   # cart past 0.8 m
        ([-0.85, 0.0], True),
    ],
)
def test_the_episode_terminates_when_the_pole_tips_or_the_cart_leaves_the_track(dof_pos, ends):
    env = motrix.make("cartpole", num_envs=1, seed=0, reset_noise_scale=0.0)
    env.init_state()
    env.data.set_dof_pos(np.array([dof_pos], np.float32), env.model)
    state = env.step(np.zeros((1, 1), np.float32))
    assert bool(state.terminated[0]) is ends
    assert not state.truncated[0]


def test_random_pushes_drop_the_pole_within_a_few_hundred_steps():
    env = motrix.make("cartpole", num_envs=32, seed=0)
    env.init_state()
    rng = np.random.default_rng(0)
    ended = np.zeros(32, bool)
    for _ in range(300):
        ended |= env.step(rng.uniform(-1, 1, (32, 1)).astype(np.float32)).terminated
    assert ended.all()


def test_a_balancing_controller_survives_the_whole_episode_and_is_truncated():
    env = motrix.make("cartpole", num_envs=16, seed=0)
    state = env.init_state()
    for step in range(1, 1001):
        state = env.step(np.clip(state.obs @ LQR_GAINS, -1, 1)[:, None])
        assert not state.terminated.any(), f"the pole fell at step {step}"
        if step < 1000:
            assert not state.truncated.any()
    assert state.truncated.all()


def test_the_universal_rl_config_is_a_cpu_sized_ppo_config():
    spec = get_rl_config("cartpole", backend="any-backend")
    assert spec.backend is None
    cfg_class = spec.load_cfg_class()
    assert cfg_class is CartPolePPO and issubclass(cfg_class, PPOCfg)
    cfg = cfg_class()
    cfg.validate()
    assert cfg.num_envs <= 1024  # the seed's 2048 GPU envs are far too slow on a CPU
    assert max(cfg.policy_hidden_layer_sizes + cfg.value_hidden_layer_sizes) <= 256
