"""Sources of fake third-party plugins used by the plugin-system tests."""

GOOD = '''
from dataclasses import dataclass
from motrix.plugin import hookimpl, EnvSpec, RLConfigSpec, BackendSpec
from motrix.config import PPOCfg
from motrix.env.cfg import EnvCfg

@dataclass
class FakeCfg(EnvCfg):
    size: int = 3
    """A task field."""

@dataclass
class FakePPO(PPOCfg):
    rollouts: int = 8

@dataclass
class FakePPOForToy(PPOCfg):
    rollouts: int = 99

class FakeTrainer:
    pass

@hookimpl
def motrix_envs():
    yield EnvSpec(name="fake-walker", cfg="fake_good:FakeCfg", env="fake_good:NoSuchEnv",
                  description="a fake env")

@hookimpl
def motrix_rl_configs():
    yield RLConfigSpec(env="fake-walker", cfg=FakePPO)
    yield RLConfigSpec(env="fake-walker", cfg=FakePPOForToy, backend="toy")

@hookimpl
def motrix_backends():
    yield BackendSpec(name="toy", trainer="fake_good:FakeTrainer", requires=("json",))
    yield BackendSpec(name="ghost", trainer="fake_good:FakeTrainer", requires=("no_such_module_xyz",))
'''

BROKEN_IMPORT = '''
raise ImportError("libfoo.so: cannot open shared object file")
'''

CONFLICTING = '''
from motrix.plugin import hookimpl, EnvSpec

@hookimpl
def motrix_envs():
    yield EnvSpec(name="fake-walker", cfg="x:Y", env="x:Z")
'''

UNKNOWN_HOOK = '''
from motrix.plugin import hookimpl, EnvSpec

@hookimpl
def motrix_environments():
    yield EnvSpec(name="never-listed", cfg="x:Y", env="x:Z")
'''

RAISING_HOOK = '''
from motrix.plugin import hookimpl, EnvSpec, RLConfigSpec

@hookimpl
def motrix_rl_configs():
    yield RLConfigSpec(env="half-env", cfg="x:Y")

@hookimpl
def motrix_envs():
    raise RuntimeError("database of envs unreachable")
'''

WRONG_TYPE = '''
from motrix.plugin import hookimpl

@hookimpl
def motrix_envs():
    return ["cartpole"]
'''
