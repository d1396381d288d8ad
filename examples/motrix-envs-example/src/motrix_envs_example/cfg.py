"""Config of ``planar-reach``: the base ``EnvCfg`` fields plus the task's own."""

from __future__ import annotations

from dataclasses import dataclass

from motrix.env import EnvCfg
from motrix.errors import UsageError


@dataclass
class PlanarReachCfg(EnvCfg):
    """Move the fingertip onto a target placed at random within the arm's reach."""

    model_file: str = "motrix_envs_example:planar_reach.xml"
    """The MJCF shipped in this package ("package:path", found with importlib.resources)."""
    sim_dt: float = 0.01
    """Physics timestep in seconds."""
    ctrl_dt: float = 0.02
    """Control period: each action is held for two physics steps."""
    max_episode_seconds: float = 3.0
    """Episode length: 150 control steps, then the episode is truncated."""
    render_spacing: float = 2.2
    """Distance between rendered envs (the arm reaches 0.9 m from its base)."""
    target_min_radius: float = 0.25
    """Targets are at least this far from the shoulder (metres)."""
    target_max_radius: float = 0.85
    """Targets are at most this far from the shoulder (the arm reaches 0.9 m)."""
    reset_noise_scale: float = 0.1
    """Initial joint angles are uniform in ± this (radians); velocities start at zero."""
    control_cost_weight: float = 0.05
    """Weight of the squared-action penalty in the reward."""

    def validate(self) -> None:
        super().validate()
        if not 0 <= self.target_min_radius < self.target_max_radius <= 0.9:
            raise UsageError(
                "target radii must satisfy 0 <= target_min_radius < target_max_radius <= 0.9, got "
                f"{self.target_min_radius} and {self.target_max_radius}"
            )
        if self.reset_noise_scale < 0 or self.control_cost_weight < 0:
            raise UsageError("reset_noise_scale and control_cost_weight must be >= 0")
