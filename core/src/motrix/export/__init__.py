"""``motrix export``: a trained policy as one ONNX graph, parity-checked, with a deployment sidecar.

The graph is built from the policy's numbers (``PolicyArrays``), whichever backend trained
it, with the ``onnx`` package's helper API; ONNX Runtime runs it for the parity check and for
``motrix play --policy``. Both come with the ``motrix-core[export]`` extra.
"""
