"""Point-to-point navigation: the guidance controller by hand, and success read from the physics."""

from __future__ import annotations

import math

import numpy as np
import pytest

import motrix
from motrix_envs_locomotion.kinematics import wrap_angle, yaw_of
from motrix_envs_locomotion.navigation import guidance as Gd

GUIDE = {"gain": 1.0, "max_speed": 1.0, "max_lateral_speed": 0.5, "yaw_gain": 1.0, "max_yaw_rate": 1.0, "stop_within": 0.15,
         "stop_heading": 0.08, "approach_within": 0.5}


def test_the_goal_is_expressed_in_the_heading_frame():
    goal = np.array([[1.0, 1.0], [0.0, 2.0]], np.float32)
    pos = np.array([[0.0, 0.0], [0.0, 0.0]], np.float32)
    yaw = np.array([math.pi / 2, math.pi])  # facing +y; facing -x
    np.testing.assert_allclose(Gd.goal_in_body_frame(goal, pos, yaw), [[1.0, -1.0], [0.0, -2.0]], atol=1e-6)


def test_the_guidance_command_by_hand():
    goal = np.array([[3.0, 0.0], [0.0, 3.0], [3.0, 3.0], [0.75, 0.0], [0.3, -0.4], [0.1, 0.0], [0.0, 0.0]],
                    np.float32)
    heading = np.array([2.0, 0.0, 0.0, 1.0, 2.0, -0.5, 0.05], np.float32)
    cmd = Gd.guidance_command(goal, heading, **GUIDE)
    np.testing.assert_allclose(cmd, [
        [1.0, 0.0, 0.0],           # far, facing it: full speed ahead; the goal heading waits
        [0.0, 0.5, 1.0],           # far, to the left: sideways at the 0.5 m/s cap, turning to it (clipped)
        [0.5, 0.5, 0.785398],      # far, 45 deg off: towards it, capped sideways; turn pi/4 to face it
        [0.75, 0.0, 0.5],          # 0.75 m: yaw half towards the point (0), half to the heading (1)
        [0.3, -0.4, 1.0],          # 0.5 m, near: gain x offset; yaw to the goal heading, clipped
        [0.0, 0.0, -0.5],          # inside the 0.15 m dead band: only turning
        [0.0, 0.0, 0.0],           # at the goal pose: stand
    ], atol=1e-5)


def test_arrival_and_rest_by_hand():
    assert Gd.at_goal(np.array([0.29, 0.31, 0.1]), np.array([0.2, 0.0, 0.3]), 0.3, math.radians(15)).tolist() == [
        True, False, False]
    assert Gd.at_rest(np.array([0.05, 0.2, 0.05]), np.array([0.1, 0.0, -0.3]), 0.1, 0.2).tolist() == [
        True, False, False]


def test_wrap_angle_and_yaw():
    np.testing.assert_allclose(wrap_angle(np.array([3 * math.pi / 2, -3 * math.pi / 2, 0.1])),
                               [-math.pi / 2, math.pi / 2, 0.1], atol=1e-9)
    q = np.array([[0.0, 0.0, math.sin(0.35), math.cos(0.35)]])
    np.testing.assert_allclose(yaw_of(q), [0.7], atol=1e-6)


@pytest.fixture()
def nav():
    env = motrix.make("anymal-c-navigation", num_envs=3, seed=0)
    env.init_state()
    return env


def _put_goals(env, offsets_body: np.ndarray, heading_offsets: np.ndarray) -> None:
    """Move each env's goal to an offset from where its robot stands now (heading frame)."""
    info, pos = env.state.info, env.data.dof_pos
    yaw = yaw_of(pos[:, 3:7])
    c, s = np.cos(yaw), np.sin(yaw)
    dx, dy = offsets_body[:, 0], offsets_body[:, 1]
    info["goal_xy"] = np.stack([pos[:, 0] + c * dx - s * dy, pos[:, 1] + s * dx + c * dy], axis=1).astype(np.float32)
    info["goal_yaw"] = wrap_angle(yaw + heading_offsets).astype(np.float32)
    info["best_distance"] = np.linalg.norm(offsets_body, axis=1).astype(np.float32)


def test_success_is_measured_from_where_the_robot_is(nav):
    for _ in range(50):  # settle on the servos
        nav.step(np.zeros((3, 12), np.float32))
    # at the goal; 0.5 m short of it; at the point but 30 degrees off its heading
    _put_goals(nav, np.array([[0.0, 0.0], [0.5, 0.0], [0.0, 0.0]]), np.array([0.0, 0.0, math.radians(30)]))
    state = nav.step(np.zeros((3, 12), np.float32))
    assert state.info["metrics"]["success"].tolist() == [1.0, 0.0, 0.0]
    np.testing.assert_allclose(state.info["metrics"]["distance_to_goal"], [0.0, 0.5, 0.0], atol=0.02)
    assert state.info["Reward"]["at_rest"][0] > 0 and state.info["Reward"]["at_rest"][1] == 0


