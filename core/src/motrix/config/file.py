"""Config files of ``motrix train --config FILE.toml``: an ``[rl]`` and an ``[env]`` table.

Values are checked against the config dataclass's field types as strictly as ``--set``
parses them; every mistake is one ``UsageError`` naming the file, the table, the key (with
close matches) or the value and the type it should have.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motrix.config import nested, toml
from motrix.config.overrides import field_types
from motrix.errors import UsageError

#: The tables a config file may have, and what each configures.
SECTIONS = {"rl": "the RL config (as --set)", "env": "the env config (as --env-set)"}


@dataclass
class ConfigFile:
    """A parsed config file: raw TOML values per table, typed once the config classes are known."""

    path: Path
    """Where it was read from (named in every error)."""
    rl: dict[str, Any] = field(default_factory=dict)
    """The ``[rl]`` table as TOML gave it."""
    env: dict[str, Any] = field(default_factory=dict)
    """The ``[env]`` table as TOML gave it."""

    @classmethod
    def read(cls, path: str | Path) -> "ConfigFile":
        path = Path(path)
        data = toml.load(path)
        tables = {}
        for name, value in data.items():
            if not isinstance(value, dict):
                raise UsageError(
                    f"{path}: key {name!r} is outside a table; put it under [rl] or [env]"
                )
            if name not in SECTIONS:
                close = difflib.get_close_matches(name, SECTIONS, n=1, cutoff=0.5)
                hint = f"; did you mean [{close[0]}]?" if close else ""
                raise UsageError(f"{path}: unknown table [{name}]{hint} (tables: [rl] for {SECTIONS['rl']}, "
                                 f"[env] for {SECTIONS['env']})")
            tables[name] = value
        return cls(path, rl=tables.get("rl", {}), env=tables.get("env", {}))

    def rl_values(self, cls: type) -> dict[str, Any]:
        """The ``[rl]`` table typed by ``cls``'s fields."""
        return typed_values(cls, self.rl, f"{self.path}: [rl]")

    def env_values(self, cls: type) -> dict[str, Any]:
        """The ``[env]`` table typed by ``cls``'s fields."""
        return typed_values(cls, self.env, f"{self.path}: [env]")


def typed_values(cls: type, values: dict[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
    """``values`` checked and converted to the types of ``cls``'s fields.

    A table under a nested config group's key (``randomization.push.velocity = ...`` is TOML
    for one) gives dotted keys, one per value it names (``nested.apply`` writes them in).
    """
    types_by_name = field_types(cls)
    result = {}
    for key, value in values.items():
        if key not in types_by_name:
            close = difflib.get_close_matches(key, types_by_name, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UsageError(f"{where} unknown key {prefix + key!r} for {cls.__name__}{hint} "
                             f"(keys: {', '.join(sorted(types_by_name))})")
        tp = types_by_name[key]
        if nested.is_config(tp):
            if not isinstance(value, dict):
                raise UsageError(f"{where} {prefix + key}: a group of settings, write a table of its fields "
                                 f"({', '.join(field_types(tp))})")
            result.update(typed_values(tp, value, where, f"{prefix}{key}."))
            continue
        try:
            result[prefix + key] = coerce(value, tp)
        except ValueError:
            shown = toml.format_value(value) if not isinstance(value, dict) else "a table"
            raise UsageError(f"{where} {prefix + key} = {shown}: expected {_expected(tp)}") from None
    return result


def _expected(tp: Any) -> str:
    """The type a TOML value must have, in the file's words."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        named = [_expected(a) for a in args if a is not type(None)]
        return " or ".join(named + ([f'"{toml.NONE}"'] if type(None) in args else []))
    if origin in (tuple, list):
        args = typing.get_args(tp)
        if origin is tuple and args and Ellipsis not in args:
            return f"a list of {len(args)} {_expected(args[0])}s"
        return f"a list of {_expected(args[0]) if args else 'value'}s"
    if origin is dict:
        args = typing.get_args(tp)
        return f"a table of {_expected(args[1])}s" if args else "a table"
    return {bool: "bool (true or false)", int: "int", float: "float", str: "string"}.get(tp, str(tp))


def coerce(value: Any, tp: Any) -> Any:
    """A TOML value as a field of type ``tp``; ``ValueError`` when it does not fit.

    Whole-number floats are ints (``1e6`` for a budget), ints are floats, lists are tuples
    where the field is one; the string ``"none"`` is None for optional fields.
    """
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if type(None) in args and isinstance(value, str) and value.lower() in (toml.NONE, "null"):
            return None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return coerce(value, arg)
            except ValueError:
                continue
        raise ValueError(value)
    if origin in (tuple, list):
        if not isinstance(value, list):
            raise ValueError(value)
        args = typing.get_args(tp)
        if origin is tuple and args and Ellipsis not in args:
            if len(value) != len(args):
                raise ValueError(value)
            return tuple(coerce(v, a) for v, a in zip(value, args))
        inner = args[0] if args else Any
        items = [coerce(v, inner) for v in value]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(value, dict):
            raise ValueError(value)
        key_tp, value_tp = typing.get_args(tp) or (str, Any)
        return {coerce(k, key_tp): coerce(v, value_tp) for k, v in value.items()}
    if tp is Any:
        return value
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise ValueError(value)
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ValueError(value)
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise ValueError(value)
    if tp is str:
        if isinstance(value, str):
            return value
        raise ValueError(value)
    raise ValueError(f"unsupported field type {tp!r}")


def render(rl_cfg: Any, env_cfg: Any, header: list[str] = (), skipped: list[str] | None = None) -> str:
    """A config file holding every field of ``rl_cfg`` and ``env_cfg`` (it reads back equal).

    A field TOML cannot hold is a comment instead, named in ``skipped`` (see ``toml.dumps``).
    """
    return toml.dumps({"rl": _fields(rl_cfg), "env": _fields(env_cfg)}, header, skipped)


def _fields(cfg: Any) -> dict[str, Any]:
    # Only init fields: what a config file can set (derived properties are not fields);
    # nested config groups as dotted keys, which TOML reads back as their tables.
    return nested.flatten(cfg)
