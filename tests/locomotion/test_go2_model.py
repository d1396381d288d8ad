"""Go2 model: structure and description agree, mass as published, kinematics as written,
and it stands under its position servos on flat and rough ground."""

from __future__ import annotations

import numpy as np
import pytest

ms = pytest.importorskip("motrixsim")

from motrix_envs_locomotion import terrain as T
from motrix_envs_locomotion.go2 import robot as G

from . import quadruped_checks as C  # noqa: E402

R = G.GO2


@pytest.fixture(scope="module")
def flat() -> ms.SceneModel:
    return R.load()


# -- structure: the model file and the description say the same ---------------------------

def test_structure(flat: ms.SceneModel) -> None:
    C.model_matches_description(R, flat)
    assert R.joint_names[:3] == ("FR_hip_joint", "FR_thigh_joint", "FR_calf_joint")
    assert R.joint_names[-1] == "RL_calf_joint"
    assert [R.joint_names[i] for i in R.hip_indices] == [f"{leg}_hip_joint" for leg in G.LEGS]


def test_limits_and_servos(flat: ms.SceneModel) -> None:
    # published ranges: abduction +-1.047, thigh front / rear, knee
    np.testing.assert_allclose(R.lower, (-1.047, -1.571, -2.723) * 2 + (-1.047, -0.524, -2.723) * 2, atol=1e-6)
    np.testing.assert_allclose(R.upper, (1.047, 3.491, -0.838) * 2 + (1.047, 4.538, -0.838) * 2, atol=1e-6)
    np.testing.assert_allclose(R.torques, (23.7, 23.7, 45.0) * 4, rtol=1e-6)
    assert 35.0 <= R.kp <= 50.0 and R.kd == 1.0


def test_named_parts_and_collision_scheme(flat: ms.SceneModel) -> None:
    for name in R.foot_links + G.BODY_GEOMS + ("floor",):
        assert flat.get_geom_index(name) is not None, name
    for name in R.foot_links + (G.IMU_SITE,):
        assert flat.get_site_index(name) is not None, name
    for name in R.foot_links + G.CALF_LINKS + (R.trunk,):
        assert flat.get_link_index(name) is not None, name
    C.feet_and_collisions_follow_the_conventions(R, flat, G.CALF_LINKS, G.FOOT_RADIUS)


def test_total_mass(flat: ms.SceneModel) -> None:
    assert R.total_mass == pytest.approx(15.0, rel=0.03)  # published: ~15 kg (the model's sum: test_structure)
    assert flat.get_link(R.trunk).mass == pytest.approx(6.92)
    for leg in G.LEGS:  # published per-leg masses; 0.04 kg foot folded into the calf
        assert flat.get_link(f"{leg}_hip").mass == pytest.approx(0.678)
        assert flat.get_link(f"{leg}_thigh").mass == pytest.approx(1.152)
        assert flat.get_link(f"{leg}_calf").mass == pytest.approx(0.24 + 0.04)


# -- kinematics: the feet are where the link offsets put them --------------------------------

def _foot_by_hand(leg: str, hip: float, thigh: float, knee: float, trunk_z: float) -> np.ndarray:
    """Foot centre in the world, chained from the offsets in the facts (trunk level at x=y=0)."""
    sx, sy = (1 if leg[0] == "F" else -1), (1 if leg[1] == "L" else -1)
    r_hip = C.rx(hip)
    r_thigh = r_hip @ C.ry(thigh)
    r_calf = r_thigh @ C.ry(knee)
    return (np.array([sx * 0.1934, sy * 0.0465, trunk_z])
            + r_hip @ [0.0, sy * 0.0955, 0.0]   # abduction axis -> thigh joint
            + r_thigh @ [0.0, 0.0, -0.213]      # thigh
            + r_calf @ [0.0, 0.0, -0.213])      # calf, to the foot centre


def test_feet_at_zero_pose(flat: ms.SceneModel) -> None:
    feet = C.feet_in_sim(R, flat, np.zeros(12, np.float32), 1.0)
    # straight legs: x = hip axis, y = 0.0465 + 0.0955, z = 1 - 0.213 - 0.213
    expected = [[0.1934, -0.142, 0.574], [0.1934, 0.142, 0.574],
                [-0.1934, -0.142, 0.574], [-0.1934, 0.142, 0.574]]
    np.testing.assert_allclose(feet, expected, atol=1e-5)


def test_feet_at_standing_pose(flat: ms.SceneModel) -> None:
    feet = C.feet_in_sim(R, flat, R.default_joint_pos, R.spawn_height)
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
    feet = C.feet_in_sim(R, flat, pose, 1.0)
    for i, leg in enumerate(G.LEGS):
        np.testing.assert_allclose(feet[i], _foot_by_hand(leg, *pose[3 * i:3 * i + 3], 1.0),
                                   atol=1e-5, err_msg=leg)


# -- standing under PD --------------------------------------------------------------------

def test_stands_with_pd(flat: ms.SceneModel) -> None:
    height, upright, torque = C.hold_stand(R, flat, 1.0)
    print(f"\nGo2 standing on flat ground: trunk {height.mean():.4f} m, "
          f"max servo torque {torque:.1f} N*m")
    lo, hi = R.standing_height
    assert np.all((height > lo) & (height < hi)), height
    assert np.all(upright > 0.99), upright
    assert torque < 0.6 * 23.7  # well inside even the hip/thigh limit


def test_stands_on_rough_terrain() -> None:
    hf = T.rough(seed=2, size=4.0)
    xy = np.random.default_rng(2).uniform(-1.5, 1.5, (8, 2))
    height, upright, torque = C.hold_stand(R, R.load(hf), 1.0, hf, xy)
    lo, hi = R.standing_height
    # height is measured from the ground under the trunk, not under the feet
    assert np.all((height > lo - 0.03) & (height < hi + 0.03)), height
    assert np.all(upright > 0.97), upright
    assert torque < 23.7
