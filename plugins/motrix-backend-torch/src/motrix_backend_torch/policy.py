"""A trained policy for acting: NumPy observations in, deterministic (mean) actions out.

``mean_actions`` is the one code path from observations to actions, used by the live agent
(for the checkpoint's probe) and by a policy loaded from a checkpoint (``motrix play``), so
that the two can be compared exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from motrix.errors import CheckpointError
from motrix.export.arrays import Normalizer, PolicyArrays
from motrix.training.checkpoint_header import check_env, space_dim
from motrix.training.policy import PROBE_SIZE, CheckpointPolicy, probe_observations
from motrix_backend_torch import checkpoint
from motrix_backend_torch.models import build_models

# PROBE_SIZE and probe_observations live in the core; re-exported for trainers and tests.
__all__ = ["PROBE_SIZE", "TrainedPolicy", "load_module", "mean_actions", "probe", "probe_observations"]


@torch.inference_mode()
def mean_actions(policy: torch.nn.Module, scaler: torch.nn.Module | None, obs: torch.Tensor) -> torch.Tensor:
    """The Gaussian policy's mean for ``obs`` (normalized as in training, without updating stats).

    ``compute`` rather than ``act``: the same mean (our models do not clip it) without drawing
    a sample, so probing the live policy at a checkpoint leaves the training RNG untouched.
    """
    x = scaler(obs) if scaler is not None else obs
    mean, _ = policy.compute({"observations": x}, role="policy")
    return mean


def probe(
    policy: torch.nn.Module, scaler: torch.nn.Module | None, obs_dim: int, device: torch.device
) -> dict:
    """``{"observations": [...], "actions": [...]}`` of the live policy (plain lists)."""
    obs = probe_observations(obs_dim)
    actions = mean_actions(policy, scaler, torch.as_tensor(obs, device=device))
    return {"observations": obs.tolist(), "actions": actions.cpu().numpy().astype(np.float64).tolist()}


def load_module(module: torch.nn.Module, state: dict[str, Any], path: Path, name: str) -> None:
    """``load_state_dict`` with a one-line ``CheckpointError`` when shapes or keys differ."""
    try:
        module.load_state_dict(state)
    except (RuntimeError, KeyError, TypeError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise CheckpointError(f"checkpoint {path}: {name} does not fit the networks: {first[:160]}") from None


class TrainedPolicy(CheckpointPolicy):
    """A torch checkpoint's policy: ``policy(obs (N, obs_dim)) -> actions (N, act_dim)``, deterministic."""

    def __init__(self, path: Path, env_name: str, observation_space, action_space,
                 device: torch.device | str = "cpu", loaded: tuple[dict, dict] | None = None) -> None:
        """``loaded``: the ``(header, state)`` of ``checkpoint.load(path)`` when already read."""
        self.device = torch.device(device)
        path = Path(path)
        header, state = loaded if loaded is not None else checkpoint.load(path, self.device)
        check_env(header, path, env_name, space_dim(observation_space), space_dim(action_space))
        super().__init__(path, header)
        self.policy = build_models(header["model"], observation_space, action_space, self.device)["policy"]
        load_module(self.policy, state["policy"], self.path, "policy")
        self.policy.to(self.device).eval()
        self.scaler = None
        if "observation_preprocessor" in state:
            from skrl.resources.preprocessors.torch import RunningStandardScaler

            self.scaler = RunningStandardScaler(observation_space, device=self.device)
            load_module(self.scaler, state["observation_preprocessor"], self.path, "observation_preprocessor")
        self._self_check()

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        x = torch.as_tensor(obs, dtype=torch.float32, device=self.device)
        return mean_actions(self.policy, self.scaler, x).cpu().numpy()

    def arrays(self) -> PolicyArrays:
        """The policy as NumPy arrays, for ``motrix export``."""
        def linear(layer: torch.nn.Linear) -> tuple[np.ndarray, np.ndarray]:
            return layer.weight.detach().cpu().numpy().T.copy(), layer.bias.detach().cpu().numpy().copy()

        hidden = tuple(linear(m) for m in self.policy.net if isinstance(m, torch.nn.Linear))
        normalizer = None
        if self.scaler is not None:
            normalizer = Normalizer(mean=self.scaler.running_mean.cpu().numpy(),
                                    var=self.scaler.running_variance.cpu().numpy(),
                                    epsilon=float(self.scaler.epsilon), clip=float(self.scaler.clip_threshold))
        return PolicyArrays(hidden, linear(self.policy.mean), self.header["model"]["activation"], normalizer)
