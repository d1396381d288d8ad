"""Evidence that `motrix train go1-rough` / `go1-stairs` (and go2-rough, anymal-c-rough) learn with their terrain curriculum.

    python benchmarks/go1_terrain_learning.py --env go1-rough --minutes 18 [--seed 0] [--json F]
    python benchmarks/go1_terrain_learning.py --env go1-stairs --run RUN_DIR   # evaluate only
    python benchmarks/go1_terrain_learning.py --env go1-rough --resume RUN_DIR --minutes 15  # train on
    python benchmarks/go1_terrain_learning.py --env go2-rough --env-set action_scale=0.35   # an A/B

``--env-set KEY=VALUE`` changes the env for training and evaluation alike.

1. Runs `motrix train ENV` as a user would for a wall-clock budget (SIGINT past it: a final
   checkpoint), see `learning_runs.train_for`.
2. Reads the run's curves: the curriculum's mean terrain level (`Metrics / Instant /
   terrain_level`), the tracking reward, the planar velocity error and the episode length.
3. Evaluates the final policy deterministically with `locomotion_eval.evaluate_grid` (the
   fixed command grid, errors and falls from the physics state) on terrain of the difficulty
   of the easiest, a middle and the hardest level, next to the zero-action (standing)
   baseline. Each evaluation terrain is one tile of that level's difficulty, 24 m wide, so a
   robot walking 10 s at 1 m/s stays on that difficulty instead of crossing into the
   neighbouring levels of the training grid.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learning_runs import curve_ends, literal_overrides, print_run, train_for  # noqa: E402
from locomotion_eval import evaluate_grid, format_table, load_policy, zero_policy  # noqa: E402

CURVES = ("Metrics / Instant / terrain_level", "Reward / Episode / tracking_lin_vel",
          "Metrics / Instant / planar_velocity_error", "Episode / Length (mean)")
EVAL_TILE = 24.0
"""Edge (m) of the single-difficulty evaluation terrain."""


def level_terrain(env_name: str, level: int) -> dict:
    """Overrides that make `env_name`'s terrain one EVAL_TILE-wide tile of level `level`'s difficulty."""
    import motrix
    from motrix_envs_locomotion.levels import linear_levels

    cfg = motrix.make(env_name, num_envs=1).cfg
    difficulty = float(linear_levels(cfg.level_range, cfg.terrain_levels)[level])
    return {"terrain_levels": 1, "terrain_columns": 1, "terrain_tile_size": EVAL_TILE,
            "level_range": (difficulty, difficulty), "curriculum_start_levels": 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="go1-rough",
                        choices=("go1-rough", "go1-stairs", "go2-rough", "anymal-c-rough"))
    parser.add_argument("--minutes", type=float, default=18.0)
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, help="env-step budget (default: the config's)")
    parser.add_argument("--runs-dir", default="runs/bench-go1-terrain")
    parser.add_argument("--run", help="skip training: evaluate this run directory")
    parser.add_argument("--resume", help="continue this run directory for --minutes, then evaluate it")
    parser.add_argument("--robots", type=int, default=32, help="robots per command of the grid")
    parser.add_argument("--levels", type=int, nargs="*", help="levels to evaluate (default: first, middle, last)")
    parser.add_argument("--env-set", action="append", default=[], metavar="KEY=VALUE",
                        help="env config override for training and evaluation (an A/B)")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    env_overrides = literal_overrides(args.env_set)

    if args.run:
        run, wall, code = Path(args.run), None, None
    else:
        cmd = ["motrix", "train", args.env, "--backend", args.backend, "--seed", str(args.seed),
               "--runs-dir", args.runs_dir, *(["--steps", str(args.steps)] if args.steps else []),
               *(["--resume", args.resume] if args.resume else []),
               *(a for s in ([] if args.resume else args.env_set) for a in ("--env-set", s))]
        run, wall, code = train_for(cmd, args.minutes)
    ends = curve_ends(run, CURVES)
    meta = print_run(run, wall, code, ends)

    import motrix

    cfg = motrix.make(args.env, num_envs=1).cfg
    levels = args.levels if args.levels else sorted({0, (cfg.terrain_levels - 1) // 2, cfg.terrain_levels - 1})
    trained = load_policy(run, args.env)
    results = {"run": str(run), "env": args.env, "env_overrides": args.env_set,
               "env_steps": meta.get("env_steps"), "wall_seconds": wall,
               "curves": {k: {"first": v[0], "last": v[1]} for k, v in ends.items()}, "levels": {}}
    for level in levels:
        overrides = {**env_overrides, **level_terrain(args.env, level)}
        columns = {name: evaluate_grid(policy, args.env, robots_per_command=args.robots, **overrides)
                   for name, policy in (("zero actions", zero_policy), ("trained", trained))}
        difficulty = overrides["level_range"][0]
        print(f"\nlevel {level} ({'bump height' if cfg.terrain == 'rough' else 'step height'} "
              f"{difficulty * 100:.1f} cm):")
        print(format_table(columns))
        results["levels"][str(level)] = {"difficulty_m": difficulty, **columns}
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    sys.exit(main())
