"""skrl's torch PPO with what motrix adds around it.

- The loop's bookkeeping (episode statistics, the per-iteration hook, TensorBoard at the
  global env-step) comes from the core's ``LoopAgent``.
- ``record_transition``: per-env episode returns and per-term reward / metric totals from
  the env's own arrays (``info["Reward"]``, ``info["metrics"]``), as MotrixLab's custom
  agent does; and the observation an episode really ended on in place of the post-reset
  one, so that time-limit bootstrapping values the right state. skrl's PPO part (bootstrap,
  memory) is written out here so that skrl's curves come from NumPy (``SkrlCurves``)
  rather than a few torch ops and deque statistics per step.
- ``act`` under ``torch.inference_mode``; ``update``: motrix's PPO update (``update.py``,
  written with ``ppo_math``; skrl's ``PPO.update`` is its reference, bit for bit) on
  ``update_threads`` cores (physics is idle then), through the core's ``synced_update``
  (normalizers merged over the ranks of a data-parallel run).
"""

from __future__ import annotations

from typing import Any

import torch
from skrl.agents.torch.ppo import PPO
from skrl.utils.tensorboard import SummaryWriter

from motrix.distributed.sync import RunningStats
from motrix.training.skrl_agent import AgentContext, LoopAgent
from motrix.training.skrl_curves import SkrlCurves

from motrix_backend_torch.update import TorchMirror, ppo_update


class MotrixPPO(LoopAgent, PPO):
    """skrl's PPO with the loop's bookkeeping, NumPy-side recording and an update thread count."""

    def __init__(self, *, context: AgentContext, update_threads: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_loop(context)
        self._use_fused_adam()
        self.skrl_curves = SkrlCurves(self)
        self.update_threads = update_threads
        """torch threads while updating (None: as while acting); the count is restored afterwards."""
        self.mirror = None
        """The env's mirror maps as ``TorchMirror``s by name (None without symmetry)."""
        if self.mirror_maps is not None:
            maps = self.mirror_maps
            self.mirror = {name: TorchMirror(getattr(maps, name), self.device)
                           for name in ("observation", "action", "critic") if getattr(maps, name) is not None}
        self.augment = bool(self.mirror is not None and context.augment)
        """Each minibatch is trained with its mirror image (``symmetry_augmentation``)."""

    def _use_fused_adam(self) -> None:
        """Swap skrl's Adam for the fused kernel: same update, ~0.2 ms less per minibatch on CPU."""
        old = self.optimizer
        try:
            params = [p for group in old.param_groups for p in group["params"]]
            new = torch.optim.Adam(params, lr=old.param_groups[0]["lr"], fused=True)
        except (RuntimeError, TypeError, ValueError):  # fused not supported for this device/dtype
            return
        self.optimizer = self.checkpoint_modules["optimizer"] = new
        if self.scheduler is not None:
            self.scheduler = type(self.scheduler)(new, **self.cfg.learning_rate_scheduler_kwargs[0])

    def init(self, *, trainer_cfg: Any = None) -> None:
        # skrl's writer queues 10 events and then blocks on its writer thread: about 0.2 ms per
        # scalar. Open our own with a deep queue instead (flushed at checkpoints and at the end).
        interval, self.write_interval = self.write_interval, 0
        super().init(trainer_cfg=trainer_cfg)
        self.write_interval = interval
        if interval > 0:
            self.writer = SummaryWriter(log_dir=self.experiment_dir, queue_size=10_000, flush_seconds=30)

    def minibatch_work(self) -> int:
        """Samples per minibatch × weights of the networks: what one gradient step costs."""
        return minibatch_work({"policy": self.policy, "value": self.value}, self.memory.memory_size,
                              self.num_envs, self.cfg.mini_batches)

    def act(self, observations: torch.Tensor, states: torch.Tensor | None, *, timestep: int, timesteps: int):
        # inference mode: no autograd bookkeeping at all (~10% off a small policy's act)
        with torch.inference_mode():
            return self.clock.time("act", super().act, observations, states, timestep=timestep,
                                   timesteps=timesteps)

    def update(self, *, timestep: int, timesteps: int) -> None:
        acting_threads = torch.get_num_threads()
        if self.update_threads:
            torch.set_num_threads(self.update_threads)
        try:
            self.clock.time("update", self.synced_update, self._ppo_update)
        finally:
            torch.set_num_threads(acting_threads)

    def _ppo_update(self) -> None:
        """motrix's PPO update (``update.py``, the spec of ``ppo_math``), in place of skrl's ``PPO.update``."""
        for tag, value in ppo_update(self).items():
            self.track_data(tag, value)

    def running_stats(self, which: str) -> RunningStats | None:
        module = self.checkpoint_modules.get(which)
        if module is None:
            return None
        return RunningStats(module.running_mean.double().cpu().numpy(), module.running_variance.double().cpu().numpy(),
                            float(module.current_count))

    def set_running_stats(self, which: str, stats: RunningStats) -> None:
        module = self.checkpoint_modules[which]
        for name, value in (("running_mean", stats.mean), ("running_variance", stats.variance)):
            buffer = getattr(module, name)
            buffer.copy_(torch.as_tensor(value, dtype=buffer.dtype, device=buffer.device))
        module.current_count.fill_(stats.count)

    def record_transition(self, **kwargs: Any) -> None:
        with torch.no_grad():
            self.clock.time("record", self._record_transition, **kwargs)

    def _record_transition(self, *, observations, states, actions, rewards, next_observations, next_states,
                           terminated, truncated, infos, timestep: int, timesteps: int) -> None:
        """skrl's ``PPO.record_transition``, with its curves and truncation check read from NumPy."""
        state = infos["np_state"]
        done = state.terminated | state.truncated
        if self.training:
            self.episode_stats.update(state.reward, done, infos.get("Reward"), infos.get("metrics"))
        self.skrl_curves.track(state.reward, done)
        if not self.training:
            return
        # the final observation of episodes that ended here (== next_observations elsewhere)
        next_observations = infos.get("final_observations", next_observations)
        if infos.get("final_states") is not None:  # the critic observation the episode ended on
            next_states = infos["final_states"]
        self._current_next_observations = next_observations
        self._current_next_states = next_states
        if self.cfg.rewards_shaper is not None:
            rewards = self.cfg.rewards_shaper(rewards, timestep, timesteps)
        # time-limit bootstrap, only on steps where an episode was cut short (a NumPy check: no sync)
        if self.cfg.time_limit_bootstrap and state.truncated.any():
            with torch.no_grad():
                inputs = {"observations": self._observation_preprocessor(next_observations),
                          "states": self._state_preprocessor(next_states)}
                next_values, _ = self.value.act(inputs, role="value")
                next_values = self._value_preprocessor(next_values, inverse=True)
            rewards += self.cfg.discount_factor * next_values * truncated
        self.memory.add_samples(
            observations=observations, states=states, actions=actions, rewards=rewards, terminated=terminated,
            truncated=truncated, log_prob=self._current_log_prob, values=self._current_values,
        )


def minibatch_work(models: dict[str, torch.nn.Module], rollouts: int, num_envs: int, mini_batches: int) -> int:
    """Samples per minibatch × weights of the networks (a shared one counted once)."""
    unique = {id(m): m for m in models.values() if m is not None}.values()
    weights = sum(p.numel() for m in unique for p in m.parameters())
    return rollouts * num_envs // max(1, mini_batches) * weights

