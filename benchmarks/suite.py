"""The performance suite: env vs physics, training throughput, time to solve, CLI start-up.

    python benchmarks/suite.py                      # everything, ~6 min on 2 cores
    python benchmarks/suite.py --parts env cli      # some parts only
    python benchmarks/suite.py --quick              # tiny sizes: checks the suite runs
    python benchmarks/suite.py --json out.json --doc docs/performance.md
    python benchmarks/suite.py --render out.json --doc docs/performance.md   # tables of a saved run

Every figure comes from the real commands in fresh processes (`motrix bench`, `motrix
train`, `motrix play`, `motrix list`). The parts:

1. ``env``: `motrix bench` for cartpole and go1 at 256, 1024 and 4096 envs: the env's full
   step next to raw MotrixSim stepping of the same model and batch, and their ratio.
2. ``train``: training throughput per installed backend (env-steps/s including PPO
   updates) for cartpole at 2048 envs and go1 at 1024, each next to a `motrix bench` of the
   same env and batch run right after it, with the run's own split of its wall time.
3. ``solve``: the default `motrix train cartpole` for seeds 0-2 per backend: time to a mean
   return of 950, the whole command's time, and what `motrix play` then scores.
4. ``cli``: `motrix list` and `motrix --help` wall times, and the heavy modules they import.

Results go to a JSON file (default ``benchmarks/results/suite.json``) with the machine
they ran on; ``--doc`` rewrites the generated part of a Markdown file (between the
``<!-- suite:begin -->`` and ``<!-- suite:end -->`` markers) with the same figures as tables.
The machine may be shared: the ratios are measured side by side, and the load average is
recorded before and after each part.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cartpole_time_to_solve  # noqa: E402
import cli_startup  # noqa: E402
from cartpole_time_to_solve import motrix  # noqa: E402

BACKENDS = ("torch", "jax")
BEGIN, END = "<!-- suite:begin -->", "<!-- suite:end -->"

#: Env-steps each `motrix bench` times (per env size): about 10 s of physics each on 2 cores.
BENCH_ENV_STEPS = {"cartpole": 2_000_000, "go1": 150_000}
#: (env, num_envs, iterations): the training runs of part 2.
TRAIN_RUNS = (("cartpole", 2048, 20), ("go1", 1024, 8))
#: Iterations per rollout of each env's default config (budget = envs × rollouts × iterations).
ROLLOUTS = {"cartpole": 32, "go1": 24}
TARGETS = {
    "env_ratio_1024": 0.8,
    "train_cartpole_2048": {"torch": 143_000, "jax": 177_000},  # the top of the seed's ranges
    "go1_train_ratio": 0.5,
    "cartpole_command_s": 15.0,
    "cartpole_median_to_950_s": 8.0,
    "list_s": 0.5,
}


#: What each part keeps of a `motrix bench` result and of a solve run.
BENCH_FIELDS = ("env", "num_envs", "steps", "env_steps_per_s", "physics_steps_per_s", "ratio",
                "env_python_us_per_step", "load_average")
SOLVE_FIELDS = ("seed", "to_target_s", "to_target_steps", "command_s", "cpu_s", "steps_per_s", "play_mean")


# -- running the real commands ---------------------------------------------------------------
def run(cmd: list[str]) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[2:])} failed: {result.stderr.strip().splitlines()[-1:]}")
    return result


def bench(env: str, num_envs: int, steps: int) -> dict:
    return json.loads(
        run(motrix("bench", env, "--num-envs", str(num_envs), "--steps", str(steps), "--json")).stdout
    )


def load() -> float:
    return round(os.getloadavg()[0], 2)


# -- the parts -------------------------------------------------------------------------------
def part_env(quick: bool) -> list[dict]:
    rows = []
    for env in ("cartpole", "go1"):
        for n in (256, 1024, 4096):
            steps = 20 if quick else max(50, BENCH_ENV_STEPS[env] // n)
            r = bench(env, n, steps)
            rows.append({k: r[k] for k in BENCH_FIELDS})
            print(
                f"  bench {env:8s} {n:>5} envs: env {r['env_steps_per_s']:>10,.0f}  physics "
                f"{r['physics_steps_per_s']:>10,.0f}  ratio {r['ratio']:.2f}",
                flush=True,
            )
    return rows


def part_train(backends: list[str], quick: bool, runs_dir: Path) -> list[dict]:
    rows = []
    for env, num_envs, iterations in TRAIN_RUNS:
        if quick:
            num_envs, iterations = 64, 1
        steps = num_envs * ROLLOUTS[env] * iterations
        for backend in backends:
            result = run(motrix("train", env, "--backend", backend, "--num-envs", str(num_envs), "--steps",
                                str(steps), "--seed", "0", "--quiet", "--runs-dir", str(runs_dir)))
            meta = json.loads((Path(result.stdout.strip().splitlines()[-1]) / "metadata.json").read_text())
            split = meta["extra"]["time_split"]
            # Env-only throughput right after, on the same env and batch: the side-by-side reference.
            only = bench(env, num_envs, max(20, (BENCH_ENV_STEPS[env] // 4) // num_envs) if not quick else 10)
            loop_rate = meta["env_steps"] / split["wall"]
            rows.append(
                {
                    "env": env,
                    "backend": backend,
                    "num_envs": num_envs,
                    "env_steps": meta["env_steps"],
                    "train_env_steps_per_s": round(loop_rate),
                    "whole_run_env_steps_per_s": meta["extra"]["env_steps_per_second"],
                    "env_only_env_steps_per_s": round(only["env_steps_per_s"]),
                    "ratio_to_env_only": round(loop_rate / only["env_steps_per_s"], 3),
                    "time_split": split,
                    "device": meta.get("device"),
                    "load_average": load(),
                }
            )
            r = rows[-1]
            print(
                f"  train {env:8s} {backend:5s} {num_envs:>5} envs: {r['train_env_steps_per_s']:>9,} env-steps/s"
                f" (env only {r['env_only_env_steps_per_s']:,}; ratio {r['ratio_to_env_only']:.2f})",
                flush=True,
            )
    return rows


def part_solve(backends: list[str], quick: bool, runs_dir: Path) -> list[dict]:
    rows = []
    seeds = (0,) if quick else (0, 1, 2)
    extra = ["--steps", "6400"] if quick else []
    for backend in backends:
        seed_rows = []
        for seed in seeds:
            seed_rows.append(
                cartpole_time_to_solve.one_seed(backend, seed, runs_dir, 3 if quick else 10, extra)
            )
            s = seed_rows[-1]
            print(
                f"  solve cartpole {backend:5s} seed {seed}: to 950 {s['to_target_s']} s, command "
                f"{s['command_s']} s, play {s['play_mean']}",
                flush=True,
            )
        summary = cartpole_time_to_solve.summarize(seed_rows)
        rows.append({
            "backend": backend, "seeds": list(seeds),
            "median_to_950_s": summary["median_to_target_s"],
            **{k: summary[k] for k in ("median_command_s", "max_command_s", "min_play_mean")},
            "runs": [{k: r[k] for k in SOLVE_FIELDS} for r in seed_rows],
            "load_average": load(),
        })
    return rows


def part_cli(quick: bool) -> list[dict]:
    rows = []
    for label, argv in cli_startup.COMMANDS.items():
        rows.append({"command": label, **cli_startup.measure(argv, 2 if quick else 7)})
        print(f"  cli {label:14s} median {rows[-1]['median_s']:.3f} s", flush=True)
    return rows


# -- the machine and the targets ---------------------------------------------------------------
def machine() -> dict:
    info = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": _memory_gib(),
        "gpu": _gpu(),
    }
    versions = {}
    for dist in ("motrix-core", "motrixsim", "skrl", "torch", "jax", "jaxlib", "flax", "numpy"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            pass
    info["versions"] = versions
    commit = subprocess.run(
        ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    info["commit"] = commit.stdout.strip() or None
    return info


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def _gpu() -> str | None:
    if not shutil.which("nvidia-smi"):
        return None
    out = subprocess.run(
        ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True, text=True
    )
    return out.stdout.strip() or None


def targets(results: dict) -> list[dict]:
    """Each target of issue 9 next to what was measured (only for the parts that ran)."""
    rows = []

    def add(name: str, measured, target, met: bool) -> None:
        rows.append({"target": name, "measured": measured, "goal": target, "met": bool(met)})

    for r in results.get("env", []):
        if r["num_envs"] == 1024:
            add(
                f"{r['env']} env/physics ratio at 1024 envs",
                round(r["ratio"], 2),
                f">= {TARGETS['env_ratio_1024']}",
                r["ratio"] >= TARGETS["env_ratio_1024"],
            )
    for r in results.get("train", []):
        if r["env"] == "cartpole" and r["num_envs"] == 2048:
            goal = TARGETS["train_cartpole_2048"].get(r["backend"])
            if goal:
                add(
                    f"cartpole training at 2048 envs, {r['backend']} (env-steps/s)",
                    r["train_env_steps_per_s"],
                    f">= {goal:,} (seed reference, top of range)",
                    r["train_env_steps_per_s"] >= goal,
                )
        if r["env"] == "go1":
            add(
                f"go1 training / env-only, {r['backend']}",
                r["ratio_to_env_only"],
                f">= {TARGETS['go1_train_ratio']}",
                r["ratio_to_env_only"] >= TARGETS["go1_train_ratio"],
            )
    for r in results.get("solve", []):
        add(
            f"default `motrix train cartpole`, {r['backend']}: slowest command (s)",
            r["max_command_s"],
            f"<= {TARGETS['cartpole_command_s']:g} and plays >= 950",
            r["max_command_s"] <= TARGETS["cartpole_command_s"] and r["min_play_mean"] >= 950,
        )
        median = r["median_to_950_s"]
        add(
            f"median time to mean return 950, {r['backend']} (s)",
            median if median is not None else "not reached",
            f"<= {TARGETS['cartpole_median_to_950_s']:g}",
            median is not None and median <= TARGETS["cartpole_median_to_950_s"],
        )
    for r in results.get("cli", []):
        if r["command"] == "motrix list":
            add(
                "`motrix list` wall time (s)",
                r["median_s"],
                f"<= {TARGETS['list_s']}",
                r["median_s"] <= TARGETS["list_s"],
            )
    return rows


# -- Markdown --------------------------------------------------------------------------------------
def markdown(results: dict) -> str:
    m = results["machine"]
    v = m["versions"]
    lines = [
        f"Measured {results['date']} at commit `{m['commit']}` on {m['cpu_model'] or 'an unknown CPU'}, "
        f"{m['cpus']} CPUs, {m['memory_gib']} GiB, {m['gpu'] or 'no GPU'}; Python {m['python']}, "
        + ", ".join(f"{k} {v[k]}" for k in ("motrixsim", "skrl", "torch", "jax") if k in v)
        + f". Load average {results['load_before']} before, {results['load_after']} after; "
        f"`python benchmarks/suite.py{' --quick' if results['quick'] else ''}` took {results['seconds']:.0f} s.",
        "",
    ]
    if results.get("env"):
        lines += [
            "### 1. Env step vs raw physics (`motrix bench`, random actions)",
            "",
            "| env | envs | env step (env-steps/s) | raw physics (env-steps/s) | ratio | env's Python µs/step |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for r in results["env"]:
            lines.append(
                f"| {r['env']} | {r['num_envs']:,} | {r['env_steps_per_s']:,.0f} | "
                f"{r['physics_steps_per_s']:,.0f} | {r['ratio']:.2f} | {r['env_python_us_per_step']:,.0f} |"
            )
        lines.append("")
    if results.get("train"):
        lines += [
            "### 2. Training throughput (PPO updates included)",
            "",
            "| env | backend | envs | training (env-steps/s) | env only (env-steps/s) | ratio | "
            "wall time: env · act · record · update · other |",
            "|---|---|---:|---:|---:|---:|---|",
        ]
        for r in results["train"]:
            s = r["time_split"]
            shares = " · ".join(
                f"{s[k] / s['wall']:.0%}" for k in ("env", "act", "record", "update", "other")
            )
            lines.append(
                f"| {r['env']} | {r['backend']} | {r['num_envs']:,} | {r['train_env_steps_per_s']:,} | "
                f"{r['env_only_env_steps_per_s']:,} | {r['ratio_to_env_only']:.2f} | {shares} |"
            )
        lines.append("")
    if results.get("solve"):
        lines += [
            "### 3. Time to solve cartpole (default `motrix train cartpole`)",
            "",
            "| backend | seeds | median s to mean return 950 | per seed (s) | median command (s) | "
            "slowest command (s) | lowest play mean |",
            "|---|---|---:|---|---:|---:|---:|",
        ]
        for r in results["solve"]:
            per_seed = ", ".join(_or_not_reached(x["to_target_s"]) for x in r["runs"])
            lines.append(
                f"| {r['backend']} | {', '.join(map(str, r['seeds']))} | {_or_not_reached(r['median_to_950_s'])} | {per_seed} | "
                f"{r['median_command_s']:.2f} | {r['max_command_s']:.2f} | {r['min_play_mean']:.1f} |"
            )
        lines.append("")
    if results.get("cli"):
        lines += [
            "### 4. CLI start-up",
            "",
            "| command | median (s) | min (s) | max (s) | heavy modules imported |",
            "|---|---:|---:|---:|---|",
        ]
        for r in results["cli"]:
            lines.append(
                f"| `{r['command']}` | {r['median_s']:.3f} | {r['min_s']:.3f} | {r['max_s']:.3f} | "
                f"{', '.join(r['heavy_imports']) or 'none'} |"
            )
        lines.append("")
    if results.get("targets"):
        lines += ["### Targets", "", "| target | measured | goal | met |", "|---|---:|---|---|"]
        for t in results["targets"]:
            measured = f"{t['measured']:,}" if isinstance(t["measured"], int) else t["measured"]
            lines.append(f"| {t['target']} | {measured} | {t['goal']} | {'yes' if t['met'] else '**no**'} |")
        lines.append("")
    return "\n".join(lines)


def _or_not_reached(seconds: float | None) -> str:
    return "not reached" if seconds is None else str(seconds)


def update_doc(path: Path, table: str) -> None:
    """Replace what lies between the suite's markers in ``path`` (appending them if absent)."""
    text = path.read_text() if path.exists() else ""
    block = f"{BEGIN}\n{table}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + block + "\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=("env", "train", "solve", "cli"),
        default=["env", "train", "solve", "cli"],
    )
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, help="default: every installed one")
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: checks the suite, figures mean nothing"
    )
    parser.add_argument("--json", default=str(HERE / "results" / "suite.json"), help="where the figures go")
    parser.add_argument("--doc", help="rewrite this Markdown file's generated tables")
    parser.add_argument(
        "--render", metavar="JSON", help="measure nothing: print (and --doc) the tables of a saved run"
    )
    args = parser.parse_args()
    if args.render:
        table = markdown(json.loads(Path(args.render).read_text()))
        print(table)
        if args.doc:
            update_doc(Path(args.doc), table)
        return
    backends = args.backends or [b for b in BACKENDS if importlib.util.find_spec(f"motrix_backend_{b}")]

    start = time.perf_counter()
    results: dict = {
        "date": dt.date.today().isoformat(),
        "quick": args.quick,
        "machine": machine(),
        "load_before": load(),
    }
    with tempfile.TemporaryDirectory(prefix="motrix-suite-") as tmp:
        runs_dir = Path(tmp)
        for part in args.parts:
            print(f"[{part}]", flush=True)
            if part == "env":
                results["env"] = part_env(args.quick)
            elif part == "train":
                results["train"] = part_train(backends, args.quick, runs_dir)
            elif part == "solve":
                results["solve"] = part_solve(backends, args.quick, runs_dir)
            elif part == "cli":
                results["cli"] = part_cli(args.quick)
    results["load_after"] = load()
    results["seconds"] = round(time.perf_counter() - start, 1)
    results["targets"] = targets(results)

    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    print()
    print(table)
    print(f"figures written to {out}")
    if args.doc:
        update_doc(Path(args.doc), table)
        print(f"tables written to {args.doc}")


if __name__ == "__main__":
    main()
