"""What both backends' skrl env wrappers share: an ``NpEnv`` behind skrl 2.x's ``Wrapper``.

The loop keeps the ``next_observations`` of a step as the observations it acts on next, so
they must be the post-reset ones. The observation an episode actually ended on (needed to
bootstrap the value of a time-limit truncation) travels in ``info["final_observations"]``;
the agents hand it to PPO in its place. With a privileged critic (``critic=True``) the
env's critic observation is skrl's ``states`` (``state()``, ``info["final_states"]``). A backend's wrapper
is ``class NpEnvWrapper(NpEnvAdapter, skrl.envs.wrappers.<framework>.Wrapper)`` and adds
only the conversions between NumPy and its tensors in ``reset`` and ``step``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from motrix.training.phases import PhaseClock


class NpEnvAdapter:
    """Mixin before skrl's ``Wrapper``: the framework-free half of the wrapper."""

    def __init__(self, env: Any, device: Any, clock: PhaseClock | None = None, critic: bool = False) -> None:
        super().__init__(env)
        self._device = device
        self.clock = clock or PhaseClock()
        self._state = None
        self._critic = critic and env.critic_observation_space is not None
        self._critic_now = None

    def _array(self, array: np.ndarray) -> Any:
        """A host float32 array as the framework's array on the device (per backend)."""
        raise NotImplementedError

    def _init_state(self) -> Any:
        self._state = self._env.init_state()
        return self._state

    def _step_np(self, actions: Any, to_numpy: Any) -> Any:
        """Steps the env with ``to_numpy(actions)``; reading the actions back is charged to acting
        (on an accelerator it waits for the policy)."""
        actions_np = self.clock.time("act", to_numpy, actions)
        self._state = self.clock.time("env", self._env.step, actions_np)
        return self._state

    @staticmethod
    def step_info(state: Any, final_observations: Any, final_states: Any = None) -> dict[str, Any]:
        """The ``info`` of a step, as the agents read it."""
        return {
            "Reward": state.info.get("Reward", {}),
            "metrics": state.info.get("metrics", {}),
            "final_observations": final_observations,
            "final_states": final_states,
            "np_state": state,
        }

    @staticmethod
    def any_done(state: Any) -> bool:
        """True when some episode ended at this step (only then do final observations differ)."""
        return bool(np.any(state.terminated | state.truncated)) and state.final_obs is not None

    def critic_arrays(self, state: Any) -> tuple[Any, Any]:
        """``(critic observation, the one the step ended on)`` as the framework's arrays, the
        first kept for ``state()``; ``(None, None)`` without a critic observation."""
        if not self._critic:
            return None, None
        self._critic_now = self._array(state.critic_obs)
        final = self._array(state.final_critic_obs) if self.any_done(state) else self._critic_now
        return self._critic_now, final

    def state(self) -> Any:
        """The critic's observation of the current state (skrl's ``states``); None without one."""
        return self._critic_now

    def render(self, *args: Any, **kwargs: Any) -> Any:
        return None

    def close(self) -> None:
        close = getattr(self._env, "close", None)
        if callable(close):
            close()

    @property
    def device(self) -> Any:
        return self._device

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
        return self._env.critic_observation_space if self._critic else None
