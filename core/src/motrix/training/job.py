"""What the core hands a backend's trainer, and what it gets back.

``motrix train`` resolves env, configs and backend, creates the run directory, and then
calls ``Trainer().train(job)``; ``motrix play`` calls ``Trainer().play(job)``. A backend's
trainer needs nothing else from the core to do its work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from motrix.config import PPOCfg
from motrix.distributed.world import SINGLE, World
from motrix.env.cfg import EnvCfg
from motrix.plugin.specs import EnvSpec
from motrix.runs.rundir import RunDir

if TYPE_CHECKING:
    import numpy as np

    from motrix.env import NpEnv
    from motrix.training.signals import StopRequest


@dataclass
class TrainJob:
    """One training run to carry out."""

    env_spec: EnvSpec
    """The env to train on."""
    env_cfg: EnvCfg
    """Env config with ``--env-set`` overrides applied (validated)."""
    rl_cfg: PPOCfg
    """RL config with ``--set``/``--num-envs``/``--seed``/``--steps`` applied (validated)."""
    run: RunDir | None
    """Where metadata, TensorBoard events and checkpoints go (None on ranks other than 0)."""
    resume_from: Path | None = None
    """Checkpoint to continue from (weights, optimizer, normalizers, step counter)."""
    quiet: bool = False
    """No progress lines (tests)."""
    world: World = SINGLE
    """This process's place in a data-parallel run (one process unless launched as several)."""
    stop: StopRequest | None = None
    """The signal that asked training to stop; in a distributed run the loop polls it each iteration."""

    def make_env(self, num_envs: int | None = None) -> NpEnv:
        """Build the batched env for this job, seeded from the RL config (differently on each rank)."""
        from motrix.env.make import make_from_spec

        return make_from_spec(
            self.env_spec, self.env_cfg, num_envs or self.rl_cfg.num_envs, seed=self.world.seed(self.rl_cfg.seed)
        )


@dataclass
class TrainResult:
    """What a finished (or interrupted) training produced."""

    env_steps: int
    """Env-steps done in total (all envs, including those before a resume)."""
    wall_seconds: float
    """Wall time of this invocation's training loop."""
    final_mean_return: float | None
    """Mean return of the last completed episodes."""
    checkpoint: Path | None
    """The last checkpoint written."""
    interrupted: bool = False
    """True when stopped by SIGINT/SIGTERM."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Backend-specific figures (e.g. time to reach a return)."""


@dataclass
class PlayJob:
    """Run a trained policy deterministically."""

    env_spec: EnvSpec
    env_cfg: EnvCfg
    rl_cfg: PPOCfg
    checkpoint: Path
    """Checkpoint file to load."""
    episodes: int = 10
    """Episodes to complete (across all envs) before stopping."""
    num_envs: int = 1
    """Envs played in parallel."""
    seed: int = 0
    """Seed for the env's resets."""
    recorder: Any = None
    """The core's ``motrix.render.recorder.VideoRecorder`` when a video was asked for: ``make_env``
    attaches it, and every ``init_state``/``step`` of that env is then filmed. A backend only
    has to build its env with ``make_env`` and step it."""

    def make_env(self) -> NpEnv:
        """Build the batched env to play (filmed when a video was asked for)."""
        from motrix.env.make import make_from_spec

        env = make_from_spec(self.env_spec, self.env_cfg, self.num_envs, seed=self.seed)
        if self.recorder is not None:
            self.recorder.attach(env)
        return env


@dataclass
class PlayResult:
    returns: list[float]
    """Return of each completed episode, in order of completion."""
    lengths: list[int]
    """Length in control steps of each completed episode."""


class Trainer(Protocol):
    """What ``BackendSpec.trainer`` must be: constructed with no arguments.

    Constructing it may raise ``UsageError`` for a bad backend setting: the core does so
    before it creates a run directory.
    """

    def train(self, job: TrainJob) -> TrainResult: ...

    def play(self, job: PlayJob) -> PlayResult: ...

    def load_policy(self, checkpoint_path: Path, env_name: str, env: NpEnv) -> Callable[[np.ndarray], np.ndarray]:
        """A checkpoint's deterministic policy for ``env``: ``policy(obs (N, obs_dim)) -> actions (N, act_dim)``."""
        ...
