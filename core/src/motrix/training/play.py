"""``motrix play``: a trained policy, deterministically, from a checkpoint or an exported ONNX file."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from motrix.errors import UsageError
from motrix.registry import get_env
from motrix.training.job import PlayJob, PlayResult
from motrix.training.resources import check_memory
from motrix.training.trained import locate


@dataclass
class PlayRequest:
    """What the user asked ``motrix play`` for."""

    env: str
    run: str | None = None
    checkpoint: str | None = None
    policy: str | None = None
    """An exported ``.onnx`` policy, played through ONNX Runtime (no backend needed)."""
    episodes: int = 10
    num_envs: int | None = None
    seed: int = 0
    runs_dir: str | None = None
    video: str | None = None
    backend: str | None = None
    video_size: tuple[int, int] = (320, 240)
    video_seconds: float | None = 10.0


def play(request: PlayRequest) -> tuple[PlayResult, Path]:
    """Plays a run's latest checkpoint, a checkpoint file or an ONNX policy: (result, the file played)."""
    env_spec = get_env(request.env)  # an alias finds the canonical name's runs
    if request.episodes <= 0:
        raise UsageError(f"--episodes must be > 0, got {request.episodes}")
    if request.policy:
        return _play_onnx(request, env_spec)
    trained = locate(env_spec, request.run, request.checkpoint, request.runs_dir, request.backend)
    num_envs = _num_envs(request, trained.rl_cfg.play_num_envs)
    check_memory(env_spec, trained.env_cfg, trained.rl_cfg, "play", num_envs)
    recorder = _video_recorder(request, trained.env_cfg.ctrl_dt) if request.video else None  # fails fast
    job = PlayJob(env_spec=env_spec, env_cfg=trained.env_cfg, rl_cfg=trained.rl_cfg, checkpoint=trained.checkpoint,
                  episodes=request.episodes, num_envs=num_envs, seed=request.seed, recorder=recorder)
    trainer = trained.backend.load_trainer_class()()
    if recorder is None:
        return trainer.play(job), trained.checkpoint
    from motrix.render.recorder import require_summary

    with recorder:
        result = trainer.play(job)
        summary = require_summary(
            recorder.close(), f"backend {trained.backend.name!r} played without stepping an env from job.make_env()")
    print(f"motrix: {summary.describe()}", file=sys.stderr, flush=True)
    return result, trained.checkpoint


def _play_onnx(request: PlayRequest, env_spec: Any) -> tuple[PlayResult, Path]:
    """The exported policy through ONNX Runtime, on the env config its sidecar records."""
    from motrix.env.make import make_from_spec
    from motrix.export.runtime import OnnxPolicy
    from motrix.export.sidecar import env_cfg_for

    if request.run or request.checkpoint or request.video:
        raise UsageError("--policy plays an ONNX file by itself: drop --run, --checkpoint and --video")
    policy = OnnxPolicy(Path(request.policy))
    env_cfg, play_num_envs = env_cfg_for(policy.path, env_spec)
    num_envs = _num_envs(request, play_num_envs)
    check_memory(env_spec, env_cfg, None, "play", num_envs)
    env = make_from_spec(env_spec, env_cfg, num_envs, seed=request.seed)
    policy.check_fits(env_spec.name, int(env.observation_space.shape[0]))
    from motrix.training.loop import play_episodes

    return play_episodes(env, policy, request.episodes), policy.path


def _num_envs(request: PlayRequest, play_num_envs: int) -> int:
    num_envs = request.num_envs or min(play_num_envs, request.episodes)
    if num_envs <= 0:
        raise UsageError(f"--num-envs must be > 0, got {num_envs}")
    return num_envs


def _video_recorder(request: PlayRequest, ctrl_dt: float) -> Any:
    """Checks the encoder and the Vulkan driver, and starts the encoder before any framework loads."""
    from motrix.render.options import VideoOptions
    from motrix.render.recorder import VideoRecorder

    width, height = request.video_size
    options = VideoOptions(Path(str(request.video)), width=width, height=height, max_seconds=request.video_seconds)
    return VideoRecorder(options, ctrl_dt=ctrl_dt)
