"""Helpers for the basic-suite task tests: put an env in a chosen physics state."""

from __future__ import annotations

import numpy as np

from motrix.env import NpEnv


def place(env: NpEnv, dof_pos, dof_vel=None) -> None:
    """Set every env of ``env`` to the given DoF state (broadcast over the batch)."""
    n, nq = env.num_envs, env.model.num_dof_pos
    pos = np.broadcast_to(np.asarray(dof_pos, np.float32), (n, nq)).copy()
    vel = np.zeros((n, env.model.num_dof_vel), np.float32) if dof_vel is None else \
        np.broadcast_to(np.asarray(dof_vel, np.float32), (n, env.model.num_dof_vel)).copy()
    env.data.reset(env.model, dof_pos=pos, dof_vel=vel, forward_kinematic=True)


def zeros(env: NpEnv) -> np.ndarray:
    """Zero actions for the whole batch."""
    return np.zeros((env.num_envs, *env.action_space.shape), np.float32)
