"""The training loop of every skrl backend, top to bottom, with no framework imported.

``train(job, parts)``: process settings → device → seed → env → skrl wrapper → where to
start (fresh, or a checkpoint, with the env's ``training_state``) → agent → the loop, written
out here: per iteration, act → step → record; every ``rollouts`` iterations the agent's
update and its curves; then the progress line, the time-to-target figure, the env's
``training_progress`` (for curricula over training) and a checkpoint every
``check_point_interval`` iterations → a final checkpoint (also on Ctrl-C / SIGTERM) →
``TrainResult``. skrl's ``SequentialTrainer`` is not used: its loop is these few lines, and
owning them puts every step of training in one place. ``play(job, parts)``: the checkpoint's
deterministic policy on a fresh env. ``parts`` is the backend's framework code
(``motrix.training.skrl_parts.SkrlParts``).

In a data-parallel run (``job.world``: several processes, ``motrix train --nproc``) every
rank runs this same loop on its own envs; the backend's process group makes skrl average
gradients and the KL, the agent merges the normalizers after each update, and rank 0 alone
writes TensorBoard events, checkpoints and metadata. One iteration is then
``num_envs × world_size`` env-steps, and the ranks stop after the same iteration.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path
from typing import Any

from motrix.distributed.sync import any_rank, gather_digests
from motrix.errors import MotrixError, UsageError
from motrix.runs.checkpoints import CheckpointWriteError
from motrix.training.checkpoint_header import base_header, check_resumable
from motrix.training.checkpoint_writer import CheckpointWriter
from motrix.training.episode_stats import EpisodeStats
from motrix.training.job import PlayJob, PlayResult, TrainJob, TrainResult
from motrix.training.loop import IterationMonitor, play_episodes
from motrix.training.phases import PhaseClock, format_split
from motrix.training.progress import Progress, TargetTracker
from motrix.training.skrl_agent import AgentContext
from motrix.training.skrl_cfg import skrl_ppo_settings
from motrix.training.skrl_parts import SkrlParts


def train(job: TrainJob, parts: SkrlParts) -> TrainResult:
    cfg, world = job.rl_cfg, job.world
    main = world.is_main
    total_iterations = skrl_ppo_settings(cfg).timesteps // world.world_size
    steps_per_iteration = cfg.num_envs * world.world_size
    logging.getLogger("skrl").setLevel(logging.WARNING)  # skrl's INFO lines would interleave with progress

    # Process, process group, device and seeding (each rank its own seed)
    process_metadata = parts.configure()
    collectives = parts.init_distributed(world) if world.distributed else None
    device = parts.device()
    parts.seed(world.seed(cfg.seed))

    # Env, wrapped for skrl
    env = job.make_env()
    critic_space = cfg.critic_space(env)  # None: the critic observes what the policy does
    clock = PhaseClock()  # where the wall time goes: env, act, record, update
    wrapped = parts.wrap_env(env, device, clock, critic=critic_space is not None)

    # Where we start: fresh, or the checkpoint being resumed
    resume_state = None
    start_iteration = 0
    if job.resume_from is not None:
        resume_header, resume_state = parts.read_checkpoint(job.resume_from, device)
        check_resumable(resume_header, job.resume_from, job.env_spec.name, cfg, env.observation_space,
                        env.action_space, world.world_size, critic_space)
        start_iteration = int(resume_header["env_steps"]) // steps_per_iteration
        env.load_training_state(resume_header.get("env_state", {}))  # e.g. curriculum levels; every rank takes rank 0's
    remaining = max(0, total_iterations - start_iteration)
    total_env_steps = total_iterations * steps_per_iteration
    stats = EpisodeStats(cfg.num_envs)

    # Checkpoints (rank 0's): the state is copied to the host here; encoding, writing and
    # fsync-ing it (and the index and the metadata) happen on a background thread.
    store = job.run.checkpoints(parts.checkpoint_suffix) if main else None
    header = base_header(job.env_spec.name, cfg, env.observation_space, env.action_space, world.world_size,
                         critic_space)

    def save(iteration: int) -> None:
        if not main:
            return
        env_steps = iteration * steps_per_iteration
        state = parts.snapshot(agent)
        step_header = {**header, "env_steps": env_steps, "iteration": iteration,
                       "probe": parts.probe(agent, header["obs_dim"]), "env_state": env.training_state()}
        mean_return = stats.mean_recent_return()

        def write() -> Path:
            path = store.save(env_steps, lambda tmp: parts.write_checkpoint(tmp, step_header, state), mean_return,
                              keep=cfg.keep_checkpoints)
            job.run.update_metadata(env_steps=env_steps)
            return path

        writer.submit(iteration, write)
        _flush_events(agent)

    # The agent (skrl's PPO with motrix's recording and update); the monitor's clock starts
    # once it is built
    def share_done(iteration: int) -> float:
        return min(1.0, iteration / max(1, total_iterations))

    context = AgentContext(num_envs=cfg.num_envs, run_path=job.run.path if main else None,
                           start_iteration=start_iteration, episode_stats=stats, clock=clock,
                           world_size=world.world_size, collectives=collectives,
                           mirror=mirror_maps(cfg, env, job.env_spec.name, critic_space),
                           mirror_loss_scale=cfg.mirror_loss_scale, augment=cfg.symmetry_augmentation)
    agent = parts.build_agent(cfg, env.observation_space, env.action_space, device, context, critic_space)
    if resume_state is not None:
        parts.restore(agent, resume_state, job.resume_from)
        if world.rank != 0:  # the checkpoint holds rank 0's random streams: each rank draws its own
            parts.seed(world.seed(cfg.seed + start_iteration))
    progress = Progress(parts.label, total_env_steps, start_iteration * steps_per_iteration, quiet=job.quiet)
    # Time to the target return is a figure of runs trained from scratch, not of a resumed one.
    target = TargetTracker(cfg.target_return if resume_state is None else None, progress.start_time)
    monitor = IterationMonitor(num_envs=steps_per_iteration, check_point_interval=cfg.check_point_interval,
                               progress=progress, target=target, stats=stats, save=save)
    device_line, device_metadata = parts.report(device, agent)
    progress.message(f"device {device_line}" + (f", rank 0 of {world.world_size}" if world.distributed else ""))
    if main:
        job.run.update_metadata(device=parts.describe(device), **process_metadata, **device_metadata)
    if resume_state is not None:
        progress.message(f"resuming from {job.resume_from} at {start_iteration * steps_per_iteration:,} env-steps")

    # The loop. Per iteration: one vectorized env-step (act, step, record); once the rollout
    # is full, the update (returns, advantages, epochs of minibatches) and the curves; then
    # the progress line, the curricula's training progress and, when due, a checkpoint. A
    # final checkpoint whatever stopped it.
    agent.init(trainer_cfg=None)
    agent.enable_training_mode(True)
    env.set_training_progress(share_done(start_iteration))
    iteration = start_iteration
    interrupted = False
    # Its thread starts here, where the try below is sure to stop it: an error building the
    # agent leaves no thread behind to keep the process from exiting.
    writer = CheckpointWriter(start_iteration, job.resume_from)
    if remaining == 0:
        progress.message(f"nothing to do: the budget of {total_env_steps:,} env-steps is already done")
    try:
        try:
            try:
                if remaining > 0:
                    clock.restart()
                    observations, _ = wrapped.reset()
                    states = wrapped.state()
                for t in range(remaining):
                    # rollout: act, step the envs (finished ones reset inside), record
                    actions, _ = agent.act(observations, states, timestep=t, timesteps=remaining)
                    next_observations, rewards, terminated, truncated, infos = wrapped.step(actions)
                    next_states = wrapped.state()
                    agent.record_transition(observations=observations, states=states, actions=actions,
                                            rewards=rewards, next_observations=next_observations,
                                            next_states=next_states, terminated=terminated, truncated=truncated,
                                            infos=infos, timestep=t, timesteps=remaining)
                    observations, states = next_observations, next_states
                    # update once the rollout is full, then log
                    if (t + 1) % cfg.rollouts == 0:
                        agent.learn_from_rollout(timestep=t, timesteps=remaining)
                    agent.log(iterations=t + 1)
                    # progress, curricula, checkpoints; a stop asked of any rank
                    iteration = start_iteration + t + 1
                    env.set_training_progress(share_done(iteration))
                    monitor(iteration)
                    if collectives is not None and iteration % cfg.rollouts == 0 and any_rank(
                            job.stop is not None and job.stop.signum is not None, collectives.all_sum):
                        raise KeyboardInterrupt  # on every rank after this same iteration (a collective
                        # every iteration would cost more than cartpole's physics)
            except KeyboardInterrupt:  # Ctrl-C, or SIGTERM turned into it by the core
                interrupted = True
                progress.message("interrupted; writing a final checkpoint")
            iteration = max(writer.last_iteration, iteration)
            if collectives is not None:  # the test that the ranks stayed in step: their weights' digests
                digests = gather_digests(parts.digest(agent), world.rank, world.world_size, collectives.all_sum)
            if iteration > writer.last_iteration or (writer.submitted == 0 and job.resume_from is None):
                save(iteration)
        finally:
            last_path = writer.wait()  # also on errors: no write is left half-way
    except CheckpointWriteError as exc:
        _close_events(agent, quietly=True)
        raise MotrixError(f"{exc}; {_how_to_go_on(writer.last_path, job)}") from None
    wall = time.perf_counter() - progress.start_time
    env_steps = iteration * steps_per_iteration
    progress.update(env_steps, stats.mean_recent_return(), force=True)
    _close_events(agent)
    wrapped.close()

    steps_this_run = env_steps - start_iteration * steps_per_iteration
    extra: dict[str, Any] = {
        "device": parts.describe(device),
        "env_steps_per_second": round(steps_this_run / wall, 1) if wall > 0 else None,
        **target.as_extra(),
    }
    if collectives is not None:
        extra["parameter_digests"] = digests
    if remaining > 0:
        extra["time_split"] = split = clock.split()
        progress.message(f"wall time: {format_split(split)}")
    return TrainResult(env_steps=env_steps, wall_seconds=wall, final_mean_return=stats.mean_recent_return(),
                       checkpoint=last_path, interrupted=interrupted, extra=extra)


def mirror_maps(cfg: Any, env: Any, env_name: str, critic_space: Any) -> Any:
    """The env's mirror maps when the config asks for symmetry (``UsageError`` if it has none)."""
    if not (cfg.symmetry_augmentation or cfg.mirror_loss_scale):
        return None
    maps = env.mirror_maps()
    if maps is None:
        raise UsageError(f"env {env_name!r} declares no mirror maps, so it cannot be trained with "
                         "symmetry_augmentation or mirror_loss_scale; leave both at their defaults")
    if critic_space is None:
        maps = dataclasses.replace(maps, critic=None)
    return maps


