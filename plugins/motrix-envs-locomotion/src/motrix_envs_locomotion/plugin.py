"""Entry point of motrix-envs-locomotion. Light: specs name classes as lazy strings."""

from motrix.plugin import EnvSpec, RLConfigSpec, hookimpl

_GO1 = "motrix_envs_locomotion.go1"
VARIANTS = {
    "go1": ("Go1Cfg", "Go1PPO", "Unitree Go1 tracking a commanded velocity on flat ground"),
    "go1-robust": ("robust:Go1RobustCfg", "robust:Go1RobustPPO",
                   "Unitree Go1 on flat ground under domain randomization, pushes, sensor noise and latency"),
    "go1-rough": ("Go1RoughCfg", "Go1RoughPPO", "Unitree Go1 tracking a commanded velocity on rough ground"),
    "go1-stairs": ("Go1StairsCfg", "Go1StairsPPO", "Unitree Go1 tracking a commanded velocity on stairs"),
}
# MotrixLab's names for the same tasks, so commands written for it work here too.
ALIASES = {
    "go1": ("go1-flat-terrain-walk",),
    "go1-rough": ("go1-rough-terrain-walk",),
    "go1-stairs": ("go1-stairs-terrain-walk",),
    "go1-robust": (),
}


def _where(name: str, default_module: str) -> str:
    # "Class" lives in the default module, "module:Class" in that module of the go1 package.
    module, _, cls = name.rpartition(":")
    return f"{_GO1}.{module or default_module}:{cls}"


@hookimpl
def motrix_envs():
    for name, (cfg, _, description) in VARIANTS.items():
        yield EnvSpec(name=name, cfg=_where(cfg, "cfg"), env=f"{_GO1}.env:Go1Env", description=description,
                      aliases=ALIASES[name])


@hookimpl
def motrix_rl_configs():
    for name, (_, ppo, _) in VARIANTS.items():
        yield RLConfigSpec(env=name, cfg=_where(ppo, "rl_cfg"))
