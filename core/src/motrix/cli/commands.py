"""``motrix train``, ``play``, ``export``, ``view`` and ``bench``: thin over the modules that do the work."""

from __future__ import annotations

import argparse
import json
import statistics
import sys

from motrix.errors import UsageError


def _canonical(env: str, what: str | None = None, num_envs: int = 1) -> str:
    """The env's own name for ``env`` (which may be an alias); unknown names fail here, in one line.

    With ``what`` (``"view"``, ``"bench"``), also checks that ``num_envs`` envs fit in memory.
    """
    from motrix.registry import get_env

    spec = get_env(env)
    if what is not None:
        from motrix.env.make import make_env_cfg
        from motrix.training.resources import check_memory

        check_memory(spec, make_env_cfg(spec), None, what, num_envs)
    return spec.name


def cmd_train(args: argparse.Namespace) -> int:
    from motrix.training.run import TrainRequest, train

    request = TrainRequest(
        env=args.env, backend=args.backend, num_envs=args.num_envs, seed=args.seed,
        rand_seed=args.rand_seed, steps=args.steps, sets=args.sets, env_sets=args.env_sets,
        runs_dir=args.runs_dir, resume=args.resume, quiet=args.quiet, config=args.config,
    )
    if args.nproc is not None or args.nnodes != 1:
        from motrix.distributed.launch import LaunchPlan
        from motrix.training.launch_train import launch_train

        plan = LaunchPlan(nproc=1 if args.nproc is None else args.nproc, nnodes=args.nnodes, node_rank=args.node_rank,
                          master_addr=args.master_addr, master_port=args.master_port)
        return launch_train(request, plan, args.argv)
    outcome = train(request)
    if outcome.run is not None:
        print(outcome.run.path)
    return outcome.exit_code


def cmd_play(args: argparse.Namespace) -> int:
    from motrix.training.play import PlayRequest, play

    result, checkpoint = play(PlayRequest(
        env=args.env, run=args.run, checkpoint=args.checkpoint, policy=args.policy, episodes=args.episodes,
        num_envs=args.num_envs, seed=args.seed, runs_dir=args.runs_dir, video=args.video,
        backend=args.backend, video_size=_video_size(args), video_seconds=args.video_seconds,
    ))
    print(f"{'policy' if args.policy else 'checkpoint'}: {checkpoint}")
    for i, (ret, length) in enumerate(zip(result.returns, result.lengths), 1):
        print(f"episode {i:3d}: return {ret:10.2f}  length {length}")
    if result.returns:
        print(f"mean return over {len(result.returns)} episodes: {statistics.fmean(result.returns):.2f}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from motrix.export.exporter import ExportRequest, export

    result = export(ExportRequest(env=args.env, run=args.run, checkpoint=args.checkpoint, out=args.out,
                                  runs_dir=args.runs_dir, backend=args.backend))
    print(f"motrix: exported in {result.seconds:.1f} s; ONNX Runtime matches the policy within "
          f"{result.max_difference:.1e}; sidecar {result.sidecar}", file=sys.stderr)
    print(result.model)
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    from motrix.runs.listing import format_runs, list_runs
    from motrix.runs.rundir import runs_root

    env = _canonical(args.env) if args.env else None
    rows = list_runs(runs_root(args.runs_dir), env)
    print(json.dumps(rows, indent=2) if args.json else format_runs(rows))
    return 0


def cmd_view(args: argparse.Namespace) -> int:
    if args.num_envs <= 0:
        raise UsageError(f"--num-envs must be > 0, got {args.num_envs}")
    from motrix.view import run_view

    described = run_view(_canonical(args.env, "view", args.num_envs), num_envs=args.num_envs, steps=args.steps, seed=args.seed,
                         video=args.video, video_size=_video_size(args))
    if described:
        print(f"motrix: {described}", file=sys.stderr)
    return 0


def _video_size(args: argparse.Namespace) -> tuple[int, int]:
    from motrix.render.options import parse_size

    return parse_size(args.video_size)


def cmd_bench(args: argparse.Namespace) -> int:
    if args.num_envs <= 0:
        raise UsageError(f"--num-envs must be > 0, got {args.num_envs}")
    if args.steps <= 0:
        raise UsageError(f"--steps must be > 0, got {args.steps}")
    from motrix.bench import format_bench, run_bench

    result = run_bench(_canonical(args.env, "bench", args.num_envs), num_envs=args.num_envs, steps=args.steps, seed=args.seed)
    print(json.dumps(result, indent=2) if args.json else format_bench(result))
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from motrix.plot import plot_runs

    print(plot_runs(args.runs, args.out))
    return 0
