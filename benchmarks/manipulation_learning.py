"""Evidence that `motrix train` learns the Franka tasks: a time-budgeted run, then success rates.

    python benchmarks/manipulation_learning.py franka-lift-cube --minutes 30 [--backend torch]
    python benchmarks/manipulation_learning.py franka-open-cabinet --run runs/…/RUN   # evaluate only
    python benchmarks/manipulation_learning.py franka-lift-cube --resume runs/…/RUN --minutes 20
    python benchmarks/manipulation_learning.py franka-lift-cube --minutes 10 --env-set K=V   # an A/B

1. Runs `motrix train ENV` as a user would and stops it gracefully (SIGINT: the trainer writes
   a final checkpoint) when the wall budget is spent, or lets it finish its env-step budget.
2. Reads the run's TensorBoard curves: the task's reward terms and success metric, first and
   last write.
3. Plays the final policy deterministically (mean actions) for --episodes whole episodes
   (default 256, all in parallel, fresh seed) and judges each episode's end from the physics
   state alone — the cube's centre within 5 cm of its target (lift), the drawer's slide joint
   open >= 0.2 m (cabinet) — next to the random policy (uniform actions) and to holding still
   (zero actions) on the same initial states. An episode that ended early (cube lost, blow-up)
   counts as a failure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learning_runs import curve_ends, print_run, train_for  # noqa: E402

TASKS = {  # reward terms and metrics whose curves are printed
    "franka-lift-cube": (("reach", "grasp", "lift", "target", "target_fine"),
                         ("held", "cube_height", "cube_target_distance", "success")),
    "franka-open-cabinet": (("approach", "align", "grasp", "open", "open_bonus"),
                            ("held", "tcp_handle_distance", "drawer_opening", "success")),
}


def train(args: argparse.Namespace) -> tuple[Path, float, int]:
    if args.resume:  # continue an earlier run (its own config) for another --minutes
        cmd = ["motrix", "train", args.env, "--resume", args.resume]
    else:
        cmd = ["motrix", "train", args.env, "--backend", args.backend, "--seed", str(args.seed),
               "--runs-dir", args.runs_dir, *(["--steps", str(args.steps)] if args.steps else []),
               *sum((["--set", s] for s in args.set), []),
               *sum((["--env-set", s] for s in args.env_set), [])]
    return train_for(cmd, args.minutes)


def curves(run: Path, env: str) -> dict[str, tuple[tuple[int, float], tuple[int, float]]]:
    terms, metrics = TASKS[env]
    tags = [f"Reward / Instant / {t}" for t in terms] + [f"Metrics / Instant / {m}" for m in metrics]
    return curve_ends(run, [*tags, "Reward / Total reward (mean)", "Episode / Total timesteps (mean)"])


def physics_success(env) -> np.ndarray:
    """Each env's task success read from the physics state (not from the env's metrics)."""
    dof = env.data.dof_pos
    if env.cfg.__class__.__name__ == "LiftCfg":
        return np.linalg.norm(dof[:, 9:12] - env.state.info["target"], axis=1) < 0.05
    return dof[:, 9] >= 0.2  # the drawer's slide joint


def evaluate(env_name: str, policy, episodes: int, seed: int) -> dict[str, float]:
    """Success rate of ``policy(obs)`` over ``episodes`` parallel episodes, judged at their end."""
    import motrix

    probe = motrix.make(env_name, num_envs=1)
    steps = probe.cfg.max_episode_steps
    # One step longer than the task's episodes, so no env is auto-reset at the judged step.
    env = motrix.make(env_name, num_envs=episodes, seed=seed,
                      max_episode_seconds=(steps + 1) * probe.cfg.ctrl_dt)
    state = env.init_state()
    ended_early = np.zeros(episodes, bool)
    for _ in range(steps):
        state = env.step(policy(state.obs))
        ended_early |= state.done
    success = physics_success(env) & ~ended_early
    return {"success_rate": float(success.mean()), "ended_early": float(ended_early.mean()),
            "metric_agrees": bool(np.array_equal(state.info["metrics"]["success"][~ended_early] > 0,
                                                 physics_success(env)[~ended_early]))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("env", choices=sorted(TASKS))
    parser.add_argument("--minutes", type=float, default=30.0, help="wall budget of the training run")
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, help="env-step budget (default: the config's)")
    parser.add_argument("--set", action="append", default=[], help="RL config override, as for motrix train")
    parser.add_argument("--env-set", action="append", default=[], metavar="K=V",
                        help="env config override for training, as for motrix train (an A/B of the reward);"
                             " the evaluation judges the task's own success from the physics state")
    parser.add_argument("--runs-dir", default="runs/bench-manipulation")
    parser.add_argument("--run", help="skip training: evaluate this run directory")
    parser.add_argument("--resume", help="train this earlier run on for --minutes, then evaluate it")
    parser.add_argument("--episodes", type=int, default=256)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    if args.episodes < 1 or args.minutes <= 0:
        parser.error("--episodes and --minutes must be positive")

    if args.run:
        run, wall, code = Path(args.run), None, None
        if not (run / "metadata.json").is_file():
            parser.error(f"--run {run}: not a run directory (no metadata.json)")
    else:
        run, wall, code = train(args)
    first_last = curves(run, args.env)
    meta = print_run(run, wall, code, first_last)

    import motrix
    from motrix.registry import get_backend

    probe_env = motrix.make(args.env, num_envs=1)
    index = json.loads((run / "checkpoints" / "index.json").read_text())
    checkpoint = run / "checkpoints" / index["latest"]["file"]
    trained = get_backend(meta["backend"]).load_trainer_class()().load_policy(checkpoint, args.env, probe_env)
    rng = np.random.default_rng(args.seed + 1)
    policies = {
        "trained (deterministic)": trained,
        "random (uniform actions)": lambda obs: rng.uniform(-1, 1, (obs.shape[0], 8)).astype(np.float32),
        "zero actions": lambda obs: np.zeros((obs.shape[0], 8), np.float32),
    }
    results = {"env": args.env, "run": str(run), "env_steps": meta.get("env_steps"), "wall_seconds": wall,
               "episodes": args.episodes,
               "curves": {k: {"first": v[0], "last": v[1]} for k, v in first_last.items()}}
    for name, policy in policies.items():
        figures = evaluate(args.env, policy, args.episodes, seed=10_000 + args.seed)
        results[name] = figures
        print(f"  {name:26s} success {figures['success_rate']:6.1%} over {args.episodes} episodes"
              f" (ended early {figures['ended_early']:.1%}; env metric agrees: {figures['metric_agrees']})")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
