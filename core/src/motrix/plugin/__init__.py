"""Public plugin API: decorate hook functions with ``hookimpl`` and yield specs.

Example (a plugin module named by the ``motrix.plugins`` entry point)::

    from motrix.plugin import hookimpl, EnvSpec, RLConfigSpec

    @hookimpl
    def motrix_envs():
        yield EnvSpec(name="my-task", cfg="my_pkg.task:MyCfg", env="my_pkg.task:MyEnv")

    @hookimpl
    def motrix_rl_configs():
        yield RLConfigSpec(env="my-task", cfg="my_pkg.task:MyPPOCfg")
"""

from motrix.plugin.hookspecs import ENTRY_POINT_GROUP, hookimpl
from motrix.plugin.specs import BackendSpec, EnvSpec, RLConfigSpec

__all__ = ["hookimpl", "EnvSpec", "RLConfigSpec", "BackendSpec", "ENTRY_POINT_GROUP"]
