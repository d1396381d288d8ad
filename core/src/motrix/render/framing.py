"""Where the camera looks: a grid of envs, whole, from a little above and in front."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import motrixsim


def grid_offsets(num_envs: int, spacing: float) -> list[list[float]]:
    """Render offsets placing ``num_envs`` copies on a square grid, centred on the origin."""
    cols = math.ceil(math.sqrt(num_envs))
    rows = math.ceil(num_envs / cols)
    return [
        [(i % cols - (cols - 1) / 2) * spacing, (i // cols - (rows - 1) / 2) * spacing, 0.0]
        for i in range(num_envs)
    ]


def scene_bounds(model: "motrixsim.SceneModel", data: "motrixsim.SceneData", spacing: float) -> np.ndarray:
    """``[[min xyz], [max xyz]]`` of the geoms of every env (envs share the origin).

    Floors (planes, height fields) are left out: the robot is what should fill the frame.
    With ``spacing > 0`` the horizontal extent is also clipped to one grid cell around the
    origin, so that other large ground pieces do not push the camera far away.
    """
    import motrixsim

    low, high = np.full(3, np.inf), np.full(3, -np.inf)
    for geom in model.geoms:
        if isinstance(geom, motrixsim.GeomPlane) or getattr(geom, "hfield", None) is not None:
            continue
        box = geom.get_world_aabb(data)
        if box is None:  # infinite
            continue
        box = np.asarray(box, dtype=np.float64).reshape(-1, 2, 3)
        low = np.minimum(low, box[:, 0].min(axis=0))
        high = np.maximum(high, box[:, 1].max(axis=0))
    if not np.isfinite(low).all() or not np.isfinite(high).all():
        low, high = np.array([-1.0, -1.0, 0.0]), np.array([1.0, 1.0, 1.0])
    if spacing > 0:
        low[:2] = np.maximum(low[:2], -spacing / 2)
        high[:2] = np.minimum(high[:2], spacing / 2)
    return np.stack([low, np.maximum(high, low + 1e-3)])


def frame_grid(
    bounds: np.ndarray, offsets: Sequence[Sequence[float]], aspect: float,
    fovy_deg: float = 45.0, elevation_deg: float = -25.0, margin: float = 1.05,
) -> dict[str, Any]:
    """``set_view`` arguments that fit the whole grid in view, looking along +y and down.

    ``bounds`` is one env's box (``scene_bounds``), ``offsets`` the grid's render offsets,
    ``aspect`` width / height of the frame. The renderer's system camera has a 45° vertical
    field of view unless the model's MJCF says otherwise.
    """
    offsets = np.asarray(offsets, dtype=np.float64).reshape(-1, 3)
    low = bounds[0] + offsets.min(axis=0)
    high = bounds[1] + offsets.max(axis=0)
    lookat = (low + high) / 2
    tilt = math.radians(-elevation_deg)
    forward = np.array([0.0, math.cos(tilt), -math.sin(tilt)])
    right, up = np.array([1.0, 0.0, 0.0]), np.array([0.0, math.sin(tilt), math.cos(tilt)])
    tan_v = math.tan(math.radians(fovy_deg) / 2)
    tan_h = tan_v * aspect
    corners = np.array([[x, y, z] for x in (low[0], high[0]) for y in (low[1], high[1])
                        for z in (low[2], high[2])]) - lookat
    # A corner is in view when its distance across (up) is within depth * tan of the half
    # field of view, its depth being ``distance + corner · forward``: solve for the distance.
    ahead = corners @ forward
    needed = np.maximum(np.abs(corners @ right) / tan_h, np.abs(corners @ up) / tan_v) - ahead
    return {
        "lookat": lookat.tolist(), "distance": float(needed.max() * margin),
        "elevation": float(elevation_deg), "azimuth": 90.0,
    }
