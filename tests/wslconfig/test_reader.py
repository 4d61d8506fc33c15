"""reader.parse: WSL's .wslconfig state machine, character for character.

Every bullet of wsl-reader-surprises.md (escapes, quoting, blanks, line numbers,
sections, names, line ends, Ctrl-Z, NUL, U+FFFF) has a test here, plus a differential
test against a small independent model of the documented state machine
(wsl-source.md §2), run over many random inputs.
"""

from __future__ import annotations

import random
import string

import pytest

from wslconfig_assistant.wslconfig import reader
from wslconfig_assistant.wslconfig.encoding import decode


def parse(text: str) -> reader.ParseResult:
    return reader.parse(text)


def entries(text: str) -> list[tuple[str, str, int]]:
    return [(e.name, e.value, e.line) for e in parse(text).entries]


def problems(text: str) -> list[tuple[str, int]]:
    return [(p.kind, p.line) for p in parse(text).problems]


def only_entry(text: str) -> reader.Entry:
    result = parse(text)
    assert len(result.entries) == 1, result
    return result.entries[0]


def value_of(text: str) -> str:
    return only_entry(text).value


# ---------------------------------------------------------------------------------------
# Escapes and quoting
# ---------------------------------------------------------------------------------------


def test_single_backslash_kills_the_line() -> None:
    text = "[wsl2]\nkernel=C:\\Users\\me\\bzImage\nmemory=4GB\n"
    result = parse(text)
    assert [(p.kind, p.line, p.detail) for p in result.problems] == [("invalid-escape", 2, "U")]
    assert [(e.name, e.value, e.line) for e in result.entries] == [("wsl2.memory", "4GB", 3)]


def test_backslash_t_in_a_path_silently_becomes_a_tab() -> None:
    text = "[wsl2]\nswapFile=C:\\temp\\\\swap.vhdx\n"
    assert entries(text) == [("wsl2.swapFile", "C:\temp\\swap.vhdx", 2)]
    assert value_of(text) == "C:" + "\t" + "emp" + "\\" + "swap.vhdx"
    assert problems(text) == []


def test_backslash_n_and_b_silently_become_newline_and_backspace() -> None:
    text = "[wsl2]\nkernel=C:\\new\\bzImage\n"
    assert value_of(text) == "C:" + "\n" + "ew" + "\b" + "zImage"
    assert problems(text) == []


@pytest.mark.parametrize(
    ("escape", "result"), [("\\\\", "\\"), ('\\"', '"'), ("\\b", "\b"), ("\\n", "\n"), ("\\t", "\t")]
)
def test_the_five_valid_escapes(escape: str, result: str) -> None:
    assert value_of(f"[wsl2]\nkernelCommandLine=a{escape}z\n") == f"a{result}z"


INVALID_ESCAPES = sorted(set(string.printable) - set('\\"bnt\r\n') - {"\x0b", "\x0c"})


@pytest.mark.parametrize("char", INVALID_ESCAPES)
def test_every_other_escape_is_invalid_and_drops_the_line(char: str) -> None:
    result = parse(f"[wsl2]\nkernelCommandLine=a\\{char}z\nswap=0\n")
    assert [(p.kind, p.line, p.detail) for p in result.problems] == [("invalid-escape", 2, char)]
    assert [(e.name, e.line) for e in result.entries] == [("wsl2.swap", 3)]


def test_invalid_escape_inside_quotes_too() -> None:
    assert problems('[wsl2]\nkernelCommandLine="a\\qb"\n') == [("invalid-escape", 2)]


def test_backslash_at_end_of_file_is_invalid_escape_and_drops_its_line() -> None:
    result = parse("[wsl2]\nmemory=4GB\nswap=2GB\\")
    assert [(p.kind, p.line, p.detail) for p in result.problems] == [("invalid-escape", 3, "")]
    assert [e.name for e in result.entries] == ["wsl2.memory"]


def test_backslash_then_lone_cr_is_silently_removed() -> None:
    text = "[wsl2]\nkernelCommandLine=ab\\\rcd\nmemory=1GB\n"
    assert entries(text) == [("wsl2.kernelCommandLine", "abcd", 2), ("wsl2.memory", "1GB", 3)]
    assert problems(text) == []


def test_backslash_then_crlf_is_a_continuation() -> None:
    text = "[wsl2]\r\nkernelCommandLine=ab\\\r\ncd\r\nmemory=1GB\r\n"
    assert entries(text) == [("wsl2.kernelCommandLine", "abcd", 3), ("wsl2.memory", "1GB", 4)]


def test_quotes_toggle_anywhere_and_are_removed() -> None:
    assert value_of('[wsl2]\nkernelCommandLine=a"b c"d\n') == "ab cd"
    assert value_of('[wsl2]\nkernelCommandLine="a""b"\n') == "ab"
    assert value_of('[wsl2]\nkernelCommandLine=""\n') == ""


def test_hash_inside_quotes_is_literal_and_outside_starts_a_comment() -> None:
    text = '[wsl2]\nkernelCommandLine="a # b" # c\nswap=0 #x\n'
    assert entries(text) == [("wsl2.kernelCommandLine", "a # b", 2), ("wsl2.swap", "0", 3)]


def test_hash_right_after_the_value_ends_it() -> None:
    assert value_of("[wsl2]\nmemory=4GB#comment\n") == "4GB"


