"""PPO's arithmetic as small pure torch functions: the same spec as the JAX backend's ``ppo_math``.

One function per step of the algorithm, with the JAX module's names, arguments and shapes,
so that both backends compute one PPO (``tests/backends/test_ppo_math.py`` runs the same
hand-worked values through both, and checks each against skrl where skrl has the same
computation). The torch agent's update (``agent.py``) is written with them.

Shapes: ``T`` rollout steps, ``N`` envs, ``B`` samples (a minibatch, or ``T * N``), ``D``
features, ``A`` action dimensions. Numbers skrl owns (the log-std clip range, the KL rule's
thresholds, the scalers' clip and epsilon) are arguments.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch

LOG_SQRT_2_PI = math.log(math.sqrt(2 * math.pi))
"""log √(2π), the Gaussian density's constant."""
HALF_LOG_2_PI_PLUS = 0.5 + 0.5 * math.log(2 * math.pi)
"""½ + ½·log 2π, the Gaussian entropy's constant per dimension."""

Stats = tuple[torch.Tensor, torch.Tensor, torch.Tensor]
"""A running scaler's state: mean ``[D]``, variance ``[D]``, sample count ``[1]``."""


# -- running standard scaler ---------------------------------------------------------------
def scaler_train(stats: Stats, x: torch.Tensor) -> Stats:
    """Fold a batch into the running statistics (skrl's parallel-variance update).

    Args:
        stats: ``(mean [D], variance [D], count [1])``.
        x: ``[..., D]``; every leading axis counts as samples.

    Returns:
        The new ``(mean [D], variance [D], count [1])``: ``M2 = var·count + var_x·n +
        δ²·count·n / (count + n)``, variance ``M2 / (count + n)``, the batch's variance unbiased.
    """
    mean, var, count = stats
    x = x.reshape(-1, x.shape[-1])
    in_var, in_mean = torch.var_mean(x, dim=0, correction=1)
    n = x.shape[0]
    delta = in_mean - mean
    total = count + n
    m2 = var * count + in_var * n + delta**2 * count * n / total
    return mean + delta * n / total, m2 / total, total


def scaler_apply(stats: Stats, x: torch.Tensor, clip: float, eps: float) -> torch.Tensor:
    """Standardize ``x [..., D]``: ``clip((x - mean) / (√var + eps), ±clip)``, same shape."""
    mean, var, _ = stats
    return torch.clamp((x - mean) / (torch.sqrt(var) + eps), min=-clip, max=clip)


def scaler_inverse(stats: Stats, x: torch.Tensor, clip: float) -> torch.Tensor:
    """Undo the scaling of ``x [..., D]``: ``√var · clip(x, ±clip) + mean``, same shape."""
    mean, var, _ = stats
    return torch.sqrt(var) * torch.clamp(x, min=-clip, max=clip) + mean


# -- diagonal Gaussian policy ----------------------------------------------------------------
def gaussian_scale(log_std: torch.Tensor, min_log_std: float | None, max_log_std: float | None) -> torch.Tensor:
    """Standard deviation ``[A]`` (or ``[B, A]``) from the log std, clipped to the model's range."""
    if min_log_std is not None or max_log_std is not None:
        log_std = torch.clamp(log_std, min=min_log_std, max=max_log_std)
    return log_std.exp()


