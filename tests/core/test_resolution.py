"""Resolution rules (design.md): env by name, RL config by backend, backend by device."""

from __future__ import annotations

import pytest

from motrix.config import PPOCfg
from motrix.env.cfg import EnvCfg
from motrix.errors import UsageError
from motrix.plugin import BackendSpec, EnvSpec, RLConfigSpec, hookimpl
from motrix.plugin.manager import MotrixPluginManager, PluginRecord
from motrix.registry import Registry, choose_backend, get_backend, get_env, get_rl_config


class UniversalPPO(PPOCfg):
    pass


class JaxPPO(PPOCfg):
    pass


PROBES: dict[str, bool] = {}


def gpu_probe_torch() -> bool:
    return PROBES.get("torch", False)


def gpu_probe_jax() -> bool:
    return PROBES.get("jax", False)


def make_registry(backends: tuple[str, ...] = ("torch", "jax"), unimportable: tuple[str, ...] = ()) -> Registry:
    class Plugin:
        @hookimpl
        def motrix_envs(self):
            for name in ("walker-walk", "walker-run", "cheetah-run"):
                yield EnvSpec(name=name, cfg=EnvCfg, env="m:E")

        @hookimpl
        def motrix_rl_configs(self):
            yield RLConfigSpec(env="walker-walk", cfg=UniversalPPO)
            yield RLConfigSpec(env="walker-walk", cfg=JaxPPO, backend="jax")
            yield RLConfigSpec(env="cheetah-run", cfg=JaxPPO, backend="jax")

        @hookimpl
        def motrix_backends(self):
            for name in backends:
                yield BackendSpec(
                    name=name, trainer="m:T",
                    requires=("no_such_module_abc",) if name in unimportable else ("json",),
                    device_probe=f"{__name__}:gpu_probe_{name}" if name in ("torch", "jax") else None,
                )

    manager = MotrixPluginManager()
    manager.register(Plugin(), PluginRecord("p", "p-dist", "1", "p"))
    return Registry.from_manager(manager)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("walker-walk", None),
        ("walker-wlak", "unknown env 'walker-wlak'; did you mean walker-walk"),
        ("cheeta-run", "unknown env 'cheeta-run'; did you mean cheetah-run? (see `motrix list envs`)"),
        ("zzz", "unknown env 'zzz' (see `motrix list envs`)"),
    ],
)
def test_env_lookup(name, message):
    registry = make_registry()
    if message is None:
        assert get_env(name, registry=registry).name == name
    else:
        with pytest.raises(UsageError) as err:
            get_env(name, registry=registry)
        assert str(err.value).startswith(message)


@pytest.mark.parametrize(
    ("env", "backend", "expected"),
    [
        ("walker-walk", "jax", JaxPPO),  # backend-specific wins
        ("walker-walk", "torch", UniversalPPO),  # falls back to universal
        ("cheetah-run", "torch", "no skrl ppo config for env 'cheetah-run' on backend 'torch'; backends with one: jax"),
        ("walker-run", "torch", "no skrl ppo config for env 'walker-run': its plugin provides none"),
    ],
)
def test_rl_config_resolution(env, backend, expected):
    registry = make_registry()
    if isinstance(expected, str):
        with pytest.raises(UsageError) as err:
            get_rl_config(env, backend, registry=registry)
        assert str(err.value).startswith(expected)
    else:
        assert get_rl_config(env, backend, registry=registry).load_cfg_class() is expected


@pytest.mark.parametrize(
    ("installed", "gpu", "unimportable", "chosen"),
    [
        (("torch", "jax"), {}, (), "torch"),  # CPU: the measured-faster torch first
        (("jax",), {}, (), "jax"),
        (("torch", "jax"), {"jax": True, "torch": True}, (), "jax"),  # GPU JAX first
        (("torch", "jax"), {"torch": True}, (), "torch"),
        (("torch", "jax"), {"jax": True}, (), "jax"),
        (("torch", "jax"), {}, ("torch",), "jax"),  # unimportable backends are skipped
        (("torch", "jax", "mlx"), {}, ("torch", "jax"), "mlx"),
    ],
)
def test_backend_choice_by_device(installed, gpu, unimportable, chosen, monkeypatch):
    monkeypatch.setattr(f"{__name__}.PROBES", dict(gpu))
    registry = make_registry(installed, unimportable)
    assert choose_backend(None, registry=registry).name == chosen


@pytest.mark.parametrize(
    ("explicit", "installed", "message"),
    [
        ("jax", ("torch",), "backend 'jax' is not installed; install it with `pip install motrix-backend-jax`"),
        ("tensorflow", ("torch",), "unknown backend 'tensorflow' (known: jax, torch)"),
        ("trch", ("torch",), "unknown backend 'trch'; did you mean torch?"),
        ("torch", ("torch",), None),
    ],
)
def test_explicit_backend(explicit, installed, message):
    registry = make_registry(installed)
    if message is None:
        assert choose_backend(explicit, registry=registry).name == explicit
    else:
        with pytest.raises(UsageError) as err:
            choose_backend(explicit, registry=registry)
        assert str(err.value).startswith(message)


def test_an_installed_backend_whose_framework_is_missing_says_what_to_reinstall():
    registry = make_registry(("torch",), unimportable=("torch",))
    with pytest.raises(UsageError, match=r"backend 'torch' is installed but cannot import no_such_module_abc"):
        get_backend("torch", registry=registry)


def test_no_backend_at_all_names_both_install_commands():
    with pytest.raises(UsageError, match="no training backend is installed; install one with `pip install motrix-backend-torch`"):
        choose_backend(None, registry=make_registry(()))
