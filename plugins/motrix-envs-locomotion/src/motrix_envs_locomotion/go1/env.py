"""Go1 velocity tracking on MotrixSim: flat, rough and stairs (see ``Go1Cfg``).

Observation (48): base linear velocity and angular velocity in the body frame, projected
gravity, command (vx, vy, yaw rate), joint angles relative to the standing pose, joint
velocities, previous action. Action (12): joint targets around the standing pose, held by
the model's position servos (kp/kd, torque limits of the real motors) for ``ctrl_dt``.

Per-env memory between steps (command, previous action, joint velocity, feet air time,
command timer) lives in ``state.info``: ``reset`` returns fresh values for the envs it
resets and the base merges them in.

On `go1-rough` / `go1-stairs` (a ``Go1TerrainCfg``) the ground is a grid of difficulty
levels and ``self.curriculum`` keeps each env's level across episodes: ``reset`` spawns
each robot on its level, moved up or down by how its last episode went (curriculum.py).
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import motrixsim
import numpy as np
from motrixsim import query

from motrix.env import NpEnv, NpEnvState
from motrix.env.layout import ObsSlice

from . import levels as L
from . import model as G
from . import rewards as R
from . import terrain as T
from .cfg import Go1Cfg, Go1TerrainCfg
from .curriculum import Curriculum, Rules

OBS_DIM = 48
_DOWN = np.array([0.0, 0.0, -1.0], dtype=np.float32)
_HIPS = np.array([0, 3, 6, 9])
# Points around the trunk (m) whose highest ground sets the spawn height on uneven terrain.
_FOOTPRINT = np.array([[0.0, 0.0], [0.2, 0.15], [0.2, -0.15], [-0.2, 0.15], [-0.2, -0.15]])


def quat_rotate_inverse(quat_xyzw: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Express world vectors ``v`` ((n, 3) or (3,)) in the frames of quaternions (n, 4), xyzw."""
    q_vec, w = quat_xyzw[:, :3], quat_xyzw[:, 3:4]
    v = np.broadcast_to(v, q_vec.shape)
    return (v * (2.0 * w * w - 1.0) - np.cross(q_vec, v) * (2.0 * w)
            + q_vec * (2.0 * np.sum(q_vec * v, axis=1, keepdims=True)))


def make_terrain(cfg: Go1Cfg) -> T.Terrain | None:
    if isinstance(cfg, Go1TerrainCfg) and cfg.terrain != "flat":  # a grid of levels
        grid = L.Grid(cfg.terrain_levels, cfg.terrain_columns, cfg.terrain_tile_size)
        difficulty = L.linear_levels(cfg.level_range, cfg.terrain_levels)
        if cfg.terrain == "rough":
            return L.rough_levels(grid, difficulty, cfg.terrain_seed)
        return L.stairs_levels(grid, difficulty)
    if cfg.terrain == "rough":
        return T.rough(cfg.terrain_seed)
    if cfg.terrain == "stairs":
        return T.stairs()
    return None


