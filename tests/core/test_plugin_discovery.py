"""Plugins are found through the ``motrix.plugins`` entry-point group, resiliently."""

from __future__ import annotations

import json

import pytest

from motrix.errors import PluginError
from motrix.plugin.manager import MotrixPluginManager
from motrix.registry import Registry, get_env

from . import fake_plugins as src


def load(monkeypatch, *dists) -> MotrixPluginManager:
    for dist in dists:
        monkeypatch.syspath_prepend(str(dist.root))
    manager = MotrixPluginManager()
    manager.load_entry_points()
    return manager


def test_a_plugin_installed_as_a_distribution_is_discovered_with_its_version(monkeypatch, fake_dist):
    good = fake_dist("good-plugin", "fake_good", src.GOOD, version="2.3.4")
    manager = load(monkeypatch, good)
    record = manager.records["good-plugin"]
    assert (record.distribution, record.version, record.status) == ("good-plugin", "2.3.4", "active")
    assert record.hooks == ["motrix_backends", "motrix_envs", "motrix_rl_configs"]
    assert ("fake-walker", "np") in Registry.from_manager(manager).envs


def test_a_plugin_that_fails_to_import_is_reported_and_the_others_keep_working(monkeypatch, fake_dist):
    good = fake_dist("good-plugin", "fake_good", src.GOOD)
    broken = fake_dist("broken-plugin", "fake_broken", src.BROKEN_IMPORT, version="0.9")
    manager = load(monkeypatch, good, broken)
    record = manager.records["broken-plugin"]
    assert record.status == "failed"
    assert record.errors == [
        "failed to import fake_broken: ImportError: libfoo.so: cannot open shared object file"
    ]
    registry = Registry.from_manager(manager)
    assert get_env("fake-walker", registry=registry).description == "a fake env"
    assert get_env("cartpole", registry=registry).name == "cartpole"  # our own plugins too


def test_strict_mode_makes_a_failing_plugin_an_error(monkeypatch, fake_dist):
    broken = fake_dist("broken-plugin", "fake_broken", src.BROKEN_IMPORT, version="0.9")
    monkeypatch.setenv("MOTRIX_PLUGINS_STRICT", "1")
    with pytest.raises(PluginError, match=r"^plugin broken-plugin 0\.9 failed: failed to import fake_broken"):
        load(monkeypatch, broken)


def test_disabled_plugins_are_not_imported(monkeypatch, fake_dist):
    broken = fake_dist("broken-plugin", "fake_broken", src.BROKEN_IMPORT)
    monkeypatch.setenv("MOTRIX_DISABLE_PLUGINS", "broken-plugin, motrix-envs-basic")
    manager = load(monkeypatch, broken)
    assert manager.records["broken-plugin"].status == "disabled"
    assert manager.records["broken-plugin"].errors == []
    assert manager.records["motrix-envs-basic"].status == "disabled"
    assert ("cartpole", "np") not in Registry.from_manager(manager).envs


def test_an_unknown_hook_name_is_an_error_for_that_plugin(monkeypatch, fake_dist):
    odd = fake_dist("odd-plugin", "fake_odd", src.UNKNOWN_HOOK)
    manager = load(monkeypatch, odd)
    record = manager.records["odd-plugin"]
    assert record.status == "failed"
    assert record.errors == [
        "unknown hook motrix_environments (known hooks: motrix_envs, motrix_rl_configs, motrix_backends)"
    ]
    assert ("never-listed", "np") not in Registry.from_manager(manager).envs


def test_a_hook_that_raises_marks_its_plugin_failed_and_drops_all_it_provided(monkeypatch, fake_dist):
    flaky = fake_dist("flaky-plugin", "fake_flaky", src.RAISING_HOOK)
    registry = Registry.from_manager(load(monkeypatch, flaky))
    record = registry.manager.records["flaky-plugin"]
    assert record.status == "failed"
    assert record.errors == ["hook motrix_envs raised RuntimeError: database of envs unreachable"]
    assert not any(key[0] == "half-env" for key in registry.rl_configs)
    assert ("cartpole", "np") in registry.envs


def test_a_hook_yielding_the_wrong_type_marks_its_plugin_failed(monkeypatch, fake_dist):
    wrong = fake_dist("wrong-plugin", "fake_wrong", src.WRONG_TYPE)
    manager = load(monkeypatch, wrong)
    Registry.from_manager(manager)
    assert manager.records["wrong-plugin"].errors == ["hook motrix_envs yielded str, expected EnvSpec"]


def test_two_plugins_providing_one_env_conflict_naming_both_distributions(monkeypatch, fake_dist):
    good = fake_dist("good-plugin", "fake_good", src.GOOD, version="1.0.0")
    rival = fake_dist("rival-plugin", "fake_rival", src.CONFLICTING, version="3.1")
    registry = Registry.from_manager(load(monkeypatch, good, rival))
    with pytest.raises(PluginError) as err:
        get_env("fake-walker", registry=registry)
    assert str(err.value) == (
        "conflict: env 'fake-walker' (sim backend 'np') is provided by both good-plugin 1.0.0 and "
        "rival-plugin 3.1; uninstall one or block it with MOTRIX_DISABLE_PLUGINS"
    )
    assert get_env("cartpole", registry=registry).name == "cartpole"


def test_a_conflict_is_fatal_in_strict_mode(monkeypatch, fake_dist):
    good = fake_dist("good-plugin", "fake_good", src.GOOD)
    rival = fake_dist("rival-plugin", "fake_rival", src.CONFLICTING)
    monkeypatch.setenv("MOTRIX_PLUGINS_STRICT", "1")
    with pytest.raises(PluginError, match="conflict: env 'fake-walker'"):
        Registry.from_manager(load(monkeypatch, good, rival))


# -- through the real CLI -------------------------------------------------------------------


def test_motrix_plugins_shows_a_failed_plugin_and_the_active_ones(fake_dist, motrix_cli):
    good = fake_dist("good-plugin", "fake_good", src.GOOD)
    broken = fake_dist("broken-plugin", "fake_broken", src.BROKEN_IMPORT, version="0.9")
    result = motrix_cli("plugins", "--json", paths=(good.root, broken.root))
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["broken-plugin"]["status"] == "failed"
    assert rows["broken-plugin"]["version"] == "0.9"
    assert rows["good-plugin"]["status"] == "active"
    assert rows["motrix-envs-basic"]["status"] == "active"


def test_motrix_list_warns_about_a_broken_plugin_in_one_line_and_lists_the_rest(fake_dist, motrix_cli):
    good = fake_dist("good-plugin", "fake_good", src.GOOD)
    broken = fake_dist("broken-plugin", "fake_broken", src.BROKEN_IMPORT, version="0.9")
    result = motrix_cli("list", "envs", paths=(good.root, broken.root))
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "motrix: warning: plugin broken-plugin 0.9 failed: failed to import fake_broken: "
        "ImportError: libfoo.so: cannot open shared object file"
    ]
    assert "fake-walker" in result.stdout and "cartpole" in result.stdout


def test_strict_mode_through_the_cli_exits_1_with_one_line(fake_dist, motrix_cli):
    broken = fake_dist("broken-plugin", "fake_broken", src.BROKEN_IMPORT, version="0.9")
    result = motrix_cli("list", paths=(broken.root,), env={"MOTRIX_PLUGINS_STRICT": "1"})
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("motrix: error: plugin broken-plugin 0.9 failed")
    assert "Traceback" not in result.stderr
