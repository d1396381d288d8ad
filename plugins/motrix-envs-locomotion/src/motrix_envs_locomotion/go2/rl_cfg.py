"""PPO configs for the Go2 tasks: the Go1's (same size class of robot, same task)."""

from __future__ import annotations

from dataclasses import dataclass

from ..go1.rl_cfg import Go1PPO, Go1RoughPPO


@dataclass
class Go2PPO(Go1PPO):
    """The Go1's PPO: 1024 envs x 24 steps on a CPU, 4096 on a GPU, 256-128-64 networks."""


@dataclass
class Go2RoughPPO(Go1RoughPPO):
    """The Go1's rough-ground PPO (12M env-steps on this machine; more with --steps)."""


@dataclass
class Go2RobustPPO(Go2PPO):
    """The plain Go2 PPO, so the robust and plain policies compare directly."""
