"""``motrix train ENV --nproc N``: real processes, real collectives (gloo on this CPU), real runs.

Every test drives the real ``motrix`` command (or torchrun) in subprocesses on cartpole.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.backends.conftest import BACKENDS, backend_installed
from tests.conftest import run_motrix

# One xdist worker runs all of these, one after another: a run resumed without --master-port
# takes the default port, which two at once on one machine would both claim.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("distributed")]

LEARN_STEPS = 640_000
"""Two ranks of 50 envs: 100 envs in all, cartpole's default width, for twice its default budget."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _needs(backend: str) -> None:
    if not backend_installed(backend):
        pytest.skip(f"backend {backend} is not installed")


def _metadata(run: Path) -> dict:
    return json.loads((run / "metadata.json").read_text())


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("MOTRIX_")}


def _popen(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "motrix", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())


def _wait_for_checkpoint(runs_dir: Path, timeout: float = 180) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(runs_dir.glob("cartpole/*/checkpoints/index.json"))
        if found:
            return found[0].parent.parent
        time.sleep(0.5)
    raise AssertionError("no checkpoint was written")


def _workers(launcher: subprocess.Popen) -> dict[int, psutil.Process]:
    """The launcher's worker processes by global rank."""
    out = {}
    for child in psutil.Process(launcher.pid).children():
        try:
            out[int(child.environ()["RANK"])] = child
        except (psutil.Error, KeyError):
            pass
    return out


def _long_run_with_a_checkpoint(runs_dir: Path) -> tuple[subprocess.Popen, Path, dict[int, psutil.Process]]:
    """A torch ``--nproc 2`` run far from its end, once its first checkpoint is written."""
    _needs("torch")
    launcher = _popen("train", "cartpole", "--backend", "torch", "--nproc", "2", "--num-envs", "50",
                      "--steps", "50000000", "--set", "check_point_interval=10", "--runs-dir", str(runs_dir))
    try:
        run = _wait_for_checkpoint(runs_dir)
        workers = _workers(launcher)
        assert sorted(workers) == [0, 1]
    except BaseException:
        launcher.kill()
        raise
    return launcher, run, workers


@pytest.fixture(scope="module", params=BACKENDS)
def two_ranks(request, tmp_path_factory):
    """``motrix train cartpole --nproc 2`` to the end, once per backend."""
    _needs(request.param)
    runs = tmp_path_factory.mktemp(f"dp-{request.param}")
    result = run_motrix("train", "cartpole", "--backend", request.param, "--nproc", "2", "--num-envs", "50",
                        "--steps", str(LEARN_STEPS), "--seed", "0", "--runs-dir", str(runs))
    assert result.returncode == 0, result.stderr
    return request.param, Path(result.stdout.strip().splitlines()[-1]), result


def test_two_processes_learn_cartpole(two_ranks):
    _, run, _ = two_ranks
    meta = _metadata(run)
    assert meta["status"] == "completed"
    assert meta["env_steps"] == LEARN_STEPS
    # the mean return of the last 100 episodes, as each checkpoint recorded it
    best = json.loads((run / "checkpoints" / "index.json").read_text())["best"]["mean_return"]
    assert best >= 900, best


def test_the_metadata_says_num_envs_is_per_process(two_ranks):
    meta = _metadata(two_ranks[1])
    assert (meta["world_size"], meta["num_envs_per_process"], meta["total_envs"]) == (2, 50, 100)
    assert meta["rl_cfg"]["num_envs"] == 50


def test_every_rank_ends_with_the_same_weights_and_normalizers(two_ranks):
    digests = _metadata(two_ranks[1])["extra"]["parameter_digests"]
    assert len(digests) == 2 and len(digests[0]) == 64
    assert digests[0] == digests[1]


def test_only_rank_0_prints(two_ranks):
    _, run, result = two_ranks
    assert result.stdout.strip().splitlines() == [str(run)]
    assert result.stderr.count("motrix: training cartpole") == 1
    assert result.stderr.count("rank 0 of 2") == 1
    assert "50 envs per process, 2 processes" in result.stderr
    assert "Traceback" not in result.stderr


def test_its_checkpoint_plays_in_one_process(two_ranks):
    _, run, _ = two_ranks
    played = run_motrix("play", "cartpole", "--run", str(run), "--episodes", "4", "--num-envs", "4")
    assert played.returncode == 0, played.stderr
    mean = float(played.stdout.strip().splitlines()[-1].split(":")[-1])
    assert mean >= 500  # random actions: ~20


def test_a_resume_needs_the_same_world_size(two_ranks):
    _, run, _ = two_ranks
    for extra in ((), ("--nproc", "1"), ("--nproc", "3")):
        result = run_motrix("train", "cartpole", "--resume", str(run), "--steps", str(LEARN_STEPS + 10_000), *extra)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "trained by 2 processes" in lines[0], result.stderr
    assert _metadata(run)["status"] == "completed"


