"""No config field may hold nan or inf: such a number trains to nothing, or fails deep inside a framework."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from motrix.errors import UsageError


def check_finite(cfg: Any, prefix: str = "") -> None:
    """``UsageError`` naming the first float field (or float in a tuple, dict or nested config) that is nan or inf."""
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            check_finite(value, f"{prefix}{f.name}.")
            continue
        items = value if isinstance(value, (tuple, list)) else value.values() if isinstance(value, dict) else (value,)
        for item in items:
            if isinstance(item, float) and not math.isfinite(item):
                raise UsageError(f"{prefix}{f.name} must be a finite number, got {value!r} "
                                 "(nan and inf are not allowed)")
