"""Entry point of motrix-envs-example (``motrix.plugins`` group).

motrix imports this module for ``motrix list``, so it stays light: the specs name the config
and env classes as ``"module:attr"`` strings, imported only when the env is built.
"""

from motrix.plugin import EnvSpec, RLConfigSpec, hookimpl


@hookimpl
def motrix_envs():
    yield EnvSpec(
        name="planar-reach",
        cfg="motrix_envs_example.cfg:PlanarReachCfg",
        env="motrix_envs_example.env:PlanarReachEnv",
        description="Two-link planar arm moves its fingertip onto a random target (example plugin)",
    )


@hookimpl
def motrix_rl_configs():
    # backend=None: the universal config, used by every backend without one of its own.
    yield RLConfigSpec(env="planar-reach", cfg="motrix_envs_example.rl_cfg:PlanarReachPPO")
