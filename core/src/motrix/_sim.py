"""Import MotrixSim without its start-up banner.

motrixsim 0.10 prints "Motphys profiler initialized: disabled" to stderr when imported,
which would turn our one-line error messages into two lines.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType


def import_motrixsim() -> ModuleType:
    """``import motrixsim`` with file descriptor 2 silenced for the duration."""
    if "motrixsim" in sys.modules:
        return sys.modules["motrixsim"]
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import motrixsim
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    return motrixsim
