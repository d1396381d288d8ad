"""Smooth reward shaping: ``tolerance`` is 1 inside a band and falls off smoothly outside.

The classic continuous-control tasks build every reward from this one shape: "be in
[lower, upper], and the further out, the less reward, reaching ``value_at_margin`` at a
distance of ``margin``". Our own implementation, vectorized over a batch.
"""

from __future__ import annotations

import numpy as np

SIGMOIDS = ("gaussian", "linear", "quadratic", "hyperbolic", "long_tail", "cosine")


def _falloff(d: np.ndarray, value_at_margin: float, sigmoid: str) -> np.ndarray:
    """Shape of the falloff for ``d`` >= 0 (distance outside the band in margins): 1 at 0,
    ``value_at_margin`` at 1."""
    v = value_at_margin
    if sigmoid == "gaussian":
        scale = np.sqrt(-2.0 * np.log(v))
        return np.exp(-0.5 * (d * scale) ** 2)
    if sigmoid == "hyperbolic":
        scale = np.arccosh(1.0 / v)
        return 1.0 / np.cosh(d * scale)
    if sigmoid == "long_tail":
        scale = np.sqrt(1.0 / v - 1.0)
        return 1.0 / ((d * scale) ** 2 + 1.0)
    if sigmoid == "linear":
        scaled = d * (1.0 - v)
        return np.where(scaled < 1.0, 1.0 - scaled, 0.0)
    if sigmoid == "quadratic":
        scaled = d * np.sqrt(1.0 - v)
        return np.where(scaled < 1.0, 1.0 - scaled * scaled, 0.0)
    if sigmoid == "cosine":
        scaled = d * np.arccos(2.0 * v - 1.0) / np.pi
        return np.where(scaled < 1.0, 0.5 * (1.0 + np.cos(np.pi * scaled)), 0.0)
    raise ValueError(f"unknown sigmoid {sigmoid!r}; expected one of {', '.join(SIGMOIDS)}")


def tolerance(
    x: np.ndarray,
    bounds: tuple[float, float] = (0.0, 0.0),
    margin: float = 0.0,
    sigmoid: str = "gaussian",
    value_at_margin: float = 0.1,
) -> np.ndarray:
    """1 where ``lower <= x <= upper``; outside, a falloff in the distance to the band.

    ``margin`` is the distance at which the reward has fallen to ``value_at_margin``; with
    ``margin == 0`` the reward is the indicator of the band. ``sigmoid`` picks the falloff:
    gaussian, hyperbolic and long_tail never reach 0 (``value_at_margin`` in (0, 1));
    linear, quadratic and cosine reach 0 (``value_at_margin`` in [0, 1)) at
    ``margin / (1 - value_at_margin)``, ``margin / sqrt(1 - value_at_margin)`` and so on.
    Returns float32 of ``x``'s shape.
    """
    lower, upper = bounds
    if lower > upper:
        raise ValueError(f"tolerance bounds must be lower <= upper, got {bounds}")
    if margin < 0:
        raise ValueError(f"tolerance margin must be >= 0, got {margin}")
    x = np.asarray(x, dtype=np.float32)
    inside = (x >= lower) & (x <= upper)
    if margin == 0:
        return inside.astype(np.float32)
    if sigmoid in ("gaussian", "hyperbolic", "long_tail"):
        if not 0.0 < value_at_margin < 1.0:
            raise ValueError(f"value_at_margin must be in (0, 1) for {sigmoid}, got {value_at_margin}")
    elif not 0.0 <= value_at_margin < 1.0:
        raise ValueError(f"value_at_margin must be in [0, 1) for {sigmoid}, got {value_at_margin}")
    distance = np.where(x < lower, lower - x, x - upper) / np.float32(margin)
    return np.where(inside, np.float32(1.0), _falloff(distance, value_at_margin, sigmoid)).astype(np.float32)
