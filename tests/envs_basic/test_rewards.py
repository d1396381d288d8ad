"""The shared ``tolerance`` reward shape."""

from __future__ import annotations

import numpy as np
import pytest

from motrix_envs_basic.common.rewards import SIGMOIDS, tolerance


def test_one_inside_the_bounds_and_an_indicator_without_margin():
    x = np.array([-0.1, 0.0, 0.5, 1.0, 1.1])
    np.testing.assert_array_equal(tolerance(x, (0.0, 1.0)), [0, 1, 1, 1, 0])
    assert tolerance(x, (0.0, 1.0)).dtype == np.float32


@pytest.mark.parametrize("sigmoid", SIGMOIDS)
def test_value_at_margin_is_reached_at_the_margin_and_falls_off_monotonically(sigmoid):
    assert tolerance(np.array([3.0]), (0.0, 1.0), margin=2.0, sigmoid=sigmoid, value_at_margin=0.2)[0] == pytest.approx(0.2, abs=1e-6)
    assert tolerance(np.array([-2.0]), (0.0, 1.0), margin=2.0, sigmoid=sigmoid, value_at_margin=0.2)[0] == pytest.approx(0.2, abs=1e-6)
    values = tolerance(np.linspace(1.0, 8.0, 50), (0.0, 1.0), margin=2.0, sigmoid=sigmoid, value_at_margin=0.2)
    assert values[0] == 1.0 and (np.diff(values) <= 1e-7).all() and (values >= 0).all()


def test_linear_and_quadratic_reach_zero():
    x = np.array([0.0, 0.5, 1.0, 2.0])
    np.testing.assert_allclose(tolerance(x, margin=1.0, sigmoid="linear", value_at_margin=0.0), [1, 0.5, 0, 0])
    np.testing.assert_allclose(tolerance(x, margin=1.0, sigmoid="quadratic", value_at_margin=0.0), [1, 0.75, 0, 0])


def test_open_ended_bounds_as_for_a_target_speed():
    speed = np.array([-1.0, 0.0, 1.0, 2.0, 5.0])
    np.testing.assert_allclose(tolerance(speed, (2.0, np.inf), margin=1.0, sigmoid="linear", value_at_margin=0.5),
                               [0, 0, 0.5, 1, 1])


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="bounds"):
        tolerance(np.zeros(1), (1.0, 0.0))
    with pytest.raises(ValueError, match="value_at_margin"):
        tolerance(np.ones(1), margin=1.0, sigmoid="gaussian", value_at_margin=0.0)
    with pytest.raises(ValueError, match="unknown sigmoid"):
        tolerance(np.full(1, 2.0), margin=1.0, sigmoid="nope")
