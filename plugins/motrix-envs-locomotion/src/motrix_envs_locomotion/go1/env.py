"""The Go1 velocity-tracking env: the shared ``VelocityEnv`` with the Go1's description."""

from __future__ import annotations

from ..velocity.env import VelocityEnv
from .model import GO1


class Go1Env(VelocityEnv):
    """Track a commanded base velocity with the Unitree Go1 (flat, rough, stairs: see go1/cfg.py)."""

    robot = GO1
