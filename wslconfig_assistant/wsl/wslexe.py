"""The one door to wsl.exe: find it, run it (never through a shell), decode what it prints.

What wsl.exe does that this module absorbs (wsl-source.md §3, NOTES-update.md):

- it writes UTF-16LE without a BOM, with CRLF, unless ``WSL_UTF8`` is exactly ``1``. We always
  set it, but an inbox (Windows-image) wsl.exe ignores it, and ``wsl -e CMD`` passes the Linux
  command's raw UTF-8 bytes through, so the encoding is detected from the bytes every time;
- its own failures exit with -1, which Python on Windows reports as 4294967295 and a POSIX exit
  status carries as 255 (the simulator's -1);
- ``--update`` can wait on a UAC prompt or the network, and a broken install can print without
  end: every call has a timeout that kills the whole process tree, and output is kept up to a
  bound, the rest counted and dropped.

Every call is counted in ``CALLS`` (the lead reports per-command counts).
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import math
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import IO, NamedTuple, TextIO

from wslconfig_assistant.core.errors import UsageError, WslError
from wslconfig_assistant.system import interrupts
from wslconfig_assistant.system.streams import escaped, is_terminal

__all__ = [
    "CALLS",
    "DEFAULT_MAX_OUTPUT",
    "DEFAULT_TIMEOUT",
    "EXE_ENV",
    "TIMEOUT_ENV",
    "UPDATE_TIMEOUT",
    "WSL_FAILURE_CODES",
    "WslCallError",
    "WslMissingError",
    "WslResult",
    "WslTimeoutError",
    "decode_output",
    "detect_encoding",
    "find_program",
    "find_wsl_exe",
    "format_command",
    "format_exit_code",
    "raise_for",
    "run_wsl",
]

UPDATE_TIMEOUT = 1800  # seconds: --update downloads ~200 MB and runs an MSI
DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024  # bytes kept per pipe; wsl.exe never needs more
EXE_ENV = "WSLCONFIG_ASSISTANT_WSL_EXE"
# Seconds allowed to every call but --update (which has its own option): a slow machine can
# allow more, a test less.
TIMEOUT_ENV = "WSLCONFIG_ASSISTANT_WSL_TIMEOUT"
_STANDARD_TIMEOUT = 60.0  # seconds: --version, --status, --shutdown and -e answer in a few


def _timeout_setting() -> tuple[float, str | None]:
    """The default timeout, and what is wrong with ``$WSLCONFIG_ASSISTANT_WSL_TIMEOUT`` if anything."""
    text = os.environ.get(TIMEOUT_ENV, "").strip()
    if not text:
        return _STANDARD_TIMEOUT, None
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (seconds > 0 and math.isfinite(seconds)):  # also refuses nan and inf
        return _STANDARD_TIMEOUT, f"${TIMEOUT_ENV} is {text!r}, not a number of seconds above 0"
    return seconds, None


# Read once: commands import this module lazily, after their environment is settled.
DEFAULT_TIMEOUT, _TIMEOUT_PROBLEM = _timeout_setting()

UTF16 = "utf-16-le"
UTF8 = "utf-8"

# Every argv run_wsl started (or tried to), in order.
CALLS: list[tuple[str, ...]] = []

# wsl.exe's -1 as Python sees it: -1 (a signed report), 4294967295 (Python on Windows: the
# process exit code is an unsigned DWORD), 255 (a POSIX exit status keeps only the low byte).
WSL_FAILURE_CODES = frozenset({-1, 0xFFFFFFFF, 0xFF})

_CHUNK = 64 * 1024
_QUEUE_CHUNKS = 16  # chunks in flight between the reader threads and the collector: memory stays bounded
_TICK = 0.1  # seconds between spinner frames
_EXIT_GRACE = 0.5  # after wsl.exe exits, how long a pipe held open by a leftover child may stay quiet
_EXITED_READ = 1.0  # after wsl.exe exits, how long a leftover child that keeps printing is read at most
_KILL_GRACE = 2.0  # after a kill, how long to wait for the pipes to close
_DETECT_SAMPLE = 4096
_TAIL_BYTES = 16 * 1024  # kept from the end of a flood, for the error message
_LAST_CHARS = 8 * 1024  # where an error message looks for the last lines
_SPINNER = "-\\|/"  # ASCII: a legacy Windows console may not have braille glyphs


class WslMissingError(WslError):
    """wsl.exe cannot be found or started."""


class WslTimeoutError(WslError):
    """wsl.exe did not finish in time; it was killed with its whole process tree."""

    def __init__(self, message: str, *, fix: str | None, command: tuple[str, ...], seconds: float,
                 result: WslResult) -> None:
        super().__init__(message, fix=fix)
        self.command = command
        self.seconds = seconds
        self.result = result  # what it printed before it was stopped


class WslCallError(WslError):
    """wsl.exe ran and failed (non-zero exit)."""

    def __init__(self, message: str, *, fix: str | None, result: WslResult) -> None:
        super().__init__(message, fix=fix)
        self.result = result


class WslResult(NamedTuple):
    args: tuple[str, ...]  # the full argv, wsl.exe first
    exit_code: int  # as Python reports it (see WSL_FAILURE_CODES)
    output: str  # decoded stdout, CRLF -> LF; lone CRs (progress-bar redraws) kept
    errors: str  # decoded stderr
    encoding: str  # "utf-16-le" or "utf-8": what stdout was (stderr's when stdout was empty)
    truncated: bool  # a pipe printed more than max_output bytes; the rest was dropped
    seconds: float
    tail: str = ""  # when truncated: the last whole lines it printed (often the error), decoded

    @property
    def failed(self) -> bool:
        # Any non-zero code is a failure, -1 in all its spellings (WSL_FAILURE_CODES) included.
        return self.exit_code != 0

    @property
    def wsl_failed(self) -> bool:
        """wsl.exe itself failed (-1), as opposed to a Linux command run with -e exiting non-zero."""
        return self.exit_code in WSL_FAILURE_CODES

    @property
    def command(self) -> str:
        return format_command(self.args)


# -- finding wsl.exe ------------------------------------------------------------------------

def find_wsl_exe(explicit: str | None) -> str:
    """The wsl.exe to run: ``--wsl-exe``, else ``$WSLCONFIG_ASSISTANT_WSL_EXE``, else wsl.exe on
    PATH, else ``%SystemRoot%\\System32\\wsl.exe`` (CONTRACT.md)."""
    if explicit:
        return _checked(explicit, "--wsl-exe")
    from_env = os.environ.get(EXE_ENV)
    if from_env:
        return _checked(from_env, f"${EXE_ENV}")
    on_path = _on_path("wsl.exe")
    if on_path:
        return on_path
    for candidate in _system_candidates():
        if os.path.isfile(candidate):
            return candidate
    raise WslMissingError(
        "wsl.exe not found: it is not on PATH, and not in %SystemRoot%\\System32", fix=_install_fix()
    )


def _on_path(name: str) -> str | None:
    return find_program(name)


_DEFAULT_PATHEXT = ".COM;.EXE;.BAT;.CMD"


def find_program(name: str, folders: Sequence[str] | None = None) -> str | None:
    """A bare program name in ``folders`` (default: the folders of PATH) only, never in the current
    folder: shutil.which on Windows looks there first (as cmd.exe does), so a wsl.exe planted in a
    repository being checked would run instead of WSL's. Relative PATH entries are skipped for the
    same reason. On Windows a name without an extension is tried with each of PATHEXT's, as
    CreateProcess callers (and PowerShell) find ``wsl`` as ``wsl.exe``."""
    if folders is None:
        folders = os.environ.get("PATH", "").split(os.pathsep)
    names = [name]
    if sys.platform == "win32":
        extensions = [e for e in (os.environ.get("PATHEXT") or _DEFAULT_PATHEXT).split(";") if e]
        if not any(name.lower().endswith(e.lower()) for e in extensions):
            names = [name + e.lower() for e in extensions]
    for folder in folders:
        if not folder or not os.path.isabs(folder):
            continue
        for candidate in (os.path.join(folder, n) for n in names):
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
    return None


def _checked(path: str, source: str) -> str:
    # A bare name ("wsl.exe", "wsl", "wslconfig-assistant-wsl-sim") is looked up on PATH, as a shell
    # would, but never in the current folder (find_program says why).
    if os.sep not in path and not (os.altsep and os.altsep in path):
        found = find_program(path)
        if found:
            return found
        raise WslMissingError(f"{path} (from {source}) is not in any folder of PATH",
                              fix="pass the program's full path, or a name found on PATH (the current folder "
                              "is never searched)")
    if os.path.isdir(path):
        raise WslMissingError(f"{path} (from {source}) is a folder, not wsl.exe",
                              fix="pass the path of the program itself, e.g. C:\\Windows\\System32\\wsl.exe")
    if not os.path.exists(path):
        raise WslMissingError(f"wsl.exe not found at {path} (from {source})", fix=_install_fix())
    if not os.access(path, os.X_OK):
        raise WslMissingError(f"{path} (from {source}) is not executable",
                              fix=f"chmod +x {path}" if os.name == "posix" else "pass the path of wsl.exe")
    return path


def _system_candidates() -> list[str]:
    # Upper case: Windows environment names are case-insensitive, and os.environ there is upper-cased.
    root = os.environ.get("SYSTEMROOT") or os.environ.get("WINDIR")
    if not root:
        return []
    # A 32-bit Python on 64-bit Windows sees SysWOW64 as System32, and SysWOW64 has no wsl.exe;
    # the Sysnative alias is the way through to the real System32.
    folders = ["Sysnative", "System32"] if sys.platform == "win32" and sys.maxsize <= 2**32 else ["System32"]
    return [os.path.join(root, folder, "wsl.exe") for folder in folders]


def _install_fix() -> str:
    if sys.platform == "win32":
        return "install WSL (in an elevated PowerShell: wsl --install), or pass --wsl-exe PATH"
    from wslconfig_assistant.system.hostmemory import running_inside_wsl  # noqa: PLC0415 - only to word the fix

    if running_inside_wsl():
        return ("Windows interop puts wsl.exe on PATH; with [interop] appendWindowsPath=false pass "
                "--wsl-exe /mnt/c/Windows/System32/wsl.exe")
    return ("this is not Windows: pass --wsl-exe PATH (the simulator: --wsl-exe wslconfig-assistant-wsl-sim), "
            "or try: wslconfig-assistant demo")


# -- decoding -------------------------------------------------------------------------------

def detect_encoding(data: bytes) -> str:
    """"utf-16-le" or "utf-8", from the bytes alone (wsl.exe writes UTF-16LE without a BOM)."""
    if data.startswith(codecs.BOM_UTF16_LE):
        return UTF16
    if data.startswith(codecs.BOM_UTF8):
        return UTF8
    sample = data[:_DETECT_SAMPLE]
    nuls = sample.count(0)
    if nuls == 0:
        return UTF8
    # What wsl.exe prints is mostly ASCII (labels, versions, CRLF): every other byte is NUL, in
    # either alignment (a lost or extra byte shifts it; decoding re-aligns). Its lines end with
    # CRLF, 0D 00 0A 00 in UTF-16, which UTF-8 text never holds.
    if nuls * 4 >= len(sample) or b"\r\x00\n\x00" in sample:
        return UTF16
    # CJK-heavy UTF-16 has fewer NULs, nearly all high bytes, and is rarely valid UTF-8; a stray
    # NUL or two in UTF-8 text (valid otherwise) stays UTF-8.
    if sample[1::2].count(0) * 4 >= nuls * 3 and not _valid_utf8_prefix(sample):
        return UTF16
    return UTF8


def _valid_utf8_prefix(sample: bytes) -> bool:
    try:
        # Not final: the sample may end inside a multi-byte character.
        codecs.getincrementaldecoder(UTF8)().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def decode_output(data: bytes) -> tuple[str, str]:
    """wsl.exe's bytes as text, and the encoding they were in ("utf-16-le" or "utf-8").

    Tolerates an odd byte count and stray NULs, and re-aligns UTF-16 after a lost or extra byte.
    CRLF becomes LF; a lone CR (a progress bar redrawn in place) is kept.
    """
    if data.startswith(codecs.BOM_UTF16_BE):  # never from wsl.exe, but a saved copy can be
        body = data[len(codecs.BOM_UTF16_BE) :]
        text = body[: len(body) - len(body) % 2].decode("utf-16-be", errors="replace")
        return text.replace("\x00", "").replace("\r\n", "\n"), "utf-16-be"
    encoding = detect_encoding(data)
    text = _decode_utf16(data) if encoding == UTF16 else data.decode(UTF8, errors="replace")
    # NULs go before CRLF folding, so that "\r\0\n" (a stray NUL) still folds.
    return text.removeprefix("\ufeff").replace("\x00", "").replace("\r\n", "\n"), encoding


# ASCII read one byte out of step shows up as U+XX00 characters (XX the ASCII byte).
_SHIFTED_ASCII = "".join(chr(b << 8) for b in (0x09, 0x0A, 0x0D, *range(0x20, 0x7F)))
_SHIFTED_RUN = re.compile(f"[{re.escape(_SHIFTED_ASCII)}]{{4,}}")
_MAX_RESYNC = 16
_MAX_SUSPECTS = 1000  # runs looked at before giving up: real CJK text can hold many (一 is U+4E00)
_WINDOW = 64  # bytes compared in both alignments


def _decode_utf16(data: bytes) -> str:
    pieces: list[str] = []
    for _ in range(_MAX_RESYNC):
        text = _utf16_units(data)
        shift = _find_shift(text, data)
        if shift is None:
            break
        chars, offset = shift
        pieces.append(text[:chars])
        # The first byte of the shifted run is the stray one: drop it, and the rest realigns.
        data = data[offset + 1 :]
    else:
        text = _utf16_units(data)
    pieces.append(text)
    return "".join(pieces)


def _find_shift(text: str, data: bytes) -> tuple[int, int] | None:
    """Where the bytes went out of step: (characters, bytes) before it, or None.

    A run of U+XX00 characters is only a suspect; it is a shift when the bytes as they are hold
    next to no ASCII and one byte further on read as ASCII. Real CJK text (一一一一, U+4E00) has
    spaces and CRLFs in step, so it stays as it is.
    """
    done_chars = done_bytes = 0
    for suspects, run in enumerate(_SHIFTED_RUN.finditer(text)):
        if suspects >= _MAX_SUSPECTS:
            return None
        done_bytes += len(text[done_chars : run.start()].encode(UTF16, errors="surrogatepass"))
        done_chars = run.start()
        window = data[done_bytes : done_bytes + _WINDOW + 1]
        shifted, as_is = _ascii_units(window[1:]), _ascii_units(window[:-1])
        if shifted >= 4 and as_is * 8 <= shifted:  # out of step, as it is nearly no ASCII reads
            return done_chars, done_bytes
    return None


def _ascii_units(data: bytes) -> int:
    """UTF-16LE code units in this alignment that are printable ASCII, TAB, CR or LF."""
    return sum(1 for low, high in zip(data[::2], data[1::2], strict=False)
               if high == 0 and (0x20 <= low < 0x7F or low in (0x09, 0x0A, 0x0D)))


def _utf16_units(data: bytes) -> str:
    even = len(data) - len(data) % 2
    text = data[:even].decode(UTF16, errors="replace")
    if even != len(data) and data[-1]:  # a lone last byte: half a character
        # Most often the low byte of an ASCII character (the LF of a cut CRLF).
        text += chr(data[-1]) if data[-1] < 0x80 else "\ufffd"
    return text


class _LiveDecoder:
    """Incremental decoding for the live echo: the encoding is fixed from the first bytes."""

    def __init__(self) -> None:
        self.head = b""
        self.decoder: codecs.IncrementalDecoder | None = None

    def decode(self, data: bytes, final: bool = False) -> str:
        if self.decoder is None:
            self.head += data
            if len(self.head) < 4 and not final:
                return ""
            data, self.head = self.head, b""
            self.decoder = codecs.getincrementaldecoder(detect_encoding(data))(errors="replace")
            return self.decoder.decode(data, final).removeprefix("\ufeff").replace("\x00", "")
        return self.decoder.decode(data, final).replace("\x00", "")


# -- live echo ------------------------------------------------------------------------------

def _visible(line: str) -> str:
    """What a terminal shows of a line redrawn with CR: its last non-blank segment, escaped: wsl.exe's
    output (a progress bar, a message, OSC 52 from anything it runs) never drives the terminal."""
    segments = [s for s in line.split("\r") if s.strip()]
    return escaped(segments[-1]) if segments else ""


def _safe_write(stream: TextIO, text: str) -> None:
    try:
        stream.write(text)
    except UnicodeEncodeError:  # a console code page without CJK: show "?" rather than crash
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.encode(encoding, errors="replace").decode(encoding, errors="replace"))


class _Echo:
    """Copies output to a person as it arrives: whole lines; on a terminal also a status line
    (spinner, elapsed seconds, the command, and the line being redrawn such as --update's bar)."""

    def __init__(self, stream: TextIO, label: str, start: float) -> None:
        self.stream = stream
        self.tty = is_terminal(stream)
        self.label = label
        self.start = start
        self.decoders = (_LiveDecoder(), _LiveDecoder())
        self.partial = ["", ""]
        self.status_width = 0
        self.frame = 0

    def feed(self, index: int, chunk: bytes, final: bool = False) -> None:
        text = self.partial[index] + self.decoders[index].decode(chunk, final)
        *lines, self.partial[index] = text.split("\n")
        for line in lines:
            self._line(_visible(line))
        if final and _visible(self.partial[index]):
            self._line(_visible(self.partial[index]))
            self.partial[index] = ""
        self.tick()

    def tick(self) -> None:
        if not self.tty:
            return
        self.frame += 1
        elapsed = time.monotonic() - self.start
        doing = _visible(self.partial[0]) or _visible(self.partial[1])
        status = f"{_SPINNER[self.frame % len(_SPINNER)]} {elapsed:3.0f}s {escaped(self.label)}  {doing}".rstrip()
        status = status[: max(shutil.get_terminal_size().columns - 1, 20)]
        self._clear()
        _safe_write(self.stream, status)
        self.status_width = len(status)
        self.stream.flush()

    def finish(self) -> None:
        self._clear()
        self.stream.flush()

    def _line(self, line: str) -> None:
        self._clear()
        _safe_write(self.stream, line + "\n")

    def _clear(self) -> None:
        # Spaces, not an ANSI erase: a legacy Windows console may not understand escapes.
        if self.status_width:
            self.stream.write("\r" + " " * self.status_width + "\r")
            self.status_width = 0


# -- running --------------------------------------------------------------------------------

class _Capture:
    """One pipe's bytes up to a limit; what comes after is counted and dropped, except for its
    last few KiB: a flood usually ends with the one line that says what went wrong."""

    def __init__(self, limit: int) -> None:
        self.data = bytearray()
        self.limit = limit
        self.dropped = 0
        self.tail = bytearray()  # the newest dropped bytes, at most _TAIL_BYTES
        self.tail_at = limit  # where the tail starts in the stream (UTF-16 is read from an even offset)

    def add(self, chunk: bytes) -> None:
        room = max(self.limit - len(self.data), 0)
        self.data += chunk[:room]
        rest = chunk[room:]
        if not rest:
            return
        self.dropped += len(rest)
        self.tail += rest
        excess = len(self.tail) - _TAIL_BYTES
        if excess > 0:
            del self.tail[:excess]
            self.tail_at += excess


def run_wsl(
    exe: str,
    args: Sequence[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    stream: TextIO | None = None,
    max_output: int = DEFAULT_MAX_OUTPUT,
) -> WslResult:
    """Run ``exe ARGS`` (never through a shell) with ``WSL_UTF8=1`` and return what it did.

    Each of stdout and stderr keeps at most ``max_output`` bytes (``truncated`` says when more
    came). With ``stream``, output is also echoed live, line by line, plus a spinner status line
    when the stream is a terminal. Raises WslMissingError when it cannot start and
    WslTimeoutError (after killing the process tree) when it outlives ``timeout`` seconds.
    """
    if _TIMEOUT_PROBLEM is not None:
        raise UsageError(_TIMEOUT_PROBLEM, fix=f"unset {TIMEOUT_ENV}, or set it to a number of seconds such as 60")
    argv = (exe, *args)
    CALLS.append(argv)
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            list(argv),
            shell=False,
            stdin=subprocess.DEVNULL,  # a prompt must never wait on our stdin
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "WSL_UTF8": "1"},
            # Its own session on POSIX, so that a timeout kills wsl.exe and all it started at once.
            start_new_session=os.name == "posix",
        )
    except OSError as exc:
        raise _cannot_start(exe, exc) from exc
    # The status line names the program by its file name: the full path would push out the rest.
    echo = _Echo(stream, format_command((os.path.basename(exe), *args)), start) if stream is not None else None
    try:
        captures, timed_out = _collect(proc, start + timeout, max_output, echo)
    except BaseException:  # Ctrl+C included: leave nothing running behind us
        _kill_tree(proc)
        raise
    finally:
        if echo is not None:
            echo.finish()
    result = _result(argv, proc.returncode, captures, time.monotonic() - start)
    if timed_out:
        raise WslTimeoutError(
            f"{result.command} did not finish within {timeout:g} s and was stopped",
            fix=_timeout_fix(argv), command=argv, seconds=timeout, result=result,
        )
    return result


