"""Universal PPO config for cartpole, sized for a CPU machine."""

from __future__ import annotations

from dataclasses import dataclass

from motrix.config import PPOCfg


@dataclass
class CartPolePPO(PPOCfg):
    """PPO defaults for cartpole on a few CPU cores.

    256 envs × 32 rollouts = 8192 samples per update: enough to span many 1000-step
    episodes while the update stays cheap on CPU (the seed's 2048 GPU envs would make each
    iteration ~8× slower here). Small 64-64 MLPs are plenty for a 4-D observation.
    """

    num_envs: int = 256
    play_num_envs: int = 16
    max_env_steps: int = 1_500_000
    check_point_interval: int = 20
    policy_hidden_layer_sizes: tuple[int, ...] = (64, 64)
    value_hidden_layer_sizes: tuple[int, ...] = (64, 64)
    rollouts: int = 32
    learning_epochs: int = 5
    mini_batches: int = 4
    discount_factor: float = 0.99
    lambda_param: float = 0.95
    learning_rate: float = 3e-4
