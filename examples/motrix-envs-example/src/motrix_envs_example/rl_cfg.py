"""Universal PPO config of ``planar-reach`` (used by every backend)."""

from __future__ import annotations

from dataclasses import dataclass

from motrix.config import PPOCfg


@dataclass
class PlanarReachPPO(PPOCfg):
    """PPO sized for a few CPU cores: 128 envs × 24 steps per update, small networks."""

    num_envs: int = 128
    play_num_envs: int = 4
    max_env_steps: int = 1_000_000
    check_point_interval: int = 20
    policy_hidden_layer_sizes: tuple[int, ...] = (64, 64)
    value_hidden_layer_sizes: tuple[int, ...] = (64, 64)
    rollouts: int = 24
    learning_epochs: int = 5
    mini_batches: int = 4
    discount_factor: float = 0.98
    lambda_param: float = 0.95
    learning_rate: float = 3e-4
