"""A deterministic MLP policy as plain NumPy arrays: what every backend hands the exporter."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Activations the exporter can write (the names ``PPOCfg.activation`` takes).
ACTIVATIONS = ("elu", "relu", "tanh")


@dataclass(frozen=True)
class Normalizer:
    """skrl's ``RunningStandardScaler`` as applied: ``clip((x - mean) / (sqrt(var) + eps), -clip, clip)``."""

    mean: np.ndarray
    """(obs_dim,) running mean."""
    var: np.ndarray
    """(obs_dim,) running variance."""
    epsilon: float
    clip: float


@dataclass(frozen=True)
class PolicyArrays:
    """``actions = clip(mean_head(mlp(normalize(obs))), action_low, action_high)``."""

    hidden: tuple[tuple[np.ndarray, np.ndarray], ...]
    """Hidden layers as ``(weight (in, out), bias (out,))``, each followed by ``activation``."""
    head: tuple[np.ndarray, np.ndarray]
    """The mean head ``(weight (in, act_dim), bias (act_dim,))``."""
    activation: str
    normalizer: Normalizer | None = None
    """Observation normalizer; None when the policy sees raw observations."""

    def __post_init__(self) -> None:
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation {self.activation!r} cannot be exported (one of {', '.join(ACTIVATIONS)})")

    @property
    def obs_dim(self) -> int:
        return int((self.hidden[0][0] if self.hidden else self.head[0]).shape[0])

    @property
    def action_dim(self) -> int:
        return int(self.head[0].shape[1])

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        """The same function in NumPy (float64), to check a graph against by hand."""
        x = np.asarray(obs, dtype=np.float64)
        if self.normalizer is not None:
            n = self.normalizer
            x = np.clip((x - n.mean) / (np.sqrt(n.var) + n.epsilon), -n.clip, n.clip)
        act = {"elu": lambda v: np.where(v > 0, v, np.expm1(np.minimum(v, 0))), "relu": lambda v: np.maximum(v, 0),
               "tanh": np.tanh}[self.activation]
        for weight, bias in self.hidden:
            x = act(x @ weight + bias)
        return x @ self.head[0] + self.head[1]
