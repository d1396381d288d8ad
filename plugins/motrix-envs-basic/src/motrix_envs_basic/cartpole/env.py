"""Cartpole on MotrixSim: observation [cart x, pole angle, cart velocity, pole angular velocity]."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import motrixsim
import numpy as np
from motrixsim import query

from motrix.env import NpEnv, NpEnvState
from motrix.env.layout import ObsSlice
from motrix_envs_basic.cartpole.cfg import CartPoleCfg


class CartPoleEnv(NpEnv):
    """Push the cart (action in [-1, 1]) to keep the pole upright; +1 reward per step."""

    cfg: CartPoleCfg

    def __init__(self, cfg: CartPoleCfg, num_envs: int = 1) -> None:
        super().__init__(cfg, num_envs)
        if self.model.num_dof_pos != 2 or self.model.num_actuators != 1:
            raise ValueError(f"{cfg.model_file} is not a cartpole (needs 2 DoFs and 1 actuator)")
        self._observation_space = gym.spaces.Box(-np.inf, np.inf, (4,), dtype=np.float32)
        self._action_space = gym.spaces.Box(-1.0, 1.0, (1,), dtype=np.float32)
        # One native call fills [dof_pos | dof_vel] = the observation layout, without copies.
        plan = self.model.compile_query({"dof_pos": query.DofPosition(), "dof_vel": query.DofVelocity()})
        self._query = plan.allocate(self.data)
        self._reward = np.ones(num_envs, dtype=np.float32)

    @property
    def observation_space(self) -> gym.spaces.Box:
        return self._observation_space

    @property
    def action_space(self) -> gym.spaces.Box:
        return self._action_space

    def observation_layout(self) -> tuple[ObsSlice, ...]:
        return (ObsSlice("cart_position", 1, "m from the rail's centre"), ObsSlice("pole_angle", 1, "rad from upright"),
                ObsSlice("cart_velocity", 1, "m/s"), ObsSlice("pole_angular_velocity", 1, "rad/s"))

    def action_meaning(self) -> dict[str, Any]:
        return {"size": 1, "kind": "cart motor control in [-1, 1] (the actuator's ctrlrange)", "low": -1.0,
                "high": 1.0}

    def apply_action(self, actions: np.ndarray, state: NpEnvState) -> NpEnvState:
        state.data.actuator_ctrls = actions
        return state

    def update_state(self, state: NpEnvState) -> NpEnvState:
        obs = self._query.execute(state.data).buffer
        cart_x, pole_angle = obs[:, 0], obs[:, 1]
        terminated = np.abs(pole_angle) > self.cfg.max_pole_angle
        terminated |= np.abs(cart_x) > self.cfg.max_cart_position
        # The state is this step's own: set its fields (the base copies obs and reward).
        state.obs, state.reward, state.terminated = obs, self._reward, terminated
        state.info["Reward"] = {"alive": self._reward}
        return state

    def reset(self, data: motrixsim.SceneData) -> tuple[np.ndarray, dict[str, Any]]:
        scale = np.float32(self.cfg.reset_noise_scale)
        # [dof_pos | dof_vel] = [x, angle | x', angle'], each uniform in [-scale, scale).
        init = self.np_random.random((data.shape[0], 4), dtype=np.float32)
        init *= 2 * scale
        init -= scale
        data.reset(self.model, dof_pos=init[:, :2].copy(), dof_vel=init[:, 2:].copy())
        # What we wrote is the observation: no read-back needed.
        return init, {}
