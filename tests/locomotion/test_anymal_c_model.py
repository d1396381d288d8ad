"""ANYmal C model: structure and description agree, mass as published, kinematics as written,
and it stands under its position servos on flat and rough ground."""

from __future__ import annotations

import numpy as np
import pytest

ms = pytest.importorskip("motrixsim")

from motrix_envs_locomotion import terrain as T
from motrix_envs_locomotion.anymal_c import robot as A

from . import quadruped_checks as C  # noqa: E402

R = A.ANYMAL_C


@pytest.fixture(scope="module")
def flat() -> ms.SceneModel:
    return R.load()


# -- structure: the model file and the description say the same ---------------------------

def test_structure(flat: ms.SceneModel) -> None:
    C.model_matches_description(R, flat)
    assert R.joint_names[:3] == ("LF_HAA", "LF_HFE", "LF_KFE") and R.joint_names[-1] == "RH_KFE"
    assert [R.joint_names[i] for i in R.hip_indices] == [f"{leg}_HAA" for leg in A.LEGS]


def test_limits_and_servos(flat: ms.SceneModel) -> None:
    # HAA -0.72 .. 0.49 on the left, mirrored on the right; HFE/KFE +-pi
    np.testing.assert_allclose(R.lower[R.hip_indices,], [-0.72, -0.49, -0.72, -0.49], atol=1e-6)
    np.testing.assert_allclose(R.upper[R.hip_indices,], [0.49, 0.72, 0.49, 0.72], atol=1e-6)
    np.testing.assert_allclose(np.delete(R.upper, R.hip_indices), np.pi, rtol=1e-6)
    np.testing.assert_allclose(R.torques, 80.0)


def test_named_parts_and_collision_scheme(flat: ms.SceneModel) -> None:
    for name in R.foot_links + A.BODY_GEOMS + ("floor",):
        assert flat.get_geom_index(name) is not None, name
    for name in R.foot_links + (A.IMU_SITE,):
        assert flat.get_site_index(name) is not None, name
    for name in R.foot_links + A.SHANK_LINKS + (R.trunk,):
        assert flat.get_link_index(name) is not None, name
    C.feet_and_collisions_follow_the_conventions(R, flat, A.SHANK_LINKS, A.FOOT_RADIUS)


def test_total_mass(flat: ms.SceneModel) -> None:
    assert 45.0 <= R.total_mass <= 50.0  # published: 45-50 kg (the model's sum: test_structure)
    assert flat.get_link(R.trunk).mass == pytest.approx(19.2)
    for leg in A.LEGS:  # published per-leg masses; 0.1 kg foot folded into the shank
        assert flat.get_link(f"{leg}_hip").mass == pytest.approx(2.78)
        assert flat.get_link(f"{leg}_thigh").mass == pytest.approx(3.07)
        assert flat.get_link(f"{leg}_shank").mass == pytest.approx(0.59 + 0.1)


# -- kinematics: the feet are where the link offsets put them --------------------------------

def _foot_by_hand(leg: str, haa: float, hfe: float, kfe: float, trunk_z: float) -> np.ndarray:
    """Foot centre in the world, chained from the offsets in the facts (trunk level at x=y=0)."""
    sx, sy = (1 if leg[1] == "F" else -1), (1 if leg[0] == "L" else -1)
    r_hip = C.rx(haa)
    r_thigh = r_hip @ C.ry(hfe)
    r_shank = r_thigh @ C.ry(kfe)
    return (np.array([sx * 0.2999, sy * 0.104, trunk_z])
            + r_hip @ [sx * 0.06, sy * 0.08, 0.0]     # HAA -> HFE (our hip housing)
            + r_thigh @ [0.0, 0.0, -0.285]            # thigh
            + r_shank @ [0.0, sy * 0.09, -0.32])      # shank, 0.09 lateral offset


def test_feet_at_zero_pose(flat: ms.SceneModel) -> None:
    feet = C.feet_in_sim(R, flat, np.zeros(12, np.float32), 1.0)
    # straight legs: x = HAA + 0.06, y = 0.104 + 0.08 + 0.09, z = 1 - 0.285 - 0.32
    expected = [[0.3599, 0.274, 0.395], [0.3599, -0.274, 0.395],
                [-0.3599, 0.274, 0.395], [-0.3599, -0.274, 0.395]]
    np.testing.assert_allclose(feet, expected, atol=1e-5)


def test_feet_at_standing_pose(flat: ms.SceneModel) -> None:
    feet = C.feet_in_sim(R, flat, R.default_joint_pos, R.spawn_height)
    # the "X" stance: thigh and shank lean by 0.4 opposite ways, feet 0.035 sin 0.4 outboard
    # of the HFE axes, resting on the ground (centre one radius up)
    dx = 0.3599 + (0.32 - 0.285) * np.sin(0.4)
    expected = [[dx, 0.274, 0.03], [dx, -0.274, 0.03], [-dx, 0.274, 0.03], [-dx, -0.274, 0.03]]
    np.testing.assert_allclose(feet, expected, atol=1e-5)
    assert R.spawn_height == pytest.approx(0.605 * np.cos(0.4) + 0.03, abs=1e-9)


def test_feet_at_a_splayed_pose(flat: ms.SceneModel) -> None:
    """Non-zero HAA too, so each joint's axis and sign are checked on every leg."""
    pose = np.array([0.3, 0.7, -1.2, -0.2, 0.1, -0.5, -0.4, -0.6, 1.4, 0.45, -1.0, 0.3], np.float32)
    feet = C.feet_in_sim(R, flat, pose, 1.0)
    for i, leg in enumerate(A.LEGS):
        np.testing.assert_allclose(feet[i], _foot_by_hand(leg, *pose[3 * i:3 * i + 3], 1.0),
                                   atol=1e-5, err_msg=leg)


# -- standing under PD --------------------------------------------------------------------

def test_stands_with_pd(flat: ms.SceneModel) -> None:
    height, upright, torque = C.hold_stand(R, flat, 1.0)
    print(f"\nANYmal C standing on flat ground: trunk {height.mean():.4f} m, "
          f"max servo torque {torque:.1f} N*m")
    lo, hi = R.standing_height
    assert np.all((height > lo) & (height < hi)), height
    assert np.all(upright > 0.99), upright
    assert torque < 0.5 * 80.0  # well inside the effort limit


def test_stands_on_rough_terrain() -> None:
    hf = T.rough(seed=2, size=4.0, amplitude=0.08)
    xy = np.random.default_rng(2).uniform(-1.2, 1.2, (8, 2))
    height, upright, torque = C.hold_stand(R, R.load(hf), 1.0, hf, xy)
    lo, hi = R.standing_height
    # height is measured from the ground under the trunk, not under the feet
    assert np.all((height > lo - 0.03) & (height < hi + 0.03)), height
    assert np.all(upright > 0.98), upright
    assert torque < 80.0