def test_arrived_but_moving_is_not_success(nav):
    for _ in range(50):
        nav.step(np.zeros((3, 12), np.float32))
    _put_goals(nav, np.zeros((3, 2)), np.zeros(3))
    vel = np.zeros((3, nav.model.num_dof_vel), np.float32)
    vel[0, 0] = vel[0, 1] = 0.4  # 0.57 m/s across the goal
    vel[1, 5] = 0.6  # turning on it at 0.6 rad/s
    nav.data.set_dof_vel(vel)
    state = nav.step(np.zeros((3, 12), np.float32))
    assert state.info["metrics"]["arrived"].tolist() == [1.0, 1.0, 1.0]
    assert state.info["metrics"]["success"].tolist() == [0.0, 0.0, 1.0]


def test_goals_lie_within_the_range_and_robots_start_facing_every_way():
    env = motrix.make("anymal-c-navigation", num_envs=512, seed=2)
    state = env.init_state()
    goal = state.info["goal_xy"] - env.data.dof_pos[:, :2]
    assert np.abs(goal).max() <= env.cfg.goal_range and np.abs(goal).max() > 0.95 * env.cfg.goal_range
    assert np.abs(state.info["goal_yaw"]).max() <= np.pi
    yaw = yaw_of(env.data.dof_pos[:, 3:7])
    assert np.histogram(yaw, bins=8, range=(-np.pi, np.pi))[0].min() > 30  # every heading


def test_the_policy_sees_the_goal_and_the_command_towards_it(nav):
    _put_goals(nav, np.array([[3.0, 0.0], [0.0, -2.0], [0.0, 0.0]]), np.array([0.0, 0.0, -1.0]))
    state = nav.step(np.zeros((3, 12), np.float32))
    layout = {s.name: s for s in nav.observation_layout()}
    start = {}
    at = 0
    for s in nav.observation_layout():
        start[s.name] = at
        at += s.size
    assert at == state.obs.shape[1] == 53
    cmd = state.obs[:, start["command"]:start["command"] + 3]
    np.testing.assert_allclose(cmd[0], [1.0, 0.0, 0.0], atol=0.05)   # 3 m ahead: full speed forward
    np.testing.assert_allclose(cmd[1], [0.0, -0.5, -1.0], atol=0.05)  # 2 m to the right: sidestep, turn to it
    np.testing.assert_allclose(cmd[2], [0.0, 0.0, -1.0], atol=0.05)  # on the point, turned: turn only
    goal = state.obs[:, start["goal_position"]:start["goal_position"] + 2]
    np.testing.assert_allclose(goal, [[3.0, 0.0], [0.0, -2.0], [0.0, 0.0]], atol=0.05)
    assert layout["arrived"].size == 1


def test_a_fall_costs_the_fall_penalty_outside_the_clip():
    env = motrix.make("anymal-c-navigation", num_envs=2, seed=1, w_fall=-10.0)
    env.init_state()
    flipped = env.data.dof_pos[0].copy()
    flipped[2] = 0.8
    flipped[3:7] = [1.0, 0.0, 0.0, 0.0]  # upside down
    env.data[0].reset(env.model, dof_pos=flipped, dof_vel=np.zeros(env.model.num_dof_vel, np.float32))
    state = env.step(np.zeros((2, 12), np.float32))
    assert state.terminated.tolist() == [True, False]
    assert state.info["Reward"]["fall"].tolist() == [env.cfg.w_fall, 0.0]
    others = sum(v[0] for k, v in state.info["Reward"].items() if k != "fall")
    assert state.reward[0] == pytest.approx(env.cfg.w_fall + max(others, 0.0), abs=1e-5)
    assert state.reward[1] >= 0.0


def test_a_robot_that_tracks_the_guidance_command_reaches_every_goal_within_an_episode():
    """Integrate a point robot that follows the command exactly, from 512 random goal poses."""
    rng = np.random.default_rng(0)
    n, dt, seconds = 512, 0.02, 15.0
    goal_xy = rng.uniform(-5, 5, (n, 2))
    goal_yaw = rng.uniform(-math.pi, math.pi, n)
    xy, yaw = np.zeros((n, 2)), rng.uniform(-math.pi, math.pi, n)
    arrived_at = np.full(n, np.inf)
    for step in range(int(seconds / dt)):
        heading_error = wrap_angle(goal_yaw - yaw)
        cmd = Gd.guidance_command(Gd.goal_in_body_frame(goal_xy, xy, yaw), heading_error, **GUIDE)
        c, s = np.cos(yaw), np.sin(yaw)
        xy = xy + dt * np.stack([c * cmd[:, 0] - s * cmd[:, 1], s * cmd[:, 0] + c * cmd[:, 1]], axis=1)
        yaw = wrap_angle(yaw + dt * cmd[:, 2])
        done = Gd.at_goal(np.linalg.norm(goal_xy - xy, axis=1), wrap_angle(goal_yaw - yaw), 0.3, math.radians(15))
        arrived_at[done & np.isinf(arrived_at)] = step * dt
    assert np.isfinite(arrived_at).all()
    assert arrived_at.max() < 12.0, arrived_at.max()  # seconds to spare for standing still
