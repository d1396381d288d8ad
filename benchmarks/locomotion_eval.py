"""How well a quadruped policy (Go1, Go2, ANYmal C) tracks a grid of fixed commands, measured from the physics state.

    python benchmarks/locomotion_eval.py RUN_DIR [--env go1] [--robots 32] [--seconds 10] [--json F]
    python benchmarks/locomotion_eval.py --zero [--env go1]      # the zero-action (standing) baseline

``evaluate_grid(policy, env_name, ...)`` plays ``policy`` (a deterministic callable
``obs (n, 48) -> actions (n, 12)``) on ``robots_per_command`` robots for each command of
``COMMAND_GRID``, every command held for the whole evaluation (no resampling), and measures
from ``dof_pos`` / ``dof_vel`` read after each control step's physics (before the env resets
anyone), not from the reward or the observation (which may be noisy):

- planar velocity error: |command (vx, vy) - trunk velocity in the yaw frame| (m/s);
- yaw-rate error: |command yaw rate - trunk world yaw rate| (rad/s);
- falls per robot per 10 s: a fall is the trunk's up axis tilting past 60 degrees or the trunk
  centre dropping below ``FALL_HEIGHT_SHARE`` of its standing height above the ground under it, or an episode the env
  ends early (its own fall test: the trunk touching the ground, or the tilt), counted once
  per episode (the robot is reset and keeps going).

Errors are averaged over robots and over control steps after ``skip_seconds`` (getting up to
speed); falls are counted over the whole evaluation. Extra keyword arguments go to
``motrix.make`` (e.g. ``terrain="rough"`` or a held-out ``randomization=...``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

COMMAND_GRID: dict[str, tuple[float, float, float]] = {
    "forward 0.5": (0.5, 0.0, 0.0),
    "forward 1.0": (1.0, 0.0, 0.0),
    "backward": (-0.5, 0.0, 0.0),
    "sideways": (0.0, 0.4, 0.0),
    "turning": (0.0, 0.0, 0.8),
    "arc": (0.6, 0.0, 0.5),
    "diagonal": (0.5, 0.3, 0.0),
    "standing": (0.0, 0.0, 0.0),
}
FALL_UPRIGHT = 0.5
"""Fallen when the world-z component of the trunk's up axis is below this (tilted past 60°)."""
FALL_HEIGHT_SHARE = 0.5
"""Fallen when the trunk centre is lower than this share of the robot's lowest standing height
above the ground under it (Go1: 0.5 x 0.24 = 0.12 m; it stands at ~0.27 m)."""

Policy = Callable[[np.ndarray], np.ndarray]


def _yaw_frame(quat_xyzw: np.ndarray, world_vel: np.ndarray) -> np.ndarray:
    """World planar velocity (n, 2) expressed in the trunk's heading frame."""
    x, y, z, w = quat_xyzw.T
    yaw = np.arctan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z))
    c, s = np.cos(yaw), np.sin(yaw)
    vx, vy = world_vel[:, 0], world_vel[:, 1]
    return np.stack([c * vx + s * vy, -s * vx + c * vy], axis=1)


def _up_and_yaw_rate(quat_xyzw: np.ndarray, body_ang_vel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """World-z of the trunk's up axis, and the world yaw rate (the free joint's ω is in the body frame)."""
    x, y, z, w = quat_xyzw.T
    # third row of the rotation matrix: world z of the body x, y, z axes
    r20, r21, r22 = 2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)
    yaw_rate = r20 * body_ang_vel[:, 0] + r21 * body_ang_vel[:, 1] + r22 * body_ang_vel[:, 2]
    return r22, yaw_rate


class _Probe:
    """Reads the physics state after each step's physics, before the env resets finished robots."""

    def __init__(self, env: Any, command: np.ndarray) -> None:
        self.env, self.command = env, command
        self.fallen = np.zeros(env.num_envs, dtype=bool)
        self.planar_error = self.yaw_error = None
        self.falls = 0
        self.fall_height = FALL_HEIGHT_SHARE * env.robot.standing_height[0]
        inner = env.update_state

        def update_state(state):  # the env's own step, with a look at the physics first
            self.read(state.data)
            return inner(state)

        env.update_state = update_state

    def read(self, data: Any) -> None:
        pos, vel = data.dof_pos, data.dof_vel
        quat = pos[:, 3:7]
        up, yaw_rate = _up_and_yaw_rate(quat, vel[:, 3:6])
        terrain = getattr(self.env, "terrain", None)
        ground = terrain.height_at(pos[:, 0], pos[:, 1]) if terrain is not None else 0.0
        fallen = (up < FALL_UPRIGHT) | (pos[:, 2] - ground < self.fall_height)
        self.falls += int((fallen & ~self.fallen).sum())
        self.fallen |= fallen
        self.planar_error = np.linalg.norm(self.command[:2] - _yaw_frame(quat, vel[:, :3]), axis=1)
        self.yaw_error = np.abs(self.command[2] - yaw_rate)

    def episodes_ended(self, terminated: np.ndarray, done: np.ndarray) -> None:
        # an episode the env ended early is a fall even if the trunk only grazed the ground
        self.falls += int((terminated & ~self.fallen).sum())
        self.fallen &= ~done  # a reset robot may fall again


