"""``JaxTrainer``: PPO through skrl 2.x on JAX + Flax, for ``motrix train`` and ``motrix play``.

``train`` reads top to bottom: device → env → wrapper → models → PPO_CFG → memory →
agent (→ restore on resume) → SequentialTrainer, with a per-iteration hook that prints
progress and writes checkpoints into the run directory. The agent's three XLA programs
(act, record, update) are compiled once, before the clock of the first iteration starts
to matter: see ``MotrixPPO`` in ``agent.py``.
"""

from __future__ import annotations

# XLA reads its flags when jax starts its CPU client: set them before anything asks jax
# for a device or an array (importing jax, flax and skrl does neither).
from motrix_backend_jax.device import configure_threads

_THREADS = configure_threads()

import logging  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from flax import serialization  # noqa: E402
from skrl import logger as skrl_logger  # noqa: E402
from skrl.agents.jax import ExperimentCfg  # noqa: E402
from skrl.agents.jax.ppo import PPO_CFG  # noqa: E402
from skrl.memories.jax import RandomMemory  # noqa: E402
from skrl.resources.preprocessors.jax import RunningStandardScaler  # noqa: E402
from skrl.resources.schedulers.jax import KLAdaptiveLR  # noqa: E402
from skrl.trainers.jax import SequentialTrainer, SequentialTrainerCfg  # noqa: E402

from motrix.errors import CheckpointError  # noqa: E402
from motrix.training.job import PlayJob, PlayResult, TrainJob, TrainResult  # noqa: E402
from motrix.training.progress import Progress, TargetTracker  # noqa: E402
from motrix.training.skrl_cfg import skrl_ppo_settings  # noqa: E402

from motrix_backend_jax import checkpoint  # noqa: E402
from motrix_backend_jax.agent import MotrixPPO  # noqa: E402
from motrix_backend_jax.device import configure_compilation_cache, describe, pick_device  # noqa: E402
from motrix_backend_jax.models import build_models, model_spec  # noqa: E402
from motrix_backend_jax.wrapper import NpEnvWrapper  # noqa: E402

LABEL = "jax"


def _space_dim(space) -> int:
    return int(np.prod(space.shape))


