"""Go1 model constants and scene loading (flat `go1.xml`, or a generated terrain scene)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import motrixsim as ms
import numpy as np

from .terrain import Terrain

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
DEFAULT_JOINT_POS = np.array([0.1, 0.9, -1.8, -0.1, 0.9, -1.8,
                              0.1, 0.9, -1.8, -0.1, 0.9, -1.8], dtype=np.float32)
SPAWN_HEIGHT = 0.295
JOINT_LOWER = np.array([-0.863, -0.686, -2.818] * 4, dtype=np.float32)
JOINT_UPPER = np.array([0.863, 4.501, -0.888] * 4, dtype=np.float32)
TORQUE_LIMITS = np.array([23.7, 23.7, 35.55] * 4, dtype=np.float32)
# Gains of the position servos in go1.xml (override per env with set_kp_override /
# set_damping_override on model.actuators).
KP, KD = 35.0, 1.0
TOTAL_MASS = 5.204 + 4 * (0.68 + 1.009 + 0.195862)  # 12.743 kg


def scene_xml(terrain: Terrain | None = None) -> str:
    """MJCF text of the Go1 scene: flat ground, or `terrain` added to it.

    The floor plane stays, moved to the terrain's lowest point, as ground beyond the
    terrain's edge (planes and height fields never collide with each other).
    """
    text = GO1_XML.read_text()
    if terrain is None:
        return text
    root = ET.fromstring(text)
    world = root.find("worldbody")
    floor = world.find("geom[@name='floor']")
    floor.set("pos", f"0 0 {terrain.min_height:.6f}")
    at = list(world).index(floor) + 1
    for k, geom in enumerate(terrain.geoms_xml()):
        world.insert(at + k, ET.fromstring(geom))
    if asset_text := terrain.asset_xml():
        asset = root.find("asset")
        if asset is None:
            asset = ET.Element("asset")
            root.insert(1, asset)
        asset.append(ET.fromstring(asset_text))
    return ET.tostring(root, encoding="unicode")


def load(terrain: Terrain | None = None, timestep: float | None = None) -> ms.SceneModel:
    """Load the Go1 scene; `timestep` overrides the 0.004 s of go1.xml."""
    model = ms.load_model(str(GO1_XML)) if terrain is None else ms.load_mjcf_str(scene_xml(terrain))
    if timestep is not None:
        model.options.timestep = timestep
    return model


def standing_dof_pos(model: ms.SceneModel, n: int, ground: np.ndarray | float = 0.0,
                     xy: np.ndarray | None = None) -> np.ndarray:
    """Full dof_pos (n, 19) for the standing pose: free joint [x y z qx qy qz qw] + 12 joints.

    `ground` is the terrain height under each robot, `xy` the spawn positions (n, 2).
    """
    dof = np.zeros((n, model.num_dof_pos), dtype=np.float32)
    if xy is not None:
        dof[:, :2] = xy
    dof[:, 2] = SPAWN_HEIGHT + np.asarray(ground, dtype=np.float32)
    dof[:, 6] = 1.0  # identity quaternion, scalar last
    dof[:, 7:] = DEFAULT_JOINT_POS
    return dof
