"""The backends' shared checkpoint policy: header reading and the reload self-check, without a framework."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from motrix.errors import CheckpointError
from motrix.training.policy import PROBE_SIZE, CheckpointPolicy, probe_observations

OBS_DIM = 3


def _double(obs: np.ndarray) -> np.ndarray:
    return 2.0 * np.asarray(obs, np.float32)[:, :2]


class DoublingPolicy(CheckpointPolicy):
    """A stand-in for a backend's policy: a NumPy function instead of networks."""

    def __init__(self, path: Path, header: dict) -> None:
        super().__init__(path, header)
        self._self_check()

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        return _double(obs)


def _header(actions: np.ndarray | None = None, env_steps: int = 1234) -> dict:
    obs = probe_observations(OBS_DIM)
    header: dict = {"env_steps": env_steps}
    if actions is not None:
        header["probe"] = {"observations": obs.tolist(), "actions": actions.tolist()}
    return header


def test_probe_observations_are_fixed():
    obs = probe_observations(OBS_DIM)
    assert obs.shape == (PROBE_SIZE, OBS_DIM) and obs.dtype == np.float32
    np.testing.assert_array_equal(obs, probe_observations(OBS_DIM))


def test_matching_probe_passes_and_header_is_read(tmp_path):
    want = _double(probe_observations(OBS_DIM))
    policy = DoublingPolicy(tmp_path / "p.ckpt", _header(want, env_steps=5000))
    assert policy.env_steps == 5000
    obs, actions = policy.recorded_probe
    np.testing.assert_array_equal(obs, probe_observations(OBS_DIM))
    np.testing.assert_array_equal(actions, want)


def test_mismatching_probe_raises(tmp_path):
    path = tmp_path / "p.ckpt"
    with pytest.raises(CheckpointError) as err:
        DoublingPolicy(path, _header(_double(probe_observations(OBS_DIM)) + 0.1))
    assert str(err.value) == (
        f"checkpoint {path}: the reloaded policy does not reproduce its recorded actions "
        "(networks built differently from the ones that were saved)"
    )


def test_probe_of_another_shape_raises(tmp_path):
    with pytest.raises(CheckpointError, match="does not reproduce its recorded actions"):
        DoublingPolicy(tmp_path / "p.ckpt", _header(np.zeros((PROBE_SIZE, 5), np.float32)))


def test_no_probe_is_fine(tmp_path):
    policy = DoublingPolicy(tmp_path / "p.ckpt", _header(None))
    assert policy.recorded_probe is None
    assert policy.env_steps == 1234
