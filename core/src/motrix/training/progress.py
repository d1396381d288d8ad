"""Progress lines and the time-to-target figure, shared by every backend (no framework import).

A progress line reads::

    [torch] 131,072/600,000 env-steps (22%) | 52.1k steps/s | return 412.3 | ETA 9s

It goes to stderr at most every ``interval`` seconds (growing with the run's length, so a
long run does not flood the terminal), and once at the end. ``quiet`` silences it.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TextIO


@dataclass
class TargetReached:
    """When the mean return first reached the target."""

    target: float
    seconds: float
    """Wall seconds since training started (this invocation)."""
    env_steps: int
    """Env-steps done at that moment (all envs, including those before a resume)."""
    mean_return: float


class TargetTracker:
    """Record the first moment the recent mean return is at least ``target``."""

    def __init__(self, target: float | None, start_time: float) -> None:
        self.target = target
        self.start_time = start_time
        self.reached: TargetReached | None = None

    def update(self, mean_return: float | None, env_steps: int, now: float | None = None) -> bool:
        """True exactly once: when the target is first reached."""
        if self.target is None or self.reached is not None or mean_return is None:
            return False
        if mean_return >= self.target:
            now = time.perf_counter() if now is None else now
            self.reached = TargetReached(self.target, now - self.start_time, env_steps, mean_return)
            return True
        return False

    def as_extra(self) -> dict:
        """Entries for ``TrainResult.extra``."""
        if self.target is None:
            return {}
        if self.reached is None:
            return {"target_return": self.target, "target_reached": False}
        r = self.reached
        return {
            "target_return": r.target,
            "target_reached": True,
            "seconds_to_target": round(r.seconds, 3),
            "env_steps_to_target": r.env_steps,
        }


def _fmt_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}s"
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{sec:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _fmt_rate(rate: float) -> str:
    if rate >= 1e6:
        return f"{rate / 1e6:.2f}M"
    if rate >= 1e3:
        return f"{rate / 1e3:.1f}k"
    return f"{rate:.0f}"


class Progress:
    """Rate-limited progress lines for one training invocation."""

    def __init__(
        self,
        label: str,
        total_env_steps: int,
        start_env_steps: int = 0,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        min_interval: float = 1.0,
        max_interval: float = 30.0,
    ) -> None:
        self.label = label
        self.total = total_env_steps
        self.start_steps = start_env_steps
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        self.min_interval = min_interval
        self.max_interval = max_interval
        self.start_time = time.perf_counter()
        self._last_print = self.start_time

    def rate(self, env_steps: int, now: float | None = None) -> float:
        """Env-steps per second in this invocation."""
        now = time.perf_counter() if now is None else now
        elapsed = now - self.start_time
        return (env_steps - self.start_steps) / elapsed if elapsed > 0 else 0.0

    def line(self, env_steps: int, mean_return: float | None, now: float | None = None) -> str:
        now = time.perf_counter() if now is None else now
        rate = self.rate(env_steps, now)
        pct = 100.0 * env_steps / self.total if self.total else 100.0
        parts = [
            f"[{self.label}] {env_steps:,}/{self.total:,} env-steps ({pct:.0f}%)",
            f"{_fmt_rate(rate)} steps/s",
            f"return {mean_return:.1f}" if mean_return is not None else "return -",
        ]
        if rate > 0 and env_steps < self.total:
            parts.append(f"ETA {_fmt_duration((self.total - env_steps) / rate)}")
        else:
            parts.append(f"took {_fmt_duration(now - self.start_time)}")
        return " | ".join(parts)

    def update(self, env_steps: int, mean_return: float | None, *, force: bool = False) -> None:
        """Print a line if the interval has passed (or ``force``)."""
        if self.quiet:
            return
        now = time.perf_counter()
        # Every second early on, then a tenth of the elapsed time (capped): ~10-30 lines a run.
        interval = min(self.max_interval, max(self.min_interval, (now - self.start_time) / 10))
        if not force and now - self._last_print < interval:
            return
        self._last_print = now
        print(self.line(env_steps, mean_return, now), file=self.stream, flush=True)

    def message(self, text: str) -> None:
        """A one-off line (device, target reached, checkpoint on interrupt)."""
        if not self.quiet:
            print(f"[{self.label}] {text}", file=self.stream, flush=True)
