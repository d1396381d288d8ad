"""``VideoOptions``: what a video should be (file, frame size, frame rate, length)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from motrix.errors import UsageError

#: Container formats by file suffix.
FORMATS = {".mp4": "mp4", ".gif": "gif"}


@dataclass(frozen=True)
class VideoOptions:
    """A video to render; ``validate`` says what is wrong in one line."""

    path: Path
    """File to write; the suffix picks the format: ``.mp4`` (H.264) or ``.gif``."""
    width: int = 320
    """Frame width in pixels (even, for H.264). 320×240 renders at about 5–19 frames/s on a CPU."""
    height: int = 240
    """Frame height in pixels (even)."""
    fps: float = 30.0
    """Target frame rate. A frame is taken every ``stride`` control steps, so the video plays in
    real time; the actual rate is ``1 / (stride * ctrl_dt)``."""
    max_seconds: float | None = 10.0
    """Simulated seconds to record at most, from the start (None: until the recorder is closed)."""
    quality: bool = False
    """Shadows and ambient occlusion: nicer, about 1.4× slower on a CPU."""

    @property
    def format(self) -> str:
        """``"mp4"`` or ``"gif"``."""
        return FORMATS[self.path.suffix.lower()]

    def validate(self) -> None:
        """Raise ``UsageError`` naming the first bad field."""
        if self.path.suffix.lower() not in FORMATS:
            raise UsageError(f"video file {self.path} must end in {' or '.join(FORMATS)}")
        for name in ("width", "height"):
            value = getattr(self, name)
            if not (isinstance(value, int) and 16 <= value <= 7680 and value % 2 == 0):
                raise UsageError(f"video {name} must be an even number of pixels in [16, 7680], got {value}")
        if not (self.fps > 0 and math.isfinite(self.fps)):
            raise UsageError(f"video fps must be > 0, got {self.fps}")
        if self.max_seconds is not None and not (self.max_seconds > 0):
            raise UsageError(f"video length must be > 0 seconds, got {self.max_seconds}")

    def stride(self, ctrl_dt: float) -> int:
        """Control steps between two frames, for an env stepping every ``ctrl_dt`` seconds."""
        return max(1, round(1.0 / (self.fps * ctrl_dt)))


def parse_size(text: str) -> tuple[int, int]:
    """``"320x240"`` → ``(320, 240)``; a ``UsageError`` for anything else."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if match is None:
        raise UsageError(f"--video-size must look like WIDTHxHEIGHT (e.g. 320x240), got {text!r}")
    return int(match[1]), int(match[2])