def test_escaped_quote_does_not_toggle() -> None:
    assert value_of('[wsl2]\nkernelCommandLine=say \\"hi # there\\"\n') == 'say "hi'


def test_unterminated_quote_drops_the_line_with_expected_quote() -> None:
    result = parse('[wsl2]\nkernelCommandLine="abc\nmemory=4GB\n')
    assert [(p.kind, p.line) for p in result.problems] == [("expected-quote", 2)]
    assert [e.name for e in result.entries] == ["wsl2.memory"]


def test_unterminated_quote_ended_by_lone_cr_swallows_up_to_the_next_lf() -> None:
    # The value ends at the CR, but the skipped invalid line runs to the LF.
    text = '[wsl2]\nvmSwitch="abc\rmemory=4GB\nswap=0\n'
    assert problems(text) == [("expected-quote", 2)]
    assert entries(text) == [("wsl2.swap", "0", 3)]


def test_quote_may_span_a_continuation() -> None:
    assert entries('[wsl2]\nkernelCommandLine="a \\\n b"\n') == [("wsl2.kernelCommandLine", "a  b", 3)]


# ---------------------------------------------------------------------------------------
# Blank trimming
# ---------------------------------------------------------------------------------------


def test_blanks_after_value_are_trimmed_and_blanks_in_quotes_kept() -> None:
    assert value_of("[wsl2]\nmemory = \t4GB \t \n") == "4GB"
    assert value_of('[wsl2]\nkernelCommandLine=" x "\n') == " x "
    assert value_of('[wsl2]\nkernelCommandLine=" x "   \n') == " x "
    assert value_of('[wsl2]\nkernelCommandLine=a" "\n') == "a "


def test_blanks_inside_an_unquoted_value_are_kept() -> None:
    assert value_of("[wsl2]\nkernelCommandLine=a  \t b\n") == "a  \t b"


def test_continuation_keeps_spaces_before_backslash_and_next_line_indentation() -> None:
    text = "[wsl2]\nkernelCommandLine=console=ttyS0 \\\n    loglevel=7\n"
    entry = only_entry(text)
    assert entry.value == "console=ttyS0     loglevel=7"
    assert (entry.first_line, entry.line) == (2, 3)


def test_continuation_into_a_hash_line_makes_it_a_comment() -> None:
    text = "[wsl2]\nkernelCommandLine=x \\\n# y\nmemory=4GB\n"
    assert entries(text) == [("wsl2.kernelCommandLine", "x ", 3), ("wsl2.memory", "4GB", 4)]
    assert problems(text) == []


def test_continuation_onto_a_blank_next_line_trims_nothing_before_the_backslash() -> None:
    assert entries("[wsl2]\nkernelCommandLine=x \\\n   \nswap=0\n") == [
        ("wsl2.kernelCommandLine", "x ", 3),
        ("wsl2.swap", "0", 4),
    ]


# ---------------------------------------------------------------------------------------
# Line numbers and duplicates (the reader reports every occurrence, in order)
# ---------------------------------------------------------------------------------------


def test_warning_line_is_the_last_physical_line_of_a_continued_value() -> None:
    entry = only_entry("[wsl2]\nmemory=4\\\nXB\n")
    assert (entry.value, entry.first_line, entry.line) == ("4XB", 2, 3)


def test_invalid_escape_after_a_continuation_is_reported_on_the_later_line() -> None:
    assert problems("[wsl2]\nkernelCommandLine=a\\\nb\\q\nswap=0\n") == [("invalid-escape", 3)]


def test_lines_after_a_continuation_keep_counting() -> None:
    text = "[wsl2]\nkernelCommandLine=a\\\nb\\\nc\nmemory=1GB\n"
    assert entries(text) == [("wsl2.kernelCommandLine", "abc", 4), ("wsl2.memory", "1GB", 5)]


def test_every_occurrence_is_reported_in_file_order() -> None:
    text = "[wsl2]\nmemory=4gb\nmemory=4GB\n[experimental]\nnetworkingMode=mirrored\n[wsl2]\nnetworkingMode=nat\n"
    assert entries(text) == [
        ("wsl2.memory", "4gb", 2),
        ("wsl2.memory", "4GB", 3),
        ("experimental.networkingMode", "mirrored", 5),
        ("wsl2.networkingMode", "nat", 7),
    ]


def test_trailing_comments_do_not_shift_line_numbers() -> None:
    text = "[wsl2] # a\nmemory=1GB # b\nswap=0\n# c\nprocessors=2"
    assert entries(text) == [("wsl2.memory", "1GB", 2), ("wsl2.swap", "0", 3), ("wsl2.processors", "2", 5)]


# ---------------------------------------------------------------------------------------
# Sections and key names
# ---------------------------------------------------------------------------------------


def test_rejected_header_keeps_the_previous_section() -> None:
    text = "[wsl2]\n[wsl2_settings]\nmemory=4GB\n"
    result = parse(text)
    assert [(p.kind, p.line) for p in result.problems] == [("expected-bracket", 2)]
    assert [(e.name, e.garbled_by, e.section_line) for e in result.entries] == [("wsl2.memory", None, 1)]


def test_rejected_header_garbles_the_prefix_with_nul_padding() -> None:
    result = parse("[experimental]\n[wsl2-vm]\nmemory=4GB\n")
    assert [(p.kind, p.line) for p in result.problems] == [("expected-bracket", 2)]
    entry = result.entries[0]
    assert entry.name == "wsl2"  # "wsl2" + 8 NULs + ".memory", as C sees it
    assert entry.garbled_by == 2
    assert entry.section_line == 1


