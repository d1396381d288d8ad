"""A trained policy for acting: NumPy observations in, deterministic (mean) actions out.

``MeanActions`` is the one code path from observations to actions, used by the live agent
(for the checkpoint's probe) and by a policy loaded from a checkpoint (``motrix play``), so
that the two can be compared exactly.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from motrix.errors import CheckpointError
from motrix.export.arrays import Normalizer, PolicyArrays
from motrix.training.checkpoint_header import check_env, space_dim
from motrix.training.policy import PROBE_SIZE, CheckpointPolicy, probe_observations
from motrix_backend_jax import checkpoint
from motrix_backend_jax.models import build_models

# PROBE_SIZE and probe_observations live in the core; re-exported for trainers and tests.
__all__ = ["PROBE_SIZE", "MeanActions", "TrainedPolicy", "probe", "probe_observations"]


class MeanActions:
    """``fn(params, scaler, obs)``: the Gaussian policy's mean for ``obs``, one compiled program.

    Observations are normalized as in training (``scaler`` a ``RunningStandardScaler`` or
    None), without updating its statistics. Built once per policy model, so that the live
    agent (for its checkpoints' probe) and a reloaded policy compile it once each.
    """

    def __init__(self, policy: Any) -> None:
        apply = policy.apply

        @partial(jax.jit, static_argnames=("clip", "eps"))
        def run(params, stats, obs, clip=None, eps=None):
            x = obs
            if stats is not None:
                mean, var, _ = stats
                x = jnp.clip((obs - mean) / (jnp.sqrt(var) + eps), -clip, clip)
            mean_action, _ = apply(params, {"observations": x}, "policy")
            return mean_action

        self._run = run

    def __call__(self, params: Any, scaler: Any | None, obs: Any) -> jax.Array:
        if scaler is None:
            return self._run(params, None, obs)
        stats = (scaler.running_mean, scaler.running_variance, scaler.current_count)
        return self._run(params, stats, obs, clip=float(scaler.clip_threshold), eps=float(scaler.epsilon))


def probe(mean_actions: MeanActions, params: Any, scaler: Any | None, obs_dim: int) -> dict:
    """``{"observations": [...], "actions": [...]}`` of the live policy (plain lists)."""
    obs = probe_observations(obs_dim)
    actions = np.asarray(mean_actions(params, scaler, jnp.asarray(obs)))
    return {"observations": obs.tolist(), "actions": actions.astype(np.float64).tolist()}


class TrainedPolicy(CheckpointPolicy):
    """A JAX checkpoint's policy: ``policy(obs (N, obs_dim)) -> actions (N, act_dim)``, deterministic."""

    def __init__(self, path: Path, env_name: str, observation_space, action_space, device: Any = None,
                 loaded: tuple[dict, dict] | None = None) -> None:
        """``loaded``: the ``(header, state)`` of ``checkpoint.load(path)`` when already read."""
        from skrl.resources.preprocessors.jax import RunningStandardScaler

        self.device = device if device is not None else jax.devices()[0]
        path = Path(path)
        header, state = loaded if loaded is not None else checkpoint.load(path)
        check_env(header, path, env_name, space_dim(observation_space), space_dim(action_space))
        spec = header.get("model")
        if not isinstance(spec, dict):
            raise CheckpointError(f"checkpoint {path} does not describe its networks")
        super().__init__(path, header)
        try:
            self.policy = build_models(spec, observation_space, action_space, self.device,
                                       key=jax.random.PRNGKey(0))["policy"]
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(f"checkpoint {self.path} describes networks motrix cannot build: {exc}") from None
        self.params = jax.device_put(
            checkpoint.restore_tree(self.policy.state_dict.params, state.get("policy"), self.path, "policy"),
            self.device)
        self.mean_actions = MeanActions(self.policy)
        self.scaler = None
        if "observation_preprocessor" in state:
            self.scaler = RunningStandardScaler(observation_space, device=self.device)
            stats = checkpoint.restore_tree(
                {"running_mean": self.scaler.running_mean, "running_variance": self.scaler.running_variance,
                 "current_count": self.scaler.current_count},
                state["observation_preprocessor"], self.path, "observation_preprocessor")
            stats = jax.device_put(stats, self.device)
            self.scaler.running_mean = stats["running_mean"]
            self.scaler.running_variance = stats["running_variance"]
            self.scaler.current_count = stats["current_count"]
        self._self_check()

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        x = jax.device_put(np.asarray(obs, dtype=np.float32), self.device)
        return np.asarray(self.mean_actions(self.params, self.scaler, x))

    def arrays(self) -> PolicyArrays:
        """The policy as NumPy arrays, for ``motrix export``."""
        params = jax.device_get(self.params)["params"]

        def dense(layer: dict) -> tuple[np.ndarray, np.ndarray]:
            return np.asarray(layer["kernel"], np.float32), np.asarray(layer["bias"], np.float32)

        net = params["net"]
        hidden = tuple(dense(net[f"dense_{i}"]) for i in range(len(net)))
        normalizer = None
        if self.scaler is not None:
            normalizer = Normalizer(mean=np.asarray(self.scaler.running_mean), var=np.asarray(self.scaler.running_variance),
                                    epsilon=float(self.scaler.epsilon), clip=float(self.scaler.clip_threshold))
        return PolicyArrays(hidden, dense(params["mean"]), self.header["model"]["activation"], normalizer)
