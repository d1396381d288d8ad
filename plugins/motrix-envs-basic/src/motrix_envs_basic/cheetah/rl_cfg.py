"""PPO config for cheetah-run (universal: the same on torch and JAX)."""

from __future__ import annotations

from dataclasses import dataclass

from motrix_envs_basic.common.ppo import SuitePPO


@dataclass
class CheetahRunPPO(SuitePPO):
    """Cheetah-run: reward grows with speed, no falls to fear."""

    max_env_steps: int = 5_000_000
