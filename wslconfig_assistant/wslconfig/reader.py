"""WSL's own .wslconfig reader, reproduced character for character, with source spans.

This mirrors the state machine of WSL's ``ParseConfigFile``
(src/shared/configfile/configfile.cpp; wsl-source.md §2 and wsl-reader-surprises.md)
as it behaves on a file opened in CRT text mode: CRLF reads as one LF, a lone CR is
"half a line end", Ctrl-Z ends the file, U+FFFF reads as WEOF. It is a fresh
implementation from the documented behaviour, not a translation of WSL's code.

The reader never raises on content and never changes the text. It reports:
- ``Entry``: a ``key=value`` line WSL hands to its key table, with the full name WSL
  builds (``wsl2.memory``; ``memory`` before any section; a garbled ``expe.memory``
  after a rejected header), the decoded value, WSL's line number, and the offsets
  of the key, the value and the whole line, so that edits can splice text;
- ``Header``: each ``[section]`` line, valid or rejected;
- ``Problem``: each line WSL rejects, and why.

Speed matters (10 MB files are benchmarked), so runs of ordinary characters are
consumed with regular expressions, and only the rare characters (quotes,
backslashes, CR, U+FFFF) take the slow path.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Sentinels for what fgetwc returns at the end: a real end of file, and U+FFFF,
# which equals WEOF in 16 bits and so ends values and lines without ending the file.
_EOF = ""
_WEOF = "\uffff"
_CTRL_Z = "\x1a"

_NAME_TAIL = re.compile(r"[A-Za-z0-9]*")
_HSPACE = re.compile(r"[ \t]*")
# Characters that need no care inside a value.
_VALUE_RUN = re.compile(r'[^"\\#\r\n\uffff]+')
_INVALID_LINE_END = re.compile(r"[\n\uffff]")

# Whole lines that need no care: the state machine would read them exactly as these
# patterns do, so they are taken in one step. Anything else (quotes, backslashes, a lone
# CR, U+FFFF, a rejected line) falls through to the character-by-character path.
# One pattern, three shapes: a blank or comment line; key=value; [section]. Groups:
# 1 key, 2 value, 3 section name, 4 the line end ("" at the end of the text).
_FAST_LINE = re.compile(
    r"[ \t]*(?:"
    r"(?:#[^\n\uffff]*)?(?=\r?\n)"
    r"|([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*([^\"\\#\r\n\uffff]*?)[ \t]*(?:#[^\n\uffff]*)?"
    r"|\[([A-Za-z][A-Za-z0-9]*)\][ \t]*(?:#[^\n\uffff]*)?"
    r")(\r\n|\n|\Z)"
)


def _isalpha(ch: str) -> bool:
    # The C locale's isalpha: ASCII letters only.
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z")


class Entry(NamedTuple):
    """One ``key=value`` WSL passes to its key table."""

    name: str  # the full name WSL looks up, e.g. "wsl2.memory" (as typed, case kept)
    key_text: str  # the key as spelled on the line
    value: str  # after quotes and escapes, trailing blanks trimmed (not yet C-string cut)
    line: int  # WSL's line number: the last physical line of a continued value
    first_line: int  # line number where the key starts
    line_start: int  # offset where this logical line begins (its indentation included)
    key_start: int
    value_start: int  # offset of the first character of the value as written
    value_end: int  # offset just past its last non-blank character
    line_end: int  # offset just past the line's terminator (or the end of the text)
    terminated: bool  # False when the line runs to the end of the text without a line break
    section_line: int | None  # line of the valid header in force, None before any
    garbled_by: int | None  # line of a rejected header that changed the name's prefix

    @property
    def section_part(self) -> str | None:
        return self.name.rsplit(".", 1)[0] if "." in self.name else None


class Header(NamedTuple):
    name: str  # as written between the brackets (possibly partial when rejected)
    line: int
    line_start: int
    line_end: int
    terminated: bool
    valid: bool


class Problem(NamedTuple):
    """A line WSL rejects. ``kind`` follows WSL's messages."""

    kind: str  # invalid-key | invalid-section | expected-bracket | expected-eol | expected-equals
    #            | invalid-escape | expected-quote
    line: int
    line_start: int
    detail: str = ""  # the offending character, when there is one


class ParseResult(NamedTuple):
    entries: list[Entry]
    headers: list[Header]
    problems: list[Problem]
    ignored_from: int | None  # offset of a Ctrl-Z: WSL reads nothing after it


