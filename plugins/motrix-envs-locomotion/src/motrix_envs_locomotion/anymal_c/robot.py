"""The ANYmal C as a ``Quadruped`` description (model: anymal_c.xml, written from published facts).

Figures from shared/reference/robot-facts.md ("ANYbotics ANYmal C"):

- masses: trunk 19.2 kg, per leg hip 2.78, thigh 3.07, shank 0.59; the foot ("+ foot" in the
  facts) is our 0.1 kg estimate folded into the shank, since foot links are massless here:
  45.36 kg in all (facts: 45-50);
- HAA axes at (+-0.2999, +-0.104); thigh 0.285; shank 0.32 to the foot centre with 0.09
  lateral offset; foot sphere r 0.03. The HFE axis 0.06 outward in x and 0.08 in y of the HAA
  axis is our choice (the facts give no figure);
- HAA range -0.72 .. 0.49 on the left, mirrored on the right; HFE/KFE +-pi (ours: finite, so
  target clipping means something, yet every configuration is reachable, as with the public
  model's +-9.4);
- 80 N*m effort limit as the servo force range; standing pose HAA 0, HFE +0.4 front / -0.4
  hind, KFE -0.8 front / +0.8 hind (the "X" stance: front knees point back, hind knees
  forward).

Our choices: ideal PD servos kp 150 / kd 4 (between the actuator-net peers' 40/5 and the
public MJCF's 200/1): at 50 Hz control they hold the standing pose with ~0.06 rad knee sag
and ~9 N*m at the knees, far under 80; armature 0.025 (an estimate for a geared drive).
Joint axes are +x (HAA) and +y (HFE, KFE) on every leg.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..robot import Quadruped

ANYMAL_C_XML = Path(__file__).with_name("anymal_c.xml")

LEGS = ("LF", "RF", "LH", "RH")
JOINT_NAMES = tuple(f"{leg}_{joint}" for leg in LEGS for joint in ("HAA", "HFE", "KFE"))
ACTUATOR_NAMES = JOINT_NAMES
FOOT_LINKS = tuple(f"{leg}_foot" for leg in LEGS)
SHANK_LINKS = tuple(f"{leg}_shank" for leg in LEGS)
TRUNK = "trunk"
# Geoms whose ground contact means a fall: the trunk box, its front/rear shells, the hips.
BODY_GEOMS = ("trunk", "trunk_front", "trunk_rear") + tuple(f"{leg}_hip" for leg in LEGS)
IMU_SITE = "imu"

# Leg geometry (m), as written in anymal_c.xml; signs per leg: x + front, y + left.
HAA_X, HAA_Y = 0.2999, 0.104
HFE_X, HFE_Y = 0.06, 0.08  # HFE axis relative to the HAA axis (our choice)
THIGH = 0.285
SHANK, SHANK_Y = 0.32, 0.09
FOOT_RADIUS = 0.03

HFE_STAND, KFE_STAND = 0.4, 0.8
STANDING_POSE = (0.0, HFE_STAND, -KFE_STAND) * 2 + (0.0, -HFE_STAND, KFE_STAND) * 2
# Forward kinematics of the standing pose: the thigh leans by 0.4 and the shank by 0.4 - 0.8
# the other way, so both drop by cos(0.4); HAA and HFE axes lie in the trunk's z = 0 plane.
SPAWN_HEIGHT = (THIGH + SHANK) * math.cos(HFE_STAND) + FOOT_RADIUS  # 0.587242

HAA_LEFT, HAA_RIGHT = (-0.72, 0.49), (-0.49, 0.72)
LOWER = tuple(v for leg in LEGS for v in ((HAA_LEFT if leg[0] == "L" else HAA_RIGHT)[0], -math.pi, -math.pi))
UPPER = tuple(v for leg in LEGS for v in ((HAA_LEFT if leg[0] == "L" else HAA_RIGHT)[1], math.pi, math.pi))

ANYMAL_C = Quadruped(
    name="anymal_c",
    model_file=ANYMAL_C_XML,
    joint_names=JOINT_NAMES,
    actuator_names=ACTUATOR_NAMES,
    trunk=TRUNK,
    foot_links=FOOT_LINKS,
    hip_indices=(0, 3, 6, 9),
    standing_pose=STANDING_POSE,
    joint_lower=LOWER,
    joint_upper=UPPER,
    torque_limits=(80.0,) * 12,
    kp=150.0,
    kd=4.0,
    spawn_height=SPAWN_HEIGHT,
    # spawned at 0.587, the trunk settles to ~0.579 under PD on flat ground
    standing_height=(0.54, 0.61),
    # trunk corners (the trunk with its shells spans x +-0.45) and the feet (x +-0.37, y +-0.27)
    footprint=((0.0, 0.0), (0.45, 0.28), (0.45, -0.28), (-0.45, 0.28), (-0.45, -0.28)),
    total_mass=19.2 + 4 * (2.78 + 3.07 + 0.59 + 0.1),  # 45.36 kg
)
"""The ANYmal C (model anymal_c.xml; figures in this module's docstring)."""
