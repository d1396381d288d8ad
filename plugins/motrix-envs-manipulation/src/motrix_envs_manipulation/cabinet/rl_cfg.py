"""PPO config of ``franka-open-cabinet`` (universal: the same on torch and JAX)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from motrix_envs_manipulation.ppo import GPU_DEFAULTS, PandaPPO


@dataclass
class CabinetPPO(PandaPPO):
    """PPO for opening the drawer: the shared Panda settings, 30M env-steps on a CPU.

    On a GPU: the shared GPU sizes and the seed's 49M env-step budget.
    """

    gpu_defaults: ClassVar[dict[str, Any]] = {**GPU_DEFAULTS, "max_env_steps": 49_000_000}

    max_env_steps: int = 30_000_000