class Go1Env(NpEnv):
    """Track a commanded base velocity with the Unitree Go1."""

    cfg: Go1Cfg

    def __init__(self, cfg: Go1Cfg, num_envs: int = 1) -> None:
        self.terrain = make_terrain(cfg)
        super().__init__(cfg, num_envs)
        self.grid: L.Grid | None = None
        """Where the terrain levels lie (None: one terrain, no levels)."""
        self.curriculum: Curriculum | None = None
        """Each env's terrain level and the bookkeeping that moves it (with `grid`)."""
        if isinstance(cfg, Go1TerrainCfg) and self.terrain is not None:
            self.grid = L.Grid(cfg.terrain_levels, cfg.terrain_columns, cfg.terrain_tile_size)
            rules = Rules(cfg.terrain_levels, cfg.curriculum_promote_distance, cfg.curriculum_demote_fraction)
            self.curriculum = Curriculum(self.num_envs, rules, cfg.curriculum_start_levels,
                                         adaptive=cfg.curriculum, fixed_level=cfg.terrain_level)
        self.model.reports.contact_forces = True
        self._observation_space = gym.spaces.Box(-np.inf, np.inf, (OBS_DIM,), dtype=np.float32)
        self._action_space = gym.spaces.Box(-1.0, 1.0, (12,), dtype=np.float32)
        # One native call gives [dof_pos (19) | dof_vel (18)].
        plan = self.model.compile_query({"dof_pos": query.DofPosition(), "dof_vel": query.DofVelocity()})
        self._query = plan.allocate(self.data)
        self._contact_links = [self.model.get_link_index(n) for n in (G.TRUNK, *G.FOOT_LINKS)]
        self._forces = np.zeros((num_envs, len(self._contact_links), 6), dtype=np.float32)
        self._actions = np.zeros((num_envs, 12), dtype=np.float32)
        self._resample_steps = max(1, round(cfg.command_resample_seconds / cfg.ctrl_dt))
        dt = cfg.ctrl_dt
        self._weights = {name: getattr(cfg, f"w_{name}") * dt for name in (
            "tracking_lin_vel", "tracking_ang_vel", "lin_vel_z", "ang_vel_xy", "torques",
            "dof_acc", "action_rate", "feet_air_time", "hip_deviation", "stumble")}

    def build_model(self) -> motrixsim.SceneModel:
        return G.load(self.terrain)

    @property
    def observation_space(self) -> gym.spaces.Box:
        return self._observation_space

    @property
    def action_space(self) -> gym.spaces.Box:
        return self._action_space

    # -- control ---------------------------------------------------------------------
    def joint_targets(self, actions: np.ndarray) -> np.ndarray:
        """Servo targets for actions in [-1, 1], inside the joint ranges."""
        targets = G.DEFAULT_JOINT_POS + np.float32(self.cfg.action_scale) * actions
        return np.clip(targets, G.JOINT_LOWER, G.JOINT_UPPER)

    def apply_action(self, actions: np.ndarray, state: NpEnvState) -> NpEnvState:
        self._actions = actions
        state.data.actuator_ctrls = np.ascontiguousarray(self.joint_targets(actions))
        return state

    # -- after physics ---------------------------------------------------------------
    def update_state(self, state: NpEnvState) -> NpEnvState:
        cfg, info, actions = self.cfg, state.info, self._actions
        buf = self._query.execute(state.data).buffer
        pos, vel = buf[:, :19], buf[:, 19:]
        quat, joint_pos, joint_vel = pos[:, 3:7], pos[:, 7:], vel[:, 6:]
        lin_vel = quat_rotate_inverse(quat, vel[:, 0:3])
        ang_vel = vel[:, 3:6]  # the free joint's angular velocity is already in the body frame
        gravity = quat_rotate_inverse(quat, _DOWN)

        forces = self.model.get_link_net_contact_forces(state.data, self._contact_links, out=self._forces)
        trunk_contact = np.linalg.norm(forces[:, 0, :3], axis=1) > 1.0
        foot_force = forces[:, 1:, :3]
        foot_contact = np.linalg.norm(foot_force, axis=2) > 1.0

        command = info["command"]
        if self.curriculum is not None:
            self.curriculum.track(command, cfg.ctrl_dt)
        air_time = info["feet_air_time"] + np.float32(cfg.ctrl_dt)
        first_contact = (info["feet_air_time"] > 0) & foot_contact
        torque = np.clip(cfg.kp * (self.joint_targets(actions) - joint_pos) - cfg.kd * joint_vel,
                         -G.TORQUE_LIMITS, G.TORQUE_LIMITS)
        raw = {
            "tracking_lin_vel": R.tracking_lin_vel(command, lin_vel, cfg.tracking_sigma),
            "tracking_ang_vel": R.tracking_ang_vel(command, ang_vel, cfg.tracking_sigma),
            "lin_vel_z": R.lin_vel_z(lin_vel),
            "ang_vel_xy": R.ang_vel_xy(ang_vel),
            "torques": R.torques(torque),
            "dof_acc": R.dof_acc(joint_vel, info["last_joint_vel"], cfg.ctrl_dt),
            "action_rate": R.action_rate(actions, info["last_action"]),
            "feet_air_time": R.feet_air_time(air_time, first_contact, command, cfg.feet_air_time_target),
            "hip_deviation": R.hip_deviation(joint_pos[:, _HIPS], G.DEFAULT_JOINT_POS[_HIPS]),
        }
        if self._weights["stumble"]:
            raw["stumble"] = R.stumble(foot_force)
        terms = {name: (value * self._weights[name]).astype(np.float32) for name, value in raw.items()}
        reward = np.sum(list(terms.values()), axis=0)
        if cfg.only_positive_rewards:
            reward = np.maximum(reward, 0.0)

        # Resample the command of envs whose timer ran out (mid-episode changes of pace).
        timer = info["command_timer"] + 1
        due = timer >= self._resample_steps
        if due.any():
            command = command.copy()
            command[due] = self.sample_commands(int(due.sum()))
            timer[due] = 0

        upright = -gravity[:, 2]
        state.terminated = trunk_contact | (upright < cfg.fall_upright_threshold)
        if self.curriculum is not None:
            self.curriculum.fell[:] = state.terminated
        state.obs = self.observation(lin_vel, ang_vel, gravity, command, joint_pos, joint_vel, actions)
        state.reward = reward
        info.update(
            command=command, command_timer=timer, last_action=actions.copy(),
            last_joint_vel=joint_vel.copy(), feet_air_time=np.where(foot_contact, 0.0, air_time).astype(np.float32),
        )
        info["Reward"] = terms
        info["metrics"] = {
            "forward_velocity_error": np.abs(command[:, 0] - lin_vel[:, 0]),
            "planar_velocity_error": np.linalg.norm(command[:, :2] - lin_vel[:, :2], axis=1),
            "yaw_rate_error": np.abs(command[:, 2] - ang_vel[:, 2]),
            "base_height": pos[:, 2] - self._ground(pos[:, 0], pos[:, 1]),
        }
        if self.curriculum is not None:  # its mean over envs is the curriculum's progress curve
            info["metrics"]["terrain_level"] = self.curriculum.level.astype(np.float32)
        return state

    def observation_layout(self) -> tuple[ObsSlice, ...]:
        joints = ", ".join(G.JOINT_NAMES)
        return (
            ObsSlice("base_lin_vel", 3, "trunk linear velocity in the body frame, m/s (x forward, y left, z up)"),
            ObsSlice("base_ang_vel", 3, "trunk angular velocity in the body frame, rad/s (roll, pitch, yaw)"),
            ObsSlice("projected_gravity", 3, "unit gravity direction in the body frame ((0, 0, -1) standing level)"),
            ObsSlice("command", 3, "commanded vx, vy (m/s, body frame) and yaw rate (rad/s)"),
            ObsSlice("joint_pos", 12, f"joint angles minus the standing pose, rad, in the order {joints}"),
            ObsSlice("joint_vel", 12, "joint velocities, rad/s, same order"),
            ObsSlice("last_action", 12, "the previous action, same order"),
        )

    def action_meaning(self) -> dict[str, Any]:
        cfg = self.cfg
        return {
            "size": len(G.ACTUATOR_NAMES),
            "kind": "joint position targets for PD servos",
            "joint_order": list(G.JOINT_NAMES),
            "target": "standing_pose + action_scale * clip(action, -1, 1)",
            "standing_pose": G.DEFAULT_JOINT_POS.astype(float).tolist(),
            "action_scale": float(cfg.action_scale),
            "servo_kp": float(cfg.kp),
            "servo_kd": float(cfg.kd),
            "torque_limits": G.TORQUE_LIMITS.astype(float).tolist(),
            "low": -1.0, "high": 1.0,
        }

    @staticmethod
    def observation(lin_vel, ang_vel, gravity, command, joint_pos, joint_vel, last_action) -> np.ndarray:
        return np.concatenate(
            [lin_vel, ang_vel, gravity, command, joint_pos - G.DEFAULT_JOINT_POS, joint_vel, last_action],
            axis=1, dtype=np.float32,
        )

    # -- episodes ----------------------------------------------------------------------
    def init_state(self):
        if self.curriculum is not None:
            self.curriculum.restart()  # start levels are drawn again
        return super().init_state()

    def sample_commands(self, n: int) -> np.ndarray:
        """(n, 3) commands [vx, vy, yaw rate], uniform in the configured ranges."""
        cfg, rng = self.cfg, self.np_random
        lows, highs = zip(cfg.command_lin_vel_x, cfg.command_lin_vel_y, cfg.command_yaw_rate)
        command = rng.uniform(lows, highs, size=(n, 3)).astype(np.float32)
        slow = np.linalg.norm(command[:, :2], axis=1) < cfg.standing_command_below
        command[slow, :2] = 0.0
        return command

    def _ground(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        if self.terrain is None:
            return np.zeros_like(x)
        return self.terrain.height_at(x, y).astype(np.float32)

    def _spawn_xy(self, n: int, final_xy: np.ndarray) -> np.ndarray:
        rng = self.np_random
        if self.curriculum is not None:  # a tile of each robot's level, near its centre
            level = self.curriculum.levels_for(self.reset_ids, final_xy, rng)
            column = rng.integers(0, self.grid.columns, size=n)
            return self.grid.centre(level, column) + rng.uniform(-0.2, 0.2, size=(n, 2)).astype(np.float32)
        if self.terrain is None:
            return np.zeros((n, 2), dtype=np.float32)
        if self.cfg.terrain == "stairs":  # on the top platform
            return rng.uniform(-0.2, 0.2, size=(n, 2)).astype(np.float32)
        half = 4.0 - 1.0  # inside the 8 m rough square, a metre from its edge
        return rng.uniform(-half, half, size=(n, 2)).astype(np.float32)

    def reset(self, data: motrixsim.SceneData) -> tuple[np.ndarray, dict[str, Any]]:
        n, rng, cfg = data.shape[0], self.np_random, self.cfg
        final_xy = None
        if self.curriculum is not None:
            if n != len(self.reset_ids):  # the base sets reset_ids; a direct call must too
                raise RuntimeError(f"{type(self).__name__}.reset: {n} envs given, reset_ids names {len(self.reset_ids)}")
            # Where the ending episodes ended: the curriculum's measure of how far each robot got.
            final_xy = data.dof_pos[:, :2]
        xy = self._spawn_xy(n, final_xy)
        ground = np.max([self._ground(xy[:, 0] + dx, xy[:, 1] + dy) for dx, dy in _FOOTPRINT], axis=0)
        dof_pos = G.standing_dof_pos(self.model, n, ground=ground, xy=xy)
        yaw = rng.uniform(-np.pi, np.pi, size=n)
        dof_pos[:, 5], dof_pos[:, 6] = np.sin(yaw / 2), np.cos(yaw / 2)  # xyzw, about z
        dof_pos[:, 7:] += rng.uniform(-cfg.reset_joint_noise, cfg.reset_joint_noise, size=(n, 12))
        dof_vel = np.zeros((n, self.model.num_dof_vel), dtype=np.float32)
        data.reset(self.model, dof_pos=dof_pos, dof_vel=dof_vel)
        if self.curriculum is not None:
            self.curriculum.spawned(self.reset_ids, xy, yaw)

        command = self.sample_commands(n)
        zeros3 = np.zeros((n, 3), dtype=np.float32)
        gravity = np.tile(_DOWN, (n, 1))  # a yaw-only rotation leaves gravity straight down
        joint_zero = np.zeros((n, 12), dtype=np.float32)
        obs = self.observation(zeros3, zeros3, gravity, command, dof_pos[:, 7:], joint_zero, joint_zero)
        info = {
            "command": command, "command_timer": np.zeros(n, dtype=np.int64),
            "last_action": joint_zero.copy(), "last_joint_vel": joint_zero.copy(),
            "feet_air_time": np.zeros((n, 4), dtype=np.float32),
        }
        return obs, info
