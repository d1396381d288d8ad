"""Frozen spec dataclasses that plugins yield from their hooks.

Classes may be given as lazy ``"module:attr"`` strings so that yielding a spec (and so
``motrix list``) imports nothing heavy; the core resolves them only when they are used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from motrix.errors import PluginError
from motrix.plugin.lazy import resolve as _resolve

#: A class (or callable) or a lazy ``"package.module:attr"`` reference to one.
Ref = Union[type, str, Any]


def resolve(ref: Ref, what: str) -> Any:
    """Load a lazy reference; a plugin's broken reference is one clear error."""
    try:
        return _resolve(ref)
    except Exception as exc:
        raise PluginError(f"cannot load {what} {ref!r}: {type(exc).__name__}: {exc}") from None


@dataclass(frozen=True)
class EnvSpec:
    """An environment a plugin provides."""

    name: str
    """Name used on the command line, e.g. ``"cartpole"``."""
    cfg: Ref
    """The env's ``EnvCfg`` subclass (or ``"module:attr"``)."""
    env: Ref
    """The ``NpEnv`` subclass (or ``"module:attr"``), constructed as ``Env(cfg, num_envs=N)``."""
    sim_backend: str = "np"
    """Which simulation backend the env runs on; ``"np"`` is the batched NumPy/MotrixSim base."""
    description: str = ""
    """One line shown by ``motrix list``."""
    aliases: tuple[str, ...] = ()
    """Other names accepted wherever an env name is (e.g. a MotrixLab name); runs use ``name``."""

    def __post_init__(self) -> None:
        # A plugin writing aliases="x" would otherwise alias every letter of it.
        aliases = (self.aliases,) if isinstance(self.aliases, str) else tuple(self.aliases)
        if not all(isinstance(a, str) and a.strip() for a in aliases):
            raise ValueError(f"aliases of env {self.name!r} must be non-empty strings, got {aliases!r}")
        object.__setattr__(self, "aliases", aliases)

    def load_cfg_class(self) -> type:
        return resolve(self.cfg, f"config of env {self.name!r}")

    def load_env_class(self) -> type:
        from motrix._sim import import_motrixsim

        import_motrixsim()  # before the plugin's module imports it, to keep stderr clean
        return resolve(self.env, f"env {self.name!r}")


@dataclass(frozen=True)
class RLConfigSpec:
    """A training configuration for one env, universal or for one backend."""

    env: str
    """The env this config trains."""
    cfg: Ref
    """A ``PPOCfg`` subclass (or ``"module:attr"``) whose defaults are the tuned values."""
    backend: str | None = None
    """Backend name this config is tuned for; ``None`` is the universal config for the env."""
    framework: str = "skrl"
    """RL framework the config is written for."""
    algorithm: str = "ppo"
    """Algorithm the config is for."""

    @property
    def key(self) -> tuple[str, str, str | None, str]:
        """What two plugins must not both provide."""
        return (self.env, self.framework, self.backend, self.algorithm)

    def load_cfg_class(self) -> type:
        return resolve(self.cfg, f"RL config of env {self.env!r}")


@dataclass(frozen=True)
class BackendSpec:
    """A training backend (deep-learning framework + RL library)."""

    name: str
    """Name used with ``--backend``, e.g. ``"torch"``."""
    trainer: Ref
    """Trainer class (or ``"module:attr"``) with ``train(job)`` and ``play(job)``."""
    framework: str = "skrl"
    """RL framework the trainer drives."""
    requires: tuple[str, ...] = field(default_factory=tuple)
    """Top-level modules that must be importable; checked without importing them."""
    description: str = ""
    """One line shown by ``motrix list backends``."""
    device_probe: Ref | None = None
    """Optional ``"module:func"`` returning True when the framework sees a GPU.

    Only called when choosing a backend for training, never by ``motrix list``."""
    install_hint: str = ""
    """What to run to install this backend; defaults to ``pip install <distribution>``."""
    checkpoint_suffix: str = ""
    """File suffix of this backend's checkpoints (e.g. ``".pt"``), to play a bare file."""

    def load_trainer_class(self) -> type:
        return resolve(self.trainer, f"trainer of backend {self.name!r}")