def _cannot_start(exe: str, exc: OSError) -> WslMissingError:
    """Why the program could not be started, and what to do (the OS's own words are kept)."""
    reason = exc.strerror or str(exc)
    program = "pass the path of wsl.exe itself (normally C:\\Windows\\System32\\wsl.exe)"
    if exc.errno == errno.ENOEXEC:
        return WslMissingError(f"cannot start {exe}: it is not a program this system can run ({reason})",
                               fix=f"{program}, not a copy or a script without its first #! line")
    if exc.errno == errno.EISDIR or os.path.isdir(exe):
        return WslMissingError(f"cannot start {exe}: it is a folder, not wsl.exe ({reason})", fix=program)
    if isinstance(exc, PermissionError):
        chmod = f"chmod +x {exe}, or " if os.name == "posix" else ""
        return WslMissingError(f"cannot start {exe}: it is not executable ({reason})",
                               fix=f"{chmod}{program}")
    return WslMissingError(f"cannot start {exe}: {reason}", fix=_install_fix())


def _collect(proc: subprocess.Popen[bytes], deadline: float, max_output: int,
             echo: _Echo | None) -> tuple[tuple[_Capture, _Capture], bool]:
    sink: queue.Queue[tuple[int, bytes]] = queue.Queue(maxsize=_QUEUE_CHUNKS)
    captures = (_Capture(max_output), _Capture(max_output))
    # A Ctrl-C inside Thread.start() can break its lock (RuntimeError instead of KeyboardInterrupt):
    # held back until both readers run, then raised here, where run_wsl kills the tree as for any.
    with interrupts.deferred():
        if os.environ.get("WSLCONFIG_ASSISTANT_FAULT") == "wsl-readers":
            from wslconfig_assistant.storage.safewrite import _checkpoint  # noqa: PLC0415 - test hook only

            _checkpoint("wsl-readers")
        for index, pipe in enumerate((proc.stdout, proc.stderr)):
            assert pipe is not None  # noqa: S101 - both are PIPE above
            threading.Thread(target=_pump, args=(pipe, index, sink), daemon=True).start()
    open_pipes, timed_out, stop_at, last_data = 2, False, deadline, time.monotonic()
    exited_at: float | None = None
    while open_pipes:
        now = time.monotonic()
        if now >= stop_at:
            if timed_out:
                break  # killed, yet something still holds a pipe open: give up on it
            timed_out, stop_at = True, now + _KILL_GRACE
            _kill_tree(proc)
        elif proc.poll() is not None:
            exited_at = exited_at or now
            # wsl.exe has exited; a leftover child holds the pipe open, quiet or still printing:
            # what wsl.exe said is in, so wait no longer for a pipe that may never close.
            if now - last_data > _EXIT_GRACE or now - exited_at > _EXITED_READ:
                break
        try:
            index, chunk = sink.get(timeout=max(min(_TICK, stop_at - now), 0.001))
        except queue.Empty:
            if echo is not None:
                echo.tick()
            continue
        last_data = time.monotonic()
        if not chunk:
            open_pipes -= 1
        captures[index].add(chunk)
        if echo is not None:
            echo.feed(index, chunk, final=not chunk)
    if not timed_out:
        try:
            proc.wait(timeout=max(deadline - time.monotonic(), 0.001))
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_tree(proc)
    return captures, timed_out


