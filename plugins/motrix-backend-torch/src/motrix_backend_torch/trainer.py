"""``TorchTrainer``: PPO through skrl 2.x on PyTorch, for ``motrix train`` and ``motrix play``.

``train`` reads top to bottom: device → env → wrapper → models → PPO_CFG → memory →
agent (→ restore on resume) → SequentialTrainer, with a per-iteration hook that prints
progress and writes checkpoints into the run directory.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from skrl import logger as skrl_logger
from skrl.agents.torch import ExperimentCfg
from skrl.agents.torch.ppo import PPO_CFG
from skrl.memories.torch import RandomMemory
from skrl.resources.preprocessors.torch import RunningStandardScaler
from skrl.resources.schedulers.torch import KLAdaptiveLR
from skrl.trainers.torch import SequentialTrainer, SequentialTrainerCfg
from skrl.utils import set_seed

from motrix.config import PPOCfg
from motrix.errors import CheckpointError
from motrix.training.job import PlayJob, PlayResult, TrainJob, TrainResult
from motrix.training.loop import IterationMonitor, play_episodes
from motrix.training.phases import PhaseClock, format_split
from motrix.training.progress import Progress, TargetTracker
from motrix.training.skrl_cfg import skrl_ppo_settings

from motrix_backend_torch import checkpoint
from motrix_backend_torch.agent import MotrixPPO
from motrix_backend_torch.device import configure_threads, describe, pick_device, update_threads
from motrix_backend_torch.models import build_models, model_spec
from motrix_backend_torch.policy import TrainedPolicy, load_module, probe
from motrix_backend_torch.wrapper import NpEnvWrapper

LABEL = "torch"


def _space_dim(space) -> int:
    return int(np.prod(space.shape))


class TorchTrainer:
    """The ``trainer`` of ``BackendSpec(name="torch")``."""

    checkpoint_suffix = checkpoint.SUFFIX

    # -- motrix train ------------------------------------------------------------------
    def train(self, job: TrainJob) -> TrainResult:
        cfg = job.rl_cfg
        settings = skrl_ppo_settings(cfg)
        skrl_logger.setLevel(logging.WARNING)  # skrl's INFO lines would interleave with progress

        # Device and seeding
        device = pick_device()
        threads = configure_threads(device)
        set_seed(cfg.seed)  # random, NumPy, torch (and skrl's keys)

        # Env, wrapped for skrl
        env = job.make_env()
        clock = PhaseClock()  # where the wall time goes: env, act, record, update
        wrapped = NpEnvWrapper(env, device, clock)
        obs_dim, act_dim = _space_dim(env.observation_space), _space_dim(env.action_space)

        # Where we start: fresh, or the checkpoint being resumed
        resume_header, resume_state = None, None
        start_env_steps = 0
        if job.resume_from is not None:
            resume_header, resume_state = checkpoint.load(job.resume_from, device)
            checkpoint.check_env(resume_header, job.resume_from, job.env_spec.name, obs_dim, act_dim)
            if resume_header["model"] != model_spec(cfg):
                raise CheckpointError(
                    f"checkpoint {job.resume_from} has networks {resume_header['model']}, "
                    f"the config asks for {model_spec(cfg)}"
                )
            start_env_steps = int(resume_header["env_steps"])
        total_iterations = settings.timesteps
        start_iteration = start_env_steps // cfg.num_envs
        remaining = max(0, total_iterations - start_iteration)
        total_env_steps = total_iterations * cfg.num_envs

        # Models, PPO_CFG, rollout memory, agent
        agent = build_agent(cfg, env.observation_space, env.action_space, device, job.run.path,
                            start_iteration)
        if resume_state is not None:
            _restore(agent, resume_state, job.resume_from)
        agent.update_threads = update_threads(device, agent.minibatch_work())

        progress = Progress(LABEL, total_env_steps, start_iteration * cfg.num_envs, quiet=job.quiet)
        device_line = describe(device)
        progress.message(f"device {device_line}, {agent.update_threads} updating")
        job.run.update_metadata(device=device_line, torch_threads=threads, torch_update_threads=agent.update_threads)
        if resume_header is not None:
            progress.message(f"resuming from {job.resume_from} at {start_env_steps:,} env-steps")

        # Checkpoints: every check_point_interval iterations, plus one at the end
        store = job.run.checkpoints(checkpoint.SUFFIX)
        header = {
            "env": job.env_spec.name, "obs_dim": obs_dim, "action_dim": act_dim,
            "num_envs": cfg.num_envs, "model": model_spec(cfg),
        }
        last = {"path": job.resume_from, "iteration": start_iteration}

        def save(iteration: int) -> None:
            env_steps = iteration * cfg.num_envs
            state = _agent_state(agent)
            scaler = agent.checkpoint_modules.get("observation_preprocessor")
            meta = {**header, "env_steps": env_steps, "iteration": iteration,
                    "probe": probe(agent.policy, scaler, obs_dim, device)}
            last["path"] = store.save(
                env_steps,
                lambda tmp: checkpoint.save(tmp, meta, state),
                agent.episode_stats.mean_recent_return(),
            )
            last["iteration"] = iteration
            agent.writer.flush()

        # Time to the target return is a figure of runs trained from scratch, not of a resumed one.
        target = TargetTracker(cfg.target_return if resume_state is None else None, progress.start_time)
        # After every iteration: progress line, time-to-target, checkpoint every interval
        agent.on_iteration = IterationMonitor(
            num_envs=cfg.num_envs, check_point_interval=cfg.check_point_interval, progress=progress,
            target=target, stats=agent.episode_stats, save=save,
        )

        agent.clock = clock

        # Train with skrl's sequential trainer
        trainer = SequentialTrainer(
            env=wrapped, agents=agent,
            cfg=SequentialTrainerCfg(timesteps=remaining, headless=True, disable_progressbar=True,
                                     close_environment_at_exit=False),
        )
        interrupted = False
        if remaining == 0:
            progress.message(f"nothing to do: the budget of {total_env_steps:,} env-steps is already done")
        try:
            if remaining > 0:
                clock.restart()
                trainer.train()
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM turned into it by the core
            interrupted = True
            progress.message("interrupted; writing a final checkpoint")
        iteration = start_iteration + agent.iterations_this_run
        if iteration > last["iteration"] or last["path"] is None:
            save(iteration)
        wall = time.perf_counter() - progress.start_time
        env_steps = iteration * cfg.num_envs
        progress.update(env_steps, agent.episode_stats.mean_recent_return(), force=True)
        agent.writer.close()
        wrapped.close()

        steps_this_run = env_steps - start_iteration * cfg.num_envs
        extra: dict[str, Any] = {
            "device": describe(device),
            "env_steps_per_second": round(steps_this_run / wall, 1) if wall > 0 else None,
            **target.as_extra(),
        }
        if remaining > 0:
            extra["time_split"] = split = clock.split()
            progress.message(f"wall time: {format_split(split)}")
        return TrainResult(
            env_steps=env_steps, wall_seconds=wall,
            final_mean_return=agent.episode_stats.mean_recent_return(), checkpoint=last["path"],
            interrupted=interrupted, extra=extra,
        )

    # -- motrix play -------------------------------------------------------------------
    def load_policy(self, checkpoint_path: Path, env_name: str, env: Any) -> TrainedPolicy:
        """The deterministic policy of a checkpoint, for ``env`` (``CheckpointError`` if it does not fit)."""
        return TrainedPolicy(checkpoint_path, env_name, env.observation_space, env.action_space,
                             pick_device())

    def play(self, job: PlayJob) -> PlayResult:
        """Mean actions until ``job.episodes`` episodes ended (the core films ``make_env``'s env)."""
        device = pick_device()
        configure_threads(device)
        env = job.make_env()
        policy = TrainedPolicy(job.checkpoint, job.env_spec.name, env.observation_space,
                               env.action_space, device)

        return play_episodes(env, policy, job.episodes)


def build_agent(cfg: PPOCfg, observation_space, action_space, device: torch.device, run_path: Path | None,
                start_iteration: int = 0) -> MotrixPPO:
    """Models → skrl 2.x ``PPO_CFG`` → ``RandomMemory`` → PPO agent, from a ``PPOCfg``.

    TensorBoard events go into ``run_path`` (none when it is None).
    """
    settings = skrl_ppo_settings(cfg)

    # Models: policy and value (one object when the trunk is shared)
    models = build_models(model_spec(cfg), observation_space, action_space, device)

    # skrl 2.x PPO configuration
    agent_cfg = PPO_CFG(
        **settings.agent_kwargs,
        learning_rate_scheduler=KLAdaptiveLR if settings.kl_scheduler_kwargs else None,
        learning_rate_scheduler_kwargs=settings.kl_scheduler_kwargs or {},
        observation_preprocessor=RunningStandardScaler if settings.observation_normalizer else None,
        observation_preprocessor_kwargs={"size": observation_space, "device": device},
        value_preprocessor=RunningStandardScaler if settings.value_normalizer else None,
        value_preprocessor_kwargs={"size": 1, "device": device},
        experiment=ExperimentCfg(
            directory=str(run_path.parent) if run_path else "",
            experiment_name=run_path.name if run_path else "",  # events go straight into the run
            write_interval=cfg.rollouts if run_path else 0,  # once per PPO update
            checkpoint_interval=0,  # motrix writes its own checkpoints (trainer.py)
        ),
    )

    # Rollout memory: one rollout of every env
    memory = RandomMemory(memory_size=settings.memory_size, num_envs=cfg.num_envs, device=device)

    return MotrixPPO(
        num_envs=cfg.num_envs, start_iteration=start_iteration, models=models, memory=memory,
        observation_space=observation_space, action_space=action_space, device=device, cfg=agent_cfg,
    )


# -- checkpoint state <-> agent ------------------------------------------------------------
def _agent_state(agent: MotrixPPO) -> dict[str, Any]:
    """Tensors and plain containers only: loads with ``weights_only=True``."""
    state: dict[str, Any] = {"policy": agent.policy.state_dict(), "optimizer": agent.optimizer.state_dict()}
    if agent.value is not agent.policy:
        state["value"] = agent.value.state_dict()
    for name in ("observation_preprocessor", "value_preprocessor"):
        module = agent.checkpoint_modules.get(name)
        if module is not None:
            state[name] = module.state_dict()
    state["rng"] = {"torch": torch.get_rng_state()}
    # the recent-returns window, so that the mean return (progress, best checkpoint) carries on
    recent = list(agent.episode_stats.recent_returns)
    state["episodes"] = {"recent_returns": torch.tensor(recent, dtype=torch.float64)}
    return state


def _restore(agent: MotrixPPO, state: dict[str, Any], path: Path) -> None:
    """Weights, optimizer (with its learning rate), normalizers, the torch RNG and recent returns."""
    load_module(agent.policy, state["policy"], path, "policy")
    if agent.value is not agent.policy:
        load_module(agent.value, state["value"], path, "value")
    agent.optimizer.load_state_dict(state["optimizer"])
    for name in ("observation_preprocessor", "value_preprocessor"):
        module = agent.checkpoint_modules.get(name)
        if module is not None:
            if name not in state:
                raise CheckpointError(f"checkpoint {path} has no {name}, the config asks for one")
            load_module(module, state[name], path, name)
    if agent.scheduler is not None:
        agent.scheduler._last_lr = [g["lr"] for g in agent.optimizer.param_groups]
    if "rng" in state:
        torch.set_rng_state(state["rng"]["torch"].cpu())
    if "episodes" in state:
        agent.episode_stats.recent_returns.extend(state["episodes"]["recent_returns"].tolist())
