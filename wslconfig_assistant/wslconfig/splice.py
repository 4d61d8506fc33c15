"""Minimal edits: splice new text into the old at the spans the reader recorded.

Every byte outside the splice is kept: the key's spelling, the blanks around ``=``,
quotes, the inline comment, the line ending, the BOM and the encoding (the last two
are the TextFile's job). Rules (issue #2, wsl-source.md §9):

- ``set`` replaces only the value of the effective (first) occurrence;
- a new key goes after the last key line of the first matching section, copying that
  line's indentation, ``=`` style and line ending; without such a section a new one
  is appended; nothing is ever written above the first header;
- commented-out lines are never touched;
- ``unset`` removes the lines of every occurrence and nothing else: a section header
  stays even when it is left empty. (So set+unset of a new key restores the bytes
  exactly when its section already existed; when set had to append the section, the
  empty header remains. No rule can do better: ``X`` + an empty ``[wsl2]`` and ``X``
  alone give the same bytes after set, so unset cannot know which one to restore.)
"""

from __future__ import annotations

from typing import NamedTuple

from wslconfig_assistant.wslconfig.encoding import dominant_newline
from wslconfig_assistant.wslconfig.reader import Entry, Header, ParseResult


class Target(NamedTuple):
    """Where a key lives and how it is spelled when written anew."""

    section: str  # canonical section name, e.g. "wsl2"
    key: str  # canonical key spelling, e.g. "virtiofs"


def _eol_of(text: str, line_end: int) -> str | None:
    if text.endswith("\r\n", 0, line_end):
        return "\r\n"
    if text.endswith("\n", 0, line_end):
        return "\n"
    return None  # no terminator, a lone CR or U+FFFF: use the file's usual one


def replace_value(text: str, entry: Entry, rendered: str) -> str:
    """Put ``rendered`` (already in WSL syntax) where the entry's value is written."""
    old = text[entry.value_start : entry.value_end]
    if len(old) >= 2 and old[0] == '"' and old[-1] == '"' and not rendered.startswith('"'):
        rendered = f'"{rendered}"'  # keep the user's quotes
    after = text[entry.value_end : entry.value_end + 1]
    if after == "#" and entry.value_start == entry.value_end:
        rendered += " "  # `key=# note` gets a value; keep the comment apart from it
    return text[: entry.value_start] + rendered + text[entry.value_end :]


def insert_key(text: str, parsed: ParseResult, target: Target, rendered: str) -> str:
    end = parsed.ignored_from if parsed.ignored_from is not None else len(text)
    header = _first_header(parsed, target.section)
    if header is None:
        return _append_section(text, end, target, rendered)
    anchor = _last_key_in(parsed, header)
    newline = dominant_newline(text)
    if anchor is None:
        indent, sep = "", _usual_separator(text, parsed)
        line_end, terminated = header.line_end, header.terminated
    else:
        indent = text[anchor.line_start : anchor.key_start]
        sep = text[anchor.key_start + len(anchor.key_text) : anchor.value_start]
        line_end, terminated = anchor.line_end, anchor.terminated
    line = f"{indent}{target.key}{sep}{rendered}"
    if not terminated:  # the anchor is the last line and has no line break
        # After a lone CR, a bare LF would fuse with it into one CRLF (and unset could
        # not give the CR back); a whole CRLF keeps the CR on its own.
        brk = "\r\n" if text[:end].endswith("\r") else newline
        return text[:end] + brk + line + text[end:]
    eol = _eol_of(text, line_end) or newline
    return text[:line_end] + line + eol + text[line_end:]


def _first_header(parsed: ParseResult, section: str) -> Header | None:
    wanted = section.lower()
    for header in parsed.headers:
        if header.valid and header.name.lower() == wanted:
            return header
    return None


def _last_key_in(parsed: ParseResult, header: Header) -> Entry | None:
    # Keys after a rejected header that garbles the prefix do not belong to the
    # section any more, so the new key must go before them.
    last = None
    for entry in parsed.entries:
        if entry.section_line == header.line and entry.garbled_by is None:
            last = entry
    return last


def _usual_separator(text: str, parsed: ParseResult) -> str:
    for entry in parsed.entries:
        return text[entry.key_start + len(entry.key_text) : entry.value_start]
    return "="


def _append_section(text: str, end: int, target: Target, rendered: str) -> str:
    newline = dominant_newline(text)
    head = text[:end]
    # A lone CR does not count as the end of the last line: a CRLF written after it
    # would fuse with it.
    terminated = head.endswith("\n")
    # After old text: end its last line if it is not ended, then a blank line before the new section.
    gap = (newline if terminated else newline * 2) if head else ""
    block = f"{gap}[{target.section}]{newline}{target.key}={rendered}"
    if not head or terminated:
        block += newline
    return head + block + text[end:]


def remove_entries(text: str, entries: list[Entry]) -> str:
    """Delete the lines of ``entries``; a last line without a break takes the break before it."""
    for entry in sorted(entries, key=lambda e: e.line_start, reverse=True):
        start, stop = entry.line_start, entry.line_end
        if not entry.terminated:
            start -= len(_eol_of(text, start) or "")
        text = text[:start] + text[stop:]
    return text
