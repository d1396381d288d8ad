"""The Go2 velocity-tracking env: the shared ``VelocityEnv`` with the Go2's description."""

from __future__ import annotations

from ..velocity.env import VelocityEnv
from .robot import GO2


class Go2Env(VelocityEnv):
    """Track a commanded base velocity with the Unitree Go2 (flat or rough: see go2/cfg.py)."""

    robot = GO2