def load_policy(parts: SkrlParts, checkpoint: Path, env_name: str, env: Any, device: Any = None) -> Any:
    """The deterministic policy of ``checkpoint`` for ``env`` (``CheckpointError`` if it does not fit)."""
    device = parts.device() if device is None else device
    loaded = parts.read_checkpoint(checkpoint, device)
    return parts.load_policy(checkpoint, loaded, env_name, env, device)


def play(job: PlayJob, parts: SkrlParts) -> PlayResult:
    """Mean actions until ``job.episodes`` episodes ended (the core films ``make_env``'s env)."""
    parts.configure()
    device = parts.device()
    loaded = parts.read_checkpoint(job.checkpoint, device)  # a damaged file fails before the env is built
    env = job.make_env()
    policy = parts.load_policy(job.checkpoint, loaded, job.env_spec.name, env, device)
    return play_episodes(env, policy, job.episodes)


def _flush_events(agent: Any) -> None:
    writer = getattr(agent, "writer", None)  # skrl's SummaryWriter; absent when no events are written
    if writer is not None:
        writer.flush()


def _close_events(agent: Any, quietly: bool = False) -> None:
    writer = getattr(agent, "writer", None)
    if writer is not None:
        try:
            writer.close()
        except Exception:  # a full disk fails the last events too; the checkpoint error says why
            if not quietly:
                raise


def _how_to_go_on(last: Path | None, job: TrainJob) -> str:
    """The second half of a failed checkpoint's one line: what is safe, and the command to go on."""
    if last is None:
        return f"no checkpoint was completed; free space and train again with `motrix train {job.env_spec.name}`"
    return (f"the last complete checkpoint is {last}; free space and go on with "
            f"`motrix train {job.env_spec.name} --resume {job.run.path}`")


__all__ = ["load_policy", "play", "train"]
