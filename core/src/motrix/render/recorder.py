"""``VideoRecorder``: film a batched env while it is stepped, into an MP4 or GIF.

    recorder = VideoRecorder(VideoOptions(Path("out.mp4")))  # checks encoder + driver first
    env = recorder.attach(motrix.make("cartpole", num_envs=4))
    state = env.init_state()
    for _ in range(300):
        state = env.step(actions)                            # frames are taken on the way
    summary = recorder.close()

``attach`` wraps the env's ``init_state`` and ``step`` on that one instance, so whatever
drives the env (a backend's play loop, ``motrix view``) records without knowing about video.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motrix.errors import MotrixError
from motrix.render.headless import HeadlessRenderer, probe
from motrix.render.options import VideoOptions
from motrix.render.video import VideoWriter, require_encoder

if TYPE_CHECKING:
    from motrix.env.base import NpEnv


@dataclass(frozen=True)
class VideoSummary:
    """What a finished recording wrote."""

    path: Path
    """The video file."""
    frames: int
    """Frames in it."""
    width: int
    """Frame width in pixels."""
    height: int
    """Frame height in pixels."""
    fps: float
    """Frame rate it plays at (real time: one frame per ``stride * ctrl_dt`` simulated seconds)."""
    render_seconds: float
    """Wall time spent rendering and encoding."""

    @property
    def seconds(self) -> float:
        """Length of the video."""
        return self.frames / self.fps

    def describe(self) -> str:
        """One line for the user."""
        return (f"video {self.path}: {self.frames} frames, {self.width}x{self.height}, "
                f"{self.seconds:.1f} s at {self.fps:.3g} fps (rendered in {self.render_seconds:.1f} s)")


class VideoRecorder:
    """Renders one env's states to ``options.path``: ``attach`` an env, step it, ``close``."""

    def __init__(self, options: VideoOptions, ctrl_dt: float | None = None,
                 probe_timeout: float | None = None) -> None:
        """Check that a video can be made (encoder, Vulkan driver) before anything else happens.

        With the env's ``ctrl_dt`` known, the encoder starts right away, i.e. before a
        backend imports its framework (JAX warns about the ``fork`` that starts ffmpeg).
        """
        options.validate()
        require_encoder()  # fail on what is missing before any expensive work
        probe(probe_timeout)
        self.options = options
        self._env: NpEnv | None = None
        self._renderer: HeadlessRenderer | None = None
        self._writer: VideoWriter | None = None
        self._ctrl_dt: float | None = None
        self._stride = 1
        self._max_frames: int | None = None
        self._countdown = 0
        self._wall = 0.0
        self._summary: VideoSummary | None = None
        if ctrl_dt is not None:
            self._open_writer(ctrl_dt)

    def _open_writer(self, ctrl_dt: float) -> None:
        opts = self.options
        self._ctrl_dt = ctrl_dt
        self._stride = opts.stride(ctrl_dt)
        fps = 1.0 / (self._stride * ctrl_dt)
        if opts.max_seconds is not None:
            self._max_frames = max(1, int(opts.max_seconds * fps + 1e-9))
        self._writer = VideoWriter(opts.path, opts.width, opts.height, fps)

    @property
    def attached(self) -> bool:
        """Whether an env has been attached."""
        return self._env is not None

    def attach(self, env: "NpEnv") -> "NpEnv":
        """Start rendering ``env`` (all its envs, on a grid); returns the same env."""
        if self._env is not None:
            raise RuntimeError("a VideoRecorder films one env; it already has one")
        if self._ctrl_dt is None:
            self._open_writer(env.cfg.ctrl_dt)
        elif abs(self._ctrl_dt - env.cfg.ctrl_dt) > 1e-12:
            raise ValueError(f"the recorder was opened for ctrl_dt {self._ctrl_dt}, the env has {env.cfg.ctrl_dt}")
        opts = self.options
        start = time.perf_counter()
        self._renderer = HeadlessRenderer(env.model, env.num_envs, env.cfg.render_spacing,
                                          opts.width, opts.height, quality=opts.quality)
        self._wall += time.perf_counter() - start
        self._env = env
        init_state, step = env.init_state, env.step

        @functools.wraps(init_state)
        def recorded_init_state(*args: Any, **kwargs: Any) -> Any:
            state = init_state(*args, **kwargs)
            self._countdown = 0  # film the initial state
            self._observe()
            return state

        @functools.wraps(step)
        def recorded_step(*args: Any, **kwargs: Any) -> Any:
            state = step(*args, **kwargs)
            self._observe()
            return state

        env.init_state = recorded_init_state  # type: ignore[method-assign]
        env.step = recorded_step  # type: ignore[method-assign]
        return env

    def _observe(self) -> None:
        if self._writer is None or self._countdown > 0:
            self._countdown -= 1
            return
        self._countdown = self._stride - 1
        env, start = self._env, time.perf_counter()
        assert env is not None and self._renderer is not None
        try:
            if not env.refresh_kinematics:
                # Link poses lag the physics by a step otherwise. Harmless to the env: by the
                # NpEnv contract, an env that reads link poses sets refresh_kinematics itself.
                env.model.forward_kinematic(env.data)
            self._writer.write(self._renderer.frame(env.data))
        except BaseException:
            self.abort()
            raise
        self._wall += time.perf_counter() - start
        if self._max_frames is not None and self._writer.frames >= self._max_frames:
            self._finish()  # long enough: free the renderer, the env plays on unfilmed

    def _finish(self) -> None:
        writer, renderer = self._writer, self._renderer
        self._writer = self._renderer = None
        if renderer is not None:
            renderer.close()
        if writer is None:
            return
        start = time.perf_counter()
        frames = writer.close()
        self._wall += time.perf_counter() - start
        if frames:
            opts = self.options
            self._summary = VideoSummary(opts.path, frames, opts.width, opts.height, writer.fps, self._wall)

    def close(self) -> VideoSummary | None:
        """Finish the file; ``None`` if no frame was taken (then no file is written)."""
        self._finish()
        return self._summary

    def abort(self) -> None:
        """Stop and write nothing (after an error)."""
        writer, renderer = self._writer, self._renderer
        self._writer = self._renderer = None
        if writer is not None:
            writer.abort()
        if renderer is not None:
            renderer.close()

    def __enter__(self) -> "VideoRecorder":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def require_summary(summary: VideoSummary | None, why: str) -> VideoSummary:
    """``summary``, or a ``MotrixError``: no video was written, and ``why``."""
    if summary is None:
        raise MotrixError(f"no video was written: {why}")
    return summary
