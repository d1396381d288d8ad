"""Checks every quadruped model must pass, written once: the model file and its ``Quadruped``
description agree, the feet follow the conventions, and it stands on its servos."""

from __future__ import annotations

import motrixsim as ms
import numpy as np
import pytest

from motrix_envs_locomotion import terrain as T
from motrix_envs_locomotion.robot import Quadruped


def model_matches_description(robot: Quadruped, model: ms.SceneModel) -> None:
    """Joint and servo order, limits, force ranges and gains as the description states."""
    assert model.num_dof_pos == 7 + 12 and model.num_dof_vel == 6 + 12
    assert len(model.floating_bases) == 1
    assert tuple(model.joint_names) == robot.joint_names
    assert tuple(model.actuator_names) == robot.actuator_names
    assert [model.actuators[i].target_name for i in range(12)] == list(robot.joint_names)
    assert [j.dof_pos_index for j in model.joints] == list(range(7, 19))
    np.testing.assert_allclose(model.joint_limits[0], robot.lower, atol=1e-6)
    np.testing.assert_allclose(model.joint_limits[1], robot.upper, atol=1e-6)
    lo, hi = model.actuator_ctrl_limits  # targets are clipped to the joint range
    np.testing.assert_allclose(lo, robot.lower, atol=1e-6)
    np.testing.assert_allclose(hi, robot.upper, atol=1e-6)
    for act, limit in zip(model.actuators, robot.torque_limits):
        np.testing.assert_allclose(act.force_range, [-limit, limit], rtol=1e-6)
        assert act.kp == pytest.approx(robot.kp) and act.kd == pytest.approx(robot.kd)
    assert np.all((robot.default_joint_pos > robot.lower) & (robot.default_joint_pos < robot.upper))
    key = model.keyframes[0]
    assert key.name == "home"
    np.testing.assert_allclose(key.dof_pos, robot.standing_dof_pos(model, 1)[0], atol=1e-6)
    np.testing.assert_allclose(key.ctrl, robot.standing_pose, atol=1e-6)
    assert sum(link.mass for link in model.links) == pytest.approx(robot.total_mass, rel=1e-5)


def feet_and_collisions_follow_the_conventions(robot: Quadruped, model: ms.SceneModel,
                                               shanks: tuple[str, ...], foot_radius: float) -> None:
    """Massless foot links welded to the shanks with one sphere and a site each; the robot
    touches the ground (``floor``), never itself."""
    assert model.get_geom_index("floor") is not None and model.get_link_index(robot.trunk) is not None
    for foot, shank in zip(robot.foot_links, shanks):
        link = model.get_link(foot)
        assert link.mass == 0.0 and link.num_joints == 0 and link.parent.name == shank
        geom = model.get_geom(foot)
        assert geom.shape == ms.Shape.Sphere and geom.radius == pytest.approx(foot_radius)
        assert geom.link.name == foot and model.get_site(foot).parent_link.name == foot
    for geom in model.geoms:
        expected = (1, 0) if geom.name == "floor" else (0, 1)
        assert (geom.collision_group, geom.collision_affinity) == expected, geom.name


def rx(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def ry(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def feet_in_sim(robot: Quadruped, model: ms.SceneModel, joints: np.ndarray, trunk_z: float) -> np.ndarray:
    """World positions (4, 3) of the foot sites at ``joints``, trunk level at (0, 0, trunk_z)."""
    data = ms.SceneData(model)
    dof = np.zeros(model.num_dof_pos, np.float32)
    dof[2], dof[6], dof[7:] = trunk_z, 1.0, joints
    data.reset(model, dof_pos=dof, dof_vel=np.zeros(model.num_dof_vel, np.float32), forward_kinematic=True)
    return np.array([model.get_site(foot).get_position(data) for foot in robot.foot_links])


def hold_stand(robot: Quadruped, model: ms.SceneModel, seconds: float, hf: T.Terrain | None = None,
               xy: np.ndarray | None = None, n: int = 8) -> tuple[np.ndarray, np.ndarray, float]:
    """Hold the standing pose with the servos: trunk height above ground, upright, and the
    largest servo torque (N*m) over the last half of the run."""
    data = ms.SceneData(model, batch=(n,))
    ground = 0.0 if hf is None else hf.height_at(*(np.zeros((2, n)) if xy is None else xy.T))
    data.reset(model, dof_pos=robot.standing_dof_pos(model, n, ground, xy),
               dof_vel=np.zeros(model.num_dof_vel, np.float32), forward_kinematic=True)
    target = np.tile(robot.default_joint_pos, (n, 1))
    data.actuator_ctrls = target
    steps = round(seconds / model.options.timestep)
    model.step_n(data, steps // 2)
    torque = 0.0
    for _ in range(steps - steps // 2):
        model.step(data)
        # the servo law (MotrixSim <position>: kp (ctrl - q) - kv qd, clipped to forcerange)
        tau = robot.kp * (target - data.dof_pos[:, 7:]) - robot.kd * data.dof_vel[:, 6:]
        torque = max(torque, float(np.abs(np.clip(tau, -robot.torques, robot.torques)).max()))
    dof = data.dof_pos
    upright = 1.0 - 2.0 * (dof[:, 3] ** 2 + dof[:, 4] ** 2)  # world z of the trunk z axis
    return dof[:, 2] - np.asarray(ground), upright, torque
