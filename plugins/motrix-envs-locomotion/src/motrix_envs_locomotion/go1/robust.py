"""``go1-robust``: Go1 on flat ground trained under domain randomization, for sim-to-real.

The shared quadruped randomization (../robust.py) with a ±1 kg trunk payload. Plain ``go1``
stays unrandomized: its time-to-walk and tracking figures stay comparable.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from motrix.env.randomization import RandomizationCfg

from ..robust import quadruped_randomization
from .cfg import Go1Cfg
from .model import GO1
from .rl_cfg import Go1PPO

GO1_RANDOMIZATION = quadruped_randomization(GO1, payload_kg=1.0)
"""go1-robust's randomization (documented, with the reasons, in the locomotion README)."""


@dataclass
class Go1RobustCfg(Go1Cfg):
    """Go1 on flat ground under domain randomization, pushes, sensor noise and action latency."""

    randomization: RandomizationCfg = field(default_factory=lambda: copy.deepcopy(GO1_RANDOMIZATION))
    """Friction 0.4-1.0, masses x0.9-1.1, trunk +-1 kg and +-5 cm CoM, kp/kd +-10 %, pushes, noise, delay."""


@dataclass
class Go1RobustPPO(Go1PPO):
    """The plain Go1 PPO: the same networks and batch, so the two policies compare directly."""
