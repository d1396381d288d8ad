"""A batched NumPy env (``motrix.env.NpEnv``) as a skrl 2.x torch env.

skrl's trainer keeps the ``next_observations`` of a step as the observations it acts on
next, so they must be the post-reset ones. The observation an episode actually ended on
(needed to bootstrap the value of a time-limit truncation) travels in
``info["final_observations"]``; the agent (``agent.py``) hands it to PPO in its place.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from skrl.envs.wrappers.torch import Wrapper

from motrix.training.phases import PhaseClock


class NpEnvWrapper(Wrapper):
    """skrl ``Wrapper`` over an ``NpEnv``: ``reset()`` once, then ``step()`` with auto-reset inside."""

    def __init__(self, env: Any, device: torch.device, clock: PhaseClock | None = None) -> None:
        super().__init__(env)
        self._device = device
        self.clock = clock or PhaseClock()
        self._state = None

    # -- NumPy <-> torch, with as few copies as possible ---------------------------
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

    # -- skrl Wrapper interface -----------------------------------------------------
    def reset(self) -> tuple[torch.Tensor, dict[str, Any]]:
        self._state = self._env.init_state()
        return self._tensor(self._state.obs), {}

    def step(
        self, actions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, Any]:
        # On CPU ``.numpy()`` is a view: the policy's fresh action tensor is not copied. On
        # CUDA the read-back waits for the policy, so it is charged to acting.
        actions_np = self.clock.time("act", lambda: actions.detach().cpu().numpy())
        state = self.clock.time("env", self._env.step, actions_np)
        self._state = state
        obs = self._tensor(state.obs)
        done = state.terminated | state.truncated
        # Only rows of finished envs differ from ``obs``; share the tensor when none did.
        final_obs = self._tensor(state.final_obs) if done.any() else obs
        info = {
            "Reward": state.info.get("Reward", {}),
            "metrics": state.info.get("metrics", {}),
            "final_observations": final_obs,
            "np_state": state,
        }
        return (
            obs,
            self._rewards(state.reward),
            self._flags(state.terminated),
            self._flags(state.truncated),
            info,
        )

    def state(self) -> None:
        return None  # no separate critic state

    def render(self, *args: Any, **kwargs: Any) -> Any:
        return None

    def close(self) -> None:
        close = getattr(self._env, "close", None)
        if callable(close):
            close()

    @property
    def num_envs(self) -> int:
        return self._env.num_envs

    @property
    def observation_space(self):
        return self._env.observation_space

    @property
    def action_space(self):
        return self._env.action_space

    @property
    def state_space(self):
        return None
