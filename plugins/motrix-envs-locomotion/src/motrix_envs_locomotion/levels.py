"""Terrain with difficulty levels: a grid of square tiles, one row per level, for a curriculum.

Rows run along +x: level 0 (easiest) is the row at the lowest x, the last level the row at
the highest x; columns run along y (variations of the same difficulty). The grid is centred
on the origin. Every env is its own world over the same ground model, so a robot's level is
only where it spawns: the centre of a tile of that row (see `curriculum.py`).

- `rough_levels`: one height field; each tile of level k holds value noise scaled to a
  peak-to-peak height rising linearly with k, blended flat towards the tile's edges (so
  neighbouring tiles meet at z = 0 without a ledge) and around its centre (a level spawn).
- `stairs_levels`: a pyramid hill of boxes per tile (the robot spawns on the top platform
  and walks down; walking on, it climbs the neighbouring hill), the step height rising
  linearly with k. Boxes: exact risers, 4 contacts per standing robot (see terrain.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .terrain import _GROUND, HeightField, _stair_level, value_noise


@dataclass(frozen=True)
class Grid:
    """Where the tiles lie: `levels` rows of `columns` square tiles of edge `tile` metres."""

    levels: int
    columns: int
    tile: float

    @property
    def half_extent(self) -> tuple[float, float]:
        return self.levels * self.tile / 2.0, self.columns * self.tile / 2.0

    def centre(self, level: np.ndarray, column: np.ndarray) -> np.ndarray:
        """(n, 2) world xy of the centres of tiles (level, column)."""
        hx, hy = self.half_extent
        x = (np.asarray(level) + 0.5) * self.tile - hx
        y = (np.asarray(column) + 0.5) * self.tile - hy
        return np.stack([x, y], axis=-1).astype(np.float32)

    def tile_of(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(level, column) of the tile under world (x, y), clipped to the grid."""
        hx, hy = self.half_extent
        level = np.clip(np.floor((np.asarray(x) + hx) / self.tile), 0, self.levels - 1).astype(int)
        column = np.clip(np.floor((np.asarray(y) + hy) / self.tile), 0, self.columns - 1).astype(int)
        return level, column

    def local(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Level of the tile under (x, y) and the offset (dx, dy) from that tile's centre."""
        level, column = self.tile_of(x, y)
        c = self.centre(level, column).astype(np.float64)
        return level, np.asarray(x) - c[..., 0], np.asarray(y) - c[..., 1]


def linear_levels(lo_hi: tuple[float, float], levels: int) -> np.ndarray:
    """`levels` values from lo to hi, evenly spaced (one level: lo)."""
    return np.linspace(lo_hi[0], lo_hi[1], levels) if levels > 1 else np.array([lo_hi[0]])


def rough_levels(grid: Grid, amplitudes: np.ndarray, seed: int, cell: float = 0.1,
                 feature: float = 0.4, flat_radius: float = 0.5, edge: float = 0.5) -> HeightField:
    """Value-noise bumps (as `terrain.rough`) whose peak-to-peak height in the tile of level k
    is exactly `amplitudes[k]`. Each tile: flat within `flat_radius` of its centre, blended
    to zero over `edge` metres at its border. Same seed => same heights.
    """
    rng = np.random.default_rng(seed)
    hx, hy = grid.half_extent
    xs = np.arange(round(2 * hx / cell) + 1) * cell - hx
    ys = np.arange(round(2 * hy / cell) + 1) * cell - hy
    noise = value_noise(rng, xs, ys, 2 * hx, 2 * hy, feature)
    x, y = np.meshgrid(xs, ys)
    level, dx, dy = grid.local(x, y)
    tile_id = level * grid.columns + grid.tile_of(x, y)[1]
    half = grid.tile / 2.0
    centre = np.clip((np.hypot(dx, dy) - flat_radius) / flat_radius, 0.0, 1.0)
    border = np.clip((half - np.maximum(np.abs(dx), np.abs(dy))) / edge, 0.0, 1.0)
    # Zero at every tile's centre and border, so tiles of different height meet without a
    # ledge; scaling (not shifting) keeps those parts at zero.
    heights = noise * centre * border
    for k in range(grid.levels):
        for c in range(grid.columns):
            inside = tile_id == k * grid.columns + c
            heights[inside] *= amplitudes[k] / max(float(np.ptp(heights[inside])), 1e-9)
    return HeightField(heights.astype(np.float32), cell, "terrain")


@dataclass(frozen=True)
class StairsGrid:
    """A pyramid hill of boxes on every tile: square rings `step_depth` wide around a flat top
    `platform` (edge length), each ring `step_heights[level]` lower than the one inside it,
    the outermost ring on the floor (z = 0). Implements the `Terrain` protocol."""

    grid: Grid
    step_heights: tuple[float, ...]
    step_depth: float = 0.3
    platform: float = 2.0
    name: str = "stairs"

    @property
    def min_height(self) -> float:
        return 0.0

    @property
    def rings(self) -> int:
        """Steps from the platform down to the floor."""
        return _stair_level(np.zeros(1), np.zeros(1), self.step_depth, self.platform, self.grid.tile)[1]

    def asset_xml(self) -> str:
        return ""

    def height_at(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Exact surface height; 0 outside the grid."""
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        level, dx, dy = self.grid.local(x, y)
        ring, outer = _stair_level(dx, dy, self.step_depth, self.platform, self.grid.tile)
        h = (outer - ring) * np.asarray(self.step_heights)[level]
        hx, hy = self.grid.half_extent
        return np.where((np.abs(x) <= hx) & (np.abs(y) <= hy), h, 0.0)

    def geoms_xml(self, friction: float = 0.8) -> list[str]:
        """Per tile, stacked square slabs: slab j (one step thick) holds rings >= j steps up."""
        attrs = f'friction="{friction} 0.02 0.01" {_GROUND}'
        outer, geoms = self.rings, []
        for level, h in enumerate(self.step_heights):
            for column in range(self.grid.columns):
                cx, cy = self.grid.centre(level, column).tolist()
                for j in range(1, outer + 1):
                    a = self.platform / 2 + (outer - j) * self.step_depth
                    geoms.append(f'<geom name="{self.name}_{level}_{column}_{j}" type="box" '
                                 f'pos="{cx:.6f} {cy:.6f} {(j - 0.5) * h:.6f}" '
                                 f'size="{a:.6f} {a:.6f} {h / 2:.6f}" {attrs}/>')
        return geoms


def stairs_levels(grid: Grid, step_heights: np.ndarray, step_depth: float = 0.3,
                  platform: float = 2.0) -> StairsGrid:
    """Pyramid hills whose step height in the tiles of level k is `step_heights[k]`."""
    return StairsGrid(grid, tuple(float(h) for h in step_heights), step_depth, platform)