def test_rejected_header_shorter_than_the_section_cuts_the_name() -> None:
    result = parse("[general]\n[ab-c]\nmemory=4GB\n")
    assert [e.name for e in result.entries] == ["ab"]
    assert result.entries[0].garbled_by == 2


def test_rejected_header_longer_than_the_section_is_truncated() -> None:
    assert [e.name for e in parse("[wsl2]\n[experimental-x]\nmemory=4GB\n").entries] == ["expe.memory"]


def test_wslg_section_breaks_the_header() -> None:
    text = "[wsl2]\n[system-distro-env]\nWESTON_RDP_DEBUG_DESKTOP_SCALING_FACTOR=150\nmemory=4GB\n"
    assert problems(text) == [("expected-bracket", 2), ("expected-equals", 3)]
    assert entries(text) == [("syst.memory", "4GB", 4)]


def test_garbling_lasts_until_the_next_valid_header() -> None:
    text = "[experimental]\n[wsl2-vm]\nmemory=4GB\nswap=0\n[wsl2]\nmemory=2GB\n"
    result = parse(text)
    assert [(e.name, e.garbled_by) for e in result.entries] == [("wsl2", 2), ("wsl2", 2), ("wsl2.memory", None)]


def test_header_with_junk_after_bracket_is_rejected_whole() -> None:
    result = parse("[experimental]\n[wsl2] x\nmemory=4GB\n")
    assert [(p.kind, p.line, p.detail) for p in result.problems] == [("expected-eol", 2, "x")]
    assert [e.name for e in result.entries] == ["wsl2"]  # not wsl2.memory


def test_header_with_junk_at_the_top_leaves_keys_outside_any_section() -> None:
    result = parse("[wsl2] x\nmemory=4GB\n")
    assert [(p.kind, p.line) for p in result.problems] == [("expected-eol", 1)]
    assert [(e.name, e.section_line) for e in result.entries] == [("memory", None)]


def test_header_followed_by_blanks_and_comment_is_valid() -> None:
    result = parse("[wsl2] \t # note\nmemory=4GB\n")
    assert result.problems == []
    assert [(h.name, h.valid, h.line) for h in result.headers] == [("wsl2", True, 1)]
    assert entries("[wsl2] \t # note\nmemory=4GB\n") == [("wsl2.memory", "4GB", 2)]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("[ wsl2]", "invalid-section"),
        ("[]", "invalid-section"),
        ("[1wsl]", "invalid-section"),
        ("[wsl2", "expected-bracket"),
        ("[wsl 2]", "expected-bracket"),
        ("[wsl2 ]", "expected-bracket"),
        ("[wsl.2]", "expected-bracket"),
        ("[wsl2]]", "expected-eol"),
        ("[wsl2];", "expected-eol"),
    ],
)
def test_bad_headers(header: str, kind: str) -> None:
    result = parse(f"{header}\nmemory=4GB\n")
    assert [(p.kind, p.line) for p in result.problems] == [(kind, 1)]
    assert [h.valid for h in result.headers] == [False]


def test_section_names_may_repeat() -> None:
    text = "[wsl2]\nmemory=1GB\n[experimental]\nsparseVhd=true\n[WSL2]\nswap=0\n"
    assert [e.name for e in parse(text).entries] == ["wsl2.memory", "experimental.sparseVhd", "WSL2.swap"]


def test_semicolon_is_not_a_comment() -> None:
    result = parse("[wsl2]\n; memory=2GB\n")
    assert [(p.kind, p.line, p.detail) for p in result.problems] == [("invalid-key", 2, ";")]
    assert result.entries == []


def test_key_before_any_section_has_no_prefix() -> None:
    result = parse("memory=17825792000\n[wsl2]\nswap=0\n")
    assert [(e.name, e.section_line) for e in result.entries] == [("memory", None), ("wsl2.swap", 2)]


@pytest.mark.parametrize(
    "line", ["networking_mode=nat", "vm-idle-timeout=1", "wsl2.memory=4GB", "mémory=4GB", "memory 4GB"]
)
def test_names_are_ascii_letters_and_digits_only(line: str) -> None:
    result = parse(f"[wsl2]\n{line}\nswap=0\n")
    assert [(p.kind, p.line) for p in result.problems] == [("expected-equals", 2)]
    assert [e.name for e in result.entries] == ["wsl2.swap"]


@pytest.mark.parametrize(
    "first", ["1memory=4GB", "_memory=4GB", "=4GB", "émemory=4GB", '"memory"=4GB', "\x00memory=4GB"]
)
def test_line_not_starting_with_a_letter_is_an_invalid_key(first: str) -> None:
    assert problems(f"[wsl2]\n{first}\nswap=0\n") == [("invalid-key", 2)]


def test_blanks_around_equals_and_indentation_are_allowed() -> None:
    assert entries("[wsl2]\n \t memory \t = \t 4GB\n") == [("wsl2.memory", "4GB", 2)]
    assert entries("\t[wsl2]\nmemory=4GB\n") == [("wsl2.memory", "4GB", 2)]


def test_key_case_is_kept_as_typed() -> None:
    assert [e.name for e in parse("[WSL2]\nMEMORY=4GB\n").entries] == ["WSL2.MEMORY"]


