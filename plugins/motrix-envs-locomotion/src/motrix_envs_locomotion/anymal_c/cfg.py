"""Configs of the ANYmal C envs: velocity tracking on flat and rough ground, and navigation.

ANYmal C is four times the Go1's mass with four times its torques, so the weights that
scale with torque and size differ (``AnymalCFields``); the rest is the shared task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from motrix.env.randomization import RandomizationCfg

from ..navigation.cfg import NavigationCfg
from ..robot import Quadruped
from ..robust import quadruped_randomization
from ..velocity.cfg import RoughLevels, VelocityCfg
from .robot import ANYMAL_C


@dataclass
class AnymalCFields:
    """Mixin: ANYmal C's model file, servo gains (must match anymal_c.xml) and size-scaled weights."""

    robot: ClassVar[Quadruped] = ANYMAL_C
    """The robot these values describe (its servos and model file are checked against them)."""

    model_file: str = "motrix_envs_locomotion.anymal_c:anymal_c.xml"
    """ANYmal C on flat ground; rough scenes are generated from it at runtime."""
    kp: float = ANYMAL_C.kp
    """Stiffness of the joint position servos (N·m/rad), as in anymal_c.xml (the description's)."""
    kd: float = ANYMAL_C.kd
    """Damping of the joint position servos (N·m·s/rad), as in anymal_c.xml (the description's)."""
    w_torques: float = -2e-5
    """Torques are ~4x the Go1's, their squares ~16x: a tenth of the Go1's weight keeps the term's share."""
    render_spacing: float = 2.0
    """ANYmal C is about a metre long."""


@dataclass
class AnymalCCfg(AnymalCFields, VelocityCfg):
    """ANYmal C on flat ground, tracking a commanded base velocity."""


@dataclass
class AnymalCRoughCfg(RoughLevels, AnymalCCfg):
    """ANYmal C on procedural rough ground: 10 levels of bumps, 1 to 10 cm peak to peak, with a terrain curriculum."""


@dataclass
class AnymalCNavigationCfg(AnymalCFields, NavigationCfg):
    """ANYmal C walks to a random goal pose within ±5 m on flat ground and stands there."""


@dataclass
class AnymalCRobustCfg(AnymalCCfg):
    """ANYmal C on flat ground under the shared sim-to-real randomization (../robust.py), as go1-robust."""

    randomization: RandomizationCfg = field(default_factory=lambda: quadruped_randomization(ANYMAL_C))
    """go1-robust's ranges, the trunk payload +-8 % of the robot's mass: friction, masses, CoM, gains, pushes, noise."""
