"""``motrix view``: watch an env act randomly, in a MotrixSim window or rendered to a video."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from motrix.errors import MotrixError
from motrix.render.framing import grid_offsets

__all__ = ["grid_offsets", "has_display", "run_view", "record_view"]


def has_display() -> bool:
    """Whether a window can be opened (X11 or Wayland)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_view(
    env_name: str, num_envs: int = 1, steps: int | None = None, seed: int | None = None,
    video: str | None = None, video_size: tuple[int, int] = (320, 240),
) -> str | None:
    """Step ``env_name`` with random actions and show it.

    Without ``video``: in a window, in real time, until it closes or ``steps`` control steps
    (None: no limit) have run; without a display this raises ``MotrixError`` before building
    anything. With ``video``: headless, ``steps`` steps rendered to that file (``.mp4`` or
    ``.gif``); returns the line describing the video written.
    """
    if video is not None:
        return record_view(env_name, Path(video), num_envs=num_envs, steps=steps or 1000, seed=seed,
                           size=video_size)
    if not has_display():
        raise MotrixError(
            f"no display: cannot open a window to view {env_name!r} (DISPLAY and WAYLAND_DISPLAY are "
            f"unset); run with a display, or render it with `motrix view {env_name} --video out.mp4`"
        )
    from motrixsim.render import RenderApp

    from motrix.env.actions import sample_actions
    from motrix.env.make import make

    env = make(env_name, num_envs=num_envs, seed=seed)
    rng = np.random.default_rng(seed)
    env.init_state()
    render = RenderApp()
    try:
        render.launch(env.model, batch=env.num_envs,
                      render_offset=grid_offsets(env.num_envs, env.cfg.render_spacing))
        step = 0
        next_frame = time.perf_counter()
        while not render.is_closed and (steps is None or step < steps):
            env.step(sample_actions(env.action_space, env.num_envs, rng))
            env.model.forward_kinematic(env.data)  # poses lag a step after physics otherwise
            render.sync(env.data)
            step += 1
            next_frame += env.cfg.ctrl_dt
            delay = next_frame - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            else:
                next_frame = time.perf_counter()  # running behind: do not try to catch up
    finally:
        render.close()
    return None


def record_view(
    env_name: str, path: Path, num_envs: int = 1, steps: int = 1000, seed: int | None = None,
    size: tuple[int, int] = (320, 240),
) -> str:
    """Render ``steps`` control steps of random actions in ``env_name`` to ``path``; describe it."""
    from motrix.render.options import VideoOptions
    from motrix.render.recorder import VideoRecorder, require_summary

    options = VideoOptions(path, width=size[0], height=size[1], max_seconds=None)
    options.validate()  # a bad file name or size is reported before the env is built
    from motrix.env.actions import sample_actions
    from motrix.env.make import make

    env = make(env_name, num_envs=num_envs, seed=seed)
    rng = np.random.default_rng(seed)
    with VideoRecorder(options) as recorder:
        recorder.attach(env).init_state()
        for _ in range(steps):
            env.step(sample_actions(env.action_space, env.num_envs, rng))
        summary = recorder.close()
    return require_summary(summary, "no frame was rendered").describe()
