"""Checkpoints of a run: atomic files plus an index naming the latest and the best.

Layout inside ``<run>/checkpoints/``::

    step_000123456.<ext>   one file per save, complete or absent
    index.json             {"latest": {...}, "best": {...}, "all": [...]}

The index is rewritten atomically after the checkpoint file is in place, so it never
names a file that is not complete.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from motrix.errors import CheckpointError
from motrix.runs.atomic import atomic_write_json, atomic_write_with

INDEX = "index.json"


@dataclass(frozen=True)
class CheckpointEntry:
    """One saved checkpoint."""

    file: str
    """File name inside the checkpoints directory."""
    env_steps: int
    """Env-steps (all envs together) done when it was saved."""
    mean_return: float | None
    """Mean episode return over recent episodes when saved (None before any episode ended)."""


class CheckpointStore:
    """Save and find a run's checkpoints."""

    def __init__(self, directory: Path, extension: str) -> None:
        self.directory = Path(directory)
        self.extension = extension.lstrip(".")

    def _read_index(self) -> dict:
        path = self.directory / INDEX
        if not path.exists():
            return {"latest": None, "best": None, "all": []}
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise CheckpointError(f"checkpoint index {path} is unreadable: {exc}") from None

    def save(
        self, env_steps: int, write: Callable[[Path], None], mean_return: float | None
    ) -> Path:
        """Write a checkpoint via ``write(tmp_path)`` and record it as latest (and best)."""
        name = f"step_{env_steps:012d}.{self.extension}"
        target = self.directory / name
        atomic_write_with(target, write)
        index = self._read_index()
        entry = asdict(CheckpointEntry(name, int(env_steps), _finite_or_none(mean_return)))
        index["all"] = [e for e in index.get("all", []) if e["file"] != name] + [entry]
        index["latest"] = entry
        best = index.get("best")
        if entry["mean_return"] is not None and (
            best is None or best.get("mean_return") is None or entry["mean_return"] >= best["mean_return"]
        ):
            index["best"] = entry
        atomic_write_json(self.directory / INDEX, index)
        return target

    def entry(self, which: str = "latest") -> CheckpointEntry | None:
        """The ``latest`` or ``best`` checkpoint, or None when the run has none."""
        if which not in ("latest", "best"):
            raise ValueError(which)
        raw = self._read_index().get(which)
        if raw is None:
            return None
        return CheckpointEntry(**raw)

    def path(self, which: str = "latest") -> Path | None:
        entry = self.entry(which)
        if entry is None:
            return None
        path = self.directory / entry.file
        if not path.exists():
            raise CheckpointError(f"checkpoint {path} named in {INDEX} is missing")
        return path


def _finite_or_none(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
