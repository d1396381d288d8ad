"""Procedural terrain for the Go1 scenes, generated at runtime as MJCF text.

Two kinds, both with `asset_xml()`, `geoms_xml()` and a NumPy `height_at(x, y)`:
- `HeightField` (`rough`, `stairs_heightfield`): a grid of real heights in metres, row 0
  on the -Y side and column 0 on the -X side, centred on the origin, written as an inline
  `<hfield elevation=...>` (a 161 x 161 grid loads in ~5 ms; no files). Works with
  `motrixsim.TerrainScanner` and `GeomHField.sample_height`.
- `BoxStairs` (`stairs`): pyramid stairs from stacked boxes. Exact vertical risers and one
  contact per foot, so ~2x cheaper to simulate than height-field stairs (a height field
  makes one contact per triangle prism under a foot: 8-13 contacts per robot instead of 4).

MotrixSim facts the height field relies on (checked on 0.10.1):
- inline elevation is normalised to [0, 1] and scaled by size[2]; we write size[2] =
  max - min and lift the geom by `min`, which reproduces the heights to the printed
  precision;
- the XML row order is flipped (the first XML row is the +Y edge), hence `heights[::-1]`;
- the grid spans exactly [-size[0], size[0]] x [-size[1], size[1]], so n points with
  spacing `cell` have half extent (n - 1) * cell / 2;
- a height field collides with spheres, capsules and boxes but not with planes or other
  height fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

# Ground geoms: contype 1 / conaffinity 0 pairs with the robot's contype 0 / conaffinity 1.
_GROUND = 'contype="1" conaffinity="0" rgba="0.5 0.55 0.6 1"'


class Terrain(Protocol):
    """What `model.scene_xml` needs from a terrain."""

    def asset_xml(self) -> str: ...  # "" when there is no asset

    def geoms_xml(self, friction: float = 0.8) -> list[str]: ...

    def height_at(self, x: np.ndarray, y: np.ndarray) -> np.ndarray: ...

    @property
    def min_height(self) -> float: ...


# Heights are printed with this many decimals (0.01 mm); finer is wasted text.
_DECIMALS = 5


@dataclass(frozen=True)
class HeightField:
    """A height field: `heights[i, j]` is the surface z at (x_j, y_i) in metres."""

    heights: np.ndarray
    cell: float
    name: str = "terrain"

    @property
    def half_extent(self) -> tuple[float, float]:
        """Half sizes (x, y) of the covered rectangle, centred on the origin."""
        nrow, ncol = self.heights.shape
        return (ncol - 1) * self.cell / 2.0, (nrow - 1) * self.cell / 2.0

    def height_at(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Bilinear surface height at world (x, y); clamps to the border (e.g. for spawning)."""
        hx, hy = self.half_extent
        nrow, ncol = self.heights.shape
        # float64: in float32 the clip bound ncol - 1.000001 rounds to ncol - 1, whose floor
        # indexes one past the last column for a robot beyond the edge.
        u = np.clip((np.asarray(x, dtype=np.float64) + hx) / self.cell, 0.0, ncol - 1.000001)
        v = np.clip((np.asarray(y, dtype=np.float64) + hy) / self.cell, 0.0, nrow - 1.000001)
        j, i = np.floor(u).astype(int), np.floor(v).astype(int)
        fu, fv = u - j, v - i
        h = self.heights
        return ((1 - fv) * ((1 - fu) * h[i, j] + fu * h[i, j + 1])
                + fv * ((1 - fu) * h[i + 1, j] + fu * h[i + 1, j + 1]))

    def asset_xml(self) -> str:
        """The `<hfield>` asset element with inline elevation data."""
        h = np.asarray(self.heights, dtype=np.float64)
        lo, hi = float(h.min()), float(h.max())
        span = max(hi - lo, 1e-6)  # a flat field would divide by zero in the normalisation
        # Normalise ourselves so the printed values are exactly what the compiler keeps.
        norm = (h - lo) / span if hi > lo else np.zeros_like(h)
        elevation = " ".join(np.char.mod(f"%.{_DECIMALS}f", norm[::-1].ravel()))
        hx, hy = self.half_extent
        nrow, ncol = h.shape
        return (f'<hfield name="{self.name}" nrow="{nrow}" ncol="{ncol}" '
                f'size="{hx:.6f} {hy:.6f} {span:.6f} 0.1" elevation="{elevation}"/>')

    @property
    def min_height(self) -> float:
        return float(np.min(self.heights))

    def geoms_xml(self, friction: float = 0.8) -> list[str]:
        """The world geom that instantiates the height field, lifted by the minimum height."""
        return [f'<geom name="{self.name}" type="hfield" hfield="{self.name}" '
                f'pos="0 0 {self.min_height:.6f}" friction="{friction} 0.02 0.01" {_GROUND}/>']


