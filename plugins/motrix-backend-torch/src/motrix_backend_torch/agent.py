"""skrl's torch PPO with what motrix adds around it.

- ``record_transition``: per-env episode returns and per-term reward / metric totals from
  the env's own arrays (``info["Reward"]``, ``info["metrics"]``), as the seed's custom
  agent does; and the observation an episode really ended on in place of the post-reset
  one, so that time-limit bootstrapping values the right state. skrl's PPO part (bootstrap,
  memory) is written out here so that skrl's curves come from NumPy (``SkrlCurves``)
  rather than a few torch ops and deque statistics per step.
- ``act`` under ``torch.inference_mode``; ``update`` on every core (physics is idle then).
- ``post_interaction``: after skrl's own work (the update every ``rollouts`` steps, the
  TensorBoard write), calls ``on_iteration(iterations_done)``: the trainer's hook for
  progress lines and checkpoints.
- ``write_tracking_data``: skrl's curves plus ours, at the global env-step (continued
  across a resume), so TensorBoard's x-axis is env-steps whatever ``num_envs`` was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from skrl.agents.torch.ppo import PPO
from skrl.utils.tensorboard import SummaryWriter

from motrix.training.episode_stats import EpisodeStats
from motrix.training.phases import PhaseClock
from motrix.training.skrl_curves import SkrlCurves


class MotrixPPO(PPO):
    """PPO plus episode statistics, an iteration hook and a global step for TensorBoard."""

    def __init__(self, *, num_envs: int, start_iteration: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._use_fused_adam()
        self.num_envs = num_envs
        self.start_iteration = start_iteration
        """Vectorized iterations done before this invocation (resume)."""
        self.iterations_this_run = 0
        """Vectorized iterations completed by this invocation."""
        self.episode_stats = EpisodeStats(num_envs)
        self.on_iteration: Callable[[int], None] | None = None
        """Called after every iteration with the total iterations done (resume included)."""
        self.clock = PhaseClock()
        """Charged with acting, recording and updating (the trainer shares it with the wrapper)."""
        self.skrl_curves = SkrlCurves(self)
        self.update_threads: int | None = None
        """torch threads while updating (None: as while acting); the count is restored afterwards."""

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
        models = {id(m): m for m in (self.policy, self.value) if m is not None}.values()
        weights = sum(p.numel() for m in models for p in m.parameters())
        return self.memory.memory_size * self.num_envs // max(1, self.cfg.mini_batches) * weights

    def global_env_steps(self, timestep: int) -> int:
        """Env-steps done after ``timestep`` iterations of this invocation."""
        return (self.start_iteration + timestep) * self.num_envs

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
            self.clock.time("update", super().update, timestep=timestep, timesteps=timesteps)
        finally:
            torch.set_num_threads(acting_threads)

    def record_transition(self, **kwargs: Any) -> None:
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

    def post_interaction(self, *, timestep: int, timesteps: int) -> None:
        super().post_interaction(timestep=timestep, timesteps=timesteps)
        self.iterations_this_run = timestep + 1
        if self.on_iteration is not None:
            self.on_iteration(self.start_iteration + timestep + 1)

    def write_tracking_data(self, *, timestep: int, timesteps: int) -> None:
        step = self.global_env_steps(timestep)
        scalars = {k: float(np.mean(v)) for k, v in self.tracking_data.items() if v}
        for k, v in self.tracking_data.items():  # skrl's min/max aggregation of its own curves
            if v and k.endswith("(min)"):
                scalars[k] = float(np.min(v))
            elif v and k.endswith("(max)"):
                scalars[k] = float(np.max(v))
        scalars.update(self.episode_stats.drain())
        for tag, value in scalars.items():
            self.writer.add_scalar(tag=tag, value=value, timestep=step)
        self._track_rewards.clear()
        self._track_timesteps.clear()
        self.tracking_data.clear()

    def lr(self) -> float:
        """The optimizer's current learning rate."""
        return float(self.optimizer.param_groups[0]["lr"])
