"""What `motrix export` costs and what the exported go1 policy costs to run, per backend.

For each installed backend: a short real `motrix train go1` (the networks are go1's default
size; the numbers need not walk), then `motrix export` timed as a command, the ONNX file's
size, and the latency of one observation (batch 1) on one CPU thread through ONNX Runtime
next to the backend's own policy (torch on 1 thread; JAX with XLA single-threaded), each the
median of many calls after a warm-up, measured side by side in one child process.

    python benchmarks/export_latency.py [--backends torch jax] [--calls 3000] [--json out.json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MEASURE = r"""
import json, statistics, sys, time
import numpy as np
import motrix
from motrix.export.runtime import OnnxPolicy
from motrix.registry import get_backend

backend, run, model, calls = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if backend == "torch":
    import torch
    torch.set_num_threads(1)
env = motrix.make("go1", num_envs=1)
sidecar = json.load(open(model[:-5] + ".json"))
native = get_backend(backend).load_trainer_class()().load_policy(sidecar["checkpoint"]["file"], "go1", env)
onnx = OnnxPolicy(model, threads=1)
obs = np.random.default_rng(0).standard_normal((calls, 1, 48)).astype(np.float32)

def median_us(fn):
    for i in range(200):
        fn(obs[i % calls])
    times = []
    for i in range(calls):
        t = time.perf_counter()
        fn(obs[i])
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e6

# interleaved rounds, so that a busy moment of the machine hits both alike
rounds = [(median_us(onnx), median_us(native)) for _ in range(3)]
print(json.dumps({"onnx_us": statistics.median(r[0] for r in rounds),
                  "native_us": statistics.median(r[1] for r in rounds)}))
"""


def motrix(*args: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "motrix", *args], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"motrix {' '.join(args)} failed: {proc.stderr.strip()[-400:]}")
    return proc, time.perf_counter() - start


def one_backend(backend: str, root: Path, calls: int) -> dict:
    trained, _ = motrix("train", "go1", "--backend", backend, "--num-envs", "64", "--steps", "3072", "--seed", "0",
                        "--runs-dir", str(root), "--quiet")
    run = trained.stdout.strip().splitlines()[-1]
    exported, export_seconds = motrix("export", "go1", "--run", run)
    model = exported.stdout.strip().splitlines()[-1]
    env = {**os.environ, "XLA_FLAGS": (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false").strip()}
    out = subprocess.run([sys.executable, "-c", MEASURE, backend, run, model, str(calls)], capture_output=True,
                         text=True, check=True, env=env)
    latency = json.loads(out.stdout.strip().splitlines()[-1])
    return {"backend": backend, "export_seconds": round(export_seconds, 2), "onnx_bytes": Path(model).stat().st_size,
            "onnx_us": round(latency["onnx_us"], 1), "native_us": round(latency["native_us"], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", nargs="+", default=[b for b in ("torch", "jax")
                                                          if importlib.util.find_spec(f"motrix_backend_{b}")])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--json", help="also write the rows here")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends:
            rows.append(one_backend(backend, Path(tmp), args.calls))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("| backend | `motrix export` (command) | ONNX file | ONNX Runtime, 1 obs, 1 thread | backend's own policy |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['backend']} | {r['export_seconds']:.1f} s | {r['onnx_bytes'] / 1024:.0f} KiB | "
              f"{r['onnx_us']:.0f} µs | {r['native_us']:.0f} µs |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
