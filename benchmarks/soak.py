"""Soak: a long `motrix train` run with its resident memory sampled; no growth after warm-up.

    python benchmarks/soak.py [--env cartpole] [--backend torch] [--steps 20000000] [--interval 2]

Samples the training process's RSS every `--interval` seconds. Warm-up is the first 20 % of
the samples (allocators, JIT caches, rollout memory); the report compares the RSS at the end
of warm-up with the maximum and the last value after it, and fits a line to the post-warm-up
samples (MiB per minute). A leak shows as a steady positive slope.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time

import numpy as np
import psutil


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="cartpole")
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--steps", type=int, default=20_000_000)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--json", help="also write the samples and figures here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as runs:
        cmd = ["motrix", "train", args.env, "--backend", args.backend, "--steps", str(args.steps),
               "--runs-dir", runs, "--quiet"]
        print("$", " ".join(cmd), flush=True)
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        ps = psutil.Process(proc.pid)
        samples: list[tuple[float, float]] = []
        while proc.poll() is None:
            try:
                samples.append((time.perf_counter() - start, ps.memory_info().rss / 2**20))
            except psutil.NoSuchProcess:
                break
            time.sleep(args.interval)
    if proc.returncode != 0 or len(samples) < 10:
        raise SystemExit(f"training exited {proc.returncode} after {len(samples)} samples")
    t, rss = map(np.array, zip(*samples))
    warm = len(samples) // 5
    slope = np.polyfit(t[warm:] / 60.0, rss[warm:], 1)[0]
    figures = {
        "wall_seconds": float(t[-1]), "samples": len(samples), "rss_after_warmup_mib": float(rss[warm]),
        "rss_max_after_warmup_mib": float(rss[warm:].max()), "rss_last_mib": float(rss[-1]),
        "growth_mib": float(rss[-1] - rss[warm]), "slope_mib_per_min": float(slope),
    }
    print(f"{args.env}/{args.backend}: {args.steps:,} env-steps in {t[-1]:.0f} s, {len(samples)} RSS samples")
    print(f"  RSS after warm-up {rss[warm]:.1f} MiB, max after {rss[warm:].max():.1f}, last {rss[-1]:.1f} "
          f"(growth {rss[-1] - rss[warm]:+.1f} MiB, slope {slope:+.2f} MiB/min)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({**figures, "rss_mib": rss.tolist(), "t_s": t.tolist()}, fh)


if __name__ == "__main__":
    main()
