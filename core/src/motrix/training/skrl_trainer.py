"""``SkrlTrainer``: the ``Trainer`` a skrl backend registers, in a module that imports no framework.

A backend subclasses it with two methods: ``check_settings`` (its ``MOTRIX_*`` variables,
read when the core loads the trainer, before a run directory exists) and ``parts`` (sets
what must be set before its framework loads, then imports and returns its ``SkrlParts``).
Everything else is the one loop in ``skrl_loop``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from motrix.distributed.skrl_config import import_skrl
from motrix.training import skrl_loop
from motrix.training.job import PlayJob, PlayResult, TrainJob, TrainResult
from motrix.training.skrl_parts import SkrlParts


class SkrlTrainer:
    """Train, play and load policies with a backend's ``SkrlParts``."""

    def __init__(self) -> None:
        self.check_settings()

    def check_settings(self) -> None:
        """Raise ``UsageError`` for a bad tuning variable (one line, before anything is written)."""

    def parts(self) -> SkrlParts:
        raise NotImplementedError

    def _parts(self) -> SkrlParts:
        import_skrl()  # first, so that skrl does not set up a process group of its own
        return self.parts()

    def train(self, job: TrainJob) -> TrainResult:
        return skrl_loop.train(job, self._parts())

    def play(self, job: PlayJob) -> PlayResult:
        return skrl_loop.play(job, self._parts())

    def checkpoint_env_steps(self, checkpoint_path: Path) -> int:
        """The env-steps of a checkpoint whose header and digest verify (``CheckpointError`` if not)."""
        # Read onto the host: choosing the device would start the framework's runtime (JAX's
        # XLA client, CUDA) in a process that may yet have to join a process group first.
        header, _ = self._parts().read_checkpoint(Path(checkpoint_path), "cpu")
        return int(header["env_steps"])

    def load_policy(self, checkpoint_path: Path, env_name: str, env: Any) -> Any:
        """The deterministic policy of a checkpoint, for ``env`` (``CheckpointError`` if it does not fit)."""
        return skrl_loop.load_policy(self._parts(), Path(checkpoint_path), env_name, env)