def _pump(pipe: IO[bytes], index: int, sink: queue.Queue[tuple[int, bytes]]) -> None:
    """Reader thread: chunks as they come (a full queue slows it: bounded memory), then b"" at EOF."""
    try:
        fd = pipe.fileno()
        while chunk := os.read(fd, _CHUNK):
            sink.put((index, chunk))
    except OSError:  # the pipe broke: treat as the end
        pass
    finally:
        pipe.close()
        sink.put((index, b""))


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    if sys.platform == "win32":
        if proc.poll() is None:  # taskkill finds the children through a live parent only
            from wslconfig_assistant.system import winapi  # noqa: PLC0415 - Windows only

            winapi.kill_process_tree(proc.pid)
    else:
        import signal  # noqa: PLC0415 - only on this path

        with contextlib.suppress(OSError):  # already gone
            os.killpg(proc.pid, signal.SIGKILL)  # the session start_new_session made: pgid == pid
    with contextlib.suppress(OSError):
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=_KILL_GRACE)


def _result(argv: tuple[str, ...], code: int | None, captures: tuple[_Capture, _Capture],
            seconds: float) -> WslResult:
    out, out_encoding = decode_output(bytes(captures[0].data))
    err, err_encoding = decode_output(bytes(captures[1].data))
    tail = "\n".join(_tail_text(capture, encoding)
                     for capture, encoding in zip(captures, (out_encoding, err_encoding), strict=True)
                     if capture.tail)
    return WslResult(
        args=argv,
        exit_code=-1 if code is None else code,
        output=out,
        errors=err,
        encoding=out_encoding if captures[0].data or not captures[1].data else err_encoding,
        truncated=bool(captures[0].dropped or captures[1].dropped),
        seconds=seconds,
        tail=tail,
    )


