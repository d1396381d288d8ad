"""PPO config for bounce_ball (universal: the same on torch and JAX)."""

from __future__ import annotations

from dataclasses import dataclass

from motrix_envs_basic.common.ppo import SuitePPO


@dataclass
class BounceBallPPO(SuitePPO):
    """bounce_ball on a few CPU cores."""

    max_env_steps: int = 10_000_000
