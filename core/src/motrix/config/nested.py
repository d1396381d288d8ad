"""Config fields that are config dataclasses themselves, reached by dotted keys.

An env config may group fields in a nested dataclass (``EnvCfg.randomization``). ``--env-set``,
config files and ``motrix.make`` address its fields as ``randomization.push.velocity``;
``apply`` writes such updates into a copy of the config, keeping every field not named.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from typing import Any

from motrix.errors import UsageError


def is_config(tp: Any) -> bool:
    """Whether ``tp`` is a dataclass type (a nested config group)."""
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _field_types(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.init}


def resolve(cls: type, key: str, flag: str) -> Any:
    """The type of the field ``key`` (``a.b.c``) of ``cls``; ``UsageError`` naming an unknown part.

    A part after a ``dict`` field is one of the dict's keys, of the dict's value type.
    """
    tp: Any = cls
    parts = key.split(".")
    for depth, part in enumerate(parts):
        if typing.get_origin(tp) is dict:
            args = typing.get_args(tp)
            tp = args[1] if args else Any
            continue
        if not is_config(tp):
            raise UsageError(f"{flag}: {'.'.join(parts[:depth])!r} has no fields (in key {key!r})")
        types_by_name = _field_types(tp)
        if part not in types_by_name:
            close = difflib.get_close_matches(part, types_by_name, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            where = f"{'.'.join(parts[:depth])} ({tp.__name__})" if depth else tp.__name__
            raise UsageError(f"{flag}: unknown key {key!r} for {where}{hint} "
                             f"(keys: {', '.join(sorted(types_by_name))})")
        tp = types_by_name[part]
    return tp


def flatten(cfg: Any, prefix: str = "") -> dict[str, Any]:
    """Init fields of ``cfg``, nested config groups spelled out as dotted keys (leaves only)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cfg):
        if not f.init:
            continue
        value = getattr(cfg, f.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            out.update(flatten(value, f"{prefix}{f.name}."))
        else:
            out[f"{prefix}{f.name}"] = value
    return out


def apply(cfg: Any, updates: dict[str, Any]) -> Any:
    """A copy of ``cfg`` with ``updates`` (plain or dotted keys, in order) written in."""
    if not updates:
        return cfg
    direct: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for key, value in updates.items():
        head, dot, rest = key.partition(".")
        if dot:
            nested.setdefault(head, {})[rest] = value
        else:
            direct[head] = value
            nested.pop(head, None)  # a whole value replaces earlier changes of its parts
    names = {f.name for f in dataclasses.fields(cfg)}
    changes = dict(direct)
    for head, sub in nested.items():
        if head not in names:
            raise UsageError(f"unknown config key {head!r} for {type(cfg).__name__}")
        current = changes.get(head, getattr(cfg, head))
        if isinstance(current, dict):
            merged = dict(current)
            for key, value in sub.items():
                if "." in key:
                    raise UsageError(f"{head}.{key}: {head} is a table of values, not of tables")
                merged[key] = value
            changes[head] = merged
        elif dataclasses.is_dataclass(current):
            changes[head] = apply(current, sub)
        else:
            raise UsageError(f"{head} of {type(cfg).__name__} has no fields (in key {head}.{next(iter(sub))})")
    return dataclasses.replace(cfg, **changes)
