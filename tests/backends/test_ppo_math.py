"""One PPO spec: each backend's ``ppo_math`` against the same values worked out by hand.

The torch and JAX backends write PPO's arithmetic as the same pure functions (names,
arguments, shapes). Every test here runs on both with the same numbers, small enough to
follow on paper (the working is in the comments), and, where skrl has the computation as a
callable for that framework, against skrl too. The whole update is checked against skrl's
PPO step by step in ``test_torch_update.py`` and ``test_jax_agent.py``; JAX-only pieces
(Adam through optax, tree helpers, gradients through ``jax.grad``) in ``test_jax_ppo_math.py``.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
from types import SimpleNamespace

import numpy as np
import pytest

LOG_2PI = math.log(2 * math.pi)


def _backend(name: str) -> SimpleNamespace:
    if importlib.util.find_spec(f"motrix_backend_{name}") is None or importlib.util.find_spec(name) is None:
        pytest.skip(f"backend {name} is not installed")
    pm = importlib.import_module(f"motrix_backend_{name}.ppo_math")
    if name == "torch":
        import torch

        def arr(*rows, dtype=None):
            return torch.tensor(rows, dtype=dtype or torch.float32)

        return SimpleNamespace(name=name, pm=pm, arr=arr, bool_dtype=torch.bool, lib=torch)
    import jax.numpy as jnp

    def arr(*rows, dtype=None):
        return jnp.asarray(rows, dtype=dtype or jnp.float32)

    return SimpleNamespace(name=name, pm=pm, arr=arr, bool_dtype=jnp.bool_, lib=jnp)


@pytest.fixture(params=["torch", "jax"])
def be(request) -> SimpleNamespace:
    return _backend(request.param)


def close(actual, expected, tol=1e-6):
    to_np = (lambda x: x.detach().numpy()) if hasattr(actual, "detach") else np.asarray
    np.testing.assert_allclose(np.asarray(to_np(actual), np.float64), np.asarray(expected, np.float64),
                               rtol=tol, atol=tol)


def column(be, *xs):
    return be.arr(*xs).reshape(-1, 1, 1)  # [T, N=1, 1]


# -- running scaler ----------------------------------------------------------------------------
def initial(be):
    """The state a new skrl ``RunningStandardScaler`` starts from: mean 0, variance 1, count 1."""
    return be.arr(0.0), be.arr(1.0), be.arr(1.0)


def test_scaler_train_one_batch(be):
    # x = 1, 2, 3: mean 2, unbiased variance 1, n 3; δ = 2, total 4,
    # M2 = 1·1 + 1·3 + 2²·1·3/4 = 7  →  mean 0 + 2·3/4 = 1.5, variance 7/4
    mean, var, count = be.pm.scaler_train(initial(be), be.arr([1.0], [2.0], [3.0]))
    close(mean, [1.5])
    close(var, [1.75])
    close(count, [4.0])


def test_scaler_train_two_batches_is_the_pooled_statistics_of_their_concatenation(be):
    a, b = be.arr([1.0], [3.0]), be.arr([5.0], [7.0], [9.0])  # A: mean 2, var 2, n 2; B: mean 7, var 4, n 3
    stats = be.pm.scaler_train(be.pm.scaler_train(initial(be), a), b)
    # [prior (0), 1, 3, 5, 7, 9] has mean 25/6; each part enters with n·var (1·1 + 2·2 + 3·4 = 17)
    # plus n·(its mean - 25/6)² (625/36 + 338/36 + 867/36): variance (17 + 1830/36) / 6 = 407/36
    close(stats[0], [25 / 6])
    close(stats[1], [407 / 36], tol=1e-5)
    close(stats[2], [6.0])


def test_scaler_apply_and_inverse(be):
    stats = (be.arr(1.0, -1.0), be.arr(4.0, 0.25), be.arr(10.0))  # std 2 and 0.5
    # (3 - 1) / 2 = 1, (0 + 1) / 0.5 = 2; clip 1.5 caps the second
    close(be.pm.scaler_apply(stats, be.arr([3.0, 0.0]), clip=5.0, eps=0.0), [[1.0, 2.0]])
    close(be.pm.scaler_apply(stats, be.arr([3.0, 0.0]), clip=1.5, eps=0.0), [[1.0, 1.5]])
    # eps is added to the std: (3 - 1) / (2 + 2) = 0.5
    close(be.pm.scaler_apply(stats, be.arr([3.0, -1.0]), clip=5.0, eps=2.0), [[0.5, 0.0]])
    # 2·1 + 1 = 3, 0.5·2 - 1 = 0; clip 1.5 first: 0.5·1.5 - 1 = -0.25
    close(be.pm.scaler_inverse(stats, be.arr([1.0, 2.0]), clip=5.0), [[3.0, 0.0]])
    close(be.pm.scaler_inverse(stats, be.arr([1.0, 2.0]), clip=1.5), [[3.0, -0.25]])


def test_scaler_train_is_skrls_running_standard_scaler(be):
    rng = np.random.default_rng(0)
    if be.name == "torch":
        from skrl.resources.preprocessors.torch import RunningStandardScaler

        scaler = RunningStandardScaler(size=2, device="cpu")
    else:
        import jax
        from skrl.resources.preprocessors.jax import RunningStandardScaler

        scaler = RunningStandardScaler(size=2, device=jax.devices("cpu")[0])
    stats = (scaler.running_mean, scaler.running_variance, scaler.current_count)
    for i in range(3):
        x = be.arr(*(rng.normal(size=(7, 2)) * (i + 1) + i).tolist())
        scaled = scaler(x, train=True)
        stats = be.pm.scaler_train(stats, x)
        close(be.pm.scaler_apply(stats, x, scaler.clip_threshold, scaler.epsilon), scaled, tol=1e-5)
    close(stats[0], scaler.running_mean, tol=1e-5)
    close(stats[1], scaler.running_variance, tol=1e-5)


# -- Gaussian ------------------------------------------------------------------------------------
def test_gaussian_scale_clips_to_the_range_given_and_only_then(be):
    log_std = be.arr(-30.0, 0.0, 5.0)
    close(be.pm.gaussian_scale(log_std, -20.0, 2.0), np.exp([-20.0, 0.0, 2.0]))
    close(be.pm.gaussian_scale(log_std, -1.0, None), np.exp([-1.0, 0.0, 5.0]))
    close(be.pm.gaussian_scale(log_std, None, None), np.exp([-30.0, 0.0, 5.0]))


def test_gaussian_log_prob_of_a_known_gaussian(be):
    # N(0, 1) at 1: -1/2 - log√2π;  N(1, 2²) at 1: -log 2 - log√2π;  summed over the two
    log_prob = be.pm.gaussian_log_prob(be.arr([1.0, 1.0]), be.arr([0.0, 1.0]), be.arr(1.0, 2.0))
    assert tuple(log_prob.shape) == (1, 1)
    close(log_prob, [[-0.5 - math.log(2) - LOG_2PI]])
    # at the mean of N(0, σ) with σ = e⁻¹: -log σ - log√2π = 1 - ½·log 2π
    close(be.pm.gaussian_log_prob(be.arr([0.0]), be.arr([0.0]), be.arr(math.exp(-1))), [[1 - 0.5 * LOG_2PI]])


def test_gaussian_entropy(be):
    # ½·log(2πe σ²) per dimension: σ = 1 and σ = 2 give 1 + log 2π + log 2 together
    close(be.pm.gaussian_entropy(be.arr(1.0, 2.0)), [1 + LOG_2PI + math.log(2)])
    close(be.pm.gaussian_entropy(be.arr([1.0, 2.0], [1.0, 1.0])), [[1 + LOG_2PI + math.log(2)], [1 + LOG_2PI]])


def test_gaussian_log_prob_and_entropy_are_torch_normals():
    torch = _backend("torch").lib
    pm = _backend("torch").pm
    mean, scale = torch.tensor([[0.2, -1.0], [1.5, 0.0]]), torch.tensor([0.3, 2.0])
    actions = torch.tensor([[0.0, 0.5], [1.0, -3.0]])
    normal = torch.distributions.Normal(mean, scale)
    assert torch.equal(pm.gaussian_log_prob(actions, mean, scale), normal.log_prob(actions).sum(-1, keepdim=True))
    close(pm.gaussian_entropy(scale.expand(2, 2)), normal.entropy().sum(-1, keepdim=True).numpy())


# -- GAE -------------------------------------------------------------------------------------------
def test_gae_three_steps_by_hand(be):
    rewards, values, last = column(be, 1.0, 0.0, 2.0), column(be, 0.5, 1.0, 0.0), be.arr([2.0])
    # γ 0.9, λ 0.5:  A₂ = 2 - 0 + 0.9·2 = 3.8;  A₁ = 0 - 1 + 0.9·(0 + 0.5·3.8) = 0.71;
    #                A₀ = 1 - 0.5 + 0.9·(1 + 0.5·0.71) = 1.7195
    close(be.pm.gae(rewards, values, column(be, 1, 1, 1), last, 0.9, 0.5).reshape(-1), [1.7195, 0.71, 3.8], 1e-5)
    # an episode ends at step 1: A₁ = 0 - 1 = -1 (nothing after it);  A₀ = 0.5 + 0.9·(1 + 0.5·(-1)) = 0.95
    close(be.pm.gae(rewards, values, column(be, 1, 0, 1), last, 0.9, 0.5).reshape(-1), [0.95, -1.0, 3.8], 1e-5)


def test_gae_keeps_envs_apart(be):
    # env 0 as above; env 1: one reward of 1 at the last step, values 0, last value 0: A = 0.45², 0.45, 1
    rewards = be.arr([[1.0], [0.0]], [[0.0], [0.0]], [[2.0], [1.0]])
    values = be.arr([[0.5], [0.0]], [[1.0], [0.0]], [[0.0], [0.0]])
    not_done = be.arr([[1.0], [1.0]], [[1.0], [1.0]], [[1.0], [1.0]])
    advantages = be.pm.gae(rewards, values, not_done, be.arr([2.0], [0.0]), 0.9, 0.5)
    assert tuple(advantages.shape) == (3, 2, 1)
    close(advantages[:, 0, 0], [1.7195, 0.71, 3.8], tol=1e-5)
    close(advantages[:, 1, 0], [0.45**2, 0.45, 1.0], tol=1e-6)


def test_gae_takes_a_boolean_mask_as_well(be):
    rewards, values, last = column(be, 1.0, 0.0, 2.0), column(be, 0.5, 1.0, 0.0), be.arr([2.0])
    mask = be.arr(True, False, True, dtype=be.bool_dtype).reshape(-1, 1, 1)
    close(be.pm.gae(rewards, values, mask, last, 0.9, 0.5).reshape(-1), [0.95, -1.0, 3.8], tol=1e-5)


def test_gae_is_skrls_compute_gae():
    torch = _backend("torch").lib
    pm = _backend("torch").pm
    from skrl.agents.torch.ppo.ppo import compute_gae

    g = torch.Generator().manual_seed(1)
    rewards, values = torch.randn(6, 3, 1, generator=g), torch.randn(6, 3, 1, generator=g)
    terminated, truncated = torch.rand(6, 3, 1, generator=g) < 0.2, torch.rand(6, 3, 1, generator=g) < 0.2
    last = torch.ones(3, 1)
    for bootstrap in (False, True):
        done = terminated | truncated if bootstrap else terminated
        advantages = pm.gae(rewards, values, done.logical_not(), last, 0.97, 0.9)
        returns, normalized = compute_gae(rewards=rewards, terminated=terminated, truncated=truncated, values=values,
                                          last_values=last, discount_factor=0.97, lambda_coefficient=0.9,
                                          time_limit_bootstrap=bootstrap)
        assert torch.equal(advantages + values, returns)  # bit for bit: the same operations in the same order
        assert torch.equal(pm.standardize(advantages), normalized)


def test_standardize(be):
    # mean 2; torch divides by the unbiased std (1), JAX by the population std (√(2/3)), as skrl does in each
    std = 1.0 if be.name == "torch" else math.sqrt(2 / 3)
    close(be.pm.standardize(be.arr(1.0, 2.0, 3.0)), [-1 / std, 0.0, 1 / std], tol=1e-6)


# -- losses --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "advantage, ratio, expected",
    [
        (2.0, 1.1, -2.2),  # inside 1 ± 0.2: -r·A
        (2.0, 1.5, -2.4),  # A > 0, r above: the gain is capped at 1.2·A
        (2.0, 0.5, -1.0),  # A > 0, r below: the unclipped (worse) 0.5·A counts
        (-1.0, 1.5, 1.5),  # A < 0, r above: the unclipped (worse) 1.5·A counts
        (-1.0, 0.5, 0.8),  # A < 0, r below: capped at 0.8·A
    ],
)
def test_clipped_policy_loss_on_each_side_of_the_clip(be, advantage, ratio, expected):
    old = be.arr([-1.0])
    close(be.pm.clipped_policy_loss(old + math.log(ratio), old, be.arr([advantage]), 0.2), expected, tol=1e-5)


def test_clipped_policy_loss_stops_moving_where_the_clip_binds():
    torch = _backend("torch").lib
    pm = _backend("torch").pm
    for advantage, ratio, clipped in ((2.0, 1.5, True), (2.0, 1.1, False), (-1.0, 0.5, True), (-1.0, 1.5, False)):
        new = torch.tensor([[math.log(ratio)]], requires_grad=True)
        pm.clipped_policy_loss(new, torch.zeros(1, 1), torch.tensor([[advantage]]), 0.2).backward()
        close(new.grad, [[0.0]] if clipped else [[-advantage * ratio]], tol=1e-5)


def test_clipped_policy_loss_is_the_mean_over_samples(be):
    old, new = be.arr([0.0], [0.0]), be.arr([math.log(1.1)], [math.log(1.5)])
    close(be.pm.clipped_policy_loss(new, old, be.arr([2.0], [2.0]), 0.2), (-2.2 - 2.4) / 2, tol=1e-5)


def test_approx_kl(be):
    # r = 2: (2 - 1) - log 2;  r = 1: 0;  the mean of the two
    old = be.arr([0.0], [0.5])
    close(be.pm.approx_kl(old + be.arr([math.log(2)], [0.0]), old), (1 - math.log(2)) / 2, tol=1e-6)


def test_clipped_value_loss(be):
    pm, old, returns = be.pm, be.arr([1.0]), be.arr([2.0])
    # 1.5 is 0.5 from the rollout's value: clipped to 1.2, (2 - 1.2)² · 0.5 = 0.32
    close(pm.clipped_value_loss(be.arr([1.5]), old, returns, 0.2, 0.5), 0.32, tol=1e-6)
    # clipping off: (2 - 1.5)² · 0.5
    close(pm.clipped_value_loss(be.arr([1.5]), old, returns, 0.0, 0.5), 0.125, tol=1e-6)
    # within the clip: (2 - 0.9)² · 1
    close(pm.clipped_value_loss(be.arr([0.9]), old, returns, 0.2, 1.0), 1.21, tol=1e-6)
    # two samples, one clipped ((2 - 0.8)² = 1.44), one not ((2 - 1.1)² = 0.81): mean 1.125
    close(pm.clipped_value_loss(be.arr([0.5], [1.1]), be.arr([1.0], [1.0]), be.arr([2.0], [2.0]), 0.2, 1.0), 1.125)


# -- learning rate -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "lr, kl, expected",
    [
        (1e-3, 0.05, 1e-3 / 1.5),  # KL above 0.01·2: lower
        (1e-3, 0.001, 1.5e-3),  # KL below 0.01/2: raise
        (1e-3, 0.01, 1e-3),  # in between: keep
        (1e-3, 0.02, 1e-3),  # exactly at a threshold: keep (both tests are strict)
        (1e-3, 0.005, 1e-3),
        (1.2e-5, 0.05, 1e-5),  # lowered no further than min_lr
        (9e-3, 0.001, 1e-2),  # raised no further than max_lr
    ],
)
def test_kl_adaptive_lr_in_its_three_regimes(be, lr, kl, expected):
    rule = be.pm.KLRule(kl_threshold=0.01, min_lr=1e-5, max_lr=1e-2, kl_factor=2.0, lr_factor=1.5)
    close(be.pm.kl_adaptive_lr(rule, be.lib.asarray(lr) if be.name == "jax" else lr, kl), expected, tol=1e-6)


def test_kl_rule_is_skrls_torch_scheduler():
    torch = _backend("torch").lib
    pm = _backend("torch").pm
    from skrl.resources.schedulers.torch import KLAdaptiveLR

    for kwargs in ({}, {"max_lr": 1e-3}, {"kl_threshold": 0.02, "lr_factor": 2.0}):
        for lr in (1e-6, 3e-4, 1e-2):
            for kl in (0.0, 0.001, 0.004, 0.008, 0.02, 0.1):
                optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
                scheduler = KLAdaptiveLR(optimizer, **kwargs)
                scheduler.step(kl)
                rule = pm.KLRule(scheduler.kl_threshold, scheduler.min_lr, scheduler.max_lr, scheduler._kl_factor,
                                 scheduler._lr_factor)
                assert pm.kl_adaptive_lr(rule, lr, kl) == optimizer.param_groups[0]["lr"]
