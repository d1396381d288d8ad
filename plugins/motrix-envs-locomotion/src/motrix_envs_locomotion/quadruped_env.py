"""What every quadruped env does alike: load the robot (on its terrain), drive its servos,
read its body and foot contacts, spawn it standing. Tasks subclass ``QuadrupedEnv``
(velocity/env.py, navigation/env.py) and add their command, reward and observation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import gymnasium as gym
import motrixsim
import numpy as np

from motrix.env import NpEnv, NpEnvState
from motrix.env.layout import ObsSlice
from motrix.env.mirror import MirrorMaps

from . import rewards as R
from . import terrain as T
from .cfg import QuadrupedCfg
from .kinematics import yaw_quat
from .mirror import quadruped_mirror_maps
from .proprioception import Body, BodyReader
from .robot import Quadruped


@dataclass
class FeetStep:
    """The feet's swing timers around one control step (each (n, 4))."""

    air_time: np.ndarray
    """Time since each foot left the ground, counting this step (s)."""
    first_contact: np.ndarray
    """The foot touched down in this step."""
    next_air_time: np.ndarray
    """The timers to keep for the next step (0 for feet on the ground)."""


class QuadrupedEnv(NpEnv):
    """A ``robot`` on the ground ``self.terrain`` (None: flat), with ``obs_dim`` observations."""

    robot: ClassVar[Quadruped]
    """The quadruped (set by each robot's subclass)."""
    cfg: QuadrupedCfg

    def __init__(self, cfg: QuadrupedCfg, num_envs: int, obs_dim: int, terrain: T.Terrain | None = None) -> None:
        self.terrain = terrain
        super().__init__(cfg, num_envs)
        robot = self.robot
        self.model.reports.contact_forces = True
        nj = robot.num_joints
        self._observation_space = gym.spaces.Box(-np.inf, np.inf, (obs_dim,), dtype=np.float32)
        self._action_space = gym.spaces.Box(-1.0, 1.0, (nj,), dtype=np.float32)
        self._reader = BodyReader(self.model, self.data)
        self._contact_links = [self.model.get_link_index(n) for n in (robot.trunk, *robot.foot_links)]
        self._forces = np.zeros((num_envs, len(self._contact_links), 6), dtype=np.float32)
        self._actions = np.zeros((num_envs, nj), dtype=np.float32)
        self._hips = np.array(robot.hip_indices)
        self._footprint = np.array(robot.footprint, dtype=np.float32)

    def build_model(self) -> motrixsim.SceneModel:
        return self.robot.load(self.terrain)

    @property
    def observation_space(self) -> gym.spaces.Box:
        return self._observation_space

    @property
    def action_space(self) -> gym.spaces.Box:
        return self._action_space

    # -- control ---------------------------------------------------------------------
    def joint_targets(self, actions: np.ndarray) -> np.ndarray:
        """Servo targets for actions in [-1, 1], inside the joint ranges."""
        targets = self.robot.default_joint_pos + np.float32(self.cfg.action_scale) * actions
        return np.clip(targets, self.robot.lower, self.robot.upper)

    def apply_action(self, actions: np.ndarray, state: NpEnvState) -> NpEnvState:
        self._actions = actions
        state.data.actuator_ctrls = np.ascontiguousarray(self.joint_targets(actions))
        return state

    def action_meaning(self) -> dict[str, Any]:
        cfg, robot = self.cfg, self.robot
        return {
            "size": robot.num_joints,
            "kind": "joint position targets for PD servos",
            "joint_order": list(robot.joint_names),
            "target": "standing_pose + action_scale * clip(action, -1, 1)",
            "standing_pose": robot.default_joint_pos.astype(float).tolist(),
            "action_scale": float(cfg.action_scale),
            "servo_kp": float(cfg.kp),
            "servo_kd": float(cfg.kd),
            "torque_limits": robot.torques.astype(float).tolist(),
            "low": -1.0, "high": 1.0,
        }

    # -- reading the physics -----------------------------------------------------------
    def read_body(self, data: motrixsim.SceneData) -> Body:
        return self._reader.read(data)

    def servo_torques(self, actions: np.ndarray, body: Body) -> np.ndarray:
        """The torques the servos apply (n, 12), as the model computes them, within the motor limits."""
        cfg, limits = self.cfg, self.robot.torques
        return np.clip(cfg.kp * (self.joint_targets(actions) - body.joint_pos) - cfg.kd * body.joint_vel,
                       -limits, limits)

    def contacts(self, data: motrixsim.SceneData) -> tuple[np.ndarray, np.ndarray]:
        """(trunk touches the ground (n,), contact force on each foot (n, 4, 3))."""
        forces = self.model.get_link_net_contact_forces(data, self._contact_links, out=self._forces)
        return np.linalg.norm(forces[:, 0, :3], axis=1) > 1.0, forces[:, 1:, :3]

    def weigh(self, raw: dict[str, np.ndarray], weights: dict[str, float]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """(each term times its weight, their sum, clipped at zero when ``only_positive_rewards``)."""
        terms = {name: (value * weights[name]).astype(np.float32) for name, value in raw.items()}
        reward = np.sum(list(terms.values()), axis=0)
        if self.cfg.only_positive_rewards:
            reward = np.maximum(reward, 0.0)
        return terms, reward

    def reward_weights(self, names: tuple[str, ...]) -> dict[str, float]:
        """The config's ``w_<name>`` per term, per control step (the weights are per second)."""
        return {name: getattr(self.cfg, f"w_{name}") * self.cfg.ctrl_dt for name in names}

    @staticmethod
    def memory(body: Body, actions: np.ndarray, feet: FeetStep) -> dict[str, np.ndarray]:
        """What the shared terms need of this step at the next one (``info`` keys)."""
        return {"last_action": actions.copy(), "last_joint_vel": body.joint_vel.copy(),
                "feet_air_time": feet.next_air_time}

    def fresh_memory(self, n: int) -> dict[str, np.ndarray]:
        """``memory`` of ``n`` robots just reset: no previous action, still joints, feet down."""
        joint_zero = np.zeros((n, self.robot.num_joints), dtype=np.float32)
        return {"last_action": joint_zero, "last_joint_vel": joint_zero.copy(),
                "feet_air_time": np.zeros((n, 4), dtype=np.float32)}

    def effort_terms(self, body: Body, actions: np.ndarray, info: dict[str, Any]) -> dict[str, np.ndarray]:
        """Unweighted penalty terms every task shares: bouncing, wobbling, torque, jerk, chatter."""
        return {
            "lin_vel_z": R.lin_vel_z(body.lin_vel),
            "ang_vel_xy": R.ang_vel_xy(body.ang_vel),
            "torques": R.torques(self.servo_torques(actions, body)),
            "dof_acc": R.dof_acc(body.joint_vel, info["last_joint_vel"], self.cfg.ctrl_dt),
            "action_rate": R.action_rate(actions, info["last_action"]),
        }

    def gait_terms(self, body: Body, feet: FeetStep, command: np.ndarray) -> dict[str, np.ndarray]:
        """Unweighted gait terms: long steps while told to move, hips near the standing pose."""
        hips = self._hips
        return {
            "feet_air_time": R.feet_air_time(feet.air_time, feet.first_contact, command, self.cfg.feet_air_time_target),
            "hip_deviation": R.hip_deviation(body.joint_pos[:, hips], self.robot.default_joint_pos[hips]),
        }

    def step_feet(self, feet_air_time: np.ndarray, foot_force: np.ndarray) -> FeetStep:
        """Advance each foot's swing timer (n, 4) by one control step, given the foot forces."""
        contact = np.linalg.norm(foot_force, axis=2) > 1.0
        air_time = feet_air_time + np.float32(self.cfg.ctrl_dt)
        return FeetStep(air_time=air_time, first_contact=(feet_air_time > 0) & contact,
                        next_air_time=np.where(contact, 0.0, air_time).astype(np.float32))

    def fallen(self, body: Body, trunk_contact: np.ndarray) -> np.ndarray:
        """The episode-ending fall: the trunk on the ground or tilted past ``fall_upright_threshold``."""
        return trunk_contact | (body.upright < self.cfg.fall_upright_threshold)

    def ground(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Terrain height under points (x, y)."""
        if self.terrain is None:
            return np.zeros_like(x)
        return self.terrain.height_at(x, y).astype(np.float32)

    # -- what the critic knows and the policy does not ----------------------------------------
    #: Offsets (m, trunk yaw frame) of the ground heights the critic sees on uneven terrain.
    HEIGHT_GRID = tuple((dx, dy) for dx in (-0.3, 0.0, 0.3) for dy in (-0.3, 0.0, 0.3))

    def privileged_layout(self) -> tuple[ObsSlice, ...]:
        pieces = [
            ObsSlice("true_base_lin_vel", 3, "trunk linear velocity in the body frame without sensor noise, m/s"),
            ObsSlice("base_height", 1, "trunk height above the ground under it, m"),
            ObsSlice("foot_contact_force", 4, "norm of each foot's contact force, N, in the order of foot_links"),
            ObsSlice("feet_air_time", 4, "time since each foot left the ground, s (0 on the ground)"),
        ]
        if self.terrain is not None:
            pieces.append(ObsSlice("terrain_heights", len(self.HEIGHT_GRID),
                                   "ground height minus trunk height at a 3x3 grid 0.3 m apart around the "
                                   "trunk, in its yaw frame (x forward, then y left), m"))
        return tuple(pieces)

    def privileged_observation(self, state: NpEnvState) -> np.ndarray:
        body = self.read_body(state.data)
        # the forces ``contacts`` read in this step's update_state (a reset robot's are its last step's)
        foot_force = np.linalg.norm(self._forces[:, 1:, :3], axis=2)
        ground = self.ground(body.pos[:, 0], body.pos[:, 1])
        parts = [body.lin_vel, (body.pos[:, 2] - ground)[:, None], foot_force, state.info["feet_air_time"]]
        if self.terrain is not None:
            x, y, z, w = body.quat.T
            yaw = np.arctan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
            c, s = np.cos(yaw), np.sin(yaw)
            parts.append(np.stack([self.ground(body.pos[:, 0] + c * dx - s * dy, body.pos[:, 1] + s * dx + c * dy)
                                   - body.pos[:, 2] for dx, dy in self.HEIGHT_GRID], axis=1))
        return np.concatenate(parts, axis=1, dtype=np.float32)

    def mirror_maps(self) -> MirrorMaps | None:
        if self.randomizer is None and self.cfg.randomization.enabled:
            self.critic_observation_layout()  # builds the randomizer, whose draws the critic sees
        return quadruped_mirror_maps(self)

    # -- episodes ----------------------------------------------------------------------
    def spawn_dof_pos(self, xy: np.ndarray, yaw: np.ndarray) -> np.ndarray:
        """dof_pos (n, 19) of robots standing at ``xy`` (n, 2) facing ``yaw`` (n,) on the ground
        under their footprint, joints jittered by ``reset_joint_noise``."""
        n, robot, noise = len(xy), self.robot, self.cfg.reset_joint_noise
        c, s = np.cos(yaw), np.sin(yaw)  # footprint points are in the trunk frame
        ground = np.max([self.ground(xy[:, 0] + c * dx - s * dy, xy[:, 1] + s * dx + c * dy)
                         for dx, dy in self._footprint], axis=0)
        dof_pos = robot.standing_dof_pos(self.model, n, ground=ground, xy=xy)
        dof_pos[:, 3:7] = yaw_quat(yaw)
        dof_pos[:, 7:] += self.np_random.uniform(-noise, noise, size=(n, robot.num_joints))
        return dof_pos
