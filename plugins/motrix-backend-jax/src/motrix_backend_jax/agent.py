"""skrl's JAX PPO with what motrix adds around it, and its hot paths as single XLA programs.

What motrix adds (as in the torch backend's ``agent.py``):

- The loop's bookkeeping (episode statistics, the per-iteration hook, TensorBoard at the
  global env-step) comes from the core's ``LoopAgent``.
- ``record_transition``: per-env episode returns and per-term reward / metric totals from
  the env's own arrays (``info["Reward"]``, ``info["metrics"]``), as MotrixLab's custom
  agent does; and the observation an episode really ended on in place of the post-reset
  one, so that time-limit bootstrapping values the right state.

Why the hot paths are rewritten: skrl 2.x's JAX PPO runs each step and each update as
many small jitted calls glued by Python (per minibatch: a policy-gradient call, an optimizer
call, a value-gradient call, another optimizer call, two ``.item()`` syncs; per step: ~10
calls and a copy of every rollout buffer per stored tensor). On a CPU the dispatch and
sync overhead is most of the update's time. Here the same computation runs as three
programs, each compiled once per run:

- ``act``: observation scaling, policy mean, Gaussian sample and log-prob, value and its
  inverse scaling;
- ``record``: time-limit bootstrap and the write of one step into skrl's ``RandomMemory``
  tensors (buffers donated, so they are updated in place);
- ``update``: GAE, the value scaler, every epoch and minibatch (``lax.scan``), both Adam
  steps with skrl's optimizer transformations, KL early stop and the ``KLAdaptiveLR`` rule.

Their arithmetic (scaler, Gaussian, GAE, losses, KL rule, Adam step) is ``ppo_math``'s pure
functions. They compute what skrl's ``PPO.act`` / ``record_transition`` / ``update`` compute, on the
same skrl objects (models' ``state_dict``, ``Adam`` states, ``RunningStandardScaler``
statistics, learning rates), with minibatch permutations drawn from ``np.random`` as
skrl's ``RandomMemory.sample`` draws them; ``tests/backends/test_jax_agent.py`` checks
the update against skrl's own ``PPO.update`` step for step. Two deliberate differences: a
shared policy/value model is trained with one optimizer over the summed loss (as skrl's
torch PPO does; skrl's JAX PPO would step two Adam states over the same parameters), and
``returns`` / ``advantages`` are not copied back into the memory (nothing reads them).
Configurations the fused update does not cover (a scheduler other than ``KLAdaptiveLR``)
fall back to skrl's own methods.
"""

from __future__ import annotations

import inspect
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from skrl.agents.jax.ppo import PPO
from skrl.resources.schedulers.jax import KLAdaptiveLR

from motrix.distributed.sync import RunningStats
from motrix.training.skrl_agent import AgentContext, LoopAgent
from motrix.training.skrl_curves import SkrlCurves

from motrix_backend_jax import ppo_math as pm
from motrix_backend_jax.distributed import RANKS, mean_over_ranks, over_processes


def _kl_rule(kwargs: dict) -> pm.KLRule:
    """The ``KLAdaptiveLR`` thresholds a config asks for, skrl's own defaults for the rest."""
    defaults = {k: p.default for k, p in inspect.signature(KLAdaptiveLR).parameters.items()}
    merged = {**defaults, **kwargs}
    return pm.KLRule(**{name: float(merged[name]) for name in pm.KLRule._fields})


