"""How an env describes its observation and action to whoever deploys a policy trained on it.

An exported policy (``motrix export``) ships with a sidecar that says what each number of
the observation is and what an action does on the robot. An env tells it by overriding two
methods of ``NpEnv``: ``observation_layout()`` (named slices, in order, whose sizes sum to
the observation size) and ``action_meaning()`` (a JSON-able dict: joint order, the pose
actions are relative to, scaling, servo gains...). An env that overrides neither still
exports, with one slice named ``observation`` and its action bounds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class ObsSlice:
    """A run of consecutive numbers in one env's observation."""

    name: str
    """Short name, e.g. ``"base_lin_vel"``."""
    size: int
    """How many numbers."""
    description: str = ""
    """Frame, units and order, e.g. ``"body frame, m/s (x, y, z)"``."""


def layout_dicts(layout: tuple[ObsSlice, ...] | list[ObsSlice]) -> list[dict[str, Any]]:
    """The layout as JSON-able dicts, each with its ``start`` index added."""
    out, start = [], 0
    for piece in layout:
        out.append({**asdict(piece), "start": start})
        start += piece.size
    return out
