"""Signals during a run: SIGINT, SIGTERM and SIGHUP end it cleanly (:class:`RunInterrupted`:
every kernel stopped, the staging folder removed, ``--out`` unchanged), and they are held back
while the run publishes, so the swap is never cut in half."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

#: Signals that stop a run cleanly (SIGHUP: the terminal went away). One that the process was
#: started with ignored (``nohup``, ``&`` in a script) stays ignored.
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class RunInterrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP ended the run: kernels stopped, staging removed, ``--out``
    unchanged."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM)."""
        return 128 + self.signum


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Turn SIGINT, SIGTERM and SIGHUP into :class:`RunInterrupted` (main thread only; later
    signals are ignored while the run cleans up)."""
    if not _in_main_thread():
        yield
        return

    def handler(signum: int, _frame: Any) -> None:
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)
        raise RunInterrupted(signum)

    previous = {
        sig: signal.getsignal(sig) for sig in SIGNALS if signal.getsignal(sig) != signal.SIG_IGN
    }
    for sig in previous:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM/SIGHUP back for a step that must not be cut in half (publishing)."""
    if not _in_main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
