"""``motrix train ENV --nproc N``: check the request once, here, then start and watch the ranks.

Everything a rank would refuse (an unknown env or key, a bad value, a resume with another
world size) is refused before any process starts, in one line; ``--rand-seed`` is drawn
once, so that every rank derives its seed from the same one.
"""

from __future__ import annotations

import dataclasses
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from motrix.distributed.launch import LaunchPlan, launch, worker_argv
from motrix.distributed.world import World
from motrix.errors import MotrixError
from motrix.registry import get_backend, get_env
from motrix.runs.rundir import RunDir, runs_root
from motrix.training.resources import check_memory
from motrix.training.run import TrainRequest, _check_world, _load_trainer, resolve_train
from motrix.training.trained import configs_from_metadata


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _mark_failed(run: Path, why: str) -> None:
    try:
        RunDir(run).update_metadata(status="failed", error=why)
    except (OSError, MotrixError):
        pass  # the launcher's line says what happened


def check_request(request: TrainRequest, plan: LaunchPlan) -> None:
    """``UsageError`` (one line) for whatever the ranks would refuse."""
    plan.check()
    world = World(world_size=plan.world_size, local_world_size=plan.nproc)
    env_spec = get_env(request.env)
    if request.resume:
        run = RunDir.resolve(request.resume, runs_root(request.runs_dir), env_spec.name)
        metadata = run.read_metadata()
        rl_cfg, env_cfg = configs_from_metadata(metadata)
        _load_trainer(get_backend(metadata["backend"]))
        _check_world(world, rl_cfg, metadata)
    else:
        resolved = resolve_train(request)
        rl_cfg, env_cfg = resolved.rl_cfg, resolved.env_cfg
        _load_trainer(resolved.backend.spec)
        _check_world(world, rl_cfg, None)
    # this machine's processes together
    check_memory(env_spec, env_cfg, rl_cfg.replace(num_envs=rl_cfg.num_envs * plan.nproc), "train")


def launch_train(request: TrainRequest, plan: LaunchPlan, argv: Sequence[str]) -> int:
    """Check, then run this machine's ranks; the exit status of ``motrix train``."""
    check_request(request, plan)
    args = worker_argv(argv)
    if request.rand_seed:
        seed = random.SystemRandom().randrange(2**31)
        args = [a for a in args if a != "--rand-seed"] + ["--seed", str(seed)]
        request = dataclasses.replace(request, rand_seed=False, seed=seed)
    return launch(plan, args, get_env(request.env).name, _say, _mark_failed)
