"""Policy and value networks as skrl 2.x torch models.

- ``Policy``: Gaussian, MLP → action mean, state-independent ``log_std`` parameter.
- ``Value``: deterministic, MLP → one value.
- ``SharedPolicyValue``: one MLP trunk, a mean head and a value head; the same object is
  passed to PPO as policy and value (skrl then uses one optimizer over its parameters).
"""

from __future__ import annotations

from typing import Any

import torch
from skrl.models.torch import DeterministicMixin, GaussianMixin, Model
from torch import nn

from motrix.training.checkpoint_header import space_dim

_ACTIVATIONS = {"elu": nn.ELU, "relu": nn.ReLU, "tanh": nn.Tanh}


def mlp(in_size: int, sizes: tuple[int, ...], activation: str) -> nn.Sequential:
    """Hidden layers only: Linear + activation for each width in ``sizes``."""
    layers: list[nn.Module] = []
    for size in sizes:
        layers += [nn.Linear(in_size, size), _ACTIVATIONS[activation]()]
        in_size = size
    return nn.Sequential(*layers)




class Policy(GaussianMixin, Model):
    """Gaussian policy: mean from an MLP, log std a learned vector."""

    def __init__(self, observation_space, action_space, device, *, hidden: tuple[int, ...], activation: str,
                 initial_log_std: float) -> None:
        Model.__init__(self, observation_space=observation_space, state_space=None,
                       action_space=action_space, device=device)
        GaussianMixin.__init__(self, clip_actions=False, clip_log_std=True, min_log_std=-20.0,
                               max_log_std=2.0)
        self.net = mlp(space_dim(observation_space), hidden, activation)
        self.mean = nn.Linear(hidden[-1], space_dim(action_space))
        self.log_std = nn.Parameter(torch.full((space_dim(action_space),), float(initial_log_std)))

    def compute(self, inputs: dict[str, Any], role: str = "") -> tuple[torch.Tensor, dict[str, Any]]:
        return self.mean(self.net(inputs["observations"])), {"log_std": self.log_std}


class Value(DeterministicMixin, Model):
    """State-value function: MLP → 1, of the policy's observation or, given a ``critic_space``,
    of the env's critic observation (skrl's ``states``: an asymmetric actor-critic)."""

    def __init__(self, observation_space, action_space, device, *, hidden: tuple[int, ...],
                 activation: str, critic_space=None) -> None:
        Model.__init__(self, observation_space=observation_space, state_space=critic_space,
                       action_space=action_space, device=device)
        DeterministicMixin.__init__(self, clip_actions=False)
        self.input = "states" if critic_space is not None else "observations"
        self.net = mlp(space_dim(critic_space if critic_space is not None else observation_space), hidden, activation)
        self.value = nn.Linear(hidden[-1], 1)

    def compute(self, inputs: dict[str, Any], role: str = "") -> tuple[torch.Tensor, dict[str, Any]]:
        return self.value(self.net(inputs[self.input])), {}


class SharedPolicyValue(GaussianMixin, DeterministicMixin, Model):
    """One trunk, two heads; ``role`` picks the head."""

    def __init__(self, observation_space, action_space, device, *, hidden: tuple[int, ...], activation: str,
                 initial_log_std: float) -> None:
        Model.__init__(self, observation_space=observation_space, state_space=None,
                       action_space=action_space, device=device)
        GaussianMixin.__init__(self, clip_actions=False, clip_log_std=True, min_log_std=-20.0,
                               max_log_std=2.0)
        DeterministicMixin.__init__(self, clip_actions=False)
        self.net = mlp(space_dim(observation_space), hidden, activation)
        self.mean = nn.Linear(hidden[-1], space_dim(action_space))
        self.log_std = nn.Parameter(torch.full((space_dim(action_space),), float(initial_log_std)))
        self.value = nn.Linear(hidden[-1], 1)
        # PPO asks for the policy and then the value of the very same observations tensor
        # (when acting and in each minibatch): run the trunk once for both.
        self._cached_input: torch.Tensor | None = None
        self._cached_features: torch.Tensor | None = None

    def _features(self, observations: torch.Tensor) -> torch.Tensor:
        if observations is self._cached_input:
            features = self._cached_features
            self._cached_input = self._cached_features = None  # use once
            return features
        features = self.net(observations)
        self._cached_input, self._cached_features = observations, features
        return features

    def act(self, inputs: dict[str, Any], *, role: str = "") -> tuple[torch.Tensor, dict[str, Any]]:
        if role == "policy":
            return GaussianMixin.act(self, inputs, role=role)
        if role == "value":
            return DeterministicMixin.act(self, inputs, role=role)
        raise ValueError(f"unknown role {role!r}")

    def compute(self, inputs: dict[str, Any], role: str = "") -> tuple[torch.Tensor, dict[str, Any]]:
        features = self._features(inputs["observations"])
        if role == "policy":
            return self.mean(features), {"log_std": self.log_std}
        return self.value(features), {}


def build_models(
    spec: dict[str, Any], observation_space, action_space, device: torch.device, critic_space=None
) -> dict[str, Model]:
    """``{"policy": ..., "value": ...}`` from a ``model_spec``; one object twice when shared;
    the value network reads ``critic_space`` when it is given (never with a shared trunk)."""
    policy_hidden, value_hidden = tuple(spec["policy_hidden"]), tuple(spec["value_hidden"])
    if spec["shared"]:
        shared = SharedPolicyValue(observation_space, action_space, device, hidden=policy_hidden,
                                   activation=spec["activation"], initial_log_std=spec["initial_log_std"])
        return {"policy": shared, "value": shared}
    policy = Policy(observation_space, action_space, device, hidden=policy_hidden,
                    activation=spec["activation"], initial_log_std=spec["initial_log_std"])
    value = Value(observation_space, action_space, device, hidden=value_hidden, activation=spec["activation"],
                  critic_space=critic_space)
    return {"policy": policy, "value": value}
