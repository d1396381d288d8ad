"""No config field may hold nan or inf: such a number trains to nothing, or fails deep inside a framework."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from motrix.errors import UsageError


def check_finite(cfg: Any) -> None:
    """``UsageError`` naming the first float field (or float in a tuple field) that is nan or inf."""
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        items = value if isinstance(value, (tuple, list)) else (value,)
        for item in items:
            if isinstance(item, float) and not math.isfinite(item):
                raise UsageError(f"{f.name} must be a finite number, got {value!r} (nan and inf are not allowed)")
