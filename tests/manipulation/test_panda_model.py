"""Our Panda model against the published facts: kinematics (DH), masses, limits, servos, gripper."""

from __future__ import annotations

import numpy as np
import pytest

ms = pytest.importorskip("motrixsim")

from motrix_envs_manipulation.panda import kinematics as K  # noqa: E402
from motrix_envs_manipulation.panda import model as P  # noqa: E402


@pytest.fixture(scope="module")
def panda() -> ms.SceneModel:
    return P.load()


def _at(model: ms.SceneModel, q: np.ndarray, fingers: float = 0.04) -> ms.SceneData:
    """Data with the arm at angles q (n, 7), after forward kinematics."""
    q = np.atleast_2d(q).astype(np.float32)
    data = ms.SceneData(model, batch=(q.shape[0],))
    dof = np.zeros((q.shape[0], model.num_dof_pos), np.float32)
    dof[:, :7], dof[:, 7:9] = q, fingers
    data.reset(model, dof_pos=dof, dof_vel=np.zeros((q.shape[0], model.num_dof_vel), np.float32),
               forward_kinematic=True)
    return data


def test_structure_and_limits_are_the_published_ones(panda):
    assert tuple(panda.joint_names) == P.JOINT_NAMES
    assert tuple(panda.actuator_names) == P.ACTUATOR_NAMES
    lower, upper = panda.joint_limits
    np.testing.assert_allclose(lower[:7], [-2.8973, -1.7628, -2.8973, -3.0718, -2.8973, -0.0175, -2.8973], atol=1e-6)
    np.testing.assert_allclose(upper[:7], [2.8973, 1.7628, 2.8973, -0.0698, 2.8973, 3.7525, 2.8973], atol=1e-6)
    np.testing.assert_allclose(lower[7:], 0.0, atol=1e-9)
    np.testing.assert_allclose(upper[7:], 0.04, atol=1e-9)  # 0.08 m total opening
    forces = [panda.actuators[i].force_range[1] for i in range(9)]
    np.testing.assert_allclose(forces, [87, 87, 87, 87, 12, 12, 12, 70, 70], rtol=1e-6)


def test_flange_at_the_zero_pose_matches_the_dh_table(panda):
    data = _at(panda, np.zeros(7))
    flange = panda.get_site(P.FLANGE_SITE).get_position(data)[0]
    # a7 forward; d1 + d3 + d5 up, minus the flange's d = 0.107 (link 7 points down)
    np.testing.assert_allclose(flange, [0.088, 0.0, 0.333 + 0.316 + 0.384 - 0.107], atol=1e-5)
    np.testing.assert_allclose(K.flange_pose(np.zeros(7))[:3, 3], [0.088, 0.0, 0.926], atol=1e-12)


def test_flange_and_fingertips_match_dh_kinematics_at_other_poses(panda):
    rng = np.random.default_rng(0)
    q = np.vstack([P.HOME, [0.3, -0.5, 0.7, -2.0, 0.4, 1.5, -0.3],
                   rng.uniform(P.ARM_LOWER, P.ARM_UPPER, size=(30, 7))])
    data = _at(panda, q)
    pose = K.flange_pose(q)
    flange = panda.get_site(P.FLANGE_SITE)
    np.testing.assert_allclose(flange.get_position(data), pose[:, :3, 3], atol=2e-5)
    np.testing.assert_allclose(flange.get_rotation_mat(data), pose[:, :3, :3], atol=2e-5)
    np.testing.assert_allclose(panda.get_site(P.TCP_SITE).get_position(data), K.tcp_position(q), atol=2e-5)
    # the home pose: hand straight down, fingertips 0.307 m ahead and 0.487 m up
    np.testing.assert_allclose(K.tcp_position(P.HOME), [0.3069, 0.0, 0.4869], atol=1e-4)
    np.testing.assert_allclose(pose[0, :3, 2], [0, 0, -1], atol=1e-6)


def test_link_masses_are_the_published_ones(panda):
    masses = {link.name: link.mass for link in panda.links}
    for name, mass in P.LINK_MASSES.items():
        if name == "link0":  # welded to the world: MotrixSim folds it into the world body
            continue
        assert masses[name] == pytest.approx(mass, rel=1e-6), name
    assert sum(masses.values()) == pytest.approx(P.MOVING_MASS, rel=1e-6)
    assert P.MOVING_MASS + P.LINK_MASSES["link0"] == pytest.approx(17.47, abs=1e-9)


def test_servos_hold_the_home_pose_against_gravity(panda):
    data = _at(panda, np.tile(P.HOME, (4, 1)))
    data.actuator_ctrls = np.tile(np.r_[P.HOME, 0.04, 0.04].astype(np.float32), (4, 1))
    panda.step_n(data, int(2.0 / panda.options.timestep))
    q = data.dof_pos
    assert np.all(np.abs(q[:, :7] - P.HOME) < 0.05), q[:, :7] - P.HOME  # sag within 3°
    assert np.all(np.abs(data.dof_vel) < 1e-2)


def test_fingers_move_together_over_the_stroke(panda):
    data = _at(panda, np.tile(P.HOME, (3, 1)), fingers=0.04)
    command = np.array([-1.0, 0.0, 1.0], np.float32)  # closed, half, open
    np.testing.assert_allclose(P.finger_targets(command), [[0, 0], [0.02, 0.02], [0.04, 0.04]], atol=1e-7)
    data.actuator_ctrls = np.concatenate([np.tile(P.HOME, (3, 1)), P.finger_targets(command)], axis=1)
    panda.step_n(data, int(1.5 / panda.options.timestep))
    fingers = data.dof_pos[:, 7:9]
    np.testing.assert_allclose(fingers[:, 0], fingers[:, 1], atol=1e-4)
    np.testing.assert_allclose(fingers[:, 0], [0.0, 0.02, 0.04], atol=2e-3)
    ms.forward_kinematic(panda, data)
    left = panda.get_link("left_finger").get_position(data)
    right = panda.get_link("right_finger").get_position(data)
    # the finger bodies slide apart symmetrically, each by its joint's travel
    np.testing.assert_allclose(np.linalg.norm(left - right, axis=1), fingers.sum(axis=1), atol=1e-4)
