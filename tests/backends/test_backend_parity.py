"""Both skrl backends behave alike around the one training loop: what a user sees of a run
(its metadata while it trains, what a resume does, how a bad setting is reported) does not
depend on the backend that trains it.

Real runs of the ``motrix`` command on cartpole, one per backend.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.backends.conftest import BACKENDS, SEED, backend_installed, train_cartpole
from tests.conftest import run_motrix


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    if not backend_installed(request.param):
        pytest.skip(f"backend {request.param} is not installed")
    return request.param


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def test_metadata_env_steps_advance_with_every_checkpoint_while_training(tmp_path, backend):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTRIX_")}
    # a checkpoint every 20 iterations of 100 envs: 2,000 env-steps apart, dozens in the run
    proc = subprocess.Popen(
        [sys.executable, "-m", "motrix", "train", "cartpole", "--backend", backend, "--seed", str(SEED),
         "--steps", "80000", "--set", "check_point_interval=20", "--set", "keep_checkpoints=0",
         "--runs-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    seen: list[int] = []
    while proc.poll() is None:
        for meta_path in tmp_path.glob("cartpole/*/metadata.json"):
            meta = _read_json(meta_path)
            if meta and meta.get("status") == "running" and (not seen or seen[-1] != meta.get("env_steps")):
                seen.append(meta.get("env_steps"))
        time.sleep(0.01)
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    run = Path(out.strip().splitlines()[-1])
    saved = {e["env_steps"] for e in _read_json(run / "checkpoints" / "index.json")["all"]}
    during = [s for s in seen if s]
    assert len(during) >= 2, f"metadata said env_steps {seen} while training"
    assert during == sorted(during) and set(during) <= saved  # each figure is a checkpoint's
    assert _read_json(run / "metadata.json")["env_steps"] == max(saved)


def test_a_resume_continues_the_count_without_time_to_target_and_saves_only_new_work(tmp_path, backend):
    first = train_cartpole(tmp_path, backend, steps=20_000)
    done = first.metadata["env_steps"]
    assert "target_return" in first.metadata["extra"]  # a run from scratch measures time to target
    checkpoints = first.index["all"]

    same = run_motrix("train", "cartpole", "--resume", str(first.path), "--steps", str(done),
                      "--runs-dir", str(tmp_path))
    assert same.returncode == 0, same.stderr
    assert "nothing to do" in same.stderr
    assert first.index["all"] == checkpoints  # no work, no checkpoint
    assert first.metadata["env_steps"] == done

    more = run_motrix("train", "cartpole", "--resume", str(first.path), "--steps", str(done + 10_000),
                      "--runs-dir", str(tmp_path))
    assert more.returncode == 0, more.stderr
    meta, index = first.metadata, first.index
    assert meta["env_steps"] == index["latest"]["env_steps"] >= done + 10_000  # the final save
    assert len(index["all"]) > len(checkpoints)
    assert not {"target_return", "target_reached", "seconds_to_target"} & set(meta["extra"])


@pytest.mark.parametrize("value", ["two", "0"])
@pytest.mark.parametrize(("name", "variable"), [
    ("torch", "MOTRIX_TORCH_THREADS"), ("torch", "MOTRIX_TORCH_UPDATE_THREADS"), ("jax", "MOTRIX_JAX_THREADS"),
])
def test_a_bad_thread_variable_is_one_clear_line_and_writes_nothing(tmp_path, name, variable, value):
    if not backend_installed(name):
        pytest.skip(f"backend {name} is not installed")
    result = run_motrix("train", "cartpole", "--backend", name, "--steps", "1000", "--runs-dir", str(tmp_path),
                        env={variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0] and repr(value) in lines[0], result.stderr
    assert not (tmp_path / "cartpole").exists()


def test_importing_a_backends_plugin_module_changes_no_environment_variable(backend):
    code = (
        "import os, sys\n"
        "before = dict(os.environ)\n"
        f"import motrix_backend_{backend}.plugin as plugin\n"
        "list(plugin.motrix_backends())\n"
        "heavy = [m for m in ('torch', 'jax', 'flax', 'skrl') if m in sys.modules]\n"
        "print(dict(os.environ) == before, heavy)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("GOMP_SPINCOUNT", "XLA_FLAGS", "OMP_WAIT_POLICY")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split() == ["True", "[]"]
