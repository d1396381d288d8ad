"""Config of the shared velocity-tracking task, for any ``Quadruped``; terrain grid mixins.

Each robot subclasses ``VelocityCfg`` with its own model file, servo gains and whatever else
differs (go1/cfg.py, go2/cfg.py, anymal_c/cfg.py). Terrain with a curriculum is a mixin
placed before the robot's config: ``class Go2RoughCfg(RoughLevels, Go2Cfg)``, so its fields
and defaults (terrain kind, difficulty range, stair-specific weights) are written once for
every robot.
"""

from __future__ import annotations

from dataclasses import dataclass

from motrix.errors import UsageError

from ..cfg import QuadrupedCfg

TERRAINS = ("flat", "rough", "stairs")


@dataclass
class VelocityCfg(QuadrupedCfg):
    """A quadruped tracking a commanded base velocity (defaults: the Go1's, see go1/cfg.py)."""

    terrain: str = "flat"
    """Ground: flat, rough (procedural height field) or stairs (pyramid of boxes)."""
    terrain_seed: int = 0
    """Seed of the procedural rough terrain (same seed, same ground)."""
    command_lin_vel_x: tuple[float, ...] = (-1.0, 1.0)
    """Range of the commanded forward speed (m/s)."""
    command_lin_vel_y: tuple[float, ...] = (-0.5, 0.5)
    """Range of the commanded sideways speed (m/s)."""
    command_yaw_rate: tuple[float, ...] = (-1.0, 1.0)
    """Range of the commanded turning rate (rad/s)."""
    command_resample_seconds: float = 10.0
    """Each env draws a new command this often during an episode."""
    standing_command_below: float = 0.1
    """Planar commands slower than this (m/s) are set to zero: the robot learns to stand too."""
    turn_in_place_fraction: float = 0.0
    """Share of commands whose planar part is set to zero, keeping their yaw rate (turning on
    the spot); uniform ranges ask for it in only ~1.6 % of commands (planar speed under 0.1 m/s)."""
    w_stumble: float = 0.0
    """Weight of the foot-stumbling penalty (a foot pushed sideways harder than down)."""

    def validate(self) -> None:
        super().validate()
        if self.terrain not in TERRAINS:
            raise UsageError(f"terrain must be one of {', '.join(TERRAINS)}, got {self.terrain!r}")
        for name in ("command_lin_vel_x", "command_lin_vel_y", "command_yaw_rate"):
            lo_hi = getattr(self, name)
            if not isinstance(lo_hi, (tuple, list)) or len(lo_hi) != 2 or lo_hi[0] > lo_hi[1]:
                raise UsageError(f"{name} must be two numbers low,high; got {lo_hi}")
        if not 0.0 <= self.turn_in_place_fraction <= 1.0:
            raise UsageError(f"turn_in_place_fraction must be in [0, 1], got {self.turn_in_place_fraction}")
        if self.command_resample_seconds <= 0:
            raise UsageError(f"command_resample_seconds must be > 0, got {self.command_resample_seconds}")


@dataclass
class TerrainLevels:
    """Mixin: a grid of terrain tiles of rising difficulty, with a terrain curriculum.

    Rows of tiles along +x are the levels (0 easiest), columns along y variations of them
    (see levels.py); a robot spawns at a tile centre of its level, moved up or down a level
    by how its last episode went (see curriculum.py).
    """

    terrain_levels: int = 10
    """Number of difficulty levels (rows of tiles)."""
    terrain_columns: int = 3
    """Tiles per level (side by side along y)."""
    terrain_tile_size: float = 8.0
    """Edge of a square tile (m)."""
    level_range: tuple[float, ...] = (0.01, 0.10)
    """Difficulty (m) of level 0 and of the last level, linear in between (meaning: see the variant)."""
    curriculum: bool = True
    """Move robots up/down levels by how their episodes went; False: a random level at every reset."""
    curriculum_start_levels: int = 2
    """Robots start on a random level in 0..this."""
    curriculum_promote_distance: float = 4.0
    """Up a level after ending an episode this far (m) from the spawn point without falling."""
    curriculum_demote_fraction: float = 0.5
    """Down a level after a fall, or ending nearer the spawn point than this fraction of the commanded distance."""
    terrain_level: int = -1
    """Spawn every robot on this level and keep it there (for evaluation); -1: the curriculum decides."""

    def validate(self) -> None:
        super().validate()
        if self.terrain_levels < 1 or self.terrain_columns < 1 or self.terrain_tile_size <= 0:
            raise UsageError("terrain_levels and terrain_columns must be >= 1, terrain_tile_size > 0")
        if len(self.level_range) != 2 or not 0 <= self.level_range[0] <= self.level_range[1]:
            raise UsageError(f"level_range must be two numbers 0 <= low <= high; got {self.level_range}")
        if not 0 <= self.curriculum_start_levels < self.terrain_levels:
            raise UsageError(f"curriculum_start_levels must be in 0..{self.terrain_levels - 1}, "
                             f"got {self.curriculum_start_levels}")
        if not -1 <= self.terrain_level < self.terrain_levels:
            raise UsageError(f"terrain_level must be -1 or in 0..{self.terrain_levels - 1}, got {self.terrain_level}")
        if not 0 <= self.curriculum_demote_fraction <= 1 or self.curriculum_promote_distance < 0:
            raise UsageError("curriculum_demote_fraction must be in [0, 1] and curriculum_promote_distance >= 0")


@dataclass
class RoughLevels(TerrainLevels):
    """Mixin: procedural rough ground, 10 levels of value-noise bumps, 1 to 10 cm peak to peak."""

    terrain: str = "rough"
    """Ground: a height field generated from terrain_seed."""
    level_range: tuple[float, ...] = (0.01, 0.10)
    """Peak-to-peak bump height (m) on the tiles of level 0 and of the last level."""


@dataclass
class StairsLevels(TerrainLevels):
    """Mixin: pyramid stairs (30 cm deep steps, 2 to 12 cm high over 10 levels), spawned on a hilltop."""

    terrain: str = "stairs"
    """Ground: a pyramid hill of boxes on every tile."""
    level_range: tuple[float, ...] = (0.02, 0.12)
    """Step height (m) on the tiles of level 0 and of the last level."""
    w_stumble: float = -1.0
    """Feet hitting step risers are penalized on stairs."""
    command_lin_vel_x: tuple[float, ...] = (-0.8, 0.8)
    """Slower commands on stairs."""
