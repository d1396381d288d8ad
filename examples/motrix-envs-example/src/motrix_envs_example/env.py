"""``planar-reach``: a batched MotrixSim env written against motrix's ``NpEnv`` contract.

Observation (10): cos and sin of both joint angles, both joint velocities, the target's
position, and the fingertip-to-target vector. Action (2): shoulder and elbow torque in
[-1, 1]. Reward: minus the fingertip's distance to the target, minus a small control cost.
Episodes never terminate; the base class truncates them after ``max_episode_steps``.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import motrixsim
import numpy as np

from motrix.env import NpEnv, NpEnvState
from motrix_envs_example.cfg import PlanarReachCfg


class PlanarReachEnv(NpEnv):
    """Two-link arm in the horizontal plane; move the fingertip onto the target."""

    cfg: PlanarReachCfg
    # The fingertip's position comes from link poses, which the engine updates only in
    # forward kinematics: have the base refresh them after each step's physics.
    refresh_kinematics = True

    def __init__(self, cfg: PlanarReachCfg, num_envs: int = 1) -> None:
        super().__init__(cfg, num_envs)
        if self.model.num_dof_pos != 4 or self.model.num_actuators != 2:
            raise ValueError(f"{cfg.model_file} is not the planar-reach arm (needs 4 DoFs and 2 actuators)")
        self._fingertip = self.model.get_site("fingertip")
        self._observation_space = gym.spaces.Box(-np.inf, np.inf, (10,), dtype=np.float32)
        self._action_space = gym.spaces.Box(-1.0, 1.0, (2,), dtype=np.float32)
        self._action_sq = np.zeros(num_envs, dtype=np.float32)

    @property
    def observation_space(self) -> gym.spaces.Box:
        return self._observation_space

    @property
    def action_space(self) -> gym.spaces.Box:
        return self._action_space

    def apply_action(self, actions: np.ndarray, state: NpEnvState) -> NpEnvState:
        state.data.actuator_ctrls = actions
        self._action_sq = np.square(actions).sum(axis=1)  # update_state's control cost
        return state

    def update_state(self, state: NpEnvState) -> NpEnvState:
        obs, distance = self._observe(state.data)
        control = self.cfg.control_cost_weight * self._action_sq
        state.obs = obs
        state.reward = -distance - control
        state.terminated = np.zeros(self.num_envs, dtype=bool)
        state.info["Reward"] = {"distance": -distance, "control": -control}
        state.info["metrics"] = {"distance": distance}
        return state

    def reset(self, data: motrixsim.SceneData) -> tuple[np.ndarray, dict[str, Any]]:
        n, cfg, rng = data.shape[0], self.cfg, self.np_random
        joints = rng.uniform(-cfg.reset_noise_scale, cfg.reset_noise_scale, (n, 2))
        # Uniform over the annulus: the radius's square is uniform.
        radius = np.sqrt(rng.uniform(cfg.target_min_radius**2, cfg.target_max_radius**2, n))
        angle = rng.uniform(-np.pi, np.pi, n)
        target = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
        dof_pos = np.concatenate([joints, target], axis=1).astype(np.float32)
        data.reset(self.model, dof_pos=dof_pos, dof_vel=np.zeros((n, 4), np.float32), forward_kinematic=True)
        obs, _ = self._observe(data)
        return obs, {}

    def _observe(self, data: motrixsim.SceneData) -> tuple[np.ndarray, np.ndarray]:
        """Observations and fingertip-to-target distances of every env in ``data``."""
        pos, vel = data.dof_pos, data.dof_vel
        joints, target = pos[:, :2], pos[:, 2:4]
        to_target = target - self._fingertip.get_position(data)[:, :2]
        obs = np.concatenate([np.cos(joints), np.sin(joints), vel[:, :2], target, to_target], axis=1)
        return obs.astype(np.float32), np.linalg.norm(to_target, axis=1).astype(np.float32)
