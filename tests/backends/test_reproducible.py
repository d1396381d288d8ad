"""The same seed on the same machine trains the same weights, bit for bit, on a CPU.

Two real `motrix train cartpole` runs per case; their final checkpoints must agree in every
weight, optimizer moment, normalizer statistic, random-stream state and recent return. The
torch case with two update threads checks that splitting the update over cores keeps it
deterministic (the default for large minibatches, e.g. the Go1's).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest

from tests.backends.conftest import backend_installed, train_cartpole

STEPS = 12_800  # 4 updates of cartpole's 100 envs x 32 rollouts


def _leaves(tree, prefix: str = "") -> dict[str, np.ndarray]:
    if isinstance(tree, dict):
        return {k: v for key in sorted(tree, key=str) for k, v in _leaves(tree[key], f"{prefix}/{key}").items()}
    if isinstance(tree, (list, tuple)):
        return {k: v for i, item in enumerate(tree) for k, v in _leaves(item, f"{prefix}/{i}").items()}
    if hasattr(tree, "detach"):
        tree = tree.detach().cpu().numpy()
    return {prefix: np.asarray(tree)}


def _final_state(run_path: Path, backend: str) -> dict[str, np.ndarray]:
    checkpoint = importlib.import_module(f"motrix_backend_{backend}.checkpoint")
    final = sorted((run_path / "checkpoints").glob("step_*"))[-1]
    _, state = checkpoint.load(final, "cpu") if backend == "torch" else checkpoint.load(final)
    return _leaves(state)


@pytest.mark.parametrize(("backend", "variables"), [("torch", {}), ("torch", {"MOTRIX_TORCH_UPDATE_THREADS": "2"}),
                                                    ("jax", {})], ids=["torch", "torch-2-update-threads", "jax"])
def test_training_twice_with_one_seed_gives_identical_weights(tmp_path, backend, variables):
    if not backend_installed(backend):
        pytest.skip(f"backend {backend} is not installed")
    runs = [train_cartpole(tmp_path / str(i), backend, "--quiet", steps=STEPS, env=variables) for i in range(2)]
    first, second = (_final_state(run.path, backend) for run in runs)
    assert first.keys() == second.keys()
    assert any(key.startswith("/policy") for key in first)
    differing = [key for key in first if not np.array_equal(first[key], second[key])]
    assert differing == [], f"the same seed trained different values: {differing[:5]}"
