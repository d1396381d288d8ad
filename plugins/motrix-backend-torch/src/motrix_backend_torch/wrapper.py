"""A batched NumPy env (``motrix.env.NpEnv``) as a skrl 2.x torch env.

The framework-free half (final observations, info, spaces) is the core's ``NpEnvAdapter``;
this adds the NumPy ↔ torch conversions, with as few copies as possible.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from skrl.envs.wrappers.torch import Wrapper

from motrix.training.skrl_env import NpEnvAdapter


class NpEnvWrapper(NpEnvAdapter, Wrapper):
    """skrl ``Wrapper`` over an ``NpEnv``: ``reset()`` once, then ``step()`` with auto-reset inside."""

    def _tensor(self, array: np.ndarray) -> torch.Tensor:
        # NpEnvState arrays belong to their state (later steps never write into them), so on
        # CPU a view is safe: no copy. On CUDA the host-to-device transfer is the one copy.
        return torch.as_tensor(array, dtype=torch.float32, device=self._device)

    def _flags(self, array: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(array, dtype=torch.bool, device=self._device).view(-1, 1)

    def _rewards(self, array: np.ndarray) -> torch.Tensor:
        # Copied: skrl's PPO adds the truncation bootstrap into this tensor in place, and the
        # env's reward array may be shared with info["Reward"] terms.
        return torch.tensor(array, dtype=torch.float32, device=self._device).view(-1, 1)

    def _array(self, array: np.ndarray) -> torch.Tensor:
        return self._tensor(array)

    def reset(self) -> tuple[torch.Tensor, dict[str, Any]]:
        state = self._init_state()
        self.critic_arrays(state)
        return self._tensor(state.obs), {}

    def step(self, actions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, Any]:
        # On CPU ``.numpy()`` is a view: the policy's fresh action tensor is not copied.
        state = self._step_np(actions, lambda a: a.detach().cpu().numpy())
        obs = self._tensor(state.obs)
        # Only rows of finished envs differ from ``obs``; share the tensor when none did.
        final_obs = self._tensor(state.final_obs) if self.any_done(state) else obs
        _, final_states = self.critic_arrays(state)
        return (obs, self._rewards(state.reward), self._flags(state.terminated), self._flags(state.truncated),
                self.step_info(state, final_obs, final_states))
