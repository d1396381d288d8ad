"""Run directories, metadata and checkpoints."""

from motrix.runs.checkpoints import CheckpointEntry, CheckpointStore
from motrix.runs.rundir import RunDir, runs_root

__all__ = ["RunDir", "runs_root", "CheckpointStore", "CheckpointEntry"]
