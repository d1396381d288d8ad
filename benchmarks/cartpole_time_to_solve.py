"""Default `motrix train cartpole --backend B` for several seeds: time to solve, then play.

    python benchmarks/cartpole_time_to_solve.py [--backend torch] [--seeds 0 1 2] [--json out.json]

For each seed, runs the real command in a fresh process and reports:

- ``command_s``: wall time of the whole `motrix train` command (start-up included);
- ``cpu_s``: CPU time of that process (user + sys; less sensitive to a busy machine);
- ``to_target_s`` / ``to_target_steps``: training wall time and env-steps until the mean
  return of the last 100 episodes first reached the target (950 for cartpole);
- ``env_steps`` and ``steps_per_s``: the whole budget and the training throughput;
- ``play_mean``: mean return of `motrix play` on that run over 10 episodes.

Goals (issue 4, torch on the 2-core CPU machine): whole command ≤ 15 s with a policy that
plays ≥ 950; median time to mean return ≥ 950 over seeds 0, 1, 2 ≤ 8 s. The machine is
shared: compare figures taken side by side, and look at ``cpu_s`` when it is busy.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 950.0


def motrix(*args: str) -> list[str]:
    return [sys.executable, "-m", "motrix", *args]


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_seed(backend: str, seed: int, runs_dir: Path, episodes: int, extra: list[str]) -> dict:
    cpu0, start = child_cpu(), time.perf_counter()
    train = subprocess.run(
        motrix("train", "cartpole", "--backend", backend, "--seed", str(seed), "--runs-dir", str(runs_dir),
               "--quiet", *extra),
        capture_output=True, text=True,
    )
    command_s, cpu_s = time.perf_counter() - start, child_cpu() - cpu0
    if train.returncode != 0:
        raise SystemExit(f"seed {seed}: motrix train failed: {train.stderr.strip()}")
    run = Path(train.stdout.strip().splitlines()[-1])
    meta = json.loads((run / "metadata.json").read_text())
    figures = meta.get("extra", {})
    play = subprocess.run(motrix("play", "cartpole", "--run", str(run), "--episodes", str(episodes)),
                          capture_output=True, text=True)
    if play.returncode != 0:
        raise SystemExit(f"seed {seed}: motrix play failed: {play.stderr.strip()}")
    returns = [float(x) for x in re.findall(r"^episode\s+\d+: return\s+(\S+)", play.stdout, re.M)]
    return {
        "seed": seed,
        "command_s": round(command_s, 2),
        "cpu_s": round(cpu_s, 2),
        "train_s": round(meta["wall_seconds"], 2),
        "to_target_s": figures.get("seconds_to_target"),
        "to_target_steps": figures.get("env_steps_to_target"),
        "env_steps": meta["env_steps"],
        "steps_per_s": figures.get("env_steps_per_second"),
        "final_mean_return": meta["final_mean_return"],
        "play_mean": round(statistics.fmean(returns), 1),
        "run": str(run),
    }


def summarize(rows: list[dict]) -> dict:
    """Figures over the seeds of ``one_seed``; a seed that never reached the target counts as slowest.

    ``median_to_target_s`` is None when most seeds never reached it.
    """
    reached = [r["to_target_s"] if r["to_target_s"] is not None else float("inf") for r in rows]
    median = statistics.median(reached)
    return {
        "median_command_s": statistics.median(r["command_s"] for r in rows),
        "max_command_s": max(r["command_s"] for r in rows),
        "median_to_target_s": median if median != float("inf") else None,
        "median_to_target_steps": statistics.median(r["to_target_steps"] or float("inf") for r in rows),
        "median_steps_per_s": statistics.median(r["steps_per_s"] for r in rows),
        "min_play_mean": min(r["play_mean"] for r in rows),
        "all_play_at_least_950": all(r["play_mean"] >= TARGET for r in rows),
        "all_reached_950": all(r["to_target_s"] is not None for r in rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--episodes", type=int, default=10, help="episodes played per run")
    parser.add_argument("--runs-dir", help="keep the runs here (default: a temporary folder)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("extra", nargs="*", help="more `motrix train` arguments, after --")
    args = parser.parse_args()

    runs_dir = Path(args.runs_dir or tempfile.mkdtemp(prefix="motrix-bench-"))
    rows = []
    print(f"{'seed':>4} {'command s':>9} {'cpu s':>6} {'to 950 s':>8} {'to 950 steps':>12} "
          f"{'env-steps':>10} {'steps/s':>8} {'train mean':>10} {'play mean':>9}")
    for seed in args.seeds:
        row = one_seed(args.backend, seed, runs_dir, args.episodes, args.extra)
        rows.append(row)
        t = row["to_target_s"]
        print(f"{seed:>4} {row['command_s']:>9.2f} {row['cpu_s']:>6.2f} {t if t is not None else '-':>8} "
              f"{row['to_target_steps'] or '-':>12} {row['env_steps']:>10} {row['steps_per_s']:>8.0f} "
              f"{row['final_mean_return']:>10.1f} {row['play_mean']:>9.1f}", flush=True)

    summary = {"backend": args.backend, "cpus": os.cpu_count(), "load_average": os.getloadavg(), **summarize(rows)}
    summary["goal_command_le_15s"] = summary["median_command_s"] <= 15 and summary["all_play_at_least_950"]
    median = summary["median_to_target_s"]
    summary["goal_median_to_target_le_8s"] = median is not None and median <= 8
    print(json.dumps(summary, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": summary, "runs": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
