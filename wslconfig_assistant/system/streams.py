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

What reaches a terminal is here too, since every layer that prints needs it (the wsl.exe door echoes
wsl.exe's progress): whether a stream is a terminal, and THE escaping of people's text.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import sys
from typing import Any, TextIO, cast

from wslconfig_assistant.core.findings import visible

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


# -- what reaches a terminal ------------------------------------------------------------------------

COLORS = {"error": "31", "warning": "33", "info": "36", "ok": "32", "bold": "1", "dim": "2"}
# Exactly what Console.paint writes: one of its colour codes, text without ESC, the reset. The only
# escape sequences people's text may carry; a lone ESC[31m from a path or a file does not match.
_OWN_PAINT = re.compile("(\x1b\\[(?:" + "|".join(sorted(COLORS.values())) + ")m)([^\x1b]*)(\x1b\\[0m)")


def escaped(text: str, *, keep_color: bool = False) -> str:
    """THE escaping of everything printed for people that came from a file, a path, an argument
    or wsl.exe: each control character (ESC, BEL, CR, DEL, C1, bidi overrides) shown as a
    Python-style escape (findings.visible: ``\\x1b``), line breaks kept, UTF-8 text as it is.
    So a comment holding ``\\x1b]0;pwned\\x07`` or OSC 52 (which writes the clipboard) reaches the
    terminal as text. ``keep_color``: the colour codes Console.paint itself wrote survive."""
    if text.isascii() and text.isprintable():
        return text
    lines = text.split("\n")
    if not keep_color:
        return "\n".join(visible(line) for line in lines)
    return "\n".join(_keep_paint(line) for line in lines)


def _keep_paint(line: str) -> str:
    out, at = [], 0
    for m in _OWN_PAINT.finditer(line):
        out.append(visible(line[at:m.start()]))
        out.append(m.group(1) + visible(m.group(2)) + m.group(3))
        at = m.end()
    out.append(visible(line[at:]))
    return "".join(out)


def is_terminal(stream: object) -> bool:
    """Whether ``stream`` is a terminal: False for None (pythonw), a closed stream, or no isatty.

    On Windows isatty() is true for any character device, NUL included (``< NUL`` is how scripts
    say "no input"), so there the stream must also be a console: GetConsoleMode fails on NUL."""
    isatty = getattr(stream, "isatty", None)
    try:
        if not (isatty and isatty()):
            return False
        if sys.platform == "win32":
            from wslconfig_assistant.system import winapi  # noqa: PLC0415 - Windows only

            return winapi.console_mode(stream.fileno()) is not None  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False
    return True
