"""The Go1 as a ``Quadruped`` description, and its constants under their old names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pathlib import Path

import numpy as np

if TYPE_CHECKING:
    import motrixsim as ms

from ..robot import Quadruped
from ..terrain import Terrain

GO1_XML = Path(__file__).with_name("go1.xml")

LEGS = ("FR", "FL", "RR", "RL")
JOINT_NAMES = tuple(f"{leg}_{part}_joint" for leg in LEGS for part in ("hip", "thigh", "calf"))
ACTUATOR_NAMES = tuple(f"{leg}_{part}" for leg in LEGS for part in ("hip", "thigh", "calf"))
# Each foot is a massless link welded to its calf, holding a sphere geom (r 0.023,
# priority 1) and a site at its centre, all named "<leg>_foot" (separate namespaces).
FOOT_LINKS = tuple(f"{leg}_foot" for leg in LEGS)
FOOT_GEOMS = FOOT_LINKS
FOOT_SITES = FOOT_LINKS
CALF_LINKS = tuple(f"{leg}_calf" for leg in LEGS)
# Geoms whose ground contact means a fall (trunk box, head sphere, hip capsules).
BODY_GEOMS = ("trunk", "head") + tuple(f"{leg}_hip" for leg in LEGS)
TRUNK = "trunk"
IMU_SITE = "imu"
SENSORS = ("imu_gyro", "imu_linvel", "imu_acc", "trunk_quat", "imu_upvector")

# Standing pose: hip +0.1 right / -0.1 left (positive hip = foot towards +y), thigh 0.9,
# calf -1.8. Trunk z 0.295 puts the feet on the ground; under PD it settles to ~0.27.
KP, KD = 35.0, 1.0
GO1 = Quadruped(
    name="go1",
    model_file=GO1_XML,
    joint_names=JOINT_NAMES,
    actuator_names=ACTUATOR_NAMES,
    trunk=TRUNK,
    foot_links=FOOT_LINKS,
    hip_indices=(0, 3, 6, 9),
    standing_pose=(0.1, 0.9, -1.8, -0.1, 0.9, -1.8, 0.1, 0.9, -1.8, -0.1, 0.9, -1.8),
    joint_lower=(-0.863, -0.686, -2.818) * 4,
    joint_upper=(0.863, 4.501, -0.888) * 4,
    torque_limits=(23.7, 23.7, 35.55) * 4,
    kp=KP,
    kd=KD,
    spawn_height=0.295,
    standing_height=(0.24, 0.32),
    footprint=((0.0, 0.0), (0.2, 0.15), (0.2, -0.15), (-0.2, 0.15), (-0.2, -0.15)),
    total_mass=5.204 + 4 * (0.68 + 1.009 + 0.195862),  # 12.743 kg
)
"""The Go1 (model and facts: go1.xml, ../shared go1-facts)."""

DEFAULT_JOINT_POS = GO1.default_joint_pos
SPAWN_HEIGHT = GO1.spawn_height
JOINT_LOWER, JOINT_UPPER, TORQUE_LIMITS = GO1.lower, GO1.upper, GO1.torques
TOTAL_MASS = GO1.total_mass


def scene_xml(terrain: Terrain | None = None) -> str:
    """MJCF text of the Go1 scene: flat ground, or `terrain` added to it."""
    return GO1.scene_xml(terrain)


def load(terrain: Terrain | None = None, timestep: float | None = None) -> ms.SceneModel:
    """Load the Go1 scene; `timestep` overrides the 0.004 s of go1.xml."""
    return GO1.load(terrain, timestep)


def standing_dof_pos(model: ms.SceneModel, n: int, ground: np.ndarray | float = 0.0,
                     xy: np.ndarray | None = None) -> np.ndarray:
    """Full dof_pos (n, 19) for the standing pose (see ``Quadruped.standing_dof_pos``)."""
    return GO1.standing_dof_pos(model, n, ground, xy)
