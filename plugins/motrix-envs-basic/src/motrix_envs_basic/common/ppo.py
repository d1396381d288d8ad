"""``SuitePPO``: PPO defaults shared by the basic suite's locomotion and reaching tasks."""

from __future__ import annotations

from dataclasses import dataclass

from motrix.config import PPOCfg


@dataclass
class SuitePPO(PPOCfg):
    """PPO for 1000-step episodes with per-step rewards in [0, 1], on a few CPU cores.

    256 envs × 32 steps = 8,192 samples per update in 4 minibatches: big enough for steady
    gradients, small enough that updates stay a small share of the physics time on 2 cores.
    No early termination in these tasks, so the value must be bootstrapped at the time limit
    (``time_limit_bootstrap``) and the discount sets the horizon (0.99: about 100 steps).
    """

    num_envs: int = 256
    play_num_envs: int = 16
    check_point_interval: int = 25
    policy_hidden_layer_sizes: tuple[int, ...] = (128, 128)
    value_hidden_layer_sizes: tuple[int, ...] = (128, 128)
    rollouts: int = 32
    learning_epochs: int = 5
    mini_batches: int = 4
    discount_factor: float = 0.99
    lambda_param: float = 0.95
    learning_rate: float = 3e-4
    learning_rate_scheduler_kl_threshold: float = 0.008
    initial_log_std: float = -0.5
    entropy_loss_scale: float = 0.0
    time_limit_bootstrap: bool = True
