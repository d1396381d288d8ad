"""Config fields every quadruped task shares: rates, servos, the shared reward terms' weights.

Tasks subclass ``QuadrupedCfg`` (velocity/cfg.py, navigation/cfg.py); a robot's values (its
model file, gains, weights scaled to its size) are a mixin placed before the task's config,
e.g. ``class AnymalCCfg(AnymalCFields, VelocityCfg)``, so they are written once per robot.
The defaults are the Go1's, the robot these were first tuned on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from motrix.env import EnvCfg
from motrix.errors import UsageError

from .robot import Quadruped


@dataclass
class QuadrupedCfg(EnvCfg):
    """A 12-joint quadruped on position servos, at 50 Hz control over 250 Hz physics."""

    robot: ClassVar[Quadruped | None] = None
    """The description whose servos and model file this config must match (set by each robot's config)."""

    sim_dt: float = 0.004
    """Physics timestep (250 Hz)."""
    ctrl_dt: float = 0.02
    """Policy rate 50 Hz: one joint-target action held for 5 physics steps."""
    max_episode_seconds: float = 20.0
    """Episodes are cut after 20 s (1000 control steps)."""
    render_spacing: float = 1.0
    """Distance between robots when several are rendered."""
    action_scale: float = 0.5
    """Joint target = standing pose + action_scale * action (rad), actions in [-1, 1]."""
    kp: float = 35.0
    """Stiffness of the joint position servos (N·m/rad); must match the model file's servos."""
    kd: float = 1.0
    """Damping of the joint position servos (N·m·s/rad); must match the model file's servos."""
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
    only_positive_rewards: bool = True
    """Clip each step's total reward at zero, so early falls are not learnt as an escape."""
    reset_joint_noise: float = 0.1
    """Joint angles at reset: standing pose + uniform noise of this size (rad)."""
    fall_upright_threshold: float = 0.5
    """The robot has fallen when its up axis' world-z component drops below this."""

    def validate(self) -> None:
        super().validate()
        if self.robot is not None:
            self._check_matches_robot(self.robot)
        if self.action_scale <= 0 or self.tracking_sigma <= 0:
            raise UsageError("action_scale and tracking_sigma must be > 0")
        if self.reset_joint_noise < 0:
            raise UsageError(f"reset_joint_noise must be >= 0, got {self.reset_joint_noise}")
        if not -1.0 <= self.fall_upright_threshold < 1.0:
            raise UsageError(f"fall_upright_threshold must be in [-1, 1) (1 would end every step), "
                             f"got {self.fall_upright_threshold}")

    def _check_matches_robot(self, robot: Quadruped) -> None:
        """The servos and the model are the description's: a config that says otherwise would be ignored."""
        if (self.kp, self.kd) != (robot.kp, robot.kd):
            raise UsageError(f"kp={self.kp}, kd={self.kd}: {robot.name}'s servos are kp={robot.kp}, kd={robot.kd} "
                             "(its model file's); per-robot gain spread is randomization.gains")
        if Path(str(self.model_file).rpartition(":")[2]).name != robot.model_file.name:
            raise UsageError(f"model_file {self.model_file!r}: this env loads {robot.name}'s {robot.model_file.name}; "
                             "another robot is another Quadruped description and env class")
