"""Velocity tracking for any ``Quadruped`` on MotrixSim: flat, rough and stairs (see ``VelocityCfg``).

A robot's env is this class with its description: ``class Go2Env(VelocityEnv): robot = GO2``.

Observation (48): base linear velocity and angular velocity in the body frame, projected
gravity, command (vx, vy, yaw rate), joint angles relative to the standing pose, joint
velocities, previous action. Action (12): joint targets around the standing pose, held by
the model's position servos (kp/kd, torque limits of the real motors) for ``ctrl_dt``.

Per-env memory between steps (command, previous action, joint velocity, feet air time,
command timer) lives in ``state.info``: ``reset`` returns fresh values for the envs it
resets and the base merges them in.

With a ``TerrainLevels`` config (`*-rough`, `*-stairs`) the ground is a grid of difficulty
levels and ``self.curriculum`` keeps each env's level across episodes: ``reset`` spawns
each robot on its level, moved up or down by how its last episode went (curriculum.py).
"""

from __future__ import annotations

from typing import Any

import motrixsim
import numpy as np

from motrix.env import NpEnvState
from motrix.env.layout import ObsSlice

from .. import levels as L
from .. import rewards as R
from .. import terrain as T
from ..commands import sample_velocity_commands
from ..curriculum import Curriculum, Rules
from ..proprioception import Body, base_obs, base_slices, joint_obs, joint_slices, resting_body
from ..quadruped_env import QuadrupedEnv
from .cfg import TerrainLevels, VelocityCfg

_REWARD_TERMS = ("tracking_lin_vel", "tracking_ang_vel", "lin_vel_z", "ang_vel_xy", "torques", "dof_acc",
                 "action_rate", "feet_air_time", "hip_deviation", "stumble")


def make_terrain(cfg: VelocityCfg) -> T.Terrain | None:
    """The ground the config asks for (None: the model file's flat floor)."""
    if isinstance(cfg, TerrainLevels) and cfg.terrain != "flat":  # a grid of levels
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


