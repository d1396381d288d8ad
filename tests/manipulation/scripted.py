"""Scripted Panda controllers for the tests: waypoints for the fingertip, solved by IK.

They show that a task can be solved through the env's own action interface (joint deltas +
gripper) and that its success metric then reads success; the random policy's does not.
"""

from __future__ import annotations

import numpy as np

from motrix_envs_manipulation.panda import kinematics as K
from motrix_envs_manipulation.panda import model as P


def joint_actions(env, q_goal: np.ndarray, gripper: np.ndarray) -> np.ndarray:
    """Actions moving the env's joint targets toward ``q_goal`` (n, 7) at full speed."""
    delta = (q_goal - env.state.info["joint_target"]) / env.cfg.action_scale
    delta /= np.maximum(1.0, np.abs(delta).max(axis=1, keepdims=True))  # keep the direction
    return np.concatenate([delta, gripper[:, None]], axis=1).astype(np.float32)


class WaypointPolicy:
    """Follows fingertip waypoints ``plan(env, step) -> (points (n, 3), gripper (n,))``.

    Resolved-rate control: each step the joint targets move by one damped least-squares
    step toward a point at most ``speed`` metres closer to the waypoint. Gravity makes the
    arm sag a little below its targets, so the fingertip error is integrated as well.
    """

    def __init__(self, env, plan, speed: float = 0.01, axis=(0.0, 0.0, -1.0), finger_axis=None) -> None:
        self.env, self.plan, self.speed, self.axis, self.finger_axis = env, plan, speed, axis, finger_axis
        self.offset = np.zeros((env.num_envs, 3))

    def __call__(self, step: int, tcp: np.ndarray) -> np.ndarray:
        points, gripper = self.plan(self.env, step)
        error = points - tcp
        near = np.linalg.norm(error, axis=1, keepdims=True) < 0.05  # no wind-up while travelling
        self.offset = np.clip(self.offset + 0.05 * error * near, -0.04, 0.04)
        q = self.env.state.info["joint_target"].astype(float)
        here = K.tcp_position(q)
        move = points + self.offset - here
        norm = np.linalg.norm(move, axis=1, keepdims=True)
        goal = here + move * np.minimum(1.0, self.speed / np.maximum(norm, 1e-9))
        q_goal = K.solve_ik(goal, q, P.ARM_LOWER, P.ARM_UPPER, iterations=3, axis=self.axis,
                             finger_axis=self.finger_axis)
        return joint_actions(self.env, q_goal, gripper)


def lift_plan(env, step: int) -> tuple[np.ndarray, np.ndarray]:
    """Above the cube, down to it, close, then carry it to the target."""
    data = env.state.data.dof_pos
    cube, target = data[:, 9:12].astype(float), env.state.info["target"].astype(float)
    n = env.num_envs
    if step < 50:
        return cube + [0.0, 0.0, 0.10], np.ones(n)
    if step < 70:
        return cube + [0.0, 0.0, 0.005], np.ones(n)
    if step < 85:
        return cube + [0.0, 0.0, 0.005], -np.ones(n)
    return target, -np.ones(n)


def cabinet_plan(env, step: int) -> tuple[np.ndarray, np.ndarray]:
    """In front of the handle, onto the bar, close, then pull back 0.3 m."""
    handle = np.array([0.64, 0.0, 0.73])  # the shut drawer's handle (scene.py)
    n = env.num_envs
    if step < 40:
        return handle - [0.08, 0.0, 0.0], np.ones(n)
    if step < 60:
        return handle, np.ones(n)
    if step < 75:
        return handle, -np.ones(n)
    return handle - [min(0.3, 0.01 * (step - 75)), 0.0, 0.0], -np.ones(n)
