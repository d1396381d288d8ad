"""The Go2 as a ``Quadruped`` description (model: go2.xml, written from published facts).

Figures from shared/reference/robot-facts.md ("Unitree Go2"):

- masses: trunk 6.92 kg, per leg hip 0.678, thigh 1.152, calf 0.24; the foot ("+ foot" in the
  facts) is our 0.04 kg estimate folded into the calf, since foot links are massless here:
  15.36 kg in all (facts: ~15);
- abduction axes at (+-0.1934, +-0.0465); thigh joint 0.0955 outward of them; thigh 0.213;
  calf 0.213 to the foot centre; foot sphere r 0.02;
- ranges: abduction +-1.047; thigh -1.571 .. 3.491 front, -0.524 .. 4.538 rear (the
  descriptions that give the rear legs their own range); knee -2.723 .. -0.838;
- torque limits 23.7 (hip, thigh) and 45 (knee), Unitree's figures, as the servo force
  ranges (rather than the ~23.5 everywhere of some simulation models: the knee holds most of
  the load in the crouched stance, and the Go1 model also takes the maker's knee figure);
- standing pose abduction +0.1 on the left legs and -0.1 on the right (the facts' "left +":
  each foot leans 0.026 m outward of its straight-leg position), thigh 0.9, knee -1.8.
  (The Go1 model's standing pose has the opposite abduction sign, leaning its feet inward.)

Our choices: position servos kp 50 / kd 1 (peers: kp 20-80, kd 0.5-2); standing, the knees
sag 0.11 (front) / 0.15 (rear) rad and hold ~5.5 / ~7.8 N*m, far under 45, and the trunk
settles from 0.274 to ~0.248 (kp 35 let it sag to ~0.225 and pitch back). Armature 0.005 at
hip and thigh, 0.018 at the knee (go2.xml says why). Joint axes +x (abduction) and +y
(thigh, knee) on every leg.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..robot import Quadruped

GO2_XML = Path(__file__).with_name("go2.xml")

LEGS = ("FR", "FL", "RR", "RL")
JOINT_NAMES = tuple(f"{leg}_{part}_joint" for leg in LEGS for part in ("hip", "thigh", "calf"))
ACTUATOR_NAMES = tuple(f"{leg}_{part}" for leg in LEGS for part in ("hip", "thigh", "calf"))
FOOT_LINKS = tuple(f"{leg}_foot" for leg in LEGS)
CALF_LINKS = tuple(f"{leg}_calf" for leg in LEGS)
TRUNK = "trunk"
# Geoms whose ground contact means a fall: the trunk box, the head sphere, the hip capsules.
BODY_GEOMS = ("trunk", "head") + tuple(f"{leg}_hip" for leg in LEGS)
IMU_SITE = "imu"

# Leg geometry (m), as written in go2.xml; signs per leg: x + front, y + left.
HIP_X, HIP_Y = 0.1934, 0.0465
THIGH_Y = 0.0955  # thigh joint outward of the abduction axis
THIGH = CALF = 0.213
FOOT_RADIUS = 0.02

ABDUCTION_STAND, THIGH_STAND, KNEE_STAND = 0.1, 0.9, -1.8
STANDING_POSE = tuple(v for leg in LEGS
                      for v in ((ABDUCTION_STAND if leg[1] == "L" else -ABDUCTION_STAND), THIGH_STAND, KNEE_STAND))
# Forward kinematics of the standing pose: thigh and calf lean by 0.9 opposite ways, so the
# foot hangs 2 * 0.213 cos 0.9 straight below the thigh joint in the leg's plane; tilting that
# plane outward by 0.1 about the abduction axis lifts the thigh joint by 0.0955 sin 0.1 and
# shortens the drop by cos 0.1. Feet resting on the ground: centres one radius up.
SPAWN_HEIGHT = ((THIGH + CALF) * math.cos(THIGH_STAND) * math.cos(ABDUCTION_STAND)
                - THIGH_Y * math.sin(ABDUCTION_STAND) + FOOT_RADIUS)  # 0.273949

ABDUCTION = (-1.047, 1.047)
THIGH_FRONT, THIGH_REAR = (-1.571, 3.491), (-0.524, 4.538)
KNEE = (-2.723, -0.838)
_RANGES = tuple(r for leg in LEGS for r in (ABDUCTION, THIGH_FRONT if leg[0] == "F" else THIGH_REAR, KNEE))

GO2 = Quadruped(
    name="go2",
    model_file=GO2_XML,
    joint_names=JOINT_NAMES,
    actuator_names=ACTUATOR_NAMES,
    trunk=TRUNK,
    foot_links=FOOT_LINKS,
    hip_indices=(0, 3, 6, 9),
    standing_pose=STANDING_POSE,
    joint_lower=tuple(lo for lo, _ in _RANGES),
    joint_upper=tuple(hi for _, hi in _RANGES),
    torque_limits=(23.7, 23.7, 45.0) * 4,
    kp=50.0,
    kd=1.0,
    spawn_height=SPAWN_HEIGHT,
    # spawned at 0.274, the trunk dips to ~0.234 and settles at ~0.248 under PD on flat ground
    standing_height=(0.22, 0.29),
    # the trunk centre and corners around the standing feet (x +-0.19, y +-0.17)
    footprint=((0.0, 0.0), (0.2, 0.17), (0.2, -0.17), (-0.2, 0.17), (-0.2, -0.17)),
    total_mass=6.92 + 4 * (0.678 + 1.152 + 0.24 + 0.04),  # 15.36 kg
)
"""The Go2 (model go2.xml; figures in this module's docstring)."""