def _tail_text(capture: _Capture, encoding: str) -> str:
    """The whole lines of a capture's tail, decoded as its head was (a tail alone is too short a sample)."""
    data = bytes(capture.tail)
    if encoding == UTF16:
        text = _decode_utf16(data[capture.tail_at % 2 :])
    else:
        text = data.decode(encoding if encoding != "utf-16-be" else UTF8, errors="replace")
    text = text.replace("\x00", "").replace("\r\n", "\n")
    return text.partition("\n")[2]  # the first line was cut somewhere in its middle


def _timeout_fix(argv: tuple[str, ...]) -> str:
    if "--update" in argv:
        return ("the update may wait on a UAC prompt or the network: run it yourself in an elevated "
                f"terminal: {format_command(argv)}")
    return (f"run it yourself to see what it waits for: {format_command(argv)}; if it is only slow, "
            f"allow more time with {TIMEOUT_ENV}=SECONDS (now {DEFAULT_TIMEOUT:g})")


# -- failures -------------------------------------------------------------------------------

def format_command(args: Sequence[str]) -> str:
    """A wsl.exe call as the user would type it in their shell (shellcommand.py)."""
    from wslconfig_assistant.core.shellcommand import render  # noqa: PLC0415

    return render(list(args))


def format_exit_code(code: int) -> str:
    """An exit code as people know it: wsl.exe's -1 as -1 (with the raw form when it differs)."""
    if code in WSL_FAILURE_CODES:  # before the signal names: -1 here is wsl.exe's, not SIGHUP
        return "-1" if code == -1 else f"-1 ({code})"
    if code > 0x7FFFFFFF:  # an NTSTATUS such as 0xC0000005 (a crash) reads better in hex
        return f"0x{code:08X}"
    if code < 0 and sys.platform != "win32":
        import signal  # noqa: PLC0415 - only to name a signal

        try:
            return f"{code} (killed by {signal.Signals(-code).name})"
        except ValueError:
            return str(code)
    return str(code)


