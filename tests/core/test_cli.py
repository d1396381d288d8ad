"""The ``motrix`` command through a real subprocess: exit codes and one-line messages."""

from __future__ import annotations

import json

import pytest


def one_line_error(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("train", "cartpol"), 2, "motrix: error: unknown env 'cartpol'; did you mean cartpole? (see `motrix list envs`)"),
        (("play", "cartpool"), 2, "motrix: error: unknown env 'cartpool'; did you mean cartpole?"),
        (("bench", "carpole", "--num-envs", "4"), 2, "motrix: error: unknown env 'carpole'; did you mean cartpole?"),
        (("train", "cartpole", "--backend", "tensorflow"), 2, "motrix: error: unknown backend 'tensorflow' (known: jax, torch)"),
        (("train", "cartpole", "--backend", "troch"), 2, "motrix: error: unknown backend 'troch'; did you mean torch?"),
        (("train", "cartpole", "--set", "rollout=8"), 2, "motrix: error: --set: unknown key 'rollout' for"),
        (("train", "cartpole", "--set", "num_envs=lots"), 2, "motrix: error: --set num_envs='lots': expected int"),
        (("train", "cartpole", "--set", "rollouts"), 2, "motrix: error: --set expects key=value, got 'rollouts'"),
        (("train", "cartpole", "--env-set", "sim_td=0.01"), 2, "motrix: error: --env-set: unknown key 'sim_td'"),
        (("train", "cartpole", "--num-envs", "0"), 2, "motrix: error: num_envs must be > 0, got 0"),
        (("train", "cartpole", "--num-envs", "x"), 2, "motrix: error: argument --num-envs: invalid int value: 'x'"),
        (("frobnicate",), 2, "motrix: error: argument COMMAND: invalid choice: 'frobnicate'"),
    ],
)
def test_bad_input_is_one_line_and_a_usage_exit(motrix_cli, tmp_path, args, code, message):
    result = motrix_cli(*args, "--runs-dir", str(tmp_path / "runs")) if args[0] == "train" else motrix_cli(*args)
    assert result.returncode == code
    assert one_line_error(result).startswith(message)
    assert not (tmp_path / "runs").exists(), "a rejected command must not create a run"


def test_a_backend_that_is_not_installed_gets_an_install_hint(motrix_cli, tmp_path):
    result = motrix_cli("train", "cartpole", "--backend", "jax", "--runs-dir", str(tmp_path),
                        env={"MOTRIX_DISABLE_PLUGINS": "motrix-backend-jax"})
    assert result.returncode == 2
    assert one_line_error(result) == (
        "motrix: error: backend 'jax' is not installed; install it with `pip install motrix-backend-jax`"
    )


def test_no_backend_installed_at_all(motrix_cli, tmp_path):
    result = motrix_cli("train", "cartpole", "--runs-dir", str(tmp_path),
                        env={"MOTRIX_DISABLE_PLUGINS": "motrix-backend-jax,motrix-backend-torch"})
    assert result.returncode == 2
    assert "no training backend is installed" in one_line_error(result)


def test_debug_shows_the_traceback(motrix_cli):
    result = motrix_cli("--debug", "train", "nope")
    assert result.returncode == 2
    assert "Traceback" in result.stderr and "unknown env 'nope'" in result.stderr


def test_list_shows_each_env_with_its_distribution(motrix_cli):
    result = motrix_cli("list", "--json")
    assert result.returncode == 0
    listing = json.loads(result.stdout)
    cartpole = next(e for e in listing["envs"] if e["name"] == "cartpole")
    assert cartpole["plugin"] == "motrix-envs-basic"
    assert {b["name"] for b in listing["backends"]} >= {"torch", "jax"}
    assert any(c["env"] == "cartpole" and c["backend"] == "(all)" for c in listing["configs"])


def test_list_as_a_table(motrix_cli):
    result = motrix_cli("list", "envs")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == "envs:"
    assert any(line.split()[:2] == ["cartpole", "motrix-envs-basic"] for line in result.stdout.splitlines())


def test_no_command_prints_help_and_exits_2(motrix_cli):
    result = motrix_cli()
    assert result.returncode == 2
    assert "usage: motrix" in result.stdout