def test_digits_in_names() -> None:
    assert [e.name for e in parse("[wsl2]\nvirtio9p=true\n").entries] == ["wsl2.virtio9p"]


# ---------------------------------------------------------------------------------------
# Line ends: CRLF, lone CR, Ctrl-Z, NUL, U+FFFF
# ---------------------------------------------------------------------------------------


def test_crlf_reads_like_lf() -> None:
    lf = "# c\n[wsl2]\nmemory=4GB # x\n\nswap=0\n"
    assert entries(lf.replace("\n", "\r\n")) == entries(lf) == [("wsl2.memory", "4GB", 3), ("wsl2.swap", "0", 5)]


def test_lone_cr_ends_a_value_and_a_header() -> None:
    text = "[wsl2]\rmemory=4GB\rswap=1GB\rprocessors=2\n"
    assert entries(text) == [("wsl2.memory", "4GB", 2), ("wsl2.swap", "1GB", 3), ("wsl2.processors", "2", 4)]


def test_lone_cr_does_not_end_a_comment() -> None:
    text = "[wsl2]\n# c\rmemory=4GB\nswap=0\n"
    assert entries(text) == [("wsl2.swap", "0", 3)]


def test_lone_cr_in_a_comment_swallows_the_next_character_only_as_part_of_the_comment() -> None:
    text = "[wsl2]\rmemory=4GB\rswap=1GB\r# c\rprocessors=2\r\nvirtiofs=true\n"
    assert entries(text) == [("wsl2.memory", "4GB", 2), ("wsl2.swap", "1GB", 3), ("wsl2.virtiofs", "true", 5)]


def test_lone_cr_does_not_end_an_invalid_line() -> None:
    text = "[wsl2]\nbogus line\rmemory=4GB\nswap=0\n"
    assert problems(text) == [("expected-equals", 2)]
    assert entries(text) == [("wsl2.swap", "0", 3)]


def test_blank_line_of_lone_cr_is_not_counted() -> None:
    text = "[wsl2]\n\r\r  \r\t\rmemory=4GB\n"
    assert entries(text) == [("wsl2.memory", "4GB", 2)]


def test_cr_cr_lf_counts_two_lines_after_a_value() -> None:
    assert entries("[wsl2]\r\nswap=1GB\r\r\nmemory=4GB\r\n") == [("wsl2.swap", "1GB", 2), ("wsl2.memory", "4GB", 4)]


def test_cr_cr_lf_counts_one_line_inside_a_comment() -> None:
    assert entries("[wsl2]\r\n# c\r\r\nmemory=4GB\r\n") == [("wsl2.memory", "4GB", 3)]


def test_cr_cr_lf_on_a_blank_line_counts_once() -> None:
    assert entries("[wsl2]\r\n\r\r\nmemory=4GB\r\n") == [("wsl2.memory", "4GB", 3)]


def test_old_mac_file_first_comment_swallows_the_rest() -> None:
    text = "[wsl2]\rmemory=4GB\r# comment\rswap=0\rprocessors=2\r"
    assert entries(text) == [("wsl2.memory", "4GB", 2)]
    assert problems(text) == []


def test_ctrl_z_ends_the_file() -> None:
    text = "[wsl2]\r\nmemory=4GB\r\n\x1a\r\nvirtiofs=true\r\n"
    result = parse(text)
    assert [(e.name, e.line) for e in result.entries] == [("wsl2.memory", 2)]
    assert result.ignored_from == text.index("\x1a")


def test_ctrl_z_in_the_middle_of_a_value_ends_it() -> None:
    result = parse("[wsl2]\nmemory=4GB\x1ajunk\n")
    assert [(e.name, e.value, e.terminated) for e in result.entries] == [("wsl2.memory", "4GB", False)]


def test_no_ctrl_z_means_nothing_is_ignored() -> None:
    assert parse("[wsl2]\nmemory=4GB\n").ignored_from is None


def test_nul_is_kept_in_the_reader_value_for_the_c_string_cut_later() -> None:
    # The reader keeps what WSL's std::string holds; values.wsl_cstring cuts at the NUL.
    assert value_of("[wsl2]\nmemory=4GB\x00junk\n") == "4GB\x00junk"


def test_nul_in_a_key_name_ends_the_name() -> None:
    assert problems("[wsl2]\nmem\x00ory=4GB\n") == [("expected-equals", 2)]


def test_u_ffff_is_a_silent_line_break_in_a_value() -> None:
    text = "[wsl2]\nmemory=4GB\uffffswap=1GB\nprocessors=2\n"
    assert entries(text) == [("wsl2.memory", "4GB", 2), ("wsl2.swap", "1GB", 3), ("wsl2.processors", "2", 4)]
    assert problems(text) == []


def test_u_ffff_ends_a_header_and_an_invalid_line() -> None:
    text = "[wsl2]\uffffmemory=4GB\nbogus\uffffswap=0\n"
    assert entries(text) == [("wsl2.memory", "4GB", 2), ("wsl2.swap", "0", 4)]
    assert problems(text) == [("expected-equals", 3)]


def test_u_ffff_on_its_own_is_skipped() -> None:
    assert entries("\uffff[wsl2]\n\uffff\uffffmemory=4GB\n") == [("wsl2.memory", "4GB", 2)]


