"""The walker tasks: observation layout, reward terms, no early termination."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import motrix
from motrix.registry import get_env
from motrix_envs_basic.walker.cfg import WalkerRunCfg, WalkerStandCfg, WalkerWalkCfg
from tests.envs_basic.conftest import place, zeros


def test_registered_variants_and_classic_timing():
    for name, cfg_class, speed in (("walker-stand", WalkerStandCfg, 0.0), ("walker-walk", WalkerWalkCfg, 1.0),
                                   ("walker-run", WalkerRunCfg, 8.0)):
        assert get_env(name).load_cfg_class() is cfg_class
        assert cfg_class().move_speed == speed
    cfg = WalkerStandCfg()
    assert (cfg.ctrl_dt, cfg.max_episode_steps, cfg.stand_height) == (0.025, 1000, 1.2)  # 40 Hz, 25 s


def test_spaces():
    env = motrix.make("walker-walk")
    assert env.observation_space == gym.spaces.Box(-np.inf, np.inf, (24,), np.float32)
    assert env.action_space == gym.spaces.Box(-1.0, 1.0, (6,), np.float32)


def test_observation_is_body_orientations_height_and_velocities():
    env = motrix.make("walker-stand", num_envs=1, seed=0)
    env.init_state()
    pose = np.array([0.0, 0.0, 0.1, 0.5, -0.7, 0.2, -0.1, -0.3, 0.05], np.float32)
    place(env, pose)
    obs = env.observation(pose[None], np.arange(9, dtype=np.float32)[None])[0]
    pitches = [0.1, 0.6, -0.1, 0.1, 0.0, -0.3, -0.25]  # torso, right thigh/leg/foot, left thigh/leg/foot
    np.testing.assert_allclose(obs[:14:2], np.cos(pitches), atol=1e-6)
    np.testing.assert_allclose(obs[1:14:2], np.sin(pitches), atol=1e-6)
    assert obs[14] == pytest.approx(1.3)
    np.testing.assert_array_equal(obs[15:], np.arange(9))


def test_standing_straight_is_1_3_m_and_earns_the_full_stand_reward():
    env = motrix.make("walker-stand", num_envs=1, seed=0)
    env.init_state()
    place(env, np.zeros(9))
    for _ in range(4):
        state = env.step(zeros(env))
    assert state.obs[0, 14] == pytest.approx(1.3, abs=0.005)  # feet on the floor, nothing sinks
    assert set(state.info["Reward"]) == {"standing", "upright"}
    assert state.reward[0] == pytest.approx(1.0, abs=1e-4)


def test_stand_reward_falls_when_low_or_tilted():
    env = motrix.make("walker-stand", num_envs=3, seed=0)
    env.init_state()
    pose = np.zeros((3, 9), np.float32)
    pose[1, 1:3] = -0.7, np.pi / 2  # lying level at 0.6 m: half the standing height low
    pose[2, 2] = np.pi  # upside down, legs up, torso at 1.3 m
    env.data.reset(env.model, dof_pos=pose, dof_vel=np.zeros((3, 9), np.float32))
    state = env.step(zeros(env))
    terms = state.info["Reward"]
    np.testing.assert_allclose(terms["standing"], [1.0, 0.1, 1.0], atol=0.01)
    np.testing.assert_allclose(terms["upright"], [1.0, 0.5, 0.0], atol=0.01)
    np.testing.assert_allclose(state.reward, (3 * terms["standing"] + terms["upright"]) / 4, rtol=1e-6)


@pytest.mark.parametrize(("name", "speeds", "moves"), [
    ("walker-walk", [0.0, 0.5, 1.5], [0.0, 0.5, 1.0]),
    ("walker-run", [0.0, 4.0, 9.0], [0.0, 0.5, 1.0]),
])
def test_move_reward_rises_with_forward_speed(name, speeds, moves):
    env = motrix.make(name, num_envs=3, seed=0)
    env.init_state()
    vel = np.zeros((3, 9), np.float32)
    vel[:, 0] = speeds
    place(env, [0.0, 0.5, 0, 0, 0, 0, 0, 0, 0], vel)  # in the air: no friction slows it
    state = env.step(zeros(env))
    np.testing.assert_allclose(state.info["Reward"]["move"], moves, atol=0.03)
    stand = (3 * state.info["Reward"]["standing"] + state.info["Reward"]["upright"]) / 4
    np.testing.assert_allclose(state.reward, stand * (5 * state.info["Reward"]["move"] + 1) / 6, rtol=1e-6)


def test_random_starts_and_no_early_termination():
    env = motrix.make("walker-stand", num_envs=64, seed=0, max_episode_seconds=1.0)
    state = env.init_state()
    assert np.ptp(np.arctan2(state.obs[:, 1], state.obs[:, 0])) > 5.0  # torso pitch all around
    for _ in range(39):
        state = env.step(zeros(env))
        assert not state.done.any()
    assert env.step(zeros(env)).truncated.all()
