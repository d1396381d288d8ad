"""``motrix view``: without a display it says so, in one line, before building anything."""

from __future__ import annotations

import pytest

from motrix.errors import MotrixError
from motrix.view import grid_offsets, run_view


def test_without_a_display_view_is_a_clear_one_line_error(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(MotrixError, match="no display") as excinfo:
        run_view("cartpole", num_envs=1, steps=1)
    assert "\n" not in str(excinfo.value)
    assert "--video" in str(excinfo.value)


def test_copies_are_laid_out_on_a_centred_grid():
    offsets = grid_offsets(4, spacing=2.0)
    assert sorted(map(tuple, offsets)) == [(-1.0, -1.0, 0.0), (-1.0, 1.0, 0.0), (1.0, -1.0, 0.0), (1.0, 1.0, 0.0)]
    assert len(grid_offsets(5, 1.0)) == 5

