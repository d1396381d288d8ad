"""Build envs from the registry: ``motrix.make`` and what the trainers use."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from motrix.config.nested import apply, resolve
from motrix.env.cfg import EnvCfg
from motrix.errors import UsageError
from motrix.plugin.specs import EnvSpec

if TYPE_CHECKING:
    from motrix.env.base import NpEnv


def make_env_cfg(spec: EnvSpec, overrides: dict[str, Any] | None = None) -> EnvCfg:
    """The env's default config with ``overrides`` applied and validated.

    Keys are field names, or dotted paths into nested config groups
    (``"randomization.push.velocity"``), applied in order.
    """
    cfg_cls = spec.load_cfg_class()
    cfg = cfg_cls()
    if overrides:
        names = {f.name for f in dataclasses.fields(cfg)}
        unknown = sorted({key.partition(".")[0] for key in overrides} - names)
        if unknown:
            raise UsageError(f"unknown env config key(s) {', '.join(unknown)} for {spec.name!r}")
        for key in overrides:
            if "." in key:
                resolve(cfg_cls, key, "env config")
        cfg = apply(cfg, overrides)
    cfg.validate()
    return cfg


def make_from_spec(spec: EnvSpec, cfg: EnvCfg, num_envs: int, seed: int | None = None) -> "NpEnv":
    """Construct ``spec``'s env class as ``Env(cfg, num_envs=N)`` and seed it."""
    if num_envs <= 0:
        raise UsageError(f"num_envs must be > 0, got {num_envs}")
    env_cls = spec.load_env_class()
    env = env_cls(cfg, num_envs=num_envs)
    env.seed(seed)
    return env


def make(name: str, num_envs: int = 1, seed: int | None = None, **env_overrides: Any) -> "NpEnv":
    from motrix.registry import get_env

    spec = get_env(name)
    return make_from_spec(spec, make_env_cfg(spec, env_overrides), num_envs, seed=seed)
