"""motrix: plugin-based robot learning on MotrixSim.

``import motrix`` is light (no NumPy, MotrixSim, torch or JAX); ``motrix.make`` imports
what the env needs when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from motrix.env import NpEnv


def make(name: str, num_envs: int = 1, seed: int | None = None, **env_overrides: Any) -> "NpEnv":
    """Build the installed env ``name`` with ``num_envs`` parallel copies.

    ``env_overrides`` set fields of the env's config (validated), e.g. ``max_episode_seconds=5``.
    """
    from motrix.env.make import make as _make

    return _make(name, num_envs=num_envs, seed=seed, **env_overrides)


__all__ = ["make", "__version__"]
