"""Issue 5's acceptance: the default `motrix train cartpole --backend jax` solves it, and play agrees."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.backends.conftest import backend_installed
from tests.conftest import run_motrix

pytestmark = pytest.mark.slow


@pytest.mark.skipif(not backend_installed("jax"), reason="backend jax is not installed")
def test_default_jax_training_reaches_950_and_play_confirms_it(tmp_path):
    train = run_motrix("train", "cartpole", "--backend", "jax", "--seed", "0", "--runs-dir", str(tmp_path),
                       "--set", "target_return=950")
    assert train.returncode == 0, train.stderr
    assert re.search(r"\[jax\] device cpu|\[jax\] device gpu|\[jax\] device cuda", train.stderr)
    run = Path(train.stdout.strip().splitlines()[-1])
    meta = json.loads((run / "metadata.json").read_text())
    assert meta["status"] == "completed" and meta["backend"] == "jax"
    assert meta["extra"]["target_reached"], meta["extra"]
    assert meta["final_mean_return"] >= 950

    play = run_motrix("play", "cartpole", "--run", str(run), "--episodes", "10")
    assert play.returncode == 0, play.stderr
    returns = [float(x) for x in re.findall(r"^episode\s+\d+: return\s+(\S+)", play.stdout, re.M)]
    assert len(returns) == 10
    mean = float(re.search(r"mean return over 10 episodes: (\S+)", play.stdout).group(1))
    assert mean >= 950, returns
