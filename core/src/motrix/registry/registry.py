"""The merged view of every plugin's specs, with conflicts reported by provenance."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from motrix.errors import PluginError
from motrix.plugin.manager import MotrixPluginManager, PluginRecord
from motrix.plugin.specs import BackendSpec, EnvSpec, RLConfigSpec

S = TypeVar("S")


@dataclass
class Provided(Generic[S]):
    """A spec and the plugin that provided it."""

    spec: S
    plugin: PluginRecord


@dataclass
class Conflict:
    """Two plugins providing the same thing; using it is an error naming both."""

    what: str
    first: PluginRecord
    second: PluginRecord

    @property
    def message(self) -> str:
        a, b = sorted((self.first, self.second), key=lambda r: r.name)
        return (
            f"conflict: {self.what} is provided by both {a.provenance} and "
            f"{b.provenance}; uninstall one or block it with MOTRIX_DISABLE_PLUGINS"
        )


@dataclass
class Registry:
    """Envs, RL configs and backends of all active plugins."""

    manager: MotrixPluginManager
    envs: dict[tuple[str, str], Provided[EnvSpec]] = field(default_factory=dict)
    aliases: dict[tuple[str, str], Provided[EnvSpec]] = field(default_factory=dict)
    """``(alias, sim backend)`` → the env it names (its spec carries the canonical name)."""
    rl_configs: dict[tuple, Provided[RLConfigSpec]] = field(default_factory=dict)
    backends: dict[str, Provided[BackendSpec]] = field(default_factory=dict)
    conflicts: dict[tuple[str, Any], Conflict] = field(default_factory=dict)

    @classmethod
    def from_manager(cls, manager: MotrixPluginManager) -> "Registry":
        registry = cls(manager)
        collected = {name: manager.collect(name) for name in ("motrix_envs", "motrix_rl_configs", "motrix_backends")}
        # A plugin that failed in any hook contributes nothing, whatever the hook order.
        alive = lambda pairs: [(s, r) for s, r in pairs if r.status == "active"]  # noqa: E731
        envs = alive(collected["motrix_envs"])
        for spec, record in envs:
            registry._add("env", registry.envs, (spec.name, spec.sim_backend), spec, record,
                          f"env {spec.name!r} (sim backend {spec.sim_backend!r})")
        # Aliases after every name, so that a clash is found whatever order plugins load in.
        for spec, record in envs:
            for alias in spec.aliases:
                registry._add_alias(alias, spec, record)
        for spec, record in alive(collected["motrix_rl_configs"]):
            if spec.env != (canonical := registry.canonical_env_name(spec.env)):
                spec = dataclasses.replace(spec, env=canonical)  # a config may name its env by an alias
            scope = f"backend {spec.backend!r}" if spec.backend else "all backends"
            registry._add("rl_config", registry.rl_configs, spec.key, spec, record,
                          f"RL config for env {spec.env!r} ({spec.framework}/{spec.algorithm}, {scope})")
        for spec, record in alive(collected["motrix_backends"]):
            registry._add("backend", registry.backends, spec.name, spec, record, f"backend {spec.name!r}")
        return registry

    def _add(self, kind: str, table: dict, key: Any, spec: Any, record: PluginRecord, what: str) -> None:
        if key in table and table[key].plugin.name != record.name:
            conflict = Conflict(what, table[key].plugin, record)
            self.conflicts[(kind, key)] = conflict
            if self.manager.strict:
                raise PluginError(conflict.message)
            return
        table[key] = Provided(spec, record)

    def _add_alias(self, alias: str, spec: EnvSpec, record: PluginRecord) -> None:
        key = (alias, spec.sim_backend)
        if alias == spec.name or ("env", key) in self.conflicts:
            return
        owner = self.envs.get(key) or self.aliases.get(key)
        if owner is None:
            self.aliases[key] = Provided(spec, record)
            return
        if owner.plugin.name == record.name:
            return  # one plugin naming its own env twice: its canonical name wins
        roles = {
            record.name: f"alias of {spec.name!r}",
            owner.plugin.name: f"env {alias!r}" if key in self.envs else f"alias of {owner.spec.name!r}",
        }
        ordered = [roles[r.name] for r in sorted((owner.plugin, record), key=lambda r: r.name)]
        conflict = Conflict(f"env name {alias!r} (sim backend {spec.sim_backend!r}; "
                            f"{ordered[0]} and {ordered[1]})", owner.plugin, record)
        self.conflicts[("env", key)] = conflict
        if self.manager.strict:
            raise PluginError(conflict.message)

    def canonical_env_name(self, name: str) -> str:
        """``name``, or the env it is an alias of (an env's own name always wins)."""
        if any(n == name for n, _ in self.envs):
            return name
        return next((p.spec.name for (a, _), p in self.aliases.items() if a == name), name)

    def conflict_for(self, kind: str, key: Any) -> Conflict | None:
        return self.conflicts.get((kind, key))

    @property
    def plugins(self) -> list[PluginRecord]:
        return sorted(self.manager.records.values(), key=lambda r: r.name)


@functools.lru_cache(maxsize=1)
def get_registry() -> Registry:
    """The process-wide registry, built on first use from installed entry points."""
    manager = MotrixPluginManager()
    manager.load_entry_points()
    return Registry.from_manager(manager)
