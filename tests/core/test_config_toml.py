"""The TOML writer and the ``[rl]``/``[env]`` config file: what is written reads back equal."""

from __future__ import annotations

import dataclasses
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from motrix.config import PPOCfg
from motrix.config import toml as mtoml
from motrix.config.file import ConfigFile, coerce, render
from motrix.config.nested import apply
from motrix.env.cfg import EnvCfg
from motrix.errors import PluginError, UsageError
from motrix.registry import get_registry

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


@dataclass
class Odd(EnvCfg):
    """A config with every kind of field the writer must carry."""

    limit: float | None = None
    """Optional float."""
    label: str = 'a "quoted" \\ back\tslash\nnew line \x7f del \x01 ctl é ∞'
    """Every character a TOML string must escape, and some it must not."""
    pair: tuple[float, float] = (1e-300, 1e16)
    """Fixed-length tuple, extreme floats."""
    sizes: tuple[int, ...] = ()
    """Empty tuple."""
    names: tuple[str, ...] = ("x", "y z")
    """Strings in a list."""
    big: int = 2**62
    """Large int."""
    flag: bool = False
    """Bool."""
    weird: float = float("inf")
    """Non-finite float."""
    grid: tuple[tuple[int, int], ...] = ((1, 2), (3, 4))
    """Nested tuples."""
    gains: dict[str, float] = dataclasses.field(default_factory=lambda: {"hip": 1.5, "knee joint": 2})
    """A table (keys that need quoting too)."""


def write_and_read(tmp_path: Path, rl, env) -> tuple[object, object]:
    path = tmp_path / "config.toml"
    path.write_text(render(rl, env, ["a header", ""]))
    file = ConfigFile.read(path)
    # env values may name fields of nested groups by dotted keys (randomization.push.velocity)
    return type(rl)(**file.rl_values(type(rl))), apply(type(env)(), file.env_values(type(env)))


#: Our distributions: their configs must all load (a plugin still being written may not yet).
OURS = ("motrix-envs-basic", "motrix-envs-locomotion")


def _loadable(provided):
    try:
        return provided.spec.load_cfg_class()
    except PluginError:
        assert provided.plugin.distribution not in OURS, provided.spec
        return None


def test_every_installed_config_round_trips_exactly(tmp_path):
    registry = get_registry()
    checked = set()
    for provided in registry.rl_configs.values():
        if cls := _loadable(provided):
            assert write_and_read(tmp_path, cls(), EnvCfg())[0] == cls(), provided.spec
            checked.add(("rl", provided.spec.env))
    for provided in registry.envs.values():
        if cls := _loadable(provided):
            assert write_and_read(tmp_path, PPOCfg(), cls())[1] == cls(), provided.spec
            checked.add(("env", provided.spec.name))
    assert {("rl", "go1"), ("env", "go1-stairs"), ("rl", "cartpole"), ("env", "walker-run")} <= checked


@pytest.mark.parametrize("weird", [float("inf"), float("-inf"), 0.1 + 0.2, -0.0, 5e-324, 1.0])
def test_edge_values_round_trip(tmp_path, weird):
    env = Odd(weird=weird, limit=2.5)
    rl = PPOCfg(target_return=None, learning_rate=1e-7)
    rl2, env2 = write_and_read(tmp_path, rl, env)
    assert (rl2, env2) == (rl, env)
    assert math.copysign(1, env2.weird) == math.copysign(1, weird)
    assert rl2.target_return is None and type(env2.pair) is tuple and type(env2.sizes) is tuple
    assert type(env2.grid[0]) is tuple and env2.gains == {"hip": 1.5, "knee joint": 2.0}


def test_nan_round_trips_as_nan(tmp_path):
    _, env = write_and_read(tmp_path, PPOCfg(), Odd(weird=float("nan")))
    assert math.isnan(env.weird)


def test_written_text_is_plain_toml_any_reader_accepts():
    text = mtoml.dumps({"t": {"a": None, "b": [1, 2], "c": "x", "d": float("-inf"), "e": True}}, ["one", "two"])
    assert text.splitlines()[:3] == ["# one", "# two", ""]
    assert tomllib.loads(text) == {"t": {"a": "none", "b": [1, 2], "c": "x", "d": float("-inf"), "e": True}}


