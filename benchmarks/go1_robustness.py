"""A robust Go1 policy against the plain one, under held-out perturbations.

    python benchmarks/go1_robustness.py --plain RUN_DIR --robust RUN_DIR [--robots 32] [--json F]
    python benchmarks/go1_robustness.py --plain-from EARLIER.json --robust RUN_DIR   (plain figures reused)

Both policies (and the zero-action standing baseline) are played deterministically on the
plain ``go1`` env over the command grid of ``locomotion_eval.py`` (8 commands x 32 robots x
10 s, commands held), once per condition: flat ground as trained by ``go1``, then one
perturbation at a time, each set through ``EnvCfg.randomization`` with fixed values (not the
training ranges): pushes of 0.5 m/s in a random horizontal direction every 2 s, floor (foot)
friction 0.4 and 1.0, a +1 kg payload on the trunk, and sensor noise on the IMU and joint
slices. Figures are measured from the physics state (see ``locomotion_eval.py``): planar
velocity error (m/s), yaw-rate error (rad/s), falls per robot per 10 s (mean over commands,
and the worst command).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from locomotion_eval import evaluate_grid, load_policy, zero_policy
from motrix.env.randomization import FrictionCfg, MassCfg, PushCfg, RandomizationCfg

NOISE = {"base_lin_vel": 0.1, "base_ang_vel": 0.2, "projected_gravity": 0.05, "joint_pos": 0.03, "joint_vel": 1.5}
"""Uniform noise half-widths of the "sensor noise" condition (the sizes go1-robust trains with)."""

CONDITIONS: dict[str, RandomizationCfg] = {
    "flat": RandomizationCfg(),
    "push 0.5 m/s / 2 s": RandomizationCfg(push=PushCfg(velocity=(0.5, 0.5), interval_seconds=(2.0, 2.0))),
    "friction 0.4": RandomizationCfg(friction=FrictionCfg(geoms=".*_foot", range=(0.4, 0.4))),
    "friction 1.0": RandomizationCfg(friction=FrictionCfg(geoms=".*_foot", range=(1.0, 1.0))),
    "+1 kg payload": RandomizationCfg(mass=MassCfg(added_links="trunk", added=(1.0, 1.0))),
    "sensor noise": RandomizationCfg(obs_noise=NOISE),
}


def evaluate(policies: dict[str, Any], robots: int, seconds: float) -> dict[str, dict[str, Any]]:
    """condition -> policy name -> ``evaluate_grid`` result, on the plain go1 env."""
    out: dict[str, dict[str, Any]] = {}
    for condition, randomization in CONDITIONS.items():
        out[condition] = {}
        for name, policy in policies.items():
            result = evaluate_grid(policy, "go1", robots_per_command=robots, seconds=seconds,
                                   randomization=randomization)
            out[condition][name] = result
            mean, worst = result["mean"], result["worst"]
            print(f"  {condition:20s} {name:8s} planar {mean['planar_velocity_error']:.3f} m/s"
                  f"  yaw {mean['yaw_rate_error']:.3f} rad/s  falls/robot/10 s {mean['falls_per_robot_per_10s']:.3f}"
                  f" (worst {worst['falls_per_robot_per_10s']:.3f}, {worst['worst_command']['falls_per_robot_per_10s']})",
                  flush=True)
    return out


def table(results: dict[str, dict[str, Any]]) -> str:
    names = list(next(iter(results.values())))
    head = "| condition | " + " | ".join(f"{n} planar m/s | {n} yaw rad/s | {n} falls (worst)" for n in names) + " |"
    lines = [head, "|" + "---|" * (1 + 3 * len(names))]
    for condition, by_policy in results.items():
        cells = []
        for name in names:
            mean, worst = by_policy[name]["mean"], by_policy[name]["worst"]
            cells += [f"{mean['planar_velocity_error']:.3f}", f"{mean['yaw_rate_error']:.3f}",
                      f"{mean['falls_per_robot_per_10s']:.3f} ({worst['falls_per_robot_per_10s']:.2f})"]
        lines.append(f"| {condition} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def earlier_plain(path: Path, robots: int, seconds: float) -> dict[str, Any]:
    """condition -> the plain policy's result in an earlier --json, evaluated as asked now."""
    results = json.loads(path.read_text())["results"]
    missing = [c for c in CONDITIONS if c not in results or "plain" not in results[c]]
    if missing:
        raise SystemExit(f"{path} has no plain figures for {', '.join(missing)}")
    settings = results["flat"]["plain"]["settings"]
    if (settings["robots_per_command"], settings["seconds"]) != (robots, seconds):
        raise SystemExit(f"{path} was evaluated with {settings['robots_per_command']} robots for "
                         f"{settings['seconds']} s; pass --robots/--seconds to match")
    return {c: results[c]["plain"] for c in CONDITIONS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    plain = parser.add_mutually_exclusive_group(required=True)
    plain.add_argument("--plain", help="run directory of a `motrix train go1` run")
    plain.add_argument("--plain-from", help="an earlier --json of this script: take its plain policy's figures "
                                            "instead of evaluating one again (the evaluation is deterministic)")
    parser.add_argument("--robust", required=True, help="run directory of a `motrix train go1-robust` run")
    parser.add_argument("--robots", type=int, default=32, help="robots per command")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    earlier = earlier_plain(Path(args.plain_from), args.robots, args.seconds) if args.plain_from else None
    policies = {"plain": load_policy(args.plain)} if args.plain else {}
    policies.update(robust=load_policy(args.robust), zero=zero_policy)
    results = evaluate(policies, args.robots, args.seconds)
    if earlier is not None:
        results = {condition: {"plain": earlier[condition], **by_policy} for condition, by_policy in results.items()}
    print(table(results))
    push = results["push 0.5 m/s / 2 s"]["robust"]["mean"]["falls_per_robot_per_10s"]
    gap = (results["flat"]["robust"]["mean"]["planar_velocity_error"]
           - results["flat"]["plain"]["mean"]["planar_velocity_error"])
    print(f"goal: robust falls under 0.5 m/s pushes every 2 s {push:.3f} per robot per 10 s (goal <= 0.02); "
          f"flat-ground planar error robust - plain {gap:+.3f} m/s (goal <= 0.02)")
    if args.json:
        plain_source = args.plain or f"figures of {args.plain_from}"
        Path(args.json).write_text(json.dumps({"plain": plain_source, "robust": args.robust, "results": results},
                                              indent=2))


if __name__ == "__main__":
    sys.exit(main())