def test_u_ffff_ends_a_comment() -> None:
    # WSL's comment loop stops at WEOF, and U+FFFF is WEOF: the rest of that physical
    # line is read as a new line, on the same line number (no LF was seen).
    assert entries("[wsl2]\n# note\uffffmemory=4GB\nswap=1GB\n") == [("wsl2.memory", "4GB", 2), ("wsl2.swap", "1GB", 3)]


def test_u_ffff_ends_a_trailing_comment() -> None:
    assert entries("[wsl2] # c\uffffmemory=4GB\nswap=1GB\n") == [("wsl2.memory", "4GB", 1), ("wsl2.swap", "1GB", 2)]


def test_invalid_escape_of_u_ffff_skips_the_rest_of_the_line() -> None:
    # The skipped invalid line starts from the backslash (ch), not from the escaped
    # character, so the U+FFFF already consumed does not end it.
    text = "[wsl2]\nkernelCommandLine=a\\\uffffmemory=4GB\nswap=1GB\n"
    assert problems(text) == [("invalid-escape", 2)]
    assert entries(text) == [("wsl2.swap", "1GB", 3)]


def test_bom_is_not_part_of_the_text_but_a_second_bom_is() -> None:
    tf = decode(b"\xef\xbb\xbf\xef\xbb\xbf[wsl2]\nmemory=4GB\n")
    assert tf.wsl_text is not None
    result = reader.parse(tf.wsl_text)
    assert [(p.kind, p.line, p.detail) for p in result.problems] == [("invalid-key", 1, "\ufeff")]
    assert [(e.name, e.line) for e in result.entries] == [("memory", 2)]


def test_empty_and_comment_only_texts() -> None:
    for text in ("", "\n", "\r\n", "# only\n", "   \t", "#", "\r", "\uffff"):
        result = parse(text)
        assert (result.entries, result.problems, result.headers) == ([], [], []), repr(text)


# ---------------------------------------------------------------------------------------
# Source spans (what edits splice)
# ---------------------------------------------------------------------------------------


def test_entry_offsets_point_into_the_text() -> None:
    text = '# top\r\n[wsl2]\r\n  memory = 4GB   # c\r\nkernelCommandLine="a b"\r\nswap=0'
    result = parse(text)
    memory, cmdline, swap = result.entries
    assert text[memory.line_start : memory.line_end] == "  memory = 4GB   # c\r\n"
    assert text[memory.key_start : memory.key_start + len(memory.key_text)] == "memory"
    assert text[memory.value_start : memory.value_end] == "4GB"
    assert memory.terminated
    assert text[cmdline.value_start : cmdline.value_end] == '"a b"'
    assert text[cmdline.line_start : cmdline.line_end] == 'kernelCommandLine="a b"\r\n'
    assert text[swap.value_start : swap.value_end] == "0"
    assert (swap.line_end, swap.terminated) == (len(text), False)
    assert memory.section_line == cmdline.section_line == swap.section_line == 2


def test_header_offsets() -> None:
    text = "[wsl2]\r\n[bad-one]\r\n[experimental]"
    headers = parse(text).headers
    assert [(h.name, h.line, h.valid, h.terminated) for h in headers] == [
        ("wsl2", 1, True, True),
        ("bad", 2, False, True),
        ("experimental", 3, True, False),
    ]
    assert text[headers[0].line_start : headers[0].line_end] == "[wsl2]\r\n"
    assert text[headers[1].line_start : headers[1].line_end] == "[bad-one]\r\n"
    assert headers[2].line_end == len(text)


def test_value_span_of_an_empty_value() -> None:
    text = "[wsl2]\nkernel=   \n"
    entry = only_entry(text)
    assert entry.value == ""
    assert entry.value_start == entry.value_end


def test_problem_line_start_is_the_start_of_the_rejected_line() -> None:
    text = "[wsl2]\n  ; memory=2GB\n"
    (problem,) = parse(text).problems
    assert text[problem.line_start :].startswith("  ; memory")


def test_reader_never_changes_the_text_and_never_raises_on_junk() -> None:
    rnd = random.Random(7)  # noqa: S311 - reproducible test data
    alphabet = '[]=#"\\ \t\r\n\x00\x1a\uffffaZ9;-_é\ufeff\ud800'
    for _ in range(300):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 60)))
        result = parse(text)
        for entry in result.entries:
            assert 0 <= entry.line_start <= entry.key_start <= entry.value_start <= entry.value_end <= entry.line_end
            assert entry.line_end <= len(text)


# ---------------------------------------------------------------------------------------
# Differential test: an independent model of the documented state machine
# ---------------------------------------------------------------------------------------

_WEOF = "\uffff"


def _alpha(c: str) -> bool:
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


def _alnum(c: str) -> bool:
    return _alpha(c) or ("0" <= c <= "9")


