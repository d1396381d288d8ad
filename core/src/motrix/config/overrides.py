"""Parse ``key=value`` overrides to the type of a dataclass field.

Used for ``--set`` (RL config) and ``--env-set`` (env config). Errors are ``UsageError``s
that name the key, the expected type and close matches.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Iterable
from typing import Any

from motrix.config import nested
from motrix.errors import UsageError

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def split_assignment(text: str, flag: str = "--set") -> tuple[str, str]:
    """``"a=1"`` → ``("a", "1")``; anything without ``=`` is a usage error."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise UsageError(f"{flag} expects key=value, got {text!r}")
    return key, value.strip()


def field_types(cls: type) -> dict[str, Any]:
    """Field name → resolved type annotation for a dataclass."""
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.init}


def type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (tuple, list):
        args = [a for a in typing.get_args(tp) if a is not Ellipsis]
        inner = type_name(args[0]) if args else "value"
        return f"comma-separated {inner}s"
    if origin is dict:
        args = typing.get_args(tp)
        return f"comma-separated name:{type_name(args[1]) if args else 'value'} pairs"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(type_name(a) for a in typing.get_args(tp) if a is not type(None))
    return getattr(tp, "__name__", str(tp))


def parse_value(raw: str, tp: Any) -> Any:
    """Convert ``raw`` to ``tp``; raises ``ValueError`` when it does not fit."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if type(None) in args and raw.lower() in ("none", "null", ""):
            return None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return parse_value(raw, arg)
            except ValueError:
                continue
        raise ValueError(raw)
    if origin in (tuple, list):
        args = [a for a in typing.get_args(tp) if a is not Ellipsis]
        inner = args[0] if args else str
        parts = [p.strip() for p in raw.strip("()[] ").split(",") if p.strip()]
        values = [parse_value(p, inner) for p in parts]
        return tuple(values) if origin is tuple else values
    if origin is dict:  # name:value,name:value (empty: an empty table)
        key_tp, value_tp = typing.get_args(tp) or (str, str)
        out = {}
        for part in (p.strip() for p in raw.strip("{} ").split(",") if p.strip()):
            name, sep, value = part.partition(":")
            if not sep or not name.strip():
                raise ValueError(raw)
            out[parse_value(name.strip(), key_tp)] = parse_value(value.strip(), value_tp)
        return out
    if tp is bool:
        low = raw.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(raw)
    if tp is int:
        try:
            return int(raw)
        except ValueError:
            as_float = float(raw)  # accept 1e6 where it is a whole number
            if not as_float.is_integer():
                raise
            return int(as_float)
    if tp is float:
        value = float(raw)
        return value
    if tp is str:
        return raw
    raise ValueError(f"unsupported field type {tp!r}")


def parse_overrides(
    cls: type, assignments: Iterable[str], flag: str = "--set"
) -> dict[str, Any]:
    """Turn ``["a=1", "b=x"]`` into ``{"a": 1, "b": "x"}`` typed by ``cls``'s fields.

    A dotted key (``randomization.push.velocity=0.5,1``) sets a field of a nested config
    group, or one entry of a table field; it stays dotted (``nested.apply`` writes it in).
    """
    types_by_name = field_types(cls)
    result: dict[str, Any] = {}
    for text in assignments:
        key, raw = split_assignment(text, flag)
        if "." in key:
            tp = nested.resolve(cls, key, flag)
        elif key not in types_by_name:
            close = difflib.get_close_matches(key, types_by_name, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UsageError(
                f"{flag}: unknown key {key!r} for {cls.__name__}{hint} "
                f"(keys: {', '.join(sorted(types_by_name))})"
            )
        else:
            tp = types_by_name[key]
        if nested.is_config(tp):
            fields = ", ".join(f"{key}.{name}" for name in field_types(tp))
            raise UsageError(f"{flag} {key}: a group of settings; set its fields ({fields})")
        try:
            result[key] = parse_value(raw, tp)
        except ValueError:
            raise UsageError(
                f"{flag} {key}={raw!r}: expected {type_name(tp)}"
            ) from None
    return result


def from_dict(cls: type, values: dict[str, Any]) -> Any:
    """Rebuild a config dataclass from ``dataclasses.asdict`` output read back from JSON.

    Keys the class no longer has are ignored; JSON lists become tuples where the field is one;
    nested config groups are rebuilt the same way.
    """
    types_by_name = field_types(cls)
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        if name not in types_by_name:
            continue
        tp = types_by_name[name]
        if isinstance(value, dict) and nested.is_config(tp):
            value = from_dict(tp, value)
        if isinstance(value, list) and typing.get_origin(tp) is tuple:
            value = tuple(value)
        kwargs[name] = value
    return cls(**kwargs)
