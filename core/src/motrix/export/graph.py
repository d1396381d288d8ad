"""``PolicyArrays`` → one ONNX graph: ``obs`` (batch, obs_dim) float32 → ``actions`` (batch, act_dim)."""

from __future__ import annotations

from typing import Any

import numpy as np

from motrix.export.arrays import PolicyArrays

#: The ONNX opset the graph is written for (every op used exists unchanged since opset 13).
OPSET = 17
INPUT, OUTPUT = "obs", "actions"


def require_onnx() -> Any:
    """The ``onnx`` module, or one clear error saying how to install it."""
    from motrix.errors import MotrixError

    try:
        import onnx
    except ImportError:
        raise MotrixError("exporting needs the export extra: pip install 'motrix-core[export]' "
                          "(onnx and onnxruntime)") from None
    return onnx


def build_graph(arrays: PolicyArrays, action_low: np.ndarray | None = None, action_high: np.ndarray | None = None,
                name: str = "motrix_policy", metadata: dict[str, str] | None = None) -> Any:
    """The ONNX ``ModelProto`` of the deterministic policy, clipped to the action bounds when finite."""
    onnx = require_onnx()
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []

    def const(tag: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value, dtype=np.float32), name=tag))
        return tag

    x = INPUT
    if arrays.normalizer is not None:
        n = arrays.normalizer
        denominator = np.sqrt(n.var.astype(np.float32)) + np.float32(n.epsilon)
        nodes += [
            helper.make_node("Sub", [x, const("obs_mean", n.mean)], ["obs_centred"]),
            helper.make_node("Div", ["obs_centred", const("obs_std_eps", denominator)], ["obs_scaled"]),
            helper.make_node("Clip", ["obs_scaled", const("obs_clip_low", np.float32(-n.clip)),
                                      const("obs_clip_high", np.float32(n.clip))], ["obs_normalized"]),
        ]
        x = "obs_normalized"
    activation = {"elu": "Elu", "relu": "Relu", "tanh": "Tanh"}[arrays.activation]
    for i, (weight, bias) in enumerate(arrays.hidden):
        nodes += [
            helper.make_node("Gemm", [x, const(f"hidden_{i}_weight", weight), const(f"hidden_{i}_bias", bias)],
                             [f"hidden_{i}_linear"]),
            helper.make_node(activation, [f"hidden_{i}_linear"], [f"hidden_{i}"]),
        ]
        x = f"hidden_{i}"
    weight, bias = arrays.head
    low, high = _finite(action_low), _finite(action_high)
    mean = OUTPUT if low is None and high is None else "mean_action"
    nodes.append(helper.make_node("Gemm", [x, const("head_weight", weight), const("head_bias", bias)], [mean]))
    if mean != OUTPUT:
        low = np.full(arrays.action_dim, -np.inf, np.float32) if low is None else low
        high = np.full(arrays.action_dim, np.inf, np.float32) if high is None else high
        # Clip takes scalar bounds only: per-dimension bounds are a Max and a Min.
        nodes += [helper.make_node("Max", [mean, const("action_low", low)], ["action_above_low"]),
                  helper.make_node("Min", ["action_above_low", const("action_high", high)], [OUTPUT])]

    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["batch", arrays.obs_dim])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", arrays.action_dim])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="motrix")
    model.ir_version = min(model.ir_version, 9)  # readable by ONNX Runtime releases of the last years
    for key, value in (metadata or {}).items():
        model.metadata_props.append(onnx.StringStringEntryProto(key=key, value=value))
    onnx.checker.check_model(model)
    return model


def _finite(bound: np.ndarray | None) -> np.ndarray | None:
    if bound is None:
        return None
    bound = np.asarray(bound, dtype=np.float32).reshape(-1)
    return bound if np.isfinite(bound).any() else None
