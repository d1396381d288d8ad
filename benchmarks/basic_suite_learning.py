"""Evidence that every basic-suite task learns: a fixed-budget run per env and backend.

    python benchmarks/basic_suite_learning.py                         # all envs, torch
    python benchmarks/basic_suite_learning.py --envs cheetah-run reacher --backends torch jax
    python benchmarks/basic_suite_learning.py --minutes-per-env 3 --runs-dir runs/bench-basic

For each env and backend:

1. `motrix train ENV --backend B --steps N --seed 0 --runs-dir D`, as a user would. N is the
   env's step budget (``BUDGETS``, sized for a few minutes on 2 CPU cores; ``--steps``
   overrides it); the run is also stopped gracefully (SIGINT: the trainer writes a final
   checkpoint) if it passes ``--minutes-per-env`` of wall time, so a busy machine costs
   steps, not hours.
2. `motrix play ENV --run RUN --episodes E --num-envs E`: the trained policy's mean return
   over E full episodes (mean actions).
3. The random policy's mean return over E full episodes (uniform actions), measured on the
   env directly with the same play seed.

Prints a markdown table (and writes it as JSON with ``--json``). Every task's episodes are
1000 control steps with per-step rewards in [0, 1], so returns range from 0 to 1000.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

SUITE = ("reacher", "hopper-stand", "hopper-hop", "walker-stand", "walker-walk", "walker-run", "cheetah-run")
# Env-step budgets: a few minutes each on 2 busy CPU cores (the walkers step 5 physics steps
# per action and are the slowest; reacher and cheetah one).
BUDGETS = {
    "reacher": 2_000_000,
    "hopper-stand": 2_000_000,
    "hopper-hop": 2_000_000,
    "walker-stand": 1_500_000,
    "walker-walk": 1_500_000,
    "walker-run": 1_500_000,
    "cheetah-run": 2_000_000,
}
PLAY_SEED = 1234


@dataclass
class Result:
    env: str
    backend: str
    env_steps: int
    minutes: float
    status: str
    random_return: float
    trained_return: float | None
    run: str


def train(env: str, backend: str, steps: int, seed: int, runs_dir: str, minutes: float) -> tuple[Path | None, float]:
    cmd = ["nice", "-n", "10", "motrix", "train", env, "--backend", backend, "--steps", str(steps),
           "--seed", str(seed), "--runs-dir", runs_dir]
    print("$", " ".join(cmd), flush=True)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        proc.wait(timeout=minutes * 60)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)  # graceful: a final checkpoint, status "interrupted"
        proc.wait(timeout=300)
    wall = time.perf_counter() - start
    lines = proc.stdout.read().strip().splitlines()
    run = Path(lines[-1]) if lines and Path(lines[-1]).is_dir() else None
    return run, wall


def play(env: str, run: Path, episodes: int) -> float | None:
    cmd = ["nice", "-n", "10", "motrix", "play", env, "--run", str(run), "--episodes", str(episodes),
           "--num-envs", str(episodes), "--seed", str(PLAY_SEED)]
    print("$", " ".join(cmd), flush=True)
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    match = re.search(r"mean return over \d+ episodes: (-?[\d.]+)", out)
    return float(match[1]) if match else None


def random_return(env_name: str, episodes: int) -> float:
    """Mean return of uniform random actions over ``episodes`` full episodes."""
    import motrix

    env = motrix.make(env_name, num_envs=episodes, seed=PLAY_SEED)
    env.init_state()
    rng = np.random.default_rng(PLAY_SEED)
    low, high = env.action_space.low, env.action_space.high
    total = np.zeros(episodes)
    for _ in range(env.cfg.max_episode_steps):
        state = env.step(rng.uniform(low, high, (episodes, *low.shape)).astype(np.float32))
        total += state.reward
    return float(total.mean())


def table(results: list[Result]) -> str:
    rows = ["| env | backend | env-steps | minutes | random return | trained return |",
            "|---|---|---:|---:|---:|---:|"]
    for r in results:
        trained = "—" if r.trained_return is None else f"{r.trained_return:.1f}"
        status = "" if r.status == "completed" else f" ({r.status})"
        rows.append(f"| {r.env} | {r.backend} | {r.env_steps:,}{status} | {r.minutes:.1f} | "
                    f"{r.random_return:.1f} | {trained} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", nargs="+", default=list(SUITE), choices=SUITE, metavar="ENV")
    parser.add_argument("--backends", nargs="+", default=["torch"], metavar="BACKEND")
    parser.add_argument("--minutes-per-env", type=float, default=6.0,
                        help="wall-clock cap per training run (default 6)")
    parser.add_argument("--steps", type=int, help="env-step budget for every env (default: BUDGETS)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--episodes", type=int, default=16, help="episodes to evaluate (default 16)")
    parser.add_argument("--runs-dir", default="runs/bench-basic")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()

    results = []
    for env in args.envs:
        baseline = random_return(env, args.episodes)
        for backend in args.backends:
            steps = args.steps or BUDGETS[env]
            run, wall = train(env, backend, steps, args.seed, args.runs_dir, args.minutes_per_env)
            meta = json.loads((run / "metadata.json").read_text()) if run else {}
            trained = play(env, run, args.episodes) if run else None
            results.append(Result(env, backend, int(meta.get("env_steps", 0)), wall / 60,
                                  meta.get("status", "failed"), baseline, trained, str(run)))
            print(table(results[-1:]).splitlines()[-1], flush=True)
    print()
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=2))


if __name__ == "__main__":
    sys.exit(main())
