"""The JAX PPO agent's hot paths as three XLA programs, each compiled once per run.

- ``act``: observation scaling, policy mean, Gaussian sample and log-prob, value and its
  inverse scaling;
- ``record``: time-limit bootstrap and the write of one step into skrl's ``RandomMemory``
  tensors (buffers donated, so they are updated in place);
- ``update``: GAE, the value scaler, every epoch and minibatch (``lax.scan``), both Adam
  steps with skrl's optimizer transformations, KL early stop and the ``KLAdaptiveLR`` rule.

``build_programs(agent)`` closes them over the agent's models, optimizer transformations and
config; their arithmetic is ``ppo_math``'s pure functions. Why they exist, and what they are
checked against, is in agent.py's docstring.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

import jax
import jax.numpy as jnp
from skrl.resources.schedulers.jax import KLAdaptiveLR

from motrix_backend_jax import ppo_math as pm
from motrix_backend_jax.distributed import RANKS, mean_over_ranks, over_processes

if TYPE_CHECKING:
    from motrix_backend_jax.agent import MotrixPPO


def kl_rule(kwargs: dict) -> pm.KLRule:
    """The ``KLAdaptiveLR`` thresholds a config asks for, skrl's own defaults for the rest."""
    defaults = {k: p.default for k, p in inspect.signature(KLAdaptiveLR).parameters.items()}
    merged = {**defaults, **kwargs}
    return pm.KLRule(**{name: float(merged[name]) for name in pm.KLRule._fields})


class Programs(NamedTuple):
    """The agent's compiled programs (signatures at their definitions in ``build_programs``)."""

    act: Callable
    record: Callable
    update: Callable


