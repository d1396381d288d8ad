"""Turn SIGTERM into the same graceful stop as Ctrl-C, remembering which one it was."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


class StopRequest:
    """Which signal asked training to stop (None while none has)."""

    signum: int | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.signum, 130) if self.signum is not None else 0


@contextmanager
def graceful_stop(defer: bool = False) -> Iterator[StopRequest]:
    """Within the block, SIGINT and SIGTERM raise KeyboardInterrupt once in the main thread.

    Trainers catch KeyboardInterrupt, write a final checkpoint and return. A second signal
    during that checkpoint is ignored so the checkpoint is not cut short. With ``defer``
    (a distributed run) a signal only sets ``signum``: the training loop stops after an
    iteration that every rank agrees on, since a rank that stopped alone would leave the
    others waiting in a collective.
    """
    request = StopRequest()

    def handler(signum: int, _frame: object) -> None:
        if request.signum is not None:
            return
        request.signum = signum
        if not defer:
            raise KeyboardInterrupt

    previous = {s: signal.signal(s, handler) for s in EXIT_CODES}
    try:
        yield request
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
