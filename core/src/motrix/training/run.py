"""``motrix train`` from the user's words to a backend's trainer (``play.py`` is ``motrix play``).

Read top to bottom: resolve env → backend → RL config, apply overrides, create (or reopen)
the run directory, write metadata, hand a ``TrainJob`` to the backend, record how it ended.
"""

from __future__ import annotations

import dataclasses
import os
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motrix.config import PPOCfg
from motrix.config.file import ConfigFile
from motrix.config.file import render as render_config
from motrix.config.overrides import parse_overrides
from motrix.distributed.launch import RUN_PATH_FILE
from motrix.distributed.world import World
from motrix.env.cfg import EnvCfg
from motrix.env.make import make_env_cfg
from motrix.errors import MotrixError, UsageError
from motrix.plugin.specs import BackendSpec, EnvSpec, RLConfigSpec
from motrix.registry import (
    BackendChoice,
    backend_has_gpu,
    explain_backend_choice,
    get_backend,
    get_env,
    get_registry,
    get_rl_config,
)
from motrix.runs.liveness import process_identity
from motrix.runs.rundir import CONFIG, RunDir, initial_metadata, runs_root
from motrix.training.job import TrainJob, TrainResult
from motrix.training.resources import check_memory
from motrix.training.signals import StopRequest, graceful_stop
from motrix.training.trained import configs_from_metadata, latest_checkpoint
from motrix.training.versions import collect_versions


@dataclass
class TrainRequest:
    """What the user asked ``motrix train`` for."""

    env: str
    backend: str | None = None
    num_envs: int | None = None
    seed: int | None = None
    rand_seed: bool = False
    steps: int | None = None
    sets: Sequence[str] = field(default_factory=tuple)
    env_sets: Sequence[str] = field(default_factory=tuple)
    runs_dir: str | None = None
    resume: str | None = None
    quiet: bool = False
    config: str | None = None
    """A TOML file with ``[rl]`` and ``[env]`` tables: over the defaults, under the other options."""


@dataclass
class ResolvedTrain:
    """Everything ``motrix train`` decides before it creates a run (``motrix config`` prints it)."""

    env_spec: EnvSpec
    backend: BackendChoice
    rl_spec: RLConfigSpec
    on_gpu: bool | None
    """Whether the defaults were GPU-sized; None when the device was not probed (no GPU sizes to apply)."""
    rl_cfg: PPOCfg
    env_cfg: EnvCfg


@dataclass
class TrainOutcome:
    run: RunDir | None
    """The run directory (None on the ranks of a distributed run other than 0)."""
    result: TrainResult
    exit_code: int


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _load_trainer(backend: BackendSpec) -> Any:
    return backend.load_trainer_class()()


def _record_end(run: RunDir, **changes: Any) -> None:
    """How a run ended, into its metadata when the disk still takes it (the error says the rest)."""
    try:
        run.update_metadata(**changes)
    except (OSError, MotrixError):
        pass


def build_rl_cfg(env: str, backend: BackendSpec, request: TrainRequest, base: PPOCfg | None = None,
                 on_gpu: bool = False, file: ConfigFile | None = None) -> PPOCfg:
    """The env's RL config for ``backend`` (or ``base``), GPU-sized if ``on_gpu``, then the config
    ``file``'s ``[rl]`` values, then the request's overrides."""
    if base is None:
        base = get_rl_config(env, backend.name, framework=backend.framework).load_cfg_class()()
        if on_gpu:
            base = base.for_gpu()
    updates = file.rl_values(type(base)) if file is not None else {}
    updates.update(parse_overrides(type(base), request.sets, "--set"))
    if request.num_envs is not None:
        updates["num_envs"] = request.num_envs
    if request.rand_seed:
        updates["seed"] = random.SystemRandom().randrange(2**31)
    elif request.seed is not None:
        updates["seed"] = request.seed
    if request.steps is not None:
        updates["max_env_steps"] = request.steps
    return base.replace(**updates)


