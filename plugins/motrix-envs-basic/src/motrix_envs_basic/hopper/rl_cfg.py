"""PPO configs for the hopper tasks (universal: the same on torch and JAX)."""

from __future__ import annotations

from dataclasses import dataclass

from motrix_envs_basic.common.ppo import SuitePPO


@dataclass
class HopperStandPPO(SuitePPO):
    """Hopper-stand: get up from any orientation and stay up (~14 min on 2 CPU cores)."""

    max_env_steps: int = 5_000_000


@dataclass
class HopperHopPPO(SuitePPO):
    """Hopper-hop: standing and hopping forward; much harder than standing (~12 min on 2 CPU cores)."""

    max_env_steps: int = 10_000_000
