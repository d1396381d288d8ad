"""PPO config for reacher, sized for a CPU machine."""

from __future__ import annotations

from dataclasses import dataclass

from motrix.config import PPOCfg


@dataclass
class ReacherPPO(PPOCfg):
    """PPO for reacher on a few CPU cores (placeholder sizes; tuned below)."""

    num_envs: int = 256
    play_num_envs: int = 16
    max_env_steps: int = 3_000_000
    check_point_interval: int = 20
    rollouts: int = 32
    learning_epochs: int = 5
    mini_batches: int = 4
