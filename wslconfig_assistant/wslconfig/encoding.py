"""Bytes to text and back, byte for byte, and what WSL itself will make of the bytes.

WSL opens .wslconfig with ``_wfopen(path, L"rt,ccs=UTF-8")`` (wsl-source.md §0, §2):
a UTF-8 BOM is skipped, a UTF-16LE BOM switches to UTF-16LE, anything else is read
as UTF-8. A UTF-16BE BOM makes the open fail, so WSL uses every default. BOM-less
UTF-16 reads as garbage, and so does a file that PowerShell's ``>>`` appended to in
another encoding.

We keep the text in a form that encodes back to the exact original bytes
(``surrogateescape`` for stray UTF-8 bytes, ``surrogatepass`` for lone UTF-16
surrogates). When no such form exists (an odd byte count in UTF-16, two encodings
in one file), the file is marked not ``lossless``.

Each problem has a ``kind``. Only ``invalid-bytes`` (a stray Latin-1 byte in a UTF-8
file: WSL reads it as U+FFFD and everything else as written) leaves the file readable,
and edits stay lossless. Every other kind means WSL misreads or cannot open the file:
plain edits are refused and ``reencode.py`` re-encodes it (the one explicit exception).
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

UTF8_BOM = codecs.BOM_UTF8
UTF16LE_BOM = codecs.BOM_UTF16_LE
UTF16BE_BOM = codecs.BOM_UTF16_BE

# A tail appended in another encoding must be at least this long to be told apart
# from the last few characters of a file (a CJK comment has no NUL bytes either).
_MIN_TAIL = 4


# Problem kinds. READABLE: WSL reads every line as written (a stray byte becomes U+FFFD).
READABLE = "invalid-bytes"
CHUNK_LOST = "chunk-lost"  # invalid UTF-8 that fails the CRT's read: WSL uses every default
UTF16BE_WITH_BOM = "utf16be-with-bom"  # _wfopen fails
UTF16_WITHOUT_BOM = "utf16-without-bom"  # read as UTF-8: garbage
UTF8_THEN_UTF16 = "utf8-then-utf16"  # Windows PowerShell's `>>` on a UTF-8 file
UTF16_THEN_UTF8 = "utf16-then-utf8"  # PowerShell 7's `>>` on a UTF-16LE file
UTF16_ODD_LENGTH = "utf16-odd-length"  # a UTF-16LE file with half a code unit at its end


class EncodingProblem(NamedTuple):
    kind: str
    message: str
    line: int | None = None


class TextFile(NamedTuple):
    """A decoded .wslconfig: the text we edit and the text WSL reads."""

    raw: bytes
    text: str
    codec: str  # Python codec used for ``text``: utf-8, utf-16-le or utf-16-be
    bom: bytes
    label: str  # for people: "UTF-8", "UTF-16LE with BOM", ...
    lossless: bool  # encode(text) == raw: edits are safe
    wsl_text: str | None  # what WSL's reader sees; None when WSL cannot open the file
    problem: EncodingProblem | None  # set when WSL will not read the file as written
    trusted_chars: int | None = None  # WSL reads wsl_text[:trusted_chars] as intended; the rest is garbage

    @property
    def needs_repair(self) -> bool:
        """WSL misreads or cannot open the file: only a repair (a re-encoding) can edit it."""
        return self.problem is not None and self.problem.kind != READABLE

    @property
    def newline(self) -> str:
        """The line ending new lines get: the file's own, CRLF for a file without one."""
        return dominant_newline(self.text)

    def encode(self, text: str) -> bytes:
        errors = "surrogateescape" if self.codec == "utf-8" else "surrogatepass"
        return self.bom + text.encode(self.codec, errors)


