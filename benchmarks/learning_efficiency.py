"""The learning-efficiency suite: env-steps until the deterministic policy first meets its task's goal.

    python benchmarks/learning_efficiency.py go1 [--backend torch] [--seeds 0 1 2] [--steps N] [--label L --set K=V ...]
    python benchmarks/learning_efficiency.py --table          # every result so far, one table per task

One part = one task, backend, seed and label (a variant of the learner: ``--set`` RL
overrides, ``--env-set`` env overrides). Each part:

1. trains the default ``motrix train TASK --seed S`` up to ``--steps`` env-steps (the task's
   budget below by default), with a checkpoint every ``--checkpoint-updates`` PPO updates, none
   pruned, nothing else changed, under a wall cap;
2. evaluates the checkpoints oldest first with the task's own judge, from the physics state
   (the quadrupeds' command grid, Franka success over 256 full-task episodes, the classic
   suite's return and posture), stopping at the first that meets the goal: its env-steps are
   the figure (env-steps are exact for a seed; seconds depend on the day);
3. measures the throughput beside it, in the same sitting: training env-steps/s (the run's
   own) and env-only env-steps/s (``motrix bench TASK`` at the run's ``num_envs``), so that
   wall time = env-steps ÷ training throughput is explained rather than guessed.

Each part is written to ``--out`` (``benchmarks/results/efficiency/TASK__BACKEND__LABEL__seedS.json``)
as soon as it ends, and a part already there is skipped: the suite is built up over several
sittings. Run one part at a time on a quiet machine (one CPU-heavy job at a time).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learning_runs import literal_overrides, train_for  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "efficiency"


@dataclass(frozen=True)
class Task:
    """How one task is judged, and its default budget."""

    steps: int
    """Env-step budget of a part."""
    judge: Callable[[Any, str, dict], tuple[bool, dict]]
    """(policy, env name, env overrides) → (goal met, figures from the physics state)."""
    goal: str
    """The goal in words."""


def walks(policy: Any, env: str, overrides: dict) -> tuple[bool, dict]:
    from locomotion_eval import evaluate_grid

    result = evaluate_grid(policy, env, robots_per_command=32, **overrides)
    mean, worst = result["mean"], result["worst"]
    figures = {"mean_planar": mean["planar_velocity_error"], "worst_planar": worst["planar_velocity_error"],
               "mean_yaw": mean["yaw_rate_error"], "falls": mean["falls_per_robot_per_10s"]}
    return figures["mean_planar"] <= 0.10 and figures["worst_planar"] <= 0.15 and figures["falls"] == 0, figures


def succeeds(policy: Any, env: str, overrides: dict) -> tuple[bool, dict]:
    from manipulation_learning import evaluate

    figures = evaluate(env, policy, episodes=256, seed=7)
    return figures["success_rate"] >= 0.9, figures


def classic(policy: Any, env: str, overrides: dict) -> tuple[bool, dict]:
    from suite_eval import evaluate, verdict

    figures = evaluate(env, policy, episodes=32)
    return verdict(env, figures)[0], figures


TASKS = {
    "go1": Task(3_000_000, walks, "grid planar error mean <= 0.10, worst <= 0.15 m/s, no falls"),
    "go2": Task(6_000_000, walks, "as go1"),
    "anymal-c": Task(3_000_000, walks, "as go1"),
    "franka-lift-cube": Task(15_000_000, succeeds, "success >= 90 % of 256 full-task episodes"),
    "franka-open-cabinet": Task(8_000_000, succeeds, "success >= 90 % of 256 episodes"),
    "walker-walk": Task(5_000_000, classic, "the classic suite's goal (suite_eval.GOALS)"),
    "walker-stand": Task(3_000_000, classic, "the classic suite's goal"),
    "hopper-stand": Task(5_000_000, classic, "the classic suite's goal"),
    "reacher": Task(2_000_000, classic, "the classic suite's goal"),
}


def part_path(out: Path, task: str, backend: str, label: str, seed: int) -> Path:
    return out / f"{task}__{backend}__{label}__seed{seed}.json"


def checkpoint_every(task: str, backend: str, updates: int, rl_sets: list[str]) -> tuple[int, int]:
    """(iterations between checkpoints for ``updates`` PPO updates, env-steps per iteration)."""
    from motrix.registry import get_rl_config

    cfg = get_rl_config(task, backend).load_cfg_class()()
    for key, value in literal_overrides(rl_sets).items():
        if hasattr(cfg, key):
            setattr(cfg, key, value)
    return updates * cfg.rollouts, cfg.num_envs


def env_only_throughput(task: str, num_envs: int, env_sets: list[str]) -> float | None:
    """``motrix bench TASK``'s env-steps/s at ``num_envs`` (the env alone, no learner)."""
    if env_sets:
        return None  # motrix bench takes no env overrides
    out = subprocess.run(["motrix", "bench", task, "--num-envs", str(num_envs), "--json"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None
    return json.loads(out.stdout)["env_steps_per_s"]


def run_part(task: str, backend: str, seed: int, label: str, args: argparse.Namespace) -> dict:
    import motrix
    from motrix.registry import get_backend

    spec = TASKS[task]
    steps = args.steps or spec.steps
    every, num_envs = checkpoint_every(task, backend, args.checkpoint_updates, args.set)
    cmd = ["motrix", "train", task, "--backend", backend, "--seed", str(seed), "--steps", str(steps),
           "--runs-dir", str(args.runs_dir), "--quiet", "--set", f"check_point_interval={every}",
           "--set", "keep_checkpoints=0", *(a for s in args.set for a in ("--set", s)),
           *(a for s in args.env_set for a in ("--env-set", s))]
    run, wall, code = train_for(cmd, args.minutes)
    meta = json.loads((run / "metadata.json").read_text())
    overrides = literal_overrides(args.env_set)
    trainer = get_backend(backend).load_trainer_class()()
    probe = motrix.make(task, num_envs=1, **overrides)
    index = json.loads((run / "checkpoints" / "index.json").read_text())
    rows, reached = [], None
    for entry in sorted(index["all"], key=lambda e: e["env_steps"]):
        policy = trainer.load_policy(run / "checkpoints" / entry["file"], task, probe)
        ok, figures = spec.judge(policy, task, overrides)
        rows.append({"env_steps": entry["env_steps"], "meets_goal": ok, **figures})
        print(f"  {entry['env_steps']:>11,} env-steps  {'MEETS' if ok else '     '}  "
              + ", ".join(f"{k} {v:.3f}" for k, v in figures.items() if isinstance(v, float)), flush=True)
        if ok:
            reached = entry["env_steps"]
            break
    training = (meta.get("extra") or {}).get("env_steps_per_second")
    return {"task": task, "backend": backend, "seed": seed, "label": label, "rl_overrides": args.set,
            "env_overrides": args.env_set, "budget_env_steps": steps, "trained_env_steps": meta.get("env_steps"),
            "exit_code": code, "wall_seconds": round(wall, 1), "env_steps_to_goal": reached, "goal": spec.goal,
            "training_env_steps_per_s": training, "env_only_env_steps_per_s": env_only_throughput(task, num_envs,
                                                                                                    args.env_set),
            "num_envs": num_envs, "date": time.strftime("%Y-%m-%d"), "run": str(run), "checkpoints": rows}


def table(out: Path) -> str:
    """Markdown: per task, backend and label, env-steps to the goal per seed and their median."""
    parts = [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]
    lines = ["| task | backend | label | seeds: env-steps to goal | median | training / env-only env-steps/s |",
             "|---|---|---|---|---|---|"]
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for part in parts:
        groups.setdefault((part["task"], part["backend"], part["label"]), []).append(part)
    for (task, backend, label), group in sorted(groups.items()):
        group.sort(key=lambda p: p["seed"])
        cells = [f"{p['seed']}: " + (f"{p['env_steps_to_goal'] / 1e6:.2f}M" if p["env_steps_to_goal"]
                                     else f"> {p['trained_env_steps'] / 1e6:.2f}M") for p in group]
        # a seed that did not get there counts as more than any that did: the median is known
        # while fewer than half missed
        reached = sorted(p["env_steps_to_goal"] or float("inf") for p in group)
        middle = statistics.median_low(reached) if len(reached) >= 3 else float("inf")
        median = f"{middle / 1e6:.2f}M" if middle != float("inf") and len(reached) % 2 else "–"
        speed = ", ".join(f"{p['training_env_steps_per_s'] or 0:,.0f} / {p['env_only_env_steps_per_s'] or 0:,.0f}"
                          for p in group)
        lines.append(f"| `{task}` | {backend} | {label} | {'; '.join(cells)} | {median} | {speed} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", nargs="?", choices=sorted(TASKS))
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--label", default="default", help="names the variant (with --set / --env-set)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="RL config override")
    parser.add_argument("--env-set", action="append", default=[], metavar="KEY=VALUE", help="env config override")
    parser.add_argument("--steps", type=int, help="env-step budget (default: the task's)")
    parser.add_argument("--minutes", type=float, default=20.0, help="wall cap of a part's training")
    parser.add_argument("--checkpoint-updates", type=int, default=8, help="PPO updates between checkpoints")
    parser.add_argument("--runs-dir", type=Path, default=Path("runs/efficiency"))
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--table", action="store_true", help="print the table of every result in --out")
    args = parser.parse_args()
    if args.table:
        print(table(args.out))
        return 0
    if args.task is None:
        parser.error("name a task, or --table")
    args.out.mkdir(parents=True, exist_ok=True)
    for seed in args.seeds:
        path = part_path(args.out, args.task, args.backend, args.label, seed)
        if path.exists():
            print(f"{path.name}: done already, skipped", flush=True)
            continue
        result = run_part(args.task, args.backend, seed, args.label, args)
        path.write_text(json.dumps(result, indent=2))
        reached = result["env_steps_to_goal"]
        print(f"{path.name}: " + (f"goal at {reached:,} env-steps" if reached else
                                  f"goal not met within {result['trained_env_steps']:,} env-steps"), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
