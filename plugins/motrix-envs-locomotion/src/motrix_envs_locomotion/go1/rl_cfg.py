"""PPO configs for the Go1 tasks (universal: the same on torch and JAX)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from motrix.config import PPOCfg


@dataclass
class Go1PPO(PPOCfg):
    """PPO for Go1 velocity tracking, sized for real learning on a small CPU machine.

    1024 envs × 24 steps = 24,576 samples per update in 4 minibatches of 6,144: large enough
    for stable locomotion gradients, small enough that an update takes a fraction of the
    rollout's physics time on 2 cores. Networks as in common legged-robot PPO setups.

    On a GPU the update costs little, so 4096 envs (98,304 samples per update, minibatches
    of 24,576) as in common GPU legged-robot setups; physics still runs on the CPU cores.
    """

    gpu_defaults: ClassVar[dict[str, Any]] = {"num_envs": 4096, "check_point_interval": 48}

    num_envs: int = 1024
    play_num_envs: int = 16
    max_env_steps: int = 50_000_000
    check_point_interval: int = 96
    policy_hidden_layer_sizes: tuple[int, ...] = (256, 128, 64)
    value_hidden_layer_sizes: tuple[int, ...] = (256, 128, 64)
    rollouts: int = 24
    learning_epochs: int = 5
    mini_batches: int = 4
    discount_factor: float = 0.99
    lambda_param: float = 0.95
    learning_rate: float = 1e-3
    learning_rate_scheduler_kl_threshold: float = 0.01
    learning_rate_max: float = 1e-3
    entropy_loss_scale: float = 0.005
    value_loss_scale: float = 1.0
    grad_norm_clip: float = 1.0
    initial_log_std: float = -0.5


@dataclass
class Go1RoughPPO(Go1PPO):
    """Rough ground with its terrain curriculum: the flat-ground PPO, budgeted for this machine.

    Physics on the height field costs ~1.6x flat ground (about 9k env-steps/s on 2 quiet
    cores), so 12M env-steps is a ~20 min run: long enough to learn to walk on the easy
    levels and climb a few (see the README's figures). On a GPU machine, give it more
    with --steps; the curriculum keeps raising the difficulty as long as it trains.
    """

    max_env_steps: int = 12_000_000


@dataclass
class Go1StairsPPO(Go1PPO):
    """Stairs with their terrain curriculum; budgeted as Go1RoughPPO (box stairs cost about
    as much physics as the rough height field)."""

    max_env_steps: int = 12_000_000
