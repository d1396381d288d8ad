"""Discover plugins through entry points and collect their specs, resiliently.

A plugin that fails to import, uses an unknown hook name, raises from a hook or yields
something that is not a spec is recorded as ``failed`` with its distribution and reason;
the other plugins keep working. ``MOTRIX_PLUGINS_STRICT=1`` turns every such failure into
an error; ``MOTRIX_DISABLE_PLUGINS=a,b`` skips plugins by name without importing them.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from types import ModuleType
from typing import Any

import pluggy

from motrix.errors import PluginError
from motrix.plugin import hookspecs
from motrix.plugin.specs import BackendSpec, EnvSpec, RLConfigSpec

SPEC_TYPES: dict[str, type] = {
    "motrix_envs": EnvSpec,
    "motrix_rl_configs": RLConfigSpec,
    "motrix_backends": BackendSpec,
}
STRICT_VAR = "MOTRIX_PLUGINS_STRICT"
DISABLE_VAR = "MOTRIX_DISABLE_PLUGINS"


@dataclass
class PluginRecord:
    """What the core knows about one installed plugin."""

    name: str
    """Entry-point name (the distribution name by convention)."""
    distribution: str
    """Distribution that declares the entry point."""
    version: str
    """Installed version of that distribution."""
    value: str
    """Entry-point value: the module holding the hook implementations."""
    status: str = "active"
    """``active``, ``failed`` or ``disabled``."""
    hooks: list[str] = field(default_factory=list)
    """Hook names the plugin implements."""
    errors: list[str] = field(default_factory=list)
    """Why it failed, one line each."""

    @property
    def provenance(self) -> str:
        """``distribution version``, used in conflict messages and listings."""
        return f"{self.distribution} {self.version}"

    def fail(self, reason: str) -> None:
        self.status = "failed"
        self.errors.append(reason)


def strict_mode() -> bool:
    return os.environ.get(STRICT_VAR, "").strip().lower() in ("1", "true", "yes", "on")


def disabled_names() -> set[str]:
    raw = os.environ.get(DISABLE_VAR, "")
    return {n.strip() for n in raw.split(",") if n.strip()}


def _one_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return " ".join(text.split())


class MotrixPluginManager:
    """Load ``motrix.plugins`` entry points and call their hooks with provenance."""

    def __init__(self) -> None:
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}
        self.strict = strict_mode()

    # -- loading --------------------------------------------------------------------
    def load_entry_points(self, group: str = hookspecs.ENTRY_POINT_GROUP) -> None:
        disabled = disabled_names()
        for ep in sorted(metadata.entry_points(group=group), key=lambda e: e.name):
            if ep.name in self.records:
                continue  # the same distribution seen twice on sys.path
            dist = getattr(ep, "dist", None)
            record = PluginRecord(
                name=ep.name,
                distribution=dist.metadata["Name"] if dist is not None else ep.name,
                version=dist.version if dist is not None else "?",
                value=ep.value,
            )
            self.records[ep.name] = record
            if ep.name in disabled or record.distribution in disabled:
                record.status = "disabled"
                continue
            try:
                module = ep.load()
            except BaseException as exc:  # noqa: BLE001 - a plugin must not take down the CLI
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                self._failed(record, f"failed to import {ep.value}: {_one_line(exc)}")
                continue
            self.register(module, record)

    def register(self, module: ModuleType | Any, record: PluginRecord) -> None:
        """Register a plugin object (module or instance) under ``record``."""
        self.records.setdefault(record.name, record)
        unknown = [
            name
            for name in dir(module)
            if name.startswith("motrix_")
            and callable(getattr(module, name, None))
            and name not in hookspecs.HOOK_NAMES
            and getattr(getattr(module, name), f"{hookspecs.PROJECT}_impl", None) is not None
        ]
        if unknown:
            known = ", ".join(hookspecs.HOOK_NAMES)
            self._failed(record, f"unknown hook {', '.join(unknown)} (known hooks: {known})")
            return
        try:
            self._pm.register(module, name=record.name)
        except Exception as exc:  # pluggy validation (bad signature, ...)
            self._failed(record, f"invalid hook implementation: {_one_line(exc)}")
            return
        record.hooks = sorted(
            impl.function.__name__
            for hook_name in hookspecs.HOOK_NAMES
            for impl in getattr(self._pm.hook, hook_name).get_hookimpls()
            if impl.plugin_name == record.name
        )

    def _failed(self, record: PluginRecord, reason: str) -> None:
        record.fail(reason)
        if self.strict:
            raise PluginError(f"plugin {record.provenance} failed: {reason} ({STRICT_VAR}=1)")

    # -- calling hooks ----------------------------------------------------------------
    def collect(self, hook_name: str) -> list[tuple[Any, PluginRecord]]:
        """Call one hook on every active plugin; returns ``(spec, record)`` pairs.

        A plugin whose hook raises or yields a wrong type is marked failed and contributes
        nothing; the others are unaffected.
        """
        expected = SPEC_TYPES[hook_name]
        results: list[tuple[Any, PluginRecord]] = []
        for impl in reversed(getattr(self._pm.hook, hook_name).get_hookimpls()):
            record = self.records[impl.plugin_name]
            if record.status != "active":
                continue
            try:
                produced = impl.function()
                items = list(produced) if produced is not None else []
            except BaseException as exc:  # noqa: BLE001
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                self._failed(record, f"hook {hook_name} raised {_one_line(exc)}")
                self._debug_traceback(exc)
                continue
            wrong = [item for item in items if not isinstance(item, expected)]
            if wrong:
                self._failed(
                    record,
                    f"hook {hook_name} yielded {type(wrong[0]).__name__}, expected {expected.__name__}",
                )
                continue
            results.extend((item, record) for item in items)
        return results

    @staticmethod
    def _debug_traceback(exc: BaseException) -> None:
        if os.environ.get("MOTRIX_DEBUG"):
            traceback.print_exception(exc)

    def failures(self) -> Iterable[PluginRecord]:
        return (r for r in self.records.values() if r.status == "failed")