def resolve_train(request: TrainRequest, probe_device: bool = True) -> ResolvedTrain:
    """Env, backend, RL config and env config of a new run, as ``motrix train`` will use them.

    ``probe_device=False`` (``motrix config``) skips an explicit backend's device probe, which
    imports its framework, when the RL config has no GPU-sized defaults to decide on.
    """
    file = ConfigFile.read(request.config) if request.config else None  # a bad file fails first
    env_spec = get_env(request.env)
    choice = explain_backend_choice(request.backend)
    rl_spec = get_rl_config(env_spec.name, choice.spec.name, framework=choice.spec.framework)
    rl_cls = rl_spec.load_cfg_class()
    on_gpu = choice.has_gpu
    if on_gpu is None and (probe_device or rl_cls.gpu_defaults):
        on_gpu = backend_has_gpu(choice.spec)
    base = rl_cls().for_gpu() if on_gpu else rl_cls()
    rl_cfg = build_rl_cfg(env_spec.name, choice.spec, request, base=base, file=file)
    cfg_cls = env_spec.load_cfg_class()
    env_updates = file.env_values(cfg_cls) if file is not None else {}
    env_updates.update(parse_overrides(cfg_cls, request.env_sets, "--env-set"))
    return ResolvedTrain(env_spec, choice, rl_spec, on_gpu, rl_cfg, make_env_cfg(env_spec, env_updates))


def _write_config(run: RunDir, request: TrainRequest, backend: str, rl_cfg: PPOCfg, env_cfg: EnvCfg) -> None:
    skipped: list[str] = []
    run.write_config(render_config(rl_cfg, env_cfg, [
        f"The configs run {run.path.name} of env {request.env} trained with (backend {backend}).",
        f"Rerun it: motrix train {request.env} --backend {backend} --config {run.path / CONFIG}",
    ], skipped))
    if skipped:  # a plugin's field of a type TOML cannot hold: the run goes on, the file says so
        _say(f"motrix: warning: {CONFIG} leaves out {', '.join(skipped)} (not representable in TOML)")


def _check_world(world: World, rl_cfg: PPOCfg, metadata: dict[str, Any] | None) -> None:
    """What a distributed run needs of its configs; a resumed run keeps its world size."""
    if metadata is not None:
        before = int(metadata.get("world_size", 1))
        if before != world.world_size:
            raise UsageError(
                f"run was trained by {before} process{'es' if before != 1 else ''}, this launch has "
                f"{world.world_size}: resume it with the same world size (--nproc x --nnodes = {before})"
            )
    if world.distributed and rl_cfg.kl_threshold:
        raise UsageError(f"kl_threshold={rl_cfg.kl_threshold:g} stops each process's epochs on its own KL, "
                         "which would leave the processes out of step; use --set kl_threshold=0 with --nproc")


def _world_metadata(world: World, rl_cfg: PPOCfg) -> dict[str, Any]:
    return {"world_size": world.world_size, "num_envs_per_process": rl_cfg.num_envs,
            "total_envs": rl_cfg.num_envs * world.world_size}


def _launch_hint(world: World) -> str:
    """The launch options a resume of a distributed run needs (its world size)."""
    if not world.distributed:
        return ""
    nodes = world.world_size // max(world.local_world_size, 1)
    return f" --nproc {world.local_world_size}" + (f" --nnodes {nodes} …" if nodes > 1 else "")


