"""franka-lift-cube: what the policy sees, its reward terms, success judged from the physics."""

from __future__ import annotations

import numpy as np
import pytest

import motrix
from motrix.errors import UsageError
from motrix.testing import check_env
from motrix_envs_manipulation.panda import model as P

from .scripted import WaypointPolicy, lift_plan

TERMS = {"reach", "grasp", "lift", "target", "target_fine", "action_rate", "joint_vel", "servo_lead"}


def _success_from_physics(env) -> np.ndarray:
    """The cube's centre within 5 cm of the target, from the physics state alone."""
    cube = env.data.dof_pos[:, 9:12]
    return np.linalg.norm(cube - env.state.info["target"], axis=1) < 0.05


def _run(env, policy, steps: int):
    """Run ``steps`` steps (fewer than an episode) and return the final state."""
    state = env.state
    tcp = env.model.get_site(P.TCP_SITE)
    for k in range(steps):
        state = env.step(policy(k, tcp.get_position(env.data)))
        assert not state.done.any(), "no episode may end early in these runs"
    return state


def test_meets_the_env_contract():
    check_env("franka-lift-cube")


def test_the_observation_is_laid_out_as_documented():
    env = motrix.make("franka-lift-cube", num_envs=16, seed=0)
    state = env.init_state()
    obs, dof = state.obs, env.data.dof_pos
    assert obs.shape == (16, 42) and obs.dtype == np.float32
    assert np.all(np.abs(obs[:, :7]) <= env.cfg.reset_joint_noise + 1e-6)
    np.testing.assert_allclose(obs[:, 7:9], 0.0)  # fingers open
    np.testing.assert_allclose(obs[:, 9:18], 0.0)  # at rest
    np.testing.assert_allclose(obs[:, 18:21], dof[:, 9:12], atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(obs[:, 21:25], axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(obs[:, 25:28], state.info["target"])
    tcp = env.model.get_site(P.TCP_SITE).get_position(env.data)
    np.testing.assert_allclose(obs[:, 28:31], dof[:, 9:12] - tcp, atol=1e-5)
    np.testing.assert_allclose(obs[:, 31:34], state.info["target"] - dof[:, 9:12], atol=1e-6)
    np.testing.assert_allclose(obs[:, 34:], 0.0)
    cfg = env.cfg
    cube, target = dof[:, 9:12], state.info["target"]
    assert np.all((cfg.cube_x[0] <= cube[:, 0]) & (cube[:, 0] <= cfg.cube_x[1]))
    assert np.all((cfg.cube_y[0] <= cube[:, 1]) & (cube[:, 1] <= cfg.cube_y[1]))
    np.testing.assert_allclose(cube[:, 2], 0.02, atol=1e-6)
    assert np.all((cfg.target_z[0] <= target[:, 2]) & (target[:, 2] <= cfg.target_z[1]))


def test_reward_is_the_sum_of_its_named_terms():
    env = motrix.make("franka-lift-cube", num_envs=8, seed=1)
    env.init_state()
    state = env.step(np.random.default_rng(0).uniform(-1, 1, (8, 8)).astype(np.float32))
    assert set(state.info["Reward"]) == TERMS
    np.testing.assert_allclose(state.reward, sum(state.info["Reward"].values()), rtol=1e-5, atol=1e-7)
    assert set(state.info["metrics"]) >= {"success", "cube_target_distance", "held", "cube_height"}


@pytest.mark.parametrize("sim_dt", [0.02, 0.01])  # the default, and a finer physics step
def test_a_scripted_grasp_succeeds_and_the_metric_agrees_with_the_physics(sim_dt):
    env = motrix.make("franka-lift-cube", num_envs=16, seed=3, max_episode_seconds=3.1, sim_dt=sim_dt)
    env.init_state()
    state = _run(env, WaypointPolicy(env, lift_plan), 150)
    success = _success_from_physics(env)
    assert success.mean() >= 0.75, state.info["metrics"]["cube_target_distance"]
    np.testing.assert_array_equal(state.info["metrics"]["success"], success.astype(np.float32))
    assert state.info["metrics"]["held"][success].all()  # lifted in the fingers, not tossed
    assert state.info["Reward"]["target_fine"][success].min() > 0


def test_random_actions_do_not_succeed():
    env = motrix.make("franka-lift-cube", num_envs=64, seed=4, max_episode_seconds=3.1)
    env.init_state()
    rng = np.random.default_rng(4)
    state = _run(env, lambda k, tcp: rng.uniform(-1, 1, (64, 8)).astype(np.float32), 150)
    assert _success_from_physics(env).sum() == 0
    assert state.info["metrics"]["success"].sum() == 0


def test_a_cube_off_the_table_ends_the_episode():
    env = motrix.make("franka-lift-cube", num_envs=2, seed=5)
    env.init_state()
    dof = env.data.dof_pos[0].copy()
    dof[9:12] = [1.2, 0.0, 0.02]  # beyond cube_lost_distance
    env.data[0].reset(env.model, dof_pos=dof, dof_vel=np.zeros(env.model.num_dof_vel, np.float32))
    state = env.step(np.zeros((2, 8), np.float32))
    assert state.terminated.tolist() == [True, False]
    assert state.final_obs[0, 18] > 1.1 and state.obs[0, 18] < 0.61  # ended off, reset on the table


def _targets_at(progress: float | None, curriculum: float = 0.5):
    """(cube start positions, targets) of 64 fresh episodes at a point of training."""
    env = motrix.make("franka-lift-cube", num_envs=64, seed=6, target_curriculum=curriculum)
    if progress is not None:
        env.set_training_progress(progress)
    state = env.init_state()
    return env.data.dof_pos[:, 9:12].copy(), state.info["target"], env.cfg


def test_the_target_curriculum_starts_straight_above_the_cube():
    cube, target, cfg = _targets_at(0.0)
    np.testing.assert_allclose(target[:, :2], cube[:, :2], atol=1e-6)
    np.testing.assert_allclose(target[:, 2], cfg.target_start_height, atol=1e-6)


def test_the_target_curriculum_spreads_targets_linearly_over_its_share_of_training():
    cube, target, cfg = _targets_at(0.25)  # halfway through a curriculum of 0.5
    _, full, _ = _targets_at(None, curriculum=0.0)  # the same draws, no curriculum
    start = np.column_stack([cube[:, :2], np.full(64, cfg.target_start_height)])
    np.testing.assert_allclose(target, start + 0.5 * (full - start), atol=1e-6)


@pytest.mark.parametrize("progress", [None, 0.5, 0.9])  # outside training; the curriculum over
def test_outside_the_curriculum_targets_are_the_full_task(progress):
    _, target, _ = _targets_at(progress)
    _, full, _ = _targets_at(None, curriculum=0.0)
    np.testing.assert_array_equal(target, full)


def test_training_logs_where_the_target_curriculum_is():
    env = motrix.make("franka-lift-cube", num_envs=2, seed=0, target_curriculum=0.5)
    env.set_training_progress(0.1)
    env.init_state()
    state = env.step(np.zeros((2, 8), np.float32))
    np.testing.assert_allclose(state.info["metrics"]["target_spread"], 0.2)


@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_a_target_curriculum_outside_0_1_is_refused(value):
    with pytest.raises(UsageError, match="target_curriculum must be in"):
        motrix.make("franka-lift-cube", target_curriculum=value)


def test_the_servo_lead_term_is_the_squared_lead_of_the_targets_over_the_angles():
    env = motrix.make("franka-lift-cube", num_envs=4, seed=2)
    env.init_state()
    state = env.step(np.ones((4, 8), np.float32))  # every target runs ahead of its joint
    lead = state.info["joint_target"] - env.data.dof_pos[:, :7]
    expected = env.cfg.w_servo_lead * env.cfg.ctrl_dt * np.sum(np.square(lead), axis=1)
    np.testing.assert_allclose(state.info["Reward"]["servo_lead"], expected, rtol=1e-5)
    assert (state.info["Reward"]["servo_lead"] < 0).all()
