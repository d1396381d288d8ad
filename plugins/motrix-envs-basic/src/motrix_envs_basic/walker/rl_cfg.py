"""PPO configs for the walker tasks (universal: the same on torch and JAX)."""

from __future__ import annotations

from dataclasses import dataclass

from motrix_envs_basic.common.ppo import SuitePPO


@dataclass
class WalkerStandPPO(SuitePPO):
    """Walker-stand: get up and stay up."""

    max_env_steps: int = 3_000_000


@dataclass
class WalkerWalkPPO(SuitePPO):
    """Walker-walk: stand and walk at 1 m/s."""

    max_env_steps: int = 5_000_000


@dataclass
class WalkerRunPPO(SuitePPO):
    """Walker-run: stand and run at 8 m/s."""

    max_env_steps: int = 8_000_000