def test_a_resume_with_the_same_world_size_goes_on(two_ranks, tmp_path):
    backend, run, _ = two_ranks
    copy = tmp_path / "cartpole" / run.name
    shutil.copytree(run, copy)
    result = run_motrix("train", "cartpole", "--resume", str(copy), "--nproc", "2",
                        "--steps", str(LEARN_STEPS + 20_000), "--runs-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    meta = _metadata(copy)
    assert meta["status"] == "completed" and meta["env_steps"] == LEARN_STEPS + 20_000
    digests = meta["extra"]["parameter_digests"]
    assert digests[0] == digests[1]


@pytest.mark.parametrize("args,needle", [
    (("--nproc", "0"), "--nproc must be >= 1"),
    (("--nproc", "1", "--nnodes", "2"), "--master-port is needed"),
    (("--nproc", "2", "--set", "kl_threshold=0.02"), "kl_threshold"),
    (("--nproc", "2", "--set", "no_such_field=1"), "no_such_field"),
])
def test_bad_launches_are_one_line_before_any_process_starts(args, needle, tmp_path):
    result = run_motrix("train", "cartpole", *args, "--runs-dir", str(tmp_path))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert not list(tmp_path.glob("cartpole/*"))


def test_a_killed_rank_stops_the_others_and_the_run_resumes(tmp_path):
    launcher, run, workers = _long_run_with_a_checkpoint(tmp_path)
    try:
        workers[1].kill()
        killed = time.monotonic()
        _, stderr = launcher.communicate(timeout=90)
        took = time.monotonic() - killed
    finally:
        if launcher.poll() is None:
            launcher.kill()
    assert launcher.returncode == 1
    assert took < 60
    last = stderr.strip().splitlines()[-1]
    assert "rank 1 was killed by SIGKILL" in last and f"--resume {run} --nproc 2" in last, stderr
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in workers.values())
    meta = _metadata(run)
    assert meta["status"] == "failed" and "rank 1" in meta["error"]

    done = meta.get("env_steps") or 0
    resumed = run_motrix("train", "cartpole", "--resume", str(run), "--nproc", "2", "--steps", str(done + 20_000),
                         "--runs-dir", str(tmp_path))
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming from" in resumed.stderr
    assert _metadata(run)["status"] == "completed"


def test_ctrl_c_stops_every_rank_with_one_final_checkpoint(tmp_path):
    launcher, run, workers = _long_run_with_a_checkpoint(tmp_path)
    try:
        launcher.send_signal(signal.SIGINT)
        stdout, stderr = launcher.communicate(timeout=120)
    finally:
        if launcher.poll() is None:
            launcher.kill()
    assert launcher.returncode == 130, stderr
    assert stderr.count("writing a final checkpoint") == 1, stderr
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in workers.values())
    meta = _metadata(run)
    index = json.loads((run / "checkpoints" / "index.json").read_text())
    assert meta["status"] == "interrupted"
    assert index["latest"]["env_steps"] == meta["env_steps"]
    assert meta["env_steps"] % 100 == 0  # whole iterations of both ranks


def test_a_users_own_torchrun_starts_the_same_run(tmp_path):
    _needs("torch")
    proc = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2", "--master-port", str(_free_port()),
         "-m", "motrix", "train", "cartpole", "--backend", "torch", "--num-envs", "50", "--steps", "20000",
         "--runs-dir", str(tmp_path)],
        capture_output=True, text=True, env=_env(), timeout=300)
    assert proc.returncode == 0, proc.stderr
    (run,) = tmp_path.glob("cartpole/*")
    meta = _metadata(run)
    assert meta["world_size"] == 2 and meta["env_steps"] == 20_000
    assert len(set(meta["extra"]["parameter_digests"])) == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_machines_form_one_run(backend, tmp_path):
    """The multi-node form, both "machines" on this one: rank 0's launcher writes the run."""
    _needs(backend)
    port = str(_free_port())
    common = ["train", "cartpole", "--backend", backend, "--nproc", "1", "--nnodes", "2", "--master-port", port,
              "--num-envs", "50", "--steps", "20000"]
    node0 = _popen(*common, "--node-rank", "0", "--runs-dir", str(tmp_path / "node0"))
    node1 = _popen(*common, "--node-rank", "1", "--runs-dir", str(tmp_path / "node1"))
    try:
        out0, err0 = node0.communicate(timeout=300)
        out1, err1 = node1.communicate(timeout=300)
    finally:
        for p in (node0, node1):
            if p.poll() is None:
                p.kill()
    assert node0.returncode == 0 and node1.returncode == 0, err0 + err1
    assert not (tmp_path / "node1").exists()  # only rank 0 writes
    (run,) = (tmp_path / "node0").glob("cartpole/*")
    meta = _metadata(run)
    assert meta["world_size"] == 2 and meta["total_envs"] == 100
    assert len(set(meta["extra"]["parameter_digests"])) == 1
