"""The deployment sidecar: ``FILE.json`` next to ``FILE.onnx``, saying what the numbers mean.

It names the env and its config (so ``motrix play --policy`` rebuilds the same env), the
observation layout and the action's meaning as the env describes them (``NpEnv.
observation_layout`` / ``action_meaning``), the control period, the checkpoint it came from
with its digest, the versions of motrix and its plugins, and the parity check's figure.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from motrix.env.layout import layout_dicts
from motrix.errors import UsageError

FORMAT = "motrix-policy-sidecar"
FORMAT_VERSION = 1


def sidecar_path(model_path: Path) -> Path:
    return Path(model_path).with_suffix(".json")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def build_sidecar(*, model_file: str, opset: int, env: Any, env_name: str, env_cfg: Any, play_num_envs: int,
                  checkpoint: Path, backend: str, env_steps: int, versions: dict[str, Any],
                  parity: dict[str, Any]) -> dict[str, Any]:
    """The sidecar's content (JSON-able)."""
    layout = layout_dicts(env.observation_layout())
    obs_size = int(env.observation_space.shape[0])
    if sum(piece["size"] for piece in layout) != obs_size:
        raise UsageError(f"env {env_name!r} describes an observation of {sum(p['size'] for p in layout)} numbers "
                         f"in observation_layout(), but it has {obs_size}")
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "model": model_file, "opset": opset, "input": "obs", "output": "actions",
        "env": env_name,
        "env_cfg_class": f"{type(env_cfg).__module__}:{type(env_cfg).__qualname__}",
        "env_cfg": dataclasses.asdict(env_cfg),
        "play_num_envs": play_num_envs,
        "control_period_s": float(env_cfg.ctrl_dt),
        "observation": {"size": obs_size, "layout": layout},
        "action": env.action_meaning(),
        "checkpoint": {"file": str(checkpoint), "sha256": file_sha256(checkpoint), "backend": backend,
                       "env_steps": env_steps},
        "parity": parity,
        "versions": versions,
    }


def read_sidecar(model_path: Path) -> dict[str, Any] | None:
    path = sidecar_path(model_path)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise UsageError(f"sidecar {path} is unreadable: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UsageError(f"{path} is not a motrix policy sidecar")
    return data


def env_cfg_for(model_path: Path, env_spec: Any) -> tuple[Any, int]:
    """The env config (and play width) an exported policy ran with; the env's defaults without a sidecar."""
    from motrix.config.overrides import from_dict
    from motrix.env.make import make_env_cfg
    from motrix.plugin.lazy import resolve

    data = read_sidecar(model_path)
    if data is None:
        return make_env_cfg(env_spec), 16
    if data.get("env") != env_spec.name:
        raise UsageError(f"{model_path} was exported for env {data.get('env')!r}, not {env_spec.name!r}")
    try:
        cfg = from_dict(resolve(data["env_cfg_class"]), data["env_cfg"])
    except (KeyError, ImportError, AttributeError, TypeError) as exc:
        raise UsageError(f"sidecar {sidecar_path(model_path)} cannot rebuild its env config: {exc}") from None
    return cfg, int(data.get("play_num_envs") or 16)
