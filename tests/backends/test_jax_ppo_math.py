"""``motrix_backend_jax.ppo_math``: what only the JAX backend has, and the checks against skrl's JAX PPO.

The hand-worked values both backends share are in ``test_ppo_math.py``. Here: the JAX
functions against skrl's JAX scaler, ``_compute_gae``, ``KLAdaptiveLR`` and ``GaussianMixin``,
gradients through ``jax.grad``, Adam through optax and the tree helpers; the whole update
is checked against skrl's PPO step by step in ``test_jax_agent.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

jax = pytest.importorskip("jax")
pytest.importorskip("skrl")

import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

from motrix_backend_jax import ppo_math as pm  # noqa: E402

LOG_2PI = math.log(2 * math.pi)


def f32(*rows):
    return jnp.asarray(rows, dtype=jnp.float32)


def close(actual, expected, tol=1e-6):
    np.testing.assert_allclose(np.asarray(actual, np.float64), np.asarray(expected, np.float64), rtol=tol, atol=tol)


# -- running scaler ----------------------------------------------------------------------------
def skrl_initial():
    """The state a new ``RunningStandardScaler`` starts from: mean 0, variance 1, count 1."""
    return (jnp.zeros(1), jnp.ones(1), jnp.ones(1))


def test_scaler_train_counts_every_leading_axis_as_samples():
    x = jax.random.normal(jax.random.key(0), (4, 5, 3))  # [T, N, D]
    init = (jnp.zeros(3), jnp.ones(3), jnp.ones(1))
    for got, want in zip(pm.scaler_train(init, x), pm.scaler_train(init, x.reshape(20, 3))):
        close(got, want)


def test_scaler_train_is_skrls_running_standard_scaler():
    from skrl.resources.preprocessors.jax import RunningStandardScaler

    scaler = RunningStandardScaler(size=2, device=jax.devices("cpu")[0])
    stats = (scaler.running_mean, scaler.running_variance, scaler.current_count)
    for i in range(3):
        x = jax.random.normal(jax.random.key(i), (7, 2)) * (i + 1) + i
        scaled = scaler(x, train=True)
        stats = pm.scaler_train(stats, x)
        close(pm.scaler_apply(stats, x, scaler.clip_threshold, scaler.epsilon), scaled, tol=1e-5)
    close(stats[0], scaler.running_mean, tol=1e-5)
    close(stats[1], scaler.running_variance, tol=1e-5)
    close(stats[2], scaler.current_count)


# -- Gaussian ------------------------------------------------------------------------------------
def test_gaussian_sample_has_the_mean_and_scale_asked_for():
    key = jax.random.key(3)
    mean = jnp.broadcast_to(f32(1.0, -2.0), (100_000, 2))
    actions = pm.gaussian_sample(key, mean, f32(0.5, 3.0))
    close(actions, jax.random.normal(key, mean.shape) * f32(0.5, 3.0) + mean)  # the same key, the same draw
    close(actions.mean(axis=0), [1.0, -2.0], tol=0.03)
    close(actions.std(axis=0), [0.5, 3.0], tol=0.03)


class _TinyPolicy:
    """A one-action skrl Gaussian model with a learned log std, to compare against ``GaussianMixin.act``."""

    @staticmethod
    def build(**mixin_kwargs):
        import flax.linen as nn
        import gymnasium
        from skrl.models.jax import GaussianMixin, Model

        class Policy(GaussianMixin, Model):
            clip_log_std: bool = True  # flax fields, so that the clones ``apply`` makes keep them
            min_log_std: float = -20.0
            max_log_std: float = 2.0

            def __init__(self, observation_space=None, action_space=None, device=None, *, clip_log_std=True,
                         min_log_std=-20.0, max_log_std=2.0, state_space=None, parent=None, name=None):
                Model.__init__(self, observation_space=observation_space, state_space=state_space,
                               action_space=action_space, device=device, parent=parent, name=name)
                self.clip_log_std, self.min_log_std, self.max_log_std = clip_log_std, min_log_std, max_log_std
                GaussianMixin.__init__(self, clip_log_std=clip_log_std, min_log_std=min_log_std,
                                       max_log_std=max_log_std)

            @nn.compact
            def __call__(self, inputs, role=""):
                log_std = self.param("log_std", lambda _: jnp.full((1,), -3.0))
                return nn.Dense(1)(inputs["observations"]), {"log_std": log_std}

        space = gymnasium.spaces.Box(-1.0, 1.0, (1,), np.float32)
        policy = Policy(space, space, jax.devices("cpu")[0], **mixin_kwargs)
        policy.init_state_dict(role="policy")
        return policy


@pytest.mark.parametrize("mixin", [{"clip_log_std": True, "min_log_std": -1.0, "max_log_std": 0.5},
                                   {"clip_log_std": False}], ids=["clipped", "unclipped"])
def test_log_prob_with_the_models_own_range_is_skrls(mixin):
    policy = _TinyPolicy.build(**mixin)
    obs, taken = f32([0.3], [-0.7]), f32([0.1], [0.9])
    _, outputs = policy.act({"observations": obs, "taken_actions": taken}, role="policy")
    mean, out = policy.apply(policy.state_dict.params, {"observations": obs}, "policy")
    scale = pm.gaussian_scale(out["log_std"], policy._g_min_log_std, policy._g_max_log_std)
    close(scale, outputs["stddev"])
    close(pm.gaussian_log_prob(taken, mean, scale), outputs["log_prob"], tol=1e-5)
    close(pm.gaussian_entropy(scale), policy.get_entropy(outputs["stddev"]), tol=1e-6)


# -- GAE -------------------------------------------------------------------------------------------
def column(*xs):
    return jnp.asarray(xs, jnp.float32).reshape(-1, 1, 1)  # [T, N=1, 1]


def test_gae_and_standardize_are_skrls_compute_gae():
    from skrl.agents.jax.ppo.ppo import _compute_gae

    keys = jax.random.split(jax.random.key(1), 4)
    rewards, values = jax.random.normal(keys[0], (6, 3, 1)), jax.random.normal(keys[1], (6, 3, 1))
    terminated, truncated = jax.random.uniform(keys[2], (6, 3, 1)) < 0.2, jax.random.uniform(keys[3], (6, 3, 1)) < 0.2
    last = jnp.ones((3, 1))
    for bootstrap in (False, True):
        done = terminated | truncated if bootstrap else terminated
        advantages = pm.gae(rewards, values, jnp.logical_not(done), last, 0.97, 0.9)
        returns, normalized = _compute_gae(rewards, terminated, truncated, values, last, 0.97, 0.9, bootstrap)
        close(advantages + values, returns, tol=1e-5)
        close(pm.standardize(advantages), normalized, tol=1e-5)


# -- losses --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("advantage", "ratio"), [(2.0, 1.1), (2.0, 1.5), (2.0, 0.5), (-1.0, 1.5), (-1.0, 0.5)])
def test_clipped_policy_loss_stops_moving_where_the_clip_binds(advantage, ratio):
    # the values on each side of the clip are test_ppo_math.py's, for both backends
    old = f32([-1.0])
    new = old + math.log(ratio)
    grad = jax.grad(lambda lp: pm.clipped_policy_loss(lp, old, f32([advantage]), 0.2))(new)
    clipped = (advantage > 0 and ratio > 1.2) or (advantage < 0 and ratio < 0.8)
    close(grad, [[0.0]] if clipped else [[-advantage * ratio]], tol=1e-5)


# -- learning rate and optimizer ----------------------------------------------------------------
def test_kl_rule_is_skrls_with_skrls_defaults():
    from skrl.resources.schedulers.jax import KLAdaptiveLR

    from motrix_backend_jax.programs import kl_rule

    for kwargs in ({}, {"max_lr": 1e-3}, {"kl_threshold": 0.02, "lr_factor": 2.0}):
        rule, schedule = kl_rule(kwargs), KLAdaptiveLR(**kwargs)
        for lr in (1e-6, 3e-4, 1e-2):
            for kl in (0.0, 0.001, 0.004, 0.008, 0.02, 0.1):
                expected = schedule(0, lr=lr, kl=kl)
                close(pm.kl_adaptive_lr(rule, jnp.float32(lr), jnp.float32(kl)), expected, tol=1e-6)


def test_optimizer_step_with_and_without_an_external_learning_rate():
    params, grad = {"w": f32(1.0, -2.0)}, {"w": f32(0.5, -4.0)}
    # Adam's first step moves each parameter by lr·g/(|g| + ε) ≈ lr against the gradient's sign
    for tx, lr in ((optax.adam(0.1), None), (optax.scale_by_adam(), jnp.float32(0.1))):
        new, _ = pm.optimizer_step(tx, params, tx.init(params), grad, lr)
        close(new["w"], [0.9, -1.9], tol=1e-6)


def test_where_tree():
    a, b = {"x": f32(1.0), "y": (f32(2.0),)}, {"x": f32(3.0), "y": (f32(4.0),)}
    for flag, expected in ((True, a), (False, b)):
        got = pm.where_tree(jnp.array(flag), a, b)
        assert jax.tree_util.tree_structure(got) == jax.tree_util.tree_structure(expected)
        for x, y in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(expected)):
            close(x, y)
