"""Training throughput of one process against N data-parallel processes, side by side.

    python benchmarks/distributed_throughput.py [--backends torch jax] [--envs cartpole go1] [--json out.json]

For each env and backend, runs the real `motrix train` twice, back to back, with the same
envs in all and the same samples per update:

- ``1 process × C threads``: `motrix train ENV --num-envs N` (physics and the PPO update on
  every core, as a default single-process run);
- ``C processes × 1 thread``: `motrix train ENV --nproc C --num-envs N/C` (the launcher gives
  each process one core's worth of physics and update threads);

and reports each run's training env-steps/s (all processes together, from the run's
metadata; start-up excluded) and their ratio. C is this machine's core count. On a shared
machine compare only figures taken in one invocation.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Per env: envs in all, and the env-steps each run trains for (a minute or so on 2 cores).
SIZES = {"cartpole": (100, 320_000), "go1": (1024, 491_520)}


def cores() -> int:
    return len(os.sched_getaffinity(0))


def train(env: str, backend: str, envs: int, steps: int, nproc: int, runs: Path) -> dict:
    cmd = [sys.executable, "-m", "motrix", "train", env, "--backend", backend, "--num-envs", str(envs // nproc),
           "--steps", str(steps), "--seed", "0", "--runs-dir", str(runs), "--quiet"]
    if nproc > 1:
        cmd += ["--nproc", str(nproc)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.strip()[-2000:]}")
    meta = json.loads((Path(proc.stdout.strip().splitlines()[-1]) / "metadata.json").read_text())
    extra = meta.get("extra", {})
    return {"processes": nproc, "envs_per_process": envs // nproc, "env_steps": meta["env_steps"],
            "steps_per_s": extra.get("env_steps_per_second"), "command_s": round(time.perf_counter() - start, 1),
            "final_mean_return": meta.get("final_mean_return"), "split": extra.get("time_split")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["torch", "jax"])
    parser.add_argument("--envs", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    c = cores()
    load = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for env in args.envs:
            envs, steps = SIZES[env]
            for backend in args.backends:
                one = train(env, backend, envs, steps, 1, Path(tmp))
                many = train(env, backend, envs, steps, c, Path(tmp))
                ratio = many["steps_per_s"] / one["steps_per_s"]
                rows.append({"env": env, "backend": backend, "envs": envs, "one": one, "many": many, "ratio": ratio})
                print(f"{env:9s} {backend:5s} {envs:5d} envs: 1 process x {c} threads {one['steps_per_s']:9,.0f} steps/s"
                      f" | {c} processes x 1 thread {many['steps_per_s']:9,.0f} steps/s | ratio {ratio:.2f}", flush=True)
    print(f"cores {c}; load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    if args.json:
        Path(args.json).write_text(json.dumps({"cores": c, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
