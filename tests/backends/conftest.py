"""Fixtures for the backend tests: one short real training run per backend, shared.

Every test here trains or plays for real: skrl, MotrixSim cartpole, checkpoints on disk,
the ``motrix`` command in a subprocess. A backend that is not installed is skipped, so the
JAX backend joins by being added to ``BACKENDS``.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CliResult, run_motrix

#: Backends whose trainers these tests exercise; a backend that is not installed is skipped.
BACKENDS = ["torch", "jax"]
#: Env-steps of the shared training run: clearly better than random, short on 2 CPU cores.
TRAIN_STEPS = 120_000
SEED = 0


def backend_installed(name: str) -> bool:
    return importlib.util.find_spec(f"motrix_backend_{name}.trainer") is not None


@dataclass
class TrainedRun:
    backend: str
    runs_dir: Path
    path: Path
    cli: CliResult

    @property
    def metadata(self) -> dict:
        return json.loads((self.path / "metadata.json").read_text())

    @property
    def index(self) -> dict:
        return json.loads((self.path / "checkpoints" / "index.json").read_text())


def train_cartpole(runs_dir: Path, backend: str, *extra: str, steps: int = TRAIN_STEPS,
                   env: dict[str, str] | None = None) -> TrainedRun:
    result = run_motrix(
        "train", "cartpole", "--backend", backend, "--seed", str(SEED), "--steps", str(steps),
        "--runs-dir", str(runs_dir), *extra, env=env,
    )
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path.is_dir(), result.stdout
    return TrainedRun(backend, runs_dir, path, result)


@pytest.fixture(scope="session", params=BACKENDS)
def trained(request, tmp_path_factory) -> TrainedRun:
    """A short seeded ``motrix train cartpole`` run per installed backend (session-wide)."""
    backend = request.param
    if not backend_installed(backend):
        pytest.skip(f"backend {backend} is not installed")
    return train_cartpole(tmp_path_factory.mktemp(f"runs-{backend}"), backend)
