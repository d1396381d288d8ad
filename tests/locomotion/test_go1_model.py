"""Go1 model and terrain: structure, mass, standing under PD, reproducible terrain."""

from __future__ import annotations

import numpy as np
import pytest

ms = pytest.importorskip("motrixsim")

from motrix_envs_locomotion import terrain as T  # noqa: E402
from motrix_envs_locomotion.go1 import model as G  # noqa: E402

from . import quadruped_checks as C  # noqa: E402

N_ENVS = 8


@pytest.fixture(scope="module")
def flat() -> ms.SceneModel:
    return G.load()


def _hold_stand(model: ms.SceneModel, seconds: float, hf: T.Terrain | None = None,
                xy: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Hold the default pose with the position servos; trunk height above ground, upright."""
    data = ms.SceneData(model, batch=(N_ENVS,))
    ground = 0.0 if hf is None else hf.height_at(*(np.zeros((2, N_ENVS)) if xy is None else xy.T))
    data.reset(model, dof_pos=G.standing_dof_pos(model, N_ENVS, ground, xy),
               dof_vel=np.zeros(model.num_dof_vel, np.float32), forward_kinematic=True)
    data.actuator_ctrls = np.tile(G.DEFAULT_JOINT_POS, (N_ENVS, 1))
    model.step_n(data, int(round(seconds / model.options.timestep)))
    dof = data.dof_pos
    upright = 1.0 - 2.0 * (dof[:, 3] ** 2 + dof[:, 4] ** 2)  # world z of the trunk z axis
    return dof[:, 2] - np.asarray(ground), upright


def test_structure(flat: ms.SceneModel) -> None:
    C.model_matches_description(G.GO1, flat)  # joint/servo order, limits, gains, keyframe, mass
    C.feet_and_collisions_follow_the_conventions(G.GO1, flat, G.CALF_LINKS, 0.023)
    assert G.GO1.joint_names == G.JOINT_NAMES and G.GO1.actuator_names == G.ACTUATOR_NAMES
    for name in G.FOOT_GEOMS + G.BODY_GEOMS + ("floor",):
        assert flat.get_geom_index(name) is not None, name
    for name in G.FOOT_SITES + (G.IMU_SITE,):
        assert flat.get_site_index(name) is not None, name
    for name in G.FOOT_LINKS + G.CALF_LINKS + (G.TRUNK,):
        assert flat.get_link_index(name) is not None, name
    assert flat.num_sensors == len(G.SENSORS)


def test_total_mass(flat: ms.SceneModel) -> None:
    mass = sum(link.mass for link in flat.links)
    assert mass == pytest.approx(12.74, rel=0.02)
    assert mass == pytest.approx(G.TOTAL_MASS, rel=1e-4)


def test_stands_with_pd(flat: ms.SceneModel) -> None:
    height, upright = _hold_stand(flat, 1.0)
    assert np.all((height > 0.24) & (height < 0.32)), height
    assert np.all(upright > 0.99), upright


def test_rough_terrain_reproducible() -> None:
    a, b, c = T.rough(seed=3), T.rough(seed=3), T.rough(seed=4)
    np.testing.assert_array_equal(a.heights, b.heights)
    assert not np.allclose(a.heights, c.heights)
    assert a.asset_xml() == b.asset_xml()
    assert np.ptp(a.heights) == pytest.approx(0.04, rel=0.01)  # default amplitude


def test_rough_terrain_loads_and_matches() -> None:
    hf = T.rough(seed=1, size=4.0)
    model = G.load(hf)
    data = ms.SceneData(model)
    ms.forward_kinematic(model, data)
    xy = np.random.default_rng(0).uniform(-1.9, 1.9, (64, 2)).astype(np.float32)
    sampled = model.get_geom("terrain").sample_height(data, xy)
    np.testing.assert_allclose(sampled, hf.height_at(xy[:, 0], xy[:, 1]), atol=1e-4)


def test_stands_on_rough_terrain() -> None:
    hf = T.rough(seed=2, size=4.0)
    xy = np.random.default_rng(2).uniform(-1.5, 1.5, (N_ENVS, 2))
    height, upright = _hold_stand(G.load(hf), 1.0, hf, xy)
    assert np.all((height > 0.22) & (height < 0.32)), height
    assert np.all(upright > 0.95), upright


@pytest.mark.parametrize("ascending", [True, False])
def test_box_stairs_match_heightfield_stairs(ascending: bool) -> None:
    box = T.stairs(step_height=0.08, step_depth=0.5, size=4.0, ascending=ascending)
    grid = T.stairs_heightfield(step_height=0.08, step_depth=0.5, size=4.0, ascending=ascending)
    # compare at tread centres (the height field's risers are one cell wide slopes)
    x = np.arange(-1.75, 1.76, 0.5)
    xx, yy = np.meshgrid(x, x)
    np.testing.assert_allclose(box.height_at(xx, yy), grid.height_at(xx, yy), atol=1e-5)
    levels = np.unique(np.round(box.height_at(xx, yy), 5))
    np.testing.assert_allclose(np.diff(levels), 0.08, atol=1e-5)
    G.load(grid)  # the height field variant loads too


def test_stands_on_box_stairs() -> None:
    stairs = T.stairs(step_height=0.08, step_depth=0.5, size=4.0, ascending=False)
    xy = np.column_stack([np.full(N_ENVS, 0.75), np.linspace(-0.3, 0.3, N_ENVS)])
    assert np.allclose(stairs.height_at(xy[:, 0], xy[:, 1]), 0.08)  # the first step up
    height, upright = _hold_stand(G.load(stairs), 1.0, stairs, xy)  # all feet on that step
    assert np.all((height > 0.24) & (height < 0.32)), height
    assert np.all(upright > 0.99), upright
