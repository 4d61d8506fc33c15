"""wslversion: `wsl --version` output read by position, labels as a cross-check, paste
damage undone, and wsl.exe's bytes decoded.

Sources: wsl-source.md §3 (seven lines, UTF-16LE without BOM unless WSL_UTF8=1, the
inbox wsl.exe), corpus NOTES.md ("`wsl --version` patterns", "Paste damage to
expect") and the pastes in shared/corpus/wsl-version.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from conftest import SHARED

from wslconfig_assistant.core import errors
from wslconfig_assistant.wsl.translations import INBOX_INVALID_OPTION, VERSION_LABELS
from wslconfig_assistant.wsl.version_report import (
    LINE_NAMES,
    VersionReport,
    WslNotInstalledError,
    clean_paste,
    decode_wsl_bytes,
    parse_version_output,
    read_version_file,
)

# conftest.SHARED: also right under mutmut, whose copy of the tests sits one folder deeper.
CORPUS = SHARED / "corpus" / "wsl-version"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not next to this checkout")

# ---------------------------------------------------------------------------------------
# The corpus. Written by hand from reading each file (not from running the parser):
# file -> (WSL version, kernel version, language of the labels).
# ---------------------------------------------------------------------------------------

EXPECTED: dict[str, tuple[str, str | None, str]] = {
    "001.txt": ("1.2.5.0", "5.15.90.1", "en-US"),  # bash prompt line first
    "002.txt": ("1.0.0.0", "5.15.74.2", "en-US"),
    "004.txt": ("1.0.3.0", "5.15.79.1", "de-DE"),  # `ver` output first; "Windows Version:"
    "005.txt": ("2.0.5.0", "5.15.133.1-1", "es-ES"),  # command line first
    "007.txt": ("0.58.3.0", "5.10.102.1", "en-US"),  # 6-line preview, no DXCore
    "008.txt": ("2.6.1.0", "6.6.87.2-1", "nl-NL"),  # collapsed onto one line; "WSL-versiie"
    "012.txt": ("1.1.3.0", "5.15.90.1", "en-US"),  # starship prompt
    "013.txt": ("1.1.3.0", "5.15.90.1", "en-US"),  # blank line after every line, .Length after
    "017.txt": ("2.5.7.0", "6.6.87.1-1", "en-US"),  # collapsed onto one line
    "019.txt": ("2.3.26.0", "5.15.167.4-1", "en-US"),
    "022.txt": ("2.1.5.0", "5.15.146.1-2", "zh-CN"),  # full-width colons
    "023.txt": ("2.6.3.0", "6.6.87.2-1", "zh-TW"),  # cmd prompt, 2-space indent
    "024.txt": ("2.2.4.0", "5.15.153.1-2", "zh-CN"),  # "# " prefixes
    "025.txt": ("2.5.7.0", "6.6.87.1-1", "zh-CN"),  # "$ " prompt; "Windows: "
    "026.txt": ("2.4.8.0", "5.15.167.4-1", "zh-CN"),  # Direct3D line missing, 3-space indent
    "027.txt": ("2.2.4.0", "5.15.153.1-2", "zh-CN"),
    "028.txt": ("2.0.9.0", "5.15.133.1-1", "zh-CN"),  # 8-space indent
    "029.txt": ("2.6.1.0", "6.6.87.2-1", "zh-CN"),  # "Windows: "
    "031.txt": ("2.5.9.0", "6.6.87.2-1", "ja-JP"),  # "(base) PS" prompts before and after
    "032.txt": ("2.3.24.0", "5.15.153.1-2", "ja-JP"),  # TAB + "> "
    "033.txt": ("1.2.5.0", "5.15.90.1", "ja-JP"),
    "034.txt": ("2.5.9.0", "6.6.87.2-1", "ja-JP"),  # 6-space indent
    "035.txt": ("1.0.3.0", "5.15.79.1", "ja-JP"),  # 3 lines as a bullet list under a header
    "036.txt": ("2.6.2.0", "6.6.87.2-1", "ja-JP"),
    "037.txt": ("2.2.4.0", "5.15.153.1-2", "ja-JP"),
    "038.txt": ("2.3.26.0", "5.15.167.4-1", "ru-RU"),  # PS prompts, `wsl -l` output after
    "040.txt": ("2.4.13.0", "5.15.167.4-1", "ru-RU"),  # command with a comment, "#..." line
    "041.txt": ("2.2.4.0", "5.15.153.1-2", "ru-RU"),
    "043.txt": ("2.3.24.0", "5.15.153.1-2", "ru-RU"),  # backticks glued to the last value
    "044.txt": ("2.6.3.0", "6.6.87.2-1", "ru-RU"),
    "045.txt": ("2.6.3.0", "6.6.87.2-1", "de-DE"),  # 4-space indented block
    "046.txt": ("2.3.26.0", "5.15.167.4-1", "de-DE"),  # indent + trailing double spaces
    "047.txt": ("1.2.5.0", "5.15.90.1", "de-DE"),  # nested bullet list under "- WSL"
    "048.txt": ("3.0.1.0", "6.18.40.1-1", "de-DE"),
    "049.txt": ("2.0.14.0", "5.15.133.1-1", "de-DE"),
    "050.txt": ("2.4.13.0", "5.15.167.4-1", "ko-KR"),
    "051.txt": ("2.2.4.0", "5.15.153.1-2", "ko-KR"),  # no final newline
    "052.txt": ("2.0.9.0", "5.15.133.1-1", "ko-KR"),  # header before, unrelated lines after
    "053.txt": ("2.4.13.0", "5.15.167.4-1", "ko-KR"),  # truncated after 3 lines
    "054.txt": ("2.7.10.0", "6.18.33.2-2", "ko-KR"),
    "055.txt": ("2.5.10.0", "6.6.87.2-1", "ko-KR"),  # `wsl -l -v` output before
    "056.txt": ("2.6.3.0", "6.6.87.2-1", "ko-KR"),  # "..." in the middle
    "057.txt": ("2.1.5.0", "5.15.146.1-2", "ko-KR"),  # cmd prompt
    # UTF-16LE shown as cp1252 with NULs as blanks; only the first line was quoted.
    "059.txt": ("2.7.3.0", None, "en-US"),
}

# The inbox wsl.exe's answer to --version / -v.
INBOX = ("014.txt", "016.txt", "018.txt")

# Sample output with x digits: no version to read, so it must not parse.
PLACEHOLDERS = ("030.txt", "058.txt")

SKIPPED: dict[str, str] = {
    "003.txt": "wsl --status (old format), not --version",
    "006.txt": "wsl --status (two lines), not --version",
    "009.txt": "wsl --status (Dutch, collapsed onto one line), not --version",
    "010.txt": "wsl -l -v, not --version",
    "011.txt": "wsl --status (old format, auto-linked kernel version), not --version",
    "015.txt": "wsl --status (old format), not --version",
    "020.txt": "wsl -l -v, not --version",
    "021.txt": "encoding-damaged: UTF-8 bytes decoded as UTF-16LE with Go \\u escapes (a trace log); "
    "not something a paste cleaner should guess at",
    "039.txt": "wsl --status (Russian), not --version",
    "042.txt": "wsl --list -v, not --version",
}


@needs_corpus
def test_every_corpus_file_is_accounted_for() -> None:
    on_disk = {p.name for p in CORPUS.glob("*.txt")}
    listed = set(EXPECTED) | set(INBOX) | set(PLACEHOLDERS) | set(SKIPPED)
    assert on_disk == listed
    assert not set(EXPECTED) & set(SKIPPED)


@needs_corpus
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_pastes_parse(name: str) -> None:
    wsl, kernel, language = EXPECTED[name]
    report = read_version_file(CORPUS / name)
    assert (report.wsl, report.kernel, report.language) == (wsl, kernel, language)


@needs_corpus
@pytest.mark.parametrize("name", INBOX)
def test_corpus_inbox_answers(name: str) -> None:
    with pytest.raises(WslNotInstalledError) as info:
        read_version_file(CORPUS / name)
    assert info.value.exit_code == errors.ExitCode.WSL_FAILED


@needs_corpus
@pytest.mark.parametrize("name", PLACEHOLDERS)
def test_corpus_placeholders_fail(name: str) -> None:
    with pytest.raises(errors.WslError, match=r"no WSL version on its first line: .*2\.x\.x\.x") as info:
        read_version_file(CORPUS / name)
    assert not isinstance(info.value, WslNotInstalledError)


@needs_corpus
@pytest.mark.parametrize("name", sorted(n for n in SKIPPED if "status" in SKIPPED[n] or "-l" in SKIPPED[n]))
def test_corpus_other_commands_are_not_taken_for_version_output(name: str) -> None:
    # Old `--status` ends with "Kernel version: ...": the label proves it is not line 1.
    with pytest.raises(errors.WslError):
        read_version_file(CORPUS / name)


@needs_corpus
def test_corpus_full_reports() -> None:
    """A few pastes checked field by field, warnings included."""
    r = read_version_file(CORPUS / "007.txt")
    assert r[:7] == ("0.58.3.0", "5.10.102.1", "1.0.33", "1.2.2924", "1.601.0", None, "10.0.22000.675")
    assert r.warnings == ("line 6 is the Windows line by its label; no DXCore line before it",)
    r = read_version_file(CORPUS / "043.txt")
    assert r.windows == "10.0.22631.4460"
    assert r.warnings == ()
    r = read_version_file(CORPUS / "026.txt")
    assert (r.msrdc, r.direct3d, r.dxcore) == ("1.611.1-81528511", None, "10.0.26100.1-240331-1435.ge-release")
    r = read_version_file(CORPUS / "056.txt")
    assert (r.wslg, r.msrdc, r.windows) == ("1.0.71", None, "10.0.19045.6456")
    r = read_version_file(CORPUS / "017.txt")
    assert r[:7] == ("2.5.7.0", "6.6.87.1-1", "1.0.66", "1.2.6074", "1.611.1-81528511",
                     "10.0.26100.1-240331-1435.ge-release", "10.0.26100.4349")


@needs_corpus
def test_corpus_label_warnings_point_at_real_label_variants() -> None:
    """Labels the shared table does not have (reported for translations.py, not edited)."""
    assert read_version_file(CORPUS / "004.txt").warnings == (
        "label of line 7 is not a Windows label in any known language",  # de 1.0.3.0 "Windows Version:"
    )
    for name in ("025.txt", "029.txt"):  # zh-CN 2.5.7.0 / 2.6.1.0 "Windows: ", now in the table
        report = read_version_file(CORPUS / name)
        assert report.warnings == ()
        assert report.language == "zh-CN"
    assert read_version_file(CORPUS / "008.txt").warnings == (
        "label of line 1 is not a WSL label in any known language",  # "WSL-versiie" as stored
    )


@needs_corpus
def test_corpus_clean_pastes_have_no_warnings() -> None:
    noisy = {"004.txt", "007.txt", "008.txt", "025.txt", "026.txt", "029.txt", "053.txt", "056.txt"}
    for name in sorted(set(EXPECTED) - noisy):
        assert read_version_file(CORPUS / name).warnings == (), name


# ---------------------------------------------------------------------------------------
# Synthesised output for every language of the shared label table
# ---------------------------------------------------------------------------------------

VALUES = ("2.9.4.0", "6.18.35.2-1", "1.0.79", "1.2.7214", "1.611.1-81528511",
          "10.0.26100.1-240331-1435.ge-release", "10.0.26100.9457")
LANGS = sorted(VERSION_LABELS)


def _lines(lang: str, values: tuple[str, ...] = VALUES) -> list[str]:
    return [label + value for label, value in zip(VERSION_LABELS[lang], values, strict=True)]


def _wsl_bytes(text: str, encoding: str) -> bytes:
    """As wsl.exe writes: CRLF, UTF-16LE without BOM (or UTF-8 with WSL_UTF8=1)."""
    return text.replace("\n", "\r\n").encode(encoding)


def _full(lang: str) -> str:
    return "\n".join(_lines(lang)) + "\n"


def _expect(report: VersionReport, lang: str | None, values: tuple[str | None, ...] = VALUES) -> None:
    assert tuple(report[:7]) == values
    assert report.language == lang


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-8"])
@pytest.mark.parametrize("lang", LANGS)
def test_every_language(lang: str, encoding: str) -> None:
    report = parse_version_output(decode_wsl_bytes(_wsl_bytes(_full(lang), encoding)))
    _expect(report, lang)
    assert report.warnings == ()


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_with_boms(lang: str) -> None:
    for encoding in ("utf-8-sig", "utf-16", "utf-16-be"):
        data = _full(lang).encode(encoding) if encoding != "utf-16-be" else b"\xfe\xff" + _full(lang).encode(encoding)
        _expect(parse_version_output(decode_wsl_bytes(data)), lang)


@pytest.mark.parametrize("lang", LANGS)
def test_odd_byte_count(lang: str) -> None:
    data = _wsl_bytes(_full(lang), "utf-16-le")
    assert len(data[:-1]) % 2 == 1  # the last "\n" lost its high byte
    text = decode_wsl_bytes(data[:-1])
    assert text.endswith(VALUES[-1] + "\n")
    _expect(parse_version_output(text), lang)
    # Cut one code unit earlier: the lone byte left is the CR, kept as a line end.
    _expect(parse_version_output(decode_wsl_bytes(data[:-3])), lang)


@pytest.mark.parametrize("lang", LANGS)
def test_stray_nuls(lang: str) -> None:
    utf16 = "\x00".join(_lines(lang)).replace("\x00", "\r\n\x00") + "\r\n\x00\x00"
    _expect(parse_version_output(decode_wsl_bytes(utf16.encode("utf-16-le"))), lang)
    utf8 = b"\r\n\x00".join(line.encode() for line in _lines(lang)) + b"\x00\r\n"
    assert decode_wsl_bytes(utf8).count("\x00") == 0
    _expect(parse_version_output(decode_wsl_bytes(utf8)), lang)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-8"])
@pytest.mark.parametrize("lang", LANGS)
def test_blank_lines_between_lines(lang: str, encoding: str) -> None:
    text = "\n\n".join(_lines(lang)) + "\n\n\n"  # PowerShell array capture
    report = parse_version_output(decode_wsl_bytes(_wsl_bytes(text, encoding)))
    _expect(report, lang)
    assert report.warnings == ()


@pytest.mark.parametrize("lang", LANGS)
def test_debug_build_extra_lines(lang: str) -> None:
    extra = ["MSBuild version: 17.14.8+a7a4d5af0", "Commit: 3e27a6a50177e0c7a2b1", "Build time: Fri Aug  8 2026"]
    text = "\n".join([*_lines(lang), *extra]) + "\n"
    report = parse_version_output(decode_wsl_bytes(_wsl_bytes(text, "utf-16-le")))
    _expect(report, lang)
    assert report.warnings == ()


@pytest.mark.parametrize("lang", LANGS)
def test_six_line_preview_without_dxcore(lang: str) -> None:
    lines = _lines(lang)
    del lines[5]
    report = parse_version_output(decode_wsl_bytes(_wsl_bytes("\n".join(lines), "utf-16-le")))
    _expect(report, lang, (*VALUES[:5], None, VALUES[6]))
    assert report.warnings == ("line 6 is the Windows line by its label; no DXCore line before it",)


@pytest.mark.parametrize("lang", LANGS)
def test_full_width_colons(lang: str) -> None:
    lines = [line.replace(": ", "： ").replace(" :", " ：") for line in _lines(lang)]
    assert all("：" in line for line in lines)
    report = parse_version_output(decode_wsl_bytes(_wsl_bytes("\n".join(lines), "utf-16-le")))
    _expect(report, lang)
    assert report.warnings == ()


@pytest.mark.parametrize("lang", LANGS)
def test_collapsed_onto_one_line(lang: str) -> None:
    report = parse_version_output(clean_paste(" ".join(_lines(lang))))
    _expect(report, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_ascii_colon_wherever_the_table_has_a_full_width_one(lang: str) -> None:
    lines = [line.replace("： ", ": ") for line in _lines(lang)]
    _expect(parse_version_output("\n".join(lines)), lang)


def test_unknown_language_is_read_by_position() -> None:
    labels = ("Wersja WSL: ", "Wersja jądra: ", "Wersja WSLg: ", "Wersja MSRDC: ",
              "Wersja Direct3D: ", "Wersja DXCore: ", "Wersja systemu Windows: ")
    report = parse_version_output("\n".join(lb + v for lb, v in zip(labels, VALUES, strict=True)))
    _expect(report, None)
    assert len(report.warnings) == 7
    assert report.warnings[1] == "label of line 2 is not a kernel label in any known language"


def test_no_labels_at_all() -> None:
    report = parse_version_output("\n".join(VALUES))
    _expect(report, None)


def test_zh_cn_and_zh_tw_are_told_apart_by_the_kernel_line() -> None:
    assert parse_version_output(_full("zh-TW")).language == "zh-TW"
    assert parse_version_output(_full("zh-CN")).language == "zh-CN"


def test_version_tokens_as_printed() -> None:
    text = "WSL version: 2.7.10.0\nKernel version: 6.18.33.2-2\nWSLg version: 1.0.73.2\n"
    report = parse_version_output(text)
    assert (report.wsl, report.kernel, report.wslg, report.msrdc) == ("2.7.10.0", "6.18.33.2-2", "1.0.73.2", None)
    assert report.warnings == ()


def test_line_names_follow_wsl_exe_order() -> None:
    assert LINE_NAMES == ("WSL", "kernel", "WSLg", "MSRDC", "Direct3D", "DXCore", "Windows")
    assert VersionReport._fields[:7] == ("wsl", "kernel", "wslg", "msrdc", "direct3d", "dxcore", "windows")


# ---------------------------------------------------------------------------------------
# Failures
# ---------------------------------------------------------------------------------------

INBOX_USAGE = (
    "\nCopyright (c) Microsoft Corporation. All rights reserved.\n\n"
    "Usage: wsl.exe [Argument] [Options...] [CommandLine]\n"
)


@pytest.mark.parametrize("lang", sorted(INBOX_INVALID_OPTION))
@pytest.mark.parametrize("option", ["--version", "-v"])
def test_inbox_wsl_exe(lang: str, option: str) -> None:
    text = INBOX_INVALID_OPTION[lang].format(option=option) + INBOX_USAGE
    with pytest.raises(WslNotInstalledError) as info:
        parse_version_output(decode_wsl_bytes(_wsl_bytes(text, "utf-16-le")))
    err = info.value
    assert isinstance(err, errors.WslError)
    assert err.exit_code == errors.ExitCode.WSL_FAILED
    assert int(err.exit_code) == 4
    assert err.message == "WSL is not installed from the Store or MSI (this is the inbox wsl.exe)"
    assert err.fix == "run `wsl --update` (or `wsl --install`) to get the lifted WSL"


def test_inbox_usage_text_alone_in_another_language() -> None:
    # Made-up French: the shape of the usage line is recognised, not its words.
    text = "Option non valide : --version\n\nSyntaxe : wsl.exe [Argument] [Options...] [CommandLine]"
    with pytest.raises(WslNotInstalledError):
        parse_version_output(text)


@pytest.mark.parametrize("text", ["", "\n\n  \n", "\x00\x00"])
def test_nothing_printed(text: str) -> None:
    with pytest.raises(errors.WslError, match="printed nothing"):
        parse_version_output(decode_wsl_bytes(text.encode()))


def test_garbage_first_line_is_shown_truncated() -> None:
    with pytest.raises(errors.WslError) as info:
        parse_version_output("Something went wrong " + "x" * 300 + "\nKernel version: 6.18.26.3-1")
    assert not isinstance(info.value, WslNotInstalledError)
    assert "Something went wrong" in info.value.message
    assert info.value.message.endswith("...'")
    assert len(info.value.message) < 200


def test_missing_wsl_line_fails_closed() -> None:
    # Line 1 ends in a 4-part number, but its label says it is the kernel line.
    with pytest.raises(errors.WslError, match="line 1 is the kernel line"):
        parse_version_output("Kernel version: 5.15.90.1\nWSLg version: 1.0.51")


# ---------------------------------------------------------------------------------------
# clean_paste
# ---------------------------------------------------------------------------------------

BLOCK = "WSL version: 2.8.9.0\nKernel version: 6.18.26.3-1\nWSLg version: 1.0.77"


@pytest.mark.parametrize(
    "before",
    [
        "PS C:\\Users\\me> wsl --version",
        "PS C:\\Users\\me>",
        "(base) PS C:\\Users\\masato> wsl --version",
        "C:\\Users\\jskim>wsl --version",
        "C:\\Windows\\system32>wsl -v",
        "$ wsl --version",
        "$",
        "❯ wsl --version",
        "user@host:~$ wsl.exe --version",
        "wsl --version   # versions",
        "wsl.exe -v",
        "```",
        "```powershell",
        "'''",
        "<pre><code>",
        "# Environment",
        "- WSL",
        "Microsoft Windows [Version 10.0.22621.819]",
    ],
)
def test_clean_paste_drops_lines_before(before: str) -> None:
    assert clean_paste(f"{before}\n{BLOCK}\n") == BLOCK


@pytest.mark.parametrize(
    "after",
    ["```", "'''", "</code></pre>", "PS C:\\Users\\me>", "PS C:\\Users\\me> wsl -l", "❯ (wsl --version).Length"],
)
def test_clean_paste_drops_prompt_and_fence_lines_after(after: str) -> None:
    assert clean_paste(f"{BLOCK}\n{after}\n") == BLOCK


@pytest.mark.parametrize(
    "prefix", ["  ", "   ", "    ", "      ", "        ", "\t", "\t> ", "> ", "# ", "- ", "  - ", "* ", "1. "]
)
def test_clean_paste_strips_prefixes(prefix: str) -> None:
    pasted = "\n".join(prefix + line for line in BLOCK.split("\n"))
    assert clean_paste(pasted) == BLOCK


def test_clean_paste_strips_trailing_spaces_backticks_and_links() -> None:
    assert clean_paste("WSL version: 2.8.9.0  \nKernel version: 6.18.26.3-1``\nWSLg version: `1.0.77`") == BLOCK
    assert clean_paste("WSL version: 2.8.9.0\nKernel version: [6.18.26.3-1](https://6.18.26.3-1/)") == \
        "WSL version: 2.8.9.0\nKernel version: 6.18.26.3-1"
    assert clean_paste("<pre>WSL version: 2.8.9.0</pre>") == "WSL version: 2.8.9.0"


def test_clean_paste_splits_a_collapsed_line() -> None:
    assert clean_paste(BLOCK.replace("\n", " ")) == BLOCK
    # Unrelated lines with one or two versions stay whole.
    assert clean_paste(BLOCK + "\nUbuntu 20.04.6 LTS").endswith("\nUbuntu 20.04.6 LTS")


def test_clean_paste_undoes_spaced_utf16() -> None:
    spaced = "W S L   v e r s i o n :   2 . 7 . 3 . 0"
    assert clean_paste(spaced) == "WSL version: 2.7.3.0"
    assert clean_paste("a b c d e f") == "a b c d e f"  # no version: left alone


def test_clean_paste_keeps_text_without_a_wsl_line() -> None:
    text = "PS C:\\> wsl --version\nInvalid command line option: --version\n\nUsage: wsl.exe [Argument]"
    assert clean_paste(text) == "Invalid command line option: --version\nUsage: wsl.exe [Argument]"


def test_clean_paste_prefers_the_labelled_wsl_line() -> None:
    text = "Windows 11 Pro 10.0.26100.4349\nWSL version: 2.8.9.0\nKernel version: 6.18.26.3-1"
    assert clean_paste(text).startswith("WSL version: 2.8.9.0")


def test_clean_paste_then_parse_a_messy_github_paste() -> None:
    pasted = (
        "### Environment\n```powershell\nPS C:\\Users\\me> wsl --version\n"
        + "\n".join("  " + line + "  " for line in _lines("en-US"))
        + "``\nPS C:\\Users\\me>\n```\n"
    )
    report = parse_version_output(clean_paste(pasted))
    _expect(report, "en-US")
    assert report.warnings == ()


# ---------------------------------------------------------------------------------------
# decode_wsl_bytes and read_version_file
# ---------------------------------------------------------------------------------------


def test_decode_newlines() -> None:
    assert decode_wsl_bytes(b"a\r\nb\r\r\nc\rd\n") == "a\nb\nc\nd\n"


def test_decode_utf8_with_a_few_nuls_is_not_taken_for_utf16() -> None:
    text = "Версия WSL: 2.6.3.0\r\nВерсия ядра: 6.6.87.2-1\r\n"
    data = text.encode() + b"\x00"
    assert decode_wsl_bytes(data) == text.replace("\r\n", "\n")


def test_decode_cjk_utf16_without_bom() -> None:
    text = _full("ja-JP")
    assert decode_wsl_bytes(_wsl_bytes(text, "utf-16-le")) == text


def test_decode_never_raises_on_junk() -> None:
    assert isinstance(decode_wsl_bytes(bytes(range(256)) * 3), str)
    assert isinstance(decode_wsl_bytes(b"\xff\xfe\x00\xd8"), str)  # lone surrogate after a BOM
    assert decode_wsl_bytes(b"") == ""


def test_read_version_file_utf16_capture(tmp_path: Path) -> None:
    path = tmp_path / "wsl-version.txt"
    path.write_bytes(_wsl_bytes("PS C:\\> wsl --version\n" + _full("de-DE"), "utf-16-le"))
    _expect(read_version_file(path), "de-DE")
    _expect(read_version_file(str(path)), "de-DE")


def test_read_version_file_missing_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(errors.UsageError, match="cannot read the wsl --version file") as info:
        read_version_file(tmp_path / "nope.txt")
    assert info.value.exit_code == errors.ExitCode.USAGE


# ---------------------------------------------------------------------------------------
# Rules pinned one by one (the mutation run of version_report.py found them untested)
# ---------------------------------------------------------------------------------------

RUN_IT_FIX = (
    "run `wsl --version` in a terminal: its first line must be the WSL version (e.g. 'WSL version: 2.9.4.0'); "
    "a saved copy must hold its complete output"
)


def test_printed_nothing_says_so_and_how_to_get_the_output() -> None:
    with pytest.raises(errors.WslError) as info:
        parse_version_output("\r\n \n")
    assert (info.value.message, info.value.fix) == ("`wsl --version` printed nothing", RUN_IT_FIX)


def test_first_line_without_a_wsl_version_is_shown_whole_up_to_80_characters() -> None:
    """The offending first line is quoted as repr(); longer than 80 characters, cut to 77 + "..."."""
    for length, shown in ((80, "x" * 80), (81, "x" * 77 + "..."), (300, "x" * 77 + "...")):
        with pytest.raises(errors.WslError) as info:
            parse_version_output("x" * length + "\nKernel version: 6.18.26.3-1")
        assert info.value.message == f"`wsl --version` printed no WSL version on its first line: {shown!r}"
        assert info.value.fix == RUN_IT_FIX
    with pytest.raises(errors.WslError) as info:
        parse_version_output("WSL version: 2.x.x.x\nKernel version: 6.18.26.3-1")  # corpus 030: a placeholder
    assert info.value.message == "`wsl --version` printed no WSL version on its first line: 'WSL version: 2.x.x.x'"


def test_kernel_line_first_names_line_1_not_line_2() -> None:
    """wsl-source.md §3: line 1 is the WSL line; a paste that starts at the kernel line fails closed."""
    with pytest.raises(errors.WslError) as info:
        parse_version_output("Kernel version: 5.15.90.1\nWSLg version: 1.0.51")
    assert not isinstance(info.value, WslNotInstalledError)
    assert info.value.message == (
        "the WSL version line is missing: line 1 is the kernel line 'Kernel version: 5.15.90.1'"
    )
    assert info.value.fix == RUN_IT_FIX


def test_one_label_is_enough_to_name_the_language() -> None:
    """Corpus 053 is cut after 3 lines; a paste of the WSL line alone still names its language."""
    report = parse_version_output("WSL-Version: 2.9.4.0")
    assert (report.wsl, report.language, report.warnings) == ("2.9.4.0", "de-DE", ())
    report = parse_version_output("Wersja WSL: 2.9.4.0")  # Polish: not in the table
    assert report.language is None
    assert report.warnings == ("label of line 1 is not a WSL label in any known language",)


def test_a_label_is_compared_whole_only_colon_and_spacing_dropped() -> None:
    """'WSL version X:' is not en-US 'WSL version:' (a trailing X is part of the label)."""
    report = parse_version_output("WSL version X: 2.9.4.0\nKernel version: 6.18.35.2-1")
    assert report.warnings == ("label of line 1 is not a WSL label in any known language",)
    report = parse_version_output("WSL version : 2.9.4.0\nKernel  version： 6.18.35.2-1")
    assert (report.language, report.warnings) == ("en-US", ())


def test_several_missing_lines_are_all_named() -> None:
    """A label further down (here Direct3D on line 3) moves the line there; the lines skipped are named."""
    text = "WSL version: 2.9.4.0\nKernel version: 6.18.35.2-1\nDirect3D version: 1.611.1-81528511"
    report = parse_version_output(text)
    assert report[:7] == ("2.9.4.0", "6.18.35.2-1", None, None, "1.611.1-81528511", None, None)
    assert report.warnings == ("line 3 is the Direct3D line by its label; no WSLg, MSRDC line before it",)


def test_a_line_without_version_or_known_label_is_skipped_not_the_end() -> None:
    """Corpus 056: a "..." in the middle is skipped with a warning; the lines after it are still read."""
    long_remark = "(the rest of the output was cut here by the reporter)"
    text = f"WSL version: 2.9.4.0\nKernel version: 6.18.35.2-1\n...\n{long_remark}\nWSLg version: 1.0.79"
    report = parse_version_output(text)
    assert report[:3] == ("2.9.4.0", "6.18.35.2-1", "1.0.79")
    assert report.warnings == (
        "line 3 has no version; ignored: '...'",
        f"line 4 has no version; ignored: {long_remark[:37] + '...'!r}",
    )
    assert len(long_remark) > 40


@needs_corpus
def test_corpus_056_ellipsis_line_warning() -> None:
    report = read_version_file(CORPUS / "056.txt")
    assert report.warnings == (
        "line 4 has no version; ignored: '...'",
        "line 5 is the Windows line by its label; no MSRDC, Direct3D, DXCore line before it",
    )


def test_a_known_label_without_its_version_keeps_its_place() -> None:
    """'Kernel version:' with nothing after it is still the kernel line: the WSLg line stays third."""
    report = parse_version_output("WSL version: 2.9.4.0\nKernel version:\nWSLg version: 1.0.79")
    assert report[:3] == ("2.9.4.0", None, "1.0.79")
    assert report.warnings == ("line 2 (kernel) has no version",)


@needs_corpus
def test_corpus_kernel_patch_warning_is_seen_only_where_it_is() -> None:
    """read_version_file reports the service's kernel-patch warning (translations.SWIOTLB_KERNEL_UNSUPPORTED)
    from anywhere in the saved copy, and only when it is there."""
    assert read_version_file(CORPUS / "019.txt").kernel_patch_warning is False


def test_kernel_patch_warning_before_the_output(tmp_path: Path) -> None:
    warning = (
        "The running kernel is missing a patch that significantly improves virtio device performance. "
        "Update to a more recent WSL kernel to enable this optimization."
    )
    path = tmp_path / "v.txt"
    path.write_bytes(_wsl_bytes(warning + "\n" + _full("en-US"), "utf-16-le"))
    report = read_version_file(path)
    assert report.kernel_patch_warning is True
    _expect(report, "en-US")
    path.write_bytes(_wsl_bytes(_full("en-US"), "utf-16-le"))
    assert read_version_file(path).kernel_patch_warning is False


# --- the inbox wsl.exe's answer ----------------------------------------------------------


def test_inbox_usage_line_is_looked_for_in_the_first_12_lines_only() -> None:
    usage = "Syntaxe : wsl.exe [Argument] [Options...] [CommandLine]"
    filler = [f"Option inconnue {n}" for n in range(11)]
    with pytest.raises(WslNotInstalledError):
        parse_version_output("\n".join([*filler, usage]))  # line 12
    with pytest.raises(errors.WslError) as info:
        parse_version_output("\n".join([*filler, "autre", usage]))  # line 13
    assert not isinstance(info.value, WslNotInstalledError)


def test_inbox_usage_line_wrapped_by_a_narrow_console() -> None:
    """The lines are searched as one text: a usage line broken before [CommandLine] is still the usage."""
    with pytest.raises(WslNotInstalledError):
        parse_version_output("Option inconnue : --version\nSyntaxe : wsl.exe [Argument] [Options...]\n[CommandLine]")


# --- clean_paste ----------------------------------------------------------------------------


def test_clean_paste_removes_nuls_and_boms() -> None:
    """UTF-16LE read one byte at a time leaves a NUL after each ASCII character; a BOM may open it."""
    as_bytes = "WSL version: 2.8.9.0\r\n".encode("utf-16-le").decode("latin-1")
    assert clean_paste(as_bytes) == "WSL version: 2.8.9.0"
    assert clean_paste("\ufeffWSL version: 2.8.9.0\n\ufeffKernel version: 6.18.26.3-1") == (
        "WSL version: 2.8.9.0\nKernel version: 6.18.26.3-1"
    )


def test_clean_paste_starts_at_an_unlabelled_wsl_version() -> None:
    """No known WSL label anywhere: the text starts at the first line ending in a WSL version."""
    text = "My machine:\nWersja WSL: 2.9.4.0\nWersja jądra: 6.18.35.2-1\nWersja WSL: 2.8.9.0"
    assert clean_paste(text) == "Wersja WSL: 2.9.4.0\nWersja jądra: 6.18.35.2-1\nWersja WSL: 2.8.9.0"
    assert clean_paste("My machine:\n2.9.4.0\n6.18.35.2-1") == "2.9.4.0\n6.18.35.2-1"


def test_clean_paste_fences_glued_to_the_output() -> None:
    """A fence with an info string alone on a line goes; a fence glued to a line of output is cut off."""
    glued = "```WSL version: 2.8.9.0\nKernel version: 6.18.26.3-1\nWSLg version: 1.0.77 ```"
    assert clean_paste(glued) == BLOCK
    assert clean_paste(BLOCK + "\n```text\n") == BLOCK
    assert clean_paste("```text\n" + BLOCK) == BLOCK


def test_clean_paste_unspaces_the_shortest_spaced_version() -> None:
    """A 9-character spaced line ("1 . 2 . 3") is the shortest that can be UTF-16 with NULs as blanks."""
    assert clean_paste("1 . 2 . 3") == "1.2.3"
    assert clean_paste("1 . 2 . ") == "1 . 2 ."


@pytest.mark.parametrize("sep", ["-", "\t", "X"])
def test_clean_paste_unspaces_blanks_only(sep: str) -> None:
    """Only blanks (how a code page shows the NULs of UTF-16LE) are taken back out; other separators stay."""
    line = sep.join("WSL version: 2.9.4.0")
    assert clean_paste(line) == line.strip()
    assert clean_paste(" ".join("WSL version: 2.9.4.0")) == "WSL version: 2.9.4.0"


def test_clean_paste_keeps_a_line_that_is_no_version_even_spaced() -> None:
    """Even positions must read as a version and the line as it stands must not: 1a.b2c.d3 stays."""
    assert clean_paste("1a.b2c.d3") == "1a.b2c.d3"


# --- read_version_file: a regular file, read with a bound ------------------------------------

SAVE_FIX = "save the output of `wsl --version` to a file: wsl --version > wsl-version.txt"


def test_read_version_file_refuses_a_directory_and_a_fifo(tmp_path: Path) -> None:
    paths = [tmp_path]
    if hasattr(os, "mkfifo"):  # POSIX: a FIFO would block the read until a writer comes
        os.mkfifo(tmp_path / "fifo")
        paths.append(tmp_path / "fifo")
    for path in paths:
        with pytest.raises(errors.UsageError) as info:
            read_version_file(path)
        assert info.value.message == f"the wsl --version file {str(path)!r} is not a regular file"
        assert info.value.fix == SAVE_FIX


@pytest.mark.skipif(not hasattr(signal, "setitimer") or not hasattr(os, "mkfifo"), reason="POSIX FIFOs and timers")
def test_read_version_file_refuses_a_fifo_swapped_in_after_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A FIFO put in place between stat and open: O_NONBLOCK opens it without a writer, fstat refuses it."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    regular = os.stat(__file__)
    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: regular if str(p) == str(fifo) else real_stat(p, *a, **k))

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("open() blocked on the FIFO")

    old = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, 2.0)
    try:
        with pytest.raises(errors.UsageError) as info:
            read_version_file(fifo)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert info.value.message == f"the wsl --version file {str(fifo)!r} is not a regular file"
    assert info.value.fix == SAVE_FIX


@pytest.mark.parametrize("windows", [False, True])
def test_read_version_file_open_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, windows: bool) -> None:
    """os.open gets O_RDONLY | O_NONBLOCK on POSIX; on Windows (no O_NONBLOCK there) O_RDONLY | O_BINARY:
    the CRT's default text mode would turn CRLF into LF and stop at the first Ctrl-Z (_open docs)."""
    binary = getattr(os, "O_BINARY", 0x8000)  # _O_BINARY of the Windows CRT
    real_binary = hasattr(os, "O_BINARY")
    if windows:
        monkeypatch.delattr(os, "O_NONBLOCK", raising=False)
        monkeypatch.setattr(os, "O_BINARY", binary, raising=False)
        expected = os.O_RDONLY | binary
    elif not hasattr(os, "O_NONBLOCK"):
        pytest.skip("POSIX flags")
    else:
        monkeypatch.delattr(os, "O_BINARY", raising=False)
        expected = os.O_RDONLY | os.O_NONBLOCK
    seen: list[int] = []
    real_open = os.open

    def recording_open(path: str, flags: int, *args: int) -> int:
        seen.append(flags)
        return real_open(path, flags if real_binary else flags & ~binary, *args)

    monkeypatch.setattr(os, "open", recording_open)
    path = tmp_path / "v.txt"
    path.write_bytes(_wsl_bytes(_full("en-US"), "utf-16-le"))
    _expect(read_version_file(path), "en-US")
    assert seen == [expected]


