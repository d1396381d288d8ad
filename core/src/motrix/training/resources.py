"""Will it fit? The memory a training, a play, a view or a bench needs, checked before anything starts.

The estimate: the env's own memory per env (measured: a 1-env and a 513-env batch are built
and stepped once, and the growth of the process's resident memory divided by 512, at least
4 KiB), plus for training the rollout memory (``rollouts`` × (observation + action + 7
numbers) × 4 bytes, twice over for the update's working copies), plus the networks with their
gradients and Adam moments, plus a fixed allowance for the framework. It is compared with the
memory available (``/proc/meminfo``'s MemAvailable, the cgroup's limit when lower, or
``$MOTRIX_MEMORY_LIMIT`` such as ``8G`` when set). Over 90 % of it: one line with the figures
and the largest ``num_envs`` that fits, exit 2, nothing written.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Any

from motrix.errors import UsageError

PROBE_ENVS = 513
MIN_ENV_BYTES = 4096
USABLE = 0.9
#: The process, Python, MotrixSim and (for training and play) the framework and skrl.
FIXED_BYTES = {"train": 700 << 20, "play": 600 << 20, "view": 300 << 20, "bench": 300 << 20}


@dataclass(frozen=True)
class MemoryEstimate:
    per_env: int
    """Bytes each env adds (physics, env arrays, rollout memory)."""
    fixed: int
    """Bytes that do not grow with the number of envs (framework, networks)."""

    def total(self, num_envs: int) -> int:
        return self.fixed + self.per_env * num_envs

    def max_envs(self, available: int) -> int:
        return max(0, int((available * USABLE - self.fixed) // self.per_env))


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def env_bytes_per_env(env_spec: Any, env_cfg: Any) -> tuple[int, int, int]:
    """``(bytes per env, obs size, action size)``: the env's own memory, measured."""
    import numpy as np

    from motrix.env.make import make_from_spec

    one = make_from_spec(env_spec, env_cfg, 1, seed=0)
    one.init_state()
    obs_dim, act_dim = int(np.prod(one.observation_space.shape)), int(np.prod(one.action_space.shape))
    try:
        before = _rss()
    except OSError:  # no /proc: a generous figure instead of a measured one
        return 1 << 20, obs_dim, act_dim
    many = make_from_spec(env_spec, env_cfg, PROBE_ENVS, seed=0)
    many.init_state()
    many.step(np.zeros((PROBE_ENVS, act_dim), np.float32))
    grown = _rss() - before
    del many
    return max(MIN_ENV_BYTES, math.ceil(grown / (PROBE_ENVS - 1))), obs_dim, act_dim


def estimate(env_spec: Any, env_cfg: Any, rl_cfg: Any, what: str) -> MemoryEstimate:
    per_env, obs_dim, act_dim = env_bytes_per_env(env_spec, env_cfg)
    fixed = FIXED_BYTES[what]
    if what == "train":
        per_env += 2 * rl_cfg.rollouts * (obs_dim + act_dim + 7) * 4
        weights = _mlp_weights(obs_dim, rl_cfg.policy_hidden_layer_sizes, act_dim)
        weights += _mlp_weights(obs_dim, rl_cfg.value_hidden_layer_sizes, 1)
        fixed += weights * 4 * 4  # weights, gradients, Adam's two moments
    return MemoryEstimate(per_env, fixed)


def _mlp_weights(n_in: int, hidden: Any, n_out: int) -> int:
    sizes = [n_in, *hidden, n_out]
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


def available_memory() -> tuple[int, str] | None:
    """Bytes that may be used, and where the figure comes from; None when it cannot be told."""
    limit = os.environ.get("MOTRIX_MEMORY_LIMIT", "").strip()
    if limit:
        return parse_bytes(limit, "MOTRIX_MEMORY_LIMIT"), "MOTRIX_MEMORY_LIMIT"
    found: list[tuple[int, str]] = []
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    found.append((int(line.split()[1]) * 1024, "available on this machine"))
    except (OSError, ValueError):
        pass
    try:
        with open("/sys/fs/cgroup/memory.max") as f:
            raw = f.read().strip()
        if raw != "max":
            with open("/sys/fs/cgroup/memory.current") as f:
                found.append((int(raw) - int(f.read().strip()), "left under this container's limit"))
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def parse_bytes(text: str, name: str) -> int:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", text.lower())
    if not match:
        raise UsageError(f"{name}={text!r} is not an amount of memory; write e.g. 8G, 512M or 1000000")
    value, unit = float(match.group(1)), match.group(2)
    return int(value * 1024 ** " kmgt".index(unit or " "))


def _fmt(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"


def check_memory(env_spec: Any, env_cfg: Any, rl_cfg: Any, what: str, num_envs: int | None = None) -> None:
    """``UsageError`` (one line) when ``num_envs`` envs (default ``rl_cfg.num_envs``) would not fit."""
    available = available_memory()
    if available is None:
        return
    budget, source = available
    num_envs = rl_cfg.num_envs if num_envs is None else num_envs
    est = estimate(env_spec, env_cfg, rl_cfg, what)
    need = est.total(num_envs)
    if need <= budget * USABLE:
        return
    fits = est.max_envs(budget)
    advice = (f"at most {fits:,} envs fit: use --num-envs {fits}" if fits > 0
              else "not even one env fits: free memory or raise MOTRIX_MEMORY_LIMIT")
    raise UsageError(f"{what} {env_spec.name} with {num_envs:,} envs needs about {_fmt(need)} of memory "
                     f"({_fmt(est.per_env)} per env + {_fmt(est.fixed)}), {_fmt(budget)} is {source}; {advice}")
