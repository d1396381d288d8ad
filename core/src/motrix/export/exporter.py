"""``motrix export ENV``: checkpoint → ONNX graph → parity check → model file and sidecar.

Read top to bottom: find the checkpoint (``--run`` / ``--checkpoint``) → load its policy with
the backend that trained it → its numbers (``PolicyArrays``) → one ONNX graph → ONNX Runtime
against the backend's own policy, on random observations and on observations the env
produces under that policy → only if they agree within ``TOLERANCE``: the model and its
sidecar, each written atomically.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from motrix.errors import MotrixError, UsageError
from motrix.export.graph import OPSET, build_graph, require_onnx
from motrix.export.runtime import max_difference, require_onnxruntime
from motrix.export.sidecar import build_sidecar, sidecar_path

#: Largest |ONNX Runtime - backend| allowed on any action (float32).
TOLERANCE = 1e-5
RANDOM_OBSERVATIONS = 512
ENV_OBSERVATIONS = (16, 64)  # envs × steps under the policy


@dataclass
class ExportRequest:
    """What the user asked ``motrix export`` for."""

    env: str
    run: str | None = None
    checkpoint: str | None = None
    out: str | None = None
    runs_dir: str | None = None
    backend: str | None = None


@dataclass
class ExportResult:
    model: Path
    sidecar: Path
    max_difference: float
    seconds: float


def export(request: ExportRequest) -> ExportResult:
    require_onnx()
    require_onnxruntime()
    started = time.perf_counter()
    from motrix.env.make import make_from_spec
    from motrix.registry import get_env, get_registry
    from motrix.training.trained import locate
    from motrix.training.versions import collect_versions

    env_spec = get_env(request.env)
    trained = locate(env_spec, request.run, request.checkpoint, request.runs_dir, request.backend)
    out = _output_path(request.out, trained.checkpoint)

    # The backend's own policy, and the same function as numbers
    num_envs, steps = ENV_OBSERVATIONS
    env = make_from_spec(env_spec, trained.env_cfg, num_envs, seed=0)
    policy = trained.backend.load_trainer_class()().load_policy(trained.checkpoint, env_spec.name, env)
    arrays = _arrays_of(policy, trained.backend.name)
    low, high = np.asarray(env.action_space.low, np.float32), np.asarray(env.action_space.high, np.float32)

    def reference(obs: np.ndarray) -> np.ndarray:
        return np.clip(policy(obs), low, high)  # what the env applies (it clips to its action space)

    # One graph, checked before anything is written
    model = build_graph(arrays, low, high, name=f"motrix_{env_spec.name}",
                        metadata={"env": env_spec.name, "backend": trained.backend.name,
                                  "checkpoint": trained.checkpoint.name})
    data = model.SerializeToString()
    random_obs = np.random.default_rng(0).standard_normal((RANDOM_OBSERVATIONS, arrays.obs_dim)).astype(np.float32)
    env_obs = _observations_under(env, reference, steps)
    difference = max(max_difference(data, reference, random_obs), max_difference(data, reference, env_obs))
    check_parity(difference, trained.backend.name)

    parity = {"max_abs_difference": difference, "tolerance": TOLERANCE, "random_observations": len(random_obs),
              "env_observations": len(env_obs)}
    env_steps = int(getattr(policy, "env_steps", 0) or 0)
    sidecar = build_sidecar(
        model_file=out.name, opset=OPSET, env=env, env_name=env_spec.name, env_cfg=trained.env_cfg,
        play_num_envs=trained.rl_cfg.play_num_envs, checkpoint=trained.checkpoint, backend=trained.backend.name,
        env_steps=env_steps, versions=collect_versions(get_registry().manager), parity=parity,
    )
    _write(out, data, sidecar)
    return ExportResult(out, sidecar_path(out), difference, time.perf_counter() - started)


def check_parity(difference: float, backend: str) -> None:
    """One error line when ONNX Runtime and the backend disagree by more than ``TOLERANCE``."""
    if not difference <= TOLERANCE:  # also catches nan
        raise MotrixError(f"parity check failed: ONNX Runtime and the {backend} policy differ by up to "
                          f"{difference:.3g} (allowed {TOLERANCE:g}); nothing was written")


def _arrays_of(policy: Any, backend: str) -> Any:
    arrays = getattr(policy, "arrays", None)
    if not callable(arrays):
        raise MotrixError(f"backend {backend!r} cannot export its policies (its policy has no arrays())")
    try:
        return arrays()
    except ValueError as exc:
        raise UsageError(f"this policy cannot be exported: {exc}") from None


def _observations_under(env: Any, policy: Any, steps: int) -> np.ndarray:
    """Observations the env produces while ``policy`` drives it (auto-reset included)."""
    state = env.init_state()
    seen = [state.obs.copy()]
    for _ in range(steps - 1):
        state = env.step(policy(state.obs))
        seen.append(state.obs.copy())
    return np.concatenate(seen).astype(np.float32)


def _output_path(out: str | None, checkpoint: Path) -> Path:
    if out is None:
        run = checkpoint.resolve().parent.parent
        folder = run / "export" if (run / "metadata.json").exists() else checkpoint.resolve().parent
        path = folder / f"{checkpoint.stem}.onnx"
    else:
        path = Path(out)
        if path.suffix != ".onnx":
            raise UsageError(f"--out {out}: the file name must end in .onnx (its sidecar becomes "
                             f"{path.with_suffix('.json').name})")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    import os

    if path.is_dir() or not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"cannot write {path}: not a writable file location")
    return path


def _write(out: Path, data: bytes, sidecar: dict[str, Any]) -> None:
    from motrix.runs.atomic import atomic_write_bytes, atomic_write_json

    try:
        atomic_write_bytes(out, data)
        atomic_write_json(sidecar_path(out), sidecar)
    except OSError as exc:
        raise MotrixError(f"cannot write {out}: {exc.strerror or exc}") from None
