"""Configs of the hopper tasks: stand, and hop forward."""

from __future__ import annotations

import math
from dataclasses import dataclass

from motrix.env import EnvCfg
from motrix.errors import UsageError


@dataclass
class HopperCfg(EnvCfg):
    """Hopper standing: torso high above the foot, small controls. No early termination."""

    model_file: str = "motrix_envs_basic.hopper:hopper.xml"
    """Our MJCF: torso, pelvis, thigh, calf, foot on a planar root; four motors."""
    sim_dt: float = 0.005
    """Physics timestep in seconds."""
    ctrl_dt: float = 0.02
    """Control period: 50 Hz, four physics steps per action."""
    max_episode_seconds: float = 20.0
    """Episode length: 1000 control steps."""
    render_spacing: float = 2.5
    """Distance between rendered envs."""
    stand_height: float = 0.6
    """The torso counts as standing when it is at least this high above the foot (m)."""
    stand_height_max: float = 2.0
    """Upper end of the standing band (m); the hopper cannot reach it."""
    stand_margin: float = 0.6
    """Height below ``stand_height`` at which the standing reward has faded (gaussian) to 0.1,
    so a hopper lying down still learns which way is up; 0 is the classic all-or-nothing
    standing reward, which PPO finds only late and unreliably."""
    hop_speed: float = 0.0
    """Target forward speed of the centre of mass (m/s); 0 is the standing task."""
    root_pitch_range: float = math.pi
    """Initial torso pitch is uniform in ± this (radians); π starts in any orientation, as the
    classic task does, so the hopper often has to get up first."""

    def validate(self) -> None:
        super().validate()
        if not 0 < self.stand_height < self.stand_height_max:
            raise UsageError(f"stand_height must be in (0, stand_height_max), got {self.stand_height}")
        for name in ("stand_margin", "hop_speed"):
            if getattr(self, name) < 0:
                raise UsageError(f"{name} must be >= 0, got {getattr(self, name)}")
        if not 0 <= self.root_pitch_range <= math.pi:
            raise UsageError(f"root_pitch_range must be in [0, pi], got {self.root_pitch_range}")


@dataclass
class HopperStandCfg(HopperCfg):
    """Stand up and stay up with small controls."""


@dataclass
class HopperHopCfg(HopperCfg):
    """Stand and hop forward at 2 m/s or faster."""

    hop_speed: float = 2.0
    """Target forward speed of the centre of mass (m/s)."""
