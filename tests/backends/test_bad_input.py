"""The bad-input matrix, through the real CLI: each row a one-line error, the right exit
status, and nothing written or lost in the runs directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_motrix

from .conftest import TrainedRun


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with its size and modification time."""
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*")) if p.is_file()
    }


def assert_one_line(result, code: int, *fragments: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("motrix: error: ") and "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


# Rows that need no trained run: (argv, exit status, fragments of the message).
STATIC_ROWS = [
    (["train", "cartpoel"], 2, ["unknown env 'cartpoel'", "did you mean cartpole"]),
    (["train", "cartpole", "--backend", "tf"], 2, ["unknown backend 'tf'"]),
    (["train", "cartpole", "--set", "learning_rat=1e-3"], 2, ["unknown key 'learning_rat'", "learning_rate"]),
    (["train", "cartpole", "--set", "learning_rate=fast"], 2, ["learning_rate='fast'", "expected float"]),
    (["train", "cartpole", "--set", "policy_hidden_layer_sizes=64,big"], 2, ["expected comma-separated ints"]),
    (["train", "cartpole", "--num-envs", "0"], 2, ["num_envs must be > 0"]),
    (["train", "cartpole", "--num-envs", "-8"], 2, ["num_envs must be > 0"]),
    (["train", "cartpole", "--env-set", "sim_dt=0.05"], 2, ["sim_dt (0.05) must not exceed ctrl_dt (0.01)"]),
    (["train", "cartpole", "--env-set", "max_episode_seconds=soon"], 2, ["expected float"]),
    (["train", "cartpole", "--steps", "0"], 2, ["max_env_steps must be > 0"]),
    (["play", "cartpole", "--checkpoint", "no/such/file.pt"], 2, ["checkpoint no/such/file.pt does not exist"]),
    (["play", "cartpole", "--episodes", "0"], 2, ["--episodes must be > 0"]),
    (["play", "cartpole"], 2, ["no runs of 'cartpole'"]),
    (["train", "cartpole", "--resume", "latest"], 2, ["no runs of 'cartpole'"]),
]


@pytest.mark.parametrize(("argv", "code", "fragments"), STATIC_ROWS, ids=[" ".join(r[0]) for r in STATIC_ROWS])
def test_bad_input_without_a_run(argv, code, fragments, tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    result = run_motrix(*argv, "--runs-dir", str(runs), cwd=tmp_path)
    assert_one_line(result, code, *fragments)
    assert snapshot(runs) == {}, "a rejected command writes nothing"


def test_an_unwritable_runs_directory(tmp_path):
    blocker = tmp_path / "runs"
    blocker.write_text("a file where the runs directory should be")
    result = run_motrix("train", "cartpole", "--runs-dir", str(blocker / "sub"))
    assert_one_line(result, 1, "cannot create a run under")


def _damaged_copy(run: TrainedRun, tmp_path: Path, how: str) -> Path:
    latest = run.path / "checkpoints" / run.index["latest"]["file"]
    target = tmp_path / latest.name
    data = latest.read_bytes()
    if how == "truncated":
        target.write_bytes(data[: len(data) // 2])
    elif how == "tampered":
        middle = len(data) // 2  # inside the weights
        target.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
    else:
        target.write_bytes(data)
    return target


RUN_ROWS = [
    # (argv builder, exit status, fragments)
    ("truncated", lambda run, f: ["play", "cartpole", "--checkpoint", str(f)], 1, ["checkpoint"]),
    ("tampered", lambda run, f: ["play", "cartpole", "--checkpoint", str(f)], 1, ["checkpoint"]),
    ("other env", lambda run, f: ["play", "go1", "--run", str(run.path)], 2,
     ["was trained on env 'cartpole', not 'go1'"]),
    ("other env, bare file", lambda run, f: ["play", "go1", "--checkpoint", str(f)], 1, ["cartpole"]),
    ("resume another env's run", lambda run, f: ["train", "go1", "--resume", str(run.path)], 2,
     ["trained env 'cartpole', not 'go1'"]),
    ("resume on another backend", lambda run, f: ["train", "cartpole", "--resume", str(run.path), "--backend",
                                                   "jax" if run.backend == "torch" else "torch"], 2,
     ["a run resumes on the backend that made it"]),
    ("resume with other num_envs", lambda run, f: ["train", "cartpole", "--resume", str(run.path), "--num-envs", "3"], 2,
     ["--num-envs cannot change when resuming"]),
]


@pytest.mark.parametrize(("damage", "argv", "code", "fragments"), RUN_ROWS, ids=[r[0] for r in RUN_ROWS])
def test_bad_input_about_runs_and_checkpoints(trained: TrainedRun, tmp_path, damage, argv, code, fragments):
    checkpoint = _damaged_copy(trained, tmp_path, damage.split(",")[0] if damage in ("truncated", "tampered") else "copy")
    before = snapshot(trained.runs_dir)
    result = run_motrix(*argv(trained, checkpoint), "--runs-dir", str(trained.runs_dir))
    assert_one_line(result, code, *fragments)
    assert snapshot(trained.runs_dir) == before, "the existing run is untouched"
