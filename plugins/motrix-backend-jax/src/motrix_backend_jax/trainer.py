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
import numpy as np  # noqa: E402
from flax import serialization  # noqa: E402
from skrl import logger as skrl_logger  # noqa: E402
from skrl.agents.jax import ExperimentCfg  # noqa: E402
from skrl.agents.jax.ppo import PPO_CFG  # noqa: E402
from skrl.memories.jax import RandomMemory  # noqa: E402
from skrl.resources.preprocessors.jax import RunningStandardScaler  # noqa: E402
from skrl.resources.schedulers.jax import KLAdaptiveLR  # noqa: E402
from skrl.trainers.jax import SequentialTrainer, SequentialTrainerCfg  # noqa: E402

from motrix.config import PPOCfg  # noqa: E402
from motrix.errors import CheckpointError  # noqa: E402
from motrix.training.job import PlayJob, PlayResult, TrainJob, TrainResult  # noqa: E402
from motrix.training.loop import IterationMonitor, play_episodes  # noqa: E402
from motrix.training.phases import PhaseClock, format_split  # noqa: E402
from motrix.training.progress import Progress, TargetTracker  # noqa: E402
from motrix.training.skrl_cfg import skrl_ppo_settings  # noqa: E402

from motrix_backend_jax import checkpoint  # noqa: E402
from motrix_backend_jax.agent import MotrixPPO  # noqa: E402
from motrix_backend_jax.device import configure_compilation_cache, describe, pick_device  # noqa: E402
from motrix_backend_jax.models import build_models, model_spec  # noqa: E402
from motrix_backend_jax.policy import MeanActions, TrainedPolicy, probe  # noqa: E402
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
        clock = PhaseClock()  # where the wall time goes: env, act, record, update
        wrapped = NpEnvWrapper(env, device, clock)
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

        # Models, PPO_CFG, rollout memory, agent
        agent = build_agent(cfg, env.observation_space, env.action_space, device, job.run.path, start_iteration)
        if resume_state is not None:
            _restore(agent, resume_state, job.resume_from)

        progress = Progress(LABEL, total_env_steps, start_iteration * cfg.num_envs, quiet=job.quiet)
        progress.message(f"device {describe(device)}")
        job.run.update_metadata(device=describe(device), jax_cpu_threads=_THREADS, jax_compilation_cache=cache_dir)
        if resume_header is not None:
            progress.message(f"resuming from {job.resume_from} at {start_env_steps:,} env-steps")

        # Checkpoints: every check_point_interval iterations, plus one at the end. The state is
        # copied to the host here; encoding, writing and fsync-ing it (and the index and the
        # metadata) happen on a background thread while training goes on.
        store = job.run.checkpoints(checkpoint.SUFFIX)
        header = {
            "env": job.env_spec.name, "obs_dim": obs_dim, "action_dim": act_dim,
            "num_envs": cfg.num_envs, "model": model_spec(cfg),
        }
        writer = _BackgroundWriter()
        last = {"iteration": start_iteration}
        live_mean_actions = MeanActions(agent.policy)

        def save(iteration: int) -> None:
            env_steps = iteration * cfg.num_envs
            state = checkpoint.to_host(_agent_state(agent))
            mean_return = agent.episode_stats.mean_recent_return()
            scaler = agent.checkpoint_modules.get("observation_preprocessor")
            step_header = {**header, "env_steps": env_steps, "iteration": iteration,
                           "probe": probe(live_mean_actions, agent.policy.state_dict.params, scaler, obs_dim)}

            def write() -> Path:
                path = store.save(env_steps, lambda tmp: checkpoint.save(tmp, step_header, state), mean_return)
                job.run.update_metadata(env_steps=env_steps)
                return path

            writer.submit(write)
            last["iteration"] = iteration
            if getattr(agent, "writer", None) is not None:
                agent.writer.flush()

        # After every iteration: progress line, time to the target return, periodic checkpoint
        target = TargetTracker(cfg.target_return, progress.start_time)
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
            try:
                if remaining > 0:
                    clock.restart()
                    trainer.train()
            except KeyboardInterrupt:  # Ctrl-C, or SIGTERM turned into it by the core
                interrupted = True
                progress.message("interrupted; writing a final checkpoint")
            iteration = max(last["iteration"], start_iteration + agent.iterations_this_run)
            if iteration > last["iteration"] or (writer.submitted == 0 and job.resume_from is None):
                save(iteration)
        finally:
            last_path = writer.wait() or job.resume_from  # also on errors: no write is left half-way
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
        if remaining > 0:
            extra["time_split"] = split = clock.split()
            progress.message(f"wall time: {format_split(split)}")
        return TrainResult(
            env_steps=env_steps, wall_seconds=wall, final_mean_return=agent.episode_stats.mean_recent_return(),
            checkpoint=last_path, interrupted=interrupted, extra=extra,
        )

    # -- motrix play -------------------------------------------------------------------
    def load_policy(self, checkpoint_path: Path, env_name: str, env: Any) -> TrainedPolicy:
        """The deterministic policy of a checkpoint, for ``env`` (``CheckpointError`` if it does not fit)."""
        configure_compilation_cache()
        return TrainedPolicy(checkpoint_path, env_name, env.observation_space, env.action_space, pick_device())

    def play(self, job: PlayJob) -> PlayResult:
        loaded = checkpoint.load(job.checkpoint)  # a damaged file fails here, before the env is built
        configure_compilation_cache()
        device = pick_device()
        env = job.make_env()
        policy = TrainedPolicy(job.checkpoint, job.env_spec.name, env.observation_space, env.action_space, device,
                               loaded=loaded)
        return play_episodes(env, policy, job.episodes)


