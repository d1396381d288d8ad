"""Resolution rules (docs/architecture.md): env by name, RL config by backend, backend by device."""

from __future__ import annotations

import difflib
import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass

from motrix.errors import PluginError, UsageError
from motrix.plugin.lazy import resolve as resolve_ref
from motrix.plugin.specs import BackendSpec, EnvSpec, RLConfigSpec
from motrix.registry.registry import Registry, get_registry

#: Backends we publish, so a missing one gets an install hint rather than "unknown".
KNOWN_BACKENDS = {"torch": "motrix-backend-torch", "jax": "motrix-backend-jax"}
#: On a CPU-only machine: measured faster first (docs/performance.md).
CPU_PREFERENCE = ("torch", "jax")
#: With a GPU: JAX first, then torch (docs/architecture.md).
GPU_PREFERENCE = ("jax", "torch")


def _suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""


def get_env(name: str, sim_backend: str = "np", registry: Registry | None = None) -> EnvSpec:
    """The env spec for ``name`` or one of its aliases (the spec's ``name`` is the canonical one);
    unknown names get close matches."""
    registry = registry or get_registry()
    key = (name, sim_backend)
    if conflict := registry.conflict_for("env", key):
        raise PluginError(conflict.message)
    if key in registry.envs:
        return registry.envs[key].spec
    if key in registry.aliases:
        return registry.aliases[key].spec
    names = sorted({n for n, _ in registry.envs} | {a for a, _ in registry.aliases})
    if any(n == name for n in names):
        backends = sorted({b for n, b in [*registry.envs, *registry.aliases] if n == name})
        raise UsageError(f"env {name!r} has no sim backend {sim_backend!r} (has: {', '.join(backends)})")
    if not names:
        raise UsageError(f"unknown env {name!r}: no env plugins are installed (try `pip install motrix-envs-basic`)")
    raise UsageError(f"unknown env {name!r}{_suggest(name, names)} (see `motrix list envs`)")


def get_rl_config(
    env: str, backend: str, framework: str = "skrl", algorithm: str = "ppo",
    registry: Registry | None = None,
) -> RLConfigSpec:
    """Backend-specific config, else the universal one, else an error naming who has one."""
    registry = registry or get_registry()
    env = registry.canonical_env_name(env)
    for key in ((env, framework, backend, algorithm), (env, framework, None, algorithm)):
        if conflict := registry.conflict_for("rl_config", key):
            raise PluginError(conflict.message)
        if key in registry.rl_configs:
            return registry.rl_configs[key].spec
    others = sorted(
        str(spec.backend) for (e, f, b, a), p in registry.rl_configs.items()
        for spec in [p.spec] if e == env and f == framework and a == algorithm
    )
    if others:
        raise UsageError(
            f"no {framework} {algorithm} config for env {env!r} on backend {backend!r}; "
            f"backends with one: {', '.join(others)} (choose one with --backend)"
        )
    raise UsageError(f"no {framework} {algorithm} config for env {env!r}: its plugin provides none")


def backend_importable(spec: BackendSpec) -> bool:
    """All of ``spec.requires`` can be imported; checked without importing them."""
    for module in spec.requires:
        try:
            if importlib.util.find_spec(module) is None:
                return False
        except (ImportError, ValueError):
            return False
    return True


def install_hint(name: str, spec: BackendSpec | None = None) -> str:
    if spec is not None and spec.install_hint:
        return spec.install_hint
    dist = KNOWN_BACKENDS.get(name, f"motrix-backend-{name}")
    return f"pip install {dist}"


def get_backend(name: str, registry: Registry | None = None) -> BackendSpec:
    """The backend called ``name``, installed and importable."""
    registry = registry or get_registry()
    if conflict := registry.conflict_for("backend", name):
        raise PluginError(conflict.message)
    if name not in registry.backends:
        if name in KNOWN_BACKENDS:
            raise UsageError(f"backend {name!r} is not installed; install it with `{install_hint(name)}`")
        known = sorted(set(registry.backends) | set(KNOWN_BACKENDS))
        raise UsageError(f"unknown backend {name!r}{_suggest(name, known)} (known: {', '.join(known)})")
    spec = registry.backends[name].spec
    if not backend_importable(spec):
        missing = [m for m in spec.requires if importlib.util.find_spec(m) is None]
        raise UsageError(
            f"backend {name!r} is installed but cannot import {', '.join(missing)}; "
            f"reinstall it with `{install_hint(name, spec)}`"
        )
    return spec


def backend_has_gpu(spec: BackendSpec) -> bool:
    """Whether ``spec`` will train on a GPU here (its device probe; no probe or a broken one: no)."""
    if spec.device_probe is None:
        return False
    try:
        return bool(resolve_ref(spec.device_probe)())
    except Exception:  # a broken probe means "no GPU", not a crash
        return False


@dataclass(frozen=True)
class BackendChoice:
    """The backend ``motrix train`` will use, and why."""

    spec: BackendSpec
    """The chosen backend."""
    reason: str
    """Why it was chosen, in one phrase (``motrix config`` prints it)."""
    has_gpu: bool | None
    """Its device probe's answer if the choice asked it, else None (an explicit ``--backend``)."""


def choose_backend(explicit: str | None = None, registry: Registry | None = None) -> BackendSpec:
    """``explicit`` if given; else GPU JAX > GPU torch > CPU torch > CPU JAX, then others."""
    return explain_backend_choice(explicit, registry).spec


def explain_backend_choice(explicit: str | None = None, registry: Registry | None = None) -> BackendChoice:
    """What ``choose_backend`` picks, why, and the device probe's answer where it asked one."""
    registry = registry or get_registry()
    if explicit:
        return BackendChoice(get_backend(explicit, registry), f"--backend {explicit}", None)
    usable = {
        name: p.spec for name, p in registry.backends.items()
        if registry.conflict_for("backend", name) is None and backend_importable(p.spec)
    }
    if not usable:
        raise UsageError(
            "no training backend is installed; install one with "
            "`pip install motrix-backend-torch` or `pip install motrix-backend-jax`"
        )
    ordered = [n for n in GPU_PREFERENCE if n in usable] + sorted(set(usable) - set(GPU_PREFERENCE))
    for name in ordered:
        if backend_has_gpu(usable[name]):
            return BackendChoice(usable[name], f"chosen by device: {name} sees a GPU", True)
    cpu_order = [n for n in CPU_PREFERENCE if n in usable] + sorted(set(usable) - set(CPU_PREFERENCE))
    why = (f"no GPU seen by {', '.join(ordered)}; on a CPU the order is {', '.join(cpu_order)}"
           if len(cpu_order) > 1 else f"no GPU; {cpu_order[0]} is the only backend installed")
    return BackendChoice(usable[cpu_order[0]], f"chosen by device: {why}", False)
