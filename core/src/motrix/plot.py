"""``motrix plot``: learning curves of one or more runs, read from TensorBoard events, as a PNG.

Panels: episode return, episode length, learning rate, and each per-episode reward term the
env logs (``Reward / Episode / <term>``). Several runs share each panel, one line per run,
to compare backends or seeds. Needs ``pip install motrix-core[plot]`` (matplotlib, tensorboard).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from motrix.errors import MotrixError, UsageError
from motrix.runs.rundir import METADATA

FIXED_PANELS = (
    ("Episode / Return (mean)", "episode return (mean)"),
    ("Episode / Length (mean)", "episode length (mean)"),
    ("Learning / Learning rate", "learning rate"),
)
TERM_PREFIX = "Reward / Episode / "


@dataclass
class RunCurves:
    label: str
    curves: dict[str, tuple[list[int], list[float]]]


def find_runs(paths: list[str]) -> list[Path]:
    """Each path is a run directory, or a folder of runs (e.g. ``runs/cartpole``)."""
    runs: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if (path / METADATA).exists():
            runs.append(path)
        elif path.is_dir() and (found := sorted(p.parent for p in path.glob(f"*/{METADATA}"))):
            runs.extend(found)
        else:
            raise UsageError(f"{raw!r} is not a run directory nor a folder of runs (no {METADATA} found)")
    return runs


def _label(run: Path) -> str:
    try:
        meta = json.loads((run / METADATA).read_text())
        return f"{meta.get('env')} {meta.get('backend')} seed {meta.get('seed')} ({run.name})"
    except (OSError, ValueError):
        return run.name


def read_curves(run: Path) -> RunCurves:
    try:
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    except ImportError:
        raise MotrixError("motrix plot needs tensorboard: pip install 'motrix-core[plot]'") from None
    acc = EventAccumulator(str(run), size_guidance={"scalars": 0})
    acc.Reload()
    curves = {}
    for tag in acc.Tags().get("scalars", []):
        events = acc.Scalars(tag)
        curves[tag] = ([e.step for e in events], [e.value for e in events])
    if not curves:
        raise MotrixError(f"run {run} has no TensorBoard scalars yet")
    return RunCurves(_label(run), curves)


def plot_runs(paths: list[str], out: str | Path) -> Path:
    """Draw every run of ``paths`` into one figure saved at ``out``; returns the path."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MotrixError("motrix plot needs matplotlib: pip install 'motrix-core[plot]'") from None
    runs = [read_curves(run) for run in find_runs(paths)]
    terms = sorted({t for r in runs for t in r.curves if t.startswith(TERM_PREFIX)})
    panels = [(tag, title) for tag, title in FIXED_PANELS if any(tag in r.curves for r in runs)]
    panels += [(t, "reward term: " + t[len(TERM_PREFIX):] + " (per episode)") for t in terms]
    cols = 2 if len(panels) > 1 else 1
    rows = (len(panels) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(6.5 * cols, 3.6 * rows), squeeze=False)
    for ax, (tag, title) in zip(axes.flat, panels):
        for run in runs:
            if tag in run.curves:
                steps, values = run.curves[tag]
                ax.plot(steps, values, label=run.label, linewidth=1.2)
        ax.set_title(title)
        ax.set_xlabel("env-steps")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 2), fontsize="small")
    fig.tight_layout(rect=(0, 0.06 if len(runs) < 3 else 0.1, 1, 1))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
