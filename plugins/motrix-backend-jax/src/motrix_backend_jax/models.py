"""Policy and value networks as skrl 2.x JAX models (flax.linen modules).

- ``Policy``: Gaussian, MLP → action mean, state-independent ``log_std`` parameter.
- ``Value``: deterministic, MLP → one value.
- ``SharedPolicyValue``: one MLP trunk, a mean head and a value head; the same object is
  passed to PPO as policy and value (``role`` picks the head).

skrl's JAX models keep their parameters outside the module, in ``model.state_dict``
(a ``StateDict`` with ``params``); ``build_models`` calls ``init_state_dict(role=...)`` on
each model, as skrl 2.x requires before the agent is built. Layer sizes, activation and the
initial log std are flax dataclass fields, so that the clones flax makes on ``apply`` keep them.
"""

from __future__ import annotations

from typing import Any

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
from skrl.models.jax import DeterministicMixin, GaussianMixin, Model

from motrix.training.checkpoint_header import space_dim

from motrix_backend_jax.distributed import ProcessMean


def elu(x: jax.Array) -> jax.Array:
    """ELU (alpha 1) as ``exp(x) - 1`` below zero rather than ``expm1(x)``.

    XLA's CPU ``expm1`` is about twice as slow as ``exp``, and ELU was a quarter of a PPO
    update's time on cartpole. The two differ by at most ~6e-8 (float32), far below
    anything training can tell apart; the gradient is exact.
    """
    return jnp.where(x > 0, x, jnp.exp(jnp.minimum(x, 0.0)) - 1.0)


_ACTIVATIONS = {"elu": elu, "relu": nn.relu, "tanh": nn.tanh}


def dense(features: int, fan_in: int, name: str) -> nn.Dense:
    """A Dense layer initialised as ``torch.nn.Linear`` is: weights and biases U(±1/√fan_in).

    flax's default (LeCun-normal weights, zero biases) starts the policy with action means
    about 1.7× larger; with torch's scheme the two backends start from the same distribution
    of networks, so that one config gives comparable runs on both.
    """
    bound = 1.0 / np.sqrt(fan_in)

    def bias_init(key, shape, dtype=jnp.float32):
        return jax.random.uniform(key, shape, dtype, -bound, bound)

    return nn.Dense(features, name=name, kernel_init=nn.initializers.variance_scaling(1 / 3, "fan_in", "uniform"),
                    bias_init=bias_init)


class MLP(nn.Module):
    """Hidden layers only: Dense + activation for each width in ``sizes``."""

    sizes: tuple[int, ...]
    activation: str = "elu"

    @nn.compact
    def __call__(self, x: jax.Array) -> jax.Array:
        act = _ACTIVATIONS[self.activation]
        for i, size in enumerate(self.sizes):
            x = act(dense(size, x.shape[-1], f"dense_{i}")(x))
        return x




