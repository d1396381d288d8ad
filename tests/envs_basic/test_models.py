"""The suite's MJCF models: they load, their inertias are those of their geoms, and their
masses and sizes are those of the classic models."""

from __future__ import annotations

import importlib.resources

import motrixsim
import numpy as np
import pytest

from motrix_envs_basic.common import inertia

FAMILIES = ("reacher", "hopper", "walker", "cheetah")


def model_path(family: str):
    return importlib.resources.files(f"motrix_envs_basic.{family}") / f"{family}.xml"


@pytest.mark.parametrize("family", FAMILIES)
def test_every_body_declares_the_inertia_of_its_geoms(family):
    path = model_path(family)
    computed = inertia.computed(path)
    for name, body in inertia.bodies(path).items():
        declared = inertia.declared(body)
        assert declared.mass == pytest.approx(computed[name].mass, rel=1e-3), name
        np.testing.assert_allclose(declared.com, computed[name].com, atol=1e-4, err_msg=name)
        np.testing.assert_allclose(declared.inertia, computed[name].inertia, rtol=1e-3, atol=1e-8, err_msg=name)


@pytest.mark.parametrize(("family", "mass"), [("hopper", 12.44), ("walker", 28.54), ("cheetah", 14.0)])
def test_total_mass(family, mass):
    model = motrixsim.load_model(str(model_path(family)))
    assert sum(link.mass for link in model.links) == pytest.approx(mass, rel=2e-3)


def test_capsule_inertia_matches_a_thin_rod_when_thin():
    rod = inertia.capsule(np.zeros(3), np.array([0.0, 0.0, 1.0]), 1e-3)
    assert rod.inertia[0, 0] == pytest.approx(rod.mass / 12, rel=1e-2)
    assert rod.inertia[2, 2] < 1e-4 * rod.inertia[0, 0]
