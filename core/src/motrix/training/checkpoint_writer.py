"""Checkpoints written on a worker thread, newest first: training never waits for a disk."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path


class CheckpointWriter:
    """Runs checkpoint writes one at a time on a background thread.

    ``submit(iteration, write)`` hands over a write (a callable returning the file's path);
    if the previous one is still running, the new one waits as the single pending write,
    replacing any older pending one (an intermediate checkpoint that a newer one supersedes
    before it could start is skipped; ``skipped`` counts them). ``wait`` finishes the running
    and pending writes and returns the path of the last one (``start_path`` when none was
    written). A failed write raises on the next ``submit`` or ``wait``.
    """

    def __init__(self, start_iteration: int = 0, start_path: Path | None = None) -> None:
        self._cond = threading.Condition()
        self._pending: Callable[[], Path] | None = None
        self._error: BaseException | None = None
        self._closed = False
        self.last_path: Path | None = start_path
        """The newest checkpoint that is complete on disk."""
        self.last_iteration = start_iteration
        """The iteration of the newest checkpoint submitted."""
        self.submitted = 0
        self.skipped = 0
        self._thread = threading.Thread(target=self._run, name="motrix-checkpoint-writer")
        self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._closed:
                    self._cond.wait()
                if self._pending is None:
                    return
                write, self._pending = self._pending, None
            try:
                path, error = write(), None
            except BaseException as exc:  # re-raised in the training thread
                path, error = None, exc
            with self._cond:
                if error is not None:
                    self._error = error
                else:
                    self.last_path = path
                self._cond.notify_all()

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, iteration: int, write: Callable[[], Path]) -> None:
        with self._cond:
            self._raise_error()
            if self._pending is not None:
                self.skipped += 1
            self._pending = write
            self.submitted += 1
            self.last_iteration = iteration
            self._cond.notify_all()

    def wait(self) -> Path | None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join()
        self._raise_error()
        return self.last_path
