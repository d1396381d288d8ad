"""Sim-to-real randomization for any quadruped: the Go1's ranges, with the payload scaled to the robot.

The ranges follow the spirit of MuJoCo Playground's Go1 joystick task (floor friction, link
masses, trunk payload and CoM, joint armature and friction, servo gains), plus pushes,
sensor noise on the IMU and joint slices, and up to one control step of action latency
(the locomotion README's table gives the reasons). Most of it is relative (scales, friction
coefficients, velocity kicks) and fits every robot as it is; the trunk payload is scaled to
the robot (``payload_kg``, default 8 % of its mass; Go1: ±1 kg of 12.7). The CoM offset
(±5 cm) and the joints' dry friction (0-0.2 N·m) stay absolute: a larger share of a small
robot than of ANYmal C, whose motors give 80 N·m.
"""

from __future__ import annotations

from motrix.env.randomization import (
    ComCfg,
    FrictionCfg,
    GainsCfg,
    JointsCfg,
    MassCfg,
    PushCfg,
    RandomizationCfg,
)

from .robot import Quadruped


def quadruped_randomization(robot: Quadruped, payload_kg: float | None = None) -> RandomizationCfg:
    """A ``*-robust`` variant's randomization for ``robot``: payload ± ``payload_kg`` (default 8 % of its mass)."""
    payload = round(0.08 * robot.total_mass, 1) if payload_kg is None else payload_kg
    return RandomizationCfg(
        # The feet have contact priority, so their friction is the contact's: floor friction.
        friction=FrictionCfg(geoms=".*_foot", range=(0.4, 1.0)),
        mass=MassCfg(links=".*", scale=(0.9, 1.1), added_links=robot.trunk, added=(-payload, payload)),
        com=ComCfg(links=robot.trunk, offset=(-0.05, 0.05)),
        gains=GainsCfg(actuators=".*", kp_scale=(0.9, 1.1), kd_scale=(0.9, 1.1)),
        joints=JointsCfg(joints=".*", armature_scale=(1.0, 1.05), frictionloss=(0.0, 0.2)),
        push=PushCfg(velocity=(0.2, 1.0), interval_seconds=(1.5, 3.0)),
        obs_noise={"base_lin_vel": 0.1, "base_ang_vel": 0.2, "projected_gravity": 0.05, "joint_pos": 0.03,
                   "joint_vel": 1.5},
        action_delay_steps=(0, 1),
    )
