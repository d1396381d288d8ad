"""Configs of the Go2 envs: velocity tracking on flat and rough ground.

The task is the Go1's (velocity/cfg.py) with the same command ranges, so the two robots'
figures compare directly; the seed's go2 task asked for vx ±2, vy ±1, yaw ±π, which
``--env-set command_lin_vel_x=-2,2`` etc. still give.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from motrix.env.randomization import RandomizationCfg

from ..robot import Quadruped
from ..robust import quadruped_randomization
from ..velocity.cfg import RoughLevels, VelocityCfg
from .robot import GO2


@dataclass
class Go2Fields:
    """Mixin: the Go2's model file and servo gains (must match go2.xml)."""

    robot: ClassVar[Quadruped] = GO2
    """The robot these values describe (its servos and model file are checked against them)."""

    model_file: str = "motrix_envs_locomotion.go2:go2.xml"
    """The Go2 on flat ground; rough scenes are generated from it at runtime."""
    kp: float = GO2.kp
    """Stiffness of the joint position servos (N·m/rad), as in go2.xml (the description's)."""
    kd: float = GO2.kd
    """Damping of the joint position servos (N·m·s/rad), as in go2.xml (the description's)."""
    action_scale: float = 0.35
    """Joint target = standing pose + action_scale * action (rad): 17.5 N·m of servo push per
    unit action at kp 50, as the Go1's 0.5 at kp 35. At the Go1's 0.5 (25 N·m) the Go2 stood
    still for 1.8M env-steps and walked after 6.49M; at 0.35 after 4.72M (locomotion README)."""


@dataclass
class Go2Cfg(Go2Fields, VelocityCfg):
    """Go2 on flat ground, tracking a commanded base velocity."""


@dataclass
class Go2RoughCfg(RoughLevels, Go2Cfg):
    """Go2 on procedural rough ground: 10 levels of bumps, 1 to 10 cm peak to peak, each robot on a random level."""

    curriculum: bool = False
    """Off for the Go2: in 30 minutes, random levels at every reset gave 0 falls on 10 cm bumps, the
    curriculum (mean level 2.3 at the end) 0.05 (locomotion README); --env-set curriculum=true turns it on."""


@dataclass
class Go2RobustCfg(Go2Cfg):
    """Go2 on flat ground under the shared sim-to-real randomization (../robust.py), as go1-robust."""

    randomization: RandomizationCfg = field(default_factory=lambda: quadruped_randomization(GO2))
    """go1-robust's ranges, the trunk payload +-8 % of the robot's mass: friction, masses, CoM, gains, pushes, noise."""
