"""``motrix view``: watch an env act randomly in a MotrixSim window."""

from __future__ import annotations

import math
import os
import time

import numpy as np

from motrix.errors import MotrixError


def has_display() -> bool:
    """Whether a window can be opened (X11 or Wayland)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def grid_offsets(num_envs: int, spacing: float) -> list[list[float]]:
    """Render offsets placing ``num_envs`` copies on a square grid, centred on the origin."""
    cols = math.ceil(math.sqrt(num_envs))
    rows = math.ceil(num_envs / cols)
    return [
        [(i % cols - (cols - 1) / 2) * spacing, (i // cols - (rows - 1) / 2) * spacing, 0.0]
        for i in range(num_envs)
    ]


def run_view(
    env_name: str, num_envs: int = 1, steps: int | None = None, seed: int | None = None,
    video: str | None = None,
) -> None:
    """Step ``env_name`` with random actions in real time and render it until the window closes.

    ``steps`` limits the control steps (None: until closed). Without a display this raises
    ``MotrixError`` before building anything. ``video`` is not supported yet (a clear error).
    """
    if video is not None:
        raise MotrixError(f"writing video ({video}) is not supported yet; run `motrix view {env_name}` with a display")
    if not has_display():
        raise MotrixError(
            f"no display: cannot open a window to view {env_name!r} (DISPLAY and WAYLAND_DISPLAY are "
            f"unset); run with a display, or use `motrix view {env_name} --video out.mp4` once video "
            "is supported"
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