class VelocityEnv(QuadrupedEnv):
    """Track a commanded base velocity with ``robot``."""

    cfg: VelocityCfg

    def __init__(self, cfg: VelocityCfg, num_envs: int = 1) -> None:
        super().__init__(cfg, num_envs, obs_dim=12 + 3 * self.robot.num_joints, terrain=make_terrain(cfg))
        self.grid: L.Grid | None = None
        """Where the terrain levels lie (None: one terrain, no levels)."""
        self.curriculum: Curriculum | None = None
        """Each env's terrain level and the bookkeeping that moves it (with `grid`)."""
        if isinstance(cfg, TerrainLevels) and self.terrain is not None:
            self.grid = L.Grid(cfg.terrain_levels, cfg.terrain_columns, cfg.terrain_tile_size)
            rules = Rules(cfg.terrain_levels, cfg.curriculum_promote_distance, cfg.curriculum_demote_fraction)
            self.curriculum = Curriculum(self.num_envs, rules, cfg.curriculum_start_levels,
                                         adaptive=cfg.curriculum, fixed_level=cfg.terrain_level)
        self._resample_steps = max(1, round(cfg.command_resample_seconds / cfg.ctrl_dt))
        self._weights = self.reward_weights(_REWARD_TERMS)

    # -- after physics ---------------------------------------------------------------
    def update_state(self, state: NpEnvState) -> NpEnvState:
        cfg, info, actions = self.cfg, state.info, self._actions
        body = self.read_body(state.data)
        trunk_contact, foot_force = self.contacts(state.data)
        feet = self.step_feet(info["feet_air_time"], foot_force)

        command = info["command"]
        if self.curriculum is not None:
            self.curriculum.track(command, cfg.ctrl_dt)
        raw = {
            "tracking_lin_vel": R.tracking_lin_vel(command, body.lin_vel, cfg.tracking_sigma),
            "tracking_ang_vel": R.tracking_ang_vel(command, body.ang_vel, cfg.tracking_sigma),
            **self.effort_terms(body, actions, info),
            **self.gait_terms(body, feet, command),
        }
        if self._weights["stumble"]:
            raw["stumble"] = R.stumble(foot_force)
        terms, reward = self.weigh(raw, self._weights)

        # Resample the command of envs whose timer ran out (mid-episode changes of pace).
        timer = info["command_timer"] + 1
        due = timer >= self._resample_steps
        command = command.copy()  # the returned state keeps its own (the base merges resets into the new one)
        if due.any():
            command[due] = self.sample_commands(int(due.sum()))
            timer[due] = 0

        state.terminated = self.fallen(body, trunk_contact)
        if self.curriculum is not None:
            self.curriculum.fell[:] = state.terminated
        state.obs = self.observation(body, command, actions)
        state.reward = reward
        info.update(command=command, command_timer=timer, **self.memory(body, actions, feet))
        info["Reward"] = terms
        info["metrics"] = {
            "forward_velocity_error": np.abs(command[:, 0] - body.lin_vel[:, 0]),
            "planar_velocity_error": np.linalg.norm(command[:, :2] - body.lin_vel[:, :2], axis=1),
            "yaw_rate_error": np.abs(command[:, 2] - body.ang_vel[:, 2]),
            "base_height": body.pos[:, 2] - self.ground(body.pos[:, 0], body.pos[:, 1]),
        }
        if self.curriculum is not None:  # its mean over envs is the curriculum's progress curve
            info["metrics"]["terrain_level"] = self.curriculum.level.astype(np.float32)
        return state

    def observation_layout(self) -> tuple[ObsSlice, ...]:
        command = ObsSlice("command", 3, "commanded vx, vy (m/s, body frame) and yaw rate (rad/s)")
        return (*base_slices(), command, *joint_slices(self.robot))

    def observation(self, body: Body, command: np.ndarray, last_action: np.ndarray) -> np.ndarray:
        return np.concatenate([*base_obs(body), command, *joint_obs(self.robot, body, last_action)],
                              axis=1, dtype=np.float32)

    # -- episodes ----------------------------------------------------------------------
    def training_state(self) -> dict[str, Any]:
        if self.curriculum is None or not self.curriculum.adaptive or self.curriculum.fixed_level >= 0:
            return {}
        return {"terrain_levels": self.curriculum.level.tolist()}

    def load_training_state(self, state: dict[str, Any]) -> None:
        levels = state.get("terrain_levels")
        if levels is not None and self.curriculum is not None and self.curriculum.adaptive:
            self.curriculum.restore(levels)

    def init_state(self):
        if self.curriculum is not None:
            self.curriculum.restart()  # start levels are drawn again
        return super().init_state()

    def sample_commands(self, n: int) -> np.ndarray:
        """(n, 3) commands [vx, vy, yaw rate], uniform in the configured ranges."""
        cfg = self.cfg
        return sample_velocity_commands(self.np_random, n, cfg.command_lin_vel_x, cfg.command_lin_vel_y,
                                        cfg.command_yaw_rate, cfg.standing_command_below,
                                        cfg.turn_in_place_fraction)

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
        n, rng, robot = data.shape[0], self.np_random, self.robot
        final_xy = None
        if self.curriculum is not None:
            if n != len(self.reset_ids):  # the base sets reset_ids; a direct call must too
                raise RuntimeError(f"{type(self).__name__}.reset: {n} envs given, "
                                   f"reset_ids names {len(self.reset_ids)}")
            # Where the ending episodes ended: the curriculum's measure of how far each robot got.
            final_xy = data.dof_pos[:, :2]
        xy = self._spawn_xy(n, final_xy)
        yaw = rng.uniform(-np.pi, np.pi, size=n)
        dof_pos = self.spawn_dof_pos(xy, yaw)
        dof_vel = np.zeros((n, self.model.num_dof_vel), dtype=np.float32)
        data.reset(self.model, dof_pos=dof_pos, dof_vel=dof_vel)
        if self.curriculum is not None:
            self.curriculum.spawned(self.reset_ids, xy, yaw)

        command = self.sample_commands(n)
        info = {"command": command, "command_timer": np.zeros(n, dtype=np.int64), **self.fresh_memory(n)}
        # a yaw-only rotation leaves gravity straight down
        obs = self.observation(resting_body(robot, dof_pos[:, 7:]), command, info["last_action"])
        return obs, info
