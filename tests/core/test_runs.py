"""Run directories, metadata and checkpoints: complete or absent, findable without guessing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from motrix.config import PPOCfg
from motrix.env.cfg import EnvCfg
from motrix.errors import CheckpointError, MotrixError, UsageError
from motrix.runs import RunDir
from motrix.runs.atomic import atomic_write_with
from motrix.runs.rundir import initial_metadata


def test_a_run_lives_under_env_and_timestamp_backend(tmp_path):
    run = RunDir.create(tmp_path, "cartpole", "torch")
    assert run.path.parent == tmp_path / "cartpole"
    assert run.path.name.endswith("_torch")
    assert run.checkpoint_dir.is_dir()


def test_two_runs_in_the_same_second_get_distinct_directories(tmp_path):
    a = RunDir.create(tmp_path, "cartpole", "torch")
    b = RunDir.create(tmp_path, "cartpole", "torch")
    assert a.path != b.path


def test_an_unwritable_runs_directory_is_one_clear_error(tmp_path):
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("not a directory")
        root = blocker / "runs"
    else:
        root = tmp_path / "ro"
        root.mkdir(mode=0o500)
    with pytest.raises(MotrixError, match="cannot create a run under|is not writable"):
        RunDir.create(root, "cartpole", "torch")


def test_metadata_records_configs_and_versions(tmp_path):
    run = RunDir.create(tmp_path, "cartpole", "torch")
    run.write_metadata(initial_metadata(env="cartpole", backend="torch", framework="skrl", rl_cfg=PPOCfg(seed=3),
                                        env_cfg=EnvCfg(), versions={"motrix-core": "0.1.0"}))
    run.update_metadata(status="completed", env_steps=10)
    meta = json.loads(run.metadata_path.read_text())
    assert (meta["env"], meta["backend"], meta["seed"], meta["status"], meta["env_steps"]) == ("cartpole", "torch", 3, "completed", 10)
    assert meta["rl_cfg"]["policy_hidden_layer_sizes"] == [64, 64]
    assert meta["env_cfg"]["sim_dt"] == 0.01
    assert meta["versions"] == {"motrix-core": "0.1.0"}


def test_latest_finds_the_newest_run_of_the_env(tmp_path):
    old = RunDir.create(tmp_path, "cartpole", "torch")
    old.write_metadata({"env": "cartpole"})
    new = RunDir.create(tmp_path, "cartpole", "jax")
    new.write_metadata({"env": "cartpole"})
    os.utime(old.path, (1, 1))
    assert RunDir.resolve("latest", tmp_path, "cartpole").path == new.path


@pytest.mark.parametrize("spec", ["latest", "does/not/exist"])
def test_resolving_a_missing_run_is_a_usage_error(tmp_path, spec):
    with pytest.raises(UsageError):
        RunDir.resolve(spec, tmp_path, "cartpole")


def test_checkpoint_index_names_latest_and_best(tmp_path):
    store = RunDir.create(tmp_path, "cartpole", "torch").checkpoints(".pt")
    assert store.path("latest") is None
    store.save(1000, lambda p: p.write_bytes(b"a"), mean_return=50.0)
    store.save(2000, lambda p: p.write_bytes(b"b"), mean_return=80.0)
    store.save(3000, lambda p: p.write_bytes(b"c"), mean_return=60.0)
    assert store.path("latest").read_bytes() == b"c"
    assert store.path("best").read_bytes() == b"b"
    assert store.entry("best").env_steps == 2000


def test_a_checkpoint_write_that_fails_leaves_the_previous_one_and_no_temp_files(tmp_path):
    store = RunDir.create(tmp_path, "cartpole", "torch").checkpoints("pt")
    store.save(1000, lambda p: p.write_bytes(b"good"), mean_return=1.0)

    def crash(path):
        path.write_bytes(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.save(2000, crash, mean_return=2.0)
    assert store.path("latest").read_bytes() == b"good"
    assert sorted(p.name for p in store.directory.iterdir()) == ["index.json", "step_000000001000.pt"]


def test_atomic_write_replaces_whole_files(tmp_path):
    target = tmp_path / "f"
    target.write_text("old")
    atomic_write_with(target, lambda p: p.write_text("new"))
    assert target.read_text() == "new"


def test_run_files_are_readable_by_others_as_with_any_file(tmp_path):
    run = RunDir.create(tmp_path, "cartpole", "torch")
    run.write_metadata({"env": "cartpole"})
    mask = os.umask(0)
    os.umask(mask)
    assert run.metadata_path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_retention_keeps_the_newest_the_best_and_the_latest(tmp_path):
    store = RunDir.create(tmp_path, "cartpole", "torch").checkpoints("pt")
    for i, mean in enumerate([10.0, 90.0, 20.0, 30.0, 40.0], 1):
        store.save(i * 1000, lambda p: p.write_bytes(b"x"), mean_return=mean, keep=2)
    on_disk = sorted(p.name for p in store.files())
    assert on_disk == ["step_000000002000.pt", "step_000000004000.pt", "step_000000005000.pt"]  # best + newest 2
    index = json.loads((store.directory / "index.json").read_text())
    assert sorted(e["file"] for e in index["all"]) == on_disk


def test_a_crash_while_pruning_leaves_an_index_that_names_only_files_on_disk(tmp_path, monkeypatch):
    store = RunDir.create(tmp_path, "cartpole", "torch").checkpoints("pt")
    for i in range(1, 4):
        store.save(i * 1000, lambda p: p.write_bytes(b"x"), mean_return=float(i), keep=2)

    def crash(self, missing_ok=False):
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "unlink", crash)
    with pytest.raises(KeyboardInterrupt):
        store.save(4000, lambda p: p.write_bytes(b"x"), mean_return=4.0, keep=2)
    monkeypatch.undo()
    index = json.loads((store.directory / "index.json").read_text())
    assert all((store.directory / e["file"]).exists() for e in index["all"])
    assert store.path("latest").name == "step_000000004000.pt"


def test_a_missing_index_is_rebuilt_from_the_files_that_verify(tmp_path):
    store = RunDir.create(tmp_path, "cartpole", "torch").checkpoints("pt")
    for i in range(1, 4):
        store.save(i * 1000, lambda p: p.write_bytes(b"good"), mean_return=float(i))
    (store.directory / "step_000000003000.pt").write_bytes(b"bad")
    (store.directory / "index.json").unlink()

    def verify(path):
        if path.read_bytes() != b"good":
            raise CheckpointError(f"{path} is damaged")
        return int(path.stem.split("_")[1])

    said = []
    assert store.latest(verify, said.append).name == "step_000000002000.pt"
    assert len(said) == 1 and "rebuilt index.json from 2 verified" in said[0] and "step_000000003000.pt" in said[0]
    assert store.entry("latest").env_steps == 2000
