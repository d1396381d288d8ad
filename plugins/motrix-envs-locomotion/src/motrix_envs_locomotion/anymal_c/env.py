"""The ANYmal C envs: the shared velocity-tracking and navigation envs with its description."""

from __future__ import annotations

from ..navigation.env import NavigationEnv
from ..velocity.env import VelocityEnv
from .robot import ANYMAL_C


class AnymalCEnv(VelocityEnv):
    """Track a commanded base velocity with ANYmal C (flat or rough: see anymal_c/cfg.py)."""

    robot = ANYMAL_C


class AnymalCNavigationEnv(NavigationEnv):
    """Walk ANYmal C to a goal pose and stand there."""

    robot = ANYMAL_C