@pytest.mark.parametrize("value", [{"a": None}, {1: 2}, [None], [1, None], object(), Path("x")])
def test_values_toml_cannot_hold_are_refused_or_left_out_as_a_comment(value):
    with pytest.raises(TypeError, match=r"^\[rl\] k: cannot write"):
        mtoml.dumps({"rl": {"k": value}})
    skipped: list[str] = []
    text = mtoml.dumps({"rl": {"a": 1, "k": value, "b": 2}}, skipped=skipped)
    assert skipped == ["rl.k"]
    assert tomllib.loads(text) == {"rl": {"a": 1, "b": 2}}
    assert text.splitlines()[2].startswith("# k: not written, cannot write")


@pytest.mark.parametrize(
    ("value", "tp", "expected"),
    [(3, float, 3.0), (1e6, int, 1_000_000), ([1, 2], tuple[int, ...], (1, 2)), ("none", float | None, None),
     ("NULL", float | None, None), (2, float | None, 2.0), ([1, 2.5], tuple[float, float], (1.0, 2.5)),
     ({"a": 1}, dict[str, float], {"a": 1.0})],
)
def test_coerce_accepts_what_fits(value, tp, expected):
    result = coerce(value, tp)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(
    ("value", "tp"),
    [(True, int), (1.5, int), ("3", int), (True, float), (1, bool), ("true", bool), (3, str),
     ([1, 2, 3], tuple[float, float]), (1, tuple[int, ...]), (["a"], tuple[int, ...]), ("nope", float | None),
     ([1], dict[str, int]), ({"a": "b"}, dict[str, int])],
)
def test_coerce_refuses_what_does_not(value, tp):
    with pytest.raises(ValueError):
        coerce(value, tp)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[rl]\nrollouts = \n", "invalid TOML: Invalid value (at line 2, column 12)"),
        ("[rl]\nrollout = 8\n", "[rl] unknown key 'rollout' for PPOCfg; did you mean rollouts?"),
        ('[rl]\nrollouts = "8"\n', '[rl] rollouts = "8": expected int'),
        ("[rl]\ntarget_return = true\n", '[rl] target_return = true: expected float or "none"'),
        ("[env]\nsim_dt = [0.01]\n", "[env] sim_dt = [0.01]: expected float"),
        ("[env]\nsim_dt = {a = 1}\n", "[env] sim_dt = a table: expected float"),
        ("[envs]\nsim_dt = 0.01\n", "unknown table [envs]; did you mean [env]?"),
        ("[trainer]\n", "unknown table [trainer] (tables: [rl] for the RL config (as --set), [env]"),
        ("seed = 3\n", "key 'seed' is outside a table; put it under [rl] or [env]"),
    ],
)
def test_a_bad_file_is_one_usage_error_naming_the_file(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(UsageError) as err:
        file = ConfigFile.read(path)
        file.rl_values(PPOCfg)
        file.env_values(EnvCfg)
    assert str(err.value).startswith(f"{path}: {message}"), str(err.value)
    assert "\n" not in str(err.value)


def test_a_missing_or_undecodable_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match=r"config file .*nope.toml does not exist"):
        ConfigFile.read(tmp_path / "nope.toml")
    (tmp_path / "latin.toml").write_bytes(b"[rl]\nactivation = \"\xe9lu\"\n")
    with pytest.raises(UsageError, match="invalid TOML: not UTF-8 text"):
        ConfigFile.read(tmp_path / "latin.toml")


def test_a_partial_file_changes_only_what_it_names(tmp_path):
    path = tmp_path / "partial.toml"
    path.write_text("[rl]\nrollouts = 4\npolicy_hidden_layer_sizes = [8]\n")
    file = ConfigFile.read(path)
    assert file.rl_values(PPOCfg) == {"rollouts": 4, "policy_hidden_layer_sizes": (8,)}
    assert file.env_values(EnvCfg) == {}
    assert dataclasses.replace(PPOCfg(), **file.rl_values(PPOCfg)).value_hidden_layer_sizes == (64, 64)