def evaluate_grid(policy: Policy, env_name: str = "go1", *, robots_per_command: int = 32, seconds: float = 10.0,
                  skip_seconds: float = 2.0, seed: int = 123, **env_overrides: Any) -> dict[str, Any]:
    """Per command of ``COMMAND_GRID`` and over all of them (mean, worst): tracking errors and falls.

    Returns ``{"commands": {name: {"planar_velocity_error", "yaw_rate_error", "falls_per_robot_per_10s"}},
    "mean": {...}, "worst": {...}, "settings": {...}}``.
    """
    import motrix

    if not 0 <= skip_seconds < seconds:
        raise ValueError(f"skip_seconds ({skip_seconds}) must be in [0, seconds ({seconds}))")
    envs, probes = [], []
    for k, command in enumerate(COMMAND_GRID.values()):
        vx, vy, wz = command
        env = motrix.make(env_name, num_envs=robots_per_command, seed=seed + k, **{
            "command_lin_vel_x": (vx, vx), "command_lin_vel_y": (vy, vy), "command_yaw_rate": (wz, wz),
            "command_resample_seconds": 1e9, **env_overrides})
        envs.append(env)
        probes.append(_Probe(env, np.asarray(command, dtype=np.float32)))
    obs = np.concatenate([env.init_state().obs for env in envs])
    steps = round(seconds / envs[0].cfg.ctrl_dt)
    skip = round(skip_seconds / envs[0].cfg.ctrl_dt)
    planar = np.zeros(len(envs))
    yaw = np.zeros(len(envs))
    n = robots_per_command
    for t in range(steps):
        actions = np.asarray(policy(obs), dtype=np.float32)
        states = [env.step(actions[k * n:(k + 1) * n]) for k, env in enumerate(envs)]
        for k, (probe, state) in enumerate(zip(probes, states)):
            probe.episodes_ended(state.terminated, state.done)
            if t >= skip:
                planar[k] += probe.planar_error.mean()
                yaw[k] += probe.yaw_error.mean()
        obs = np.concatenate([state.obs for state in states])
    counted = max(1, steps - skip)
    per_command = {
        name: {"planar_velocity_error": float(planar[k] / counted), "yaw_rate_error": float(yaw[k] / counted),
               "falls_per_robot_per_10s": probes[k].falls / n * 10.0 / seconds}
        for k, name in enumerate(COMMAND_GRID)}
    keys = ("planar_velocity_error", "yaw_rate_error", "falls_per_robot_per_10s")
    return {
        "commands": per_command,
        "mean": {key: float(np.mean([v[key] for v in per_command.values()])) for key in keys},
        "worst": {key: max((v[key], name) for name, v in per_command.items())[0] for key in keys}
        | {"worst_command": {key: max((v[key], name) for name, v in per_command.items())[1] for key in keys}},
        "settings": {"env": env_name, "robots_per_command": n, "seconds": seconds, "skip_seconds": skip_seconds,
                     "seed": seed, "env_overrides": {k: repr(v) for k, v in env_overrides.items()}},
    }


def zero_policy(obs: np.ndarray) -> np.ndarray:
    """Hold the standing pose (the untrained baseline)."""
    return np.zeros((obs.shape[0], 12), dtype=np.float32)  # every quadruped here has 12 joints


def load_policy(run: str | Path, env_name: str | None = None) -> Policy:
    """The deterministic policy of a run's latest checkpoint, loaded as ``motrix play`` loads it.

    ``env_name``: the env it was trained on (default: the run's); the policy then plays on any
    variant of the same robot, all of which share the observation and action.
    """
    import motrix
    from motrix.registry import get_backend

    run = Path(run)
    meta = json.loads((run / "metadata.json").read_text())
    env_name = env_name or meta["env"]
    index = json.loads((run / "checkpoints" / "index.json").read_text())
    checkpoint = run / "checkpoints" / index["latest"]["file"]
    probe_env = motrix.make(env_name, num_envs=1)
    return get_backend(meta["backend"]).load_trainer_class()().load_policy(checkpoint, env_name, probe_env)


def format_table(columns: dict[str, dict[str, Any]]) -> str:
    """Per-command rows, one (planar error, yaw error, falls) group per column."""
    names = list(COMMAND_GRID) + ["mean", "worst"]
    head = f"{'command':12s}" + "".join(f" | {c[:29]:^29s}" for c in columns)
    sub = f"{'':12s}" + " | planar m/s  yaw rad/s  falls" * len(columns)
    lines = [head, sub]
    for name in names:
        cells = []
        for result in columns.values():
            row = result[name] if name in ("mean", "worst") else result["commands"][name]
            cells.append(f" | {row['planar_velocity_error']:10.3f} {row['yaw_rate_error']:10.3f}"
                         f" {row['falls_per_robot_per_10s']:6.2f}")
        lines.append(f"{name:12s}" + "".join(cells))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", nargs="?", help="run directory whose latest checkpoint to evaluate")
    parser.add_argument("--zero", action="store_true", help="evaluate the zero-action standing baseline")
    parser.add_argument("--env", default="go1")
    parser.add_argument("--robots", type=int, default=32, help="robots per command")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=123)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    if not args.run and not args.zero:
        parser.error("give a run directory or --zero")
    policy = zero_policy if args.zero else load_policy(args.run)
    result = evaluate_grid(policy, args.env, robots_per_command=args.robots, seconds=args.seconds, seed=args.seed)
    print(format_table({"zero actions" if args.zero else str(args.run): result}))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.exit(main())
