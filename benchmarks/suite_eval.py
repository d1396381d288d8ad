"""What a classic-suite policy does, judged from the physics state rather than from its return.

    python benchmarks/suite_eval.py RUN_DIR [--episodes 32] [--json F]
    python benchmarks/suite_eval.py --env hopper-stand --random     # the uniform-random baseline

``evaluate(env_name, policy, episodes, seed)`` plays ``policy`` (a deterministic callable
``obs (n, d) -> actions (n, k)``) for ``episodes`` full episodes at once, and reads after every
control step, through its own MotrixSim query (not the env's reward, metrics or observation):

- hopper: the height of the torso's centre of mass above the foot's (the classic measure, read
  from sites at both), and the forward speed of the torso (the root slide's displacement over
  the second half of the episode);
- walker: the torso's height (root slide z plus its resting height) and uprightness
  (cosine of the root pitch), and the forward speed as for the hopper;
- cheetah: the forward speed;
- reacher: the fingertip-target distance (from the arm angles and the target slides).

Every episode starts as the classic task's do (``CLASSIC_START``: the hopper's training
default puts half of its starts upright; here none). Each figure is averaged over the second
half of every episode (getting up or reaching the target first is part of the task), then
over episodes. The return is the env's own reward
(the classic definitions) summed over each episode. ``GOALS`` says what each task must show:
a return and a physics-state test; ``verdict`` applies them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from locomotion_eval import load_policy  # noqa: E402

Policy = Callable[[np.ndarray], np.ndarray]

CLASSIC_START: dict[str, dict[str, Any]] = {"hopper": {"upright_start_fraction": 0.0}}
"""Env overrides that make every episode start as the classic task's do."""

# Per task: the return to reach (issue #24: mean over >= 32 deterministic episodes) and a test
# on the physics figures, with the words it prints.
GOALS: dict[str, tuple[float, Callable[[dict[str, float]], bool], str]] = {
    "walker-stand": (950, lambda f: f["torso_height"] >= 1.2 and f["upright"] >= 0.9,
                     "torso >= 1.2 m, upright"),
    "walker-walk": (900, lambda f: f["torso_height"] >= 1.2 and f["speed"] >= 0.9, "upright at >= 0.9 m/s"),
    "walker-run": (600, lambda f: f["torso_height"] >= 1.1 and f["speed"] >= 4.0, "upright at >= 4 m/s"),
    "cheetah-run": (700, lambda f: f["speed"] >= 7.0, ">= 7 m/s"),
    "hopper-stand": (800, lambda f: f["stand_fraction"] >= 0.9,
                     "torso >= 0.6 m above the foot 90 % of the time"),
    "hopper-hop": (200, lambda f: f["stand_fraction"] >= 0.9 and f["speed"] >= 0.5,
                   "standing tall and hopping forward >= 0.5 m/s"),
    "reacher": (900, lambda f: f["on_target_fraction"] >= 0.95, "fingertip on the target 95 % of the time"),
}


def family(env_name: str) -> str:
    return env_name.split("-")[0]


class _Reader:
    """Physics-state figures of every env after a step, for one task family."""

    def __init__(self, env: Any, env_name: str) -> None:
        from motrixsim import query

        self.env, self.kind = env, family(env_name)
        sources: dict[str, Any] = {"dof_pos": query.DofPosition()}
        if self.kind == "hopper":
            sources["centres"] = query.SitePosition(["torso_com", "foot_com"])
        self._query = env.model.compile_query(sources).allocate(env.data)

    def __call__(self) -> dict[str, np.ndarray]:
        # The arm's kinematics and the walker's resting height are the models' own facts
        # (fingertip() is checked against the model's finger site in tests/envs_basic).
        from motrix_envs_basic.reacher.env import fingertip
        from motrix_envs_basic.walker.env import TORSO_Z0

        read = self._query.execute(self.env.data)
        dof = np.array(read["dof_pos"])
        if self.kind == "reacher":
            return {"distance": np.linalg.norm(dof[:, 2:4] - fingertip(dof[:, :2]), axis=1)}
        out = {"x": dof[:, 0]}
        if self.kind == "hopper":
            centres = np.array(read["centres"])
            out["height_above_foot"] = centres[:, 0, 2] - centres[:, 1, 2]
        if self.kind == "walker":
            out["torso_height"] = dof[:, 1] + TORSO_Z0
            out["upright"] = np.cos(dof[:, 2])
        return out