class _Reader:
    def __init__(self, text: str) -> None:
        cut = text.find(_CTRL_Z)
        # WSL reads nothing after a Ctrl-Z: the reader sees the text up to it (offsets stay the same).
        self.text = text if cut < 0 else text[:cut]
        self.n = len(self.text)
        self.ignored_from = None if cut < 0 else cut
        self.pos = 0
        self.line = 0
        self.entries: list[Entry] = []
        self.headers: list[Header] = []
        self.problems: list[Problem] = []
        # WSL's key buffer starts as a one-NUL std::string; its first
        # ``section_len`` characters are the section prefix of every key.
        self.keybuf = "\0"
        self.section_len = 0
        self.section_line: int | None = None
        self.garbled_by: int | None = None

    # -- character access, as CRT text mode delivers it --------------------------------
    def getc(self) -> str:
        pos = self.pos
        if pos >= self.n:
            return _EOF
        ch = self.text[pos]
        if ch == "\r" and pos + 1 < self.n and self.text[pos + 1] == "\n":
            self.pos = pos + 2
            return "\n"
        self.pos = pos + 1
        return ch

    def ungetc(self, ch: str) -> None:
        # Only ever called with a character that getc consumed as one code unit (or with _EOF,
        # which consumed nothing).
        if ch != _EOF:
            self.pos -= 1

    def skip_blanks(self) -> None:
        m = _HSPACE.match(self.text, self.pos)
        if m is not None:
            self.pos = m.end()

    # -- the main loop -------------------------------------------------------------------
    def run(self) -> ParseResult:
        ch = ""
        trailing_comment = False
        while True:
            # NewLine: a trailing comment's line is counted when the comment ends.
            if not trailing_comment:
                self.line += 1
            while True:
                if ch == "#":
                    self.skip_comment()
                    trailing_comment = False
                    ch = "\n"
                # At the end of the text, the fast path finds nothing and getc gives _EOF.
                if self.fast_line():
                    continue
                line_start = self.pos  # the indentation belongs to the line
                self.skip_blanks()
                ch = self.getc()
                if ch == _EOF:
                    return self.result()
                if ch == _WEOF:
                    continue
                if ch == "\r":  # a lone CR: a blank "line" that WSL does not count
                    nxt = self.getc()
                    if nxt == "\n":
                        self.line += 1
                    else:
                        self.ungetc(nxt)
                    continue
                if ch == "\n":
                    self.line += 1
                    continue
                if ch == "#":
                    continue
                break
            if ch == "[":
                ch, trailing_comment = self.parse_section(line_start)
            elif not _isalpha(ch):
                self.problem("invalid-key", line_start, ch)
                ch = self.skip_invalid_line(ch)
                trailing_comment = False
            else:
                ch, trailing_comment = self.parse_key_value(ch, line_start)

    def fast_line(self) -> bool:
        """Take one ordinary line whole (see _FAST_LINE); False when it needs the slow path."""
        pos = self.pos
        m = _FAST_LINE.match(self.text, pos)
        if m is None:
            return False
        key, value, section, eol = m.groups()
        end = m.end()
        if key is not None:
            prefix = self.prefix()
            self.keybuf = f"{prefix}.{key}" if prefix else key
            name = self.keybuf if "\0" not in prefix else _cstr(self.keybuf)
            value_start, value_end = m.span(2)
            self.entries.append(Entry(
                name, key, value, self.line, self.line, pos, m.start(1), value_start, value_end, end, eol != "",
                self.section_line, self.garbled_by,
            ))
        elif section is not None:
            self.keybuf = section
            self.section_len = len(section)
            self.section_line = self.line
            self.garbled_by = None
            self.headers.append(Header(section, self.line, pos, end, eol != "", True))
        elif eol == "":
            return False  # a blank or comment end of file: the slow path knows how it ends
        self.pos = end
        if eol:
            self.line += 1
        return True

    def skip_comment(self) -> None:
        # A comment runs to the next LF, or to a U+FFFF (WEOF in 16 bits), which ends it
        # without counting a line. A CR inside it swallows the following character,
        # which only matters when that character is the LF itself.
        m = _INVALID_LINE_END.search(self.text, self.pos)
        if m is None:
            self.pos = self.n
            return
        self.pos = m.end()
        if m.group() == "\n":
            self.line += 1

    def skip_invalid_line(self, ch: str) -> str:
        """WSL skips a rejected line up to its LF (a lone CR does not end it)."""
        if ch in (_EOF, _WEOF, "\n"):
            return ch
        return self.skip_rest_of_line()

    def skip_rest_of_line(self) -> str:
        """Skip to just past the next LF or U+FFFF; return it, or _EOF at the end of the text."""
        m = _INVALID_LINE_END.search(self.text, self.pos)
        if m is None:
            self.pos = self.n
            return _EOF
        self.pos = m.end()
        return m.group()

    def problem(self, kind: str, line_start: int, detail: str) -> None:
        self.problems.append(Problem(kind, self.line, line_start, detail))

    def parse_section(self, line_start: int) -> tuple[str, bool]:
        ch = self.getc()
        if not _isalpha(ch):
            # WSL does not clear its key buffer here: the section in force is unchanged.
            self.problem("invalid-section", line_start, ch)
            return self.rejected_header(line_start, "", ch), False
        name_start = self.pos - 1
        m = _NAME_TAIL.match(self.text, self.pos)
        if m is not None:
            self.pos = m.end()
        name = self.text[name_start : self.pos]
        old_prefix = self.prefix()
        self.keybuf = name  # key.clear(), then the name: kept even if the header is rejected
        ch = self.getc()
        if ch != "]":
            self.problem("expected-bracket", line_start, ch)
            self.note_garbling(old_prefix)
            return self.rejected_header(line_start, name, ch), False
        self.skip_blanks()
        ch = self.getc()
        if ch not in (_EOF, _WEOF, "\n", "\r", "#"):
            self.problem("expected-eol", line_start, ch)
            self.note_garbling(old_prefix)
            return self.rejected_header(line_start, name, ch), False
        self.section_len = len(name)
        self.section_line = self.line
        self.garbled_by = None
        end, terminated = self.line_end_from(ch)
        self.headers.append(Header(name, self.line, line_start, end, terminated, valid=True))
        return ch, ch == "#"

    def prefix(self) -> str:
        return self.keybuf[: self.section_len].ljust(self.section_len, "\0")

    def note_garbling(self, old_prefix: str) -> None:
        if self.prefix().lower() != old_prefix.lower():
            self.garbled_by = self.line

    def rejected_header(self, line_start: int, name: str, ch: str) -> str:
        line = self.line
        ch = self.skip_invalid_line(ch)
        self.headers.append(Header(name, line, line_start, self.pos, ch != _EOF, valid=False))
        return ch

    def line_end_from(self, ch: str) -> tuple[int, bool]:
        """Offset just past the terminator of a construct that stopped at ``ch``."""
        if ch == "#":
            m = _INVALID_LINE_END.search(self.text, self.pos)
            return (m.end(), True) if m is not None else (self.n, False)
        if ch == _EOF:
            return self.n, False
        return self.pos, True  # LF, CRLF, a lone CR or U+FFFF: already consumed

    def parse_key_value(self, first: str, line_start: int) -> tuple[str, bool]:
        text = self.text
        key_start = self.pos - 1
        first_line = self.line
        m = _NAME_TAIL.match(text, self.pos)
        if m is not None:
            self.pos = m.end()
        key_text = text[key_start : self.pos]
        prefix = self.prefix()
        self.keybuf = f"{prefix}.{key_text}" if prefix else key_text
        self.skip_blanks()
        ch = self.getc()
        if ch != "=":
            self.problem("expected-equals", line_start, ch)
            return self.skip_invalid_line(ch), False
        self.skip_blanks()
        value_start = value_end = self.pos
        value: list[str] = []
        length = trimmed = 0
        in_quote = False
        ch = self.getc()
        while ch not in (_EOF, _WEOF, "\n", "\r"):
            if ch == '"':
                in_quote = not in_quote
            elif ch == "\\":
                nxt = self.getc()
                escaped = _ESCAPES.get(nxt)
                if escaped is not None:
                    value.append(escaped)
                    length += 1
                elif nxt == "\n":
                    self.line += 1  # line continuation
                elif nxt != "\r":  # backslash + lone CR: both vanish (wsl-reader-surprises.md)
                    self.problem("invalid-escape", line_start, nxt)
                    # WSL's skip loop tests the backslash, not the escaped character, so
                    # even an escaped U+FFFF does not end the skipped line.
                    return self.skip_rest_of_line(), False
            elif ch == "#" and not in_quote:
                break
            else:
                # A run of ordinary characters, starting with ``ch``.
                run_start = self.pos - 1
                m = _VALUE_RUN.match(text, self.pos)
                if m is not None:
                    self.pos = m.end()
                run = text[run_start : self.pos]
                value.append(run)
                length += len(run)
                stripped = run.rstrip(" \t")
                if stripped:
                    trimmed = length - (len(run) - len(stripped))
                    value_end = run_start + len(stripped)
                ch = self.getc()
                continue
            # WSL's trim mark moves on every character that is not a blank as read,
            # so a closing quote keeps the blanks it encloses.
            trimmed = length
            value_end = self.pos
            ch = self.getc()
        if in_quote:
            self.problem("expected-quote", line_start, '"')
            return self.skip_invalid_line(ch), False
        end, terminated = self.line_end_from(ch)
        self.entries.append(
            Entry(
                name=_cstr(self.keybuf),
                key_text=key_text,
                value="".join(value)[:trimmed],
                line=self.line,
                first_line=first_line,
                line_start=line_start,
                key_start=key_start,
                value_start=value_start,
                value_end=value_end,
                line_end=end,
                terminated=terminated,
                section_line=self.section_line,
                garbled_by=self.garbled_by,
            )
        )
        return ch, ch == "#"

    def result(self) -> ParseResult:
        return ParseResult(self.entries, self.headers, self.problems, self.ignored_from)


_ESCAPES = {"\\": "\\", '"': '"', "b": "\b", "n": "\n", "t": "\t"}


def _cstr(buf: str) -> str:
    """What C sees of a std::string: everything up to the first NUL."""
    return buf.partition("\0")[0]


def parse(text: str) -> ParseResult:
    """Read ``text`` the way WSL reads .wslconfig."""
    return _Reader(text).run()
