"""``PPOCfg`` → the keyword values of skrl 2.x ``PPO_CFG``, shared by every skrl backend.

Framework-free (no torch, JAX or skrl import): each backend feeds ``agent_kwargs`` to its
own ``PPO_CFG(...)`` and adds the classes only it can name (scaler, scheduler). Some
``PPOCfg`` names are skrl 1.x's (as in MotrixLab's configs); the skrl 2.x name of every
field, or why it has none, is in ``FIELD_MAP``, and a test checks that no field is left out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from motrix.config import PPOCfg

#: Every ``PPOCfg`` field → the skrl 2.x ``PPO_CFG`` key it feeds, or why there is none.
FIELD_MAP: dict[str, str] = {
    # BaseRLCfg
    "seed": "none: seeds skrl.utils.set_seed and the env, not PPO_CFG",
    "num_envs": "none: size of the env batch and of RandomMemory(num_envs=...)",
    "play_num_envs": "none: used by `motrix play` only",
    "max_env_steps": "none: SequentialTrainerCfg.timesteps = max_batch_env_steps",
    "check_point_interval": "none: motrix writes its own checkpoints every this many iterations",
    "keep_checkpoints": "none: how many periodic motrix checkpoints a run keeps",
    # networks
    "policy_hidden_layer_sizes": "none: the backend's policy model",
    "value_hidden_layer_sizes": "none: the backend's value model",
    "share_policy_value_features": "none: one model object passed as both policy and value",
    "activation": "none: the backend's models",
    "initial_log_std": "none: initial value of the policy's log_std parameter",
    "symmetry_augmentation": "none: motrix's update adds each minibatch's mirror image (env.mirror_maps)",
    "mirror_loss_scale": "none: motrix's update adds the mirror loss with this weight",
    "privileged_critic": "state_space of PPO and the models (the env's critic observation), state_preprocessor",
    # PPO_CFG keys
    "rollouts": "rollouts (and RandomMemory memory_size)",
    "learning_epochs": "learning_epochs",
    "mini_batches": "mini_batches",
    "discount_factor": "discount_factor",
    "lambda_param": "gae_lambda",
    "learning_rate": "learning_rate",
    "learning_rate_scheduler_kl_threshold": "learning_rate_scheduler=KLAdaptiveLR, kwargs kl_threshold",
    "learning_rate_max": "learning_rate_scheduler_kwargs max_lr",
    "learning_rate_min": "learning_rate_scheduler_kwargs min_lr",
    "random_timesteps": "none: gone in skrl 2.x on-policy agents (validated to be 0)",
    "learning_starts": "none: gone in skrl 2.x on-policy agents (validated to be 0)",
    "grad_norm_clip": "grad_norm_clip",
    "time_limit_bootstrap": "time_limit_bootstrap",
    "ratio_clip": "ratio_clip",
    "value_clip": "value_clip",
    "clip_predicted_values": "value_clip (False sends 0: skrl 2.x has no flag)",
    "entropy_loss_scale": "entropy_loss_scale",
    "value_loss_scale": "value_loss_scale",
    "kl_threshold": "kl_threshold",
    "rewards_shaper_scale": "rewards_shaper (a RewardScale, None when the scale is 1)",
    "observation_normalizer": "observation_preprocessor=RunningStandardScaler",
    "value_normalizer": "value_preprocessor=RunningStandardScaler",
    "target_return": "none: motrix reports when the mean return first reaches it",
}


class RewardScale:
    """skrl ``rewards_shaper``: multiply rewards by a constant (works on torch and JAX arrays).

    A class rather than a lambda so that it pickles and prints its value.
    """

    def __init__(self, scale: float) -> None:
        self.scale = float(scale)

    def __call__(self, rewards: Any, timestep: int, timesteps: int) -> Any:
        return rewards * self.scale

    def __repr__(self) -> str:
        return f"RewardScale({self.scale})"


@dataclass
class SkrlPPOSettings:
    """What a backend needs to build skrl's PPO from a ``PPOCfg``."""

    agent_kwargs: dict[str, Any]
    """Keyword values for ``PPO_CFG`` (plain Python values)."""
    kl_scheduler_kwargs: dict[str, float] | None
    """Keyword values for ``KLAdaptiveLR``; None means a constant learning rate."""
    observation_normalizer: bool
    """Wrap observations in ``RunningStandardScaler``."""
    value_normalizer: bool
    """Wrap values in ``RunningStandardScaler``."""
    memory_size: int
    """``RandomMemory(memory_size=...)``: one rollout per env."""
    timesteps: int
    """Vectorized iterations for the whole budget (``SequentialTrainerCfg.timesteps``)."""


def skrl_ppo_settings(cfg: PPOCfg) -> SkrlPPOSettings:
    """Translate ``cfg`` (validated) to skrl 2.x terms."""
    agent = {
        "rollouts": cfg.rollouts,
        "learning_epochs": cfg.learning_epochs,
        "mini_batches": cfg.mini_batches,
        "discount_factor": cfg.discount_factor,
        "gae_lambda": cfg.lambda_param,
        "learning_rate": cfg.learning_rate,
        "grad_norm_clip": cfg.grad_norm_clip,
        "ratio_clip": cfg.ratio_clip,
        "value_clip": cfg.value_clip if cfg.clip_predicted_values else 0.0,
        "entropy_loss_scale": cfg.entropy_loss_scale,
        "value_loss_scale": cfg.value_loss_scale,
        "kl_threshold": cfg.kl_threshold,
        "time_limit_bootstrap": cfg.time_limit_bootstrap,
        "rewards_shaper": RewardScale(cfg.rewards_shaper_scale) if cfg.rewards_shaper_scale != 1.0 else None,
    }
    scheduler = None
    if cfg.learning_rate_scheduler_kl_threshold > 0:
        scheduler = {
            "kl_threshold": cfg.learning_rate_scheduler_kl_threshold,
            "min_lr": cfg.learning_rate_min,
            "max_lr": cfg.learning_rate_max,
        }
    return SkrlPPOSettings(
        agent_kwargs=agent,
        kl_scheduler_kwargs=scheduler,
        observation_normalizer=cfg.observation_normalizer,
        value_normalizer=cfg.value_normalizer,
        memory_size=cfg.rollouts,
        timesteps=cfg.max_batch_env_steps,
    )


def unmapped_fields(cfg_cls: type = PPOCfg) -> list[str]:
    """``PPOCfg`` fields missing from ``FIELD_MAP`` (a test keeps this empty)."""
    return [f.name for f in dataclasses.fields(cfg_cls) if f.name not in FIELD_MAP]
