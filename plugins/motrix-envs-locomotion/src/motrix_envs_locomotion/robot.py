"""A quadruped as data: what the shared locomotion envs need to know about a robot.

A new quadruped is an MJCF file plus one ``Quadruped`` value (see go1/model.py, go2/robot.py,
anymal_c/robot.py). The model file must follow four conventions, checked by each robot's
model test:

- a free joint first, then the 12 leg joints in the order of ``joint_names``, each driven by
  a position servo (``<position>``) of the same order, whose ``forcerange`` is the motor's
  torque limit and whose ``kp``/``kv`` equal ``kp``/``kd`` below;
- each foot a massless link welded to its shank holding one sphere geom (contact
  ``priority="1"``, so its friction alone is the foot-ground friction), all three named
  by ``foot_links``;
- every robot geom ``contype=0 conaffinity=1`` and the ground ``contype=1 conaffinity=0``:
  the robot touches the ground, never itself;
- the ground plane named ``floor`` (terrain generators move it and add theirs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

if TYPE_CHECKING:
    import motrixsim as ms

from .terrain import Terrain


@dataclass(frozen=True)
class Quadruped:
    """The physical facts and names of one quadruped model (all joint tuples in ``joint_names`` order)."""

    name: str
    """Short name used in messages ("go1")."""
    model_file: Path
    """The robot on flat ground (MJCF, conventions in this module's docstring)."""
    joint_names: tuple[str, ...]
    """The 12 leg joints, in action and observation order."""
    actuator_names: tuple[str, ...]
    """The 12 position servos, same order."""
    trunk: str
    """The trunk link: its ground contact ends an episode."""
    foot_links: tuple[str, ...]
    """The 4 foot links (each also names its sphere geom and a site at its centre)."""
    hip_indices: tuple[int, ...]
    """Positions of the abduction joints in ``joint_names`` (hip-splay penalty)."""
    standing_pose: tuple[float, ...]
    """Joint angles of the standing pose (rad): action 0 holds it."""
    joint_lower: tuple[float, ...]
    """Lower joint limits (rad); servo targets are clipped to them."""
    joint_upper: tuple[float, ...]
    """Upper joint limits (rad)."""
    torque_limits: tuple[float, ...]
    """Motor torque limits (N·m), the servos' force ranges."""
    kp: float
    """Stiffness of the position servos in the model file (N·m/rad)."""
    kd: float
    """Damping of the position servos in the model file (N·m·s/rad)."""
    spawn_height: float
    """Trunk height (m) at which the standing pose puts the feet on the ground."""
    standing_height: tuple[float, float]
    """Range of trunk heights (m) the servos settle to holding the standing pose."""
    footprint: tuple[tuple[float, float], ...]
    """Points (m, trunk frame) whose highest ground sets the spawn height on uneven terrain."""
    total_mass: float
    """Sum of the link masses in the model (kg), from the published facts."""

    @cached_property
    def default_joint_pos(self) -> np.ndarray:
        """``standing_pose`` as a float32 array (12,)."""
        return np.array(self.standing_pose, dtype=np.float32)

    @cached_property
    def lower(self) -> np.ndarray:
        return np.array(self.joint_lower, dtype=np.float32)

    @cached_property
    def upper(self) -> np.ndarray:
        return np.array(self.joint_upper, dtype=np.float32)

    @cached_property
    def torques(self) -> np.ndarray:
        return np.array(self.torque_limits, dtype=np.float32)

    @property
    def num_joints(self) -> int:
        return len(self.joint_names)

    def scene_xml(self, terrain: Terrain | None = None) -> str:
        """MJCF text of the robot on flat ground, or with `terrain` added.

        The floor plane stays, moved to the terrain's lowest point, as ground beyond the
        terrain's edge (planes and height fields never collide with each other).
        """
        text = self.model_file.read_text()
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

    def load(self, terrain: Terrain | None = None, timestep: float | None = None) -> ms.SceneModel:
        """Load the scene; `timestep` overrides the model file's."""
        import motrixsim as ms  # here, not at import: configs import descriptions without the simulator

        if terrain is None:
            model = ms.load_model(str(self.model_file))
        else:
            model = ms.load_mjcf_str(self.scene_xml(terrain))
        if timestep is not None:
            model.options.timestep = timestep
        return model

    def standing_dof_pos(self, model: ms.SceneModel, n: int, ground: np.ndarray | float = 0.0,
                         xy: np.ndarray | None = None) -> np.ndarray:
        """Full dof_pos (n, 19) of the standing pose: free joint [x y z qx qy qz qw] + 12 joints.

        `ground` is the terrain height under each robot, `xy` the spawn positions (n, 2).
        """
        dof = np.zeros((n, model.num_dof_pos), dtype=np.float32)
        if xy is not None:
            dof[:, :2] = xy
        dof[:, 2] = self.spawn_height + np.asarray(ground, dtype=np.float32)
        dof[:, 6] = 1.0  # identity quaternion, scalar last
        dof[:, 7:] = self.default_joint_pos
        return dof