def _grid(size: float, cell: float) -> int:
    """Number of grid points covering `size` metres with spacing `cell` (odd: a centre point)."""
    n = int(round(size / cell)) + 1
    return n if n % 2 == 1 else n + 1


def value_noise(rng: np.random.Generator, xs: np.ndarray, ys: np.ndarray, size_x: float,
                size_y: float, feature: float) -> np.ndarray:
    """Two octaves of value noise on the grid ys x xs (rows y, columns x) covering a centred
    `size_x` x `size_y` rectangle: uniform values on a lattice with spacing `feature`,
    bilinearly interpolated, plus the same at feature / 2 with 1/4 weight."""
    h = np.zeros((ys.size, xs.size))
    for weight, scale in ((1.0, feature), (0.25, feature / 2.0)):
        mx, my = int(np.ceil(size_x / scale)) + 2, int(np.ceil(size_y / scale)) + 2
        lattice = rng.uniform(-1.0, 1.0, size=(my, mx))
        tx, ty = (xs + size_x / 2) / scale, (ys + size_y / 2) / scale  # lattice coordinates, >= 0
        jx, iy = np.minimum(np.floor(tx).astype(int), mx - 2), np.minimum(np.floor(ty).astype(int), my - 2)
        fx, fy = tx - jx, ty - iy
        # separable bilinear interpolation: rows (y) then columns (x)
        rows = lattice[iy] * (1 - fy)[:, None] + lattice[iy + 1] * fy[:, None]
        h += weight * (rows[:, jx] * (1 - fx)[None, :] + rows[:, jx + 1] * fx[None, :])
    return h


def rough(seed: int, size: float = 8.0, cell: float = 0.1, amplitude: float = 0.04,
          feature: float = 0.4, flat_radius: float = 0.5) -> HeightField:
    """Smooth random bumps: peak-to-peak `amplitude` metres, lateral scale `feature` metres.

    Value noise (uniform values on a coarse lattice with spacing `feature`, bilinearly
    interpolated) plus a finer octave (feature / 2) at 1/4 weight, so bumps are much wider
    than the 2.3 cm feet. Zero mean. The 0.1 m cell keeps contacts per foot low: a 0.05 m
    cell costs ~20% more physics for the same shape.
    A disc of `flat_radius` around the origin is blended flat so a spawn there is level.
    Same seed => same heights (numpy PCG64), different seeds differ.
    """
    rng = np.random.default_rng(seed)
    n = _grid(size, cell)
    coords = (np.arange(n) - (n - 1) / 2) * cell
    h = value_noise(rng, coords, coords, size, size, feature)
    h -= h.mean()
    h *= amplitude / max(float(np.ptp(h)), 1e-9)
    if flat_radius > 0:
        r = np.hypot(coords[None, :], coords[:, None])
        blend = np.clip((r - flat_radius) / flat_radius, 0.0, 1.0)
        h *= blend
    return HeightField(h.astype(np.float32), cell, "terrain")


def _stair_level(x: np.ndarray, y: np.ndarray, step_depth: float, platform: float,
                 size: float) -> tuple[np.ndarray, int]:
    """Ring index of square rings around the origin (0 = the centre platform, ring k spans
    Chebyshev distance (platform/2 + (k-1) depth, platform/2 + k depth]), and the last one."""
    d = np.maximum(np.abs(x), np.abs(y))
    outer = int(np.floor((size / 2 - platform / 2) / step_depth + 1e-9))
    level = np.ceil(np.maximum(d - platform / 2, 0.0) / step_depth - 1e-9)
    return np.minimum(level, outer), outer


