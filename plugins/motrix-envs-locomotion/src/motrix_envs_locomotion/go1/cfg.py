"""Configs of the Go1 velocity-tracking envs: flat, rough and stairs."""

from __future__ import annotations

from dataclasses import dataclass

from motrix.env import EnvCfg
from motrix.errors import UsageError

TERRAINS = ("flat", "rough", "stairs")


@dataclass
class Go1Cfg(EnvCfg):
    """Go1 on flat ground, tracking a commanded base velocity."""

    model_file: str = "motrix_envs_locomotion.go1:go1.xml"
    """The flat scene; rough and stairs scenes are generated from it at runtime."""
    sim_dt: float = 0.004
    """Physics timestep (250 Hz)."""
    ctrl_dt: float = 0.02
    """Policy rate 50 Hz: one joint-target action held for 5 physics steps."""
    max_episode_seconds: float = 20.0
    """Episodes are cut after 20 s (1000 control steps)."""
    render_spacing: float = 1.0
    """Distance between robots when several are rendered."""
    terrain: str = "flat"
    """Ground: flat, rough (procedural height field) or stairs (pyramid of boxes)."""
    terrain_seed: int = 0
    """Seed of the procedural rough terrain (same seed, same ground)."""
    action_scale: float = 0.5
    """Joint target = standing pose + action_scale * action (rad), actions in [-1, 1]."""
    kp: float = 35.0
    """Stiffness of the joint position servos (N·m/rad); must match go1.xml."""
    kd: float = 1.0
    """Damping of the joint position servos (N·m·s/rad); must match go1.xml."""
    command_lin_vel_x: tuple[float, ...] = (-1.0, 1.0)
    """Range of the commanded forward speed (m/s)."""
    command_lin_vel_y: tuple[float, ...] = (-0.5, 0.5)
    """Range of the commanded sideways speed (m/s)."""
    command_yaw_rate: tuple[float, ...] = (-1.0, 1.0)
    """Range of the commanded turning rate (rad/s)."""
    command_resample_seconds: float = 10.0
    """Each env draws a new command this often during an episode."""
    standing_command_below: float = 0.1
    """Planar commands slower than this (m/s) are set to zero: the robot learns to stand too."""
    tracking_sigma: float = 0.25
    """Width of the exp kernel of the tracking rewards: exp(-error² / sigma)."""
    w_tracking_lin_vel: float = 1.0
    """Weight of forward/sideways velocity tracking."""
    w_tracking_ang_vel: float = 0.5
    """Weight of yaw-rate tracking."""
    w_lin_vel_z: float = -2.0
    """Weight of the vertical base velocity penalty."""
    w_ang_vel_xy: float = -0.05
    """Weight of the roll/pitch rate penalty."""
    w_torques: float = -2e-4
    """Weight of the squared joint torque penalty."""
    w_dof_acc: float = -2.5e-7
    """Weight of the squared joint acceleration penalty."""
    w_action_rate: float = -0.01
    """Weight of the squared action change penalty."""
    w_feet_air_time: float = 1.0
    """Weight of the reward for steps longer than feet_air_time_target (while commanded to move)."""
    feet_air_time_target: float = 0.5
    """Swing time (s) above which a step earns air-time reward."""
    w_hip_deviation: float = -0.5
    """Weight of the squared hip (abduction) deviation from the standing pose."""
    w_stumble: float = 0.0
    """Weight of the foot-stumbling penalty (a foot pushed sideways harder than down)."""
    only_positive_rewards: bool = True
    """Clip each step's total reward at zero, so early falls are not learnt as an escape."""
    reset_joint_noise: float = 0.1
    """Joint angles at reset: standing pose + uniform noise of this size (rad)."""
    fall_upright_threshold: float = 0.5
    """The robot has fallen when its up axis' world-z component drops below this."""

    def validate(self) -> None:
        super().validate()
        if self.terrain not in TERRAINS:
            raise UsageError(f"terrain must be one of {', '.join(TERRAINS)}, got {self.terrain!r}")
        for name in ("command_lin_vel_x", "command_lin_vel_y", "command_yaw_rate"):
            lo_hi = getattr(self, name)
            if len(lo_hi) != 2 or lo_hi[0] > lo_hi[1]:
                raise UsageError(f"{name} must be two numbers low,high; got {lo_hi}")
        if self.action_scale <= 0 or self.command_resample_seconds <= 0 or self.tracking_sigma <= 0:
            raise UsageError("action_scale, command_resample_seconds and tracking_sigma must be > 0")


@dataclass
class Go1RoughCfg(Go1Cfg):
    """Go1 on procedural rough ground (a 4 cm height field, 8 m square)."""

    terrain: str = "rough"
    """Ground: a height field generated from terrain_seed."""


@dataclass
class Go1StairsCfg(Go1Cfg):
    """Go1 on pyramid stairs (5 cm steps, 30 cm deep), spawned on the top platform."""

    terrain: str = "stairs"
    """Ground: pyramid stairs of boxes."""
    w_stumble: float = -1.0
    """Feet hitting step risers are penalized on stairs."""
    command_lin_vel_x: tuple[float, ...] = (-0.8, 0.8)
    """Slower commands on stairs."""
