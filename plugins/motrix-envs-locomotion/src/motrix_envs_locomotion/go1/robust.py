"""``go1-robust``: Go1 on flat ground trained under domain randomization, for sim-to-real.

The ranges follow the spirit of MuJoCo Playground's Go1 joystick task (floor friction, link
masses, trunk payload and CoM, joint armature and friction, servo gains), plus pushes,
sensor noise on the IMU and joint slices, and up to one control step of action latency.
Plain ``go1`` stays unrandomized: its time-to-walk and tracking figures stay comparable.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from motrix.env.randomization import (
    ComCfg,
    FrictionCfg,
    GainsCfg,
    JointsCfg,
    MassCfg,
    PushCfg,
    RandomizationCfg,
)

from .cfg import Go1Cfg
from .rl_cfg import Go1PPO

GO1_RANDOMIZATION = RandomizationCfg(
    # The feet have contact priority, so their friction is the contact's: floor friction.
    friction=FrictionCfg(geoms=".*_foot", range=(0.4, 1.0)),
    mass=MassCfg(links=".*", scale=(0.9, 1.1), added_links="trunk", added=(-1.0, 1.0)),
    com=ComCfg(links="trunk", offset=(-0.05, 0.05)),
    gains=GainsCfg(actuators=".*", kp_scale=(0.9, 1.1), kd_scale=(0.9, 1.1)),
    joints=JointsCfg(joints=".*", armature_scale=(1.0, 1.05), frictionloss=(0.0, 0.2)),
    push=PushCfg(velocity=(0.2, 1.0), interval_seconds=(1.5, 3.0)),
    obs_noise={"base_lin_vel": 0.1, "base_ang_vel": 0.2, "projected_gravity": 0.05, "joint_pos": 0.03,
               "joint_vel": 1.5},
    action_delay_steps=(0, 1),
)
"""go1-robust's randomization (documented, with the reasons, in the locomotion README)."""


@dataclass
class Go1RobustCfg(Go1Cfg):
    """Go1 on flat ground under domain randomization, pushes, sensor noise and action latency."""

    randomization: RandomizationCfg = field(default_factory=lambda: copy.deepcopy(GO1_RANDOMIZATION))
    """Friction 0.4-1.0, masses x0.9-1.1, trunk +-1 kg and +-5 cm CoM, kp/kd +-10 %, pushes, noise, delay."""


@dataclass
class Go1RobustPPO(Go1PPO):
    """The plain Go1 PPO: the same networks and batch, so the two policies compare directly."""
