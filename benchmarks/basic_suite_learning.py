"""Does every classic task do what its name says after its default `motrix train`? Return and physics state.

    python benchmarks/basic_suite_learning.py                         # all seven tasks, torch
    python benchmarks/basic_suite_learning.py --envs hopper-stand reacher --backends torch jax
    python benchmarks/basic_suite_learning.py --envs walker-run --minutes-per-env 15 --json F
    python benchmarks/basic_suite_learning.py --envs hopper-hop --minutes-per-env 5 --env-set K=V   # an A/B

For each task and backend:

1. `motrix train TASK --backend B --seed S --runs-dir D`, as a user would: the task's default
   env config (the classic reward) and its default budget (``max_env_steps`` of its PPO
   config; ``--steps`` overrides it), stopped gracefully (SIGINT: a final checkpoint) if it
   passes ``--minutes-per-env`` of wall time (default 15, the issue's budget).
2. The trained policy's deterministic actions (as `motrix play` loads them) and uniform random
   actions, each over ``--episodes`` full episodes from the same seeded classic starts, judged by
   ``suite_eval.evaluate``: the mean return under the classic reward, and figures read from the
   physics state (heights, uprightness, speeds, fingertip distance; see suite_eval.py).
3. Whether the policy meets the task's goal (``suite_eval.GOALS``: a return and a physics test).

Prints one markdown row per run and the whole table at the end (``--json`` writes the figures).
Returns range from 0 to 1000 (1000 control steps, per-step rewards in [0, 1]).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from learning_runs import train_for  # noqa: E402
from locomotion_eval import load_policy  # noqa: E402
from suite_eval import GOALS, describe, evaluate, random_policy, verdict  # noqa: E402

SUITE = tuple(GOALS)
PLAY_SEED = 1234


def row(result: dict) -> str:
    trained, rand = result["trained"], result["random"]
    figures = describe({k: v for k, v in trained.items() if k != "return"})
    status = "" if result["status"] == "completed" else f" ({result['status']})"
    return (f"| {result['env']} | {result['backend']} | {result['env_steps']:,}{status} | "
            f"{result['minutes']:.1f} | {rand['return']:.1f} | {trained['return']:.1f} | {figures} | "
            f"{'yes' if result['meets_goal'] else 'no'} |")


HEADER = ("| task | backend | env-steps | minutes | random return | trained return | trained, physics state "
          "(second half of each episode) | meets goal |\n|---|---|---:|---:|---:|---:|---|---|")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", nargs="+", default=list(SUITE), choices=SUITE, metavar="TASK")
    parser.add_argument("--backends", nargs="+", default=["torch"], metavar="BACKEND")
    parser.add_argument("--minutes-per-env", type=float, default=15.0, help="wall-clock cap per training run")
    parser.add_argument("--steps", type=int, help="env-step budget (default: each task's PPO config)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--episodes", type=int, default=32, help="episodes to evaluate (default 32)")
    parser.add_argument("--runs-dir", default="runs/bench-basic")
    parser.add_argument("--run", help="skip training: evaluate this run directory (one task, its backend)")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--env-set", action="append", default=[], metavar="K=V",
                        help="train with this env-config override (an A/B of a change; the evaluation "
                             "keeps the classic task)")
    args = parser.parse_args()

    jobs = [(env, backend) for env in args.envs for backend in args.backends]
    if args.run:
        meta = json.loads((Path(args.run) / "metadata.json").read_text())
        jobs = [(meta["env"], meta["backend"])]
    results = []
    print(HEADER, flush=True)
    for env, backend in jobs:
        if args.run:
            run, wall = Path(args.run), None
        else:
            cmd = ["motrix", "train", env, "--backend", backend, "--seed", str(args.seed),
                   "--runs-dir", args.runs_dir]
            if args.steps:
                cmd += ["--steps", str(args.steps)]
            for setting in args.env_set:
                cmd += ["--env-set", setting]
            run, wall, _ = train_for(cmd, args.minutes_per_env)
        meta = json.loads((run / "metadata.json").read_text())
        trained = evaluate(env, load_policy(run, env), args.episodes, PLAY_SEED)
        rand = evaluate(env, random_policy(env, PLAY_SEED), args.episodes, PLAY_SEED)
        ok, goal = verdict(env, trained)
        if wall is None:  # an earlier run: its first to its last metadata write
            created, updated = (datetime.fromisoformat(meta[k]) for k in ("created_at", "updated_at"))
            wall = (updated - created).total_seconds()
        minutes = wall / 60
        results.append({"env": env, "backend": backend, "run": str(run),
                        "env_steps": int(meta.get("env_steps", 0)),
                        "status": meta.get("status", "?"), "minutes": minutes, "goal": goal, "meets_goal": ok,
                        "trained": trained, "random": rand})
        print(row(results[-1]), flush=True)
    print()
    print(HEADER)
    print("\n".join(row(r) for r in results))
    for r in results:
        print(f"  {r['env']}: goal {r['goal']}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
