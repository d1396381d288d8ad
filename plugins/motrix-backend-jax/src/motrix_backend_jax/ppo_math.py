"""PPO's arithmetic as small pure jax functions: what the JAX agent's fused programs compute.

Each function is the computation skrl 2.x's JAX PPO performs at that point (its
``RunningStandardScaler``, ``GaussianMixin``, ``_compute_gae``, ``_update_policy``,
``_update_value``, ``KLAdaptiveLR`` and ``Adam.step``), written once as a function of
arrays, so that it can be traced into one XLA program and tested on its own
(``tests/backends/test_jax_ppo_math.py`` checks each against hand-computed values).

Shapes: ``T`` rollout steps, ``N`` envs, ``B`` samples (a minibatch, or ``T * N``), ``D``
features, ``A`` action dimensions. Numbers skrl owns (the log-std clip range, the KL rule's
thresholds, the scalers' clip and epsilon) are arguments: the agent reads them from skrl's
objects.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

LOG_SQRT_2_PI = math.log(math.sqrt(2 * math.pi))
"""log √(2π), the Gaussian density's constant."""
HALF_LOG_2_PI_PLUS = 0.5 + 0.5 * math.log(2 * math.pi)
"""½ + ½·log 2π, the Gaussian entropy's constant per dimension."""

Stats = tuple[jax.Array, jax.Array, jax.Array]
"""A running scaler's state: mean ``[D]``, variance ``[D]``, sample count ``[1]``."""


# -- running standard scaler ---------------------------------------------------------------
def scaler_train(stats: Stats, x: jax.Array) -> Stats:
    """Fold a batch into the running statistics (skrl's parallel-variance update).

    Args:
        stats: ``(mean [D], variance [D], count [1])``.
        x: ``[..., D]``; every leading axis counts as samples (``[B, D]`` or ``[T, N, D]``).

    Returns:
        The new ``(mean [D], variance [D], count [1])``. The batch enters with its mean, its
        unbiased (``ddof=1``) variance and its size ``n``: ``M2 = var·count + var_x·n +
        δ²·count·n / (count + n)``, variance ``M2 / (count + n)``.
    """
    mean, var, count = stats
    x = x.reshape(-1, x.shape[-1])
    in_mean = jnp.mean(x, axis=0)
    in_var = jnp.var(x, axis=0, ddof=1)
    n = x.shape[0]
    delta = in_mean - mean
    total = count + n
    m2 = var * count + in_var * n + delta**2 * count * n / total
    return mean + delta * n / total, m2 / total, total


def scaler_apply(stats: Stats, x: jax.Array, clip: float, eps: float) -> jax.Array:
    """Standardize ``x [..., D]``: ``clip((x - mean) / (√var + eps), ±clip)``, same shape."""
    mean, var, _ = stats
    return jnp.clip((x - mean) / (jnp.sqrt(var) + eps), -clip, clip)


def scaler_inverse(stats: Stats, x: jax.Array, clip: float) -> jax.Array:
    """Undo the scaling of ``x [..., D]``: ``√var · clip(x, ±clip) + mean``, same shape."""
    mean, var, _ = stats
    return jnp.sqrt(var) * jnp.clip(x, -clip, clip) + mean


# -- diagonal Gaussian policy ----------------------------------------------------------------
def gaussian_scale(log_std: jax.Array, min_log_std: float | None, max_log_std: float | None) -> jax.Array:
    """Standard deviation ``[A]`` (or ``[B, A]``) from the log std, clipped to the model's range.

    ``min_log_std`` / ``max_log_std`` are the policy's ``GaussianMixin`` bounds
    (``None`` where the model does not clip).
    """
    if min_log_std is not None or max_log_std is not None:
        log_std = jnp.clip(log_std, min=min_log_std, max=max_log_std)
    return jnp.exp(log_std)


def gaussian_sample(key: jax.Array, mean: jax.Array, scale: jax.Array) -> jax.Array:
    """Actions ``[B, A]`` drawn from N(mean ``[B, A]``, scale ``[A]`` or ``[B, A]``)."""
    return jax.random.normal(key, mean.shape) * scale + mean


def gaussian_log_prob(actions: jax.Array, mean: jax.Array, scale: jax.Array) -> jax.Array:
    """Log-density of ``actions [B, A]`` under the diagonal Gaussian, summed over actions: ``[B, 1]``."""
    log_prob = -jnp.square(actions - mean) / (2 * jnp.square(scale)) - jnp.log(scale) - LOG_SQRT_2_PI
    return jnp.sum(log_prob, axis=-1, keepdims=True)


def gaussian_entropy(scale: jax.Array) -> jax.Array:
    """Entropy of the diagonal Gaussian, summed over actions: ``[B, A]`` → ``[B, 1]`` (``[A]`` → ``[1]``)."""
    return (HALF_LOG_2_PI_PLUS + jnp.log(scale)).sum(axis=-1, keepdims=True)