def build_programs(agent: MotrixPPO) -> Programs:
    """The act, record and update programs of ``agent`` (a fused ``MotrixPPO``)."""
    cfg = agent.cfg
    policy_apply = agent.policy.apply
    value_apply = agent.value.apply
    obs_scaler = agent.checkpoint_modules.get("observation_preprocessor")
    val_scaler = agent.checkpoint_modules.get("value_preprocessor")
    obs_clip, obs_eps = (obs_scaler.clip_threshold, obs_scaler.epsilon) if obs_scaler else (None, None)
    val_clip, val_eps = (val_scaler.clip_threshold, val_scaler.epsilon) if val_scaler else (None, None)
    gamma, lam = float(cfg.discount_factor), float(cfg.gae_lambda)
    bootstrap = bool(cfg.time_limit_bootstrap)
    shared = agent.shared
    # the policy's own GaussianMixin clip range (None where it does not clip)
    log_std_range = (agent.policy._g_min_log_std, agent.policy._g_max_log_std)

    def norm_obs(stats, x):
        return x if stats is None else pm.scaler_apply(stats, x, obs_clip, obs_eps)

    def unscale_value(stats, v):
        return v if stats is None else pm.scaler_inverse(stats, v, val_clip)

    # ---- act: one call per env step -------------------------------------------------
    @partial(jax.jit, static_argnames=("with_value",))
    def act(policy_params, value_params, obs_stats, val_stats, obs, base_key, counter, with_value=True):
        inputs = {"observations": norm_obs(obs_stats, obs)}
        mean, out = policy_apply(policy_params, inputs, "policy")
        scale = pm.gaussian_scale(out["log_std"], *log_std_range)
        actions = pm.gaussian_sample(jax.random.fold_in(base_key, counter), mean, scale)
        log_prob = pm.gaussian_log_prob(actions, mean, scale)
        values = None
        if with_value:
            v, _ = value_apply(value_params, inputs, "value")
            values = unscale_value(val_stats, v)
        return actions, log_prob, values, mean

    # ---- record: one call per env step, writing into the memory in place -----------
    @partial(jax.jit, donate_argnums=(0,))
    def record(buffers, index, step, value_params, obs_stats, val_stats, final_obs):
        rewards = step["rewards"]
        if bootstrap:
            v, _ = value_apply(value_params, {"observations": norm_obs(obs_stats, final_obs)}, "value")
            rewards = rewards + gamma * unscale_value(val_stats, v) * step["truncated"]
        step = {**step, "rewards": rewards}
        return {name: buf.at[index].set(step[name].astype(buf.dtype)) for name, buf in buffers.items()}


    # ---- update: once per rollout ------------------------------------------------------
    tx_p = agent.policy_optimizer.transformation
    tx_v = agent.value_optimizer.transformation
    sched_p = cfg.learning_rate_scheduler[0] is not None
    sched_v = cfg.learning_rate_scheduler[1] is not None

    rule_p = kl_rule(cfg.learning_rate_scheduler_kwargs[0]) if sched_p else None
    rule_v = kl_rule(cfg.learning_rate_scheduler_kwargs[1]) if sched_v else None
    epochs, mini_batches = int(cfg.learning_epochs), int(cfg.mini_batches)
    ratio_clip = float(cfg.ratio_clip)
    value_clip = float(cfg.value_clip)
    value_loss_scale = float(cfg.value_loss_scale)
    entropy_scale = float(cfg.entropy_loss_scale)
    kl_threshold = float(cfg.kl_threshold)
    losses = ("policy_loss", "value_loss", "entropy_loss")
    # A data-parallel run: the update is one pmap over the processes' devices (one each),
    # whose gradients and epoch KL are averaged over the ranks inside the program, as
    # skrl's distributed PPO averages them between its calls.
    ranks = RANKS if agent.collectives is not None else None

    def rank_mean(tree):
        return tree if ranks is None else mean_over_ranks(tree)

    def policy_terms(params, x, actions, old_log_prob, advantages):
        mean, out = policy_apply(params, {"observations": x}, "policy")
        scale = pm.gaussian_scale(out["log_std"], *log_std_range)
        log_prob = pm.gaussian_log_prob(actions, mean, scale)
        kl = pm.approx_kl(log_prob, old_log_prob)
        policy_loss = pm.clipped_policy_loss(log_prob, old_log_prob, advantages, ratio_clip)
        entropy_loss = jnp.float32(0.0)
        if entropy_scale:
            entropy_loss = -entropy_scale * pm.gaussian_entropy(scale).mean()
        return policy_loss, entropy_loss, kl, scale

    def value_term(params, x, old_values, returns):
        predicted, _ = value_apply(params, {"observations": x}, "value")
        return pm.clipped_value_loss(predicted, old_values, returns, value_clip, value_loss_scale)

    def update(train_state, batch, next_obs, perms):
        # returns and advantages (skrl's _compute_gae)
        obs_stats = train_state["obs_stats"]
        val_stats = train_state["val_stats"]
        last_v, _ = value_apply(train_state["value"], {"observations": norm_obs(obs_stats, next_obs)}, "value")
        last_values = unscale_value(val_stats, last_v)
        values = batch["values"]
        done = batch["terminated"].astype(bool)
        if bootstrap:
            done = done | batch["truncated"].astype(bool)
        advantages = pm.gae(batch["rewards"], values, jnp.logical_not(done), last_values, gamma, lam)
        returns = advantages + values
        advantages = pm.standardize(advantages)
        if val_stats is not None:
            val_stats = pm.scaler_train(val_stats, values)
            values = pm.scaler_apply(val_stats, values, val_clip, val_eps)
            val_stats = pm.scaler_train(val_stats, returns)
            returns = pm.scaler_apply(val_stats, returns, val_clip, val_eps)

        rollout = {name: batch[name] for name in ("observations", "actions", "log_prob")}
        rollout.update(values=values, returns=returns, advantages=advantages)
        flat = {name: a.reshape(-1, a.shape[-1]) for name, a in rollout.items()}  # [T, N, D] → [T·N, D]

        def minibatch(carry, idx):
            st, train_obs_scaler = carry
            mb = jax.tree_util.tree_map(lambda a: a[idx], flat)
            live = jnp.logical_not(st["stopped"])
            o_stats = st["obs_stats"]
            if o_stats is not None:
                trained = pm.scaler_train(o_stats, mb["observations"])
                o_stats = pm.where_tree(train_obs_scaler & live, trained, o_stats)
            x = norm_obs(o_stats, mb["observations"])

            def loss(params):  # a shared model: one loss for both heads; else the value's comes below
                pl, el, kl, scale = policy_terms(params, x, mb["actions"], mb["log_prob"], mb["advantages"])
                vl = value_term(params, x, mb["values"], mb["returns"]) if shared else jnp.float32(0.0)
                return pl + el + vl, (pl, el, kl, scale, vl)

            grad, (pl, el, kl, scale, vl) = jax.grad(loss, has_aux=True)(st["policy"])
            if not shared:
                vl, vgrad = jax.value_and_grad(value_term)(st["value"], x, mb["values"], mb["returns"])
                grad, vgrad = rank_mean((grad, vgrad))
            else:
                grad = rank_mean(grad)
            step_ok = live
            if kl_threshold:
                step_ok = live & jnp.logical_not(kl > kl_threshold)
            new_p, new_popt = pm.optimizer_step(tx_p, st["policy"], st["popt"], grad,
                                                st["lr"][0] if sched_p else None)
            new = dict(st)
            new["policy"] = pm.where_tree(step_ok, new_p, st["policy"])
            new["popt"] = pm.where_tree(step_ok, new_popt, st["popt"])
            if not shared:
                new_v, new_vopt = pm.optimizer_step(tx_v, st["value"], st["vopt"], vgrad,
                                                    st["lr"][1] if sched_v else None)
                new["value"] = pm.where_tree(step_ok, new_v, st["value"])
                new["vopt"] = pm.where_tree(step_ok, new_vopt, st["vopt"])
            new["obs_stats"] = o_stats
            new["stopped"] = st["stopped"] | (live & jnp.logical_not(step_ok))
            stats = {
                "policy_loss": jnp.where(step_ok, pl, 0.0),
                "value_loss": jnp.where(step_ok, vl, 0.0),
                "entropy_loss": jnp.where(step_ok, el, 0.0),
                "kl": jnp.where(live, kl, 0.0),
                "kl_count": live.astype(jnp.float32),
                "stddev": jnp.where(live, scale.mean(), jnp.nan),
            }
            return (new, train_obs_scaler), stats

        def epoch(carry, xs):
            st = carry
            perm, first = xs
            st = {**st, "stopped": jnp.array(False)}
            (st, _), stats = jax.lax.scan(minibatch, (st, first), perm.reshape(mini_batches, -1))
            kl = rank_mean(stats["kl"].sum() / jnp.maximum(stats["kl_count"].sum(), 1.0))
            lr_p, lr_v = st["lr"]
            if sched_p:
                lr_p = pm.kl_adaptive_lr(rule_p, lr_p, kl)
            if sched_v:
                lr_v = pm.kl_adaptive_lr(rule_v, lr_v, kl)
            st = {**st, "lr": (lr_p, lr_v)}
            last_std = stats["stddev"][jnp.maximum(jnp.sum(stats["kl_count"]).astype(jnp.int32) - 1, 0)]
            summary = {name: stats[name].sum() for name in losses}
            return st, {**summary, "stddev": last_std, "kl": kl}

        st = {**train_state, "val_stats": val_stats, "stopped": jnp.array(False)}
        firsts = jnp.arange(epochs) == 0
        st, summary = jax.lax.scan(epoch, st, (perms, firsts))
        st.pop("stopped")
        n = epochs * mini_batches
        metrics = {name: summary[name].sum() / n for name in losses}
        return st, {**metrics, "stddev": summary["stddev"][-1], "kl": summary["kl"][-1]}

    return Programs(act, record, jax.jit(update) if ranks is None else over_processes(update))
