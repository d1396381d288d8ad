"""What motrix adds to skrl's PPO agent in both backends, free of any framework.

``LoopAgent`` is mixed in before skrl's ``PPO`` (``class MotrixPPO(LoopAgent, PPO)``):

- it takes an ``AgentContext`` at construction: the step counter a resumed run starts from,
  the episode statistics and the phase clock;
- ``learn_from_rollout`` and ``log``: the update and the TensorBoard write that skrl's
  ``post_interaction`` would make, called by the core's loop (``skrl_loop.train``) itself;
- ``write_tracking_data``: skrl's curves plus ours, at the global env-step (continued
  across a resume, all ranks counted), so TensorBoard's x-axis is env-steps whatever
  ``num_envs`` was;
- ``synced_update``: in a data-parallel run, the normalizers merged over the ranks after
  each update (``motrix.distributed.sync``); a backend's ``update`` runs through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from motrix.distributed.sync import Collectives, RunningStats, merge_many
from motrix.training.episode_stats import EpisodeStats
from motrix.training.phases import PhaseClock


@dataclass
class AgentContext:
    """What the training loop gives an agent at construction."""

    num_envs: int
    """Envs stepped together (one vectorized iteration is ``num_envs`` env-steps)."""
    run_path: Path | None = None
    """Where TensorBoard events go; None writes none (tests)."""
    start_iteration: int = 0
    """Vectorized iterations done before this invocation (resume)."""
    episode_stats: EpisodeStats | None = None
    """Per-env returns and reward terms (a fresh one when None)."""
    clock: PhaseClock = field(default_factory=PhaseClock)
    """Charged with acting, recording and updating (shared with the env wrapper)."""
    world_size: int = 1
    """Processes training together; one iteration is ``num_envs × world_size`` env-steps."""
    collectives: Collectives | None = None
    """The backend's collectives in a data-parallel run (None in one process)."""
    mirror: Any = None
    """The env's ``MirrorMaps`` when the config asks for symmetry augmentation (None: no augmentation)."""
    mirror_loss_scale: float = 0.0
    """Weight of the mirror loss (with ``mirror``)."""
    augment: bool = False
    """Train each minibatch with its mirror image too (with ``mirror``)."""


class LoopAgent:
    """Mixin for skrl's PPO: the loop's bookkeeping (see the module docstring)."""

    def _init_loop(self, context: AgentContext) -> None:
        self.num_envs = context.num_envs
        self.start_iteration = context.start_iteration
        self.episode_stats = context.episode_stats or EpisodeStats(context.num_envs)
        self.clock = context.clock
        self.world_size = context.world_size
        self.collectives = context.collectives
        self.mirror_maps = context.mirror
        self.mirror_loss_scale = context.mirror_loss_scale

    def global_env_steps(self, timestep: int) -> int:
        """Env-steps done after ``timestep`` iterations of this invocation (every rank's)."""
        return (self.start_iteration + timestep) * self.num_envs * self.world_size

    NORMALIZERS = ("observation_preprocessor", "state_preprocessor", "value_preprocessor")

    def running_stats(self, which: str) -> RunningStats | None:
        """A normalizer's statistics as host arrays (None when the config has none); per backend."""
        raise NotImplementedError

    def set_running_stats(self, which: str, stats: RunningStats) -> None:
        raise NotImplementedError

    def synced_update(self, update: Callable[..., None], **kwargs: Any) -> None:
        """``update(**kwargs)``; in a data-parallel run, then the normalizers merged over the ranks."""
        if self.collectives is None:
            update(**kwargs)
            return
        before = {which: self.running_stats(which) for which in self.NORMALIZERS}
        before = {which: stats for which, stats in before.items() if stats is not None}
        update(**kwargs)
        if before:
            pairs = [(stats, self.running_stats(which)) for which, stats in before.items()]
            for which, merged in zip(before, merge_many(pairs, self.collectives.all_sum)):  # one collective
                self.set_running_stats(which, merged)

    def learn_from_rollout(self, *, timestep: int, timesteps: int) -> None:
        """The PPO update on the full rollout memory (returns, advantages, epochs of minibatches),
        with the models in training mode, as skrl's ``post_interaction`` runs it."""
        self.enable_models_training_mode(True)
        self.update(timestep=timestep, timesteps=timesteps)
        self.enable_models_training_mode(False)

    def log(self, *, iterations: int) -> None:
        """TensorBoard curves after ``iterations`` iterations of this invocation, when due
        (every ``write_interval``, as skrl's ``post_interaction`` writes them)."""
        if iterations > 1 and self.write_interval > 0 and not iterations % self.write_interval:
            self.write_tracking_data(timestep=iterations, timesteps=0)

    def write_tracking_data(self, *, timestep: int, timesteps: int) -> None:
        step = self.global_env_steps(timestep)
        scalars = {k: float(np.mean(v)) for k, v in self.tracking_data.items() if v}
        for k, v in self.tracking_data.items():  # skrl's min/max aggregation of its own curves
            if v and k.endswith("(min)"):
                scalars[k] = float(np.min(v))
            elif v and k.endswith("(max)"):
                scalars[k] = float(np.max(v))
        if "Learning / Policy learning rate" in scalars:  # skrl's JAX name; its torch PPO says this
            scalars["Learning / Learning rate"] = scalars["Learning / Policy learning rate"]
        scalars.update(self.episode_stats.drain())
        for tag, value in scalars.items():
            self.writer.add_scalar(tag=tag, value=value, timestep=step)
        self._track_rewards.clear()
        self._track_timesteps.clear()
        self.tracking_data.clear()
