"""Reacher on MotrixSim: put the fingertip on a target.

Observation (7): the shoulder angle as its cosine and sine (the shoulder turns without
limit: a raw angle would wander out of anything seen in training as the arm winds up), the
wrist angle, the vector from fingertip to target in the table's frame (x, y), shoulder and
wrist angular velocities. Action (2): shoulder and wrist
torques in [-1, 1] times the motor gears (0.05 N m). Reward per step: ``reach`` =
tolerance of the fingertip-target distance: 1 within target + finger size, fading (gaussian)
to 0.1 at ``distance_margin`` beyond (``distance_margin=0``: the classic 0/1 reward).
Each episode starts with a random arm pose (shoulder anywhere, wrist anywhere in its range)
and a new target. Episodes end only at the time limit.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import motrixsim
import numpy as np
from motrixsim import query

from motrix.env import NpEnv, NpEnvState
from motrix_envs_basic.common.rewards import tolerance
from motrix_envs_basic.reacher.cfg import ReacherCfg

OBS_DIM = 7
ARM = 0.12
"""Shoulder to wrist (m), as in reacher.xml."""
HAND = 0.12
"""Wrist to fingertip centre (m), as in reacher.xml."""


def fingertip(angles: np.ndarray) -> np.ndarray:
    """(n, 2) fingertip positions on the table for (n, 2) shoulder and wrist angles."""
    shoulder, total = angles[:, 0], angles[:, 0] + angles[:, 1]
    return np.stack([ARM * np.cos(shoulder) + HAND * np.cos(total),
                     ARM * np.sin(shoulder) + HAND * np.sin(total)], axis=1)


class ReacherEnv(NpEnv):
    """Two-link arm reaching for a target placed anew each episode."""

    cfg: ReacherCfg

    def __init__(self, cfg: ReacherCfg, num_envs: int = 1) -> None:
        super().__init__(cfg, num_envs)
        if self.model.num_dof_pos != 4 or self.model.num_actuators != 2:
            raise ValueError(f"{cfg.model_file} is not a reacher (needs 4 DoFs and 2 motors)")
        self._observation_space = gym.spaces.Box(-np.inf, np.inf, (OBS_DIM,), dtype=np.float32)
        self._action_space = gym.spaces.Box(-1.0, 1.0, (2,), dtype=np.float32)
        self._wrist_range = self.model.get_joint("wrist").range[0].astype(np.float32)
        plan = self.model.compile_query({"dof_pos": query.DofPosition(), "dof_vel": query.DofVelocity()})
        self._query = plan.allocate(self.data)
        # The fingertip is on the target when their centres are closer than this.
        self._radius = cfg.target_size + cfg.finger_size

    @property
    def observation_space(self) -> gym.spaces.Box:
        return self._observation_space

    @property
    def action_space(self) -> gym.spaces.Box:
        return self._action_space

    def apply_action(self, actions: np.ndarray, state: NpEnvState) -> NpEnvState:
        state.data.actuator_ctrls = actions
        return state

    def update_state(self, state: NpEnvState) -> NpEnvState:
        read = self._query.execute(state.data)
        obs = self.observation(read["dof_pos"], read["dof_vel"])
        distance = np.linalg.norm(obs[:, 3:5], axis=1)
        reach = tolerance(distance, (0.0, self._radius), margin=self.cfg.distance_margin)
        state.obs, state.reward = obs, reach
        state.terminated = np.zeros(self.num_envs, dtype=bool)
        state.info["Reward"] = {"reach": reach}
        state.info["metrics"] = {"distance": distance}
        return state

    @staticmethod
    def observation(dof_pos: np.ndarray, dof_vel: np.ndarray) -> np.ndarray:
        """[cos, sin shoulder (2) | wrist (1) | target - fingertip (2) | shoulder, wrist velocities (2)]."""
        to_target = dof_pos[:, 2:4] - fingertip(dof_pos[:, :2])
        shoulder = np.stack([np.cos(dof_pos[:, 0]), np.sin(dof_pos[:, 0])], axis=1)
        return np.concatenate([shoulder, dof_pos[:, 1:2], to_target, dof_vel[:, :2]], axis=1, dtype=np.float32)

    def reset(self, data: motrixsim.SceneData) -> tuple[np.ndarray, dict[str, Any]]:
        n, rng = data.shape[0], self.np_random
        dof_pos = np.empty((n, 4), dtype=np.float32)
        dof_pos[:, 0] = rng.uniform(-np.pi, np.pi, n)
        dof_pos[:, 1] = rng.uniform(*self._wrist_range, n)
        angle = rng.uniform(0.0, 2.0 * np.pi, n)
        radius = rng.uniform(*self.cfg.target_radius, n)
        dof_pos[:, 2], dof_pos[:, 3] = radius * np.cos(angle), radius * np.sin(angle)
        dof_vel = np.zeros((n, 4), dtype=np.float32)
        data.reset(self.model, dof_pos=dof_pos, dof_vel=dof_vel)
        return self.observation(dof_pos, dof_vel), {}
