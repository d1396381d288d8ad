"""Entry point of motrix-envs-basic. Light: specs name classes as lazy strings."""

from motrix.plugin import EnvSpec, RLConfigSpec, hookimpl

_P = "motrix_envs_basic"
# The basic suite: env name -> (family, cfg class, env class, description).
SUITE = {
    "reacher": ("reacher", "ReacherCfg", "ReacherEnv",
                "Two-link planar arm puts its fingertip on a random target (1000 steps at 50 Hz)"),
    "hopper-stand": ("hopper", "HopperStandCfg", "HopperEnv",
                     "One-legged planar hopper gets up and stands tall (1000 steps at 50 Hz)"),
    "hopper-hop": ("hopper", "HopperHopCfg", "HopperEnv",
                   "One-legged planar hopper hops forward at 2 m/s (1000 steps at 50 Hz)"),
    "walker-stand": ("walker", "WalkerStandCfg", "WalkerEnv",
                     "Planar biped gets up and stands upright (1000 steps at 40 Hz)"),
    "walker-walk": ("walker", "WalkerWalkCfg", "WalkerEnv",
                    "Planar biped walks forward at 1 m/s (1000 steps at 40 Hz)"),
    "walker-run": ("walker", "WalkerRunCfg", "WalkerEnv",
                   "Planar biped runs forward at 8 m/s (1000 steps at 40 Hz)"),
    "cheetah-run": ("cheetah", "CheetahCfg", "CheetahEnv",
                    "Planar cheetah runs forward, up to 10 m/s (1000 steps at 100 Hz)"),
    "bounce-ball": ("bounce_ball", "BounceBallCfg", "BounceBallEnv",
                    "Six-axis arm keeps a table-tennis ball bouncing on its paddle (1000 steps at 50 Hz)"),
}
# RL configs: env name -> (family, universal config, {backend: config} where tuning differs).
RL_CONFIGS: dict[str, tuple[str, str, dict[str, str]]] = {
    "reacher": ("reacher", "ReacherPPO", {}),
    "hopper-stand": ("hopper", "HopperStandPPO", {}),
    "hopper-hop": ("hopper", "HopperHopPPO", {}),
    "walker-stand": ("walker", "WalkerStandPPO", {}),
    "walker-walk": ("walker", "WalkerWalkPPO", {}),
    "walker-run": ("walker", "WalkerRunPPO", {}),
    "cheetah-run": ("cheetah", "CheetahRunPPO", {}),
    "bounce-ball": ("bounce_ball", "BounceBallPPO", {}),
}
# MotrixLab's names for the same tasks, so commands written for it work here too.
ALIASES: dict[str, tuple[str, ...]] = {
    "reacher": ("dm-reacher",),
    "hopper-stand": ("dm-hopper-stand",),
    "hopper-hop": ("dm-hopper-hop",),
    "walker-stand": ("dm-stander",),
    "walker-walk": ("dm-walker",),
    "walker-run": ("dm-runner",),
    "cheetah-run": ("dm-cheetah",),
    "bounce-ball": ("bounce_ball",),
}


@hookimpl
def motrix_envs():
    yield EnvSpec(
        name="cartpole",
        cfg="motrix_envs_basic.cartpole.cfg:CartPoleCfg",
        env="motrix_envs_basic.cartpole.env:CartPoleEnv",
        description="Balance a pole on a cart by pushing the cart (1000 steps, +1 per step)",
    )
    for name, (family, cfg, env, description) in SUITE.items():
        yield EnvSpec(name=name, cfg=f"{_P}.{family}.cfg:{cfg}", env=f"{_P}.{family}.env:{env}",
                      description=description, aliases=ALIASES.get(name, ()))


@hookimpl
def motrix_rl_configs():
    yield RLConfigSpec(env="cartpole", cfg="motrix_envs_basic.cartpole.rl_cfg:CartPolePPO")
    for name, (family, universal, per_backend) in RL_CONFIGS.items():
        yield RLConfigSpec(env=name, cfg=f"{_P}.{family}.rl_cfg:{universal}")
        for backend, cfg in per_backend.items():
            yield RLConfigSpec(env=name, cfg=f"{_P}.{family}.rl_cfg:{cfg}", backend=backend)
