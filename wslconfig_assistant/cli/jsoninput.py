"""JSON that comes from outside (DSC's stdin), read with bounds.

``json.loads`` recurses once per level of nesting (100,000 ``[`` raise RecursionError) and
turns every integer into a Python int (more than 4,300 digits raise ValueError, and fewer
still take quadratic time). Input for this tool is a flat object of a few short values, so
one linear pass refuses deep nesting before the parser runs, and integers are checked as
text before any int() sees them.
"""

from __future__ import annotations

import re

MAX_DEPTH = 32
MAX_INT_DIGITS = 40  # far beyond any size in bytes (2^64 has 20 digits)

# Strings are skipped whole (a bracket inside one is text); an unterminated one stops the
# pass, and json.loads then reports where.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|(?P<unclosed>")|[\[{]|[\]}]', re.DOTALL)


class JsonInputError(ValueError):
    """Input refused before or while parsing; ``message`` says why in words a user can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def loads(text: str) -> object:
    """``json.loads(text)`` with nesting and integer length bounded; JsonInputError or
    json.JSONDecodeError for anything refused."""
    import json  # noqa: PLC0415 - only the commands that read JSON pay for it

    _check_depth(text)
    return json.loads(text, parse_int=_int)


def _check_depth(text: str) -> None:
    depth = 0
    for m in _TOKEN.finditer(text):
        lexeme = m.group()
        if m.lastgroup == "unclosed":
            return
        if lexeme in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, m.start()) + 1
                raise JsonInputError(f"arrays and objects nested more than {MAX_DEPTH} deep (line {line})")
        elif lexeme in "]}":
            depth = max(depth - 1, 0)


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonInputError(f"a number of {len(text)} digits (more than {MAX_INT_DIGITS})")
    return int(text)
