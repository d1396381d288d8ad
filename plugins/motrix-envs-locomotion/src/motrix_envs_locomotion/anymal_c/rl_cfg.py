"""PPO configs for the ANYmal C tasks."""

from __future__ import annotations

from dataclasses import dataclass

from ..go1.rl_cfg import Go1PPO, Go1RoughPPO


@dataclass
class AnymalCPPO(Go1PPO):
    """The Go1's PPO: 1024 envs x 24 steps on a CPU, 4096 on a GPU, 256-128-64 networks."""


@dataclass
class AnymalCRoughPPO(Go1RoughPPO):
    """The Go1's rough-ground PPO (12M env-steps on this machine; more with --steps)."""


@dataclass
class AnymalCNavigationPPO(Go1PPO):
    """The Go1's PPO; 15 s episodes (750 steps) with 24-step rollouts, as the velocity task."""


@dataclass
class AnymalCRobustPPO(AnymalCPPO):
    """The plain AnymalC PPO, so the robust and plain policies compare directly."""
