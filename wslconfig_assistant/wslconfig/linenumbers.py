"""Line numbers as people's tools count them, for findings that carry WSL's.

WSL counts a lone CR as a line end in most places (reader.py), GitHub and `git` count only LF.
An annotation on WSL's line 5 of a file with lone CRs would sit on the wrong line of the diff, so
the machine formats report the LF-counted line, and say WSL's when the two differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wslconfig_assistant.wslconfig.reader import ParseResult


def has_lone_cr(text: str) -> bool:
    return text.count("\r") != text.count("\r\n")


def lf_lines(text: str, parsed: ParseResult | None) -> dict[int, int]:
    """WSL's line number -> the LF-counted line (1-based) of the same text, for every line WSL
    reports something on. Empty when they agree everywhere (no lone CR): the identity."""
    if parsed is None or not has_lone_cr(text):
        return {}
    starts: dict[int, int] = {}
    for entry in parsed.entries:
        starts.setdefault(entry.first_line, entry.key_start)
        starts.setdefault(entry.line, entry.value_end)  # the last line of a continued value
    for header in parsed.headers:
        starts.setdefault(header.line, header.line_start)
    for problem in parsed.problems:
        starts.setdefault(problem.line, problem.line_start)
    # One sweep in offset order (a count from the start for each line would be quadratic).
    mapping: dict[int, int] = {}
    lf_line, at = 1, 0
    for offset, line in sorted((offset, line) for line, offset in starts.items()):
        lf_line += text.count("\n", at, offset)
        at = offset
        mapping[line] = lf_line
    return mapping


def shown_line(line: int | None, mapping: dict[int, int]) -> tuple[int | None, str]:
    """The line to report, and a note when WSL numbers it differently ('' otherwise)."""
    if line is None or line not in mapping or mapping[line] == line:
        return line, ""
    return mapping[line], f" (line {line} as WSL counts lines: it also ends one at a lone CR)"