class _Model:
    """wsl-source.md §2 as a plain character loop over what the CRT hands over.

    The CRT in text mode ends the file at Ctrl-Z and reads CR LF as LF; fgetwc returns
    0xFFFF (WEOF) at the end of the file and for a U+FFFF character, and only the end
    of the file sets the EOF flag. The model keeps WSL's key buffer, including the
    stale section prefix that a rejected header leaves behind.
    """

    def __init__(self, text: str) -> None:
        cut = text.find("\x1a")
        self.chars = (text if cut < 0 else text[:cut]).replace("\r\n", "\n")
        self.pos = 0
        self.eof = False

    def get(self) -> str:
        if self.pos >= len(self.chars):
            self.eof = True
            return _WEOF
        self.pos += 1
        return self.chars[self.pos - 1]

    def unget(self, c: str) -> None:
        if c != _WEOF:
            self.pos -= 1

    def run(self) -> tuple[list[tuple[str, str, int]], list[tuple[str, int]]]:
        found: list[tuple[str, str, int]] = []
        warned: list[tuple[str, int]] = []
        line, trailing, key, section_len, ch, state = 0, False, "\0", 0, "", "newline"
        while True:
            if state == "newline":
                line += 0 if trailing else 1
                while True:
                    if ch == "#":
                        while True:
                            ch = self.get()
                            if ch == "\r":
                                ch = self.get()
                            if ch == "\n":
                                line += 1
                            if ch in ("\n", _WEOF):
                                break
                        trailing = False
                    if self.eof:
                        return found, warned
                    ch = self.get()
                    while ch in (" ", "\t"):
                        ch = self.get()
                    if ch == "\r":
                        nxt = self.get()
                        if nxt == "\n":
                            line += 1
                        else:
                            self.unget(nxt)
                    elif ch == "\n":
                        line += 1
                    elif ch not in (_WEOF, "#"):
                        break
                if ch == "[":
                    state = "section"
                elif _alpha(ch):
                    state = "key"
                else:
                    warned.append(("invalid-key", line))
                    state = "skip"
            elif state == "section":
                ch = self.get()
                if not _alpha(ch):
                    warned.append(("invalid-section", line))
                    state = "skip"
                    continue
                key = ""
                while _alnum(ch):
                    key += ch
                    ch = self.get()
                if ch != "]":
                    warned.append(("expected-bracket", line))
                    state = "skip"
                    continue
                ch = self.get()
                while ch in (" ", "\t"):
                    ch = self.get()
                if ch == "#":
                    trailing = True
                elif ch not in (_WEOF, "\n", "\r"):
                    warned.append(("expected-eol", line))
                    state = "skip"
                    continue
                section_len = len(key)
                state = "newline"
            elif state == "key":
                key = key[:section_len].ljust(section_len, "\0") + ("." if section_len else "")
                while _alnum(ch):
                    key += ch
                    ch = self.get()
                while ch in (" ", "\t"):
                    ch = self.get()
                if ch != "=":
                    warned.append(("expected-equals", line))
                    state = "skip"
                    continue
                ch = self.get()
                while ch in (" ", "\t"):
                    ch = self.get()
                value, trimmed, quoted, state = "", 0, False, "newline"
                while ch not in (_WEOF, "\n", "\r"):
                    if ch == '"':
                        quoted = not quoted
                    elif ch == "\\":
                        second = self.get()
                        if second in ("\\", '"'):
                            value += second
                        elif second in ("b", "n", "t"):
                            value += {"b": "\b", "n": "\n", "t": "\t"}[second]
                        elif second == "\n":
                            line += 1
                        elif second != "\r":
                            warned.append(("invalid-escape", line))
                            state = "skip"  # the skip starts from the backslash
                            break
                    elif ch == "#" and not quoted:
                        trailing = True
                        break
                    else:
                        value += ch
                    if ch not in (" ", "\t"):
                        trimmed = len(value)
                    ch = self.get()
                if state == "skip":
                    continue
                if quoted:
                    warned.append(("expected-quote", line))
                    state = "skip"
                    continue
                name = key.split("\0", 1)[0]
                found.append((name, value[:trimmed], line))
            else:  # skip an invalid line up to LF or WEOF
                while ch not in (_WEOF, "\n"):
                    ch = self.get()
                state = "newline"


def _model(text: str) -> tuple[list[tuple[str, str, int]], list[tuple[str, int]]]:
    return _Model(text).run()


def _random_texts(seed: int, tokens: list[str], count: int) -> list[str]:
    rnd = random.Random(seed)  # noqa: S311 - reproducible test data
    return ["".join(rnd.choice(tokens) for _ in range(rnd.randint(0, 40))) for _ in range(count)]


_TOKENS = [
    "[", "]", "[wsl2]", "[experimental]", "[ab-c]", "wsl2", "memory", "=", "4GB", '"', "\\", "#",
    " ", "\t", "\r", "\n", "\r\n", "b", "n", "t", "x", "\x00", "é", "İ", "-", "_", ";", ".", "0", "a=1", "\x1a",
]  # fmt: skip


def test_model_agrees_with_the_research_examples() -> None:
    # The model itself must reproduce the confirmed behaviours before it may judge the reader.
    assert _model("[wsl2]\nswapFile=C:\\temp\\\\swap.vhdx\n")[0] == [("wsl2.swapFile", "C:\temp\\swap.vhdx", 2)]
    assert _model("[experimental]\n[wsl2-vm]\nmemory=4GB\n")[0] == [("wsl2", "4GB", 3)]
    assert _model("[wsl2]\nmemory=4\\\nXB\n")[0] == [("wsl2.memory", "4XB", 3)]
    assert _model("[wsl2]\r\nswap=1GB\r\r\nmemory=4GB\r\n")[0][1][2] == 4
    assert _model("[wsl2]\r\n# c\r\r\nmemory=4GB\r\n")[0][0][2] == 3


