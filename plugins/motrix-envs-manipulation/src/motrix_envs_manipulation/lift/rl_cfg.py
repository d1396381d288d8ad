"""PPO config of ``franka-lift-cube`` (universal: the same on torch and JAX)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from motrix_envs_manipulation.ppo import GPU_DEFAULTS, PandaPPO


@dataclass
class LiftPPO(PandaPPO):
    """PPO for lifting the cube: the shared Panda settings, 60M env-steps on a CPU.

    On a GPU: the shared GPU sizes and the seed's 204.8M env-step budget.
    """

    gpu_defaults: ClassVar[dict[str, Any]] = {**GPU_DEFAULTS, "max_env_steps": 204_800_000}

    max_env_steps: int = 60_000_000
