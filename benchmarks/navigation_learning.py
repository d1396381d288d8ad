"""Navigation learning: a budgeted `motrix train anymal-c-navigation`, then success over many episodes.

    python benchmarks/navigation_learning.py --minutes 20 [--env anymal-c-navigation] [--episodes 256] [--json F]
    python benchmarks/navigation_learning.py --run RUN_DIR        # evaluate a finished run only

1. Runs `motrix train ENV` as a user would, stopped with SIGINT (a final checkpoint) when
   the budget is spent.
2. Plays the final policy deterministically for one whole episode on each of ``--episodes``
   robots (fresh random goals: ±5 m in x and y, any heading), and the same goals with the
   zero-action (standing) and the uniform random policy. At the episode's last control
   step, read after the physics and before any reset, it reports from the physics state:
   success (within 0.3 m and 15° of the goal and at rest; a robot that fell during the
   episode counts as a failure whatever it did after), the share of robots that fell, and
   the others' final distance and heading error; success is also split by how far the goal
   was.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learning_runs import curve_ends, print_run, train_for  # noqa: E402
from locomotion_eval import load_policy, zero_policy  # noqa: E402

CURVES = ("Metrics / Instant / success", "Metrics / Instant / distance_to_goal", "Episode / Length (mean)")


def evaluate(policy: Any, env_name: str, episodes: int, seed: int = 321) -> dict[str, Any]:
    """One episode per robot; figures at its last step (see the module docstring)."""
    import motrix

    env = motrix.make(env_name, num_envs=episodes, seed=seed)
    last: dict[str, np.ndarray] = {}
    inner = env.update_state

    def update_state(state):
        state = inner(state)
        last.update({k: v.copy() for k, v in state.info["metrics"].items()})
        return state

    env.update_state = update_state
    state = env.init_state()
    start_distance = np.linalg.norm(state.info["goal_xy"] - env.data.dof_pos[:, :2], axis=1)
    fell = np.zeros(episodes, dtype=bool)
    for _ in range(env.cfg.max_episode_steps):
        state = env.step(np.asarray(policy(state.obs), dtype=np.float32))
        fell |= state.terminated
    # robots that fell were reset and are mid-episode now: they count as failures anyway
    assert (state.truncated | fell).all(), "every robot that did not fall should end its episode on this step"
    success = (last["success"] > 0.5) & ~fell
    near = start_distance < 2.5
    up = ~fell  # a fallen robot was reset with a new goal: its last-step figures are another episode's
    return {
        "episodes": episodes,
        "success_rate": float(success.mean()),
        "success_rate_goal_within_2.5m": float(success[near].mean()) if near.any() else None,
        "success_rate_goal_beyond_2.5m": float(success[~near].mean()) if (~near).any() else None,
        "final_distance_mean": float(last["distance_to_goal"][up].mean()) if up.any() else None,
        "final_distance_median": float(np.median(last["distance_to_goal"][up])) if up.any() else None,
        "final_heading_error_deg_mean": float(np.degrees(last["heading_error"][up]).mean()) if up.any() else None,
        "fell_fraction": float(fell.mean()),
        "start_distance_mean": float(start_distance.mean()),
    }


def random_policy_from(seed: int) -> Any:
    """The uniform random policy, a fresh draw every step."""
    rng = np.random.default_rng(seed)
    return lambda obs: rng.uniform(-1, 1, (obs.shape[0], 12)).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="anymal-c-navigation")
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--episodes", type=int, default=256)
    parser.add_argument("--runs-dir", default="runs/bench-navigation")
    parser.add_argument("--run", help="skip training: evaluate this run directory")
    parser.add_argument("--velocity-policy", metavar="RUN",
                        help="also evaluate this velocity-tracking run's policy (same robot) driven by the env's "
                             "guidance command: the first 48 numbers of the navigation observation are the "
                             "velocity task's observation, in the same order")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()

    figures: dict[str, Any] = {"env": args.env, "minutes": args.minutes}
    if args.run:
        run, wall, code = Path(args.run), None, None
    else:
        cmd = ["motrix", "train", args.env, "--backend", args.backend, "--seed", str(args.seed),
               "--runs-dir", args.runs_dir, "--quiet"]
        run, wall, code = train_for(cmd, args.minutes)
    meta = print_run(run, wall, code, curve_ends(run, CURVES))
    figures.update(run=str(run), env_steps=meta.get("env_steps"), wall_s=wall)
    policies = [("trained", load_policy(run, args.env)), ("standing", zero_policy), ("random", random_policy_from(0))]
    if args.velocity_policy:
        walker = load_policy(args.velocity_policy)
        policies.append(("velocity policy + guidance", lambda obs: walker(np.ascontiguousarray(obs[:, :48]))))
        figures["velocity_policy_run"] = args.velocity_policy
    for name, policy in policies:
        result = evaluate(policy, args.env, args.episodes)
        figures[name] = result
        print(f"{name:26s} success {result['success_rate']:6.1%} (goal < 2.5 m"
              f" {result['success_rate_goal_within_2.5m']:.1%}, farther {result['success_rate_goal_beyond_2.5m']:.1%})"
              f" | robots that fell {result['fell_fraction']:.1%} | the others' final distance mean"
              f" {result['final_distance_mean'] or float('nan'):.2f} m, median"
              f" {result['final_distance_median'] or float('nan'):.2f} m, heading error"
              f" {result['final_heading_error_deg_mean'] or float('nan'):.1f} deg", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
