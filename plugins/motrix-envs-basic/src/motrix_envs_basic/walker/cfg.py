"""Configs of the walker tasks: stand, walk at 1 m/s, run at 8 m/s."""

from __future__ import annotations

import math
from dataclasses import dataclass

from motrix.env import EnvCfg
from motrix.errors import UsageError


@dataclass
class WalkerCfg(EnvCfg):
    """Walker: torso high and upright, and (for walk/run) moving forward. No early termination."""

    model_file: str = "motrix_envs_basic.walker:walker.xml"
    """Our MJCF: torso and two three-segment legs on a planar root; six motors."""
    sim_dt: float = 0.005
    """Physics timestep in seconds (the classic 0.0025 s behaves the same in MotrixSim at twice the cost)."""
    ctrl_dt: float = 0.025
    """Control period: 40 Hz, five physics steps per action."""
    max_episode_seconds: float = 25.0
    """Episode length: 1000 control steps."""
    render_spacing: float = 3.0
    """Distance between rendered envs."""
    stand_height: float = 1.2
    """Torso centre height (m) from which the walker counts as standing (1.3 m standing straight)."""
    move_speed: float = 0.0
    """Target forward speed of the centre of mass (m/s); 0 is the standing task."""
    root_pitch_range: float = math.pi
    """Initial torso pitch is uniform in ± this (radians); π starts in any orientation, as the
    classic task does, so the walker usually has to get up first."""

    def validate(self) -> None:
        super().validate()
        if not self.stand_height > 0:
            raise UsageError(f"stand_height must be > 0, got {self.stand_height}")
        if self.move_speed < 0:
            raise UsageError(f"move_speed must be >= 0, got {self.move_speed}")
        if not 0 <= self.root_pitch_range <= math.pi:
            raise UsageError(f"root_pitch_range must be in [0, pi], got {self.root_pitch_range}")


@dataclass
class WalkerStandCfg(WalkerCfg):
    """Stand up and stay up."""


@dataclass
class WalkerWalkCfg(WalkerCfg):
    """Stand and walk forward at 1 m/s or faster."""

    move_speed: float = 1.0
    """Target forward speed of the centre of mass (m/s)."""


@dataclass
class WalkerRunCfg(WalkerCfg):
    """Stand and run forward at 8 m/s or faster."""

    move_speed: float = 8.0
    """Target forward speed of the centre of mass (m/s)."""
