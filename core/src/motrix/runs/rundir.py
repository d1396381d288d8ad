"""A run directory: ``<runs>/<env>/<UTC timestamp>_<backend>/`` (docs/architecture.md, Runs).

Holds ``metadata.json``, ``config.toml`` (the configs it ran with, to rerun it with
``motrix train ENV --config``), TensorBoard event files and ``checkpoints/``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from motrix.errors import MotrixError, UsageError
from motrix.runs.atomic import atomic_write_bytes, atomic_write_json
from motrix.runs.checkpoints import CheckpointStore

METADATA = "metadata.json"
CONFIG = "config.toml"


def runs_root(explicit: str | os.PathLike | None = None) -> Path:
    """``--runs-dir``, else ``$MOTRIX_RUNS_DIR``, else ``./runs``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("MOTRIX_RUNS_DIR")
    return Path(env) if env else Path("runs")


class RunDir:
    """One training run on disk."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    # -- creation and lookup -------------------------------------------------------
    @classmethod
    def create(cls, root: Path, env: str, backend: str) -> "RunDir":
        """Make a fresh run directory; fails with one line if ``root`` is not writable."""
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H-%M-%SZ")
        base = Path(root) / env
        try:
            base.mkdir(parents=True, exist_ok=True)
            for n in range(1000):
                name = f"{stamp}_{backend}" if n == 0 else f"{stamp}-{n}_{backend}"
                try:
                    (base / name).mkdir()
                    break
                except FileExistsError:
                    continue
            run = cls(base / name)
            run.checkpoint_dir.mkdir()
        except PermissionError:
            raise MotrixError(f"runs directory {root} is not writable; choose another with --runs-dir") from None
        except OSError as exc:
            raise MotrixError(f"cannot create a run under {root}: {exc.strerror or exc}") from None
        return run

    @classmethod
    def resolve(cls, spec: str, root: Path, env: str | None = None) -> "RunDir":
        """``latest`` (newest run of ``env`` under ``root``) or a path to a run directory."""
        if spec == "latest":
            if env is None:
                raise UsageError("--run latest needs an env name")
            runs = sorted(
                (p for p in (Path(root) / env).glob("*") if (p / METADATA).exists()),
                key=lambda p: p.stat().st_mtime,
            ) if (Path(root) / env).is_dir() else []
            if not runs:
                raise UsageError(f"no runs of {env!r} under {root}; train one with `motrix train {env}`")
            return cls(runs[-1])
        path = Path(spec)
        if not (path / METADATA).exists():
            raise UsageError(f"{spec!r} is not a run directory (no {METADATA}); give a run path or 'latest'")
        return cls(path)

    # -- layout ---------------------------------------------------------------------
    @property
    def metadata_path(self) -> Path:
        return self.path / METADATA

    @property
    def checkpoint_dir(self) -> Path:
        return self.path / "checkpoints"

    def checkpoints(self, extension: str) -> CheckpointStore:
        return CheckpointStore(self.checkpoint_dir, extension)

    # -- metadata -------------------------------------------------------------------
    def read_metadata(self) -> dict[str, Any]:
        try:
            return json.loads(self.metadata_path.read_text())
        except FileNotFoundError:
            raise UsageError(f"{self.path} has no {METADATA}") from None
        except ValueError as exc:
            raise MotrixError(f"{self.metadata_path} is not valid JSON: {exc}") from None

    def write_metadata(self, metadata: dict[str, Any]) -> None:
        atomic_write_json(self.metadata_path, metadata)

    @property
    def config_path(self) -> Path:
        return self.path / CONFIG

    def write_config(self, text: str) -> None:
        """Write ``config.toml`` (whole or not at all: a rerun must never read half a file)."""
        atomic_write_bytes(self.config_path, text.encode())

    def update_metadata(self, **changes: Any) -> dict[str, Any]:
        metadata = self.read_metadata() if self.metadata_path.exists() else {}
        metadata.update(changes)
        metadata["updated_at"] = _now()
        self.write_metadata(metadata)
        return metadata

    def __repr__(self) -> str:
        return f"RunDir({str(self.path)!r})"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def initial_metadata(
    *,
    env: str,
    backend: str,
    framework: str,
    rl_cfg: Any,
    env_cfg: Any,
    versions: dict[str, str | None],
    resumed_from: str | None = None,
) -> dict[str, Any]:
    """The metadata written when a run starts."""
    return {
        "env": env,
        "backend": backend,
        "framework": framework,
        "algorithm": "ppo",
        "seed": rl_cfg.seed,
        "status": "running",
        "env_steps": 0,
        "rl_cfg_class": f"{type(rl_cfg).__module__}:{type(rl_cfg).__qualname__}",
        "rl_cfg": dataclasses.asdict(rl_cfg),
        "env_cfg_class": f"{type(env_cfg).__module__}:{type(env_cfg).__qualname__}",
        "env_cfg": dataclasses.asdict(env_cfg),
        "versions": versions,
        "command": [Path(sys.argv[0]).name, *sys.argv[1:]],
        "resumed_from": resumed_from,
        "created_at": _now(),
        "updated_at": _now(),
    }
