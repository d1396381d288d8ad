"""Config of ``franka-lift-cube``."""

from __future__ import annotations

from dataclasses import dataclass

from motrix.env import EnvCfg
from motrix.errors import UsageError


@dataclass
class LiftCfg(EnvCfg):
    """Franka Panda: grasp a cube on the table and hold it at a random target in the air."""

    model_file: str = "motrix_envs_manipulation.panda:panda.xml"
    """The arm; the env adds the table and the cube to it."""
    sim_dt: float = 0.02
    """Physics timestep: one 20 ms physics step per action. Physics is most of a step's cost,
    and the grasp and the servos hold at 20 ms as at 10 ms (see the tests)."""
    ctrl_dt: float = 0.02
    """Policy rate 50 Hz."""
    max_episode_seconds: float = 3.0
    """Episode length (150 control steps); success is judged at its end."""
    render_spacing: float = 1.5
    """Distance between arms when several are rendered."""
    action_scale: float = 0.04
    """Joint-target change (rad) per control step at action ±1 (2 rad/s, near the velocity limits)."""
    max_target_lead: float = 0.3
    """Joint targets stay within this many rad of the measured angles."""
    reset_joint_noise: float = 0.1
    """Arm angles at reset: home pose + uniform noise of this size (rad)."""
    cube_x: tuple[float, ...] = (0.4, 0.6)
    """Range of the cube's start x on the table (m, arm base at the origin)."""
    cube_y: tuple[float, ...] = (-0.25, 0.25)
    """Range of the cube's start y (m)."""
    cube_yaw: float = 3.1416
    """The cube starts turned about z by up to this angle either way (rad)."""
    target_x: tuple[float, ...] = (0.4, 0.6)
    """Range of the target's x (m)."""
    target_y: tuple[float, ...] = (-0.25, 0.25)
    """Range of the target's y (m)."""
    target_z: tuple[float, ...] = (0.25, 0.5)
    """Range of the target's height above the table (m)."""
    target_curriculum: float = 0.4
    """Share of training over which the targets spread out: a target is drawn between a
    point ``target_start_height`` above the cube's start and its full random position, by
    the fraction ``training progress / target_curriculum`` (capped at 1); 0 turns it off.
    Outside training (play, evaluation, export) targets are always the full task's."""
    target_start_height: float = 0.1
    """Height of the curriculum's first targets, straight above the cube's start (m)."""
    lift_height: float = 0.04
    """The cube counts as lifted when its centre is this high (2 cm above resting)."""
    success_distance: float = 0.05
    """Success: the cube's centre within this distance of the target at the episode's end (m)."""
    reach_std: float = 0.2
    """Width of the reaching kernel 1 - tanh(d_tcp_cube / reach_std) (m); twice the seed's 0.1,
    so that the kernel still has a slope where the fingertips start (~0.45 m from the cube)."""
    target_std: float = 0.3
    """Width of the coarse target kernel (m)."""
    target_fine_std: float = 0.05
    """Width of the fine target kernel (m)."""
    w_reach: float = 1.0
    """Weight of moving the fingertips to the cube."""
    w_grasp: float = 2.0
    """Weight of holding the cube between the closed fingers."""
    w_lift: float = 15.0
    """Weight of the cube being lifted."""
    w_target: float = 16.0
    """Weight of the lifted cube approaching the target (coarse kernel)."""
    w_target_fine: float = 5.0
    """Weight of the lifted cube reaching the target (fine kernel)."""
    w_action_rate: float = -1e-4
    """Weight of the squared change of action."""
    w_joint_vel: float = -1e-4
    """Weight of the squared arm joint velocities."""
    w_servo_lead: float = -10.0
    """Weight of the squared lead of the arm's joint targets over its measured angles (rad²):
    what the servos push with beyond tracking. Without it the policy learns to hold its
    targets far ahead, at full torque, and then cannot carry the cube (README)."""
    cube_lost_distance: float = 1.0
    """The episode ends when the cube is this far from the arm base (off the table)."""
    max_joint_speed: float = 20.0
    """The episode ends when a joint spins faster than this (rad/s): a blow-up."""

    def validate(self) -> None:
        super().validate()
        for name in ("cube_x", "cube_y", "target_x", "target_y", "target_z"):
            lo_hi = getattr(self, name)
            if len(lo_hi) != 2 or lo_hi[0] > lo_hi[1]:
                raise UsageError(f"{name} must be two numbers low,high; got {lo_hi}")
        for name in ("action_scale", "max_target_lead", "success_distance", "reach_std",
                     "target_std", "target_fine_std", "target_start_height", "cube_lost_distance",
                     "max_joint_speed"):
            if getattr(self, name) <= 0:
                raise UsageError(f"{name} must be > 0, got {getattr(self, name)}")
        if not 0 <= self.target_curriculum <= 1:
            raise UsageError(f"target_curriculum must be in [0, 1], got {self.target_curriculum}")
        if self.reset_joint_noise < 0:
            raise UsageError(f"reset_joint_noise must be >= 0, got {self.reset_joint_noise}")
