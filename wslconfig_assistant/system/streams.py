"""stdout and stderr that cannot change what a command does.

A reader may leave early (``validate | head -1``), stdout may be closed (``>&-``, then Python
has no sys.stdout at all) or a disk may fill up under ``> out.txt``. None of that is the
command's failure: it must finish its work (the write, the update, the restart) and exit with
its own code. So every write and flush of the two streams goes through a guard that, on the
first failure, stops printing to that stream and lets the command go on. A closed pipe says
so with EPIPE (BrokenPipeError) on POSIX and often with EINVAL on Windows; both are silent.
Any other failure (a full disk) is said once on the other stream, since output was lost that
nobody chose to drop.

At the end, ``settle()`` points a broken descriptor at the null device, so the interpreter's
own last flush cannot fail either (that would print "Exception ignored" and exit 120).
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from typing import Any, TextIO, cast

PROG = "wslconfig-assistant"
# A reader that hung up: EPIPE (BrokenPipeError). On Windows WriteFile on a pipe whose reader
# closed fails with ERROR_NO_DATA, which the C runtime reports as EINVAL (winapi.ERROR_NO_DATA):
# there, an EINVAL from stdout or stderr is that too.
_HUNG_UP = frozenset({errno.EPIPE, errno.EINVAL} if sys.platform == "win32" else {errno.EPIPE})


class _State:
    """Shared by a text stream and its byte buffer: once either fails, both stop."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lost: BaseException | None = None

    def lose(self, exc: BaseException) -> None:
        if self.lost is not None:
            return
        self.lost = exc
        hung_up = isinstance(exc, BrokenPipeError) or getattr(exc, "errno", None) in _HUNG_UP
        if not hung_up and isinstance(exc, OSError):
            other = sys.stderr if self.name == "stdout" else sys.stdout
            reason = exc.strerror or str(exc)
            with contextlib.suppress(OSError, ValueError, AttributeError):
                other.write(f"{PROG}: cannot write to {self.name} ({reason}); the command went on without it\n")


class Guarded:
    """A stream (or None: a closed descriptor) whose writes never raise for a lost reader."""

    def __init__(self, stream: Any, state: _State) -> None:
        self._stream = stream
        self._state = state

    @property
    def lost(self) -> bool:
        return self._stream is None or self._state.lost is not None

    def write(self, data: Any) -> int:
        if not self.lost:
            try:
                return int(self._stream.write(data))
            except UnicodeError:
                raise  # a text problem, not a stream one: callers handle it
            except (OSError, ValueError) as exc:  # ValueError: the stream was closed
                self._state.lose(exc)
        return len(data)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if not self.lost:
            try:
                self._stream.flush()
            except (OSError, ValueError) as exc:
                self._state.lose(exc)

    @property
    def buffer(self) -> Guarded:
        if self._stream is None:
            return Guarded(None, self._state)
        return Guarded(self._stream.buffer, self._state)  # AttributeError for a text-only stream, as before

    def isatty(self) -> bool:
        if self._stream is None:
            return False
        try:
            return bool(self._stream.isatty())
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        if self._stream is None:
            raise io.UnsupportedOperation("the stream is closed")
        return int(self._stream.fileno())

    def __getattr__(self, name: str) -> Any:  # encoding, errors, reconfigure...
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


def guard() -> None:
    """Put guards around sys.stdout and sys.stderr (idempotent)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, Guarded):
            setattr(sys, name, cast(TextIO, Guarded(stream, _State(name))))


def settle() -> None:
    """Flush both streams; a descriptor that failed is pointed at the null device, so that the
    interpreter's final flush of what it still holds cannot fail after we return."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, Guarded):
            continue
        stream.flush()
        if stream._stream is None or stream._state.lost is None:
            continue
        try:
            fd = stream._stream.fileno()
            null = os.open(os.devnull, os.O_WRONLY)
        except (OSError, ValueError):
            continue
        try:
            os.dup2(null, fd)
        except OSError:
            pass
        finally:
            os.close(null)
