"""Repairing a .wslconfig WSL cannot read as written: what the user sees, re-encoded as UTF-8.

A plain edit never changes how a file decodes (document.py's self-check); a repair is the
one explicit exception. It decides the source encoding of each part from the evidence
encoding.py found, then writes the same text as UTF-8, which every WSL release reads
(wsl-source.md §9; old releases ignored UTF-16 files, #7851). A UTF-8 BOM the file already
had stays; nothing else is added or removed: every line, comment and line ending is kept.

How each part is read (what the user saw in their editor):

- bytes that are not valid UTF-8 in a UTF-8 file (a Latin-1 "café", a Notepad "ANSI" file,
  a line appended by a tool in the ANSI code page): each stray byte as Windows-1252, the
  Western ANSI code page Notepad and PowerShell 5.1 write, which is Latin-1 plus printable
  characters in 0x80-0x9F (the five bytes cp1252 leaves undefined are read as Latin-1).
  Valid UTF-8 sequences stay UTF-8: a UTF-8 file with one appended ANSI line keeps its
  CJK comments. (A cp1252 text whose bytes happen to form valid UTF-8, like "Ã©", is
  read as UTF-8: such pairs are vanishingly rare in real text.)
- UTF-16 without a BOM: little- or big-endian as the NUL bytes show (encoding.py).
- UTF-16BE with a BOM: as UTF-16BE.
- a mixed file: each half in its own encoding (UTF-8 then UTF-16LE after Windows
  PowerShell's ``>>``; UTF-16LE then UTF-8 after PowerShell 7's ``>>``).
- half a UTF-16 code unit at the end: an ASCII byte is kept as that character (an 8-bit
  append too short to be told apart as a tail); any other byte is dropped, and said so.
- a lone UTF-16 surrogate (no character at all) becomes U+FFFD, and is said so.

The result is checked before anyone writes it: it must decode as plain UTF-8 with no
problem, and give back exactly the text decided above (so WSL reads each line as shown).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from wslconfig_assistant.core.errors import WriteRefusedError
from wslconfig_assistant.core.findings import visible
from wslconfig_assistant.wslconfig import encoding
from wslconfig_assistant.wslconfig.document import ConfigDocument

TARGET = "UTF-8"
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # a byte that was not UTF-8 (surrogateescape)
_SURROGATE = re.compile("[\ud800-\udfff]")
_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})


class Repair(NamedTuple):
    before: ConfigDocument
    after: ConfigDocument
    source: str  # how the parts were read, for people: "UTF-16BE with BOM"
    target: str  # "UTF-8" or "UTF-8 with BOM"
    notes: list[str]  # what was decided beyond a plain re-encoding (stray bytes, dropped bytes)
    diff: str  # what WSL reads now against what it reads after the repair (a unified diff)

    def summary(self) -> str:
        return f"re-encoded as {self.target} (it was {self.source}); every line, comment and line ending kept"

    def as_json(self) -> dict[str, object]:
        return {"from": self.source, "to": self.target, "notes": self.notes, "diff": self.diff}


def _diff(before: ConfigDocument, after: ConfigDocument) -> str:
    """What WSL reads now (its garbage left out: the label says where it starts) against the repair."""
    import difflib  # noqa: PLC0415 - only writers need it

    name = str(before.path) if before.path else ".wslconfig"
    tf = before.file
    if tf.wsl_text is None:
        now, label = "", "WSL cannot open it"
    elif tf.trusted_chars == 0:
        now, label = "", "WSL reads only garbage"
    elif tf.trusted_chars is not None:
        now, label = tf.wsl_text[: tf.trusted_chars], "what WSL reads before the garbage"
    else:
        now, label = tf.wsl_text, "as WSL reads it now"
    lines = difflib.unified_diff(
        [visible(line) + "\n" for line in now.splitlines()],
        [visible(line) + "\n" for line in after.file.text.splitlines()],
        fromfile=f"{name} ({label})",
        tofile=f"{name} (repaired)",
    )
    return "".join(lines)


def needed(doc: ConfigDocument) -> bool:
    """WSL misreads or cannot open the file: apply and the wizard repair it before editing."""
    return doc.file.needs_repair


def possible(doc: ConfigDocument) -> bool:
    """Anything to repair at all (also stray bytes WSL reads as U+FFFD, on request)."""
    return doc.exists and doc.file.problem is not None


def repair(doc: ConfigDocument) -> Repair:
    """The repaired document (in memory; the caller writes it through safewrite.py).

    WriteRefusedError (exit 5) when the result would not read back as decided.
    """
    tf = doc.file
    assert tf.problem is not None  # noqa: S101 - callers ask possible() first
    text, source, notes = intended_text(tf)
    bom = tf.bom if tf.bom == encoding.UTF8_BOM else b""
    target = f"{TARGET} with BOM" if bom else TARGET
    after = ConfigDocument(doc.path, bom + text.encode("utf-8"))
    if after.file.problem is not None or not after.file.lossless or after.file.text != text:
        why = after.file.problem.message if after.file.problem is not None else "it reads back differently"
        raise WriteRefusedError(
            f"the repair of {doc.path or '.wslconfig'} was refused by its self-check: {why}; nothing was written",
            fix="re-save the file as UTF-8 in an editor (Notepad: File > Save as > Encoding: UTF-8)",
        )
    return Repair(doc, after, source, target, notes, _diff(doc, after))


def intended_text(tf: encoding.TextFile) -> tuple[str, str, list[str]]:
    """The text the user sees, the encoding(s) it was read in, and notes."""
    assert tf.problem is not None  # noqa: S101
    kind = tf.problem.kind
    notes: list[str] = []
    raw = tf.raw
    if kind == encoding.UTF8_THEN_UTF16:
        head = _ansi(tf.text, notes)
        at = len(tf.bom) + len(tf.text.encode("utf-8", "surrogateescape"))
        tail = raw[at:].removeprefix(encoding.UTF16LE_BOM)
        line = head.count("\n") + 1
        text = head + _utf16(tail, "utf-16-le", notes, line)
        return text, f"UTF-8 up to line {line}, then UTF-16LE", notes
    if kind == encoding.UTF16_THEN_UTF8:
        head = _no_surrogates(tf.text, notes, 1)
        at = len(tf.bom) + len(tf.text.encode("utf-16-le", "surrogatepass"))
        line = head.count("\n") + 1
        text = head + _ansi(raw[at:].decode("utf-8", "surrogateescape"), notes, line)
        return text, f"UTF-16LE with BOM up to line {line}, then UTF-8", notes
    if tf.codec == "utf-8":  # invalid-bytes, chunk-lost
        bom = " with BOM" if tf.bom else ""
        return _ansi(tf.text, notes), f"UTF-8{bom} with Windows-1252 (Latin-1) bytes", notes
    body = raw[len(tf.bom) :]
    return _utf16(body, tf.codec, notes, 1), tf.label, notes


def _ansi(text: str, notes: list[str], first_line: int = 1) -> str:
    """Each byte that was not UTF-8 (a surrogateescape) as the Windows-1252 character it shows as."""
    found = _ESCAPED_BYTE.search(text)
    if found is None:
        return text
    count = len(_ESCAPED_BYTE.findall(text))
    line = first_line + text.count("\n", 0, found.start())
    fixed = _ESCAPED_BYTE.sub(_cp1252, text)
    sample = _cp1252(found)
    notes.append(f"{count} byte{'s' * (count != 1)} that {'are' if count != 1 else 'is'} not UTF-8 read as "
                 f"Windows-1252 (Latin-1), first on line {line}: {visible(sample)!s}")
    return fixed


def _cp1252(m: re.Match[str]) -> str:
    byte = ord(m.group()) - 0xDC00
    return bytes([byte]).decode("latin-1" if byte in _CP1252_UNDEFINED else "cp1252")


def _utf16(body: bytes, codec: str, notes: list[str], first_line: int) -> str:
    even = body[: len(body) - len(body) % 2]
    text = _no_surrogates(even.decode(codec, "surrogatepass"), notes, first_line)
    if len(body) % 2:
        last = body[-1]
        line = first_line + text.count("\n")
        if last < 0x80:
            text += chr(last)
            notes.append(f"half a UTF-16 code unit at the end (byte 0x{last:02X}, line {line}) kept as "
                         f"the character it is in ASCII: {visible(chr(last))}")
        else:
            notes.append(f"half a UTF-16 code unit at the end (byte 0x{last:02X}, line {line}) is no "
                         "character: dropped (the backup keeps it)")
    return text


def _no_surrogates(text: str, notes: list[str], first_line: int) -> str:
    found = _SURROGATE.search(text)
    if found is None:
        return text
    count = len(_SURROGATE.findall(text))
    line = first_line + text.count("\n", 0, found.start())
    notes.append(f"{count} lone UTF-16 surrogate{'s' * (count != 1)} (no character), first on line {line}: "
                 "written as U+FFFD")
    return _SURROGATE.sub("\ufffd", text)
