"""Each hookspec, exercised through the plugins we ship and a plugin object of the test."""

from __future__ import annotations

import pytest

from motrix.config import PPOCfg
from motrix.env.cfg import EnvCfg
from motrix.plugin import BackendSpec, EnvSpec, RLConfigSpec, hookimpl
from motrix.plugin.manager import MotrixPluginManager, PluginRecord
from motrix.registry import Registry


class InlinePlugin:
    """A plugin given as an object, implementing all three hooks."""

    @hookimpl
    def motrix_envs(self):
        yield EnvSpec(name="inline-env", cfg=EnvCfg, env="inline:Env")

    @hookimpl
    def motrix_rl_configs(self):
        return [RLConfigSpec(env="inline-env", cfg=PPOCfg, backend="inline-backend")]

    @hookimpl
    def motrix_backends(self):
        yield BackendSpec(name="inline-backend", trainer="inline:Trainer", requires=("json",))


@pytest.fixture
def registry() -> Registry:
    manager = MotrixPluginManager()
    manager.register(InlinePlugin(), PluginRecord("inline", "inline-dist", "0.0.1", "inline"))
    return Registry.from_manager(manager)


def test_motrix_envs_collects_env_specs_with_their_plugin(registry):
    provided = registry.envs[("inline-env", "np")]
    assert provided.spec.cfg is EnvCfg
    assert provided.plugin.provenance == "inline-dist 0.0.1"


def test_motrix_rl_configs_accepts_any_iterable_and_keys_by_env_framework_backend_algorithm(registry):
    provided = registry.rl_configs[("inline-env", "skrl", "inline-backend", "ppo")]
    assert provided.spec.load_cfg_class() is PPOCfg


def test_motrix_backends_collects_backend_specs(registry):
    spec = registry.backends["inline-backend"].spec
    assert (spec.framework, spec.requires) == ("skrl", ("json",))


def test_our_plugins_register_through_entry_points_and_load_cleanly():
    manager = MotrixPluginManager()
    manager.load_entry_points()
    ours = {n: r for n, r in manager.records.items() if n.startswith("motrix-")}
    assert set(ours) >= {"motrix-backend-torch", "motrix-backend-jax", "motrix-envs-basic", "motrix-envs-locomotion"}
    Registry.from_manager(manager)
    assert {n: r.status for n, r in ours.items()} == {n: "active" for n in ours}


def test_specs_are_frozen():
    spec = EnvSpec(name="x", cfg=EnvCfg, env="m:E")
    with pytest.raises(AttributeError):
        spec.name = "y"  # type: ignore[misc]


def test_a_lazy_reference_that_does_not_resolve_is_one_plugin_error():
    from motrix.errors import PluginError

    spec = EnvSpec(name="x", cfg="no_such_pkg.mod:Cfg", env="m:E")
    with pytest.raises(PluginError, match=r"cannot load config of env 'x' 'no_such_pkg.mod:Cfg': ModuleNotFoundError"):
        spec.load_cfg_class()