def evaluate(env_name: str, policy: Policy, episodes: int = 32, seed: int = 1234) -> dict[str, float]:
    """Return and physics-state figures of ``policy`` over ``episodes`` full episodes (all at once)."""
    import motrix

    env = motrix.make(env_name, num_envs=episodes, seed=seed, **CLASSIC_START.get(family(env_name), {}))
    state = env.init_state()
    reader = _Reader(env, env_name)
    steps = env.cfg.max_episode_steps
    half = steps // 2
    returns = np.zeros(episodes)
    samples: dict[str, list[np.ndarray]] = {}
    x_half = x_end = None
    # The last step ends every episode at once and the env resets them: its physics state
    # belongs to the next episode, so figures stop one step short (the return does not).
    for t in range(steps):
        state = env.step(np.asarray(policy(state.obs), dtype=np.float32))
        returns += state.reward
        if t >= steps - 1:
            break
        figures = reader()
        if t == half - 1:
            x_half = figures.get("x")
        if t >= half:
            x_end = figures.get("x")
            for key, value in figures.items():
                samples.setdefault(key, []).append(value)
    seconds = (steps - 1 - half) * env.cfg.ctrl_dt
    result: dict[str, float] = {"return": float(returns.mean()), "return_min": float(returns.min()),
                                "episodes": episodes}
    if x_half is not None:
        result["speed"] = float(np.mean((x_end - x_half) / seconds))
    if "height_above_foot" in samples:
        height = np.stack(samples["height_above_foot"])
        result["height_above_foot"] = float(height.mean())
        result["stand_fraction"] = float((height >= env.cfg.stand_height).mean())
    if "torso_height" in samples:
        result["torso_height"] = float(np.stack(samples["torso_height"]).mean())
        result["upright"] = float(np.stack(samples["upright"]).mean())
    if "distance" in samples:
        distance = np.stack(samples["distance"])
        result["distance"] = float(distance.mean())
        result["on_target_fraction"] = float((distance <= env.cfg.target_size + env.cfg.finger_size).mean())
    return result


def verdict(env_name: str, figures: dict[str, float]) -> tuple[bool, str]:
    """Whether ``figures`` meet the task's goal, and the goal in words."""
    target, test, words = GOALS[env_name]
    return figures["return"] >= target and test(figures), f"return >= {target}, {words}"


def random_policy(env_name: str, seed: int = 0) -> Policy:
    """Uniform actions in [-1, 1] from one generator (a fresh draw every call)."""
    import motrix

    k = motrix.make(env_name, num_envs=1).action_space.shape[0]
    rng = np.random.default_rng(seed)
    return lambda obs: rng.uniform(-1.0, 1.0, (obs.shape[0], k)).astype(np.float32)


def describe(figures: dict[str, float]) -> str:
    keys = ("return", "torso_height", "upright", "height_above_foot", "stand_fraction", "speed",
            "distance", "on_target_fraction")
    return ", ".join(f"{k} {figures[k]:.3f}" if k != "return" else f"return {figures[k]:.1f}"
                     for k in keys if k in figures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", nargs="?", help="run directory whose latest checkpoint to evaluate")
    parser.add_argument("--env", help="the task (default: the run's)")
    parser.add_argument("--random", action="store_true", help="evaluate uniform random actions")
    parser.add_argument("--episodes", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--json")
    args = parser.parse_args()
    if not args.run and not (args.random and args.env):
        parser.error("give a run directory, or --random with --env")
    if args.run:
        env_name = args.env or json.loads((Path(args.run) / "metadata.json").read_text())["env"]
        policy = load_policy(args.run, env_name)
    else:
        env_name, policy = args.env, random_policy(args.env, args.seed)
    figures = evaluate(env_name, policy, args.episodes, args.seed)
    ok, goal = verdict(env_name, figures)
    print(f"{env_name}: {describe(figures)}  [{'meets' if ok else 'misses'} the goal: {goal}]")
    if args.json:
        Path(args.json).write_text(json.dumps({"env": env_name, **figures}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
