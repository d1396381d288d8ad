"""What every skrl backend must do, checked through the real ``motrix`` command.

Parametrized by backend (see ``conftest.BACKENDS``): a short seeded cartpole run, its run
directory (metadata, TensorBoard events, checkpoints), play, save → load, resume, SIGINT,
and damaged checkpoints.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.backends.conftest import BACKENDS, TRAIN_STEPS, backend_installed
from tests.conftest import run_motrix

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def random_return() -> float:
    """Mean return of uniform random actions on cartpole (about 55)."""
    import motrix

    env = motrix.make("cartpole", num_envs=16, seed=0)
    env.init_state()
    rng = np.random.default_rng(0)
    ret, done_returns = np.zeros(16), []
    while len(done_returns) < 64:
        state = env.step(rng.uniform(-1, 1, (16, 1)).astype(np.float32))
        ret += state.reward
        done = state.terminated | state.truncated
        done_returns += ret[done].tolist()
        ret[done] = 0.0
    return float(np.mean(done_returns))


def _trainer(backend: str):
    from motrix.registry import get_backend

    return get_backend(backend).load_trainer_class()()


def _play(run_path: Path | None, *args: str, runs_dir: Path | None = None) -> tuple[list[float], object]:
    source = ("--run", str(run_path)) if run_path is not None else ()
    where = ("--runs-dir", str(runs_dir)) if runs_dir else ()
    result = run_motrix("play", "cartpole", *source, *args, *where)
    returns = [float(m) for m in re.findall(r"^episode\s+\d+: return\s+(\S+)", result.stdout, re.M)]
    return returns, result


def test_training_clearly_beats_the_random_policy(trained, random_return):
    meta = trained.metadata
    assert meta["status"] == "completed"
    assert meta["env_steps"] >= TRAIN_STEPS
    assert meta["final_mean_return"] >= max(3 * random_return, random_return + 100), meta
    assert "env-steps" in trained.cli.stderr and "steps/s" in trained.cli.stderr  # progress lines
    assert re.search(r"device (cpu|cuda)", trained.cli.stderr)  # device reported at start


def test_metadata_records_versions_configs_and_device(trained):
    meta = trained.metadata
    assert meta["env"] == "cartpole" and meta["backend"] == trained.backend and meta["framework"] == "skrl"
    assert meta["seed"] == 0 and meta["rl_cfg"]["seed"] == 0
    assert meta["rl_cfg"]["max_env_steps"] == TRAIN_STEPS
    for key in ("num_envs", "rollouts", "learning_rate", "learning_rate_max", "policy_hidden_layer_sizes"):
        assert key in meta["rl_cfg"]
    assert meta["env_cfg"]["max_episode_seconds"] > 0
    versions = meta["versions"]
    dists = ("motrix-core", f"motrix-backend-{trained.backend}", "motrix-envs-basic", "skrl", "motrixsim")
    for dist in dists:
        assert versions.get(dist), (dist, versions)
    assert meta["device"].startswith(("cpu", "cuda"))
    from motrix.registry import backend_has_gpu, get_backend

    assert meta["defaults_sized_for"] == ("gpu" if backend_has_gpu(get_backend(trained.backend)) else "cpu")
    assert meta["last_checkpoint"] and Path(meta["last_checkpoint"]).is_file()


def test_metadata_says_where_the_wall_time_went(trained):
    split = trained.metadata["extra"]["time_split"]
    assert set(split) == {"env", "act", "record", "update", "other", "wall"}
    assert all(split[k] > 0 for k in ("env", "act", "record", "update")), split
    phases = sum(split[k] for k in ("env", "act", "record", "update", "other"))
    assert phases == pytest.approx(split["wall"], abs=0.01)
    assert split["wall"] <= trained.metadata["wall_seconds"] + 0.01
    assert re.search(r"wall time: env \d+% · act \d+% · record \d+% · update \d+% · other \d+%",
                     trained.cli.stderr)


def test_checkpoints_have_an_index_naming_latest_and_best(trained):
    index = trained.index
    files = sorted(p.name for p in (trained.path / "checkpoints").iterdir() if p.name != "index.json")
    assert files and all(re.fullmatch(r"step_\d{12}\.\w+", f) for f in files), files
    assert not any(f.endswith(".tmp") or f.startswith(".") for f in files)
    assert index["latest"]["env_steps"] == trained.metadata["env_steps"]
    assert (trained.path / "checkpoints" / index["latest"]["file"]).is_file()
    returns = [e["mean_return"] for e in index["all"] if e["mean_return"] is not None]
    assert index["best"]["mean_return"] == max(returns)


def test_tensorboard_has_skrl_curves_and_per_term_rewards(trained):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(trained.path))
    events.Reload()
    tags = set(events.Tags()["scalars"])
    skrl_own = {"Loss / Policy loss", "Loss / Value loss", "Reward / Total reward (mean)",
                "Learning / Learning rate"}
    ours = {"Reward / Instant / alive", "Reward / Episode / alive", "Episode / Return (mean)",
            "Episode / Length (mean)"}
    assert skrl_own <= tags, skrl_own - tags
    assert ours <= tags, ours - tags
    rl_cfg = trained.metadata["rl_cfg"]
    steps = [e.step for e in events.Scalars("Loss / Policy loss")]
    assert steps == sorted(steps) and steps[-1] <= trained.metadata["env_steps"]
    assert all(s % (rl_cfg["num_envs"] * rl_cfg["rollouts"]) == 0 for s in steps)  # x-axis: env-steps
    # cartpole's only reward term is +1 per step: its episode total is the episode return
    ret = {e.step: e.value for e in events.Scalars("Episode / Return (mean)")}
    alive = {e.step: e.value for e in events.Scalars("Reward / Episode / alive")}
    assert ret.keys() == alive.keys() and all(abs(ret[s] - alive[s]) < 1e-3 for s in ret)
    assert all(abs(e.value - 1.0) < 1e-6 for e in events.Scalars("Reward / Instant / alive"))
    values = list(ret.values())
    assert statistics.fmean(values[-3:]) > 2 * statistics.fmean(values[:3])


def test_play_from_latest_prints_each_return_and_the_mean(trained, random_return):
    returns, result = _play(None, "--run", "latest", "--episodes", "4", runs_dir=trained.runs_dir)
    assert result.returncode == 0, result.stderr
    assert len(returns) == 4
    mean = float(re.search(r"mean return over 4 episodes: (\S+)", result.stdout).group(1))
    assert mean == pytest.approx(statistics.fmean(returns), abs=0.01)
    assert mean >= 3 * random_return
    again, _ = _play(trained.path, "--episodes", "4")
    assert again == returns  # deterministic actions, seeded resets


def test_save_then_load_gives_identical_actions(trained):
    import motrix

    env = motrix.make("cartpole", num_envs=4, seed=0)
    latest = trained.path / "checkpoints" / trained.index["latest"]["file"]
    policy = _trainer(trained.backend).load_policy(latest, "cartpole", env)
    obs, live_actions = policy.recorded_probe  # what the training agent itself output at save time
    np.testing.assert_allclose(policy(obs), live_actions, rtol=0, atol=1e-6)
    other = _trainer(trained.backend).load_policy(latest, "cartpole", env)
    x = np.random.default_rng(7).standard_normal((32, 4)).astype(np.float32)
    assert np.array_equal(policy(x), other(x))


def test_resume_continues_the_step_count_and_the_curves(trained, tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run = tmp_path / "cartpole" / trained.path.name
    shutil.copytree(trained.path, run)
    before = json.loads((run / "metadata.json").read_text())
    total = before["env_steps"] + 40_000
    resumed = run_motrix("train", "cartpole", "--resume", str(run), "--steps", str(total),
                         "--runs-dir", str(tmp_path))
    assert resumed.returncode == 0, resumed.stderr
    assert f"at {before['env_steps']:,} env-steps" in resumed.stderr
    meta = json.loads((run / "metadata.json").read_text())
    index = json.loads((run / "checkpoints" / "index.json").read_text())
    assert meta["status"] == "completed" and meta["resumed_from"]
    assert before["env_steps"] < meta["env_steps"] == index["latest"]["env_steps"]
    assert meta["env_steps"] >= total
    events = EventAccumulator(str(run))
    events.Reload()
    steps = [e.step for e in events.Scalars("Loss / Policy loss")]
    after = [s for s in steps if s > before["env_steps"]]
    assert after and max(after) <= meta["env_steps"]
    # the resumed policy carries on from the trained one instead of starting over
    assert meta["final_mean_return"] >= 0.5 * before["final_mean_return"]


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_a_signal_writes_a_final_checkpoint_and_marks_the_run_interrupted(tmp_path, signum, code):
    backend = next((b for b in BACKENDS if backend_installed(b)), None)
    if backend is None:
        pytest.skip("no backend installed")
    proc = subprocess.Popen(
        [sys.executable, "-m", "motrix", "train", "cartpole", "--backend", backend, "--seed", "0",
         "--steps", "50000000", "--runs-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob("cartpole/*/checkpoints/index.json")):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.2)
    first = json.loads(next(tmp_path.glob("cartpole/*/checkpoints/index.json")).read_text())["latest"]
    time.sleep(1.0)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    assert "Traceback" not in err and "interrupted" in err and "--resume" in err
    run = next(tmp_path.glob("cartpole/*"))
    meta = json.loads((run / "metadata.json").read_text())
    latest = json.loads((run / "checkpoints" / "index.json").read_text())["latest"]
    assert meta["status"] == "interrupted"
    assert latest["env_steps"] >= first["env_steps"] and latest["env_steps"] == meta["env_steps"]
    returns, result = _play(run, "--episodes", "1")
    assert result.returncode == 0 and len(returns) == 1, result.stderr


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty"])
def test_a_damaged_checkpoint_is_one_clear_error(trained, tmp_path, damage):
    latest = trained.path / "checkpoints" / trained.index["latest"]["file"]
    data = bytearray(latest.read_bytes())
    bad = tmp_path / latest.name
    if damage == "flip":  # inside the tensor data: the archive itself stays readable
        for pos in range(len(data) // 3, len(data) // 3 + 8):
            data[pos] ^= 0xFF
    elif damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data = bytearray()
    bad.write_bytes(bytes(data))
    result = run_motrix("play", "cartpole", "--checkpoint", str(bad), "--episodes", "1")
    assert result.returncode == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert str(bad) in lines[0] and re.search(r"corrupted|unreadable|truncated", lines[0]), lines[0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_kill_9_leaves_the_last_periodic_checkpoint_complete_and_playable(tmp_path, backend):
    if not backend_installed(backend):
        pytest.skip(f"backend {backend} is not installed")
    proc = subprocess.Popen(
        [sys.executable, "-m", "motrix", "train", "cartpole", "--backend", backend, "--seed", "0",
         "--steps", "50000000", "--set", "check_point_interval=10", "--runs-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("cartpole/*/checkpoints/step_*"))) < 3:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.kill()  # SIGKILL: no handler runs, whatever was being written is cut off
    proc.communicate(timeout=60)
    run = next(tmp_path.glob("cartpole/*"))
    latest = json.loads((run / "checkpoints" / "index.json").read_text())["latest"]
    assert (run / "checkpoints" / latest["file"]).is_file()
    returns, result = _play(run, "--episodes", "1")
    assert result.returncode == 0 and len(returns) == 1, result.stderr
    resumed = run_motrix("train", "cartpole", "--resume", str(run), "--steps", str(latest["env_steps"] + 20_000),
                         "--runs-dir", str(tmp_path), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
