"""``motrix runs``: every run under a runs directory, with how it stands.

A run whose metadata says ``running`` while the process that wrote it is gone (``kill -9``,
a crash of the machine) is shown as ``stale``; ``motrix train ENV --resume RUN`` continues it
from its last complete checkpoint as it would any other run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from motrix.runs.checkpoints import INDEX
from motrix.runs.liveness import is_alive
from motrix.runs.rundir import METADATA


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def run_summary(run: Path) -> dict[str, Any] | None:
    """One run's line of ``motrix runs`` (None when it has no readable metadata)."""
    meta = _read(run / METADATA)
    if meta is None:
        return None
    status = meta.get("status", "unknown")
    if status == "running" and is_alive(meta.get("process")) is False:
        status = "stale"
    index = _read(run / "checkpoints" / INDEX) or {}
    best, latest = index.get("best") or {}, index.get("latest") or {}
    last = meta.get("final_mean_return")
    return {
        "env": meta.get("env"), "backend": meta.get("backend"), "status": status,
        "env_steps": meta.get("env_steps", 0), "best_mean_return": best.get("mean_return"),
        "last_mean_return": last if last is not None else latest.get("mean_return"),
        "wall_seconds": meta.get("wall_seconds"), "created_at": meta.get("created_at"), "path": str(run),
    }


def list_runs(root: Path, env: str | None = None) -> list[dict[str, Any]]:
    """Summaries of the runs under ``root`` (of ``env`` only, when given), oldest first."""
    root = Path(root)
    folders = [root / env] if env else sorted(p for p in root.glob("*") if p.is_dir())
    rows = [run_summary(run) for folder in folders if folder.is_dir() for run in sorted(folder.iterdir())
            if (run / METADATA).exists()]
    return sorted((r for r in rows if r), key=lambda r: (r["created_at"] or "", r["path"]))


def format_runs(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no runs"

    def num(value: Any, fmt: str) -> str:
        return "-" if value is None else format(value, fmt)

    header = ("env", "backend", "status", "env-steps", "best", "last", "wall", "path")
    table = [header] + [
        (r["env"] or "?", r["backend"] or "?", r["status"], f"{r['env_steps'] or 0:,}", num(r["best_mean_return"], ".1f"),
         num(r["last_mean_return"], ".1f"), "-" if r["wall_seconds"] is None else f"{r['wall_seconds']:.0f} s",
         r["path"])
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table)