def train(request: TrainRequest) -> TrainOutcome:
    world = World.from_env()
    env_spec = get_env(request.env)
    request = dataclasses.replace(request, env=env_spec.name)  # an alias: runs use the canonical name
    if not world.is_main:
        request = dataclasses.replace(request, quiet=True)  # the other ranks print nothing but errors
    root = runs_root(request.runs_dir)
    resume_from: Path | None = None
    run: RunDir | None = None

    if request.resume:
        if request.config:
            raise UsageError("--config cannot be used with --resume: a run resumes with its own configs")
        found = RunDir.resolve(request.resume, root, request.env)
        metadata = found.read_metadata()
        if metadata.get("env") != request.env:
            raise UsageError(
                f"run {found.path} trained env {metadata.get('env')!r}, not {request.env!r}; "
                f"resume it with `motrix train {metadata.get('env')} --resume {found.path}`"
            )
        if request.backend and request.backend != metadata.get("backend"):
            raise UsageError(
                f"run {found.path} was trained with backend {metadata.get('backend')!r}; "
                "a run resumes on the backend that made it"
            )
        backend = get_backend(metadata["backend"])
        trainer = _load_trainer(backend)
        stored_rl, env_cfg = configs_from_metadata(metadata)
        if request.env_sets:
            raise UsageError("--env-set cannot change the env of a run being resumed")
        rl_cfg = build_rl_cfg(request.env, backend, request, base=stored_rl)
        if rl_cfg.num_envs != stored_rl.num_envs:
            raise UsageError("--num-envs cannot change when resuming: the rollout memory is sized by it")
        _check_world(world, rl_cfg, metadata)
        resume_from = latest_checkpoint(found, backend, trainer)
        if resume_from is None:
            raise UsageError(f"run {found.path} has no checkpoint to resume from")
        check_memory(env_spec, env_cfg, rl_cfg, "train")
        if world.is_main:
            run = found
            run.update_metadata(status="running", rl_cfg=dataclasses.asdict(rl_cfg),
                                resumed_from=str(resume_from), process=process_identity())
            _write_config(run, request, backend.name, rl_cfg, env_cfg)
    else:
        resolved = resolve_train(request)
        backend, on_gpu = resolved.backend.spec, resolved.on_gpu
        rl_cfg, env_cfg = resolved.rl_cfg, resolved.env_cfg
        _check_world(world, rl_cfg, None)
        trainer = _load_trainer(backend)  # fail before creating an empty run directory
        check_memory(env_spec, env_cfg, rl_cfg, "train")
        if world.is_main:
            run = RunDir.create(root, request.env, backend.name)
            run.write_metadata({
                **initial_metadata(env=request.env, backend=backend.name, framework=backend.framework,
                                   rl_cfg=rl_cfg, env_cfg=env_cfg,
                                   versions=collect_versions(get_registry().manager)),
                "defaults_sized_for": "gpu" if on_gpu else "cpu",
                "process": process_identity(),
                **_world_metadata(world, rl_cfg),
            })
            _write_config(run, request, backend.name, rl_cfg, env_cfg)
            if on_gpu and rl_cfg.gpu_defaults and not request.quiet:
                _say(f"motrix: GPU-sized defaults: {', '.join(f'{k}={v}' for k, v in rl_cfg.gpu_defaults.items())}")

    if run is not None and os.environ.get(RUN_PATH_FILE):
        Path(os.environ[RUN_PATH_FILE]).write_text(str(run.path))  # for the launcher, should a rank fail
    if not request.quiet:
        per_process = " per process" if world.distributed else ""
        ranks = f", {world.world_size} processes" if world.distributed else ""
        _say(f"motrix: training {request.env} with backend {backend.name} "
             f"({rl_cfg.num_envs} envs{per_process}{ranks}, {rl_cfg.max_env_steps:,} env-steps, seed {rl_cfg.seed})")
        _say(f"motrix: run directory {run.path}")
    with graceful_stop(defer=world.distributed) as stop:
        job = TrainJob(env_spec=env_spec, env_cfg=env_cfg, rl_cfg=rl_cfg, run=run,
                       resume_from=resume_from, quiet=request.quiet, world=world, stop=stop)
        return _run(job, trainer, request, stop)


def _run(job: TrainJob, trainer: Any, request: TrainRequest, stop: StopRequest) -> TrainOutcome:
    """The backend's training, and how it ended into the run's metadata (rank 0's)."""
    run = job.run
    try:
        result = trainer.train(job)
    except KeyboardInterrupt:
        # The trainer did not handle it; whatever checkpoint exists is the last complete one.
        if run is not None:
            _record_end(run, status="interrupted")
        raise
    except BaseException as exc:
        if run is not None:
            _record_end(run, status="failed", error=str(exc) if isinstance(exc, MotrixError)
                        else f"{type(exc).__name__}: {exc}")
        raise
    status = "interrupted" if result.interrupted else "completed"
    if run is None:
        return TrainOutcome(None, result, (stop.exit_code or 130) if result.interrupted else 0)
    run.update_metadata(
        status=status, env_steps=result.env_steps, final_mean_return=result.final_mean_return,
        last_checkpoint=str(result.checkpoint) if result.checkpoint else None,
        wall_seconds=result.wall_seconds, **({"extra": result.extra} if result.extra else {}),
    )
    if result.interrupted:
        _say(f"motrix: interrupted; resume with `motrix train {request.env} --resume {run.path}{_launch_hint(job.world)}`")
        return TrainOutcome(run, result, stop.exit_code or 130)
    if not request.quiet:
        mean = "n/a" if result.final_mean_return is None else f"{result.final_mean_return:.1f}"
        _say(f"motrix: done: {result.env_steps:,} env-steps in {result.wall_seconds:.1f} s, "
             f"mean return {mean}; play it with `motrix play {request.env} --run {run.path}`")
    return TrainOutcome(run, result, 0)
