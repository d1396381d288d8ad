"""The PPO settings both Panda tasks share (universal: the same on torch and JAX)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from motrix.config import PPOCfg

#: On a GPU: 4096 envs × 24 steps (98,304 samples per update, minibatches of 24,576), as in
#: common GPU manipulation setups; each task adds the seed's env-step budget.
GPU_DEFAULTS: dict[str, Any] = {"num_envs": 4096, "rollouts": 24, "check_point_interval": 100}


@dataclass
class PandaPPO(PPOCfg):
    """PPO for a Panda task, sized for a 2-core CPU.

    512 envs × 32 steps = 16,384 samples per update in 4 minibatches: the update stays a
    small share of the rollout's physics on 2 cores, and 32 steps (0.64 s) carry the value
    of a late stage (the lift, the pull) back to the reach. Networks 256-128-64 as in the
    seed task.
    """

    num_envs: int = 512
    play_num_envs: int = 16
    check_point_interval: int = 200
    policy_hidden_layer_sizes: tuple[int, ...] = (256, 128, 64)
    value_hidden_layer_sizes: tuple[int, ...] = (256, 128, 64)
    rollouts: int = 32
    learning_epochs: int = 5
    mini_batches: int = 4
    discount_factor: float = 0.98
    lambda_param: float = 0.95
    learning_rate: float = 1e-3
    learning_rate_scheduler_kl_threshold: float = 0.01
    learning_rate_max: float = 1e-3
    entropy_loss_scale: float = 0.005
    value_loss_scale: float = 1.0
    grad_norm_clip: float = 1.0
    initial_log_std: float = 0.0
