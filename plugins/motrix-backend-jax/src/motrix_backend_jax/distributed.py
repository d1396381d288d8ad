"""``jax.distributed`` for a data-parallel run: the process group and the one collective the core needs.

On a CPU, JAX's cross-process collectives need an implementation chosen before the client
starts: gloo. The group is joined here at ``MASTER_ADDR:MASTER_PORT`` (torchrun's variables,
which ``motrix train --nproc`` sets), then skrl is told the world
(``motrix.distributed.skrl_config``): its PPO broadcasts rank 0's weights at start and
averages gradients and the KL with a ``pmap`` ``psum`` over the processes' devices.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import multihost_utils
from jax.flatten_util import ravel_pytree

from motrix.distributed.skrl_config import tell_skrl
from motrix.distributed.world import World


class JaxCollectives:
    """``motrix.distributed.sync.Collectives`` over the JAX processes."""

    def __init__(self, world: World) -> None:
        self.rank = world.rank
        self.world_size = world.world_size

    def all_sum(self, x: np.ndarray) -> np.ndarray:
        # JAX computes in float32 (x64 is off); split each float64 into two float32 halves so
        # that the normalizers' moments lose nothing in the sum
        x = np.ascontiguousarray(x, np.float64)
        high = x.astype(np.float32)
        low = (x - high.astype(np.float64)).astype(np.float32)
        gathered = np.asarray(multihost_utils.process_allgather(np.stack([high, low])), np.float64)
        return gathered.reshape(self.world_size, 2, *x.shape).sum(axis=(0, 1))


def init(world: World, on_gpu: bool) -> JaxCollectives:
    """Join the JAX processes of ``world`` and tell skrl; the collectives."""
    if not on_gpu:
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(coordinator_address=f"{world.master_addr}:{world.master_port}",
                               num_processes=world.world_size, process_id=world.rank,
                               local_device_ids=[world.local_rank] if on_gpu else None)
    tell_skrl("jax", world)
    return JaxCollectives(world)


def digest(trees: dict[str, Any]) -> bytes:
    """SHA-256 over the named pytrees (weights, normalizer statistics), in a fixed order."""
    h = hashlib.sha256()
    for name in sorted(trees):
        leaves = jax.tree_util.tree_flatten_with_path(trees[name])[0]
        for path, leaf in leaves:
            h.update(f"{name}{jax.tree_util.keystr(path)}".encode())
            h.update(np.asarray(leaf).tobytes())
    return h.digest()


RANKS = "ranks"
"""The ``pmap`` axis over the processes (one device each) in ``over_processes``."""


def mean_over_ranks(tree: Any) -> Any:
    """Inside ``over_processes``: ``tree`` averaged over the ranks, as one all-reduce of the
    flattened tree (one per leaf costs ~1 ms each on a CPU)."""
    flat, unflatten = ravel_pytree(tree)
    return unflatten(jax.lax.pmean(flat, RANKS))


def over_processes(fn):
    """``fn`` as one program over every process's device, called with and returning this
    process's arrays (the leading axis of 1 that ``pmap`` wants is added and removed here)."""
    program = jax.pmap(fn, axis_name=RANKS)

    def one_device(*args):
        out = program(*jax.tree_util.tree_map(lambda a: a[None], args))
        return jax.tree_util.tree_map(lambda a: a[0], out)

    return one_device


@functools.cache
def _psum_over_processes():
    return jax.pmap(lambda x: jax.lax.psum(x, "i"), axis_name="i")


@jax.jit
def _flatten(leaves: list[jax.Array]) -> jax.Array:
    return jnp.concatenate([jnp.ravel(leaf) for leaf in leaves])[None]


class ProcessMean:
    """Mixin for skrl JAX models: ``reduce_parameters`` (the gradient mean over the processes)
    with its ``pmap`` compiled once per run.

    skrl builds a new ``pmap`` of a new lambda at every call, so jax traces and compiles it
    again for every minibatch: ~0.1 s each on a CPU, most of a distributed update's time.
    """

    def reduce_parameters(self, tree: Any) -> Any:
        from skrl import config

        leaves, treedef = jax.tree.flatten(tree)
        mean = _psum_over_processes()(_flatten(leaves))[0] / config.jax.world_size
        offsets = np.cumsum([leaf.size for leaf in leaves])[:-1]
        parts = jnp.split(mean, offsets)
        return jax.tree.unflatten(treedef, [part.reshape(leaf.shape) for part, leaf in zip(parts, leaves)])
