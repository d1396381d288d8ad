"""``motrix config``, ``motrix train --config FILE.toml`` and a run's ``config.toml``, through the real CLI."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from .test_cli import one_line_error

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: A small cartpole run: 16 envs, a few updates (about 5 s of torch on 2 cores).
SMALL = ("--num-envs", "16", "--steps", "4096", "--set", "rollouts=16", "--set", "learning_epochs=2",
         "--set", "mini_batches=4", "--set", "check_point_interval=4")

#: A fake plugin: one env (named by an alias in its RL config), a config with GPU sizes, a
#: backend-specific config, a backend whose probe sees a GPU and one without a probe.
SIZED_PLUGIN = '''
from dataclasses import dataclass
from typing import Any, ClassVar
from motrix.plugin import hookimpl, EnvSpec, RLConfigSpec, BackendSpec
from motrix.config import PPOCfg

@dataclass
class SizedPPO(PPOCfg):
    gpu_defaults: ClassVar[dict[str, Any]] = {"num_envs": 512, "mini_batches": 8}

@dataclass
class CpuToyPPO(PPOCfg):
    rollouts: int = 12

def has_gpu():
    return True

@hookimpl
def motrix_envs():
    yield EnvSpec(name="sized-task", cfg="motrix.env.cfg:EnvCfg", env="fake_sized:NoEnv", aliases=("sized",))

@hookimpl
def motrix_rl_configs():
    yield RLConfigSpec(env="sized", cfg=SizedPPO)
    yield RLConfigSpec(env="sized-task", cfg=CpuToyPPO, backend="toy-cpu")

@hookimpl
def motrix_backends():
    yield BackendSpec(name="toy-gpu", trainer="fake_sized:NoTrainer", requires=("json",),
                      device_probe="fake_sized:has_gpu")
    yield BackendSpec(name="toy-cpu", trainer="fake_sized:NoTrainer", requires=("json",))
'''


def config_json(motrix_cli, *args, **kw) -> dict:
    result = motrix_cli("config", *args, "--json", **kw)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def run_path(result) -> Path:
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def tables(path_or_text) -> dict:
    text = path_or_text.read_text() if isinstance(path_or_text, Path) else path_or_text
    return tomllib.loads(text)


# -- motrix config --------------------------------------------------------------------------


def test_config_prints_toml_that_is_train_s_config(motrix_cli, tmp_path):
    args = ("cartpole", "--backend", "torch", "--seed", "5", *SMALL, "--env-set", "max_pole_angle=0.25")
    printed = motrix_cli("config", *args)
    assert printed.returncode == 0, printed.stderr
    header = [line for line in printed.stdout.splitlines() if line.startswith("#")]
    assert header[0].startswith("# What `motrix train cartpole --backend torch --num-envs 16 --seed 5 --steps 4096")
    assert "# backend: torch (--backend torch)" in header
    assert any(line.startswith("# RL config: motrix_envs_basic.cartpole.rl_cfg:CartPolePPO from motrix-envs-basic")
               and line.endswith("the universal one (no torch-specific config)") for line in header)
    shown = tables(printed.stdout)
    assert set(shown) == {"rl", "env"}
    assert (shown["rl"]["seed"], shown["rl"]["num_envs"], shown["env"]["max_pole_angle"]) == (5, 16, 0.25)

    run = run_path(motrix_cli("train", *args, "--runs-dir", str(tmp_path / "runs"), "--quiet"))
    metadata = json.loads((run / "metadata.json").read_text())
    as_json = config_json(motrix_cli, *args)
    assert as_json["rl_cfg"] == metadata["rl_cfg"]
    assert as_json["env_cfg"] == metadata["env_cfg"]
    assert as_json["defaults_sized_for"] == metadata["defaults_sized_for"]
    assert tables(run / "config.toml") == shown  # the run's file holds what config printed


def test_config_by_alias_resolves_the_canonical_env(motrix_cli):
    info = config_json(motrix_cli, "dm-walker", "--backend", "torch")
    assert info["env"] == "walker-walk"
    assert info["rl_cfg_class"] == "motrix_envs_basic.walker.rl_cfg:WalkerWalkPPO"


def test_config_shows_the_resolution_step_and_gpu_sizing(motrix_cli, fake_dist):
    sized = fake_dist("sized-plugin", "fake_sized", SIZED_PLUGIN)
    paths = (sized.root,)

    auto = config_json(motrix_cli, "sized-task", paths=paths)
    assert (auto["backend"], auto["backend_choice"]) == ("toy-gpu", "chosen by device: toy-gpu sees a GPU")
    assert (auto["rl_cfg_class"], auto["rl_config_scope"]) == ("fake_sized:SizedPPO", "universal")
    assert (auto["defaults_sized_for"], auto["rl_cfg"]["num_envs"], auto["rl_cfg"]["mini_batches"]) == ("gpu", 512, 8)

    mine = config_json(motrix_cli, "sized", "--num-envs", "128", paths=paths)
    assert (mine["rl_cfg"]["num_envs"], mine["rl_cfg"]["mini_batches"]) == (128, 8)  # --num-envs wins

    cpu = config_json(motrix_cli, "sized", "--backend", "toy-cpu", paths=paths)
    assert (cpu["rl_cfg_class"], cpu["rl_config_scope"], cpu["rl_cfg"]["rollouts"]) == (
        "fake_sized:CpuToyPPO", "backend-specific", 12)
    assert (cpu["defaults_sized_for"], cpu["device_probed"]) == ("cpu", False)

    text = motrix_cli("config", "sized", "--backend", "toy-gpu", paths=paths).stdout
    assert "# GPU-sized defaults: applied, the backend sees a GPU (num_envs=512, mini_batches=8)" in text
    text = motrix_cli("config", "sized", "--backend", "toy-cpu", paths=paths).stdout
    assert "the one for backend toy-cpu" in text


HEAVY_PROBE = """
import contextlib, io, json, sys
from motrix.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main({argv!r})
print(json.dumps([code, sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'jax', 'jaxlib', 'flax', 'skrl'))]))
"""


@pytest.mark.parametrize("backend", ["torch", "jax"])
def test_config_with_a_named_backend_imports_no_framework_when_no_probe_is_needed(backend):
    # cartpole's config has no GPU-sized values, so nothing needs the framework's device probe.
    code = HEAVY_PROBE.format(argv=["config", "cartpole", "--backend", backend])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [0, []]


def test_a_config_file_is_under_the_options(motrix_cli, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text("[rl]\nnum_envs = 32\nrollouts = 4\nseed = 9\n\n[env]\nmax_pole_angle = 0.3\n")
    info = config_json(motrix_cli, "cartpole", "--backend", "torch", "--config", str(path), "--num-envs", "16",
                       "--set", "rollouts=8", "--env-set", "reset_noise_scale=0.01")
    rl, env = info["rl_cfg"], info["env_cfg"]
    assert (rl["num_envs"], rl["rollouts"], rl["seed"]) == (16, 8, 9)
    assert (env["max_pole_angle"], env["reset_noise_scale"]) == (0.3, 0.01)
    default = config_json(motrix_cli, "cartpole", "--backend", "torch")
    assert rl["learning_rate"] == default["rl_cfg"]["learning_rate"]  # what the file leaves out stays default
    assert f"--config {path}" in info["command"]


# -- bad files: one line, exit 2, nothing written ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[rl]\nrollouts = 8\nseed = = 3\n", "invalid TOML: Invalid value (at line 3, column 8)"),
        ("[rl]\nrolouts = 8\n", "[rl] unknown key 'rolouts' for CartPolePPO; did you mean rollouts?"),
        ("[env]\nmax_pole_angel = 0.3\n", "[env] unknown key 'max_pole_angel' for CartPoleCfg; did you mean max_pole_angle"),
        ('[rl]\nnum_envs = "many"\n', '[rl] num_envs = "many": expected int'),
        ("[env]\nmax_pole_angle = true\n", "[env] max_pole_angle = true: expected float"),
        ("[trainer]\nepochs = 3\n", "unknown table [trainer] (tables: [rl] for the RL config"),
    ],
)
@pytest.mark.parametrize("command", ["train", "config"])
def test_a_bad_config_file_is_one_line_exit_2_and_nothing_written(motrix_cli, tmp_path, text, message, command):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    runs = tmp_path / "runs"
    args = ("--runs-dir", str(runs)) if command == "train" else ()
    result = motrix_cli(command, "cartpole", "--backend", "torch", "--config", str(path), *args)
    assert result.returncode == 2
    assert one_line_error(result).startswith(f"motrix: error: {path}: {message}"), result.stderr
    assert result.stdout == ""
    assert not runs.exists()


def test_a_missing_file_a_bad_value_and_config_with_resume_are_usage_errors(motrix_cli, tmp_path):
    runs = tmp_path / "runs"
    missing = motrix_cli("train", "cartpole", "--config", str(tmp_path / "none.toml"), "--runs-dir", str(runs))
    assert missing.returncode == 2
    assert one_line_error(missing) == f"motrix: error: config file {tmp_path / 'none.toml'} does not exist"
    (tmp_path / "zero.toml").write_text("[rl]\nrollouts = 0\n")
    zero = motrix_cli("train", "cartpole", "--config", str(tmp_path / "zero.toml"), "--runs-dir", str(runs))
    assert zero.returncode == 2
    assert one_line_error(zero) == "motrix: error: rollouts must be > 0, got 0"
    resume = motrix_cli("train", "cartpole", "--resume", "latest", "--config", str(tmp_path / "zero.toml"),
                        "--runs-dir", str(runs))
    assert resume.returncode == 2
    assert one_line_error(resume) == ("motrix: error: --config cannot be used with --resume: "
                                      "a run resumes with its own configs")
    assert not runs.exists()


# -- a run's config.toml reruns it -----------------------------------------------------------


def _curves(run: Path) -> dict:
    from motrix.plot import read_curves

    # Timings differ from run to run; everything learned or measured in the env must not.
    return {tag: c for tag, c in read_curves(run).curves.items() if not tag.startswith("Stats /")}


@pytest.mark.slow
def test_rerunning_a_runs_config_toml_gives_the_same_curve(motrix_cli, tmp_path):
    first = run_path(motrix_cli("train", "cartpole", "--backend", "torch", "--seed", "7", *SMALL,
                                "--set", "learning_rate=0.001", "--env-set", "reset_noise_scale=0.1",
                                "--runs-dir", str(tmp_path / "a"), "--quiet"))
    config = first / "config.toml"
    rerun_line = next(line for line in config.read_text().splitlines() if line.startswith("# Rerun it: "))
    rerun = shlex.split(rerun_line.removeprefix("# Rerun it: "))
    assert rerun[:2] == ["motrix", "train"] and rerun[-2:] == ["--config", str(config)]
    second = run_path(motrix_cli(*rerun[1:], "--runs-dir", str(tmp_path / "b"), "--quiet"))

    assert second.parent == tmp_path / "b" / "cartpole"
    assert tables(second / "config.toml") == tables(config)
    meta = [json.loads((run / "metadata.json").read_text()) for run in (first, second)]
    assert meta[0]["rl_cfg"] == meta[1]["rl_cfg"] and meta[0]["env_cfg"] == meta[1]["env_cfg"]
    assert meta[1]["rl_cfg"]["learning_rate"] == 0.001 and meta[1]["env_cfg"]["reset_noise_scale"] == 0.1
    curves = _curves(first)
    assert "Episode / Return (mean)" in curves and len(curves["Loss / Value loss"][0]) >= 8
    assert _curves(second) == curves

    # The comparison can tell runs apart: another seed, another curve.
    other = run_path(motrix_cli("train", "cartpole", "--backend", "torch", "--config", str(config), "--seed", "8",
                                "--runs-dir", str(tmp_path / "c"), "--quiet"))
    assert _curves(other) != curves
