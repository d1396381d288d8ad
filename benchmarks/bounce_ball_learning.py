"""Evidence that `motrix train bounce-ball` learns: a time-budgeted run, then 256+ full episodes.

    flock /tmp/motrix-heavy.lock python benchmarks/bounce_ball_learning.py --minutes 30
    python benchmarks/bounce_ball_learning.py --run runs/bench-bounce-ball/bounce-ball/<run>   # evaluate only

1. Runs the default `motrix train bounce-ball` as a user would and stops it gracefully
   (SIGINT: the trainer writes a final checkpoint) when the wall-time budget is spent.
2. Loads the run's latest checkpoint through the backend's public loader (as `motrix play`
   does) and plays it deterministically (mean actions) for one full episode in each of
   ``--episodes`` envs, next to the random policy (uniform actions) and the still paddle
   (zero actions) on the same initial states, and a hand-written controller for reference.
3. Per episode, from the physics state after every control step: the ball's apexes (its
   vertical velocity turning downward; height ``z + vz^2 / 2g`` above the paddle centre),
   bounces (apexes at least ``min_bounce_apex`` high), the mean apex error against the
   target, whether it ran the full 20 s without a drop, and success (full length and at
   least ``success_bounces`` bounces). The env's own metrics are printed alongside as a check.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learning_runs import curve_ends, print_run, train_for  # noqa: E402

ENV = "bounce-ball"
PLAY_SEED = 1234
CURVES = ("Episode / Length (mean)", "Metrics / Episode / success", "Episode / Return (mean)")


def train(args: argparse.Namespace) -> tuple[Path, float, int]:
    cmd = ["motrix", "train", ENV, "--backend", args.backend, "--seed", str(args.seed), "--runs-dir", args.runs_dir]
    return train_for(cmd, args.minutes)


def curves(run: Path) -> dict[str, tuple[tuple[int, float], tuple[int, float]]]:
    return curve_ends(run, CURVES)


def scripted(env) -> Callable[[np.ndarray], np.ndarray]:
    """A hand-written controller, for reference: resolved-rate control of the paddle through
    its Jacobian (damped least squares: the home pose is a wrist singularity). It tilts the
    face to push the ball back over the centre (0.3 rad per m of offset, 0.2 per m/s of
    velocity), rises just before each hit at the speed that sends the ball to the target apex
    (restitution 0.87), and drifts back to home in between."""
    site, cfg, g, e = env.model.get_site("paddle_centre"), env.cfg, 9.81, 0.87
    columns = np.asarray(site.dof_vel_indices)

    def policy(obs: np.ndarray) -> np.ndarray:
        rel, ball_vel, paddle, normal = obs[:, 18:21], obs[:, 21:24], obs[:, 27:30], obs[:, 30:33]
        want = np.concatenate([-(0.3 * rel[:, :2] + 0.2 * ball_vel[:, :2]), np.ones((len(obs), 1))], axis=1)
        want /= np.linalg.norm(want, axis=1, keepdims=True)
        height, vz = rel[:, 2], ball_vel[:, 2]
        impact_speed = np.sqrt(vz**2 + 2 * g * np.maximum(height - 0.02, 0.0))
        rise = np.clip((np.sqrt(2 * g * cfg.target_apex) - e * impact_speed) / (1 + e), -0.5, 0.6)
        soon = (vz < 0) & ((impact_speed + vz) / g < 0.06)
        twist = np.concatenate([8.0 * np.cross(normal, want), -3.0 * paddle[:, :2],
                                np.where(soon, rise, -3.0 * paddle[:, 2])[:, None]], axis=1)
        jac = site.get_jacobian(env.data)  # rows: angular, linear; columns: the DoFs in `columns`
        jac_t = np.transpose(jac, (0, 2, 1))
        qdot = np.zeros((len(obs), 6))
        qdot[:, columns] = (jac_t @ np.linalg.solve(jac @ jac_t + 0.01 * np.eye(6), twist[:, :, None]))[:, :, 0]
        return np.clip(qdot * cfg.ctrl_dt / cfg.action_scale, -1, 1).astype(np.float32)

    return policy


def evaluate(make_policy: Callable[..., Callable[[np.ndarray], np.ndarray]], episodes: int) -> dict[str, float]:
    """One full episode per env, ``episodes`` envs, each from its own seeded initial state."""
    import motrix
    from motrix_envs_basic.bounce_ball.env import ballistic_apex

    env = motrix.make(ENV, num_envs=episodes, seed=PLAY_SEED)
    cfg, site = env.cfg, env.model.get_site("paddle_centre")
    policy = make_policy(env)
    state = env.init_state()
    running = np.ones(episodes, bool)
    bounces = np.zeros(episodes, int)
    apex_errors: list[list[float]] = [[] for _ in range(episodes)]
    length = np.zeros(episodes, int)
    full = np.zeros(episodes, bool)
    env_bounces = np.zeros(episodes)
    env_success = np.zeros(episodes, bool)
    prev_vz = env.data.dof_vel[:, 8].copy()
    for _ in range(cfg.max_episode_steps):
        state = env.step(policy(state.obs))
        done = state.terminated | state.truncated
        # the physics state after the step (envs that just finished already hold a new episode)
        vz = env.data.dof_vel[:, 8].copy()
        height = env.data.dof_pos[:, 8] - site.get_pose(env.data)[:, 2]
        apex = running & ~done & (prev_vz > 0) & (vz <= 0)
        top = ballistic_apex(height, vz)
        for i in np.nonzero(apex)[0]:
            apex_errors[i].append(abs(top[i] - cfg.target_apex))
            bounces[i] += top[i] >= cfg.min_bounce_apex
        length += running
        ended = running & done
        full[ended] = state.truncated[ended]
        env_bounces[ended] = state.info["metrics"]["bounces"][ended]
        env_success[ended] = state.info["metrics"]["success"][ended] > 0
        running &= ~done
        prev_vz = vz
        if not running.any():
            break
    success = full & (bounces >= cfg.success_bounces)
    errors = [np.mean(e) for e in apex_errors if e]
    return {
        "episodes": episodes,
        "success_rate": float(success.mean()),
        "full_length_rate": float(full.mean()),
        "mean_bounces": float(bounces.mean()),
        "mean_apex_error": float(np.mean(errors)) if errors else float("nan"),
        "mean_seconds": float(length.mean() * cfg.ctrl_dt),
        "env_metric_success_rate": float(env_success.mean()),
        "env_metric_mean_bounces": float(env_bounces.mean()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="training wall-time budget")
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs-dir", default="runs/bench-bounce-ball")
    parser.add_argument("--run", help="skip training: evaluate this run directory")
    parser.add_argument("--episodes", type=int, default=256)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    if args.episodes < 1 or args.minutes <= 0:
        parser.error("--episodes must be >= 1 and --minutes > 0")

    if args.run:
        run, wall, code = Path(args.run), None, None
    else:
        run, wall, code = train(args)
    first_last = curves(run)
    meta = print_run(run, wall, code, first_last)

    import motrix
    from motrix.registry import get_backend

    probe = motrix.make(ENV, num_envs=1)
    checkpoint = run / "checkpoints" / json.loads((run / "checkpoints" / "index.json").read_text())["latest"]["file"]
    trained = get_backend(meta["backend"]).load_trainer_class()().load_policy(checkpoint, ENV, probe)
    rng = np.random.default_rng(PLAY_SEED)
    policies = {
        "trained (mean actions)": lambda env: trained,
        "random (uniform actions)": lambda env: lambda obs: rng.uniform(-1, 1, (obs.shape[0], 6)).astype(np.float32),
        "still paddle (zero actions)": lambda env: lambda obs: np.zeros((obs.shape[0], 6), np.float32),
        "hand-written controller": scripted,
    }
    results = {"run": str(run), "env_steps": meta.get("env_steps"), "wall_seconds": wall,
               "curves": {k: {"first": v[0], "last": v[1]} for k, v in first_last.items()}}
    print(f"\n{args.episodes} episodes of 20 s each; success = 20 s without a drop and >= 10 bounces\n")
    print("| policy | success | full 20 s | bounces / episode | apex error (m) | seconds kept | env metrics: success, bounces |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, policy in policies.items():
        r = evaluate(policy, args.episodes)
        results[name] = r
        print(f"| {name} | {r['success_rate']:.1%} | {r['full_length_rate']:.1%} | {r['mean_bounces']:.1f} | "
              f"{r['mean_apex_error']:.3f} | {r['mean_seconds']:.1f} | "
              f"{r['env_metric_success_rate']:.1%}, {r['env_metric_mean_bounces']:.1f} |", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