def build_agent(cfg: PPOCfg, observation_space, action_space, device: Any, run_path: Path | None,
                start_iteration: int = 0) -> MotrixPPO:
    """Models → skrl 2.x ``PPO_CFG`` → ``RandomMemory`` → PPO agent, from a ``PPOCfg``.

    TensorBoard events go into ``run_path`` (none when it is None).
    """
    settings = skrl_ppo_settings(cfg)

    # Models: policy and value (one object when the trunk is shared), each with init_state_dict done
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
class _BackgroundWriter:
    """Writes checkpoints on a worker thread, newest first: training never waits for a disk.

    ``submit`` hands over a write; if the previous one is still running, the new one waits
    as the single pending write, replacing any older pending one (an intermediate checkpoint
    that a newer one supersedes before it could start is skipped; ``skipped`` counts them).
    ``wait`` finishes the running and pending writes and returns the path of the last one.
    A failed write raises on the next ``submit`` or ``wait``.
    """

    def __init__(self) -> None:
        import threading

        self._cond = threading.Condition()
        self._pending = None
        self._busy = False
        self._error: BaseException | None = None
        self._closed = False
        self.last: Path | None = None
        self.submitted = 0
        self.skipped = 0
        self._thread = threading.Thread(target=self._run, name="motrix-checkpoint-writer")
        self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._closed:
                    self._cond.wait()
                if self._pending is None:
                    return
                fn, self._pending, self._busy = self._pending, None, True
            try:
                path = fn()
                error = None
            except BaseException as exc:  # re-raised in the training thread
                path, error = None, exc
            with self._cond:
                self._busy = False
                if error is not None:
                    self._error = error
                else:
                    self.last = path
                self._cond.notify_all()

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, fn) -> None:
        with self._cond:
            self._raise_error()
            if self._pending is not None:
                self.skipped += 1
            self._pending = fn
            self.submitted += 1
            self._cond.notify_all()

    def wait(self) -> Path | None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join()
        self._raise_error()
        return self.last


def _seed(seed: int) -> None:
    """What ``skrl.utils.set_seed`` does for a JAX run (Python, NumPy, skrl's JAX key).

    Not ``set_seed`` itself: it imports torch to seed it too, which costs seconds when
    torch is installed and buys nothing here.
    """
    from skrl import config

    random.seed(seed)
    np.random.seed(seed % 2**32)
    config.jax.key = seed


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
    # the last finished episodes, so that "mean return of the last 100 episodes" carries over a resume
    state["episode_stats"] = {"recent_returns": np.asarray(agent.episode_stats.recent_returns, dtype=np.float64)}
    mt = np.random.get_state()
    state["rng"] = {
        "policy_samples": int(agent.policy._g_i),  # skrl's counter folded into the policy's key
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
    recent = (state.get("episode_stats") or {}).get("recent_returns")
    if recent is not None:
        agent.episode_stats.recent_returns.extend(np.asarray(recent, dtype=np.float64).reshape(-1).tolist())
    rng = state.get("rng") or {}
    if "policy_samples" in rng:
        agent.policy._g_i = int(rng["policy_samples"])
    mt = rng.get("numpy_mt19937")
    if isinstance(mt, dict):
        try:
            np.random.set_state(("MT19937", np.asarray(mt["keys"], dtype=np.uint32), int(mt["pos"]),
                                 int(mt["has_gauss"]), float(mt["cached_gaussian"])))
        except (KeyError, ValueError, TypeError) as exc:
            raise CheckpointError(f"checkpoint {path}: its random state is unreadable: {exc}") from None
