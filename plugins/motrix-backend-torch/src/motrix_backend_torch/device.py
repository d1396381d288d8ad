"""Which device training runs on, and how many CPU threads torch uses."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from motrix.training.env_vars import positive_int

if TYPE_CHECKING:
    import torch


def prepare_process() -> None:
    """Shorten OpenMP's busy-wait, before torch (and with it libgomp) loads; a user's setting is kept.

    Large PPO updates run torch on every core (``update_threads``). OpenMP's idle workers
    busy-wait for ~300k spins by default: on a machine shared with other work, a two-thread
    update ran 5x slower than a one-thread one (Go1, 2 cores). A short spin keeps the workers
    awake between the update's back-to-back ops and lets them sleep soon after (measured:
    cartpole's 2048-env update 1.35x faster than on one thread, where never spinning gained
    nothing). libgomp reads it once, when torch loads: so this runs when a run starts (and in
    the device probe that may load torch first), never on import.
    """
    if "OMP_WAIT_POLICY" not in os.environ:
        os.environ.setdefault("GOMP_SPINCOUNT", "10000")


def check_settings() -> None:
    """``UsageError`` for a ``MOTRIX_TORCH_*`` variable that is not a whole number >= 1."""
    positive_int("MOTRIX_TORCH_THREADS")
    positive_int("MOTRIX_TORCH_UPDATE_THREADS")


def has_gpu() -> bool:
    """True when torch sees a CUDA device (the core's backend choice asks this)."""
    prepare_process()
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

    n = positive_int("MOTRIX_TORCH_THREADS") or 1
    torch.set_num_threads(n)
    return n


#: Minibatch work (samples × network weights) from which the update runs on every core.
#: Measured on 2 cores: cartpole's default 400 × 2,500 updated slower on two threads than on
#: one; its 8,192 × 2,500 at 2048 envs 1.35x faster, Go1's 6,144 × 108,000 1.3x faster.
PARALLEL_UPDATE_MIN_WORK = 10_000_000


def update_threads(device: "torch.device", minibatch_work: int) -> int:
    """Threads for the PPO update: every usable core for large minibatches on a CPU, else 1.

    Physics is idle while PPO updates, so a large update may use all cores; while the envs
    step, torch stays on ``configure_threads``'s count, as its OpenMP workers would otherwise
    take cores from the physics pool (both threads throughout slowed cartpole's env stepping
    by 40%). Small updates lose more to waking the workers than they gain. The package
    shortens OpenMP's busy-wait (``prepare_process``) so that idle workers do not spin on a busy
    machine. ``MOTRIX_TORCH_UPDATE_THREADS`` overrides the choice.
    """
    wanted = positive_int("MOTRIX_TORCH_UPDATE_THREADS")
    if wanted:
        return wanted
    if device.type == "cuda" or minibatch_work < PARALLEL_UPDATE_MIN_WORK:
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no sched_getaffinity on this platform
        return os.cpu_count() or 1


def describe(device: "torch.device") -> str:
    """One line for the start of a run, e.g. ``cpu (torch 2.13.0, 1 thread acting)``."""
    import torch

    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        return f"cuda ({name}, torch {torch.__version__})"
    n = torch.get_num_threads()
    return f"cpu (torch {torch.__version__}, {n} thread{'s' if n != 1 else ''} acting)"
