"""Which device training runs on, and how XLA uses the CPU.

``has_gpu`` is the core's backend-choice probe: it must be cheap, so it looks for an
installed CUDA/ROCm PJRT plugin by name before importing jax at all (a CPU-only install
answers without importing jax). ``configure_threads`` must run before jax creates its CPU
client (the first array or device query): XLA reads ``XLA_FLAGS`` only then.
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

from motrix.training.env_vars import positive_int

#: Modules that a GPU build of jax installs (jax >= 0.4.30 ships GPU support as PJRT plugins).
_GPU_PLUGIN_MODULES = (
    "jax_cuda13_plugin", "jax_cuda12_plugin", "jax_cuda13_pjrt", "jax_cuda12_pjrt",
    "jax_rocm7_plugin", "jax_rocm60_plugin", "jax_rocm7_pjrt", "jax_rocm60_pjrt",
)


def _gpu_plugin_installed() -> bool:
    for name in _GPU_PLUGIN_MODULES:
        try:
            if importlib.util.find_spec(name) is not None:
                return True
        except (ImportError, ValueError):
            continue
    return False


def has_gpu() -> bool:
    """True when jax sees a GPU (the core's backend choice asks this).

    Without a GPU plugin installed this returns False without importing jax.
    """
    if not _gpu_plugin_installed():
        return False
    try:
        import jax

        return any(d.platform in ("gpu", "cuda", "rocm") for d in jax.devices())
    except Exception:  # plugin present but no usable driver/device
        return False


def configure_threads() -> int | None:
    """Make XLA's CPU backend run each op on one thread; returns 1 when it did, else None.

    The networks are tiny, so XLA's intra-op (Eigen) thread pool mostly adds synchronisation,
    and the physics engine runs its own thread pool on every core between the agent's calls.
    Measured on the 2-core machine, whole cartpole runs side by side: single-threaded XLA was
    as fast or faster (15-17 s against 17-22 s for 600k env-steps). ``MOTRIX_JAX_THREADS``
    set to a whole number other than ``1`` leaves XLA's default; anything else is a
    ``UsageError``. No effect once jax has started its CPU
    client, nor on a GPU.
    """
    n = positive_int("MOTRIX_JAX_THREADS") or 1
    if n != 1 or _backend_started():
        return None
    flags = os.environ.get("XLA_FLAGS", "")
    if "xla_cpu_multi_thread_eigen" not in flags:
        flags += " --xla_cpu_multi_thread_eigen=false"
    os.environ["XLA_FLAGS"] = flags.strip()
    return n


def configure_compilation_cache() -> str | None:
    """Keep compiled XLA programs on disk, so that a run compiles only what no run compiled before.

    On a 2-core CPU, compiling the agent's programs (and the dozens of tiny ones that flax,
    optax and skrl run eagerly while setting up) takes several seconds per run; read from
    the cache it takes a fraction of a second. The directory is ``MOTRIX_JAX_CACHE_DIR``,
    else jax's own ``JAX_COMPILATION_CACHE_DIR`` if set, else ``~/.cache/motrix/jax``
    (``$XDG_CACHE_HOME`` honoured); ``MOTRIX_JAX_CACHE_DIR=off`` disables it. Returns the
    directory in use, or None.
    """
    import jax

    wanted = os.environ.get("MOTRIX_JAX_CACHE_DIR")
    if wanted is not None and wanted.strip().lower() in ("", "0", "off", "none", "false"):
        return None
    current = jax.config.jax_compilation_cache_dir
    if wanted is None and current:
        return str(current)  # the user configured jax's cache: use theirs
    if wanted is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        wanted = os.path.join(base, "motrix", "jax")
    try:
        os.makedirs(wanted, exist_ok=True)
    except OSError:
        return None  # read-only home: compile every run, as jax does by default
    jax.config.update("jax_compilation_cache_dir", wanted)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)  # the tiny ones add up
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    try:
        jax.config.update("jax_compilation_cache_max_size", 512 * 1024 * 1024)  # LRU bound
    except Exception:
        pass
    return wanted


def _backend_started() -> bool:
    try:
        from jax._src import xla_bridge

        return bool(getattr(xla_bridge, "_backends", {}))
    except Exception:
        return False


def pick_device() -> Any:
    """The first GPU when jax has one, else the CPU; also tells skrl to use it."""
    import jax
    from skrl import config

    try:  # this process's own (the one device of a rank in a data-parallel run)
        device = jax.local_devices(backend="gpu")[0]
    except RuntimeError:
        device = jax.local_devices(backend="cpu")[0]
    config.jax.device = device  # skrl's default ("cuda:0") warns on CPU-only machines
    return device


def describe(device: Any) -> str:
    """One line for the start of a run, e.g. ``cpu (jax 0.10.2, XLA 1 thread)`` or ``cuda (NVIDIA H100, jax …)``."""
    import jax

    if device.platform != "cpu":
        kind = getattr(device, "device_kind", device.platform)
        try:
            version = str(device.client.platform_version).lower()
        except Exception:
            version = ""
        name = "cuda" if "cuda" in version or "nvidia" in str(kind).lower() else device.platform
        return f"{name} ({kind}, jax {jax.__version__})"
    threads = os.environ.get("XLA_FLAGS", "")
    note = ", XLA 1 thread" if "xla_cpu_multi_thread_eigen=false" in threads else ""
    return f"cpu (jax {jax.__version__}{note})"
