"""Ctrl-C that always ends in exit 130 with a true message.

Python raises KeyboardInterrupt wherever the main thread happens to be. Inside
``threading.Thread.start()`` (waiting for the new thread to say it runs) that can leave a
condition's lock released twice: ``RuntimeError: release unlocked lock`` replaces the
KeyboardInterrupt and the run ends in a traceback and exit 1 (1 run in 200 in the issue).
Two measures, both small:

- ``deferred()`` holds a SIGINT back across such a section and raises it right after, at a
  point where the caller's clean-up (killing wsl.exe's process tree) runs as for any Ctrl-C;
- ``install()`` records that a SIGINT came, so that main() reports any failure that follows
  one (a library's lock error, say) as the interruption it is: exit 130, never a traceback.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType


class _State:
    received = False  # a SIGINT came since install()
    deferring = False  # inside deferred()
    pending = False  # one came while deferring


_state = _State()


def _handler(signum: int, frame: FrameType | None) -> None:
    _state.received = True
    if _state.deferring:
        _state.pending = True
        return
    raise KeyboardInterrupt


def install() -> object:
    """Take over SIGINT (main thread only); returns what to give back to ``restore``."""
    _state.received = _state.pending = False
    try:
        return signal.signal(signal.SIGINT, _handler)
    except (ValueError, OSError):  # not the main thread, or no signals here (an embedded interpreter)
        return None


def restore(previous: object, *, ignore: bool = False) -> None:
    """Give SIGINT back; ``ignore``: the work is done and the process exits next, so a Ctrl-C
    from now on changes nothing (it would only turn the exit into a traceback)."""
    if previous is not None:
        with contextlib.suppress(ValueError, OSError, TypeError):  # ValueError: not the main thread
            signal.signal(signal.SIGINT, signal.SIG_IGN if ignore else previous)  # type: ignore[arg-type]


def received() -> bool:
    """Whether a SIGINT came since install()."""
    return _state.received


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold a SIGINT back until the block is over, then raise KeyboardInterrupt."""
    if _state.deferring or signal.getsignal(signal.SIGINT) is not _handler:
        yield  # nested, or install() was not called (a library use): nothing to hold back
        return
    _state.deferring = True
    try:
        yield
    finally:
        _state.deferring = False
        if _state.pending:
            _state.pending = False
            raise KeyboardInterrupt
