"""Is the process that wrote ``status: running`` into a run's metadata still there?

A run records ``{"pid", "host", "started"}`` when it starts (``started``: the process's start
time in clock ticks since boot, from ``/proc``, so that a pid the system has since reused does
not pass for the trainer). ``motrix runs`` shows a run whose process is gone as ``stale``.
"""

from __future__ import annotations

import os
import socket
from typing import Any


def _start_ticks(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()  # the command name may hold spaces
        return int(fields[19])  # field 22 of the file: starttime
    except (OSError, IndexError, ValueError):
        return None


def process_identity() -> dict[str, Any]:
    """This process, as a run's metadata records it."""
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "started": _start_ticks(pid)}


def is_alive(identity: dict[str, Any] | None) -> bool | None:
    """True / False for a process of this host; None when it cannot be told (no record, other host)."""
    if not isinstance(identity, dict) or identity.get("host") != socket.gethostname():
        return None
    pid = identity.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    started = identity.get("started")
    return started is None or _start_ticks(pid) in (None, started)