def stairs_heightfield(step_height: float = 0.05, step_depth: float = 0.3,
                       platform: float = 1.0, size: float = 8.0, cell: float = 0.025,
                       ascending: bool = True) -> HeightField:
    """`stairs` as a height field (for TerrainScanner). Keep `cell` a divisor of
    `step_depth`: the height field turns each riser into a slope one cell wide. Costs ~2x
    the physics of `stairs` (box) because of the extra contacts.
    """
    n = _grid(size, cell)
    coords = (np.arange(n) - (n - 1) / 2) * cell
    level, outer = _stair_level(coords[None, :], coords[:, None], step_depth, platform, size)
    h = (outer - level if ascending else level) * step_height
    return HeightField(h.astype(np.float32), cell, "terrain")


@dataclass(frozen=True)
class BoxStairs:
    """Pyramid stairs from boxes: square rings `step_depth` wide around a flat centre
    `platform` (edge length), each `step_height` lower (ascending=True: a hill, the platform
    on top) or higher (ascending=False: a pit) than the ring inside it, out to `size`.
    The lowest level is z = 0 (the floor plane), so the scene keeps its plane as ground.
    """

    step_height: float = 0.05
    step_depth: float = 0.3
    platform: float = 1.0
    size: float = 8.0
    ascending: bool = True
    name: str = "stairs"

    @property
    def min_height(self) -> float:
        return 0.0

    def asset_xml(self) -> str:
        return ""

    def height_at(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Exact surface height (step function); 0 outside the stairs."""
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        level, outer = _stair_level(x, y, self.step_depth, self.platform, self.size)
        h = (outer - level if self.ascending else level) * self.step_height
        inside = np.maximum(np.abs(x), np.abs(y)) <= self.size / 2
        return np.where(inside, h, 0.0)

    def geoms_xml(self, friction: float = 0.8) -> list[str]:
        """Stacked slabs, each one `step_height` thick: slab j holds everything >= j steps up."""
        _, outer = _stair_level(np.zeros(1), np.zeros(1), self.step_depth, self.platform,
                                self.size)
        h, half = self.step_height, self.size / 2
        attrs = f'friction="{friction} 0.02 0.01" {_GROUND}'
        geoms = []
        for j in range(1, outer + 1):
            z = (j - 0.5) * h
            if self.ascending:  # a square: rings 0 .. outer - j are >= j steps up
                a = self.platform / 2 + (outer - j) * self.step_depth
                geoms.append(f'<geom name="{self.name}_{j}" type="box" pos="0 0 {z:.6f}" '
                             f'size="{a:.6f} {a:.6f} {h / 2:.6f}" {attrs}/>')
                continue
            # a square frame between the inner edge a and the outer edge: rings j .. outer
            a = self.platform / 2 + (j - 1) * self.step_depth
            w, c = (half - a) / 2, (half + a) / 2
            if w <= 1e-9:  # the last ring can have zero width when size fits exactly
                continue
            for k, (pos, size) in enumerate((((0, c), (half, w)), ((0, -c), (half, w)),
                                             ((c, 0), (w, a)), ((-c, 0), (w, a)))):
                geoms.append(f'<geom name="{self.name}_{j}_{k}" type="box" '
                             f'pos="{pos[0]:.6f} {pos[1]:.6f} {z:.6f}" '
                             f'size="{size[0]:.6f} {size[1]:.6f} {h / 2:.6f}" {attrs}/>')
        return geoms


def stairs(step_height: float = 0.05, step_depth: float = 0.3, platform: float = 1.0,
           size: float = 8.0, ascending: bool = True) -> BoxStairs:
    """Pyramid stairs centred on the origin (see `BoxStairs`). Spawning on the centre
    platform (height `height_at(0, 0)`), the robot walks down (hill) or up (pit) in any
    direction; robots spawned elsewhere need `height_at` for their spawn height.
    """
    return BoxStairs(step_height, step_depth, platform, size, ascending)
