"""Which device training runs on, and how many CPU threads torch uses."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


def has_gpu() -> bool:
    """True when torch sees a CUDA device (the core's backend choice asks this)."""
    import torch

    return torch.cuda.is_available()


def pick_device() -> "torch.device":
    """CUDA when available, else CPU."""
    import torch

    return torch.device("cuda:0" if torch.cuda.is_available() else "cpu")


def configure_threads(device: "torch.device") -> int:
    """Set torch's intra-op threads for small-MLP PPO; returns the count.

    The networks are tiny, so on CPU extra threads mostly add synchronisation, and the
    physics engine runs its own thread pool on every core at the same time.
    ``MOTRIX_TORCH_THREADS`` overrides the choice.
    """
    import torch

    wanted = os.environ.get("MOTRIX_TORCH_THREADS")
    if wanted:
        n = max(1, int(wanted))
    elif device.type == "cuda":
        n = 1
    else:
        n = 1
    torch.set_num_threads(n)
    return n


def describe(device: "torch.device") -> str:
    """One line for the start of a run, e.g. ``cpu (torch 2.13.0, 1 thread)``."""
    import torch

    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        return f"cuda ({name}, torch {torch.__version__})"
    n = torch.get_num_threads()
    return f"cpu (torch {torch.__version__}, {n} thread{'s' if n != 1 else ''})"
