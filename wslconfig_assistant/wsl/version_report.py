"""Reading what ``wsl --version`` printed: from wsl.exe itself, or from a saved or pasted copy.

wsl.exe prints seven lines in a fixed order (wsl-source.md §3): WSL, kernel, WSLg, MSRDC,
Direct3D, DXCore, Windows. The labels are localised (and changed between releases:
zh-CN moved from a full-width to an ASCII colon), so lines are read BY POSITION, and
each value is the version-like token at the end of its line. The label tables of
``translations.VERSION_LABELS`` are only a cross-check: they name the language, produce
warnings, and re-align a line whose label positively says it belongs further down
(the 0.58 preview has no DXCore line, pastes lose lines). A label we do not know
never stops a value from being read.

``decode_wsl_bytes`` turns wsl.exe's raw output into text (UTF-16LE without BOM unless
``WSL_UTF8=1``; wsl-source.md §3). It lives here until a shared decoder exists; the
wsl.exe runner imports it from this module.
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import NamedTuple

from wslconfig_assistant.core import errors
from wslconfig_assistant.wsl.translations import INBOX_INVALID_OPTION, VERSION_LABELS

__all__ = [
    "LINE_NAMES",
    "VersionReport",
    "WslNotInstalledError",
    "clean_paste",
    "decode_wsl_bytes",
    "parse_version_output",
    "read_version_file",
]

# What each of the seven lines reports, in wsl.exe's order; used in warnings.
LINE_NAMES = ("WSL", "kernel", "WSLg", "MSRDC", "Direct3D", "DXCore", "Windows")

_NOT_INSTALLED = "WSL is not installed from the Store or MSI (this is the inbox wsl.exe)"
_NOT_INSTALLED_FIX = "run `wsl --update` (or `wsl --install`) to get the lifted WSL"
_RUN_IT_FIX = (
    "run `wsl --version` in a terminal: its first line must be the WSL version (e.g. 'WSL version: 2.9.4.0'); "
    "a saved copy must hold its complete output"
)

# A version as wsl.exe prints one: dotted numbers, then an optional "-tail" such as
# "-1", "-81528511" or "-240331-1435.ge-release". The tail can only start at "-", so
# the pattern cannot backtrack badly on long garbage.
_TOKEN_RE = re.compile(r"\d+(?:\.\d+)+(?:-[0-9A-Za-z][0-9A-Za-z._-]*)?")
# The WSL package version itself: 3 or 4 numbers (2.9.4.0; placeholders like 2.x.x.x fail).
_WSL_TOKEN_RE = re.compile(r"\d+(?:\.\d+){2,3}")
_SEPARATORS_RE = re.compile(r"[\s:：]")  # the full-width colon of zh-CN (<= 2.4) and zh-TW
# A token inside a line that more text follows: where a collapsed paste is split.
_INLINE_TOKEN_RE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)+(?:-[0-9A-Za-z][0-9A-Za-z._-]*)?)(?=\s+\S)")
_NEWLINES_RE = re.compile(r"\r*\n|\r+")

# The inbox wsl.exe (the one in the Windows image) does not know --version and answers
# "Invalid command line option" plus usage text. Its usage line is the same in every
# language seen: "Usage: wsl.exe [Argument] [Options...] [CommandLine]", zh-CN "用法:
# wsl.exe [参数] [选项...] [CommandLine]".
_INBOX_PHRASES = tuple(t.split("{")[0].rstrip(" :：") for t in INBOX_INVALID_OPTION.values())
_INBOX_USAGE_RE = re.compile(r"wsl(?:\.exe)?\s+\[[^\]\n]*\]\s+\[[^\]\n]*\]\s+\[CommandLine\]", re.IGNORECASE)


class WslNotInstalledError(errors.WslError):
    """The inbox wsl.exe answered ``--version``: no Store/MSI WSL is installed (exit 4)."""

    def __init__(self, message: str = _NOT_INSTALLED, *, fix: str | None = _NOT_INSTALLED_FIX) -> None:
        super().__init__(message, fix=fix)


class VersionReport(NamedTuple):
    wsl: str | None
    kernel: str | None  # the Microsoft.WSL.Kernel package version, not the running kernel
    wslg: str | None
    msrdc: str | None
    direct3d: str | None
    dxcore: str | None
    windows: str | None
    language: str | None  # a VERSION_LABELS key, None when no label was recognised
    warnings: tuple[str, ...]
    kernel_patch_warning: bool = False  # a saved copy also holds the service's kernel-patch warning


# ---------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------


def _norm_label(label: str) -> str:
    """Compare labels without their colon (ASCII or full-width), spacing or Unicode form;
    case and hyphens stay, because they are what tells en "WSL version" from de
    "WSL-Version"."""
    text = " ".join(unicodedata.normalize("NFKC", label).split())
    return text.rstrip(" :")


# language -> normalised label -> line index; built once at import (a few dozen entries).
_LABELS: dict[str, dict[str, int]] = {
    lang: {_norm_label(label): i for i, label in enumerate(labels)} for lang, labels in VERSION_LABELS.items()
}


def _known_at(label: str, index: int) -> bool:
    return any(table.get(label) == index for table in _LABELS.values())


def _detect_language(labels: list[str]) -> str | None:
    """The language whose labels match the most lines; ties go to table order (zh-CN and
    zh-TW share every label but the kernel's)."""
    best, best_score = None, 0
    for lang, table in _LABELS.items():
        score = sum(1 for label in labels if label in table)
        if score > best_score:
            best, best_score = lang, score
    return best


# ---------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------


def _split_line(line: str) -> tuple[str, str | None]:
    """(normalised label, version token or None) of one line."""
    word = _SEPARATORS_RE.split(line)[-1]
    if word and _TOKEN_RE.fullmatch(word):
        return _norm_label(line[: len(line) - len(word)]), word
    return _norm_label(line), None


def _shown(line: str, limit: int = 80) -> str:
    return repr(line if len(line) <= limit else line[: limit - 3] + "...")


def _is_inbox_answer(lines: list[str]) -> bool:
    head = "\n".join(lines[:12])
    return any(p in head for p in _INBOX_PHRASES) or _INBOX_USAGE_RE.search(head) is not None


def parse_version_output(text: str) -> VersionReport:
    """The versions in ``wsl --version`` output (already decoded to text).

    Raises ``WslNotInstalledError`` for the inbox wsl.exe's answer, and
    ``errors.WslError`` when line 1 carries no WSL version.
    """
    lines = [s for s in (raw.strip() for raw in text.splitlines()) if s]
    if not lines:
        raise errors.WslError("`wsl --version` printed nothing", fix=_RUN_IT_FIX)
    parsed = [_split_line(line) for line in lines]
    language = _detect_language([label for label, _ in parsed])
    _check_first_line(lines, parsed, language)
    values, warnings = _assign(parsed, _LABELS.get(language or "", {}))
    wsl, kernel, wslg, msrdc, direct3d, dxcore, windows = values
    return VersionReport(wsl, kernel, wslg, msrdc, direct3d, dxcore, windows, language, tuple(warnings))


def _check_first_line(lines: list[str], parsed: list[tuple[str, str | None]], language: str | None) -> None:
    label, token = parsed[0]
    if token is None or not _WSL_TOKEN_RE.fullmatch(token):
        if _is_inbox_answer(lines):
            raise WslNotInstalledError
        raise errors.WslError(
            f"`wsl --version` printed no WSL version on its first line: {_shown(lines[0])}",
            fix=_RUN_IT_FIX,
        )
    # Fail closed when the label proves line 1 is another line (say the kernel's, from a
    # paste that lost its first line): its number is not the WSL version.
    index = _LABELS.get(language or "", {}).get(label, 0)
    if index != 0:
        raise errors.WslError(
            f"the WSL version line is missing: line 1 is the {LINE_NAMES[index]} line {_shown(lines[0])}",
            fix=_RUN_IT_FIX,
        )


def _assign(parsed: list[tuple[str, str | None]], table: dict[str, int]) -> tuple[list[str | None], list[str]]:
    """Put each line's token in its slot: by position, unless the label of the detected
    language names a later slot (a line is missing). Lines after the seventh slot
    (debug builds add MSBuild version, Commit, Build time) are ignored."""
    values: list[str | None] = [None] * len(LINE_NAMES)
    warnings: list[str] = []
    slot = 0
    for n, (label, token) in enumerate(parsed, start=1):
        if slot >= len(LINE_NAMES):
            break
        named = table.get(label)
        if named is not None and named > slot:
            missing = ", ".join(LINE_NAMES[slot:named])
            warnings.append(f"line {n} is the {LINE_NAMES[named]} line by its label; no {missing} line before it")
            slot = named
        elif token is None and named != slot:  # "...", "...(생략)...", a stray remark
            warnings.append(f"line {n} has no version; ignored: {_shown(label, 40)}")
            continue
        elif not _known_at(label, slot):
            warnings.append(f"label of line {n} is not a {LINE_NAMES[slot]} label in any known language")
        if token is None:
            warnings.append(f"line {n} ({LINE_NAMES[slot]}) has no version")
        values[slot] = token
        slot += 1
    return values, warnings


# ---------------------------------------------------------------------------------------
# Bytes from wsl.exe or a file
# ---------------------------------------------------------------------------------------


def decode_wsl_bytes(data: bytes) -> str:
    """wsl.exe output (or a saved copy) as text with ``\\n`` line ends.

    The decoding is wsl.exe's door's (wslexe.decode_output: a BOM decides, else UTF-16LE
    when NUL bytes sit at odd offsets, else UTF-8; odd byte counts, stray NULs and a
    UTF-16 stream knocked out of step by one byte are all survived). Here every line
    end then becomes LF, lone CRs included: a saved copy has no progress bar to keep.
    """
    from wslconfig_assistant.wsl.wslexe import decode_output  # noqa: PLC0415

    text, _encoding = decode_output(data)
    return _NEWLINES_RE.sub("\n", text)


def read_version_file(path: str | os.PathLike[str]) -> VersionReport:
    """``--wsl-version-file``: a saved or pasted ``wsl --version``, decoded like wsl.exe
    output, cleaned of paste damage, then parsed. An unreadable file is a usage error."""
    text = decode_wsl_bytes(_read_capped(path))
    report = parse_version_output(clean_paste(text))
    from wslconfig_assistant.wsl.servicewarnings import kernel_patch_missing  # noqa: PLC0415

    # Looked for in the whole copy: clean_paste starts at the WSL line, and the warning may come first.
    return report._replace(kernel_patch_warning=kernel_patch_missing(text))


def _read_capped(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes: a regular file (a FIFO would block forever, /dev/zero never ends) of at
    most the small-file cap (openfile.SMALL_FILE_CAP; a saved ``wsl --version`` is under 1 KB)."""
    import stat  # noqa: PLC0415

    from wslconfig_assistant.storage.openfile import SMALL_FILE_CAP as MAX_BYTES  # noqa: PLC0415

    shown = os.fspath(path)
    fix = "save the output of `wsl --version` to a file: wsl --version > wsl-version.txt"
    try:
        # stat first: opening a FIFO blocks until a writer comes. O_NONBLOCK covers a FIFO put
        # there between the two calls (POSIX; Windows has no FIFOs a path opens this way).
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise errors.UsageError(f"the wsl --version file {shown!r} is not a regular file", fix=fix)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise errors.UsageError(f"the wsl --version file {shown!r} is not a regular file", fix=fix)
            # One byte more than the cap: a size the file system reports wrongly cannot fool it.
            data = f.read(MAX_BYTES + 1) if info.st_size <= MAX_BYTES else b""
    except OSError as exc:
        raise errors.UsageError(f"cannot read the wsl --version file {shown!r}: {exc.strerror or exc}",
                                fix="save the output of `wsl --version` to a readable file") from exc
    if info.st_size > MAX_BYTES or len(data) > MAX_BYTES:
        raise errors.UsageError(f"the wsl --version file {shown!r} is larger than {MAX_BYTES >> 20} MB "
                                "(`wsl --version` prints a few hundred bytes)", fix=fix)
    return data


# ---------------------------------------------------------------------------------------
# Paste damage
# ---------------------------------------------------------------------------------------

# Whole lines that are a prompt or the command itself, tried after decorations are gone.
_PROMPT_RES = (
    re.compile(r"(?:\([\w.-]+\)\s*)?PS\s[^>\n]*>"),  # PowerShell "PS C:\Users\me>", conda "(base) PS C:\>"
    re.compile(r"[A-Za-z]:\\[^>\n]*>"),  # cmd.exe "C:\Windows\system32>wsl -v"
    re.compile(r"[\w.-]+@[\w.-]+(?::[^$#\n]*)?[$#](?:\s|$)"),  # bash "user@host:~$ wsl.exe --version"
    re.compile(r"[$%❯➜»λ](?:\s|$)"),  # "$ wsl --version", starship "❯ wsl --version"
    re.compile(r"\(?wsl(?:\.exe)?\s+-"),  # the command line alone: "wsl --version", "(wsl --version).Length"
)
# Leading decorations, peeled repeatedly: indentation (TAB too), blockquote ">",
# bullets, "# " comment prefixes, numbered lists.
_DECORATION_RE = re.compile(r"\s+|>\s?|[-*+•]\s+|#+\s*|\d+[.)]\s+")
_FENCE_RE = re.compile(r"(?:`{3,}|'{3,}|~{3,})")
_FENCE_INFO_RE = re.compile(r"[\w+.-]*")  # "```powershell", "```text"
_HTML_TAG_RE = re.compile(r"</?(?:pre|code|samp|kbd|details|summary|blockquote|p|div|span|br)\b[^>]*>", re.IGNORECASE)
_MD_LINK_RE = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")  # auto-linked "[5.10.102.1](https://5.10.102.1/)"


def clean_paste(text: str) -> str:
    """``wsl --version`` output as it was before a terminal, a form or markdown got at it.

    Drops prompt and command lines, fences, bullets, comment and blockquote prefixes,
    indentation, stray backticks and HTML tags, re-splits a whole output collapsed onto
    one line, undoes UTF-16 shown as spaced-out characters, and starts the text at the
    WSL line. Text in which no WSL line is found is returned cleaned but otherwise whole,
    so that the parser can still recognise the inbox wsl.exe's answer.
    """
    lines: list[str] = []
    for raw in _NEWLINES_RE.sub("\n", text.replace("\x00", "").replace("\ufeff", "")).split("\n"):
        line = _clean_line(raw)
        if line is not None:
            lines.extend(_split_collapsed(line))
    start = _block_start(lines)
    return "\n".join(line for line in lines[start:] if line)


def _clean_line(raw: str) -> str | None:
    """One line without its decorations; None when the whole line is not output."""
    line = _unspace(raw.strip())
    line = _strip_decorations(_MD_LINK_RE.sub(r"\1", _HTML_TAG_RE.sub("", line)))
    # Fences before stray backticks: "```text" after the output is a fence line, not the word "text".
    fence = _FENCE_RE.match(line)
    if fence:
        rest = line[fence.end() :]
        if _FENCE_INFO_RE.fullmatch(rest):
            return None
        line = rest.strip()
    line = _FENCE_RE.sub("", line).replace("`", "").rstrip()
    if any(p.match(line) for p in _PROMPT_RES):
        return None
    return line


def _strip_decorations(line: str) -> str:
    while True:
        m = _DECORATION_RE.match(line)
        if not m or not m.end():
            return line
        line = line[m.end() :]


def _unspace(line: str) -> str:
    """UTF-16LE read as a single-byte code page with NULs shown as blanks:
    ``W S L   v e r s i o n :   2 . 7 . 3 . 0``. Taken back only when the result ends in
    a version and the line as it stands does not."""
    if len(line) < 9 or line[1::2].strip(" "):
        return line
    joined = line[0::2]
    if _split_line(joined)[1] is not None and _split_line(line)[1] is None:
        return joined
    return line


def _split_collapsed(line: str) -> list[str]:
    """A whole output pasted into a one-line form field: split after each version that
    more text follows. Only for lines with 3 or more versions, so that "Ubuntu 20.04.6
    LTS" stays one line."""
    if len(_TOKEN_RE.findall(line)) < 3:
        return [line]
    return [part.strip() for part in _INLINE_TOKEN_RE.sub("\\1\n", line).split("\n")]


def _block_start(lines: list[str]) -> int:
    """Index of the WSL line: the first line with a known WSL label and a WSL version,
    else the first line ending in a WSL-like version, else 0 (nothing found)."""
    fallback = None
    for i, line in enumerate(lines):
        label, token = _split_line(line)
        if token is None or not _WSL_TOKEN_RE.fullmatch(token):
            continue
        if any(table.get(label) == 0 for table in _LABELS.values()):
            return i
        if fallback is None:
            fallback = i
    return fallback or 0
