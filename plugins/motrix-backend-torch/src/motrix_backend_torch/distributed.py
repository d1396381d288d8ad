"""``torch.distributed`` for a data-parallel run: the process group and the one collective the core needs.

gloo on a CPU, NCCL when the ranks have GPUs (each its own, ``cuda:LOCAL_RANK``). The group
is set up here, not by skrl (which would pick NCCL and CUDA whatever the device): skrl is
then told the world (``motrix.distributed.skrl_config``), so that its PPO broadcasts rank
0's weights at start and all-reduces gradients and the KL with SUM (gloo has no AVG) and
divides by the world size.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import numpy as np
import torch
import torch.distributed as dist

from motrix.distributed.skrl_config import tell_skrl
from motrix.distributed.world import World


TIMEOUT = datetime.timedelta(minutes=10)
"""How long a collective waits for a rank that does not come (the launcher stops a dead one sooner)."""


class TorchCollectives:
    """``motrix.distributed.sync.Collectives`` over the default process group."""

    def __init__(self, world: World, device: torch.device) -> None:
        self.rank = world.rank
        self.world_size = world.world_size
        # gloo reduces host tensors, NCCL device ones; float64 keeps the normalizers' moments exact
        self._device = device if dist.get_backend() == "nccl" else torch.device("cpu")

    def all_sum(self, x: np.ndarray) -> np.ndarray:
        t = torch.as_tensor(np.ascontiguousarray(x, np.float64), device=self._device)
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return t.cpu().numpy()


def rank_device(world: World) -> torch.device:
    """The rank's own GPU when there are GPUs, else the CPU."""
    if torch.cuda.is_available():
        return torch.device(f"cuda:{world.local_rank % torch.cuda.device_count()}")
    return torch.device("cpu")


def init(world: World, device: torch.device) -> TorchCollectives:
    """Join the process group at ``MASTER_ADDR:MASTER_PORT`` from ``device`` (``rank_device``) and
    tell skrl; the collectives."""
    if device.type == "cuda":
        torch.cuda.set_device(device)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo",
                                init_method=f"tcp://{world.master_addr}:{world.master_port}",
                                rank=world.rank, world_size=world.world_size, timeout=TIMEOUT)
    tell_skrl("torch", world)
    return TorchCollectives(world, device)


def digest(modules: dict[str, Any]) -> bytes:
    """SHA-256 over the named modules' state (weights, normalizer buffers), in a fixed order."""
    h = hashlib.sha256()
    for name in sorted(modules):
        for key, tensor in sorted(modules[name].state_dict().items()):
            h.update(f"{name}.{key}".encode())
            h.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return h.digest()
