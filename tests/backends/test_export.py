"""``motrix export``: a trained policy as one ONNX graph that ONNX Runtime runs exactly as the
backend does, a sidecar that describes it, and ``motrix play --policy`` to check the file.

Real trainings (the shared cartpole runs, short go1 runs), real ONNX graphs, real ONNX Runtime.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import motrix  # noqa: E402
from motrix.errors import MotrixError  # noqa: E402
from motrix.export.exporter import TOLERANCE, check_parity  # noqa: E402
from motrix.export.graph import build_graph  # noqa: E402
from motrix.export.runtime import max_difference  # noqa: E402
from motrix.registry import get_backend, get_registry  # noqa: E402
from tests.backends.conftest import BACKENDS, backend_installed  # noqa: E402
from tests.conftest import run_motrix  # noqa: E402


def _export(*args: str):
    result = run_motrix("export", *args)
    assert result.returncode == 0, result.stderr
    model = Path(result.stdout.strip().splitlines()[-1])
    return model, json.loads(model.with_suffix(".json").read_text())


def _ort_actions(model: Path, obs: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    return session.run(["actions"], {"obs": obs.astype(np.float32)})[0]


def _backend_policy(backend: str, checkpoint: Path, env_name: str, env):
    return get_backend(backend).load_trainer_class()().load_policy(checkpoint, env_name, env)


@pytest.fixture(scope="module", params=BACKENDS)
def go1_run(request, tmp_path_factory) -> Path:
    """A few iterations of go1: a policy whose networks are go1-sized (the numbers need not walk)."""
    if not backend_installed(request.param):
        pytest.skip(f"backend {request.param} is not installed")
    runs = tmp_path_factory.mktemp(f"go1-{request.param}")
    result = run_motrix("train", "go1", "--backend", request.param, "--num-envs", "64", "--steps", "3072",
                        "--seed", "1", "--runs-dir", str(runs), "--quiet")
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def test_an_exported_cartpole_policy_acts_as_the_checkpoint_does(trained):
    model, sidecar = _export("cartpole", "--run", str(trained.path))
    graph = onnx.load(str(model))
    assert [i.name for i in graph.graph.input] == ["obs"] and [o.name for o in graph.graph.output] == ["actions"]
    assert graph.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"  # any batch size
    env = motrix.make("cartpole", num_envs=1)
    checkpoint = trained.path / "checkpoints" / trained.index["latest"]["file"]
    policy = _backend_policy(trained.backend, checkpoint, "cartpole", env)
    obs = np.random.default_rng(3).standard_normal((300, 4)).astype(np.float32) * 2
    want = np.clip(policy(obs), -1.0, 1.0)
    assert np.max(np.abs(_ort_actions(model, obs) - want)) <= TOLERANCE
    assert sidecar["parity"]["max_abs_difference"] <= TOLERANCE
    assert sidecar["checkpoint"]["backend"] == trained.backend
    assert model.parent == trained.path / "export"


def test_an_exported_go1_policy_acts_as_the_checkpoint_does_and_says_what_its_numbers_mean(go1_run):
    out = go1_run / "deploy" / "go1.onnx"
    model, sidecar = _export("go1", "--run", str(go1_run), "--out", str(out))
    assert model == out
    env = motrix.make("go1", num_envs=1)
    checkpoint = Path(sidecar["checkpoint"]["file"])
    policy = _backend_policy(sidecar["checkpoint"]["backend"], checkpoint, "go1", env)
    obs = np.random.default_rng(4).standard_normal((256, 48)).astype(np.float32)
    assert np.max(np.abs(_ort_actions(model, obs) - np.clip(policy(obs), -1, 1))) <= TOLERANCE
    layout = {piece["name"]: piece["size"] for piece in sidecar["observation"]["layout"]}
    assert layout["command"] == 3 and layout["joint_pos"] == 12 and sum(layout.values()) == 48
    action = sidecar["action"]
    assert len(action["joint_order"]) == len(action["standing_pose"]) == 12
    assert action["action_scale"] > 0 and action["servo_kp"] > 0
    assert sidecar["control_period_s"] == pytest.approx(0.02)
    import hashlib

    assert sidecar["checkpoint"]["sha256"] == hashlib.sha256(checkpoint.read_bytes()).hexdigest()
    assert sidecar["versions"]["motrix-core"]


def test_the_parity_check_refuses_a_graph_that_does_not_compute_the_policy(trained):
    env = motrix.make("cartpole", num_envs=1)
    checkpoint = trained.path / "checkpoints" / trained.index["latest"]["file"]
    policy = _backend_policy(trained.backend, checkpoint, "cartpole", env)
    arrays = policy.arrays()
    obs = np.random.default_rng(5).standard_normal((200, 4)).astype(np.float32)

    def reference(x):
        return np.clip(policy(x), -1, 1)

    good = build_graph(arrays, env.action_space.low, env.action_space.high)
    check_parity(max_difference(good.SerializeToString(), reference, obs), trained.backend)  # passes

    tampered = build_graph(arrays, env.action_space.low, env.action_space.high)
    bias = next(t for t in tampered.graph.initializer if t.name == "head_bias")
    values = onnx.numpy_helper.to_array(bias).copy() + 1e-3
    bias.CopyFrom(onnx.numpy_helper.from_array(values, name="head_bias"))
    with pytest.raises(MotrixError, match=r"parity check failed: .* differ by up to .*nothing was written"):
        check_parity(max_difference(tampered.SerializeToString(), reference, obs), trained.backend)


def _returns(out: str) -> list[float]:
    return [float(x) for x in re.findall(r"episode\s+\d+: return\s+(-?[\d.]+)", out)]


def test_play_policy_returns_what_play_run_returns(trained):
    _same_returns("cartpole", trained.path)


def test_play_policy_returns_what_play_run_returns_on_go1(go1_run):
    _same_returns("go1", go1_run)


def _same_returns(which: str, run: Path) -> None:
    model, _ = _export(which, "--run", str(run))
    by_run = run_motrix("play", which, "--run", str(run), "--episodes", "6", "--seed", "3")
    by_file = run_motrix("play", which, "--policy", str(model), "--episodes", "6", "--seed", "3")
    assert by_run.returncode == 0 and by_file.returncode == 0, by_run.stderr + by_file.stderr
    assert len(_returns(by_run.stdout)) == 6
    assert _returns(by_file.stdout) == pytest.approx(_returns(by_run.stdout), rel=1e-4, abs=1e-2)
    assert "policy:" in by_file.stdout


def test_every_installed_env_describes_an_observation_layout_that_adds_up():
    registry = get_registry()
    assert registry.envs
    for (name, _), provided in registry.envs.items():
        env = motrix.make(name, num_envs=1)
        layout = env.observation_layout()
        assert sum(piece.size for piece in layout) == int(np.prod(env.observation_space.shape)), name
        assert all(piece.name and piece.size > 0 for piece in layout), name
        json.dumps(env.action_meaning())  # JSON-able


def _one_line(result, *needles: str) -> str:
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_bad_exports_are_one_clear_line_and_write_nothing(trained, tmp_path):
    empty = tmp_path / "cartpole" / trained.path.name
    shutil.copytree(trained.path, empty, ignore=shutil.ignore_patterns("checkpoints", "export"))
    _one_line(run_motrix("export", "cartpole", "--run", str(empty)), "no checkpoint")
    checkpoint = trained.path / "checkpoints" / trained.index["latest"]["file"]
    _one_line(run_motrix("export", "go1", "--checkpoint", str(checkpoint)), "trained on env 'cartpole'")
    _one_line(run_motrix("export", "cartpole", "--run", str(trained.path), "--out", "/dev/null/policy.onnx"),
              "cannot write")
    _one_line(run_motrix("export", "cartpole", "--run", str(trained.path), "--out", str(tmp_path / "p.txt")),
              ".onnx")
    assert not list(tmp_path.glob("*.onnx")) and not list(empty.rglob("*.onnx"))


def test_an_onnx_file_for_another_env_is_one_clear_line(trained, tmp_path):
    model, _ = _export("cartpole", "--run", str(trained.path))
    _one_line(run_motrix("play", "go1", "--policy", str(model)), "exported for env 'cartpole'")
    bare = tmp_path / "bare.onnx"  # without its sidecar: the graph's input size is the check
    shutil.copy(model, bare)
    _one_line(run_motrix("play", "go1", "--policy", str(bare)), "size 4", "gives 48")
    _one_line(run_motrix("play", "cartpole", "--policy", str(tmp_path / "missing.onnx")), "does not exist")


def test_without_the_export_extra_the_error_says_how_to_install_it(trained, tmp_path):
    shim = tmp_path / "shim"
    (shim / "onnx").mkdir(parents=True)
    (shim / "onnx" / "__init__.py").write_text("raise ImportError('onnx is not installed')\n")
    line = _one_line(run_motrix("export", "cartpole", "--run", str(trained.path), paths=(shim,)),
                     "pip install 'motrix-core[export]'")
    assert line.startswith("motrix: error:")
