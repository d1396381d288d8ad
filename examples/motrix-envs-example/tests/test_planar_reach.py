"""Tests of the planar-reach env, run against the installed plugin: ``pip install .[test]``, ``pytest``."""

from __future__ import annotations

import numpy as np

import motrix
from motrix.testing import check_env


def test_meets_the_motrix_env_contract():
    # Shapes, dtypes, finite values, truncation, auto-reset, seeding, batch == alone.
    check_env("planar-reach")


def test_targets_are_placed_within_reach():
    env = motrix.make("planar-reach", num_envs=512, seed=0)
    state = env.init_state()
    radius = np.linalg.norm(state.obs[:, 6:8], axis=1)
    assert radius.min() >= env.cfg.target_min_radius - 1e-6
    assert radius.max() <= env.cfg.target_max_radius + 1e-6


def test_reward_is_minus_the_fingertip_distance_and_zero_on_the_target():
    env = motrix.make("planar-reach", num_envs=1, seed=0, control_cost_weight=0.0)
    env.init_state()
    # Put the target exactly under the fingertip of the straight arm (0.5 m + 0.4 m along x).
    env.data.set_dof_pos(np.array([[0.0, 0.0, 0.9, 0.0]], np.float32), env.model)
    env.data.set_dof_vel(np.zeros((1, 4), np.float32))
    state = env.step(np.zeros((1, 2), np.float32))
    assert abs(state.reward[0]) < 1e-3
    np.testing.assert_allclose(state.obs[0, 8:10], 0.0, atol=1e-3)  # fingertip → target
    # Moved 0.3 m away along y, the reward is -0.3.
    env.data.set_dof_pos(np.array([[0.0, 0.0, 0.9, 0.3]], np.float32), env.model)
    state = env.step(np.zeros((1, 2), np.float32))
    assert abs(state.reward[0] + 0.3) < 1e-3
    assert state.info["metrics"]["distance"][0] == -state.info["Reward"]["distance"][0]


def test_torque_turns_the_arm_and_costs_reward():
    env = motrix.make("planar-reach", num_envs=2, seed=0)
    env.init_state()
    for _ in range(10):
        state = env.step(np.array([[1.0, 0.0], [0.0, 0.0]], np.float32))
    shoulder_speed = state.obs[:, 4]
    assert shoulder_speed[0] > 1.0 and abs(shoulder_speed[1]) < 0.1
    control = state.info["Reward"]["control"]
    assert control[0] < 0 and control[1] == 0
