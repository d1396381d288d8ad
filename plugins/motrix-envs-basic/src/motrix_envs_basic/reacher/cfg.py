"""Config of the reacher task."""

from __future__ import annotations

from dataclasses import dataclass

from motrix.env import EnvCfg
from motrix.errors import UsageError


@dataclass
class ReacherCfg(EnvCfg):
    """Reacher: reward 1 per step with the fingertip on the target. No early termination."""

    model_file: str = "motrix_envs_basic.reacher:reacher.xml"
    """Our MJCF: two-link arm (0.12 m + 0.12 m to the fingertip) and a target on two slides."""
    sim_dt: float = 0.02
    """Physics timestep in seconds."""
    ctrl_dt: float = 0.02
    """Control period: 50 Hz, one physics step per action."""
    max_episode_seconds: float = 20.0
    """Episode length: 1000 control steps."""
    render_spacing: float = 0.8
    """Distance between rendered envs (the table is 0.64 m wide)."""
    target_size: float = 0.05
    """Target radius (m): 0.05 is the classic easy target, 0.015 the hard one."""
    finger_size: float = 0.01
    """Fingertip radius (m): the fingertip is on the target within target + finger size."""
    target_radius: tuple[float, float] = (0.05, 0.20)
    """Targets are placed at a distance from the shoulder uniform in this range (m), at a uniform angle."""
    distance_margin: float = 0.0
    """Distance beyond the target over which the reward fades (gaussian, to 0.1 at the margin);
    0 (the default) is the classic all-or-nothing reward."""

    def validate(self) -> None:
        super().validate()
        for name in ("target_size", "finger_size"):
            if not getattr(self, name) > 0:
                raise UsageError(f"{name} must be > 0, got {getattr(self, name)}")
        low, high = self.target_radius
        if not 0 <= low <= high <= 0.24:
            raise UsageError(f"target_radius must be two distances 0 <= low <= high <= 0.24 (the reach), "
                             f"got {self.target_radius}")
        if self.distance_margin < 0:
            raise UsageError(f"distance_margin must be >= 0, got {self.distance_margin}")