def _last_lines(result: WslResult, count: int = 6) -> list[str]:
    # The ends only: a flood's megabytes need not be split into lines to find its last few.
    text = "\n".join(part[-_LAST_CHARS:] for part in (result.output, result.errors, result.tail))
    lines = [_visible(line) for line in text.split("\n")]
    return [line for line in lines if line.strip()][-count:]


def raise_for(result: WslResult, *, fix: str | None = None) -> WslResult:
    """Raise WslCallError when the call failed; otherwise return the result unchanged."""
    if not result.failed:
        return result
    message = f"{result.command} failed (exit code {format_exit_code(result.exit_code)})"
    if result.truncated:
        message += (f" after printing more than {DEFAULT_MAX_OUTPUT // (1024 * 1024)} MiB (its first "
                    f"{DEFAULT_MAX_OUTPUT // (1024 * 1024)} MiB and its last lines were kept)")
    tail = _last_lines(result)
    message += ":\n" + "\n".join(f"  {line}" for line in tail) if tail else " and printed nothing"
    if fix is None:
        fix = f"run it yourself to see the whole message: {result.command}"
        if not tail and result.wsl_failed:
            fix = (f"wsl.exe failed without a word: run {result.command} yourself in a terminal; if it "
                   "says nothing there either, repair WSL (wsl --update, or reinstall it from the "
                   "Microsoft Store or the MSI)")
    raise WslCallError(message, fix=fix, result=result)
