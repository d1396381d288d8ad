"""Runs that survive what users and machines do to them: too many envs, nan in a config, a full
disk, a damaged checkpoint index, ``kill -9``; and a runs directory that does not fill up.

Everything through the real ``motrix`` command on cartpole, with real checkpoints.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
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


def _one_line(result, code: int, *needles: str) -> str:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


# -- checked before anything is created --------------------------------------------------
def test_too_many_envs_is_one_line_with_what_fits_and_nothing_is_written(tmp_path, backend):
    line = _one_line(run_motrix("train", "cartpole", "--backend", backend, "--num-envs", "200000000",
                                "--runs-dir", str(tmp_path)), 2, "needs about", "available", "--num-envs")
    assert not list(tmp_path.iterdir())
    fits = int(re.search(r"--num-envs (\d+)", line).group(1))
    assert 100_000 < fits < 200_000_000


def test_the_envs_that_fit_under_a_memory_limit_do_train(tmp_path, backend):
    limit = {"MOTRIX_MEMORY_LIMIT": "1200M"}
    line = _one_line(run_motrix("train", "cartpole", "--backend", backend, "--num-envs", "2000000",
                                "--runs-dir", str(tmp_path), env=limit), 2, "MOTRIX_MEMORY_LIMIT")
    fits = int(re.search(r"--num-envs (\d+)", line).group(1))
    assert 1_000 < fits < 2_000_000
    ok = run_motrix("train", "cartpole", "--backend", backend, "--num-envs", "1000", "--steps", "4000",
                    "--runs-dir", str(tmp_path), "--quiet", env=limit)
    assert ok.returncode == 0, ok.stderr


@pytest.mark.parametrize("command", [["view", "cartpole", "--steps", "1"], ["bench", "cartpole", "--steps", "1"]])
def test_view_and_bench_check_memory_too(command):
    _one_line(run_motrix(*command, "--num-envs", "300000000"), 2, "needs about", "--num-envs")


def test_play_checks_memory_too(trained):
    _one_line(run_motrix("play", "cartpole", "--run", str(trained.path), "--num-envs", "300000000",
                         "--episodes", "300000000"), 2, "needs about", "--num-envs")


@pytest.mark.parametrize(("flag", "value", "field"), [
    ("--set", "learning_rate=nan", "learning_rate"), ("--set", "learning_rate=inf", "learning_rate"),
    ("--set", "discount_factor=-inf", "discount_factor"), ("--env-set", "max_episode_seconds=inf", "max_episode_seconds"),
])
def test_nan_and_inf_are_usage_errors_naming_the_field(tmp_path, flag, value, field):
    _one_line(run_motrix("train", "cartpole", flag, value, "--runs-dir", str(tmp_path)), 2, field, "finite")
    assert not list(tmp_path.iterdir())


# -- retention ---------------------------------------------------------------------------
def test_only_the_newest_checkpoints_the_best_and_the_final_are_kept(tmp_path, backend):
    run = train_cartpole(tmp_path, backend, "--set", "check_point_interval=10", "--set", "keep_checkpoints=3",
                         steps=40_000)
    files = sorted(p.name for p in (run.path / "checkpoints").glob("step_*"))
    index = run.index
    assert sorted(e["file"] for e in index["all"]) == files  # the index names exactly what is on disk
    newest = sorted(index["all"], key=lambda e: e["env_steps"])[-3:]
    assert {e["file"] for e in newest} | {index["best"]["file"], index["latest"]["file"]} == set(files)
    assert len(files) <= 4 and index["latest"]["env_steps"] == run.metadata["env_steps"]
    everything = train_cartpole(tmp_path / "all", backend, "--set", "check_point_interval=10",
                                "--set", "keep_checkpoints=0", steps=20_000)
    kept = sorted(p.name for p in (everything.path / "checkpoints").glob("step_*"))
    # every checkpoint written is kept (a periodic one may be skipped when the next is due before it
    # could start: 20 are due here, 0.1 s apart)
    assert sorted(e["file"] for e in everything.index["all"]) == kept and len(kept) >= 10


# -- a damaged index ---------------------------------------------------------------------
@pytest.fixture
def damaged(trained, tmp_path) -> Path:
    run = tmp_path / "cartpole" / trained.path.name
    shutil.copytree(trained.path, run)
    assert len(list((run / "checkpoints").glob("step_*"))) >= 3
    return run


def _files(run: Path) -> list[Path]:
    return sorted((run / "checkpoints").glob("step_*"))


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["missing", "garbage", "names a missing file", "newest fails its digest",
                                    "intact but its newest fails its digest"])
def test_play_and_resume_rebuild_a_damaged_index_from_the_checkpoints_that_verify(damaged, damage):
    index = damaged / "checkpoints" / "index.json"
    files = _files(damaged)
    expected = files[-1]
    if damage == "missing":
        index.unlink()
    elif damage == "garbage":
        index.write_text("{ not json")
    elif damage == "names a missing file":
        files[-1].unlink()
        expected = files[-2]
    else:
        _flip_a_byte(files[-1])
        if damage == "newest fails its digest":
            index.unlink()
        expected = files[-2]
    played = run_motrix("play", "cartpole", "--run", str(damaged), "--episodes", "2")
    assert played.returncode == 0, played.stderr
    assert f"checkpoint: {expected}" in played.stdout
    note = [line for line in played.stderr.splitlines() if "rebuilt index.json" in line]
    assert len(note) == 1 and expected.name in note[0], played.stderr
    if "fails its digest" in damage:
        assert files[-1].name in note[0] and "failed their checks" in note[0]
    rebuilt = json.loads(index.read_text())
    assert rebuilt["latest"]["file"] == expected.name
    assert files[-1].name not in {e["file"] for e in rebuilt["all"]} or damage in ("missing", "garbage")

    steps = rebuilt["latest"]["env_steps"] + 5_000
    resumed = run_motrix("train", "cartpole", "--resume", str(damaged), "--steps", str(steps),
                         "--runs-dir", str(damaged.parent.parent), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads((damaged / "metadata.json").read_text())["env_steps"] >= steps


def test_export_falls_back_from_a_damaged_newest_checkpoint_named_in_an_intact_index(damaged, tmp_path):
    files = _files(damaged)
    _flip_a_byte(files[-1])
    out = tmp_path / "policy.onnx"
    exported = run_motrix("export", "cartpole", "--run", str(damaged), "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    note = [line for line in exported.stderr.splitlines() if "rebuilt index.json" in line]
    assert len(note) == 1 and f"the latest checkpoint {files[-1].name} fails its checks" in note[0], exported.stderr
    assert note[0].endswith(f"using {files[-2].name}")
    assert json.loads(out.with_suffix(".json").read_text())["checkpoint"]["env_steps"] == int(files[-2].stem[5:])


def test_a_run_whose_checkpoints_all_fail_is_one_clear_line(damaged):
    for path in _files(damaged):
        path.write_bytes(b"broken")
    (damaged / "checkpoints" / "index.json").unlink()
    _one_line(run_motrix("play", "cartpole", "--run", str(damaged)), 1, "no checkpoint file", "verifies")


# -- a full disk -------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root (CI has it)")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_full_disk_is_one_line_naming_the_file_the_last_checkpoint_and_how_to_resume(small_disk, backend):
    result = run_motrix("train", "cartpole", "--backend", backend, "--seed", str(SEED), "--steps", "400000",
                        "--set", "check_point_interval=10", "--set", "keep_checkpoints=0",
                        "--runs-dir", str(small_disk), "--quiet")
    line = _one_line(result, 1, "cannot write checkpoint", "No space left", "last complete checkpoint is",
                     "--resume")
    run = Path(re.search(r"--resume (\S+?)`", line).group(1))
    last = Path(re.search(r"last complete checkpoint is (\S+?);", line).group(1))
    assert last.is_file()
    assert not [p for p in run.rglob("*") if p.name.endswith(".tmp")]  # no partial file
    index = json.loads((run / "checkpoints" / "index.json").read_text())
    assert index["latest"]["file"] == last.name
    meta = json.loads((run / "metadata.json").read_text())
    assert meta["status"] in ("failed", "running")  # failed, unless the disk refused even that
    if meta["status"] == "failed":
        assert "cannot write checkpoint" in meta["error"]

    subprocess.run(["mount", "-o", "remount,size=20m", str(small_disk)], check=True)
    steps = index["latest"]["env_steps"] + 3_000
    resumed = run_motrix("train", "cartpole", "--resume", str(run), "--steps", str(steps),
                         "--runs-dir", str(small_disk), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads((run / "metadata.json").read_text())["status"] == "completed"


# -- motrix runs -------------------------------------------------------------------------
def test_motrix_runs_lists_runs_and_shows_a_killed_one_as_stale(tmp_path, backend):
    done = train_cartpole(tmp_path, backend, steps=10_000)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTRIX_")}
    proc = subprocess.Popen([sys.executable, "-m", "motrix", "train", "cartpole", "--backend", backend,
                             "--steps", "2000000", "--set", "check_point_interval=20", "--runs-dir", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    deadline = time.time() + 120
    live = None
    while time.time() < deadline and live is None:
        for index in tmp_path.glob("cartpole/*/checkpoints/index.json"):
            if index.parent.parent != done.path:
                live = index.parent.parent
        time.sleep(0.2)
    assert live is not None, "the second run wrote no checkpoint"
    rows = {r["path"]: r for r in json.loads(run_motrix("runs", "--runs-dir", str(tmp_path), "--json").stdout)}
    assert rows[str(live)]["status"] == "running"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    listing = run_motrix("runs", "cartpole", "--runs-dir", str(tmp_path), "--json")
    assert listing.returncode == 0, listing.stderr
    rows = {r["path"]: r for r in json.loads(listing.stdout)}
    assert rows[str(live)]["status"] == "stale"
    assert rows[str(done.path)]["status"] == "completed" and rows[str(done.path)]["env_steps"] == done.metadata["env_steps"] > 0
    assert rows[str(done.path)]["backend"] == backend and rows[str(done.path)]["last_mean_return"] is not None
    table = run_motrix("runs", "--runs-dir", str(tmp_path)).stdout
    assert "stale" in table and "completed" in table and str(live) in table
    resumed = run_motrix("train", "cartpole", "--resume", str(live), "--steps",
                         str(rows[str(live)]["env_steps"] + 4_000), "--runs-dir", str(tmp_path), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert {r["path"]: r for r in json.loads(run_motrix("runs", "--runs-dir", str(tmp_path), "--json").stdout)}[
        str(live)]["status"] == "completed"
