"""``VideoWriter``: RGB(A) frames in, an MP4 or GIF file out.

Encoding goes through the ffmpeg binary that the ``imageio-ffmpeg`` wheel bundles
(``pip install 'motrix-core[video]'``), so nothing but a Vulkan driver is needed from the
system. The file appears complete or not at all: frames go to a hidden partial file that
replaces the target on ``close``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from motrix.errors import MotrixError, UsageError
from motrix.render.options import FORMATS

ENCODER_HINT = "pip install 'motrix-core[video]' (imageio-ffmpeg, which bundles ffmpeg)"

# GIF: one palette fitted to the whole clip looks far better than ffmpeg's fixed default one.
_GIF_PALETTE = ["-filter_complex", "split[a][b];[a]palettegen[p];[b][p]paletteuse"]


def require_encoder() -> Any:
    """The ``imageio_ffmpeg`` module, or a one-line ``MotrixError`` saying what to install."""
    try:
        import imageio_ffmpeg
    except ImportError:
        raise MotrixError(f"writing a video needs the video extra: {ENCODER_HINT}") from None
    return imageio_ffmpeg


class VideoWriter:
    """Encode ``(height, width, 3)`` RGB uint8 frames to ``path`` (format from the suffix).

    ffmpeg starts in the constructor: create the writer before importing a framework that
    frowns on ``fork`` (JAX warns about it).
    """

    def __init__(self, path: str | Path, width: int, height: int, fps: float) -> None:
        self.path = Path(path)
        if self.path.suffix.lower() not in FORMATS:
            raise UsageError(f"video file {self.path} must end in {' or '.join(FORMATS)}")
        ffmpeg = require_encoder()
        self.size = (int(width), int(height))
        self.fps = float(fps)
        self.frames = 0
        self._partial = self.path.with_name(f".{self.path.stem}.partial{self.path.suffix}")
        self._closed = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        gif = self.path.suffix.lower() == ".gif"
        codec = {"codec": "gif", "pix_fmt_out": "pal8", "quality": None, "output_params": _GIF_PALETTE} if gif else {
            "codec": "libx264", "pix_fmt_out": "yuv420p", "quality": 6}  # CRF 20: crisp, small
        self._pipe = ffmpeg.write_frames(
            str(self._partial), self.size, pix_fmt_in="rgb24", fps=self.fps, macro_block_size=1,
            ffmpeg_log_level="error", **codec,
        )
        self._pipe.send(None)  # starts ffmpeg

    def write(self, frame: np.ndarray) -> None:
        """Append one frame; its size must be the writer's."""
        if self._closed:
            raise RuntimeError(f"video {self.path} is already closed")
        width, height = self.size
        if frame.shape != (height, width, 3) or frame.dtype != np.uint8:
            raise ValueError(f"frames of {self.path} must be ({height}, {width}, 3) uint8, "
                             f"got {frame.shape} {frame.dtype}")
        try:
            self._pipe.send(np.ascontiguousarray(frame))
        except OSError as exc:
            self.abort()
            raise MotrixError(f"ffmpeg failed writing {self.path}: {_first_line(exc)}") from exc
        self.frames += 1

    def close(self) -> int:
        """Finish the file and return the number of frames; without frames, write no file."""
        if self._closed:
            return self.frames
        if self.frames == 0:
            self.abort()
            return 0
        self._closed = True
        try:
            self._pipe.close()
        except OSError as exc:
            self._partial.unlink(missing_ok=True)
            raise MotrixError(f"ffmpeg failed finishing {self.path}: {_first_line(exc)}") from exc
        os.replace(self._partial, self.path)
        return self.frames

    def abort(self) -> None:
        """Stop without writing the file (after an error)."""
        if not self._closed:
            self._closed = True
            try:
                self._pipe.close()
            except Exception:  # noqa: BLE001 - already failing; the partial file goes either way
                pass
        self._partial.unlink(missing_ok=True)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