# -- advantages ------------------------------------------------------------------------------
def gae(rewards: jax.Array, values: jax.Array, not_done: jax.Array, last_values: jax.Array,
        gamma: float, lam: float) -> jax.Array:
    """Generalized advantage estimates over a rollout, last step first (``lax.scan``, reverse).

    ``A_t = r_t - V_t + γ·m_t·(V_{t+1} + λ·A_{t+1})`` with ``m_t = not_done[t]``,
    ``V_T = last_values`` and ``A_T = 0``.

    Args:
        rewards, values, not_done: ``[T, N, 1]`` (``not_done`` 0/1 or bool).
        last_values: ``[N, 1]``, the value of the observation after the last step.

    Returns:
        Advantages ``[T, N, 1]``; the returns are ``advantages + values``.
    """
    def step(carry, xs):
        advantage, next_values = carry
        reward, value, nd = xs
        advantage = reward - value + gamma * nd * (next_values + lam * advantage)
        return (advantage, value), advantage

    carry = (jnp.zeros_like(last_values), last_values)
    _, advantages = jax.lax.scan(step, carry, (rewards, values, not_done), reverse=True)
    return advantages


def standardize(x: jax.Array, eps: float = 1e-8) -> jax.Array:
    """``(x - mean) / (std + eps)`` over every element (skrl's advantage normalization), same shape."""
    return (x - x.mean()) / (x.std() + eps)


# -- losses ----------------------------------------------------------------------------------
def approx_kl(log_prob: jax.Array, old_log_prob: jax.Array) -> jax.Array:
    """Approximate KL(old ‖ new), ``mean((r - 1) - log r)``, ``r = p_new / p_old``: ``[B, 1]`` → scalar."""
    log_ratio = log_prob - old_log_prob
    return ((jnp.exp(log_ratio) - 1) - log_ratio).mean()


def clipped_policy_loss(log_prob: jax.Array, old_log_prob: jax.Array, advantages: jax.Array,
                        ratio_clip: float) -> jax.Array:
    """PPO's clipped surrogate, negated: ``-mean(min(r·A, clip(r, 1 ± ε)·A))``.

    Args:
        log_prob, old_log_prob, advantages: ``[B, 1]``.
        ratio_clip: ε.

    Returns:
        The loss, a scalar.
    """
    ratio = jnp.exp(log_prob - old_log_prob)
    surrogate = advantages * ratio
    clipped = advantages * jnp.clip(ratio, 1.0 - ratio_clip, 1.0 + ratio_clip)
    return -jnp.minimum(surrogate, clipped).mean()


def clipped_value_loss(predicted: jax.Array, old_values: jax.Array, returns: jax.Array,
                       value_clip: float, value_loss_scale: float) -> jax.Array:
    """``scale · mean((R - V)²)``, V moved at most ``value_clip`` from the rollout's value.

    Args:
        predicted, old_values, returns: ``[B, 1]``.
        value_clip: the largest change of a prediction; ``<= 0`` turns clipping off (as in skrl).
        value_loss_scale: the loss's weight.

    Returns:
        The loss, a scalar.
    """
    if value_clip > 0:
        predicted = old_values + jnp.clip(predicted - old_values, -value_clip, value_clip)
    return value_loss_scale * ((returns - predicted) ** 2).mean()


# -- learning rate and optimizer ---------------------------------------------------------------
class KLRule(NamedTuple):
    """The thresholds of skrl's ``KLAdaptiveLR`` (its keyword arguments)."""

    kl_threshold: float
    """The KL the rule aims at."""
    min_lr: float
    """The lowest learning rate it sets."""
    max_lr: float
    """The highest learning rate it sets."""
    kl_factor: float
    """KL above ``kl_threshold · kl_factor`` lowers the rate, below ``kl_threshold / kl_factor`` raises it."""
    lr_factor: float
    """What the rate is divided or multiplied by."""


def kl_adaptive_lr(rule: KLRule, lr: jax.Array, kl: jax.Array) -> jax.Array:
    """The next learning rate (a scalar) after an epoch whose mean approximate KL is ``kl``.

    Too far (``kl > thr·kf``): ``max(lr / lf, min_lr)``; too close (``kl < thr / kf``):
    ``min(lr·lf, max_lr)``; otherwise ``lr``.
    """
    thr, lo, hi, kf, lf = rule
    lowered = jnp.maximum(lr / lf, lo)
    raised = jnp.minimum(lr * lf, hi)
    return jnp.where(kl > thr * kf, lowered, jnp.where(kl < thr / kf, raised, lr))


def optimizer_step(tx: optax.GradientTransformation, params: Any, opt_state: Any, grad: Any,
                   lr: jax.Array | None = None) -> tuple[Any, Any]:
    """One step of skrl's ``Adam``: ``tx`` already holds the learning rate, or it is ``lr``.

    With a scheduler skrl builds ``tx`` without its learning-rate scaling
    (``optax.scale_by_adam``) and scales the update by ``-lr`` itself; pass that ``lr``.
    Returns the new ``(params, opt_state)``, trees shaped as the ones given.
    """
    updates, opt_state = tx.update(grad, opt_state, params)
    if lr is not None:
        updates = jax.tree_util.tree_map(lambda u: -lr * u, updates)
    return optax.apply_updates(params, updates), opt_state


def where_tree(flag: jax.Array, a: Any, b: Any) -> Any:
    """Leaf by leaf, ``a`` where the scalar ``flag`` is true, else ``b`` (a step taken or skipped)."""
    return jax.tree_util.tree_map(lambda x, y: jnp.where(flag, x, y), a, b)
