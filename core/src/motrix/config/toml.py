"""A small TOML writer for flat config tables, and reading TOML with one-line errors.

Python's ``tomllib`` only reads (and exists from 3.11; ``tomli`` is the same reader on 3.10).
The configs motrix writes are flat tables of scalars and lists, so the writer covers exactly
that: bool, int, float (``inf``, ``-inf``, ``nan``), str, lists/tuples of those, and None,
which TOML lacks, written as the string ``"none"`` (read back as None for optional fields,
as ``--set key=none`` is).
"""

from __future__ import annotations

import math
import numbers
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from motrix.errors import UsageError

#: How None is spelled in a TOML file (TOML has no null).
NONE = "none"
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
# What a TOML basic string must escape: backslash, quote and every control character.
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def format_value(value: Any) -> str:
    """``value`` as a TOML value; ``TypeError`` for anything a flat config cannot hold."""
    if value is None:
        return _string(NONE)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)  # shortest text that reads back as the same float; always has . or e
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        if any(v is None for v in value):
            raise TypeError(f"cannot write {value!r} to TOML: a list cannot hold None")
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        if any(not isinstance(k, str) or v is None for k, v in value.items()):
            raise TypeError(f"cannot write {value!r} to TOML: a table needs string keys and no None")
        return "{" + ", ".join(f"{_key(k)} = {format_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write a {type(value).__name__} ({value!r}) to TOML")


def dumps(tables: Mapping[str, Mapping[str, Any]], header: Iterable[str] = (),
          skipped: list[str] | None = None) -> str:
    """TOML text: ``header`` lines as comments, then one ``[table]`` per entry, keys in order.

    A value TOML cannot hold raises ``TypeError``; with a ``skipped`` list it becomes a comment
    line instead and ``"table.key"`` is appended to ``skipped``.
    """
    lines = [f"# {line}".rstrip() for line in header]
    for name, values in tables.items():
        if lines:
            lines.append("")
        lines.append(f"[{_key(name)}]")
        for key, value in values.items():
            # a dotted key is a path into nested tables (config field names have no dots)
            path = ".".join(_key(part) for part in key.split("."))
            try:
                lines.append(f"{path} = {format_value(value)}")
            except TypeError as exc:
                if skipped is None:
                    raise TypeError(f"[{name}] {key}: {exc}") from None
                skipped.append(f"{name}.{key}")
                why = str(exc).replace("\n", " ")
                lines.append(f"# {key}: not written, {why}; a file read back leaves the default")
    return "\n".join(lines) + "\n"


def _tomllib() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    import tomli  # the same parser, a dependency of motrix-core on Python 3.10

    return tomli


def loads(text: str, source: str = "<string>") -> dict[str, Any]:
    """Parse TOML; a syntax error is one ``UsageError`` naming ``source`` and the line."""
    parser = _tomllib()
    try:
        return parser.loads(text)
    except parser.TOMLDecodeError as exc:
        raise UsageError(f"{source}: invalid TOML: {exc}") from None


def load(path: str | Path) -> dict[str, Any]:
    """Read and parse a TOML file; a missing or unreadable file is one ``UsageError``."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"config file {path} does not exist") from None
    except IsADirectoryError:
        raise UsageError(f"config file {path} is a directory, not a TOML file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    return loads(text, str(path))
