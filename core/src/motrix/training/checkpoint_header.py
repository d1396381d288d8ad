"""What every backend writes at the head of a checkpoint, and the checks made on reading it.

A header is plain JSON-able data: the env and its spaces, the rollout width, the networks'
layout (``model_spec``), the step counter and the live policy's probe actions. Reading a
checkpoint back checks it against the env and config in hand before any weight is loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from motrix.config import PPOCfg
from motrix.errors import CheckpointError


def space_dim(space: Any) -> int:
    """Flat size of a gymnasium ``Box`` (observations or actions of one env)."""
    return int(np.prod(space.shape))


def model_spec(cfg: PPOCfg) -> dict[str, Any]:
    """The network layout of ``cfg``, stored in checkpoints so that play rebuilds it exactly."""
    return {
        "shared": cfg.shares_features,
        "policy_hidden": list(cfg.policy_hidden_layer_sizes),
        "value_hidden": list(cfg.value_hidden_layer_sizes),
        "activation": cfg.activation,
        "initial_log_std": float(cfg.initial_log_std),
    }


def base_header(env_name: str, cfg: PPOCfg, observation_space: Any, action_space: Any,
                world_size: int = 1, critic_space: Any = None) -> dict[str, Any]:
    """The part of a header that stays the same for every checkpoint of a run."""
    return {
        "env": env_name, "obs_dim": space_dim(observation_space), "action_dim": space_dim(action_space),
        "critic_obs_dim": space_dim(critic_space) if critic_space is not None else 0,
        "num_envs": cfg.num_envs, "model": model_spec(cfg), "world_size": world_size,
    }


def check_env(header: dict[str, Any], path: Path, env_name: str, obs_dim: int, action_dim: int) -> None:
    """``CheckpointError`` when the checkpoint was trained on another env or other spaces."""
    got = (header.get("env"), header.get("obs_dim"), header.get("action_dim"))
    if got != (env_name, obs_dim, action_dim):
        raise CheckpointError(
            f"checkpoint {path} was trained on {got[0]!r} (obs {got[1]}, action {got[2]}), "
            f"not on {env_name!r} (obs {obs_dim}, action {action_dim})"
        )


def check_resumable(header: dict[str, Any], path: Path, env_name: str, cfg: PPOCfg,
                    observation_space: Any, action_space: Any, world_size: int = 1, critic_space: Any = None) -> None:
    """A checkpoint a run may continue from: same env, same spaces (the critic's too), same
    networks, same world size."""
    check_env(header, path, env_name, space_dim(observation_space), space_dim(action_space))
    critic_dim = space_dim(critic_space) if critic_space is not None else 0
    if int(header.get("critic_obs_dim", 0)) != critic_dim:
        raise CheckpointError(f"checkpoint {path} has a critic observing {header.get('critic_obs_dim', 0) or 'the policy observation'}"
                              f" numbers, this run's critic observes {critic_dim or 'the policy observation'}: "
                              "resume with the privileged_critic setting it was trained with")
    if int(header.get("world_size", 1)) != world_size:
        raise CheckpointError(f"checkpoint {path} was trained by {header.get('world_size', 1)} processes, "
                              f"not {world_size}: resume it with the same world size")
    if header.get("model") != model_spec(cfg):
        raise CheckpointError(
            f"checkpoint {path} has networks {header.get('model')}, the config asks for {model_spec(cfg)}"
        )