class JaxTrainer:
    """The ``trainer`` of ``BackendSpec(name="jax")``."""

    checkpoint_suffix = checkpoint.SUFFIX

    # -- motrix train ------------------------------------------------------------------
    def train(self, job: TrainJob) -> TrainResult:
        cfg = job.rl_cfg
        settings = skrl_ppo_settings(cfg)
        skrl_logger.setLevel(logging.WARNING)  # skrl's INFO lines would interleave with progress

        # Device and seeding
        cache_dir = configure_compilation_cache()
        device = pick_device()
        _seed(cfg.seed)

        # Env, wrapped for skrl
        env = job.make_env()
        wrapped = NpEnvWrapper(env, device)
        obs_dim, act_dim = _space_dim(env.observation_space), _space_dim(env.action_space)

        # Where we start: fresh, or the checkpoint being resumed
        resume_header, resume_state = None, None
        start_env_steps = 0
        if job.resume_from is not None:
            resume_header, resume_state = checkpoint.load(job.resume_from)
            checkpoint.check_env(resume_header, job.resume_from, job.env_spec.name, obs_dim, act_dim)
            if resume_header.get("model") != model_spec(cfg):
                raise CheckpointError(
                    f"checkpoint {job.resume_from} has networks {resume_header.get('model')}, "
                    f"the config asks for {model_spec(cfg)}"
                )
            start_env_steps = int(resume_header["env_steps"])
        total_iterations = settings.timesteps
        start_iteration = start_env_steps // cfg.num_envs
        remaining = max(0, total_iterations - start_iteration)
        total_env_steps = total_iterations * cfg.num_envs

        # Models: policy and value (one object when the trunk is shared), each initialised
        models = build_models(model_spec(cfg), env.observation_space, env.action_space, device)

        # skrl 2.x PPO configuration
        agent_cfg = PPO_CFG(
            **settings.agent_kwargs,
            learning_rate_scheduler=KLAdaptiveLR if settings.kl_scheduler_kwargs else None,
            learning_rate_scheduler_kwargs=settings.kl_scheduler_kwargs or {},
            observation_preprocessor=RunningStandardScaler if settings.observation_normalizer else None,
            observation_preprocessor_kwargs={"size": env.observation_space, "device": device},
            value_preprocessor=RunningStandardScaler if settings.value_normalizer else None,
            value_preprocessor_kwargs={"size": 1, "device": device},
            experiment=ExperimentCfg(
                directory=str(job.run.path.parent),
                experiment_name=job.run.path.name,  # TensorBoard events go straight into the run
                write_interval=cfg.rollouts,  # once per PPO update
                checkpoint_interval=0,  # motrix writes its own checkpoints (below)
            ),
        )

        # Rollout memory: one rollout of every env
        memory = RandomMemory(memory_size=settings.memory_size, num_envs=cfg.num_envs, device=device)

        # The agent
        agent = MotrixPPO(
            num_envs=cfg.num_envs, start_iteration=start_iteration, models=models, memory=memory,
            observation_space=env.observation_space, action_space=env.action_space, device=device, cfg=agent_cfg,
        )
        if resume_state is not None:
            _restore(agent, resume_state, job.resume_from)

        progress = Progress(LABEL, total_env_steps, start_iteration * cfg.num_envs, quiet=job.quiet)
        progress.message(f"device {describe(device)}")
        job.run.update_metadata(device=describe(device), jax_cpu_threads=_THREADS, jax_compilation_cache=cache_dir)
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
            last["path"] = store.save(
                env_steps,
                lambda tmp: checkpoint.save(tmp, {**header, "env_steps": env_steps, "iteration": iteration}, state),
                agent.episode_stats.mean_recent_return(),
            )
            last["iteration"] = iteration
            if getattr(agent, "writer", None) is not None:
                agent.writer.flush()
            job.run.update_metadata(env_steps=env_steps)

        target = TargetTracker(cfg.target_return, progress.start_time)
        seen = {"episodes": -1, "mean": None}

        def on_iteration(iteration: int) -> None:
            stats = agent.episode_stats
            if stats.episodes != seen["episodes"]:  # the mean changes only when episodes end
                seen["episodes"], seen["mean"] = stats.episodes, stats.mean_recent_return()
                env_steps = iteration * cfg.num_envs
                if target.update(seen["mean"], env_steps):
                    r = target.reached
                    progress.message(f"mean return {r.mean_return:.1f} >= {r.target:g} after {r.seconds:.1f} s, "
                                     f"{r.env_steps:,} env-steps")
            progress.update(iteration * cfg.num_envs, seen["mean"])
            if iteration % cfg.check_point_interval == 0:
                save(iteration)

        agent.on_iteration = on_iteration

        # Train with skrl's sequential trainer
        trainer = SequentialTrainer(
            env=wrapped, agents=agent,
            cfg=SequentialTrainerCfg(timesteps=remaining, headless=True, disable_progressbar=True,
                                     close_environment_at_exit=False),
        )
        interrupted = False
        try:
            if remaining > 0:
                trainer.train()
        except KeyboardInterrupt:
            interrupted = True
            progress.message("interrupted; writing a final checkpoint")
        iteration = max(last["iteration"], start_iteration + agent.iterations_this_run)
        if iteration > last["iteration"] or last["path"] is None:
            save(iteration)
        wall = time.perf_counter() - progress.start_time
        env_steps = iteration * cfg.num_envs
        progress.update(env_steps, agent.episode_stats.mean_recent_return(), force=True)
        if getattr(agent, "writer", None) is not None:
            agent.writer.close()
        wrapped.close()

        steps_this_run = env_steps - start_iteration * cfg.num_envs
        extra: dict[str, Any] = {
            "device": describe(device),
            "env_steps_per_second": round(steps_this_run / wall, 1) if wall > 0 else None,
            **target.as_extra(),
        }
        return TrainResult(
            env_steps=env_steps, wall_seconds=wall, final_mean_return=agent.episode_stats.mean_recent_return(),
            checkpoint=last["path"], interrupted=interrupted, extra=extra,
        )

    # -- motrix play -------------------------------------------------------------------
    def play(self, job: PlayJob) -> PlayResult:
        configure_compilation_cache()
        device = pick_device()
        header, state = checkpoint.load(job.checkpoint)
        env = job.make_env()
        obs_dim, act_dim = _space_dim(env.observation_space), _space_dim(env.action_space)
        checkpoint.check_env(header, job.checkpoint, job.env_spec.name, obs_dim, act_dim)
        spec = header.get("model")
        if not isinstance(spec, dict):
            raise CheckpointError(f"checkpoint {job.checkpoint} does not describe its networks")

        policy = build_models(spec, env.observation_space, env.action_space, device)["policy"]
        params = checkpoint.restore_tree(policy.state_dict.params, state.get("policy"), job.checkpoint, "policy")
        params = jax.device_put(params, device)
        obs_stats = None
        if "observation_preprocessor" in state:
            scaler = RunningStandardScaler(env.observation_space, device=device)
            obs_stats = _scaler_tree(scaler)
            obs_stats = jax.device_put(
                checkpoint.restore_tree(obs_stats, state["observation_preprocessor"], job.checkpoint,
                                        "observation_preprocessor"), device)
            clip, eps = scaler.clip_threshold, scaler.epsilon
        apply = policy.apply

        @jax.jit
        def mean_action(params, stats, obs):
            x = obs
            if stats is not None:
                x = jnp.clip((obs - stats["running_mean"]) / (jnp.sqrt(stats["running_variance"]) + eps), -clip, clip)
            mean, _ = apply(params, {"observations": x}, "policy")
            return mean  # deterministic: the Gaussian's mean

        returns: list[float] = []
        lengths: list[int] = []
        ep_return = np.zeros(job.num_envs)
        ep_length = np.zeros(job.num_envs, dtype=np.int64)
        obs = env.init_state().obs
        while len(returns) < job.episodes:
            actions = mean_action(params, obs_stats, jax.device_put(np.asarray(obs, dtype=np.float32), device))
            s = env.step(np.asarray(actions))
            ep_return += s.reward
            ep_length += 1
            done = s.terminated | s.truncated
            for i in np.flatnonzero(done):
                if len(returns) < job.episodes:
                    returns.append(float(ep_return[i]))
                    lengths.append(int(ep_length[i]))
            ep_return[done] = 0.0
            ep_length[done] = 0
            obs = s.obs
        return PlayResult(returns=returns, lengths=lengths)


