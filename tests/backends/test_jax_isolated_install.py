"""`pip install motrix-core motrix-backend-jax` (+ an env plugin) is a complete training stack, without torch."""

from __future__ import annotations

import json
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def test_core_envs_and_the_jax_backend_alone_train_and_play(tmp_path: Path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / "bin"
    sources = [shutil.copytree(REPO / sub, tmp_path / "src" / Path(sub).name,
                               ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
               for sub in ("core", "plugins/motrix-envs-basic", "plugins/motrix-backend-jax")]
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", *map(str, sources)],
                   check=True, capture_output=True, timeout=900)
    found = subprocess.run(
        [str(bin_dir / "python"), "-c",
         "import importlib.util as u, json; print(json.dumps([m for m in ('torch','jax','flax','optax','skrl') if u.find_spec(m)]))"],
        check=True, capture_output=True, text=True,
    )
    assert json.loads(found.stdout) == ["jax", "flax", "optax", "skrl"]  # no torch

    runs = tmp_path / "runs"
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "MOTRIX_JAX_CACHE_DIR": str(tmp_path / "xla-cache")}
    train = subprocess.run([str(bin_dir / "motrix"), "train", "cartpole", "--steps", "20000", "--runs-dir", str(runs)],
                           capture_output=True, text=True, timeout=600, env=env)
    assert train.returncode == 0, train.stderr
    assert "training cartpole with backend jax" in train.stderr  # chosen automatically: the only backend
    run = Path(train.stdout.strip().splitlines()[-1])
    assert json.loads((run / "metadata.json").read_text())["status"] == "completed"
    assert list((run / "checkpoints").glob("step_*.msgpack"))
    play = subprocess.run([str(bin_dir / "motrix"), "play", "cartpole", "--run", str(run), "--episodes", "2"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert play.returncode == 0, play.stderr
    assert "mean return over 2 episodes" in play.stdout
