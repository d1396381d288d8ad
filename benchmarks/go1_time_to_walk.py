"""Go1 time to walk: the default `motrix train go1` for a wall budget, then every checkpoint on a command grid.

    python benchmarks/go1_time_to_walk.py [--minutes 8] [--seeds 0 1 2] [--backend torch] [--json out.json]
    python benchmarks/go1_time_to_walk.py --env go2 [--eval-set curriculum=False] ...   # any quadruped
    python benchmarks/go1_time_to_walk.py --env go2 --env-set action_scale=0.35 ...     # an A/B
    python benchmarks/go1_time_to_walk.py --seeds 0 --steps 2500000 --set privileged_critic=false  # of the learner

``--env`` times any velocity-tracking quadruped the same way (go2, anymal-c, their rough
variants); ``--eval-set KEY=VALUE`` changes the evaluation envs only, e.g.
``curriculum=False`` to evaluate a rough-ground policy on every terrain level at random;
``--env-set KEY=VALUE`` changes the env for training and evaluation alike (an A/B of the
robot's interface, e.g. ``action_scale``, must be evaluated the way it was trained).

Per seed:

1. Runs `motrix train go1 --seed S` as a user would, with two changes that do not touch
   training: a checkpoint every ``--checkpoint-updates`` PPO updates (default 16: 16 x 24
   rollout steps x 1024 envs, ~393k env-steps) and none pruned, so that the curve has points
   to read. It is stopped with
   SIGINT (a final checkpoint) when the budget is spent.
2. After training (so that the evaluation takes no CPU from it), evaluates every checkpoint
   with ``locomotion_eval.evaluate_grid``: deterministic policy, the fixed command grid
   (forward 0.5 and 1.0 m/s, backward, sideways, turning, an arc, a diagonal, standing),
   the first 2 s of each evaluation skipped, errors and falls from the physics state.
3. Reports per checkpoint: wall time since the command started (start-up included), env-steps,
   mean and worst planar velocity error, mean yaw-rate error, falls per robot per 10 s; and
   the **time to walk**: the wall time of the first checkpoint with mean planar error
   ≤ 0.10 m/s, worst ≤ 0.15 m/s and no falls.

The median over seeds is the figure to quote (docs/performance.md). The zero-action
(standing) baseline is printed first for scale.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learning_runs import literal_overrides, train_for  # noqa: E402
from locomotion_eval import evaluate_grid, zero_policy  # noqa: E402

MEAN_OK, WORST_OK = 0.10, 0.15
"""Walking: mean planar velocity error over the grid ≤ MEAN_OK m/s, worst command ≤ WORST_OK, no falls."""


def checkpoint_interval(env: str, backend: str, updates: int) -> int:
    """``check_point_interval`` (vectorized env steps) for a checkpoint every ``updates`` PPO updates."""
    from motrix.registry.resolve import get_rl_config

    return updates * get_rl_config(env, backend).load_cfg_class()().rollouts


def train(env: str, seed: int, minutes: float, backend: str, updates: int, runs: Path,
          env_sets: tuple[str, ...] = (), rl_sets: tuple[str, ...] = (), steps: int | None = None
          ) -> tuple[Path, float]:
    """One budgeted `motrix train ENV` (wall minutes, and env-steps when given); (run directory,
    the time.time() the command started)."""
    every = checkpoint_interval(env, backend, updates)
    cmd = ["motrix", "train", env, "--backend", backend, "--seed", str(seed), "--runs-dir", str(runs),
           "--quiet", "--set", f"check_point_interval={every}", "--set", "keep_checkpoints=0",
           *(["--steps", str(steps)] if steps else []),
           *(a for s in env_sets for a in ("--env-set", s)), *(a for s in rl_sets for a in ("--set", s))]
    started = time.time()
    run, _, _ = train_for(cmd, minutes)
    return run, started


def checkpoints(run: Path) -> list[tuple[Path, int]]:
    """The run's checkpoint files and their env-steps, oldest first."""
    index = json.loads((run / "checkpoints" / "index.json").read_text())
    entries = sorted(index["all"], key=lambda e: e["env_steps"])
    return [(run / "checkpoints" / entry["file"], int(entry["env_steps"])) for entry in entries]


