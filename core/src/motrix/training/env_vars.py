"""Reading the ``MOTRIX_*`` tuning variables the backends honour, with one clear error each."""

from __future__ import annotations

import os

from motrix.errors import UsageError


def positive_int(name: str) -> int | None:
    """The whole number >= 1 in ``$name``; None when unset or empty; ``UsageError`` otherwise."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise UsageError(f"{name}={raw!r} is not a whole number >= 1; set e.g. {name}=1, or unset it")
    return value
