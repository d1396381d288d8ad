"""Entry point of motrix-envs-manipulation. Light: specs name classes as lazy strings."""

from motrix.plugin import EnvSpec, RLConfigSpec, hookimpl

_PKG = "motrix_envs_manipulation"
TASKS = {
    "franka-lift-cube": ("lift", "LiftCfg", "LiftEnv", "LiftPPO",
                         "Franka Panda grasps a 4 cm cube and holds it at a target in the air"),
    "franka-open-cabinet": ("cabinet", "CabinetCfg", "CabinetEnv", "CabinetPPO",
                            "Franka Panda grasps a cabinet's drawer handle and pulls the drawer open"),
}


@hookimpl
def motrix_envs():
    for name, (mod, cfg, env, _, description) in TASKS.items():
        yield EnvSpec(name=name, cfg=f"{_PKG}.{mod}.cfg:{cfg}", env=f"{_PKG}.{mod}.env:{env}",
                      description=description)


@hookimpl
def motrix_rl_configs():
    for name, (mod, _, _, ppo, _) in TASKS.items():
        yield RLConfigSpec(env=name, cfg=f"{_PKG}.{mod}.rl_cfg:{ppo}")