def evaluate_run(run: Path, started: float, robots: int, env: str = "go1", **overrides) -> list[dict]:
    import motrix
    from motrix.registry import get_backend

    meta = json.loads((run / "metadata.json").read_text())
    trainer = get_backend(meta["backend"]).load_trainer_class()()
    probe_env = motrix.make(env, num_envs=1)
    rows = []
    for path, env_steps in checkpoints(run):
        policy = trainer.load_policy(path, env, probe_env)
        result = evaluate_grid(policy, env, robots_per_command=robots, **overrides)
        mean, worst = result["mean"], result["worst"]
        row = {"checkpoint": path.name, "wall_s": round(path.stat().st_mtime - started, 1),
               "env_steps": env_steps,
               "mean_planar": mean["planar_velocity_error"], "worst_planar": worst["planar_velocity_error"],
               "mean_yaw": mean["yaw_rate_error"], "falls": mean["falls_per_robot_per_10s"],
               "commands": result["commands"]}
        row["walks"] = row["mean_planar"] <= MEAN_OK and row["worst_planar"] <= WORST_OK and row["falls"] == 0
        rows.append(row)
        print(f"  {row['wall_s']:7.1f} s {row['env_steps']:>11,} env-steps | planar mean {row['mean_planar']:.3f}"
              f" worst {row['worst_planar']:.3f} m/s | yaw {row['mean_yaw']:.3f} rad/s | falls {row['falls']:.2f}"
              + ("  walks" if row["walks"] else ""), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="go1", help="the velocity-tracking quadruped to time")
    parser.add_argument("--eval-set", action="append", default=[], metavar="KEY=VALUE",
                        help="env config override for the evaluation only (Python literal values)")
    parser.add_argument("--env-set", action="append", default=[], metavar="KEY=VALUE",
                        help="env config override for training and evaluation (an A/B)")
    parser.add_argument("--set", dest="rl_set", action="append", default=[], metavar="KEY=VALUE",
                        help="RL config override for training (an A/B of the learner)")
    parser.add_argument("--minutes", type=float, default=8.0, help="wall budget of each training run")
    parser.add_argument("--steps", type=int, help="env-step budget of each training run (besides --minutes)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--checkpoint-updates", type=int, default=16, help="PPO updates between checkpoints")
    parser.add_argument("--robots", type=int, default=32, help="robots per command of the grid")
    parser.add_argument("--runs-dir", help="keep the runs here (default: a temporary folder)")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    overrides = literal_overrides([*args.env_set, *args.eval_set])

    standing = evaluate_grid(zero_policy, args.env, robots_per_command=args.robots, **overrides)
    print(f"standing (zero actions): planar mean {standing['mean']['planar_velocity_error']:.3f}"
          f" worst {standing['worst']['planar_velocity_error']:.3f} m/s", flush=True)
    figures: dict = {"env": args.env, "env_overrides": args.env_set, "eval_overrides": args.eval_set,
                     "rl_overrides": args.rl_set, "backend": args.backend, "minutes": args.minutes,
                     "steps": args.steps,
                     "standing": standing["mean"], "seeds": {}}
    with tempfile.TemporaryDirectory() as tmp:
        runs = Path(args.runs_dir or tmp)
        for seed in args.seeds:
            run, started = train(args.env, seed, args.minutes, args.backend, args.checkpoint_updates, runs,
                                 tuple(args.env_set), tuple(args.rl_set), args.steps)
            rows = evaluate_run(run, started, args.robots, args.env, **overrides)
            walking = next((r for r in rows if r["walks"]), None)
            figures["seeds"][seed] = {"run": str(run), "checkpoints": rows,
                                      "time_to_walk_s": walking["wall_s"] if walking else None}
            print(f"seed {seed}: time to walk "
                  + (f"{walking['wall_s']:.0f} s ({walking['env_steps']:,} env-steps)" if walking
                     else f"not within {args.minutes:g} min"), flush=True)
    times = [s["time_to_walk_s"] for s in figures["seeds"].values()]
    reached = [t for t in times if t is not None]
    if len(reached) == len(times):
        figures["median_time_to_walk_s"] = statistics.median(reached)
        print(f"median time to walk over seeds {args.seeds}: {figures['median_time_to_walk_s']:.0f} s")
    else:
        print(f"{len(times) - len(reached)} of {len(times)} seeds did not walk within the budget: no median")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
