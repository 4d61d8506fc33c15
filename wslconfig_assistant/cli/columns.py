"""Human output fitted to the terminal: every line at most as wide as the terminal (``COLUMNS``
when set, else the terminal's width, 80 when a terminal does not say), counted in terminal
columns (wide CJK characters take two, colour codes none). Output to a pipe or a file is not
reflowed (a log keeps one finding a line for grep) unless COLUMNS asks for it; the reports of
apply and setup, laid out in columns, are fitted to 80 there too.

Lines break at a space; a word longer than a line breaks after a path separator, else anywhere;
but a command the tool printed for the user to run (shellcommand.py) is never broken: it moves to
a line of its own, whole, even when it is wider than the terminal, so that it still runs when
copied (terminals join a soft-wrapped line when it is copied; a broken command would not run).
"""

from __future__ import annotations

import os
import re

DEFAULT_WIDTH = 80
_MIN_WIDTH = 40  # a silly COLUMNS=5 must not make every word a line
_SGR = re.compile(r"\x1b\[[0-9;]*m")  # our own colours (Console.paint): no columns


def terminal_width(stream: object = None) -> int:
    """COLUMNS, else the width of the terminal behind ``stream`` (stdout by default), else 80."""
    try:
        return max(_MIN_WIDTH, int(os.environ["COLUMNS"]))
    except (KeyError, ValueError):
        pass
    fileno = getattr(stream, "fileno", None)
    try:
        fd = fileno() if fileno is not None else 1
        if os.isatty(fd):
            size = os.get_terminal_size(fd).columns
            return max(_MIN_WIDTH, size) if size > 0 else DEFAULT_WIDTH  # 0: the terminal does not say
    except (OSError, ValueError):
        pass
    return DEFAULT_WIDTH


def output_width(stream: object) -> int | None:
    """The width to fit ``stream``'s lines to: COLUMNS, else the terminal's; None for a pipe or file."""
    if "COLUMNS" in os.environ:
        return terminal_width(stream)
    isatty = getattr(stream, "isatty", None)
    try:
        if isatty is None or not isatty():
            return None
    except (OSError, ValueError):
        return None
    return terminal_width(stream)


def fit(text: str, width: int = DEFAULT_WIDTH, *, cont: str | None = None, escape: bool = True) -> list[str]:
    """One line of text as lines of at most ``width`` columns; continuation lines are indented
    two columns more than the first (or by ``cont``). ``escape``: show control characters as
    escapes (a .wslconfig can hold any) instead of letting them reach the terminal; Console
    passes False, its text is escaped already and may hold its own colour codes."""
    body = text.expandtabs(8).rstrip()
    if escape:
        from wslconfig_assistant.core.findings import visible  # noqa: PLC0415 - the one escaping (streams.escaped)

        body = visible(body)
    if columns(body) <= width:
        return [body]
    indent = body[: len(body) - len(body.lstrip(" "))]
    if cont is None:
        cont = indent + "  " if len(indent) + 2 < width // 2 else "  "
    lines: list[str] = []
    line, empty = indent, True
    for word, whole in _atoms(body[len(indent):]):
        atom = word
        candidate = line + atom if empty else f"{line} {atom}"
        if columns(candidate) <= width:
            line, empty = candidate, False
            continue
        if not empty:
            lines.append(line)
            line = cont
        while not whole and columns(line + atom) > width:
            end = _fitting(atom, max(width - columns(line), 1))
            sep = max(atom.rfind("/", 1, end), atom.rfind("\\", 1, end))
            cut = sep + 1 if sep > 0 else max(end, 1)
            lines.append(line + atom[:cut])
            line, atom = cont, atom[cut:]
        line, empty = line + atom, False
    lines.append(line)
    return [part.rstrip() for part in lines]


def _atoms(text: str) -> list[tuple[str, bool]]:
    """The words of ``text`` (split at single spaces, so runs of spaces survive), with each printed
    command as one unbreakable word."""
    from wslconfig_assistant.core.shellcommand import printed_in  # noqa: PLC0415

    atoms: list[tuple[str, bool]] = []
    at = 0
    for first, last in printed_in(text):
        # What is glued to the command (a backtick, a closing parenthesis) stays with it.
        start, end = first, last
        while start > at and text[start - 1] != " ":
            start -= 1
        while end < len(text) and text[end] != " ":
            end += 1
        if start < at:
            continue
        atoms.extend((word, False) for word in _split(text[at:start]))
        atoms.append((text[start:end], True))
        at = end
    atoms.extend((word, False) for word in _split(text[at:]))
    return atoms


def _split(text: str) -> list[str]:
    # " a b " -> ["a", "b"], and the spaces at the ends fall away: a command's neighbours
    # are joined to it by exactly one space again.
    stripped = text.strip(" ")
    return stripped.split(" ") if stripped else []


def columns(text: str) -> int:
    """Terminal columns of ``text``: colour codes take none, wide characters two."""
    if "\x1b" in text:
        text = _SGR.sub("", text)
    if text.isascii():
        return len(text)
    return sum(_char_columns(ch) for ch in text)


def _char_columns(ch: str) -> int:
    import unicodedata  # noqa: PLC0415 - only for text that is not ASCII

    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _fitting(text: str, width: int) -> int:
    """How many characters of ``text`` fit in ``width`` columns."""
    if text.isascii() and "\x1b" not in text:
        return min(len(text), width)
    used = 0
    i = 0
    while i < len(text):
        m = _SGR.match(text, i)
        if m:  # never cut inside a colour code
            i = m.end()
            continue
        used += _char_columns(text[i])
        if used > width:
            return max(i, 1)
        i += 1
    return len(text)
