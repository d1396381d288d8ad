"""What the learning benchmarks share: a real `motrix train` for a wall budget, and its curves."""

from __future__ import annotations

import ast
import signal
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path


def literal_overrides(items: Iterable[str]) -> dict[str, object]:
    """``["KEY=VALUE", ...]`` as config overrides: Python literals, a bare word as a string (terrain=rough)."""
    overrides: dict[str, object] = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            overrides[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            overrides[key] = value
    return overrides


def train_for(cmd: list[str], minutes: float) -> tuple[Path, float, int]:
    """Run ``cmd`` (a `motrix train …`) for at most ``minutes``: (run directory, wall seconds, exit code).

    Past the budget it gets SIGINT, as Ctrl-C: a final checkpoint, status ``interrupted``.
    """
    print("$", " ".join(cmd), flush=True)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        proc.wait(timeout=minutes * 60)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=300)
    wall = time.perf_counter() - start
    run = Path(proc.stdout.read().strip().splitlines()[-1])
    return run, wall, proc.returncode


def curve_ends(run: Path, tags: Iterable[str]) -> dict[str, tuple[tuple[int, float], tuple[int, float]]]:
    """First and last ``(env-steps, value)`` of each TensorBoard scalar ``tags`` the run has."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(run), size_guidance={"scalars": 0})
    acc.Reload()
    out = {}
    for tag in tags:
        if tag in acc.Tags()["scalars"]:
            events = acc.Scalars(tag)
            out[tag] = ((events[0].step, events[0].value), (events[-1].step, events[-1].value))
    return out


def print_run(run: Path, wall: float | None, code: int | None,
              ends: dict[str, tuple[tuple[int, float], tuple[int, float]]]) -> dict:
    """Print the run's status line and each curve's first and last value; return its metadata."""
    import json

    meta = json.loads((run / "metadata.json").read_text())
    print(f"run {run}: status {meta['status']}, {meta.get('env_steps', 0):,} env-steps"
          + (f" in {wall / 60:.1f} min (exit {code})" if wall else ""))
    width = max((len(tag) for tag in ends), default=0)
    for tag, ((s0, v0), (s1, v1)) in ends.items():
        print(f"  {tag:{width}s} first {v0:9.3f} (at {s0:,})  last {v1:9.3f} (at {s1:,})")
    return meta
