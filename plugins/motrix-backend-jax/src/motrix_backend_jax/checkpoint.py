"""Checkpoint files of the JAX backend: safe to load, self-describing, tamper-evident.

skrl's own JAX ``agent.save`` pickles a dict of byte strings, and loading a pickle can run
arbitrary code. A motrix JAX checkpoint is MessagePack only (no pickle anywhere), two
layers deep::

    file    = msgpack {"format": "motrix-jax-ppo", "format_version": 1,
                       "digest": sha256 hex of payload, "payload": <bytes>}
    payload = msgpack (flax.serialization.msgpack_serialize) of
              {"header": {env, obs_dim, action_dim, env_steps, iteration, num_envs, model: {...}},
               "state": {"policy": params, "value": params (absent when shared),
                         "policy_optimizer": optax state, "value_optimizer": ...,
                         "observation_preprocessor": {running_mean, running_variance, current_count},
                         "value_preprocessor": {...}, "learning_rate": {...},
                         "episode_stats": {"recent_returns": [...]}, "rng": {...}}}

Arrays are stored by flax's msgpack extension as (shape, dtype name, raw bytes) and come
back as NumPy arrays; object dtypes cannot be expressed. The digest is checked before the
payload is decoded, so a truncated or modified file is refused whole. Every failure to read
a file becomes one ``CheckpointError`` line.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import msgpack
import numpy as np
from flax import serialization

from motrix.errors import CheckpointError

FORMAT = "motrix-jax-ppo"
FORMAT_VERSION = 1
SUFFIX = "msgpack"


def to_host(tree: Any) -> Any:
    """Nested dicts/lists of NumPy arrays and plain values (jax arrays copied to the host)."""
    if isinstance(tree, dict):
        return {str(k): to_host(v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return [to_host(v) for v in tree]
    if hasattr(tree, "__array__") and not isinstance(tree, (bool, int, float, str)):
        return np.array(tree)
    return tree


def dumps(header: dict[str, Any], state: dict[str, Any]) -> bytes:
    """The bytes of a checkpoint."""
    payload = serialization.msgpack_serialize({"header": to_host(header), "state": to_host(state)})
    outer = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "digest": hashlib.sha256(payload).hexdigest(),
        "payload": payload,
    }
    return msgpack.packb(outer, use_bin_type=True)


def save(path: Path, header: dict[str, Any], state: dict[str, Any]) -> None:
    """Write a checkpoint to ``path`` (callers write to a temporary file and rename it)."""
    data = dumps(header, state)
    with open(path, "wb") as f:
        f.write(data)


def loads(data: bytes, path: Path | str = "<bytes>") -> tuple[dict[str, Any], dict[str, Any]]:
    """``(header, state)`` from checkpoint bytes; ``CheckpointError`` if unreadable or altered."""
    try:
        outer = msgpack.unpackb(data, raw=False, strict_map_key=True)
    except Exception as exc:  # truncated, garbage, wrong types
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(
            f"checkpoint {path} is unreadable (truncated, corrupted or not a motrix JAX checkpoint): {reason[:160]}"
        ) from None
    if not isinstance(outer, dict) or outer.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a motrix JAX checkpoint (format {FORMAT!r} expected)")
    if outer.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(
            f"checkpoint {path} has format version {outer.get('format_version')}, "
            f"this motrix-backend-jax reads version {FORMAT_VERSION}"
        )
    payload = outer.get("payload")
    if not isinstance(payload, bytes) or hashlib.sha256(payload).hexdigest() != outer.get("digest"):
        raise CheckpointError(f"checkpoint {path} is corrupted or was modified (digest mismatch)")
    try:
        inner = serialization.msgpack_restore(payload)
    except Exception as exc:
        raise CheckpointError(f"checkpoint {path} has an unreadable payload: {str(exc)[:160]}") from None
    header, state = (inner.get("header"), inner.get("state")) if isinstance(inner, dict) else (None, None)
    if not isinstance(header, dict) or not isinstance(state, dict):
        raise CheckpointError(f"checkpoint {path} is missing its header or state")
    return header, state


def load(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(header, state)`` of a checkpoint file; ``CheckpointError`` if unreadable or altered."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CheckpointError(f"checkpoint {path} cannot be read: {exc.strerror or exc}") from None
    return loads(data, path)


def restore_tree(template: Any, stored: Any, path: Path | str, name: str) -> Any:
    """``stored`` (plain dicts of arrays) in the structure of ``template``, checking shapes.

    ``template`` is the live object (flax params, an optax state); a missing key, an extra
    key or a shape that does not fit raises ``CheckpointError`` naming ``name``.
    """
    try:
        restored = serialization.from_state_dict(template, stored)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(f"checkpoint {path}: {name} does not fit the networks: {first[:160]}") from None
    import jax

    t_leaves = jax.tree_util.tree_leaves(template)
    r_leaves = jax.tree_util.tree_leaves(restored)
    if len(t_leaves) != len(r_leaves):
        raise CheckpointError(f"checkpoint {path}: {name} does not fit the networks (structure differs)")
    for t, r in zip(t_leaves, r_leaves):
        if np.shape(t) != np.shape(r):
            raise CheckpointError(
                f"checkpoint {path}: {name} does not fit the networks (shape {np.shape(r)}, expected {np.shape(t)})"
            )
    return jax.tree_util.tree_map(lambda t, r: np.asarray(r, dtype=np.asarray(t).dtype), template, restored)
