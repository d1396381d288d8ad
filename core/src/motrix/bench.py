"""``motrix bench``: how fast an env steps, next to raw physics on the same model and batch.

The env and the raw physics take turns step by step, so that load from other processes on
a shared machine hits both alike; the ratio is the figure to trust.
"""

from __future__ import annotations

import importlib.metadata
import os
import time
from typing import Any

import numpy as np

#: Raw physics is put back in the env's physics state every this many steps.
SYNC_STEPS = 25
#: Distinct random action batches cycled through (sampled before timing).
ACTION_POOL = 64


def run_bench(env_name: str, num_envs: int, steps: int, seed: int = 0) -> dict[str, Any]:
    """Env-steps/s of ``env_name``'s full ``step`` (random actions) and of raw physics.

    Raw physics is ``model.step`` (``step_n`` with substeps) on a second ``SceneData`` of the
    same model and batch size, put back in the env's physics state every ``SYNC_STEPS``
    steps so that both see the same states. Rates count env-steps: control steps × envs.
    """
    from motrix._sim import import_motrixsim
    from motrix.env.actions import sample_actions
    from motrix.env.make import make
    from motrix.errors import UsageError

    if steps <= 0:
        raise UsageError(f"steps must be > 0, got {steps}")
    env = make(env_name, num_envs=num_envs, seed=seed)
    motrixsim = import_motrixsim()
    model, substeps = env.model, env.cfg.sim_substeps
    raw = motrixsim.SceneData(model, batch=(env.num_envs,))
    actions = sample_actions(env.action_space, env.num_envs, np.random.default_rng(seed), count=ACTION_POOL)
    env.init_state()

    totals = {"env": np.zeros(2), "raw": np.zeros(2)}  # wall, main-thread CPU seconds
    done_count = 0

    def timed(label: str, fn: Any, *args: Any) -> Any:
        wall, cpu = time.perf_counter(), time.thread_time()
        result = fn(*args)
        totals[label] += (time.perf_counter() - wall, time.thread_time() - cpu)
        return result

    def env_step(i: int) -> None:
        nonlocal done_count
        state = timed("env", env.step, actions[i % ACTION_POOL])
        done_count += int(np.count_nonzero(state.terminated)) + int(np.count_nonzero(state.truncated))

    def raw_step() -> None:
        timed("raw", model.step_n, raw, substeps)

    for i in range(min(SYNC_STEPS, steps)):  # warm-up: first-touch allocations, caches
        env_step(i)
        raw_step()
    for total in totals.values():
        total[:] = 0.0
    done_count = 0
    load_before = _load()
    for i in range(steps):
        if i % SYNC_STEPS == 0:  # raw physics restarts from the env's states (untimed)
            raw.set_dof_pos(env.data.dof_pos, model)
            raw.set_dof_vel(env.data.dof_vel)
            raw.actuator_ctrls = env.data.actuator_ctrls
        # One step each, alternating which goes first: both meet the same machine load.
        if i % 2:
            raw_step()
            env_step(i)
        else:
            env_step(i)
            raw_step()
    env_time, raw_time = totals["env"], totals["raw"]

    env_rate = steps * env.num_envs / env_time[0]
    raw_rate = steps * env.num_envs / raw_time[0]
    return {
        "env": env_name,
        "num_envs": env.num_envs,
        "steps": steps,
        "sim_substeps": substeps,
        "env_steps_per_s": env_rate,
        "physics_steps_per_s": raw_rate,
        "ratio": env_rate / raw_rate,
        # Wall time the env adds per batched step; noisy on a busy machine.
        "env_overhead_us_per_step": (env_time[0] - raw_time[0]) / steps * 1e6,
        # CPU time of the Python thread the env adds per batched step (physics runs in
        # MotrixSim's worker threads): what the env itself costs, steadier under load.
        "env_python_us_per_step": (env_time[1] - raw_time[1]) / steps * 1e6,
        "episodes_finished": done_count,
        "env_seconds": float(env_time[0]),
        "physics_seconds": float(raw_time[0]),
        "cpu_count": os.cpu_count(),
        "load_average": max(load_before, _load()),
        "motrixsim_version": importlib.metadata.version("motrixsim"),
    }


def _load() -> float:
    """1-minute load average (0 where the platform has none)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return 0.0


def format_bench(result: dict[str, Any]) -> str:
    """Human-readable lines for a ``run_bench`` result."""
    substeps = result["sim_substeps"]
    lines = [
        f"{result['env']}: {result['num_envs']} envs × {result['steps']} steps, random actions "
        f"({substeps} physics step{'s' if substeps != 1 else ''} per env-step)",
        f"  env step     {result['env_steps_per_s']:>13,.0f} env-steps/s",
        f"  raw physics  {result['physics_steps_per_s']:>13,.0f} env-steps/s",
        f"  ratio        {result['ratio']:>13.2f}",
        f"  env overhead {result['env_overhead_us_per_step']:>13,.0f} µs wall per batched step "
        f"(Python thread: {result['env_python_us_per_step']:,.0f} µs CPU); "
        f"{result['episodes_finished']:,} episodes finished",
    ]
    cpus = result.get("cpu_count") or 1
    if result.get("load_average", 0.0) > 0.5 * cpus:
        lines.append(
            f"  note: the machine was busy (load {result['load_average']:.1f} on {cpus} CPUs); "
            "rates and even their ratio are unreliable; the Python-thread CPU figure is steadier"
        )
    return "\n".join(lines)