@pytest.mark.parametrize("seed", range(4))
def test_reader_matches_the_model_on_random_texts(seed: int) -> None:
    for text in _random_texts(seed, _TOKENS, 800):
        result = parse(text)
        got = ([(e.name, e.value, e.line) for e in result.entries], [(p.kind, p.line) for p in result.problems])
        assert got == _model(text), repr(text)


def test_reader_matches_the_model_with_u_ffff_outside_comments_and_escapes() -> None:
    tokens = [t for t in _TOKENS if t not in ("#", "\\")] + ["\uffff", "\uffff\uffff"]
    for text in _random_texts(99, tokens, 1500):
        result = parse(text)
        got = ([(e.name, e.value, e.line) for e in result.entries], [(p.kind, p.line) for p in result.problems])
        assert got == _model(text), repr(text)


# ---------------------------------------------------------------------------------------
# Whole results, every field: the character-by-character path (quotes, a lone CR, U+FFFF,
# rejected lines), where the fast path for ordinary lines does not go. Each case names
# the rule of wsl-source.md §2 / wsl-reader-surprises.md it pins; the spans are what
# editing splices at, so they are pinned too (Entry, Header and Problem fields in order).
# ---------------------------------------------------------------------------------------

SLOW_PATH_CASES = [
    pytest.param(
        'z="1"\nZ="2"\na="3"\nA="4"\n',
        [
            ("z", "z", "1", 1, 1, 0, 0, 2, 5, 6, True, None, None),
            ("Z", "Z", "2", 2, 2, 6, 6, 8, 11, 12, True, None, None),
            ("a", "a", "3", 3, 3, 12, 12, 14, 17, 18, True, None, None),
            ("A", "A", "4", 4, 4, 18, 18, 20, 23, 24, True, None, None),
        ],
        [],
        [],
        None,
        id="keys starting with a, z, A, Z are letters (C isalpha), also on the slow path",
    ),
    pytest.param(
        "[z]\rk=1\n[Z]\rk=2\n",
        [
            ("z.k", "k", "1", 2, 2, 4, 4, 6, 7, 8, True, 1, None),
            ("Z.k", "k", "2", 4, 4, 12, 12, 14, 15, 16, True, 3, None),
        ],
        [("z", 1, 0, 4, True, True), ("Z", 3, 8, 12, True, True)],
        [],
        None,
        id="headers [z] and [Z] are valid; a lone CR ends them",
    ),
    pytest.param(
        "[wsl2]#c\uffffmemory=1\n",
        [("wsl2.memory", "memory", "1", 1, 1, 9, 9, 16, 17, 18, True, 1, None)],
        [("wsl2", 1, 0, 9, True, True)],
        [],
        None,
        id="a header ended by U+FFFF inside its comment",
    ),
    pytest.param(
        "[wsl2] #c\uffff[x]#c",
        [],
        [("wsl2", 1, 0, 10, True, True), ("x", 1, 10, 15, False, True)],
        [],
        None,
        id="a header whose comment runs to the end of the text",
    ),
    pytest.param(
        "[1x]\nk=1\n[]\n",
        [("k", "k", "1", 2, 2, 5, 5, 7, 8, 9, True, None, None)],
        [("", 1, 0, 5, True, False), ("", 3, 9, 12, True, False)],
        [("invalid-section", 1, 0, "1"), ("invalid-section", 3, 9, "]")],
        None,
        id="invalid-section names the character",
    ),
    pytest.param(
        "[wsl2\nk=1\n",
        [("k", "k", "1", 2, 2, 6, 6, 8, 9, 10, True, None, None)],
        [("wsl2", 1, 0, 6, True, False)],
        [("expected-bracket", 1, 0, "\n")],
        None,
        id="expected-bracket at the line end",
    ),
    pytest.param(
        "[wsl2]x\nk=1\n",
        [("k", "k", "1", 2, 2, 8, 8, 10, 11, 12, True, None, None)],
        [("wsl2", 1, 0, 8, True, False)],
        [("expected-eol", 1, 0, "x")],
        None,
        id="expected-eol rejects the whole header",
    ),
    pytest.param(
        "[wsl2] x\x1a\nk=1\n",
        [],
        [("wsl2", 1, 0, 8, False, False)],
        [("expected-eol", 1, 0, "x")],
        8,
        id="a rejected header's line stops at Ctrl-Z",
    ),
    pytest.param(
        "k-1\x1a\nk=1\n",
        [],
        [],
        [("expected-equals", 1, 0, "-")],
        3,
        id="an invalid line stops at Ctrl-Z",
    ),
    pytest.param(
        'k="1" # c\r\nz=2\n',
        [
            ("k", "k", "1", 1, 1, 0, 0, 2, 5, 11, True, None, None),
            ("z", "z", "2", 2, 2, 11, 11, 13, 14, 15, True, None, None),
        ],
        [],
        [],
        None,
        id="a trailing comment ends at the CRLF",
    ),
    pytest.param(
        '\nk="1" # c\nz=2',
        [
            ("k", "k", "1", 2, 2, 1, 1, 3, 6, 11, True, None, None),
            ("z", "z", "2", 3, 3, 11, 11, 13, 14, 14, False, None, None),
        ],
        [],
        [],
        None,
        id="a trailing comment ends at its own LF, not an earlier one",
    ),
    pytest.param(
        '\x1a[wsl2]\nmemory=1GB\n',
        [],
        [],
        [],
        0,
        id="Ctrl-Z as the first character: WSL reads nothing",
    ),
    pytest.param(
        'k="1" # c',
        [("k", "k", "1", 1, 1, 0, 0, 2, 5, 9, False, None, None)],
        [],
        [],
        None,
        id="a trailing comment at the end of the text",
    ),
    pytest.param(
        'k="1"',
        [("k", "k", "1", 1, 1, 0, 0, 2, 5, 5, False, None, None)],
        [],
        [],
        None,
        id="a value at the end of the text",
    ),
    pytest.param(
        'k="1"\r\n',
        [("k", "k", "1", 1, 1, 0, 0, 2, 5, 7, True, None, None)],
        [],
        [],
        None,
        id="a CRLF at the very end is one line end",
    ),
    pytest.param(
        'k="1"\r',
        [("k", "k", "1", 1, 1, 0, 0, 2, 5, 6, True, None, None)],
        [],
        [],
        None,
        id="a lone CR ends a value",
    ),
    pytest.param(
        'k="a',
        [],
        [],
        [("expected-quote", 1, 0, '"')],
        None,
        id="an unterminated quote at the end of the text",
    ),
    pytest.param(
        'k="a\nz=1\n',
        [("z", "z", "1", 2, 2, 5, 5, 7, 8, 9, True, None, None)],
        [],
        [("expected-quote", 1, 0, '"')],
        None,
        id="an unterminated quote drops its line",
    ),
    pytest.param(
        "k=a\\q b\nz=1",
        [("z", "z", "1", 2, 2, 8, 8, 10, 11, 11, False, None, None)],
        [],
        [("invalid-escape", 1, 0, "q")],
        None,
        id="an invalid escape drops its line",
    ),
    pytest.param(
        "k=a  \\\n  b  \n",
        [("k", "k", "a    b", 2, 1, 0, 0, 2, 10, 13, True, None, None)],
        [],
        [],
        None,
        id="continuation keeps blanks on both sides",
    ),
    pytest.param(
        'k="a"b\x0c\x0b \t\nz="a"bX\n',
        [
            ("k", "k", "ab\x0c\x0b", 1, 1, 0, 0, 2, 8, 11, True, None, None),
            ("z", "z", "abX", 2, 2, 11, 11, 13, 18, 19, True, None, None),
        ],
        [],
        [],
        None,
        id="only spaces and tabs are trimmed",
    ),
    pytest.param(
        '  k="v"\n\t[wsl2]\r\n \t k="1" \n',
        [
            ("k", "k", "v", 1, 1, 0, 2, 4, 7, 8, True, None, None),
            ("wsl2.k", "k", "1", 3, 3, 17, 20, 22, 25, 27, True, 2, None),
        ],
        [("wsl2", 2, 8, 17, True, True)],
        [],
        None,
        id="indentation belongs to the line",
    ),
    pytest.param(
        'k="1"\n ',
        [("k", "k", "1", 1, 1, 0, 0, 2, 5, 6, True, None, None)],
        [],
        [],
        None,
        id="a blank at the end of the text is no line",
    ),
    pytest.param(
        ' k="1"',
        [("k", "k", "1", 1, 1, 0, 1, 3, 6, 6, False, None, None)],
        [],
        [],
        None,
        id="one blank of indentation",
    ),
    pytest.param(
        '[wsl2]\n[wsl2-vm]\nk="1"\n',
        [("wsl2.k", "k", "1", 3, 3, 17, 17, 19, 22, 23, True, 1, None)],
        [("wsl2", 1, 0, 7, True, True), ("wsl2", 2, 7, 17, True, False)],
        [("expected-bracket", 2, 7, "-")],
        None,
        id="a rejected header that keeps the prefix",
    ),
    pytest.param(
        '[ab]\n[a-c]\nk="1"\nk=2\n[wsl2]\rk=3\n',
        [
            ("a", "k", "1", 3, 3, 11, 11, 13, 16, 17, True, 1, 2),
            ("a", "k", "2", 4, 4, 17, 17, 19, 20, 21, True, 1, 2),
            ("wsl2.k", "k", "3", 6, 6, 28, 28, 30, 31, 32, True, 5, None),
        ],
        [("ab", 1, 0, 5, True, True), ("a", 2, 5, 11, True, False), ("wsl2", 5, 21, 28, True, True)],
        [("expected-bracket", 2, 5, "-")],
        None,
        id="a rejected header that garbles the prefix",
    ),
    pytest.param(
        "k\nk \nk-\nk",
        [],
        [],
        [
            ("expected-equals", 1, 0, "\n"),
            ("expected-equals", 2, 2, "\n"),
            ("expected-equals", 3, 5, "-"),
            ("expected-equals", 4, 8, ""),
        ],
        None,
        id="expected-equals names the character",
    ),
]


@pytest.mark.parametrize(("text", "want_entries", "want_headers", "want_problems", "ignored_from"), SLOW_PATH_CASES)
def test_slow_path_results_field_by_field(
    text: str,
    want_entries: list[tuple[object, ...]],
    want_headers: list[tuple[object, ...]],
    want_problems: list[tuple[object, ...]],
    ignored_from: int | None,
) -> None:
    result = parse(text)
    assert [tuple(e) for e in result.entries] == want_entries
    assert [tuple(h) for h in result.headers] == want_headers
    assert [tuple(p) for p in result.problems] == want_problems
    assert result.ignored_from == ignored_from
