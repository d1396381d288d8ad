"""``World``: this process's place among the data-parallel training processes, from the environment.

A launcher says who a process is through environment variables: torchrun's (``RANK``,
``LOCAL_RANK``, ``WORLD_SIZE``, ``LOCAL_WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``) or
skrl's JAX names (``JAX_RANK``, ``JAX_LOCAL_RANK``, ``JAX_WORLD_SIZE``,
``JAX_COORDINATOR_ADDR``, ``JAX_COORDINATOR_PORT``). ``motrix train --nproc`` sets torchrun's
for either backend, so a user's own ``torchrun … -m motrix train …`` is the same thing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from motrix.errors import UsageError

#: torchrun's variable → skrl's JAX variable of the same meaning.
JAX_NAMES = {"RANK": "JAX_RANK", "LOCAL_RANK": "JAX_LOCAL_RANK", "WORLD_SIZE": "JAX_WORLD_SIZE",
             "MASTER_ADDR": "JAX_COORDINATOR_ADDR", "MASTER_PORT": "JAX_COORDINATOR_PORT"}


@dataclass(frozen=True)
class World:
    """Where this process stands among ``world_size`` training processes."""

    rank: int = 0
    """Global rank: 0 is the one that writes the run directory."""
    local_rank: int = 0
    """Rank on this machine (picks the GPU)."""
    world_size: int = 1
    """Processes in all, on all machines."""
    local_world_size: int = 1
    """Processes on this machine (they share its cores)."""
    master_addr: str = "127.0.0.1"
    """Host of rank 0's rendezvous."""
    master_port: int = 29500
    """Port of rank 0's rendezvous."""

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        """Rank 0: the only process that writes metadata, TensorBoard events and checkpoints."""
        return self.rank == 0

    def seed(self, seed: int) -> int:
        """This rank's seed: ``seed`` itself on rank 0, a different one on every other global rank.

        From the global rank, not the local one: with the local rank, every machine would
        draw the same envs.
        """
        if self.rank == 0:
            return seed
        return int(np.random.SeedSequence([seed, self.rank]).generate_state(1)[0] % 2**31)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> World:
        """The world a launcher described (a single process when none did); ``UsageError`` if inconsistent."""
        env = os.environ if environ is None else environ
        use_jax = "JAX_WORLD_SIZE" in env and "WORLD_SIZE" not in env

        def get(name: str, default: str) -> str:
            return env.get(JAX_NAMES[name] if use_jax and name in JAX_NAMES else name, default)

        try:
            world_size = int(get("WORLD_SIZE", "1"))
            rank = int(get("RANK", "0"))
            local_rank = int(get("LOCAL_RANK", "0"))
            local_world_size = int(env.get("LOCAL_WORLD_SIZE", str(world_size)))
            port = int(get("MASTER_PORT", "29500"))
        except ValueError as exc:
            raise UsageError(f"a distributed launch variable is not a whole number ({exc})") from None
        if world_size < 1 or not 0 <= rank < world_size or not 0 <= local_rank < max(local_world_size, 1):
            raise UsageError(f"inconsistent launch variables: rank {rank}, local rank {local_rank}, "
                             f"world size {world_size}, local world size {local_world_size}")
        return cls(rank=rank, local_rank=local_rank, world_size=world_size, local_world_size=local_world_size,
                   master_addr=get("MASTER_ADDR", "127.0.0.1"), master_port=port)


SINGLE = World()
"""One process: what every run is unless a launcher says otherwise."""
