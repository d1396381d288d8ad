"""A batched NumPy env (``motrix.env.NpEnv``) as a skrl 2.x JAX env.

The framework-free half (final observations, info, spaces) is the core's ``NpEnvAdapter``;
this adds the NumPy ↔ JAX transfers. Host ↔ device traffic per step is one transfer of a
few small arrays (observations, rewards, flags, final observations when an episode ended)
and one read-back of the actions; on a GPU they are the only transfers of the rollout. The
transfer is a jitted identity with the device as its output sharding: the same copy as
``jax.device_put``, dispatched from C++ (~25 µs for five arrays, against ~170 µs through
``device_put``'s Python path).
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
from jax.sharding import SingleDeviceSharding
from skrl.envs.wrappers.jax import Wrapper

from motrix.training.phases import PhaseClock
from motrix.training.skrl_env import NpEnvAdapter


class NpEnvWrapper(NpEnvAdapter, Wrapper):
    """skrl ``Wrapper`` over an ``NpEnv``: ``reset()`` once, then ``step()`` with auto-reset inside."""

    def __init__(self, env: Any, device: Any, clock: PhaseClock | None = None, critic: bool = False) -> None:
        super().__init__(env, device, clock, critic)
        self._to_device = jax.jit(lambda arrays: arrays, out_shardings=SingleDeviceSharding(device))

    def _put(self, *arrays: np.ndarray) -> list[jax.Array]:
        # One transfer for all of them, into committed arrays on the training device.
        return self._to_device(list(arrays))

    def _array(self, array: np.ndarray) -> jax.Array:
        (out,) = self._put(np.asarray(array, dtype=np.float32))
        return out

    def reset(self) -> tuple[jax.Array, dict[str, Any]]:
        state = self._init_state()
        self.critic_arrays(state)
        (obs,) = self._put(np.asarray(state.obs, dtype=np.float32))
        return obs, {}

    def step(self, actions: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array, Any]:
        state = self._step_np(actions, np.asarray)
        host = [np.asarray(state.obs, dtype=np.float32), np.asarray(state.reward, dtype=np.float32).reshape(-1, 1),
                state.terminated.reshape(-1, 1), state.truncated.reshape(-1, 1)]
        done = self.any_done(state)
        if done:
            host.append(np.asarray(state.final_obs, dtype=np.float32))
        dev = self._put(*host)
        obs, reward, terminated, truncated = dev[:4]
        # Only rows of finished envs differ from ``obs``; share the array when none did.
        _, final_states = self.critic_arrays(state)
        return obs, reward, terminated, truncated, self.step_info(state, dev[4] if done else obs, final_states)
