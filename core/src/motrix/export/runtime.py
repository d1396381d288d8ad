"""Running an exported policy with ONNX Runtime: ``play --policy``, the parity check, latency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from motrix.errors import MotrixError, UsageError
from motrix.export.graph import INPUT, OUTPUT


def require_onnxruntime() -> Any:
    try:
        import onnxruntime
    except ImportError:
        raise MotrixError("running an ONNX policy needs the export extra: pip install 'motrix-core[export]' "
                          "(onnx and onnxruntime)") from None
    return onnxruntime


def session(model: bytes | str | Path, threads: int = 1) -> Any:
    """An ONNX Runtime CPU session over a model file or its bytes, on ``threads`` threads."""
    ort = require_onnxruntime()
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    source = str(model) if isinstance(model, Path) else model
    try:
        return ort.InferenceSession(source, sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # ORT raises its own exception types for unreadable models
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"{model if isinstance(model, (str, Path)) else 'the model'} is not a readable ONNX "
                         f"model: {first[:160]}") from None


class OnnxPolicy:
    """An exported policy: ``policy(obs (N, obs_dim)) -> actions (N, act_dim)`` through ONNX Runtime."""

    def __init__(self, path: Path, threads: int = 1) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise UsageError(f"ONNX policy {self.path} does not exist")
        self.session = session(self.path, threads)
        inputs, outputs = self.session.get_inputs(), self.session.get_outputs()
        if [i.name for i in inputs] != [INPUT] or OUTPUT not in [o.name for o in outputs]:
            raise UsageError(f"{self.path} is not a motrix policy: it needs one input {INPUT!r} and an output "
                             f"{OUTPUT!r}, it has inputs {[i.name for i in inputs]} and outputs "
                             f"{[o.name for o in outputs]}")
        self.obs_dim = inputs[0].shape[-1] if isinstance(inputs[0].shape[-1], int) else None

    def check_fits(self, env_name: str, obs_dim: int) -> None:
        """``UsageError`` when the graph's input size is not the env's observation size."""
        if self.obs_dim is not None and self.obs_dim != obs_dim:
            raise UsageError(f"{self.path} takes observations of size {self.obs_dim}; env {env_name!r} "
                             f"gives {obs_dim}: it was exported for another env")

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        return self.session.run([OUTPUT], {INPUT: np.ascontiguousarray(obs, dtype=np.float32)})[0]


def max_difference(model_bytes: bytes, reference: Any, observations: np.ndarray) -> float:
    """Largest ``|onnx(obs) - reference(obs)|`` over ``observations`` (N, obs_dim)."""
    run = session(model_bytes)
    obs = np.ascontiguousarray(observations, dtype=np.float32)
    got = run.run([OUTPUT], {INPUT: obs})[0]
    want = np.asarray(reference(obs), dtype=np.float32)
    if got.shape != want.shape:
        return float("inf")
    return float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)))) if got.size else 0.0
