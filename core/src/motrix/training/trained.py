"""Finding a trained checkpoint and everything needed to use it: ``play`` and ``export`` share it.

``locate(...)`` turns ``--run RUN`` / ``--checkpoint FILE`` into the checkpoint file, the
backend that reads it, and the RL and env configs it was trained with (from the run's
metadata; a bare file outside any run gets the env's defaults).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from motrix.config import PPOCfg
from motrix.config.overrides import from_dict
from motrix.env.cfg import EnvCfg
from motrix.env.make import make_env_cfg
from motrix.errors import MotrixError, UsageError
from motrix.plugin.lazy import resolve as resolve_ref
from motrix.plugin.specs import BackendSpec, EnvSpec
from motrix.registry import get_backend, get_registry, get_rl_config
from motrix.runs.rundir import RunDir, runs_root


@dataclass(frozen=True)
class Trained:
    """A checkpoint with what it takes to load and run it."""

    env_spec: EnvSpec
    checkpoint: Path
    backend: BackendSpec
    rl_cfg: PPOCfg
    env_cfg: EnvCfg
    metadata: dict[str, Any] | None
    """The run's metadata; None for a checkpoint file outside any run."""


def configs_from_metadata(metadata: dict[str, Any]) -> tuple[PPOCfg, EnvCfg]:
    """The RL and env configs a run recorded."""
    try:
        rl_cls = resolve_ref(metadata["rl_cfg_class"])
        env_cls = resolve_ref(metadata["env_cfg_class"])
        return from_dict(rl_cls, metadata["rl_cfg"]), from_dict(env_cls, metadata["env_cfg"])
    except (KeyError, ImportError, AttributeError, TypeError) as exc:
        raise MotrixError(f"run metadata cannot rebuild its configs: {exc}") from None


def backend_for_file(path: Path) -> BackendSpec:
    """The installed backend whose checkpoint suffix ``path`` ends with (a file outside any run)."""
    for provided in get_registry().backends.values():
        suffix = provided.spec.checkpoint_suffix
        if suffix and path.name.endswith(suffix):
            return get_backend(provided.spec.name)
    raise UsageError(f"cannot tell which backend wrote {path.name}; name it with --backend")


def latest_checkpoint(run: RunDir, backend: BackendSpec, trainer: Any = None) -> Path | None:
    """The run's latest checkpoint; a damaged index is rebuilt from the files the backend verifies."""
    store = run.checkpoints(backend.checkpoint_suffix or "ckpt")
    trainer = trainer if trainer is not None else backend.load_trainer_class()()
    verify = getattr(trainer, "checkpoint_env_steps", None)
    if verify is None:  # a backend that cannot verify its files: the index is all there is
        return store.path("latest")
    return store.latest(verify, lambda line: print(line, file=sys.stderr, flush=True))


def locate(env_spec: EnvSpec, run: str | None = None, checkpoint: str | None = None, runs_dir: str | None = None,
           backend: str | None = None) -> Trained:
    """The latest checkpoint of ``run`` (default ``latest``), or the file ``checkpoint``."""
    metadata: dict[str, Any] | None = None
    if checkpoint:
        path = Path(checkpoint)
        if not path.is_file():
            raise UsageError(f"checkpoint {path} does not exist")
        run_path = path.resolve().parent.parent
        if (run_path / "metadata.json").exists():
            metadata = RunDir(run_path).read_metadata()
    else:
        found = RunDir.resolve(run or "latest", runs_root(runs_dir), env_spec.name)
        metadata = found.read_metadata()
        path = latest_checkpoint(found, get_backend(metadata["backend"]))
        if path is None:
            raise UsageError(f"run {found.path} has no checkpoint yet; train it longer, or name another run")

    if metadata is not None:
        if metadata.get("env") != env_spec.name:
            raise UsageError(f"checkpoint {path} was trained on env {metadata.get('env')!r}, not {env_spec.name!r}")
        spec = get_backend(backend or metadata["backend"])
        rl_cfg, env_cfg = configs_from_metadata(metadata)
    else:
        spec = get_backend(backend) if backend else backend_for_file(path)
        rl_cfg = get_rl_config(env_spec.name, spec.name, framework=spec.framework).load_cfg_class()()
        env_cfg = make_env_cfg(env_spec)
    return Trained(env_spec, path, spec, rl_cfg, env_cfg, metadata)
