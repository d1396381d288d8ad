"""Config of the cheetah-run task."""

from __future__ import annotations

from dataclasses import dataclass

from motrix.env import EnvCfg
from motrix.errors import UsageError


@dataclass
class CheetahCfg(EnvCfg):
    """Cheetah run: reward grows linearly with forward speed up to ``run_speed``. No early termination."""

    model_file: str = "motrix_envs_basic.cheetah:cheetah.xml"
    """Our MJCF: torso with head, a back and a front leg of three segments; six motors."""
    sim_dt: float = 0.01
    """Physics timestep in seconds."""
    ctrl_dt: float = 0.01
    """Control period: 100 Hz, one physics step per action."""
    max_episode_seconds: float = 10.0
    """Episode length: 1000 control steps."""
    render_spacing: float = 2.5
    """Distance between rendered envs."""
    run_speed: float = 10.0
    """Forward speed of the centre of mass (m/s) at which the reward reaches 1."""
    settle_steps: int = 200
    """Physics steps run at reset (no control) so that each episode starts with the runner
    resting on the floor in its random pose."""

    def validate(self) -> None:
        super().validate()
        if not self.run_speed > 0:
            raise UsageError(f"run_speed must be > 0, got {self.run_speed}")
        if self.settle_steps < 0:
            raise UsageError(f"settle_steps must be >= 0, got {self.settle_steps}")
