"""``motrix list`` and ``motrix plugins``: what is installed, without heavy imports."""

from __future__ import annotations

import json
import sys
from typing import Any

from motrix.registry import get_registry
from motrix.registry.registry import Registry
from motrix.registry.resolve import backend_importable


def _warn_problems(registry: Registry) -> None:
    for record in registry.manager.failures():
        for error in record.errors:
            print(f"motrix: warning: plugin {record.provenance} failed: {error}", file=sys.stderr)
    for conflict in registry.conflicts.values():
        print(f"motrix: warning: {conflict.message}", file=sys.stderr)


def _rows(registry: Registry) -> dict[str, list[dict[str, Any]]]:
    envs = [
        {"name": p.spec.name, "aliases": list(p.spec.aliases), "sim_backend": p.spec.sim_backend,
         "description": p.spec.description, "plugin": p.plugin.distribution, "version": p.plugin.version}
        for (_, _), p in sorted(registry.envs.items())
    ]
    configs = [
        {"env": p.spec.env, "backend": p.spec.backend or "(all)", "framework": p.spec.framework,
         "algorithm": p.spec.algorithm, "plugin": p.plugin.distribution, "version": p.plugin.version}
        for p in sorted(registry.rl_configs.values(), key=lambda p: (p.spec.env, str(p.spec.backend)))
    ]
    backends = [
        {"name": p.spec.name, "framework": p.spec.framework, "importable": backend_importable(p.spec),
         "description": p.spec.description, "plugin": p.plugin.distribution, "version": p.plugin.version}
        for _, p in sorted(registry.backends.items())
    ]
    return {"envs": envs, "configs": configs, "backends": backends}


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    if not rows:
        return "  (none)"
    cell = lambda value: ", ".join(value) if isinstance(value, list) else str(value)  # noqa: E731
    widths = {c: max(len(c), *(len(cell(r[c])) for r in rows)) for c in columns}
    lines = ["  " + "  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip()]
    lines += ["  " + "  ".join(cell(r[c]).ljust(widths[c]) for c in columns).rstrip() for r in rows]
    return "\n".join(lines)


COLUMNS = {
    "envs": ["name", "aliases", "plugin", "description"],
    "configs": ["env", "backend", "framework", "algorithm", "plugin"],
    "backends": ["name", "framework", "importable", "plugin", "description"],
}


def cmd_list(what: str | None, as_json: bool) -> int:
    registry = get_registry()
    _warn_problems(registry)
    rows = _rows(registry)
    sections = [what] if what else ["envs", "configs", "backends"]
    if as_json:
        print(json.dumps({s: rows[s] for s in sections}, indent=2))
        return 0
    out = []
    for section in sections:
        out.append(f"{section}:")
        out.append(_table(rows[section], COLUMNS[section]))
    print("\n".join(out))
    return 0


def cmd_plugins(as_json: bool) -> int:
    registry = get_registry()
    rows = [
        {"name": r.name, "distribution": r.distribution, "version": r.version, "status": r.status,
         "hooks": r.hooks, "errors": r.errors}
        for r in registry.plugins
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    table = [
        {**r, "hooks": ", ".join(r["hooks"]) or "-", "errors": "; ".join(r["errors"])}
        for r in rows
    ]
    print(_table(table, ["name", "version", "status", "hooks"]))
    for r in table:
        if r["errors"]:
            print(f"  {r['name']}: {r['errors']}")
    for conflict in registry.conflicts.values():
        print(f"  {conflict.message}")
    return 0