def dominant_newline(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    if lf > crlf:
        return "\n"
    # CRLF wins ties and empty files: WSL lives on Windows, where Notepad writes CRLF.
    return "\r\n"


def new_file() -> TextFile:
    """A file that does not exist yet: UTF-8 without BOM (read by every WSL version)."""
    return TextFile(b"", "", "utf-8", b"", "UTF-8", True, "", None)


def decode(raw: bytes) -> TextFile:
    if raw.startswith(UTF8_BOM):
        return _decode_utf8(raw, UTF8_BOM, "UTF-8 with BOM")
    if raw.startswith(UTF16LE_BOM):
        return _decode_utf16le_with_bom(raw)
    if raw.startswith(UTF16BE_BOM):
        return _decode_utf16be_with_bom(raw)
    if b"\x00" in raw:
        guessed = _decode_bomless_utf16(raw)
        if guessed is not None:
            return guessed
    return _decode_utf8(raw, b"", "UTF-8")


def _decode_utf8(raw: bytes, bom: bytes, label: str) -> TextFile:
    body = raw[len(bom) :]
    text = body.decode("utf-8", "surrogateescape")
    if bom and b"\x00" in body:
        mixed = _mixed_utf8_then_utf16(raw, bom)
        if mixed is not None:
            return mixed
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        label = f"{label}, with invalid bytes"
        lost = None if bom else _chunk_lost_at(body)
        if lost is not None:
            # The CRT fails the whole read (EILSEQ): WSL silently uses every default.
            lost_line = body.count(b"\n", 0, lost) + 1
            problem = EncodingProblem(
                CHUNK_LOST,
                f"the file is not UTF-8 (byte 0x{body[lost]:02X} on line {lost_line} ends a 2048-byte "
                "read on a stray continuation byte); WSL cannot read it at all and silently uses "
                "every default",
                lost_line,
            )
            return TextFile(raw, text, "utf-8", bom, label, True, None, problem)
        problem = EncodingProblem(
            READABLE,
            f"the file is not valid UTF-8 (first bad byte 0x{body[exc.start]:02X} on line {line}, "
            "e.g. Latin-1 text); WSL reads each such byte as U+FFFD, and would ignore the whole file "
            "if an edit moved one to the end of a 2048-byte read",
            line,
        )
        return TextFile(raw, text, "utf-8", bom, label, True, _crt_utf8_view(body, text), problem)
    return TextFile(raw, text, "utf-8", bom, label, True, text, None)


# The CRT reads text files in chunks of this many bytes (wsl-reader-surprises.md §Non-ASCII).
_CRT_CHUNK = 2048


def _chunk_lost_at(body: bytes) -> int | None:
    """Offset of a stray continuation byte that ends a CRT read chunk (the read then fails)."""
    for end in range(_CRT_CHUNK, len(body) + _CRT_CHUNK, _CRT_CHUNK):
        i = min(end, len(body)) - 1
        if i >= 0 and 0x80 <= body[i] <= 0xBF and _stray_continuation(body, i):
            return i
    return None


def _stray_continuation(body: bytes, i: int) -> bool:
    start = i
    while start > 0 and i - start < 3 and 0x80 <= body[start] <= 0xBF:
        start -= 1
    lead = body[start]
    need = 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if 0xF0 <= lead <= 0xF4 else 0
    return not (need and i - start + 1 <= need)


def _crt_utf8_view(body: bytes, text: str) -> str:
    """What WSL reads: a lone lead byte at the very end of the file is dropped, not U+FFFD."""
    tail = 0
    while tail < min(3, len(body)) and 0x80 <= body[len(body) - 1 - tail] <= 0xBF:
        tail += 1
    if len(body) > tail and 0xC2 <= body[len(body) - 1 - tail] <= 0xF4:
        lead = body[len(body) - 1 - tail]
        need = 2 if lead <= 0xDF else 3 if lead <= 0xEF else 4
        if tail + 1 < need:  # an incomplete sequence: the CRT drops it
            return text[: len(text) - (tail + 1)]
    return text


def _decode_utf16le_with_bom(raw: bytes) -> TextFile:
    body = raw[len(UTF16LE_BOM) :]
    tail_at = _foreign_tail_start(body)
    if tail_at is not None:
        # PowerShell 7's `>>` appends UTF-8 to a UTF-16 file that PowerShell 5.1's `>` made.
        head = body[:tail_at].decode("utf-16-le", "surrogatepass")
        line = head.count("\n") + 1
        wsl_text = head + _utf16le_garbage(body[tail_at:])
        mixed = EncodingProblem(
            UTF16_THEN_UTF8,
            f"the file mixes two encodings: UTF-16 up to line {line}, then UTF-8 "
            "(as PowerShell's `>>` appends); WSL reads everything from that line as garbage",
            line,
        )
        return TextFile(
            raw, head, "utf-16-le", UTF16LE_BOM, "UTF-16LE with BOM and a UTF-8 tail", False,
            wsl_text, mixed, len(head),
        )
    text, lossless = _utf16_text(body, "utf-16-le")
    problem: EncodingProblem | None = None
    if not lossless:
        problem = EncodingProblem(
            UTF16_ODD_LENGTH,
            "the file is UTF-16 with an odd number of bytes (truncated or mixed); WSL reads its end as garbage",
        )
    return TextFile(raw, text, "utf-16-le", UTF16LE_BOM, "UTF-16LE with BOM", lossless, text, problem)


def _decode_utf16be_with_bom(raw: bytes) -> TextFile:
    text, lossless = _utf16_text(raw[len(UTF16BE_BOM) :], "utf-16-be")
    problem = EncodingProblem(
        UTF16BE_WITH_BOM, "the file is UTF-16 big-endian; WSL cannot open it and uses every default",
    )
    return TextFile(raw, text, "utf-16-be", UTF16BE_BOM, "UTF-16BE with BOM", lossless, None, problem)


def _decode_bomless_utf16(raw: bytes) -> TextFile | None:
    """UTF-16 without a BOM, whole or as a tail: found by where the NUL bytes sit."""
    even_nuls = raw[0::2].count(0)
    odd_nuls = raw[1::2].count(0)
    pairs = max(len(raw) // 2, 1)
    # A NUL-free stretch before the first NUL is a UTF-8 head with something appended;
    # a whole UTF-16 file has its first NUL within the first two code units.
    if raw.find(b"\x00") >= _MIN_TAIL:
        mixed = _mixed_utf8_then_utf16(raw)
        if mixed is not None:
            return mixed
    if odd_nuls >= pairs * 0.3 and even_nuls < odd_nuls * 0.1:
        codec, label = "utf-16-le", "UTF-16LE without BOM"
    elif even_nuls >= pairs * 0.3 and odd_nuls < even_nuls * 0.1:
        codec, label = "utf-16-be", "UTF-16BE without BOM"
    else:
        return _mixed_utf8_then_utf16(raw)
    text, lossless = _utf16_text(raw, codec)
    problem = EncodingProblem(
        UTF16_WITHOUT_BOM,
        f"the file is {label}; WSL reads a file without a BOM as UTF-8, so it sees only garbage",
    )
    # What WSL sees: the bytes as UTF-8, NULs and all. Nothing in it is a usable setting.
    wsl_text = raw.decode("utf-8", "surrogateescape")
    return TextFile(raw, text, codec, b"", label, lossless, wsl_text, problem, 0)


def _mixed_utf8_then_utf16(raw: bytes, bom: bytes = b"") -> TextFile | None:
    body = raw[len(bom) :]
    tail = _utf16_tail_in_utf8(body)
    if tail is None:
        return None
    head = body[:tail].decode("utf-8", "surrogateescape")
    line = head.count("\n") + 1
    problem = EncodingProblem(
        UTF8_THEN_UTF16,
        f"the file mixes two encodings: UTF-8 up to line {line}, then UTF-16 "
        "(as Windows PowerShell's `>>` appends); WSL reads everything from that line as garbage",
        line,
    )
    wsl_text = body.decode("utf-8", "surrogateescape")
    label = "UTF-8 with BOM and a UTF-16 tail" if bom else "UTF-8 with a UTF-16 tail"
    return TextFile(raw, head, "utf-8", bom, label, False, wsl_text, problem, len(head))


def _utf16_text(body: bytes, codec: str) -> tuple[str, bool]:
    even = body[: len(body) - len(body) % 2]
    text = even.decode(codec, "surrogatepass")
    return text, len(even) == len(body)


def _utf16le_garbage(tail: bytes) -> str:
    """What WSL's UTF-16LE reader makes of UTF-8 bytes: one wide char per byte pair."""
    even = tail[: len(tail) - len(tail) % 2]
    return even.decode("utf-16-le", "surrogatepass")


def _foreign_tail_start(body: bytes) -> int | None:
    """Offset in a UTF-16LE body where plain 8-bit text (a UTF-8 append) begins."""
    # ASCII in UTF-16LE is (byte, 0) pairs. Find the end of the last such pair.
    last_nul = body.rfind(b"\x00")
    start = last_nul + 1 if last_nul >= 0 else 0
    if start % 2:  # a UTF-8 append starts on a code-unit boundary; this is something else
        return None
    tail = body[start:]
    if len(tail) < _MIN_TAIL or not _looks_like_8bit_config(tail):
        return None
    if not _is_utf8(tail):
        # Non-ASCII UTF-16 text right before the append (a CJK comment with no final line break)
        # has no NUL either: the append starts where the bytes turn into UTF-8, on that line, when
        # what comes before reads as letters of a script, not as an ANSI "café" paired into units.
        line_end = tail.find(b"\n")
        for skip in range(2, line_end + 1, 2):
            if _is_utf8(tail[skip:]):
                return start + skip if _script_letters(tail[:skip]) else start
    return start


# Scripts whose UTF-16LE code units hold no NUL byte: Greek to the Indic scripts, CJK, kana,
# Hangul, compatibility ideographs, full-width forms.
_SCRIPT_UNITS = ((0x0370, 0x1FFF), (0x3000, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF))


def _script_letters(data: bytes) -> bool:
    text = data.decode("utf-16-le", "surrogatepass")
    return all(any(lo <= ord(ch) <= hi for lo, hi in _SCRIPT_UNITS) for ch in text)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf16_tail_in_utf8(raw: bytes) -> int | None:
    """Offset in a BOM-less UTF-8 file where a UTF-16LE append begins."""
    first_nul = raw.find(b"\x00")
    # The append starts one byte before the first NUL (its first ASCII character);
    # it may also start with a BOM.
    start = first_nul - 1
    if start >= 2 and raw[start - 2 : start] == UTF16LE_BOM:
        start -= 2
    if start < 0:
        return None
    tail = raw[start:]
    if tail.startswith(UTF16LE_BOM):
        tail = tail[2:]
    # ASCII appended as UTF-16LE has a NUL in (nearly) every odd byte; a stray NUL
    # in a UTF-8 value does not.
    pairs = len(tail) // 2
    if len(tail) < 2 * _MIN_TAIL or tail[1::2].count(0) < pairs * 0.8 or tail[0::2].count(0) > pairs * 0.2:
        return None  # not text appended as UTF-16LE (NUL padding has NULs at even bytes too)
    return start


def _looks_like_8bit_config(tail: bytes) -> bool:
    try:
        text = tail.decode("utf-8")
    except UnicodeDecodeError:  # appended in the ANSI code page (cmd's `echo >>`): read as Latin-1
        text = tail.decode("latin-1")
    # Letters beyond ASCII count as text: a UTF-8 comment in Japanese, an ANSI "café".
    printable = sum(1 for ch in text if ch in "\t\r\n" or " " <= ch <= "~" or ch >= "\xa0")
    # PowerShell appends whole lines: a line break plus a key or a header. CJK text at
    # the end of a real UTF-16 file can look like ASCII byte pairs, but not like that.
    return printable >= len(text) * 0.9 and "\n" in text and ("=" in text or "[" in text)
