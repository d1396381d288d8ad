"""The critic's observation of a batch of envs: what ``NpEnv`` hands out as ``state.critic_obs``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from motrix.env.base import NpEnv
    from motrix.env.state import NpEnvState


def critic_rows(env: NpEnv, clean_obs: np.ndarray, state: NpEnvState, ids: np.ndarray) -> np.ndarray:
    """The critic observation of envs ``ids`` ``(len(ids), critic_size)``: their observation
    before sensor noise, then the env's privileged values, then the randomization's draws
    (non-finite values as 0: a blown-up env's row is ended by the base anyway)."""
    parts = [clean_obs.reshape(len(ids), -1)]
    if env._privileged_size:
        privileged = np.asarray(env.privileged_observation(state), dtype=np.float32)
        if privileged.shape != (env.num_envs, env._privileged_size):
            raise ValueError(f"{type(env).__name__}.privileged_observation returned shape {privileged.shape}, "
                             f"expected {(env.num_envs, env._privileged_size)}")
        parts.append(privileged[ids])
    if env.randomizer is not None and env.randomizer.privileged_size:
        parts.append(env.randomizer.privileged()[ids])
    rows = np.concatenate(parts, axis=1, dtype=np.float32)
    if not math.isfinite(rows.sum()):
        np.nan_to_num(rows, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    return rows
