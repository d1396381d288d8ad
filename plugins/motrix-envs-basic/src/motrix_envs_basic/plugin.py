"""Entry point of motrix-envs-basic. Light: specs name classes as lazy strings."""

from motrix.plugin import EnvSpec, RLConfigSpec, hookimpl


@hookimpl
def motrix_envs():
    yield EnvSpec(
        name="cartpole",
        cfg="motrix_envs_basic.cartpole.cfg:CartPoleCfg",
        env="motrix_envs_basic.cartpole.env:CartPoleEnv",
        description="Balance a pole on a cart by pushing the cart (1000 steps, +1 per step)",
    )


@hookimpl
def motrix_rl_configs():
    yield RLConfigSpec(env="cartpole", cfg="motrix_envs_basic.cartpole.rl_cfg:CartPolePPO")