class MotrixPPO(LoopAgent, PPO):
    """skrl's PPO with the loop's bookkeeping and fused XLA programs."""

    def __init__(self, *, context: AgentContext, fused: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_loop(context)
        self.shared = self.policy is self.value
        self.skrl_curves = SkrlCurves(self)
        schedulers_ok = all(
            s is None or s is KLAdaptiveLR for s in (self.cfg.learning_rate_scheduler or (None, None))
        )
        self.fused = bool(fused and schedulers_ok and self.policy is not None and self.value is not None)

    # -- set-up --------------------------------------------------------------------------
    def init(self, *, trainer_cfg: Any = None) -> None:
        super().init(trainer_cfg=trainer_cfg)
        if self.fused:
            self.commit_to_device()
            self._build_programs()

    def commit_to_device(self) -> None:
        """Place every array the programs read on the agent's device, explicitly.

        jax compiles a program separately for arrays created without a device ("uncommitted":
        initial weights, optimizer and scaler states, memory buffers) and for the committed
        arrays every program returns; committing them up front means each program is compiled
        once, not once more at its second call. Also called after a checkpoint is restored.
        """
        put = partial(jax.device_put, device=self.device)
        self.policy.state_dict = self.policy.state_dict.replace(params=put(self.policy.state_dict.params))
        if not self.shared:
            self.value.state_dict = self.value.state_dict.replace(params=put(self.value.state_dict.params))
        self.policy_optimizer = self.policy_optimizer.replace(state=put(self.policy_optimizer.state))
        self.value_optimizer = self.value_optimizer.replace(state=put(self.value_optimizer.state))
        for which in ("observation_preprocessor", "value_preprocessor"):
            stats = self._scaler_stats(which)
            if stats is not None:
                self._set_scaler_stats(which, put(stats))
        if self.memory is not None:
            self.memory.tensors.update(put(dict(self.memory.tensors)))

    def _scaler_stats(self, which: str):
        module = self.checkpoint_modules.get(which)
        if module is None:
            return None
        return (module.running_mean, module.running_variance, module.current_count)

    def _set_scaler_stats(self, which: str, stats) -> None:
        module = self.checkpoint_modules.get(which)
        if module is not None and stats is not None:
            module.running_mean, module.running_variance, module.current_count = stats

    def _build_programs(self) -> None:
        cfg = self.cfg
        policy_apply = self.policy.apply
        value_apply = self.value.apply
        obs_scaler = self.checkpoint_modules.get("observation_preprocessor")
        val_scaler = self.checkpoint_modules.get("value_preprocessor")
        obs_clip, obs_eps = (obs_scaler.clip_threshold, obs_scaler.epsilon) if obs_scaler else (None, None)
        val_clip, val_eps = (val_scaler.clip_threshold, val_scaler.epsilon) if val_scaler else (None, None)
        gamma, lam = float(cfg.discount_factor), float(cfg.gae_lambda)
        bootstrap = bool(cfg.time_limit_bootstrap)
        shared = self.shared
        # the policy's own GaussianMixin clip range (None where it does not clip)
        log_std_range = (self.policy._g_min_log_std, self.policy._g_max_log_std)

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

        self._act_program = act
        self._record_program = record

        # ---- update: once per rollout ------------------------------------------------------
        tx_p = self.policy_optimizer.transformation
        tx_v = self.value_optimizer.transformation
        sched_p = cfg.learning_rate_scheduler[0] is not None
        sched_v = cfg.learning_rate_scheduler[1] is not None

        rule_p = _kl_rule(cfg.learning_rate_scheduler_kwargs[0]) if sched_p else None
        rule_v = _kl_rule(cfg.learning_rate_scheduler_kwargs[1]) if sched_v else None
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
        ranks = RANKS if self.collectives is not None else None

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

        self._update_program = jax.jit(update) if ranks is None else over_processes(update)

    # -- acting ----------------------------------------------------------------------------
    def act(self, observations: jax.Array, states: jax.Array | None, *, timestep: int, timesteps: int):
        return self.clock.time("act", self._act, observations, states, timestep=timestep, timesteps=timesteps)

    def _act(self, observations: jax.Array, states: jax.Array | None, *, timestep: int, timesteps: int):
        if not self.fused:
            return super().act(observations, states, timestep=timestep, timesteps=timesteps)
        # The sampling key as skrl's GaussianMixin.act derives it: its counter, folded into its key.
        self.policy._g_i += 1
        actions, log_prob, values, mean = self._act_program(
            self.policy.state_dict.params, self.value.state_dict.params,
            self._scaler_stats("observation_preprocessor"), self._scaler_stats("value_preprocessor"),
            observations, self.policy._g_key, self.policy._g_i, with_value=self.training,
        )
        self._current_log_prob = log_prob
        if self.training:
            self._current_values = values
        return actions, {"log_prob": log_prob, "mean_actions": mean}

    # -- recording -------------------------------------------------------------------------
    def record_transition(self, **kwargs: Any) -> None:
        self.clock.time("record", self._record_transition, **kwargs)

    def _record_transition(self, *, observations, states, actions, rewards, next_observations, next_states,
                           terminated, truncated, infos, timestep: int, timesteps: int) -> None:
        state = infos.get("np_state") if isinstance(infos, dict) else None
        final_obs = infos.get("final_observations", next_observations) if isinstance(infos, dict) else next_observations
        if self.training and state is not None:
            self.episode_stats.update(
                state.reward, state.terminated | state.truncated, infos.get("Reward"), infos.get("metrics")
            )
        if not self.fused:
            super().record_transition(
                observations=observations, states=states, actions=actions, rewards=rewards,
                next_observations=final_obs, next_states=next_states, terminated=terminated,
                truncated=truncated, infos=infos, timestep=timestep, timesteps=timesteps,
            )
            return
        # skrl's own reward / episode-length curves, from the host copies (no device sync)
        if state is not None:
            self.skrl_curves.track(state.reward, state.terminated | state.truncated)
        if not self.training:
            return
        self._current_next_observations = final_obs
        self._current_next_states = next_states
        if self.cfg.rewards_shaper is not None:
            rewards = self.cfg.rewards_shaper(rewards, timestep, timesteps)
        memory = self.memory
        names = ("observations", "actions", "rewards", "terminated", "truncated", "log_prob", "values")
        buffers = {name: memory.tensors[name] for name in names}
        step = {
            "observations": observations, "actions": actions, "rewards": rewards, "terminated": terminated,
            "truncated": truncated, "log_prob": self._current_log_prob, "values": self._current_values,
        }
        written = self._record_program(
            buffers, memory.memory_index, step, self.value.state_dict.params,
            self._scaler_stats("observation_preprocessor"), self._scaler_stats("value_preprocessor"), final_obs,
        )
        memory.tensors.update(written)
        memory.memory_index += 1
        if memory.memory_index >= memory.memory_size:
            memory.memory_index = 0
            memory.filled = True

    # -- updating --------------------------------------------------------------------------
    def update(self, *, timestep: int, timesteps: int) -> None:
        self.clock.time("update", self.synced_update, self._update, timestep=timestep, timesteps=timesteps)

    def running_stats(self, which: str) -> RunningStats | None:
        stats = self._scaler_stats(which)
        if stats is None:
            return None
        mean, var, count = jax.device_get(stats)
        return RunningStats(np.asarray(mean, np.float64), np.asarray(var, np.float64), float(np.ravel(count)[0]))

    def set_running_stats(self, which: str, stats: RunningStats) -> None:
        mean, var, count = self._scaler_stats(which)
        put = partial(jax.device_put, device=self.device)
        self._set_scaler_stats(which, (put(jnp.asarray(stats.mean, mean.dtype)), put(jnp.asarray(stats.variance, var.dtype)),
                                       put(jnp.full(count.shape, stats.count, count.dtype))))

    def _update(self, *, timestep: int, timesteps: int) -> None:
        if not self.fused:
            return super().update(timestep=timestep, timesteps=timesteps)
        memory = self.memory
        size = len(memory)
        # one permutation per epoch, drawn as skrl's RandomMemory.sample draws it
        perms = np.stack([np.random.permutation(size) for _ in range(self.cfg.learning_epochs)]).astype(np.int32)
        train_state = {
            "policy": self.policy.state_dict.params,
            "value": self.value.state_dict.params,
            "popt": self.policy_optimizer.state,
            "vopt": self.value_optimizer.state,
            "obs_stats": self._scaler_stats("observation_preprocessor"),
            "val_stats": self._scaler_stats("value_preprocessor"),
            "lr": (jnp.float32(self.policy_learning_rate), jnp.float32(self.value_learning_rate)),
        }
        names = ("observations", "actions", "rewards", "terminated", "truncated", "log_prob", "values")
        batch = {name: memory.tensors[name] for name in names}
        st, metrics = self._update_program(train_state, batch, self._current_next_observations, perms)
        self.policy.state_dict = self.policy.state_dict.replace(params=st["policy"])
        if not self.shared:
            self.value.state_dict = self.value.state_dict.replace(params=st["value"])
            self.value_optimizer = self.value_optimizer.replace(state=st["vopt"])
        self.policy_optimizer = self.policy_optimizer.replace(state=st["popt"])
        self._set_scaler_stats("observation_preprocessor", st["obs_stats"])
        self._set_scaler_stats("value_preprocessor", st["val_stats"])
        metrics, (lr_p, lr_v) = jax.device_get((metrics, st["lr"]))  # the one sync of the update
        if self.policy_scheduler:
            self.policy_learning_rate = float(lr_p)
        if self.value_scheduler:
            self.value_learning_rate = float(lr_v)
        self.track_data("Loss / Policy loss", float(metrics["policy_loss"]))
        self.track_data("Loss / Value loss", float(metrics["value_loss"]))
        if self.cfg.entropy_loss_scale:
            self.track_data("Loss / Entropy loss", float(metrics["entropy_loss"]))
        self.track_data("Policy / Standard deviation", float(metrics["stddev"]))
        if self.policy_scheduler:
            self.track_data("Learning / Policy learning rate", self.policy_learning_rate)
        if self.value_scheduler:
            self.track_data("Learning / Value learning rate", self.value_learning_rate)
