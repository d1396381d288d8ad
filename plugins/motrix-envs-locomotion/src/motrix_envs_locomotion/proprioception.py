"""What a quadruped feels: one batched read of the physics state, and the observation slices
built from it that every locomotion task shares (velocity tracking, navigation)."""

from __future__ import annotations

from dataclasses import dataclass

import motrixsim
import numpy as np
from motrixsim import query

from motrix.env.layout import ObsSlice

from .kinematics import DOWN, quat_rotate_inverse
from .robot import Quadruped


@dataclass
class Body:
    """The robot's state after a physics step, one row per env."""

    pos: np.ndarray
    """Trunk position in the world (n, 3)."""
    quat: np.ndarray
    """Trunk orientation, xyzw (n, 4)."""
    lin_vel: np.ndarray
    """Trunk linear velocity in the body frame (n, 3)."""
    ang_vel: np.ndarray
    """Trunk angular velocity in the body frame (n, 3)."""
    gravity: np.ndarray
    """Unit gravity direction in the body frame (n, 3)."""
    joint_pos: np.ndarray
    """Joint angles (n, 12)."""
    joint_vel: np.ndarray
    """Joint velocities (n, 12)."""

    @property
    def upright(self) -> np.ndarray:
        """World-z component of the trunk's up axis (1 level, 0 on its side)."""
        return -self.gravity[:, 2]


class BodyReader:
    """Reads ``Body`` from a ``SceneData`` with one native call per step (a compiled query)."""

    def __init__(self, model: motrixsim.SceneModel, data: motrixsim.SceneData) -> None:
        plan = model.compile_query({"dof_pos": query.DofPosition(), "dof_vel": query.DofVelocity()})
        self._query = plan.allocate(data)
        self._split = model.num_dof_pos

    def read(self, data: motrixsim.SceneData) -> Body:
        buf = self._query.execute(data).buffer
        pos, vel = buf[:, :self._split], buf[:, self._split:]
        quat = pos[:, 3:7]
        return Body(
            pos=pos[:, :3], quat=quat,
            lin_vel=quat_rotate_inverse(quat, vel[:, 0:3]),
            ang_vel=vel[:, 3:6],  # the free joint's angular velocity is already in the body frame
            gravity=quat_rotate_inverse(quat, DOWN),
            joint_pos=pos[:, 7:], joint_vel=vel[:, 6:],
        )


def base_slices() -> tuple[ObsSlice, ...]:
    """Layout of ``base_obs``."""
    return (
        ObsSlice("base_lin_vel", 3, "trunk linear velocity in the body frame, m/s (x forward, y left, z up)"),
        ObsSlice("base_ang_vel", 3, "trunk angular velocity in the body frame, rad/s (roll, pitch, yaw)"),
        ObsSlice("projected_gravity", 3, "unit gravity direction in the body frame ((0, 0, -1) standing level)"),
    )


def joint_slices(robot: Quadruped) -> tuple[ObsSlice, ...]:
    """Layout of ``joint_obs``."""
    joints = ", ".join(robot.joint_names)
    return (
        ObsSlice("joint_pos", robot.num_joints, f"joint angles minus the standing pose, rad, in the order {joints}"),
        ObsSlice("joint_vel", robot.num_joints, "joint velocities, rad/s, same order"),
        ObsSlice("last_action", robot.num_joints, "the previous action, same order"),
    )


def base_obs(body: Body) -> list[np.ndarray]:
    """The trunk's velocities and tilt, as the IMU would give them (n, 9) in three parts."""
    return [body.lin_vel, body.ang_vel, body.gravity]


def joint_obs(robot: Quadruped, body: Body, last_action: np.ndarray) -> list[np.ndarray]:
    """Joint angles relative to the standing pose, joint velocities, previous action (n, 36)."""
    return [body.joint_pos - robot.default_joint_pos, body.joint_vel, last_action]


def resting_body(robot: Quadruped, joint_pos: np.ndarray) -> Body:
    """The ``Body`` of robots just reset: still, level, at ``joint_pos`` (n, 12)."""
    n = len(joint_pos)
    zeros3 = np.zeros((n, 3), dtype=np.float32)
    return Body(pos=zeros3, quat=np.tile(np.float32([0, 0, 0, 1]), (n, 1)), lin_vel=zeros3, ang_vel=zeros3,
                gravity=np.tile(DOWN, (n, 1)), joint_pos=joint_pos,
                joint_vel=np.zeros_like(joint_pos, dtype=np.float32))
