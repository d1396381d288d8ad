"""``motrix plot`` draws learning curves of real runs into a PNG."""

from __future__ import annotations

import pytest

from tests.conftest import run_motrix

SHORT_RUN = ("--num-envs", "32", "--steps", "4096", "--set", "rollouts=16", "--set", "mini_batches=2",
             "--set", "check_point_interval=4", "--quiet")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    for seed in ("0", "1"):
        result = run_motrix("train", "cartpole", "--backend", "torch", "--seed", seed, "--runs-dir", str(root), *SHORT_RUN)
        assert result.returncode == 0, result.stderr
    return root


def test_plot_of_a_folder_of_runs_writes_one_png_with_every_run(two_runs, tmp_path):
    from PIL import Image

    out = tmp_path / "curves.png"
    result = run_motrix("plot", str(two_runs / "cartpole"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    with Image.open(out) as image:
        assert image.format == "PNG"
        width, height = image.size
        assert width > 600 and height > 300
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 50, "curves, not a blank canvas"


def test_plot_reads_the_curves_the_trainer_wrote(two_runs):
    from motrix.plot import find_runs, read_curves

    runs = find_runs([str(two_runs / "cartpole")])
    assert len(runs) == 2
    curves = read_curves(runs[0]).curves
    assert {"Episode / Return (mean)", "Learning / Learning rate", "Reward / Episode / alive"} <= set(curves)
    steps, _ = curves["Episode / Return (mean)"]
    assert steps == sorted(steps) and steps[-1] <= 4096 + 32 * 16


def test_plot_of_something_that_is_not_a_run_is_a_usage_error(tmp_path):
    result = run_motrix("plot", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"motrix: error: '{tmp_path}' is not a run directory nor a folder of runs (no metadata.json found)"
