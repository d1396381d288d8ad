"""``EnvCfg``: what every env config has (timing, model file, episode length)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from motrix.config.finite import check_finite
from motrix.env.randomization.cfg import RandomizationCfg
from motrix.errors import UsageError


@dataclass
class EnvCfg:
    """Base config of a batched MotrixSim env; plugins subclass it and add task fields."""

    model_file: str = ""
    """MJCF scene: ``"package:relative/path.xml"`` (found via importlib.resources) or a file path."""
    sim_dt: float = 0.01
    """Physics timestep in seconds."""
    ctrl_dt: float = 0.01
    """Control period in seconds: one action is held for ``ctrl_dt / sim_dt`` physics steps."""
    max_episode_seconds: float = 10.0
    """Episode length; episodes are truncated after ``max_episode_steps`` control steps."""
    render_spacing: float = 1.0
    """Distance in metres between envs when several are rendered side by side."""
    randomization: RandomizationCfg = field(default_factory=RandomizationCfg)
    """Domain randomization, pushes, observation noise, action delay (off by default; see docs/plugins.md)."""

    @property
    def max_episode_steps(self) -> int:
        """Control steps per episode."""
        return max(1, int(round(self.max_episode_seconds / self.ctrl_dt)))

    @property
    def sim_substeps(self) -> int:
        """Physics steps per control step."""
        return max(1, int(round(self.ctrl_dt / self.sim_dt)))

    def validate(self) -> None:
        """Raise ``UsageError`` naming the first inconsistent field."""
        check_finite(self)
        if not (self.sim_dt > 0 and math.isfinite(self.sim_dt)):
            raise UsageError(f"sim_dt must be a positive number of seconds, got {self.sim_dt}")
        if not (self.ctrl_dt > 0 and math.isfinite(self.ctrl_dt)):
            raise UsageError(f"ctrl_dt must be a positive number of seconds, got {self.ctrl_dt}")
        if self.sim_dt > self.ctrl_dt:
            raise UsageError(
                f"sim_dt ({self.sim_dt}) must not exceed ctrl_dt ({self.ctrl_dt}): "
                "each action spans a whole number of physics steps"
            )
        ratio = self.ctrl_dt / self.sim_dt
        if abs(ratio - round(ratio)) > 1e-6 * ratio:
            raise UsageError(
                f"ctrl_dt ({self.ctrl_dt}) must be a whole multiple of sim_dt ({self.sim_dt})"
            )
        if not (self.max_episode_seconds > 0 and math.isfinite(self.max_episode_seconds)):
            raise UsageError(f"max_episode_seconds must be > 0, got {self.max_episode_seconds}")
        if self.render_spacing < 0:
            raise UsageError(f"render_spacing must be >= 0, got {self.render_spacing}")
        self.randomization.validate()
