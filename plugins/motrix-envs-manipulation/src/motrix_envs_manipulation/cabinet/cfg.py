"""Config of ``franka-open-cabinet``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from motrix.env import EnvCfg
from motrix.errors import UsageError

# Crouched start: the hand points at the cabinet (+x) with the fingers one above the other,
# fingertips 0.22 m in front of and 8 cm below the handle (solved by IK for TCP (0.42, 0, 0.65)).
HOME = np.array([0.0, -0.842, 0.0, -2.734, 0.0, 3.463, -0.785], np.float32)


@dataclass
class CabinetCfg(EnvCfg):
    """Franka Panda: grasp the top drawer's handle and pull the drawer open."""

    model_file: str = "motrix_envs_manipulation.panda:panda.xml"
    """The arm; the env adds the floor and the cabinet to it."""
    sim_dt: float = 0.02
    """Physics timestep: one 20 ms physics step per action. Physics is most of a step's cost,
    and the grasp, the servos and the drawer hold at 20 ms as at 10 ms (see the tests)."""
    ctrl_dt: float = 0.02
    """Policy rate 50 Hz."""
    max_episode_seconds: float = 4.0
    """Episode length (200 control steps); success is judged at its end."""
    render_spacing: float = 2.0
    """Distance between arms (and their cabinets) when several are rendered."""
    action_scale: float = 0.04
    """Joint-target change (rad) per control step at action ±1."""
    max_target_lead: float = 0.3
    """Joint targets stay within this many rad of the measured angles."""
    reset_joint_noise: float = 0.125
    """Arm angles at reset: the crouched start pose + uniform noise of this size (rad)."""
    success_opening: float = 0.2
    """Success: the drawer open at least this far at the episode's end (m)."""
    approach_std: float = 0.2
    """Width of the approach kernel 1 - tanh(d_tcp_handle / approach_std) (m); twice the seed's
    0.1, so that it still has a slope where the fingertips start (~0.23 m from the handle)."""
    w_approach: float = 1.0
    """Weight of bringing the fingertips to the handle."""
    w_align: float = 0.5
    """Weight of pointing the hand at the cabinet with the fingers above and below the bar."""
    w_grasp: float = 2.0
    """Weight of both fingers touching the handle bar."""
    w_open: float = 10.0
    """Weight of the drawer's opening (fraction of its 0.4 m travel)."""
    w_open_bonus: float = 5.0
    """Weight of the drawer being open past success_opening."""
    w_action_rate: float = -1e-4
    """Weight of the squared change of action."""
    w_joint_vel: float = -1e-4
    """Weight of the squared arm joint velocities."""
    max_joint_speed: float = 20.0
    """The episode ends when a joint spins faster than this (rad/s): a blow-up."""

    def validate(self) -> None:
        super().validate()
        for name in ("action_scale", "max_target_lead", "approach_std", "max_joint_speed"):
            if getattr(self, name) <= 0:
                raise UsageError(f"{name} must be > 0, got {getattr(self, name)}")
        if not 0.0 < self.success_opening <= 0.4:
            raise UsageError(f"success_opening must be in (0, 0.4] m, got {self.success_opening}")
        if self.reset_joint_noise < 0:
            raise UsageError(f"reset_joint_noise must be >= 0, got {self.reset_joint_noise}")
