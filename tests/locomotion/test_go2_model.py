"""Go2 model: structure and description agree, mass as published, kinematics as written,
and it stands under its position servos on flat and rough ground."""

from __future__ import annotations

import numpy as np
import pytest

ms = pytest.importorskip("motrixsim")

from motrix_envs_locomotion import terrain as T
from motrix_envs_locomotion.go2 import robot as G

R = G.GO2
N_ENVS = 8


@pytest.fixture(scope="module")
def flat() -> ms.SceneModel:
    return R.load()


def _hold_stand(model: ms.SceneModel, seconds: float, hf: T.Terrain | None = None,
                xy: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    """Hold the standing pose with the servos: trunk height above ground, upright, and the
    largest servo torque (N*m) over the last half of the run."""
    data = ms.SceneData(model, batch=(N_ENVS,))
    ground = 0.0 if hf is None else hf.height_at(*(np.zeros((2, N_ENVS)) if xy is None else xy.T))
    data.reset(model, dof_pos=R.standing_dof_pos(model, N_ENVS, ground, xy),
               dof_vel=np.zeros(model.num_dof_vel, np.float32), forward_kinematic=True)
    target = np.tile(R.default_joint_pos, (N_ENVS, 1))
    data.actuator_ctrls = target
    steps = round(seconds / model.options.timestep)
    model.step_n(data, steps // 2)
    torque = 0.0
    for _ in range(steps - steps // 2):
        model.step(data)
        # the servo law (MotrixSim <position>: kp (ctrl - q) - kv qd, clipped to forcerange)
        tau = R.kp * (target - data.dof_pos[:, 7:]) - R.kd * data.dof_vel[:, 6:]
        torque = max(torque, float(np.abs(np.clip(tau, -R.torques, R.torques)).max()))
    dof = data.dof_pos
    upright = 1.0 - 2.0 * (dof[:, 3] ** 2 + dof[:, 4] ** 2)  # world z of the trunk z axis
    return dof[:, 2] - np.asarray(ground), upright, torque


# -- structure: the model file and the description say the same ---------------------------

def test_structure(flat: ms.SceneModel) -> None:
    assert flat.num_dof_pos == 7 + 12 and flat.num_dof_vel == 6 + 12
    assert len(flat.floating_bases) == 1
    assert tuple(flat.joint_names) == R.joint_names
    assert R.joint_names[:3] == ("FR_hip_joint", "FR_thigh_joint", "FR_calf_joint")
    assert R.joint_names[-1] == "RL_calf_joint"
    assert tuple(flat.actuator_names) == R.actuator_names
    assert [flat.actuators[i].target_name for i in range(12)] == list(R.joint_names)
    assert [j.dof_pos_index for j in flat.joints] == list(range(7, 19))
    assert [R.joint_names[i] for i in R.hip_indices] == [f"{leg}_hip_joint" for leg in G.LEGS]


def test_limits_and_servos(flat: ms.SceneModel) -> None:
    np.testing.assert_allclose(flat.joint_limits[0], R.lower, atol=1e-6)
    np.testing.assert_allclose(flat.joint_limits[1], R.upper, atol=1e-6)
    # published ranges: abduction +-1.047, thigh front / rear, knee
    np.testing.assert_allclose(R.lower, (-1.047, -1.571, -2.723) * 2 + (-1.047, -0.524, -2.723) * 2, atol=1e-6)
    np.testing.assert_allclose(R.upper, (1.047, 3.491, -0.838) * 2 + (1.047, 4.538, -0.838) * 2, atol=1e-6)
    lo, hi = flat.actuator_ctrl_limits  # targets are clipped to the joint range
    np.testing.assert_allclose(lo, R.lower, atol=1e-6)
    np.testing.assert_allclose(hi, R.upper, atol=1e-6)
    np.testing.assert_allclose(R.torques, (23.7, 23.7, 45.0) * 4, rtol=1e-6)
    for act, limit in zip(flat.actuators, R.torque_limits):
        np.testing.assert_allclose(act.force_range, [-limit, limit], rtol=1e-6)
        assert act.kp == pytest.approx(R.kp) and act.kd == pytest.approx(R.kd)
    assert 35.0 <= R.kp <= 50.0 and R.kd == 1.0
    assert np.all((R.default_joint_pos > R.lower) & (R.default_joint_pos < R.upper))


def test_named_parts_and_collision_scheme(flat: ms.SceneModel) -> None:
    for name in R.foot_links + G.BODY_GEOMS + ("floor",):
        assert flat.get_geom_index(name) is not None, name
    for name in R.foot_links + (G.IMU_SITE,):
        assert flat.get_site_index(name) is not None, name
    for name in R.foot_links + G.CALF_LINKS + (R.trunk,):
        assert flat.get_link_index(name) is not None, name
    for foot, calf in zip(R.foot_links, G.CALF_LINKS):
        link = flat.get_link(foot)
        assert link.mass == 0.0 and link.num_joints == 0 and link.parent.name == calf
        geom = flat.get_geom(foot)
        assert geom.shape == ms.Shape.Sphere and geom.radius == pytest.approx(G.FOOT_RADIUS)
        assert geom.link.name == foot and flat.get_site(foot).parent_link.name == foot
    for geom in flat.geoms:
        expected = (1, 0) if geom.name == "floor" else (0, 1)
        assert (geom.collision_group, geom.collision_affinity) == expected, geom.name


def test_home_keyframe_is_the_standing_pose(flat: ms.SceneModel) -> None:
    key = flat.keyframes[0]
    assert key.name == "home"
    np.testing.assert_allclose(key.dof_pos, R.standing_dof_pos(flat, 1)[0], atol=1e-6)
    np.testing.assert_allclose(key.ctrl, R.standing_pose, atol=1e-6)


def test_total_mass(flat: ms.SceneModel) -> None:
    mass = sum(link.mass for link in flat.links)
    assert mass == pytest.approx(15.0, rel=0.03)  # published: ~15 kg
    assert mass == pytest.approx(R.total_mass, rel=1e-5)
    assert flat.get_link(R.trunk).mass == pytest.approx(6.92)
    for leg in G.LEGS:  # published per-leg masses; 0.04 kg foot folded into the calf
        assert flat.get_link(f"{leg}_hip").mass == pytest.approx(0.678)
        assert flat.get_link(f"{leg}_thigh").mass == pytest.approx(1.152)
        assert flat.get_link(f"{leg}_calf").mass == pytest.approx(0.24 + 0.04)


# -- kinematics: the feet are where the link offsets put them --------------------------------

def _rx(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def _ry(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def _foot_by_hand(leg: str, hip: float, thigh: float, knee: float, trunk_z: float) -> np.ndarray:
    """Foot centre in the world, chained from the offsets in the facts (trunk level at x=y=0)."""
    sx, sy = (1 if leg[0] == "F" else -1), (1 if leg[1] == "L" else -1)
    r_hip = _rx(hip)
    r_thigh = r_hip @ _ry(thigh)
    r_calf = r_thigh @ _ry(knee)
    return (np.array([sx * 0.1934, sy * 0.0465, trunk_z])
            + r_hip @ [0.0, sy * 0.0955, 0.0]   # abduction axis -> thigh joint
            + r_thigh @ [0.0, 0.0, -0.213]      # thigh
            + r_calf @ [0.0, 0.0, -0.213])      # calf, to the foot centre


def _feet_in_sim(model: ms.SceneModel, joints: np.ndarray, trunk_z: float) -> np.ndarray:
    data = ms.SceneData(model)
    dof = np.zeros(model.num_dof_pos, np.float32)
    dof[2], dof[6], dof[7:] = trunk_z, 1.0, joints
    data.reset(model, dof_pos=dof, dof_vel=np.zeros(model.num_dof_vel, np.float32),
               forward_kinematic=True)
    return np.array([model.get_site(foot).get_position(data) for foot in R.foot_links])


def test_feet_at_zero_pose(flat: ms.SceneModel) -> None:
    feet = _feet_in_sim(flat, np.zeros(12, np.float32), 1.0)
    # straight legs: x = hip axis, y = 0.0465 + 0.0955, z = 1 - 0.213 - 0.213
    expected = [[0.1934, -0.142, 0.574], [0.1934, 0.142, 0.574],
                [-0.1934, -0.142, 0.574], [-0.1934, 0.142, 0.574]]
    np.testing.assert_allclose(feet, expected, atol=1e-5)


def test_feet_at_standing_pose(flat: ms.SceneModel) -> None:
    feet = _feet_in_sim(flat, R.default_joint_pos, R.spawn_height)
    # thigh and calf lean 0.9 opposite ways: the foot hangs d = 0.426 cos 0.9 below the thigh
    # joint, in x under the hip axis; abduction 0.1 outward swings it out by d sin 0.1 and the
    # thigh joint's 0.0955 by cos 0.1; the feet rest on the ground (centre one radius up)
    d = 0.426 * np.cos(0.9)
    y = 0.0465 + 0.0955 * np.cos(0.1) + d * np.sin(0.1)
    expected = [[0.1934, -y, 0.02], [0.1934, y, 0.02], [-0.1934, -y, 0.02], [-0.1934, y, 0.02]]
    np.testing.assert_allclose(feet, expected, atol=1e-5)
    assert y > 0.142  # splayed outward of the straight-leg stance
    assert R.spawn_height == pytest.approx(d * np.cos(0.1) - 0.0955 * np.sin(0.1) + 0.02, abs=1e-9)


def test_feet_at_a_splayed_pose(flat: ms.SceneModel) -> None:
    """Larger, different angles on every joint, so each axis and sign is checked on every leg."""
    pose = np.array([0.3, 0.7, -1.2, -0.2, 0.1, -0.9, -0.4, 1.6, -2.0, 0.45, -0.3, -1.5], np.float32)
    feet = _feet_in_sim(flat, pose, 1.0)
    for i, leg in enumerate(G.LEGS):
        np.testing.assert_allclose(feet[i], _foot_by_hand(leg, *pose[3 * i:3 * i + 3], 1.0),
                                   atol=1e-5, err_msg=leg)


# -- standing under PD --------------------------------------------------------------------

def test_stands_with_pd(flat: ms.SceneModel) -> None:
    height, upright, torque = _hold_stand(flat, 1.0)
    print(f"\nGo2 standing on flat ground: trunk {height.mean():.4f} m, "
          f"max servo torque {torque:.1f} N*m")
    lo, hi = R.standing_height
    assert np.all((height > lo) & (height < hi)), height
    assert np.all(upright > 0.99), upright
    assert torque < 0.6 * 23.7  # well inside even the hip/thigh limit


def test_stands_on_rough_terrain() -> None:
    hf = T.rough(seed=2, size=4.0)
    xy = np.random.default_rng(2).uniform(-1.5, 1.5, (N_ENVS, 2))
    height, upright, torque = _hold_stand(R.load(hf), 1.0, hf, xy)
    lo, hi = R.standing_height
    # height is measured from the ground under the trunk, not under the feet
    assert np.all((height > lo - 0.03) & (height < hi + 0.03)), height
    assert np.all(upright > 0.97), upright
    assert torque < 23.7
