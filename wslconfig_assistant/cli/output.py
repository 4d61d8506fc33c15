"""Everything the tool prints goes through here: colour decisions, the contract's JSON
envelope, and validate's text and json formats (junit: junitxml.py, github: github_annotations.py).

With ``--json`` stdout carries exactly one JSON document and people's text goes to
stderr (CONTRACT.md).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from typing import TextIO

from wslconfig_assistant.core.findings import Finding
from wslconfig_assistant.system.streams import COLORS, escaped, is_terminal

_SURROGATE = re.compile("[\ud800-\udfff]")
class Console:
    """Where human text goes, and whether it may be coloured."""

    def __init__(self, *, json_mode: bool, no_color: bool, stream: TextIO | None = None) -> None:
        self.json_mode = json_mode
        self.stream = stream or (sys.stderr if json_mode else sys.stdout)
        self.color = _wants_color(self.stream, no_color)

    def paint(self, text: str, style: str) -> str:
        if not self.color:
            return text
        # What is painted is escaped first: a path's own ESC[31m must not pass for our colour code.
        return f"\x1b[{COLORS[style]}m{escaped(text)}\x1b[0m"

    def print(self, text: str = "") -> None:
        """Each line fitted to the terminal's width (columns.py): people's text only, never JSON.
        Whatever it holds from a file, a path or wsl.exe is escaped here (``escaped``)."""
        text = escaped(text, keep_color=self.color)
        if "\n" not in text and len(text) <= 40:  # the common short line: no width lookup
            self.stream.write(text + "\n")
            return
        from wslconfig_assistant.cli.columns import fit, output_width  # noqa: PLC0415

        width = output_width(self.stream)
        if width is None:
            self.stream.write(text + "\n")
            return
        self.stream.write("".join(part + "\n" for line in text.split("\n")
                                  for part in fit(line, width, escape=False)))

    def error(self, text: str) -> None:
        sys.stderr.write(escaped(text, keep_color=self.color) + "\n")


def _wants_color(stream: TextIO, no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if not is_terminal(stream):
        return False
    return _enable_windows_vt(stream) if sys.platform == "win32" else True


def _enable_windows_vt(stream: TextIO) -> bool:
    """Switch the console behind ``stream`` to VT mode (conhost without it would print escape
    codes), and say whether it is on. The stream's own handle, not STD_OUTPUT_HANDLE: with
    ``--json > file`` people's text goes to stderr, which may be the console when stdout is not."""
    from wslconfig_assistant.system import winapi  # noqa: PLC0415 - Windows only

    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # no fileno (io.UnsupportedOperation is an OSError)
        return False
    mode = winapi.console_mode(fd)
    if mode is None:
        return False  # not a console (a pipe, a file, NUL, a mintty pty)
    if mode & winapi.ENABLE_VIRTUAL_TERMINAL_PROCESSING:
        return True
    return winapi.set_console_mode(fd, mode | winapi.ENABLE_VIRTUAL_TERMINAL_PROCESSING)


def human_encoding(stream: TextIO) -> str | None:
    """The encoding people's text must be written in on Windows so that the reader decodes it right, or
    None to leave the stream as Python set it up.

    A console stream is left alone (Python writes it as UTF-16 through WriteConsoleW). A redirected one
    is read by whoever redirected it: PowerShell (5.1 and 7) decodes a native program's output with
    ``[Console]::OutputEncoding``, the attached console's output code page (GetConsoleOutputCP; the OEM
    code page, 437 or 850..., unless someone ran chcp or set it), so that is what we write; with no
    console attached (a service, a scheduled task, a detached CI agent) nothing says better than
    UTF-8. Python's own default there (the ANSI code page, 1252...; UTF-8 in UTF-8 mode, the default
    from 3.15) matches neither. PYTHONIOENCODING, when set, is the user's explicit choice and wins."""
    if sys.platform != "win32" or os.environ.get("PYTHONIOENCODING"):
        return None
    from wslconfig_assistant.system import winapi  # noqa: PLC0415 - Windows only

    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture): leave it
        return None
    if winapi.console_mode(fd) is not None:
        return None
    code_page = winapi.console_output_code_page()
    if code_page is None or code_page == 65001:
        return "utf-8"
    import codecs  # noqa: PLC0415

    try:
        return codecs.lookup(f"cp{code_page}").name
    except LookupError:  # a code page Python has no codec for: UTF-8 keeps every character
        return "utf-8"


def write_machine(text: str) -> None:
    """A machine format (JSON, JUnit XML, GitHub annotations, DSC) on stdout, as UTF-8 bytes whatever
    the console's code page, the locale or PYTHONIOENCODING: JUnit declares encoding="UTF-8", and
    GitHub, Azure Pipelines and DSC read UTF-8. Lines end in LF on every system."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # a text-only stream (a test's StringIO): it holds text, not bytes
        stream.write(text)
        return
    stream.flush()  # what the text layer holds goes first
    buffer.write(text.encode("utf-8", errors="backslashreplace"))  # lone surrogates (undecodable bytes)
    buffer.flush()


def envelope(command: str, exit_code: int, config: str | None, findings: Iterable[Finding],
             **extra: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "schema": 1,
        "command": command,
        "ok": exit_code == 0,
        "exit_code": exit_code,
        "config": config,
        "findings": [f.as_json() for f in findings],
    }
    doc.update(extra)
    return doc


def print_json(doc: dict[str, object]) -> None:
    import json  # noqa: PLC0415 - only --json needs it

    # ASCII escapes keep the document valid whatever reads it; written as UTF-8 bytes all the same.
    write_machine(json.dumps(_clean(doc), indent=2) + "\n")


def _clean(value: object) -> object:
    """Lone surrogates (bytes of the file that were not UTF-8) become U+FFFD: valid JSON text."""
    if isinstance(value, str):
        return value if value.isascii() else _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def finding_lines(console: Console, path: str, findings: Iterable[Finding]) -> list[str]:
    lines = []
    for f in findings:
        where = f"{path}:{f.line}" if f.line else path
        label = console.paint(f.severity, f.severity)
        lines.append(f"{where}: {label} [{f.code}] {f.message}")
        lines.append(console.paint(f"    fix: {f.fix}", "dim"))
    return lines


def summary(console: Console, findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if errors:
        return f"{counts}: {console.paint('does not comply', 'error')}"
    return f"{counts}: {console.paint('complies', 'ok')}"
