"""Videos: ``motrix view/play --video`` render headless into real MP4/GIF files.

Rendering needs a Vulkan driver (lavapipe from ``mesa-vulkan-drivers`` on a CPU-only
machine; CI installs it). Tests that render skip, with the probe's one-line reason, only
when the probe finds no usable driver; everything else (encoding, the probe's messages,
camera framing) runs everywhere.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from motrix.errors import UsageError
from motrix.render.framing import frame_grid, grid_offsets
from motrix.render.headless import RenderUnavailable, probe
from motrix.render.options import VideoOptions, parse_size
from motrix.render.video import VideoWriter
from tests.conftest import run_motrix

needs_encoder = pytest.mark.skipif(importlib.util.find_spec("imageio_ffmpeg") is None,
                                   reason="imageio-ffmpeg (motrix-core[video]) is not installed")


def read_video(path: Path) -> tuple[dict, list[np.ndarray]]:
    """Decode ``path`` with ffmpeg: its metadata and every frame as (H, W, 3) uint8."""
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    width, height = meta["size"]
    return meta, [np.frombuffer(raw, np.uint8).reshape(height, width, 3) for raw in reader]


@pytest.fixture(scope="session")
def renderer() -> None:
    """Skip (saying why and what to install) when this machine cannot render headless."""
    try:
        probe()
    except RenderUnavailable as exc:
        pytest.skip(str(exc))


# -- encoding ---------------------------------------------------------------------------
@needs_encoder
@pytest.mark.parametrize("suffix", [".mp4", ".gif"])
def test_frames_are_encoded_to_a_file_that_decodes_to_the_same_count_and_size(tmp_path, suffix):
    path = tmp_path / f"ramp{suffix}"
    writer = VideoWriter(path, width=64, height=48, fps=25)
    for i in range(12):
        writer.write(np.full((48, 64, 3), i * 20, np.uint8))
    assert writer.close() == 12
    meta, frames = read_video(path)
    assert meta["size"] == (64, 48) and len(frames) == 12
    assert frames[-1].mean() > frames[0].mean() + 100  # the ramp survived encoding
    assert list(tmp_path.iterdir()) == [path]  # no partial file left behind


@needs_encoder
def test_a_video_without_frames_writes_no_file(tmp_path):
    writer = VideoWriter(tmp_path / "empty.mp4", 64, 48, fps=25)
    assert writer.close() == 0
    assert list(tmp_path.iterdir()) == []


def test_bad_video_options_are_usage_errors_that_name_the_problem():
    with pytest.raises(UsageError, match=r"must end in \.mp4 or \.gif"):
        VideoOptions(Path("out.avi")).validate()
    with pytest.raises(UsageError, match="width must be an even number"):
        VideoOptions(Path("out.mp4"), width=321).validate()
    with pytest.raises(UsageError, match="WIDTHxHEIGHT"):
        parse_size("big")
    assert parse_size("640x480") == (640, 480)


def test_frames_are_taken_so_that_the_video_plays_in_real_time():
    options = VideoOptions(Path("out.mp4"), fps=30)
    assert options.stride(ctrl_dt=0.01) == 3  # cartpole: a frame every 3 steps, 33.3 fps
    assert options.stride(ctrl_dt=0.02) == 2  # 25 fps
    assert options.stride(ctrl_dt=0.1) == 1   # slower than the target: every step


def test_the_camera_frames_the_whole_grid():
    bounds = np.array([[-1.2, -0.2, 0.0], [1.2, 0.2, 2.0]])
    offsets = grid_offsets(9, spacing=2.5)
    view = frame_grid(bounds, offsets, aspect=4 / 3)
    # Every corner of the grid's box projects inside the 45° x 60° field of view.
    tilt = np.radians(-view["elevation"])
    forward = np.array([0, np.cos(tilt), -np.sin(tilt)])
    up = np.array([0, np.sin(tilt), np.cos(tilt)])
    eye = np.array(view["lookat"]) - view["distance"] * forward
    low, high = bounds[0] + np.min(offsets, axis=0), bounds[1] + np.max(offsets, axis=0)
    for corner in np.array(np.meshgrid(*zip(low, high))).T.reshape(-1, 3):
        rel = corner - eye
        depth = rel @ forward
        assert abs(rel[0]) <= depth * np.tan(np.radians(22.5)) * 4 / 3 + 1e-9
        assert abs(rel @ up) <= depth * np.tan(np.radians(22.5)) + 1e-9
    # ...and not from needlessly far: some corner is at the edge (within the 5% margin).
    assert view["distance"] < 1.1 * frame_grid(bounds, offsets, 4 / 3, margin=1.0)["distance"]


# -- the driver probe -------------------------------------------------------------------
def test_without_a_vulkan_driver_the_cli_says_in_one_line_what_to_install(tmp_path):
    result = run_motrix("view", "cartpole", "--steps", "3", "--video", str(tmp_path / "out.mp4"),
                        env={"VK_ICD_FILENAMES": str(tmp_path / "no-driver.json")})
    assert result.returncode == 1
    # One line from motrix (MotrixSim itself may print a banner when it loads).
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("motrix")]
    assert "Traceback" not in result.stderr
    assert line.startswith("motrix: error: cannot render video: no Vulkan driver")
    assert "apt-get install mesa-vulkan-drivers" in line
    assert not (tmp_path / "out.mp4").exists()


def test_a_driver_that_never_renders_is_caught_by_the_probe_timeout(tmp_path, monkeypatch):
    # A driver manifest whose library does not exist: wgpu falls back to a path that hangs.
    manifest = tmp_path / "broken_icd.json"
    manifest.write_text('{"file_format_version": "1.0.0", '
                        '"ICD": {"library_path": "/nonexistent/libvulkan_broken.so", "api_version": "1.3.0"}}')
    monkeypatch.setenv("VK_ICD_FILENAMES", str(manifest))
    with pytest.raises(RenderUnavailable, match=r"no frame within 3 s.*mesa-vulkan-drivers") as excinfo:
        probe(timeout=3)
    assert "\n" not in str(excinfo.value)


# -- real rendering ---------------------------------------------------------------------
@needs_encoder
def test_view_renders_a_grid_of_envs_to_an_mp4(renderer, tmp_path):
    out = tmp_path / "cartpole.mp4"
    result = run_motrix("view", "cartpole", "--num-envs", "4", "--steps", "30", "--video", str(out))
    assert result.returncode == 0, result.stderr
    assert f"video {out}: 11 frames, 320x240" in result.stderr
    meta, frames = read_video(out)
    # cartpole steps every 0.01 s: a frame every 3 steps (33.3 fps), initial state included.
    assert meta["size"] == (320, 240) and len(frames) == 11
    assert abs(meta["fps"] - 100 / 3) < 0.1
    assert all(f.std() > 10 for f in frames)  # a scene, not a blank image
    assert np.abs(frames[-1].astype(int) - frames[0]).mean() > 0.1  # the poles moved


@needs_encoder
def test_filming_does_not_change_what_the_env_does(renderer, tmp_path):
    import motrix
    from motrix.render.recorder import VideoRecorder

    def rollout(video: Path | None) -> np.ndarray:
        env = motrix.make("cartpole", num_envs=2, seed=3)
        recorder = VideoRecorder(VideoOptions(video, width=64, height=48)) if video else None
        if recorder is not None:
            recorder.attach(env)
        env.init_state()
        actions = np.random.default_rng(0).uniform(-1, 1, (12, 2, 1)).astype(np.float32)
        observed = np.stack([env.step(a).obs for a in actions])
        if recorder is not None:
            summary = recorder.close()
            assert summary is not None and summary.frames == 5  # steps 0, 3, 6, 9, 12
        return observed

    np.testing.assert_array_equal(rollout(None), rollout(tmp_path / "filmed.gif"))


def _backends() -> list[str]:
    return [b for b in ("torch", "jax") if importlib.util.find_spec(f"motrix_backend_{b}") is not None]


@needs_encoder
@pytest.mark.parametrize("backend", _backends())
def test_play_films_the_trained_policy(renderer, tmp_path, backend):
    runs = tmp_path / "runs"
    trained = run_motrix("train", "cartpole", "--backend", backend, "--steps", "256", "--num-envs", "8",
                         "--runs-dir", str(runs), "--quiet")
    assert trained.returncode == 0, trained.stderr
    out = tmp_path / "policy.gif"
    played = run_motrix("play", "cartpole", "--runs-dir", str(runs), "--episodes", "2", "--num-envs", "2",
                        "--video", str(out), "--video-size", "160x120", "--video-seconds", "0.3")
    assert played.returncode == 0, played.stderr
    assert "mean return over 2 episodes" in played.stdout
    meta, frames = read_video(out)
    # 0.3 s at 33.3 fps = 10 frames, unless both episodes ended sooner.
    assert meta["size"] == (160, 120) and 2 <= len(frames) <= 10
    assert f"video {out}: {len(frames)} frames, 160x120" in played.stderr
