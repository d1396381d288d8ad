"""Resolution rules (docs/architecture.md): env by name, RL config by backend, backend by device."""

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


class GpuSizedPPO(PPOCfg):
    gpu_defaults = {"num_envs": 4096, "mini_batches": 8}


@pytest.mark.parametrize("on_gpu, num_envs, mini_batches", [(False, 256, 4), (True, 4096, 8)])
def test_gpu_sized_defaults_apply_only_on_a_gpu(on_gpu, num_envs, mini_batches, monkeypatch):
    from motrix.training import run as run_module
    from motrix.training.run import TrainRequest, build_rl_cfg

    class Spec:
        def load_cfg_class(self):
            return lambda: GpuSizedPPO(num_envs=256, mini_batches=4)

    monkeypatch.setattr(run_module, "get_rl_config", lambda env, backend, framework: Spec())
    backend = BackendSpec(name="torch", trainer="m:T")
    cfg = build_rl_cfg("x", backend, TrainRequest(env="x"), on_gpu=on_gpu)
    assert (cfg.num_envs, cfg.mini_batches) == (num_envs, mini_batches)
    assert PPOCfg().for_gpu() == PPOCfg()  # no gpu_defaults: unchanged


def test_the_users_choices_win_over_gpu_sized_defaults(monkeypatch):
    from motrix.training import run as run_module
    from motrix.training.run import TrainRequest, build_rl_cfg

    class Spec:
        def load_cfg_class(self):
            return GpuSizedPPO

    monkeypatch.setattr(run_module, "get_rl_config", lambda env, backend, framework: Spec())
    backend = BackendSpec(name="torch", trainer="m:T")
    request = TrainRequest(env="x", num_envs=64, sets=("learning_epochs=3",))
    cfg = build_rl_cfg("x", backend, request, on_gpu=True)
    assert (cfg.num_envs, cfg.mini_batches, cfg.learning_epochs) == (64, 8, 3)
    assert build_rl_cfg("x", backend, TrainRequest(env="x"), on_gpu=False).num_envs == GpuSizedPPO().num_envs


@pytest.mark.parametrize("answer, expected", [(True, True), (False, False), ("boom", False)])
def test_backend_has_gpu_asks_the_probe_and_survives_a_broken_one(answer, expected):
    from motrix.registry import backend_has_gpu

    PROBES["torch"] = answer if answer != "boom" else None
    spec = BackendSpec(name="torch", trainer="m:T", device_probe=f"{__name__}:gpu_probe_torch")
    if answer == "boom":
        spec = BackendSpec(name="torch", trainer="m:T", device_probe=f"{__name__}:no_such_probe")
    try:
        assert backend_has_gpu(spec) is expected
    finally:
        PROBES.clear()
    assert backend_has_gpu(BackendSpec(name="x", trainer="m:T")) is False
