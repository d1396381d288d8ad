"""Gymnasium views of a motrix env: one env (``gymnasium.Env``) or the batch (``VectorEnv``)."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from motrix.env.base import NpEnv


def _make(name: str, num_envs: int, env_overrides: dict[str, Any]) -> NpEnv:
    from motrix.env.make import make

    return make(name, num_envs=num_envs, **env_overrides)


def _single_info(info: dict[str, Any], i: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in info.items():
        if isinstance(value, dict):
            out[key] = _single_info(value, i)
        elif isinstance(value, np.ndarray) and value.ndim >= 1:
            out[key] = value[i]
        else:
            out[key] = value
    return out


class MotrixGymEnv(gym.Env):
    """One motrix env behind the Gymnasium ``Env`` API.

    The batched env resets finished envs inside ``step``; here the episode's last
    observation is returned and the next ``reset()`` starts a new episode, as Gymnasium expects.
    """

    metadata = {"render_modes": []}

    def __init__(self, env_name: str, **env_overrides: Any) -> None:
        self.env_name = env_name
        self.np_env = _make(env_name, 1, env_overrides)
        self.observation_space = self.np_env.observation_space
        self.action_space = self.np_env.action_space

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if seed is not None:
            self.np_env.seed(seed)
        state = self.np_env.init_state()
        return state.obs[0], _single_info(state.info, 0)

    def step(self, action: Any):
        state = self.np_env.step(np.asarray(action, dtype=np.float32).reshape(1, -1))
        return (
            state.final_obs[0], float(state.reward[0]), bool(state.terminated[0]),
            bool(state.truncated[0]), _single_info(state.info, 0),
        )


class MotrixVectorEnv(VectorEnv):
    """The batched motrix env as a Gymnasium ``VectorEnv`` (same-step autoreset).

    As with Gymnasium's same-step mode, ``obs`` of a finished env is its reset observation and
    ``infos["final_obs"]`` (with mask ``infos["_final_obs"]``) holds the one it ended on.
    """

    metadata = {"autoreset_mode": AutoresetMode.SAME_STEP, "render_modes": []}

    def __init__(self, env_name: str, num_envs: int, **env_overrides: Any) -> None:
        self.env_name = env_name
        self.np_env = _make(env_name, num_envs, env_overrides)
        self.num_envs = num_envs
        self.single_observation_space = self.np_env.observation_space
        self.single_action_space = self.np_env.action_space
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        if seed is not None:
            self.np_env.seed(seed if isinstance(seed, int) else int(seed[0]))
            self._np_random = None
        state = self.np_env.init_state()
        return state.obs, dict(state.info)

    def step(self, actions: Any):
        state = self.np_env.step(np.asarray(actions, dtype=np.float32))
        infos = dict(state.info)
        done = state.done
        if done.any():
            infos["final_obs"] = state.final_obs
            infos["_final_obs"] = done
        return state.obs, state.reward, state.terminated, state.truncated, infos
