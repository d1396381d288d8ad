"""Panda model constants and scene assembly: ``panda.xml`` plus a task's own scene geoms."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import motrixsim as ms
import numpy as np

PANDA_XML = Path(__file__).with_name("panda.xml")

ARM_JOINTS = tuple(f"joint{i}" for i in range(1, 8))
FINGER_JOINTS = ("finger_left", "finger_right")
JOINT_NAMES = ARM_JOINTS + FINGER_JOINTS
ACTUATOR_NAMES = JOINT_NAMES
HAND_GEOMS = ("hand", "left_finger", "right_finger")
FINGER_GEOMS = ("left_finger", "right_finger")
TCP_SITE = "tcp"
FLANGE_SITE = "flange"

ARM_LOWER = np.array([-2.8973, -1.7628, -2.8973, -3.0718, -2.8973, -0.0175, -2.8973], np.float32)
ARM_UPPER = np.array([2.8973, 1.7628, 2.8973, -0.0698, 2.8973, 3.7525, 2.8973], np.float32)
VELOCITY_LIMITS = np.array([2.175] * 4 + [2.61] * 3, np.float32)
TORQUE_LIMITS = np.array([87.0] * 4 + [12.0] * 3, np.float32)
FINGER_STROKE = 0.04
"""Travel of each finger (m): 0 closed, 0.04 open (0.08 m between the pads)."""
GRASP_FORCE = 70.0
"""Continuous grasp force (N): the finger servos' force limit."""

# Published masses; link0 is welded to the world, so MotrixSim merges it into the world body.
LINK_MASSES = {"link0": 0.63, "link1": 4.97, "link2": 0.65, "link3": 3.23, "link4": 3.59,
               "link5": 1.23, "link6": 1.67, "link7": 0.74, "hand": 0.73,
               "left_finger": 0.015, "right_finger": 0.015}
MOVING_MASS = sum(m for name, m in LINK_MASSES.items() if name != "link0")

HOME = np.array([0.0, -np.pi / 4, 0.0, -3 * np.pi / 4, 0.0, np.pi / 2, np.pi / 4], np.float32)
"""The usual home pose: hand pointing straight down, ~0.49 m above the base, 0.31 m ahead."""


def scene_xml(extra_world: list[str], assets: list[str] | None = None) -> str:
    """MJCF text of the Panda with ``extra_world`` elements (XML strings) added to its world."""
    root = ET.fromstring(PANDA_XML.read_text())
    world = root.find("worldbody")
    for text in extra_world:
        world.append(ET.fromstring(text))
    if assets:
        asset = root.find("asset")
        if asset is None:
            asset = ET.Element("asset")
            root.insert(2, asset)
        for text in assets:
            asset.append(ET.fromstring(text))
    return ET.tostring(root, encoding="unicode")


def load(extra_world: list[str] | None = None) -> ms.SceneModel:
    """The Panda alone (``panda.xml``), or with a task's scene elements."""
    if not extra_world:
        return ms.load_model(str(PANDA_XML))
    return ms.load_mjcf_str(scene_xml(extra_world))


def finger_targets(gripper: np.ndarray) -> np.ndarray:
    """Both fingers' servo targets (n, 2) for gripper commands in [-1, 1] (-1 closed, 1 open)."""
    opening = (np.clip(gripper, -1.0, 1.0) + 1.0) * np.float32(FINGER_STROKE / 2)
    return np.repeat(opening[:, None], 2, axis=1).astype(np.float32)
