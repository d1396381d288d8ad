"""franka-open-cabinet: observation, reward terms, the drawer, success judged from the physics."""

from __future__ import annotations

import numpy as np
import pytest

import motrix
from motrix.testing import check_env
from motrix_envs_manipulation.cabinet import scene as S
from motrix_envs_manipulation.cabinet.cfg import HOME
from motrix_envs_manipulation.panda import control as C
from motrix_envs_manipulation.panda import model as P

from .scripted import WaypointPolicy, cabinet_plan

TERMS = {"approach", "align", "grasp", "open", "open_bonus", "action_rate", "joint_vel"}


def _drawer(env) -> np.ndarray:
    return env.data.dof_pos[:, S.DRAWER_DOF]


def _run(env, policy, steps: int):
    state = env.state
    tcp = env.model.get_site(P.TCP_SITE)
    for k in range(steps):
        state = env.step(policy(k, tcp.get_position(env.data)))
        assert not state.done.any(), "no episode may end early in these runs"
    return state


def test_meets_the_env_contract():
    check_env("franka-open-cabinet")


def test_the_observation_is_laid_out_as_documented():
    env = motrix.make("franka-open-cabinet", num_envs=8, seed=0)
    state = env.init_state()
    obs = state.obs
    assert obs.shape == (8, 37) and obs.dtype == np.float32
    assert np.all(np.abs(obs[:, :7]) <= env.cfg.reset_joint_noise + 1e-6)
    np.testing.assert_allclose(obs[:, 7:18], 0.0)  # fingers open, at rest
    tcp = env.model.get_site(P.TCP_SITE).get_position(env.data)
    handle = env.model.get_site("handle").get_position(env.data)
    np.testing.assert_allclose(handle, np.tile([0.64, 0.0, 0.73], (8, 1)), atol=1e-5)
    np.testing.assert_allclose(obs[:, 18:21], handle - tcp, atol=1e-5)
    rot = env.model.get_site(P.TCP_SITE).get_rotation_mat(env.data)
    np.testing.assert_allclose(obs[:, 21:24], rot[:, :, 2], atol=1e-5)  # approach axis
    np.testing.assert_allclose(obs[:, 24:27], rot[:, :, 1], atol=1e-5)  # finger axis
    assert np.all(obs[:, 21] > 0.9)  # the start pose points the hand at the cabinet
    np.testing.assert_allclose(obs[:, 27:], 0.0)  # drawer shut and still, no previous action


def test_the_drawer_slides_out_damped_within_its_travel():
    env = motrix.make("franka-open-cabinet", num_envs=2, seed=1)
    env.init_state()
    joint = env.model.get_joint("drawer")
    lower, upper = env.model.joint_limits
    assert (lower[S.DRAWER_DOF], upper[S.DRAWER_DOF]) == (0.0, np.float32(0.4))
    dof = env.data.dof_pos.copy()
    dof[:, 0] = np.pi / 2  # the arm turned aside, out of the drawer's way
    vel = np.zeros_like(env.data.dof_vel)
    vel[:, S.DRAWER_DOF] = [0.2, 1.0]  # a gentle and a hard shove outwards
    env.data.reset(env.model, dof_pos=dof, dof_vel=vel)
    env.data.actuator_ctrls = C.servo_ctrls(dof[:, :7], np.ones(2, np.float32))  # the arm holds still
    opening = []
    for _ in range(int(round(3.0 / env.cfg.sim_dt))):  # 3 s
        env.model.step(env.data)
        opening.append(_drawer(env))
    opening = np.array(opening)
    assert joint.name == "drawer"
    # 2 N·s/m on the 1.5 kg drawer: it coasts v0 · m / c = 0.15 m; the hard shove (0.75 m
    # free) is stopped by the end of the 0.4 m travel (and rebounds a little off it)
    assert 0.12 < opening[-1, 0] < 0.16
    assert 0.395 < opening[:, 1].max() < 0.41 and 0.3 < opening[-1, 1] < 0.41
    assert opening.min() > -0.01 and np.all(np.abs(env.data.dof_vel[:, S.DRAWER_DOF]) < 0.02)


def test_reward_is_the_sum_of_its_named_terms():
    env = motrix.make("franka-open-cabinet", num_envs=8, seed=2)
    env.init_state()
    state = env.step(np.random.default_rng(0).uniform(-1, 1, (8, 8)).astype(np.float32))
    assert set(state.info["Reward"]) == TERMS
    np.testing.assert_allclose(state.reward, sum(state.info["Reward"].values()), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("sim_dt", [0.02, 0.01])  # the default, and a finer physics step
def test_a_scripted_pull_opens_the_drawer_and_the_metric_agrees_with_the_physics(sim_dt):
    env = motrix.make("franka-open-cabinet", num_envs=8, seed=3, max_episode_seconds=4.1, sim_dt=sim_dt)
    env.init_state()
    policy = WaypointPolicy(env, cabinet_plan, axis=(1.0, 0.0, 0.0), finger_axis=(0.0, 0.0, 1.0))
    state = _run(env, policy, 200)
    opened = _drawer(env) >= 0.2
    assert opened.mean() >= 0.75, _drawer(env)
    np.testing.assert_array_equal(state.info["metrics"]["success"], opened.astype(np.float32))
    assert state.info["metrics"]["held"][opened].all()  # pulled by the handle, in the fingers


def test_random_actions_do_not_open_the_drawer():
    env = motrix.make("franka-open-cabinet", num_envs=32, seed=4, max_episode_seconds=4.1)
    env.init_state()
    rng = np.random.default_rng(4)
    state = _run(env, lambda k, tcp: rng.uniform(-1, 1, (32, 8)).astype(np.float32), 200)
    assert (_drawer(env) >= 0.2).sum() == 0
    assert state.info["metrics"]["success"].sum() == 0


def test_the_start_pose_is_the_documented_one():
    env = motrix.make("franka-open-cabinet", num_envs=4, seed=5, reset_joint_noise=0.0)
    state = env.init_state()
    np.testing.assert_allclose(env.data.dof_pos[:, :7], np.tile(HOME, (4, 1)), atol=1e-6)
    np.testing.assert_allclose(state.obs[:, 18:21], np.tile([0.22, 0.0, 0.08], (4, 1)), atol=2e-3)
    approach, fingers = C.hand_axes(env.model.get_site(P.TCP_SITE).get_pose(env.data)[:, 3:7])
    np.testing.assert_allclose(approach, np.tile([1, 0, 0], (4, 1)), atol=1e-3)
    np.testing.assert_allclose(np.abs(fingers[:, 2]), 1.0, atol=1e-3)  # fingers above and below the bar
