"""Each distribution installs alone: core + an env plugin lists envs without torch or JAX."""

from __future__ import annotations

import json
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_core_and_an_env_plugin_alone_list_envs_without_any_framework(tmp_path: Path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # Copies, because building a local project writes build/ into its folder.
    sources = [shutil.copytree(REPO / sub, tmp_path / "src" / Path(sub).name, ignore=shutil.ignore_patterns("build", "*.egg-info"))
               for sub in ("core", "plugins/motrix-envs-basic")]
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", *map(str, sources)],
        check=True, capture_output=True, timeout=600,
    )
    frameworks = subprocess.run(
        [str(python), "-c", "import importlib.util as u, json; print(json.dumps([m for m in ('torch','jax','flax','skrl') if u.find_spec(m)]))"],
        check=True, capture_output=True, text=True,
    )
    assert json.loads(frameworks.stdout) == []
    listing = subprocess.run([str(env_dir / "bin" / "motrix"), "list", "--json"], capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0, listing.stderr
    data = json.loads(listing.stdout)
    names = {e["name"] for e in data["envs"]}
    assert "cartpole" in names and all(e["plugin"] == "motrix-envs-basic" for e in data["envs"])
    assert data["backends"] == []
    train = subprocess.run([str(env_dir / "bin" / "motrix"), "train", "cartpole", "--runs-dir", str(tmp_path / "runs")],
                           capture_output=True, text=True, timeout=60)
    assert train.returncode == 2
    assert train.stderr.strip() == (
        "motrix: error: no training backend is installed; install one with "
        "`pip install motrix-backend-torch` or `pip install motrix-backend-jax`"
    )
