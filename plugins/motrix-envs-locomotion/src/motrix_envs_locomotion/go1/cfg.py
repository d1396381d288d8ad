"""Configs of the Go1 velocity-tracking envs: flat, rough and stairs.

The task's fields and their defaults live in the shared ``VelocityCfg`` (they were written
for the Go1 first); the terrain variants add the shared terrain-grid mixins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..robot import Quadruped
from ..velocity.cfg import TERRAINS, RoughLevels, StairsLevels, VelocityCfg
from .model import GO1

__all__ = ["TERRAINS", "Go1Cfg", "Go1RoughCfg", "Go1StairsCfg"]


@dataclass
class Go1Cfg(VelocityCfg):
    """Go1 on flat ground, tracking a commanded base velocity."""

    robot: ClassVar[Quadruped] = GO1
    """The robot these values describe (its servos and model file are checked against them)."""

    model_file: str = "motrix_envs_locomotion.go1:go1.xml"
    """The flat scene; rough and stairs scenes are generated from it at runtime."""


@dataclass
class Go1RoughCfg(RoughLevels, Go1Cfg):
    """Go1 on procedural rough ground: 10 levels of value-noise bumps, 1 to 10 cm peak to peak."""


@dataclass
class Go1StairsCfg(StairsLevels, Go1Cfg):
    """Go1 on pyramid stairs (30 cm deep steps, 2 to 12 cm high over 10 levels), spawned on a hilltop."""
