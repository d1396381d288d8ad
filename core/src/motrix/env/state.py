"""``NpEnvState``: what one step of a batched env hands to the trainer."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import motrixsim


@dataclass
class NpEnvState:
    """The state of ``num_envs`` envs after a step; every array is batched over envs.

    ``obs``, ``reward``, ``terminated``, ``truncated`` and ``final_obs`` of a state returned by
    ``NpEnv.step`` / ``init_state`` belong to that state: later steps do not write into them,
    so a trainer may keep them without copying.
    """

    data: "motrixsim.SceneData"
    """The batched physics state (shared by every state of the env; it moves on each step)."""
    obs: np.ndarray
    """Observations ``(num_envs, *obs_shape)`` float32; for envs that just finished, the reset observation."""
    reward: np.ndarray
    """Reward of the last step ``(num_envs,)`` float32."""
    terminated: np.ndarray
    """``(num_envs,)`` bool: the episode ended in a terminal state (do not bootstrap)."""
    truncated: np.ndarray
    """``(num_envs,)`` bool: the episode was cut by the time limit (bootstrap from ``final_obs``)."""
    info: dict[str, Any] = field(default_factory=dict)
    """Per-env extras: ``"Reward"`` (term → ``(num_envs,)``), ``"metrics"``, ``"steps"``, env-specific keys."""
    final_obs: np.ndarray | None = None
    """Observations the step ended on, before any auto-reset; rows of unfinished envs equal ``obs``."""
    critic_obs: np.ndarray | None = None
    """What the critic observes ``(num_envs, critic_size)`` float32, for envs that declare a
    privileged critic observation (``NpEnv.critic_observation_layout``); None otherwise. As
    ``obs``: the reset observation for envs that just finished."""
    final_critic_obs: np.ndarray | None = None
    """``critic_obs`` the step ended on, before any auto-reset (bootstraps truncated episodes)."""

    @property
    def done(self) -> np.ndarray:
        """``(num_envs,)`` bool: the episode ended (terminated or truncated) and the env was reset."""
        return np.logical_or(self.terminated, self.truncated)

    def replace(self, **changes: Any) -> "NpEnvState":
        """A copy with some fields changed (arrays are shared, not copied)."""
        return dataclasses.replace(self, **changes)
