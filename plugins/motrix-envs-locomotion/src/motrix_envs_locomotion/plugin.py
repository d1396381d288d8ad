"""Entry point of motrix-envs-locomotion. Light: specs name classes as lazy strings."""

from motrix.plugin import EnvSpec, RLConfigSpec, hookimpl

_PKG = "motrix_envs_locomotion"
# name: (robot package, env class, config class, PPO class, description); "module:Class"
# names a class outside the package's cfg / rl_cfg modules.
VARIANTS = {
    "go1": ("go1", "Go1Env", "Go1Cfg", "Go1PPO", "Unitree Go1 tracking a commanded velocity on flat ground"),
    "go1-robust": ("go1", "Go1Env", "robust:Go1RobustCfg", "robust:Go1RobustPPO",
                   "Unitree Go1 on flat ground under domain randomization, pushes, sensor noise and latency"),
    "go1-rough": ("go1", "Go1Env", "Go1RoughCfg", "Go1RoughPPO",
                  "Unitree Go1 tracking a commanded velocity on rough ground"),
    "go1-stairs": ("go1", "Go1Env", "Go1StairsCfg", "Go1StairsPPO",
                   "Unitree Go1 tracking a commanded velocity on stairs"),
    "go2": ("go2", "Go2Env", "Go2Cfg", "Go2PPO", "Unitree Go2 tracking a commanded velocity on flat ground"),
    "go2-rough": ("go2", "Go2Env", "Go2RoughCfg", "Go2RoughPPO",
                  "Unitree Go2 tracking a commanded velocity on rough ground"),
    "go2-robust": ("go2", "Go2Env", "Go2RobustCfg", "Go2RobustPPO",
                   "Unitree Go2 on flat ground under domain randomization, pushes, sensor noise and latency"),
    "anymal-c": ("anymal_c", "AnymalCEnv", "AnymalCCfg", "AnymalCPPO",
                 "ANYbotics ANYmal C tracking a commanded velocity on flat ground"),
    "anymal-c-rough": ("anymal_c", "AnymalCEnv", "AnymalCRoughCfg", "AnymalCRoughPPO",
                       "ANYbotics ANYmal C tracking a commanded velocity on rough ground"),
    "anymal-c-robust": ("anymal_c", "AnymalCEnv", "AnymalCRobustCfg", "AnymalCRobustPPO",
                        "ANYbotics ANYmal C on flat ground under domain randomization, pushes, sensor noise and latency"),
    "anymal-c-navigation": ("anymal_c", "AnymalCNavigationEnv", "AnymalCNavigationCfg", "AnymalCNavigationPPO",
                            "ANYbotics ANYmal C walking to a goal point and heading, then standing still"),
}
# MotrixLab's names for the same tasks, so commands written for it work here too.
ALIASES = {
    "go1": ("go1-flat-terrain-walk",),
    "go1-rough": ("go1-rough-terrain-walk",),
    "go1-stairs": ("go1-stairs-terrain-walk",),
    "go2": ("go2-flat-terrain-walk",),
    "go2-rough": ("go2-rough-terrain-walk",),
    "anymal-c-navigation": ("anymal_c_navigation_flat",),
}


def _where(package: str, name: str, default_module: str) -> str:
    # "Class" lives in the default module, "module:Class" in that module of the robot's package.
    module, _, cls = name.rpartition(":")
    return f"{_PKG}.{package}.{module or default_module}:{cls}"


@hookimpl
def motrix_envs():
    for name, (package, env, cfg, _, description) in VARIANTS.items():
        yield EnvSpec(name=name, cfg=_where(package, cfg, "cfg"), env=_where(package, env, "env"),
                      description=description, aliases=ALIASES.get(name, ()))


@hookimpl
def motrix_rl_configs():
    for name, (package, _, _, ppo, _) in VARIANTS.items():
        yield RLConfigSpec(env=name, cfg=_where(package, ppo, "rl_cfg"))
