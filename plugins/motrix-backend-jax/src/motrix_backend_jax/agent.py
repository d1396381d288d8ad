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
programs, ``act``, ``record`` and ``update``, each compiled once per run (``programs.py``
says what each one covers).

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

from motrix_backend_jax.programs import build_programs


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
        for which in self.NORMALIZERS:
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
        self._act_program, self._record_program, self._update_program = build_programs(self)

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
        if isinstance(infos, dict) and infos.get("final_states") is not None:  # the critic's, likewise
            next_states = infos["final_states"]
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
