"""Where a training run's wall time goes: env stepping, acting, recording, PPO updates.

Both backends time the same four phases around skrl's loop (the wrapper times the env,
the agent times the rest); whatever is left of the wall time (skrl's trainer loop,
progress lines, checkpoints, TensorBoard) is "other". The split is written into the run's
metadata and printed by ``motrix train``, so a throughput figure comes with what bounds it.

With JAX, work is dispatched asynchronously: a phase is charged when its result is read
(the actions are read back to NumPy inside "act"; the update syncs once at its end).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

PHASES = ("env", "act", "record", "update")


class PhaseClock:
    """Accumulates wall seconds per phase; ``time(phase, fn, ...)`` runs ``fn`` and charges it."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(PHASES, 0.0)
        self.started = time.perf_counter()

    def restart(self) -> None:
        """Zero every phase and start the wall clock now (when the training loop begins)."""
        self.seconds = dict.fromkeys(PHASES, 0.0)
        self.started = time.perf_counter()

    def time(self, phase: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.seconds[phase] += time.perf_counter() - start

    def split(self) -> dict[str, float]:
        """Seconds per phase and "other", plus the "wall" they add up to."""
        wall = time.perf_counter() - self.started
        measured = {k: round(v, 3) for k, v in self.seconds.items()}
        return {
            **measured,
            "other": round(max(0.0, wall - sum(self.seconds.values())), 3),
            "wall": round(wall, 3),
        }


def format_split(split: dict[str, float]) -> str:
    """``env 41% · act 12% · record 4% · update 38% · other 5%`` (shares of the wall time)."""
    wall = split.get("wall") or 0.0
    if wall <= 0:
        return ""
    parts = [f"{k} {split[k] / wall:.0%}" for k in (*PHASES, "other") if k in split]
    return " · ".join(parts)
