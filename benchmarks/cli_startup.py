"""CLI start-up: wall time of `motrix list` and `motrix --help`, and what they import.

    python benchmarks/cli_startup.py [--repeat 5] [--json out.json]

Prints the median and spread of fresh-process wall times, and the heavy modules (if any)
each command imports. Goal (issue 2/9): `motrix list` ≤ 0.5 s with all plugins installed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time

HEAVY = ("torch", "jax", "flax", "optax", "skrl", "tensorboard", "motrixsim", "gymnasium", "numpy")
COMMANDS = {"motrix list": ["list"], "motrix --help": ["--help"], "motrix plugins": ["plugins"]}


def wall_times(argv: list[str], repeat: int) -> list[float]:
    exe = shutil.which("motrix") or sys.executable
    cmd = [exe, *argv] if exe != sys.executable else [exe, "-m", "motrix", *argv]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def imported_heavy(argv: list[str]) -> list[str]:
    code = (
        "import sys, contextlib, io\nfrom motrix.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try: main({argv!r})\n    except SystemExit: pass\n"
        f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return [m for m in out.stdout.strip().splitlines()[-1].split(",") if m] if out.stdout.strip() else []


def measure(argv: list[str], repeat: int) -> dict:
    """Median, min and max wall time of ``repeat`` fresh runs, and the heavy modules imported."""
    times = wall_times(argv, repeat)
    return {
        "median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3),
        "max_s": round(max(times), 3), "runs": len(times), "heavy_imports": imported_heavy(argv),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    results = {}
    for label, argv in COMMANDS.items():
        results[label] = r = measure(argv, args.repeat)
        print(f"{label:16s} median {r['median_s']:.3f} s (min {r['min_s']:.3f}, max {r['max_s']:.3f}, "
              f"n={r['runs']})  heavy imports: {', '.join(r['heavy_imports']) or 'none'}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
