"""Checkpoint files of the torch backend: safe to load, self-describing, tamper-evident.

A checkpoint is one ``torch.save`` file holding only tensors and plain containers, so it
loads with ``torch.load(path, weights_only=True)``::

    {
      "format": "motrix-torch-ppo", "format_version": 1,
      "header": {env, obs_dim, action_dim, env_steps, iteration, num_envs, model: {...}},
      "state": {"policy": state_dict, "value": state_dict (absent when shared),
                "optimizer": state_dict, "observation_preprocessor": state_dict,
                "value_preprocessor": state_dict, "rng": {"torch": ByteTensor},
                "episodes": {"recent_returns": tensor}},
      "digest": sha256 over the header and every tensor's bytes,
    }

skrl's own ``agent.save`` pickles whole objects and is loaded with ``weights_only=False``;
we write this instead. Flipping a byte inside a tensor does not break torch's zip reader,
hence the digest. Every failure to read a file becomes one ``CheckpointError`` line.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import torch

from motrix.errors import CheckpointError

FORMAT = "motrix-torch-ppo"
FORMAT_VERSION = 1
SUFFIX = "pt"


def _walk_tensors(obj: Any, prefix: str = ""):
    """Yield ``(path, tensor)`` for every tensor in nested dicts/lists, in a fixed order."""
    if isinstance(obj, torch.Tensor):
        yield prefix, obj
    elif isinstance(obj, dict):
        for key in sorted(obj, key=str):
            yield from _walk_tensors(obj[key], f"{prefix}/{key}")
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _walk_tensors(item, f"{prefix}/{i}")


def _plain(obj: Any) -> Any:
    """The non-tensor part of nested containers (tensors as their shape and dtype)."""
    if isinstance(obj, torch.Tensor):
        return [str(obj.dtype), list(obj.shape)]
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


def digest(header: dict[str, Any], state: dict[str, Any]) -> str:
    """sha256 over the header, the layout of ``state`` and the bytes of all its tensors."""
    h = hashlib.sha256()
    h.update(json.dumps(header, sort_keys=True, default=str).encode())
    h.update(json.dumps(_plain(state), sort_keys=True, default=str).encode())
    for path, tensor in _walk_tensors(state):
        h.update(path.encode())
        t = tensor.detach().cpu().contiguous().reshape(-1)
        h.update(t.view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    return h.hexdigest()


def save(path: Path, header: dict[str, Any], state: dict[str, Any]) -> None:
    """Write a checkpoint to ``path`` (callers write to a temporary file and rename it)."""
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "header": header,
        "state": state,
        "digest": digest(header, state),
    }
    # Serialized in memory and written as bytes: a full disk is then an OSError naming the
    # file, where torch's own file writer raises a RuntimeError from C++.
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    Path(path).write_bytes(buffer.getbuffer())


def load(path: Path, device: torch.device | str = "cpu") -> tuple[dict[str, Any], dict[str, Any]]:
    """``(header, state)`` of a checkpoint; ``CheckpointError`` if it is unreadable or altered."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist")
    try:
        payload = torch.load(path, map_location=device, weights_only=True)
    except Exception as exc:  # zip, unpickling and weights-only errors alike
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(
            f"checkpoint {path} is unreadable (truncated, corrupted or not a motrix torch checkpoint): "
            f"{reason[:160]}"
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a motrix torch checkpoint (format {FORMAT!r} expected)")
    if payload.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(
            f"checkpoint {path} has format version {payload.get('format_version')}, "
            f"this motrix-backend-torch reads version {FORMAT_VERSION}"
        )
    header, state = payload.get("header"), payload.get("state")
    if not isinstance(header, dict) or not isinstance(state, dict):
        raise CheckpointError(f"checkpoint {path} is missing its header or state")
    if payload.get("digest") != digest(header, state):
        raise CheckpointError(f"checkpoint {path} is corrupted or was modified (digest mismatch)")
    return header, state

