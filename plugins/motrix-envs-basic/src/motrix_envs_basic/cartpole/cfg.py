"""Config of the cartpole env."""

from __future__ import annotations

from dataclasses import dataclass

from motrix.env import EnvCfg
from motrix.errors import UsageError


@dataclass
class CartPoleCfg(EnvCfg):
    """Cartpole balance: +1 per step until the pole tips or the cart leaves the track."""

    model_file: str = "motrix_envs_basic.cartpole:cartpole.xml"
    """Our MJCF: cart on a slider, pole on a hinge, one force actuator (10 N at action 1)."""
    sim_dt: float = 0.01
    """Physics timestep in seconds."""
    ctrl_dt: float = 0.01
    """Control period in seconds (one physics step per action)."""
    max_episode_seconds: float = 10.0
    """Episode length: 1000 control steps."""
    render_spacing: float = 2.5
    """Distance between rendered envs (the rail is 2.2 m long)."""
    max_pole_angle: float = 0.2
    """The episode terminates when |pole angle| exceeds this (radians)."""
    max_cart_position: float = 0.8
    """The episode terminates when |cart position| exceeds this (metres)."""
    reset_noise_scale: float = 0.05
    """Initial cart position, pole angle and both velocities are uniform in ± this."""

    def validate(self) -> None:
        super().validate()
        for name in ("max_pole_angle", "max_cart_position"):
            if not getattr(self, name) > 0:
                raise UsageError(f"{name} must be > 0, got {getattr(self, name)}")
        if not 0 <= self.reset_noise_scale < min(self.max_pole_angle, self.max_cart_position):
            raise UsageError(
                f"reset_noise_scale must be in [0, min(max_pole_angle, max_cart_position)), "
                f"got {self.reset_noise_scale}"
            )
