"""Evidence that `motrix train go1` learns: a time-budgeted run, then a tracking test.

    python benchmarks/go1_learning.py --minutes 30 [--backend torch] [--seed 0] [--runs-dir D]

1. Runs `motrix train go1` as a user would and stops it gracefully (SIGINT: the trainer
   writes a final checkpoint) when the time budget is spent, or lets it finish.
2. Reads the run's TensorBoard curves: velocity-tracking reward and forward-velocity error at
   the first and the last write.
3. Plays the final policy deterministically on 64 robots commanded to walk forward at
   0.5 m/s (no sideways, no turning) for 10 s, against the untrained baseline of holding
   the standing pose (zero actions), and reports the mean forward-velocity error and speed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learning_runs import curve_ends, print_run, train_for  # noqa: E402

CURVES = ("Reward / Episode / tracking_lin_vel", "Reward / Episode / tracking_ang_vel",
          "Metrics / Instant / forward_velocity_error", "Episode / Length (mean)")


def train(args: argparse.Namespace) -> tuple[Path, float, int]:
    cmd = ["motrix", "train", "go1", "--backend", args.backend, "--seed", str(args.seed),
           "--runs-dir", args.runs_dir, *(["--steps", str(args.steps)] if args.steps else [])]
    return train_for(cmd, args.minutes)


def curves(run: Path) -> dict[str, tuple[tuple[int, float], tuple[int, float]]]:
    return curve_ends(run, CURVES)


def tracking_test(policy, speed: float, envs: int = 64, seconds: float = 10.0) -> dict[str, float]:
    import motrix

    env = motrix.make("go1", num_envs=envs, seed=123, command_lin_vel_x=(speed, speed),
                      command_lin_vel_y=(0.0, 0.0), command_yaw_rate=(0.0, 0.0), command_resample_seconds=1e6)
    state = env.init_state()
    steps = int(seconds / env.cfg.ctrl_dt)
    errors, speeds, falls = [], [], 0
    for t in range(steps):
        state = env.step(policy(state.obs))
        falls += int(state.terminated.sum())
        if t >= steps // 5:  # skip the first 2 s: getting up to speed
            errors.append(state.info["metrics"]["forward_velocity_error"].mean())
            speeds.append(state.obs[:, 0].mean())  # body-frame forward velocity
    return {"forward_velocity_error": float(np.mean(errors)), "forward_speed": float(np.mean(speeds)),
            "falls_per_robot": falls / envs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, help="env-step budget (default: the config's)")
    parser.add_argument("--runs-dir", default="runs/bench-go1")
    parser.add_argument("--run", help="skip training: evaluate this run directory")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()

    if args.run:
        run, wall, code = Path(args.run), None, None
    else:
        run, wall, code = train(args)
    first_last = curves(run)
    meta = print_run(run, wall, code, first_last)

    import motrix
    from motrix.registry import get_backend

    probe_env = motrix.make("go1", num_envs=1)
    checkpoint = run / "checkpoints" / json.loads((run / "checkpoints" / "index.json").read_text())["latest"]["file"]
    # the backend's public loader, as `motrix play` uses it (it also configures the framework)
    trained = get_backend(meta["backend"]).load_trainer_class()().load_policy(checkpoint, "go1", probe_env)
    results = {"run": str(run), "env_steps": meta.get("env_steps"), "wall_seconds": wall,
               "curves": {k: {"first": v[0], "last": v[1]} for k, v in first_last.items()}}
    for speed in (0.5, 1.0):
        standing = tracking_test(lambda obs: np.zeros((obs.shape[0], 12), np.float32), speed)
        learnt = tracking_test(trained, speed)
        results[f"command_{speed}"] = {"standing": standing, "trained": learnt}
        print(f"  command vx={speed} m/s: forward-velocity error standing {standing['forward_velocity_error']:.3f}"
              f" → trained {learnt['forward_velocity_error']:.3f} m/s; trained speed {learnt['forward_speed']:.3f} m/s,"
              f" falls per robot in 10 s {learnt['falls_per_robot']:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    sys.exit(main())