def test_read_version_file_cap_is_exactly_1_mb(tmp_path: Path) -> None:
    """policy_toml.MAX_BYTES (1 MiB) is allowed; one byte more is a usage error, never a truncated read."""
    from wslconfig_assistant.compliance.policy_toml import MAX_BYTES

    body = _full("en-US").rstrip("\n").encode()
    path = tmp_path / "v.txt"
    # One long blank line before the output; the last byte is the Windows version's last digit.
    path.write_bytes(b" " * (MAX_BYTES - len(body) - 1) + b"\n" + body)
    assert path.stat().st_size == MAX_BYTES
    _expect(read_version_file(path), "en-US")
    path.write_bytes(b" " * (MAX_BYTES - len(body)) + b"\n" + body)
    with pytest.raises(errors.UsageError) as info:
        read_version_file(path)
    assert info.value.message == (
        f"the wsl --version file {str(path)!r} is larger than 1 MB (`wsl --version` prints a few hundred bytes)"
    )
    assert info.value.fix == SAVE_FIX


def test_read_version_file_reads_at_most_one_byte_past_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A size the file system reports wrongly (or too large) never makes it read more than MAX_BYTES + 1."""
    import io

    from wslconfig_assistant.compliance.policy_toml import MAX_BYTES
    from wslconfig_assistant.wsl import version_report

    reads: list[int | None] = []

    class Recording(io.FileIO):
        def read(self, size: int | None = -1) -> bytes:
            reads.append(size)
            return super().read(-1 if size is None else size)

    monkeypatch.setattr(version_report, "open", lambda fd, mode: Recording(fd, "rb"), raising=False)
    path = tmp_path / "v.txt"
    path.write_bytes(b"x" * (MAX_BYTES + 100))
    with pytest.raises(errors.UsageError, match="larger than 1 MB"):
        read_version_file(path)
    assert reads == []  # its size says too large: not read at all
    regular = os.stat(__file__)
    small = os.stat_result((*regular[:6], 10, *regular[7:]))  # a regular file whose st_size says 10 bytes
    monkeypatch.setattr(os, "fstat", lambda fd: small)
    with pytest.raises(errors.UsageError, match="larger than 1 MB"):
        read_version_file(path)
    assert reads == [MAX_BYTES + 1]


def test_read_version_file_unreadable_names_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(FileNotFoundError) as os_error:
        os.stat(path)
    with pytest.raises(errors.UsageError) as info:
        read_version_file(path)
    # The OS's reason ("No such file or directory"), not Python's "[Errno 2] ..." form.
    assert info.value.message == f"cannot read the wsl --version file {str(path)!r}: {os_error.value.strerror}"
    assert info.value.fix == "save the output of `wsl --version` to a readable file"