def gaussian_sample(generator: torch.Generator | None, mean: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """Actions ``[B, A]`` drawn from N(mean ``[B, A]``, scale ``[A]`` or ``[B, A]``)."""
    noise = torch.randn(mean.shape, generator=generator, dtype=mean.dtype, device=mean.device)
    return noise * scale + mean


def gaussian_log_prob(actions: torch.Tensor, mean: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """Log-density of ``actions [B, A]`` under the diagonal Gaussian, summed over actions: ``[B, 1]``."""
    log_prob = -((actions - mean) ** 2) / (2 * scale**2) - scale.log() - LOG_SQRT_2_PI
    return log_prob.sum(dim=-1, keepdim=True)


def gaussian_entropy(scale: torch.Tensor) -> torch.Tensor:
    """Entropy of the diagonal Gaussian, summed over actions: ``[B, A]`` → ``[B, 1]`` (``[A]`` → ``[1]``)."""
    return (HALF_LOG_2_PI_PLUS + scale.log()).sum(dim=-1, keepdim=True)


# -- advantages ------------------------------------------------------------------------------
def gae(rewards: torch.Tensor, values: torch.Tensor, not_done: torch.Tensor, last_values: torch.Tensor,
        gamma: float, lam: float) -> torch.Tensor:
    """Generalized advantage estimates over a rollout, last step first.

    ``A_t = r_t - V_t + γ·m_t·(V_{t+1} + λ·A_{t+1})`` with ``m_t = not_done[t]``,
    ``V_T = last_values`` and ``A_T = 0``.

    Args:
        rewards, values, not_done: ``[T, N, 1]`` (``not_done`` 0/1 or bool).
        last_values: ``[N, 1]``, the value of the observation after the last step.

    Returns:
        Advantages ``[T, N, 1]``; the returns are ``advantages + values``.
    """
    advantages = torch.zeros_like(rewards)
    advantage = torch.zeros_like(last_values)
    next_values = last_values
    for t in reversed(range(rewards.shape[0])):
        advantage = rewards[t] - values[t] + gamma * not_done[t] * (next_values + lam * advantage)
        advantages[t] = advantage
        next_values = values[t]
    return advantages


def standardize(x: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """``(x - mean) / (std + eps)`` over every element, same shape.

    The std is the unbiased one, as skrl's torch PPO takes it (its JAX PPO takes the
    population std: the two differ by a factor √(n / (n - 1)), 1.0001 for 5,000 samples).
    """
    return (x - x.mean()) / (x.std() + eps)


# -- losses ----------------------------------------------------------------------------------
def approx_kl(log_prob: torch.Tensor, old_log_prob: torch.Tensor) -> torch.Tensor:
    """Approximate KL(old ‖ new), ``mean((r - 1) - log r)``, ``r = p_new / p_old``: ``[B, 1]`` → scalar."""
    log_ratio = log_prob - old_log_prob
    return ((log_ratio.exp() - 1) - log_ratio).mean()


def clipped_policy_loss(log_prob: torch.Tensor, old_log_prob: torch.Tensor, advantages: torch.Tensor,
                        ratio_clip: float) -> torch.Tensor:
    """PPO's clipped surrogate, negated: ``-mean(min(r·A, clip(r, 1 ± ε)·A))``; ``[B, 1]`` → scalar."""
    ratio = torch.exp(log_prob - old_log_prob)
    surrogate = advantages * ratio
    clipped = advantages * torch.clip(ratio, 1.0 - ratio_clip, 1.0 + ratio_clip)
    return -torch.min(surrogate, clipped).mean()


def clipped_value_loss(predicted: torch.Tensor, old_values: torch.Tensor, returns: torch.Tensor,
                       value_clip: float, value_loss_scale: float) -> torch.Tensor:
    """``scale · mean((R - V)²)``, V moved at most ``value_clip`` from the rollout's value
    (``<= 0`` turns clipping off); ``[B, 1]`` → scalar."""
    if value_clip > 0:
        predicted = old_values + torch.clip(predicted - old_values, min=-value_clip, max=value_clip)
    return value_loss_scale * torch.nn.functional.mse_loss(returns, predicted)


# -- learning rate ---------------------------------------------------------------------------
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


def kl_adaptive_lr(rule: KLRule, lr: float, kl: float) -> float:
    """The next learning rate after an epoch whose mean approximate KL is ``kl``.

    Too far (``kl > thr·kf``): ``max(lr / lf, min_lr)``; too close (``kl < thr / kf``):
    ``min(lr·lf, max_lr)``; otherwise ``lr``.
    """
    thr, lo, hi, kf, lf = rule
    if kl > thr * kf:
        return max(lr / lf, lo)
    if kl < thr / kf:
        return min(lr * lf, hi)
    return lr
