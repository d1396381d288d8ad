"""Checkpoints of a run: atomic files plus an index naming the latest and the best.

Layout inside ``<run>/checkpoints/``::

    step_000123456.<ext>   one file per save, complete or absent
    index.json             {"latest": {...}, "best": {...}, "all": [...]}

The index is rewritten atomically after the checkpoint file is in place, so it never
names a file that is not complete. Retention keeps the newest ``keep`` checkpoints plus the
best and the latest; the index stops naming a checkpoint before its file is deleted, so a
crash between the two leaves a stray file, never an index that names a missing one. When
the index is missing, unreadable, names a file that is gone, or names as latest a file that
fails the backend's checks (damaged after it was written), ``recover`` rebuilds it from the
checkpoint files that the backend verifies (header and digest).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from motrix.errors import CheckpointError, MotrixError
from motrix.runs.atomic import atomic_write_json, atomic_write_with

INDEX = "index.json"
_STEP_FILE = re.compile(r"^step_(\d+)\.")


@dataclass(frozen=True)
class CheckpointEntry:
    """One saved checkpoint."""

    file: str
    """File name inside the checkpoints directory."""
    env_steps: int
    """Env-steps (all envs together) done when it was saved."""
    mean_return: float | None
    """Mean episode return over recent episodes when saved (None before any episode ended)."""


class CheckpointWriteError(MotrixError):
    """A checkpoint file could not be written (full disk, permissions); nothing partial is left."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write checkpoint {path}: {reason}")
        self.path = path


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
            index = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise CheckpointError(f"checkpoint index {path} is unreadable: {exc}") from None
        if not isinstance(index, dict) or not isinstance(index.get("all", []), list):
            raise CheckpointError(f"checkpoint index {path} is not a motrix checkpoint index")
        return index

    def save(self, env_steps: int, write: Callable[[Path], None], mean_return: float | None,
             keep: int = 0) -> Path:
        """Write a checkpoint via ``write(tmp_path)``, record it as latest (and best), then prune.

        ``keep`` > 0 keeps the newest ``keep`` checkpoints plus the best and the latest.
        """
        name = f"step_{env_steps:012d}.{self.extension}"
        target = self.directory / name
        try:
            atomic_write_with(target, write)
        except OSError as exc:
            raise CheckpointWriteError(target, exc.strerror or str(exc)) from None
        index = self._read_index()
        entry = asdict(CheckpointEntry(name, int(env_steps), _finite_or_none(mean_return)))
        index["all"] = [e for e in index.get("all", []) if e["file"] != name] + [entry]
        index["latest"] = entry
        best = index.get("best")
        if entry["mean_return"] is not None and (
            best is None or best.get("mean_return") is None or entry["mean_return"] >= best["mean_return"]
        ):
            index["best"] = entry
        pruned = _prunable(index, keep)
        index["all"] = [e for e in index["all"] if e["file"] not in pruned]
        try:
            atomic_write_json(self.directory / INDEX, index)  # first stop naming them...
        except OSError as exc:
            raise CheckpointWriteError(self.directory / INDEX, exc.strerror or str(exc)) from None
        for file in pruned:  # ...then delete them
            (self.directory / file).unlink(missing_ok=True)
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

    def files(self) -> list[Path]:
        """Checkpoint files on disk, newest (most env-steps) first."""
        found = [p for p in self.directory.glob(f"step_*.{self.extension}") if _STEP_FILE.match(p.name)]
        return sorted(found, key=lambda p: int(_STEP_FILE.match(p.name).group(1)), reverse=True)

    def latest(self, verify: Callable[[Path], int], say: Callable[[str], None]) -> Path | None:
        """The latest checkpoint that verifies; when the index is damaged, or the file it names
        as latest fails its checks, the index is rebuilt from the files ``verify`` accepts.

        ``verify(path)`` returns the checkpoint's env-steps or raises ``CheckpointError``.
        """
        try:
            path = self.path("latest")
        except CheckpointError as damage:
            reason = str(damage)
        else:
            if path is None:
                if not self.files():
                    return None
                reason = f"checkpoint index {self.directory / INDEX} is missing"
            else:
                try:
                    verify(path)
                    return path
                except CheckpointError as damage:  # a file damaged after the index named it
                    reason = f"the latest checkpoint {path.name} fails its checks ({damage})"
        return self.recover(verify, say, reason)

    def recover(self, verify: Callable[[Path], int], say: Callable[[str], None], reason: str) -> Path | None:
        """Rebuild the index from every checkpoint file that verifies; the newest becomes latest."""
        try:
            old = {e["file"]: e for e in self._read_index().get("all", []) if isinstance(e, dict) and "file" in e}
        except CheckpointError:
            old = {}
        good, bad = [], []
        for path in self.files():
            try:
                env_steps = int(verify(path))
            except CheckpointError:
                bad.append(path.name)
                continue
            mean = old.get(path.name, {}).get("mean_return")
            good.append(asdict(CheckpointEntry(path.name, env_steps, _finite_or_none(mean))))
        if not good:
            raise CheckpointError(f"{reason}; no checkpoint file in {self.directory} verifies"
                                  + (f" ({', '.join(bad)} failed their checks)" if bad else ""))
        good.sort(key=lambda e: e["env_steps"])
        scored = [e for e in good if e["mean_return"] is not None]
        index = {"latest": good[-1], "best": max(scored, key=lambda e: e["mean_return"]) if scored else None,
                 "all": good}
        atomic_write_json(self.directory / INDEX, index)
        skipped = f"; skipped {len(bad)} that failed their checks ({', '.join(bad)})" if bad else ""
        say(f"motrix: {reason}; rebuilt {INDEX} from {len(good)} verified checkpoint(s){skipped}; "
            f"using {good[-1]['file']}")
        return self.directory / good[-1]["file"]


def _prunable(index: dict, keep: int) -> set[str]:
    """Files retention drops: all but the newest ``keep``, the best and the latest (none when keep is 0)."""
    if keep <= 0:
        return set()
    entries = sorted(index["all"], key=lambda e: e["env_steps"])
    kept = {e["file"] for e in entries[-keep:]}
    for which in ("latest", "best"):
        if index.get(which):
            kept.add(index[which]["file"])
    return {e["file"] for e in entries if e["file"] not in kept}


def _finite_or_none(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
