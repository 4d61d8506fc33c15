"""A cheap look at a policy file's TOML before tomllib or tomlkit parses it.

Both parsers spend time and memory far beyond the file's size on some shapes: a dotted key
of 30,000 parts costs tomllib 20 s and 5 GB (each prefix of the key is a table it checks,
so the work grows with the square of the parts), arrays nested thousands deep exhaust the
stack, and a number of more than 4,300 digits makes Python's int() raise. A policy file
needs none of that: its keys have two or three parts, its values are short. So one linear
pass over the tokens (strings and comments skipped whole) refuses such a file first, with
the line, and the parsers only ever see files whose cost is bounded by their size.

What this pass does NOT do is judge the syntax: anything it cannot follow (an unterminated
string) it leaves to the parser, which reports it with the line and column.
"""

from __future__ import annotations

import re

# Far beyond any real policy, far below what costs anything.
MAX_KEY_PARTS = 8  # "require"."wsl2"."memory" has three
MAX_KEY_CHARS = 256
MAX_BARE_CHARS = 64  # a bare word: a key part, a number, true/false, a date
MAX_DEPTH = 32  # arrays and inline tables inside each other
MAX_KEYS = 1000  # `=` signs and table headers
MAX_ITEMS = 10_000  # commas: array items and inline-table entries
MAX_TOKENS = 20_000  # words, strings and symbols: a policy has a few hundred

_TOKEN = re.compile(
    r"(?P<space>[ \t\r\f\v]+)"
    r"|(?P<newline>(?:#[^\n]*)?\n\s*(?:#[^\n]*\n\s*)*)"  # line ends, blank lines, comments: one lexeme
    r"|(?P<comment>#[^\n]*)"  # the very last line's
    r'|(?P<long_string>"""(?:[^"\\]|\\.|"(?!""))*"{3,5}'
    r"|'''(?:[^']|'(?!''))*'{3,5})"
    r"|(?P<open>\"\"\"|''')"  # a multi-line string that never ends: tomllib stops there and says where
    r'|(?P<string>"(?:[^"\\\n]|\\.)*"'
    r"|'[^'\n]*')"
    r"|(?P<unclosed>[\"'])"  # the same for a one-line string
    r"|(?P<dot>\.)"
    r"|(?P<equals>=)"
    r"|(?P<punct>[\[\]{},])"
    r"|(?P<bare>[^\s\"'#\[\]{}=,.]+)",
    re.DOTALL,
)


class PathologicalTomlError(ValueError):
    """The file is shaped so that parsing it would cost far more than its size."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def check(text: str) -> None:
    """Raise PathologicalTomlError when ``text`` has a shape no policy needs and parsers pay dearly for."""
    depth = keys = items = 0
    parts, key_chars = 1, 0  # of the run of key-like tokens since the last delimiter
    line_start = True
    for count, m in enumerate(_TOKEN.finditer(text)):
        kind, lexeme = m.lastgroup, m.group()
        at_line_start, line_start = line_start, kind == "newline" or (kind == "space" and line_start)
        why = None
        if kind in ("space", "comment"):
            continue
        if kind in ("open", "unclosed"):
            return
        if count > MAX_TOKENS:
            why = f"more than {MAX_TOKENS} words and symbols (a policy has a few hundred)"
        elif kind in ("string", "long_string", "bare"):
            key_chars += len(lexeme)
            if kind == "bare" and len(lexeme) > MAX_BARE_CHARS:
                why = f"a bare word or number of {len(lexeme)} characters (a policy's are under {MAX_BARE_CHARS})"
        elif kind == "dot":
            parts, key_chars = parts + 1, key_chars + 1
            if parts > MAX_KEY_PARTS:
                why = f"a dotted key of more than {MAX_KEY_PARTS} parts (a policy's have two or three)"
        else:
            if kind == "equals":
                keys += 1
                if key_chars > MAX_KEY_CHARS:
                    why = f"a key of {key_chars} characters (a policy's are under {MAX_KEY_CHARS})"
            elif lexeme in "[{":
                keys += lexeme == "[" and depth == 0 and at_line_start  # a table header
                depth += 1
                if depth > MAX_DEPTH:
                    why = f"values nested too deeply (more than {MAX_DEPTH} levels)"
            elif lexeme in "]}":
                depth = max(depth - 1, 0)
            elif lexeme == ",":
                items += 1
                if items > MAX_ITEMS:
                    why = f"more than {MAX_ITEMS} values"
            if keys > MAX_KEYS:
                why = f"more than {MAX_KEYS} keys and tables (a policy has a dozen)"
            parts, key_chars = 1, 0
        if why:
            line = text.count("\n", 0, m.start()) + 1
            raise PathologicalTomlError(line, why)