def _seed(seed: int) -> None:
    """What ``skrl.utils.set_seed`` does for a JAX run (Python, NumPy, skrl's JAX key).

    Not ``set_seed`` itself: it imports torch to seed it too, which costs seconds when
    torch is installed and buys nothing here.
    """
    from skrl import config

    random.seed(seed)
    np.random.seed(seed % 2**32)
    config.jax.key = seed


# -- checkpoint state <-> agent ------------------------------------------------------------
def _scaler_tree(scaler: RunningStandardScaler) -> dict[str, Any]:
    return {
        "running_mean": scaler.running_mean,
        "running_variance": scaler.running_variance,
        "current_count": scaler.current_count,
    }


def _agent_state(agent: MotrixPPO) -> dict[str, Any]:
    """Arrays and plain containers only (see ``checkpoint.py``)."""
    state: dict[str, Any] = {
        "policy": serialization.to_state_dict(agent.policy.state_dict.params),
        "policy_optimizer": serialization.to_state_dict(agent.policy_optimizer.state),
        "learning_rate": {"policy": float(agent.policy_learning_rate), "value": float(agent.value_learning_rate)},
    }
    if not agent.shared:
        state["value"] = serialization.to_state_dict(agent.value.state_dict.params)
        state["value_optimizer"] = serialization.to_state_dict(agent.value_optimizer.state)
    for name in ("observation_preprocessor", "value_preprocessor"):
        module = agent.checkpoint_modules.get(name)
        if module is not None:
            state[name] = _scaler_tree(module)
    mt = np.random.get_state()
    state["rng"] = {
        "act_calls": int(agent.act_calls),  # folded into the policy's key (skrl's, from the seed)
        "numpy_mt19937": {"keys": np.asarray(mt[1]), "pos": int(mt[2]), "has_gauss": int(mt[3]),
                          "cached_gaussian": float(mt[4])},
    }
    return state


def _restore(agent: MotrixPPO, state: dict[str, Any], path: Path) -> None:
    """Weights, optimizers, learning rates, normalizers and the random streams."""
    def fit(template, name):
        if name not in state:
            raise CheckpointError(f"checkpoint {path} has no {name}")
        return jax.device_put(checkpoint.restore_tree(template, state[name], path, name), agent.device)

    agent.policy.state_dict = agent.policy.state_dict.replace(params=fit(agent.policy.state_dict.params, "policy"))
    agent.policy_optimizer = agent.policy_optimizer.replace(state=fit(agent.policy_optimizer.state, "policy_optimizer"))
    if not agent.shared:
        agent.value.state_dict = agent.value.state_dict.replace(params=fit(agent.value.state_dict.params, "value"))
        agent.value_optimizer = agent.value_optimizer.replace(state=fit(agent.value_optimizer.state, "value_optimizer"))
    for name in ("observation_preprocessor", "value_preprocessor"):
        module = agent.checkpoint_modules.get(name)
        if module is not None:
            stats = fit(_scaler_tree(module), name)
            module.running_mean = stats["running_mean"]
            module.running_variance = stats["running_variance"]
            module.current_count = stats["current_count"]
    lr = state.get("learning_rate") or {}
    if "policy" in lr:
        agent.policy_learning_rate = float(lr["policy"])
    if "value" in lr:
        agent.value_learning_rate = float(lr["value"])
    rng = state.get("rng") or {}
    if "act_calls" in rng:
        agent.act_calls = int(rng["act_calls"])
    mt = rng.get("numpy_mt19937")
    if isinstance(mt, dict):
        try:
            np.random.set_state(("MT19937", np.asarray(mt["keys"], dtype=np.uint32), int(mt["pos"]),
                                 int(mt["has_gauss"]), float(mt["cached_gaussian"])))
        except (KeyError, ValueError, TypeError) as exc:
            raise CheckpointError(f"checkpoint {path}: its random state is unreadable: {exc}") from None
