"""Entry point of motrix-envs-locomotion. Light: specs name classes as lazy strings."""

from motrix.plugin import EnvSpec, RLConfigSpec, hookimpl

_GO1 = "motrix_envs_locomotion.go1"
VARIANTS = {
    "go1": ("Go1Cfg", "Go1PPO", "Unitree Go1 tracking a commanded velocity on flat ground"),
    "go1-rough": ("Go1RoughCfg", "Go1RoughPPO", "Unitree Go1 tracking a commanded velocity on rough ground"),
    "go1-stairs": ("Go1StairsCfg", "Go1StairsPPO", "Unitree Go1 tracking a commanded velocity on stairs"),
}
# MotrixLab's names for the same tasks, so commands written for it work here too.
ALIASES = {
    "go1": ("go1-flat-terrain-walk",),
    "go1-rough": ("go1-rough-terrain-walk",),
    "go1-stairs": ("go1-stairs-terrain-walk",),
}


@hookimpl
def motrix_envs():
    for name, (cfg, _, description) in VARIANTS.items():
        yield EnvSpec(name=name, cfg=f"{_GO1}.cfg:{cfg}", env=f"{_GO1}.env:Go1Env", description=description,
                      aliases=ALIASES[name])


@hookimpl
def motrix_rl_configs():
    for name, (_, ppo, _) in VARIANTS.items():
        yield RLConfigSpec(env=name, cfg=f"{_GO1}.rl_cfg:{ppo}")
