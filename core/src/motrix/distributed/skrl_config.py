"""skrl's global config, imported without its own distributed set-up, then told the world.

skrl 2.x reads ``WORLD_SIZE`` / ``JAX_WORLD_SIZE`` when it is first imported and, if > 1,
initializes ``torch.distributed`` with NCCL on ``cuda:LOCAL_RANK`` (and ``jax.distributed``):
wrong on a CPU, where gloo is needed, and before motrix has chosen a device. So skrl is
imported with those variables hidden, the backend sets up its process group itself, and
``tell_skrl`` then gives skrl's config the world it would have read, so that its PPO
broadcasts the weights at start and all-reduces gradients and the KL.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from motrix.distributed.world import World

_HIDDEN = ("WORLD_SIZE", "JAX_WORLD_SIZE")


def import_skrl() -> Any:
    """``skrl.config``, imported (once) with the launch variables hidden from it."""
    if "skrl" not in sys.modules:
        saved = {name: os.environ.pop(name) for name in _HIDDEN if name in os.environ}
        try:
            import skrl  # noqa: F401
        finally:
            os.environ.update(saved)
    from skrl import config

    return config


def tell_skrl(section: str, world: World) -> None:
    """Set ``skrl.config.<section>`` (``"torch"`` or ``"jax"``) to ``world``'s ranks."""
    cfg = getattr(import_skrl(), section)
    cfg._rank = world.rank
    cfg._local_rank = world.local_rank
    cfg._world_size = world.world_size
    cfg._is_distributed = world.distributed
