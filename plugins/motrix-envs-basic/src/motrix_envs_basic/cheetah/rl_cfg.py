"""PPO config for cheetah-run, sized for a CPU machine."""

from __future__ import annotations

from dataclasses import dataclass

from motrix.config import PPOCfg


@dataclass
class CheetahRunPPO(PPOCfg):
    """PPO for cheetah-run on a few CPU cores."""

    num_envs: int = 256
    play_num_envs: int = 16
    max_env_steps: int = 5_000_000
    check_point_interval: int = 20
    rollouts: int = 32
    learning_epochs: int = 5
    mini_batches: int = 4
