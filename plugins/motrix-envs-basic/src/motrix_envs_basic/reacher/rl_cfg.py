"""PPO config for reacher (universal: the same on torch and JAX)."""

from __future__ import annotations

from dataclasses import dataclass

from motrix_envs_basic.common.ppo import SuitePPO


@dataclass
class ReacherPPO(SuitePPO):
    """Reacher: small arm, 6-D observation."""

    max_env_steps: int = 2_000_000
