"""Env aliases: other names for an env (MotrixLab's), accepted wherever a name is; runs use the canonical one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from motrix.errors import PluginError, UsageError
from motrix.plugin import EnvSpec
from motrix.plugin.manager import MotrixPluginManager, PluginRecord
from motrix.registry import Registry, get_env, get_registry, get_rl_config

from .test_cli import one_line_error

#: The seed's names for our envs (issue 22), and the env each names.
SEED_NAMES = {
    "go1-flat-terrain-walk": "go1",
    "go1-rough-terrain-walk": "go1-rough",
    "go1-stairs-terrain-walk": "go1-stairs",
    "dm-walker": "walker-walk",
    "dm-stander": "walker-stand",
    "dm-runner": "walker-run",
    "dm-cheetah": "cheetah-run",
    "dm-hopper-stand": "hopper-stand",
    "dm-hopper-hop": "hopper-hop",
    "dm-reacher": "reacher",
}

ALIASING_PLUGIN = '''
from motrix.plugin import hookimpl, EnvSpec, RLConfigSpec

@hookimpl
def motrix_envs():
    yield EnvSpec(name="{name}", cfg="motrix.env.cfg:EnvCfg", env="x:Y", aliases={aliases!r})
'''


@pytest.mark.parametrize(("alias", "canonical"), sorted(SEED_NAMES.items()))
def test_each_seed_name_resolves_to_its_env_and_its_rl_config(alias, canonical):
    spec = get_env(alias)
    assert spec.name == canonical
    assert alias in spec.aliases
    assert get_rl_config(alias, "torch") == get_rl_config(canonical, "torch")


def test_an_alias_is_not_an_env_of_its_own():
    registry = get_registry()
    names = {name for name, _ in registry.envs}
    assert not names & set(SEED_NAMES)
    assert registry.canonical_env_name("dm-walker") == "walker-walk"
    assert registry.canonical_env_name("walker-walk") == "walker-walk"
    assert registry.canonical_env_name("no-such-env") == "no-such-env"


def test_aliases_given_as_one_string_are_one_alias_and_bad_ones_are_refused():
    assert EnvSpec(name="a", cfg="x:Y", env="x:Z", aliases="b").aliases == ("b",)
    assert EnvSpec(name="a", cfg="x:Y", env="x:Z", aliases=["b", "c"]).aliases == ("b", "c")
    with pytest.raises(ValueError, match="aliases of env 'a' must be non-empty strings"):
        EnvSpec(name="a", cfg="x:Y", env="x:Z", aliases=("b", ""))
    with pytest.raises(ValueError, match="must be non-empty strings"):
        EnvSpec(name="a", cfg="x:Y", env="x:Z", aliases=(3,))


def _registry(*plugins: tuple[str, str, list[EnvSpec]], strict: bool = False) -> Registry:
    """A registry of plugin objects registered in the given order (load order matters to no result)."""

    class Hooks:
        def __init__(self, specs):
            self.specs = specs

    manager = MotrixPluginManager()
    manager.strict = strict
    from motrix.plugin import hookimpl

    for name, version, specs in plugins:
        hooks = Hooks(specs)
        hooks.motrix_envs = hookimpl(lambda specs=specs: list(specs))
        manager.register(hooks, PluginRecord(name, name, version, f"{name}.plugin"))
    return Registry.from_manager(manager)


def _spec(name: str, *aliases: str) -> EnvSpec:
    return EnvSpec(name=name, cfg="motrix.env.cfg:EnvCfg", env="x:Y", aliases=aliases)


@pytest.mark.parametrize("order", ["alias-first", "name-first"])
def test_an_alias_clashing_with_another_plugins_name_is_a_conflict_naming_both(order):
    a = ("plugin-a", "1.0", [_spec("ball")])
    b = ("plugin-b", "2.0", [_spec("bounce-ball", "ball")])
    registry = _registry(*((b, a) if order == "alias-first" else (a, b)))
    expected = (
        "conflict: env name 'ball' (sim backend 'np'; env 'ball' and alias of 'bounce-ball') is provided "
        "by both plugin-a 1.0 and plugin-b 2.0; uninstall one or block it with MOTRIX_DISABLE_PLUGINS"
    )
    with pytest.raises(PluginError) as err:
        get_env("ball", registry=registry)
    assert str(err.value) == expected
    assert get_env("bounce-ball", registry=registry).name == "bounce-ball"  # its own name still works


def test_two_plugins_aliasing_one_name_conflict():
    registry = _registry(("plugin-a", "1.0", [_spec("ball-a", "ball")]),
                         ("plugin-b", "2.0", [_spec("ball-b", "ball")]))
    with pytest.raises(PluginError, match=r"^conflict: env name 'ball' \(sim backend 'np'; alias of 'ball-a' "
                                          r"and alias of 'ball-b'\) is provided by both plugin-a 1.0 and plugin-b 2.0"):
        get_env("ball", registry=registry)
    assert get_env("ball-a", registry=registry).name == "ball-a"


def test_an_alias_conflict_is_fatal_in_strict_mode():
    with pytest.raises(PluginError, match="conflict: env name 'ball'"):
        _registry(("plugin-a", "1.0", [_spec("ball")]), ("plugin-b", "2.0", [_spec("other", "ball")]), strict=True)


def test_within_one_plugin_an_env_name_beats_an_alias_of_the_same_name():
    registry = _registry(("plugin-a", "1.0", [_spec("ball"), _spec("other", "ball", "o")]))
    assert not registry.conflicts
    assert get_env("ball", registry=registry).name == "ball"
    assert get_env("o", registry=registry).name == "other"


def test_motrix_make_accepts_an_alias():
    import motrix

    env = motrix.make("dm-reacher", num_envs=2, seed=0)
    assert type(env).__name__ == "ReacherEnv" and env.num_envs == 2


def test_an_unknown_name_suggests_aliases_too():
    with pytest.raises(UsageError, match=r"unknown env 'dm-walkr'; did you mean dm-walker"):
        get_env("dm-walkr")


# -- through the real CLI -------------------------------------------------------------------


def test_motrix_list_shows_aliases(motrix_cli):
    result = motrix_cli("list", "--json")
    assert result.returncode == 0, result.stderr
    envs = {e["name"]: e for e in json.loads(result.stdout)["envs"]}
    for alias, canonical in SEED_NAMES.items():
        assert alias in envs[canonical]["aliases"]
    assert envs["cartpole"]["aliases"] == []
    table = motrix_cli("list", "envs").stdout.splitlines()
    assert table[1].split()[:3] == ["NAME", "ALIASES", "PLUGIN"]
    assert any(line.split()[:3] == ["walker-walk", "dm-walker", "motrix-envs-basic"] for line in table)


def test_motrix_list_reports_an_alias_clash_with_both_distributions(fake_dist, motrix_cli, tmp_path):
    clash = fake_dist("clashing-plugin", "fake_clash", ALIASING_PLUGIN.format(name="my-walker", aliases=("dm-walker",)),
                      version="0.3")
    result = motrix_cli("list", "envs", paths=(clash.root,))
    assert result.returncode == 0
    assert ("motrix: warning: conflict: env name 'dm-walker' (sim backend 'np'; alias of 'my-walker' and "
            "alias of 'walker-walk') is provided by both clashing-plugin 0.3 and motrix-envs-basic") in result.stderr
    used = motrix_cli("train", "dm-walker", "--runs-dir", str(tmp_path / "runs"), paths=(clash.root,))
    assert used.returncode == 1
    assert not (tmp_path / "runs").exists()
    assert one_line_error(used).startswith("motrix: error: conflict: env name 'dm-walker'")


def test_bench_by_alias_reports_the_canonical_name(motrix_cli):
    result = motrix_cli("bench", "dm-cheetah", "--num-envs", "2", "--steps", "5", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["env"] == "cheetah-run"


def test_view_by_alias_names_the_canonical_env(motrix_cli, tmp_path):
    # No display here: the one-line refusal names the env it would have shown.
    result = motrix_cli("view", "dm-reacher", env={"DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert result.returncode == 1
    assert "view 'reacher'" in one_line_error(result)


def test_train_play_and_resume_by_alias_use_the_canonical_name(motrix_cli, tmp_path):
    runs = tmp_path / "runs"
    common = ("--backend", "torch", "--num-envs", "4", "--set", "rollouts=8", "--set", "mini_batches=2",
              "--set", "check_point_interval=2", "--runs-dir", str(runs), "--quiet")
    trained = motrix_cli("train", "dm-reacher", "--steps", "64", *common)
    assert trained.returncode == 0, trained.stderr
    path = Path(trained.stdout.strip().splitlines()[-1])
    assert path.parent == runs / "reacher"
    metadata = json.loads((path / "metadata.json").read_text())
    assert metadata["env"] == "reacher"
    assert metadata["command"][1:3] == ["train", "dm-reacher"]  # what was typed stays on record

    played = motrix_cli("play", "dm-reacher", "--episodes", "1", "--num-envs", "1", "--runs-dir", str(runs))
    assert played.returncode == 0, played.stderr
    assert f"checkpoint: {path}" in played.stdout

    resumed = motrix_cli("train", "dm-reacher", "--resume", "latest", "--steps", "128", "--runs-dir", str(runs),
                         "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert Path(resumed.stdout.strip().splitlines()[-1]) == path
    assert json.loads((path / "metadata.json").read_text())["env_steps"] >= 128
    # The run's config.toml follows the resumed budget, and names the env by its own name.
    config = (path / "config.toml").read_text()
    assert "max_env_steps = 128\n" in config
    assert "motrix train reacher --backend torch --config" in config
    assert sorted(p.name for p in (runs).iterdir()) == ["reacher"]