class _HostInit:
    """``init_state_dict`` as skrl's, the parameters drawn with NumPy instead of traced by flax.

    skrl runs flax's ``Module.init`` eagerly: every initializer of every layer is compiled
    as its own tiny XLA program (~4 s for two 64-64 MLPs on a 2-core CPU); even as one
    jitted ``init``, tracing and compiling it cost ~0.5 s per model per run. The layout is
    ours and simple, so the parameters are drawn directly, with the scheme ``dense``
    declares (U(±1/√fan_in) for weights and biases, ``initial_log_std`` for the log std),
    from a NumPy generator seeded by ``key``. The tree is exactly the one ``init`` builds
    (a test checks it), so ``apply`` takes it as is.
    """

    def init_state_dict(self, inputs: dict[str, Any] | None = None, *, role: str = "",
                        key: jax.Array | None = None) -> None:
        from skrl import config
        from skrl.models.jax.base import StateDict

        if key is None:
            key = config.jax.key
        key_data = jax.random.key_data(key) if jnp.issubdtype(key.dtype, jax.dtypes.prng_key) else key
        rng = np.random.default_rng(np.asarray(key_data, dtype=np.uint32).tolist())

        def dense_params(fan_in: int, features: int) -> dict[str, np.ndarray]:
            bound = 1.0 / np.sqrt(fan_in)
            return {"kernel": rng.uniform(-bound, bound, (fan_in, features)).astype(np.float32),
                    "bias": rng.uniform(-bound, bound, (features,)).astype(np.float32)}

        params: dict[str, Any] = {}
        fan_in = getattr(self, "num_inputs", self.num_observations)
        net = {}
        for i, size in enumerate(self.hidden):
            net[f"dense_{i}"] = dense_params(fan_in, size)
            fan_in = size
        params["net"] = net
        heads = self._heads()
        if "mean" in heads:
            params["mean"] = dense_params(fan_in, self.num_actions)
            params["log_std"] = np.full((self.num_actions,), self.initial_log_std, np.float32)
        if "value" in heads:
            params["value"] = dense_params(fan_in, 1)
        tree = jax.device_put({"params": params}, self.device)
        self.state_dict = StateDict.create(apply_fn=self.apply, params=tree)


class Policy(_HostInit, ProcessMean, GaussianMixin, Model):
    """Gaussian policy: mean from an MLP, log std a learned vector."""

    hidden: tuple[int, ...] = (64, 64)
    activation: str = "elu"
    initial_log_std: float = 0.0

    def __init__(self, observation_space=None, action_space=None, device=None, *, hidden=(64, 64),
                 activation="elu", initial_log_std=0.0, state_space=None, parent=None, name=None) -> None:
        Model.__init__(self, observation_space=observation_space, state_space=state_space,
                       action_space=action_space, device=device, parent=parent, name=name)
        self.hidden = tuple(hidden)
        self.activation = activation
        self.initial_log_std = float(initial_log_std)
        GaussianMixin.__init__(self, clip_actions=False, clip_log_std=True, min_log_std=-20.0, max_log_std=2.0)

    @staticmethod
    def _heads() -> tuple[str, ...]:
        return ("mean",)

    @nn.compact
    def __call__(self, inputs: dict[str, Any], role: str = "") -> tuple[jax.Array, dict[str, Any]]:
        x = MLP(self.hidden, self.activation, name="net")(inputs["observations"])
        mean = dense(self.num_actions, x.shape[-1], "mean")(x)
        log_std = self.param("log_std", lambda _: jnp.full((self.num_actions,), self.initial_log_std, jnp.float32))
        return mean, {"log_std": log_std}


class Value(_HostInit, ProcessMean, DeterministicMixin, Model):
    """State-value function: MLP → 1, of the policy's observation or, with a ``state_space``,
    of the env's critic observation (skrl's ``states``: an asymmetric actor-critic)."""

    hidden: tuple[int, ...] = (64, 64)
    activation: str = "elu"
    critic: bool = False

    def __init__(self, observation_space=None, action_space=None, device=None, *, hidden=(64, 64),
                 activation="elu", state_space=None, critic=None, parent=None, name=None) -> None:
        Model.__init__(self, observation_space=observation_space, state_space=state_space,
                       action_space=action_space, device=device, parent=parent, name=name)
        self.hidden = tuple(hidden)
        self.activation = activation
        self.critic = state_space is not None if critic is None else bool(critic)  # flax's clones pass it
        DeterministicMixin.__init__(self, clip_actions=False)

    @property
    def num_inputs(self) -> int:
        return self.num_states if self.critic else self.num_observations

    @staticmethod
    def _heads() -> tuple[str, ...]:
        return ("value",)

    @nn.compact
    def __call__(self, inputs: dict[str, Any], role: str = "") -> tuple[jax.Array, dict[str, Any]]:
        x = MLP(self.hidden, self.activation, name="net")(inputs["states" if self.critic else "observations"])
        return dense(1, x.shape[-1], "value")(x), {}


