"""What every backend's checkpoint policy shares, free of any framework: header, probe, self-check.

A checkpoint records the live policy's actions on fixed probe observations; a policy loaded
from it must reproduce them, so that networks built differently from the saved ones fail at
load time rather than act wrongly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from motrix.errors import CheckpointError

PROBE_SIZE = 8


def probe_observations(obs_dim: int) -> np.ndarray:
    """Fixed observations whose actions a checkpoint records, to check a reload against."""
    return np.random.default_rng(1234).standard_normal((PROBE_SIZE, obs_dim)).astype(np.float32)


class CheckpointPolicy:
    """A checkpoint's policy: ``policy(obs (N, obs_dim)) -> actions (N, act_dim)``, deterministic.

    Subclasses load the networks and implement ``__call__``, then call ``_self_check()``.
    """

    def __init__(self, path: Path, header: dict[str, Any]) -> None:
        self.path = Path(path)
        self.header = header

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _self_check(self) -> None:
        """The reloaded policy must reproduce the actions the live one recorded."""
        recorded = self.recorded_probe
        if recorded is None:
            return
        obs, want = recorded
        got = self(obs)
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-4, atol=1e-5):
            raise CheckpointError(
                f"checkpoint {self.path}: the reloaded policy does not reproduce its recorded actions "
                "(networks built differently from the ones that were saved)"
            )

    @property
    def recorded_probe(self) -> tuple[np.ndarray, np.ndarray] | None:
        """``(observations, actions)`` the live policy produced when the checkpoint was saved."""
        data = self.header.get("probe")
        if not data:
            return None
        return np.asarray(data["observations"], np.float32), np.asarray(data["actions"], np.float32)

    @property
    def env_steps(self) -> int:
        """Env-steps of training behind this policy."""
        return int(self.header["env_steps"])
