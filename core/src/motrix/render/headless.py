"""Rendering without a window: can this machine do it (``probe``), and ``HeadlessRenderer``.

MotrixSim renders through wgpu, which needs a Vulkan driver; on a machine without a GPU that
is Mesa's lavapipe (Debian/Ubuntu package ``mesa-vulkan-drivers``), which renders on the CPU.
Without a usable driver wgpu falls back to a path where the first frame never arrives, so
``probe`` renders one tiny frame in a subprocess under a timeout and turns a hang or a crash
into one line saying what to install.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from motrix.errors import MotrixError
from motrix.render.framing import frame_grid, grid_offsets, scene_bounds

if TYPE_CHECKING:
    import motrixsim

INSTALL_HINT = (
    "install a Vulkan driver: on Debian/Ubuntu `sudo apt-get install mesa-vulkan-drivers` "
    "(lavapipe, renders on the CPU), or a GPU's driver"
)
#: Seconds the probe may take (a cold start on a busy 2-core machine takes ~3 s; a missing driver hangs).
PROBE_TIMEOUT = float(os.environ.get("MOTRIX_RENDER_PROBE_TIMEOUT", "30"))

# The smallest scene that exercises the whole pipeline: a lit box on a floor.
_PROBE_MJCF = """<mujoco><worldbody><light pos="0 0 3"/><geom type="plane" size="1 1 0.1"/>
<body pos="0 0 0.2"><geom type="box" size="0.1 0.1 0.1"/></body></worldbody></mujoco>"""
_PROBE_SIZE = (32, 24)
_WARM_UP_FRAMES = 20  # at most, while the scene loads (one is enough on lavapipe)

_probed: str | None = None  # "ok" once a probe succeeded in this process


class RenderUnavailable(MotrixError):
    """This machine cannot render headless (no usable Vulkan driver)."""


def vulkan_icd_manifests() -> list[Path]:
    """The Vulkan driver manifests (ICDs) the Vulkan loader would consider, on Linux."""
    listed = os.environ.get("VK_DRIVER_FILES") or os.environ.get("VK_ICD_FILENAMES")
    if listed:  # these replace the search path
        candidates = [Path(p) for p in listed.split(os.pathsep) if p]
    else:
        xdg_config = os.environ.get("XDG_CONFIG_DIRS", "/etc/xdg").split(os.pathsep)
        xdg_data = os.environ.get("XDG_DATA_DIRS", "/usr/local/share:/usr/share").split(os.pathsep)
        home = Path.home() / ".local/share"
        candidates = [Path(d) / "vulkan/icd.d" for d in [*xdg_config, "/etc", *xdg_data, str(home)] if d]
    found: list[Path] = []
    for path in candidates:
        if path.is_dir():
            found += sorted(path.glob("*.json"))
        elif path.is_file():
            found.append(path)
    return found


def quiet_runtime_dir() -> None:
    """Give the renderer a private ``XDG_RUNTIME_DIR`` when none is set.

    Without one the window-system libraries print two alarming ``error:`` lines even
    though no window is opened.
    """
    if os.environ.get("XDG_RUNTIME_DIR"):
        return
    path = Path(tempfile.gettempdir()) / f"motrix-runtime-{os.getuid() if hasattr(os, 'getuid') else 0}"
    try:
        path.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return
    os.environ["XDG_RUNTIME_DIR"] = str(path)


def probe(timeout: float | None = None) -> None:
    """Raise ``RenderUnavailable`` (one line, with what to install) unless headless rendering works.

    Renders one tiny frame in a subprocess, which is killed after ``timeout`` seconds
    (default ``PROBE_TIMEOUT``, env ``MOTRIX_RENDER_PROBE_TIMEOUT``). A success is remembered
    for the rest of the process.
    """
    global _probed
    if _probed == "ok":
        return
    if sys.platform.startswith("linux") and not vulkan_icd_manifests():
        raise RenderUnavailable(f"cannot render video: no Vulkan driver is installed; {INSTALL_HINT}")
    timeout = PROBE_TIMEOUT if timeout is None else timeout
    quiet_runtime_dir()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "motrix.render.headless"], capture_output=True, text=True,
            timeout=timeout, stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise RenderUnavailable(
            f"cannot render video: the renderer gave no frame within {timeout:g} s, so no usable "
            f"Vulkan driver was found; {INSTALL_HINT}"
        ) from None
    if done.returncode != 0 or "probe: ok" not in done.stdout:
        lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        why = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise RenderUnavailable(f"cannot render video: the renderer failed ({why}); {INSTALL_HINT}")
    _probed = "ok"


class HeadlessRenderer:
    """A window-less MotrixSim renderer of ``num_envs`` envs on a grid, returning frames as arrays."""

    def __init__(
        self, model: "motrixsim.SceneModel", num_envs: int, spacing: float, width: int, height: int,
        quality: bool = False,
    ) -> None:
        from motrixsim.render import RenderApp, RenderSettings

        quiet_runtime_dir()
        self.size = (width, height)
        self._offsets = grid_offsets(num_envs, spacing)
        self._spacing = spacing
        self._model = model
        # The system camera draws into an image of our size instead of a window (before launch).
        model.cameras.set_system_render_target("image", width, height)
        self._app = RenderApp(headless=True, log_level="ERROR")
        try:
            settings = RenderSettings.quality() if quality else RenderSettings.performance()
            self._app.launch(model, batch=num_envs, render_offset=self._offsets, render_settings=settings)
        except BaseException:
            self._app.close()
            raise
        self._framed = False

    def frame(self, data: "motrixsim.SceneData") -> np.ndarray:
        """Render ``data`` (link poses must be current) → ``(height, width, 3)`` RGB uint8."""
        if self._framed:
            return self._capture(data)
        # Aim once, at the first state: a steady camera is easier to watch.
        bounds = scene_bounds(self._model, data, self._spacing)
        self._app.system_camera.set_view(**frame_grid(bounds, self._offsets, self.size[0] / self.size[1]))
        self._framed = True
        # The first captures after launch show an empty scene while assets load in the
        # background: wait until the picture changes from that.
        empty = self._capture(data).astype(np.int16)
        for _ in range(_WARM_UP_FRAMES):
            frame = self._capture(data)
            if np.abs(frame - empty).mean() > 0.5:
                break
        return frame

    def _capture(self, data: "motrixsim.SceneData") -> np.ndarray:
        task = self._app.system_camera.capture()
        self._app.sync(data, wait=True)
        image = task.take_image()
        if image is None:
            raise MotrixError(f"the renderer returned no frame (capture state {task.state!r})")
        pixels: Any = image.pixels  # (height, width, 4) RGBA
        return np.ascontiguousarray(np.asarray(pixels)[:, :, :3])

    def close(self) -> None:
        """Release the renderer (idempotent)."""
        self._app.close()


def _probe_main() -> int:
    """Render one tiny frame; print ``probe: ok WxH`` (run by ``probe`` in a subprocess)."""
    import motrixsim

    model = motrixsim.load_mjcf_str(_PROBE_MJCF)
    data = motrixsim.SceneData(model)
    model.forward_kinematic(data)
    renderer = HeadlessRenderer(model, 1, 0.0, *_PROBE_SIZE)
    try:
        shape = renderer.frame(data).shape
    finally:
        renderer.close()
    print(f"probe: ok {shape[1]}x{shape[0]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_probe_main())