class SharedPolicyValue(_HostInit, ProcessMean, GaussianMixin, DeterministicMixin, Model):
    """One trunk, two heads; ``role`` picks the head (both are created whatever the role)."""

    hidden: tuple[int, ...] = (64, 64)
    activation: str = "elu"
    initial_log_std: float = 0.0

    def __init__(self, observation_space=None, action_space=None, device=None, *, hidden=(64, 64),
                 activation="elu", initial_log_std=0.0, state_space=None, parent=None, name=None) -> None:
        Model.__init__(self, observation_space=observation_space, state_space=state_space,
                       action_space=action_space, device=device, parent=parent, name=name)
        self.hidden = tuple(hidden)
        self.activation = activation
        self.initial_log_std = float(initial_log_std)
        # What DeterministicMixin.__init__ sets (values are not clipped); not called itself, because
        # each skrl mixin ends its __init__ by freezing the flax module.
        self._d_clip_actions = False
        self._d_min_actions = self._d_max_actions = None
        GaussianMixin.__init__(self, clip_actions=False, clip_log_std=True, min_log_std=-20.0, max_log_std=2.0)

    def act(self, inputs: dict[str, Any], *, role: str = "", params=None) -> tuple[jax.Array, dict[str, Any]]:
        if role == "policy":
            return GaussianMixin.act(self, inputs, role=role, params=params)
        if role == "value":
            return DeterministicMixin.act(self, inputs, role=role, params=params)
        raise ValueError(f"unknown role {role!r}")

    @staticmethod
    def _heads() -> tuple[str, ...]:
        return ("mean", "value")

    @nn.compact
    def __call__(self, inputs: dict[str, Any], role: str = "") -> tuple[jax.Array, dict[str, Any]]:
        x = MLP(self.hidden, self.activation, name="net")(inputs["observations"])
        mean = dense(self.num_actions, x.shape[-1], "mean")(x)
        value = dense(1, x.shape[-1], "value")(x)
        log_std = self.param("log_std", lambda _: jnp.full((self.num_actions,), self.initial_log_std, jnp.float32))
        if role == "value":
            return value, {}
        return mean, {"log_std": log_std}


def build_models(spec: dict[str, Any], observation_space, action_space, device=None,
                 key: jax.Array | None = None, critic_space=None) -> dict[str, Model]:
    """``{"policy": ..., "value": ...}`` from a ``model_spec``, each with ``init_state_dict`` done.

    One object twice when shared. ``key`` seeds the initial weights (default: skrl's
    ``config.jax.key``, which ``skrl.utils.set_seed`` sets). The value network reads
    ``critic_space`` when it is given (never with a shared trunk).
    """
    from skrl import config

    key = config.jax.key if key is None else key
    policy_key, value_key = jax.random.split(key)
    obs = jnp.zeros((1, space_dim(observation_space)), jnp.float32)
    inputs = {"observations": obs}
    policy_hidden, value_hidden = tuple(spec["policy_hidden"]), tuple(spec["value_hidden"])
    if spec["shared"]:
        shared = SharedPolicyValue(observation_space, action_space, device, hidden=policy_hidden,
                                   activation=spec["activation"], initial_log_std=spec["initial_log_std"])
        shared.init_state_dict(inputs, role="policy", key=policy_key)
        return {"policy": shared, "value": shared}
    policy = Policy(observation_space, action_space, device, hidden=policy_hidden,
                    activation=spec["activation"], initial_log_std=spec["initial_log_std"])
    value = Value(observation_space, action_space, device, hidden=value_hidden, activation=spec["activation"],
                  state_space=critic_space)
    policy.init_state_dict(inputs, role="policy", key=policy_key)
    value.init_state_dict(inputs, role="value", key=value_key)
    return {"policy": policy, "value": value}
