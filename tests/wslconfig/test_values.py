"""values: WSL's value grammars (ParseMemorySize, strtol base 0 with a 32-bit long,
ParseBool, enums, MAC, inet_pton, lenient stoi ports) and the char-buffer mangling.

Sources: wsl-source.md §1 and wsl-reader-surprises.md ("Sizes", "Integers",
"Booleans and enums", "Other keys", "Non-ASCII text").
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wslconfig_assistant.wslconfig import reader, schema, values
from wslconfig_assistant.wslconfig.values import InvalidValueError

GB = 1 << 30
MB = 1 << 20
U64_MAX = (1 << 64) - 1
INT_MAX = (1 << 31) - 1
INT_MIN = -(1 << 31)

FAST = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8GB", 8 * GB),
        ("8G", 8 * GB),
        ("512MB", 512 * MB),
        ("512M", 512 * MB),
        ("4K", 4096),
        ("4KB", 4096),
        ("1T", 1 << 40),
        ("1TB", 1 << 40),
        ("7B", 7),
        ("8", 8),  # no unit means bytes
        ("137266987008", 137266987008),
        ("0", 0),
        ("0GB", 0),
        ("0B", 0),
        ("007GB", 7 * GB),
        ("-1", U64_MAX),  # strtoull negates
        ("-1GB", (-GB) % (1 << 64)),
        ("+5", 5),
        ("17179869184GB", 0),  # 2**34 * 2**30 wraps to 0: no swap
        ("17179869185GB", GB),
        ("99999999999999999999999", U64_MAX),  # strtoull saturates
        (" 8GB", 8 * GB),  # strtoull skips leading blanks
        ("\t8GB", 8 * GB),
    ],
)
def test_parse_size_valid(text: str, expected: int) -> None:
    assert values.parse_size(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "8gb",
        "8Gb",
        "8gB",
        "8GiB",
        "8 GB",
        "8.5GB",
        "0.5GB",
        "8GB ",  # trailing blank (inside quotes) is not trimmed by ParseMemorySize
        "00",
        "000GB",
        " 0",  # zero must start the string
        "-0",
        "+0",
        "",
        "GB",
        "0foo",
        "1BB",
        "1KiB",
        "0x10",
        "1e9",
        "8,5GB",
        "'8GB'",
        "8GBs",
    ],
)
def test_parse_size_invalid(text: str) -> None:
    with pytest.raises(InvalidValueError):
        values.parse_size(text)


def test_parse_size_error_carries_a_reason_and_a_suggestion() -> None:
    with pytest.raises(InvalidValueError) as info:
        values.parse_size("8gb")
    assert info.value.reason
    assert info.value.suggestion == "8GB"
    assert str(info.value) == info.value.reason


@pytest.mark.parametrize(("text", "suggestion"), [("8 GB", "8GB"), ("8GiB", "8GB"), ("16g", "16GB")])
def test_parse_size_suggestions_parse(text: str, suggestion: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        values.parse_size(text)
    assert info.value.suggestion == suggestion
    assert values.parse_size(suggestion) == int(suggestion[:-2]) * GB


def test_parse_size_suggestion_for_a_decimal_is_valid() -> None:
    with pytest.raises(InvalidValueError) as info:
        values.parse_size("8.5GB")
    assert info.value.suggestion is not None
    assert values.parse_size(info.value.suggestion) == 8 * GB + 512 * MB


@pytest.mark.parametrize(
    ("number", "text"),
    [(0, "0"), (8 * GB, "8GB"), (512 * MB, "512MB"), (1536 * MB, "1536MB"), (4096, "4KB"), (1 << 40, "1TB"), (7, "7B")],
)
def test_format_size(number: int, text: str) -> None:
    assert values.format_size(number) == text
    assert values.parse_size(text) == number


@FAST
@given(st.integers(min_value=0, max_value=U64_MAX))
def test_format_size_round_trips(number: int) -> None:
    assert values.parse_size(values.format_size(number)) == number


# ---------------------------------------------------------------------------------------
# Integers
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4", 4),
        ("060000", 24576),  # leading 0: octal
        ("010", 8),
        ("0", 0),
        ("0x10", 16),
        ("0X1f", 31),
        ("-0x10", -16),
        ("+4", 4),
        ("  5", 5),  # strtol skips leading blanks
        ("\t5", 5),
        ("-1", -1),
        ("99999999999", INT_MAX),  # Windows: 32-bit long saturates, accepted
        ("0xFFFFFFFF", INT_MAX),
        ("2147483648", INT_MAX),
        ("-99999999999", INT_MIN),
        ("-2147483648", INT_MIN),
        ("2147483647", INT_MAX),
    ],
)
def test_parse_int_valid(text: str, expected: int) -> None:
    assert values.parse_int(text) == expected


@pytest.mark.parametrize(
    "text", ["08", "09", "0789", "", " ", "5 ", "1e3", "4.0", "0x", "0xg", "+", "-", "four", "1_000", "0b101", "١"]
)
def test_parse_int_invalid(text: str) -> None:
    with pytest.raises(InvalidValueError):
        values.parse_int(text)


def test_parse_int_octal_hint() -> None:
    with pytest.raises(InvalidValueError) as info:
        values.parse_int("08")
    assert "octal" in info.value.reason
    assert info.value.suggestion == "8"


# ---------------------------------------------------------------------------------------
# Booleans
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("True", True),
        ("tRuE", True),
        ("1", True),
        ("false", False),
        ("FALSE", False),
        ("False", False),
        ("0", False),
    ],
)
def test_parse_bool_valid(text: str, expected: bool) -> None:
    assert values.parse_bool(text) is expected


@pytest.mark.parametrize(
    "text",
    ["yes", "no", "on", "off", "t", "f", "y", "n", "true ", " true", "01", "00", "", "enabled", "2", "-1", "ｔrue"],
)
def test_parse_bool_invalid(text: str) -> None:
    with pytest.raises(InvalidValueError):
        values.parse_bool(text)


@pytest.mark.parametrize(("text", "suggestion"), [("yes", "true"), ("on", "true"), ("t", "true"), ("off", "false")])
def test_parse_bool_suggestions(text: str, suggestion: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        values.parse_bool(text)
    assert info.value.suggestion == suggestion


# ---------------------------------------------------------------------------------------
# Enums
# ---------------------------------------------------------------------------------------

MODES = schema.NETWORKING_MODES
RECLAIM = schema.MEMORY_RECLAIM_MODES


@pytest.mark.parametrize(
    ("text", "choices", "expected"),
    [
        ("mirrored", MODES, "Mirrored"),
        ("MIRRORED", MODES, "Mirrored"),
        ("nat", MODES, "Nat"),
        ("NAT", MODES, "Nat"),
        ("none", MODES, "None"),
        ("bridged", MODES, "Bridged"),
        ("consomme", MODES, "Consomme"),
        ("VirtioProxy", MODES, "VirtioProxy"),
        ("virtioproxy", MODES, "VirtioProxy"),
        ("dropcache", RECLAIM, "DropCache"),
        ("GRADUAL", RECLAIM, "Gradual"),
        ("disabled", RECLAIM, "Disabled"),
    ],
)
def test_parse_enum_ignores_case_and_returns_the_canonical_name(
    text: str, choices: tuple[str, ...], expected: str
) -> None:
    assert values.parse_enum(text, choices) == expected


@pytest.mark.parametrize("text", ["mirror", "nat ", " nat", "", "Mirrored,", "natt", "ｎat"])
def test_parse_enum_invalid(text: str) -> None:
    with pytest.raises(InvalidValueError):
        values.parse_enum(text, MODES)


def test_parse_enum_error_lists_the_choices_sorted() -> None:
    with pytest.raises(InvalidValueError) as info:
        values.parse_enum("mirror", MODES)
    assert "Bridged, Consomme, Mirrored, Nat, None, VirtioProxy" in info.value.reason
    assert info.value.suggestion == "Mirrored"


# ---------------------------------------------------------------------------------------
# MAC, IPv4, ports
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["00:15:5D:01:02:03", "00-15-5d-01-02-03", "aa:BB:cc:DD:ee:FF", "00:00:00:00:00:00"])
def test_parse_mac_valid(text: str) -> None:
    assert values.parse_mac(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "00:15:5D:01:02",
        "00:15:5D:01:02:03:04",
        "00:15-5D:01:02:03",  # separators must all match the third character
        "00:15:5D:01:02:0G",
        "0015.5D01.0203",
        "00155D010203",
        "00:15:5D:01:02:03 ",
        " 00:15:5D:01:02:03",
        "00_15_5D_01_02_03",
        "",
        "éé:15:5D:01:02:03",
    ],
)
def test_parse_mac_invalid(text: str) -> None:
    with pytest.raises(InvalidValueError):
        values.parse_mac(text)


@pytest.mark.parametrize("text", ["10.255.255.254", "0.0.0.0", "255.255.255.255", "192.168.1.10"])  # noqa: S104
def test_parse_ipv4_valid(text: str) -> None:
    assert values.parse_ipv4(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "010.1.1.1",
        "1.2.3.04",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        " 1.2.3.4",
        "1.2.3.4 ",
        "+1.2.3.4",
        "1..2.3",
        "",
        "a.b.c.d",
        "0x1.2.3.4",
        "1.2.3.4/24",
        "::1",
        "１.2.3.4",
        "1.2.3.²",
    ],
)
def test_parse_ipv4_invalid(text: str) -> None:
    with pytest.raises(InvalidValueError):
        values.parse_ipv4(text)


@pytest.mark.parametrize(
    ("text", "ports", "bad"),
    [
        ("1.5", [1], []),  # stoi reads the leading digits
        ("80abc", [80], []),
        ("0x50", [], ["0x50"]),  # stoi reads 0, and 0 is not a port
        ("80,443", [80, 443], []),
        ("80,,443,", [80, 443], []),  # empty entries are dropped
        (" 80, 443 ", [80, 443], []),
        ("+80", [80], []),
        ("1,65535", [1, 65535], []),
        ("0", [], ["0"]),
        ("-1", [], ["-1"]),
        ("65536", [], ["65536"]),
        ("99999999999", [], ["99999999999"]),  # stoi throws out_of_range
        ("a,80", [80], ["a"]),
        ("0x50,a,3000", [3000], ["0x50", "a"]),
        ("", [], []),
        (",", [], []),
    ],
)
def test_parse_ports_is_lenient_per_entry(text: str, ports: list[int], bad: list[str]) -> None:
    assert values.parse_ports(text) == (ports, bad)


# ---------------------------------------------------------------------------------------
# The char buffer: each UTF-16 unit cut to its low byte, up to the first NUL
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cstring"),
    [
        ("8GB", "8GB"),
        ("4GB\x00junk", "4GB"),
        ("\x001GB", ""),
        ("José", "Jos\xe9"),
        ("İ", "0"),  # U+0130: low byte 0x30
        ("ı", "1"),  # U+0131: low byte 0x31
        ("aĀb", "a"),  # U+0100: low byte 0x00 ends the string
        ("日本", "\xe5,"),  # U+65E5, U+672C
        ("a\U0001f600b", "a="),  # D83D DE00: '=' then NUL
        ("caf\udce9", "caf\xfd"),  # a stray UTF-8 byte reads as U+FFFD
        ("", ""),
    ],
)
def test_wsl_cstring(text: str, cstring: str) -> None:
    assert values.wsl_cstring(text) == cstring


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("C:\\wsl\\kernel", "C:\\wsl\\kernel"),
        ("José", "Jos\ufffd"),
        ("日本", "\ufffd,"),
        ("aĀb", "a"),
        ("Ã©", "é"),  # low bytes C3 A9 happen to be UTF-8 for é
        ("D:\\日本\\swap.vhdx", "D:\\\ufffd,\\swap.vhdx"),
    ],
)
def test_wsl_string(text: str, result: str) -> None:
    assert values.wsl_string(text) == result


@pytest.mark.parametrize(
    ("text", "parser", "expected"),
    [
        ("İ", values.parse_int, 0),
        ("ı", values.parse_bool, True),
        ("İ", values.parse_bool, False),
        ("ı6GB", values.parse_size, 16 * GB),
    ],
)
def test_mangled_text_can_parse_as_numbers(text: str, parser: object, expected: object) -> None:
    assert callable(parser)
    assert parser(values.wsl_cstring(text)) == expected


def test_empty_after_mangling_is_invalid_for_typed_keys() -> None:
    for parser in (values.parse_int, values.parse_bool, values.parse_size):
        with pytest.raises(InvalidValueError):
            parser(values.wsl_cstring("Ā8"))


# ---------------------------------------------------------------------------------------
# quote_value: what we write reads back as the value
# ---------------------------------------------------------------------------------------


def _read_back(written: str) -> str:
    result = reader.parse(f"[wsl2]\r\nkernelCommandLine={written}\r\nswap=0\r\n")
    assert result.problems == []
    assert [e.name for e in result.entries] == ["wsl2.kernelCommandLine", "wsl2.swap"]
    return result.entries[0].value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("C:\\wsl\\bzImage", "C:\\\\wsl\\\\bzImage"),
        ('say "hi"', 'say \\"hi\\"'),
        ("a # b", '"a # b"'),
        (" x ", '" x "'),
        ("a\tb", "a\\tb"),
        ("", ""),
        ("plain", "plain"),
        # WSL trims only spaces and tabs around a value: other blanks need no quotes, those two do
        ("x\u00a0", "x\u00a0"),
        ("XX", "XX"),
        ("a b", "a b"),
        ("\tx", '"\\tx"'),
        ("x ", '"x "'),
    ],
)
def test_quote_value_quotes_only_what_wsl_would_trim_or_cut(value: str, written: str) -> None:
    assert values.quote_value(value) == written
    assert _read_back(written) == value


def test_quote_value_keeps_quotes_when_asked() -> None:
    assert values.quote_value("x", quoted=True) == '"x"'
    assert values.quote_value("", quoted=True) == '""'
    assert _read_back('""') == ""


@FAST
@given(st.text(alphabet=st.characters(blacklist_characters="\r\n\x00\x1a\uffff", blacklist_categories=("Cs",))))
def test_quote_value_round_trips_through_the_reader(value: str) -> None:
    assert _read_back(values.quote_value(value)) == value


# ---------------------------------------------------------------------------------------
# Boundaries of WSL's parsers (each found by a mutation run: TESTING.md, "Mutation score")
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cstring"),
    [
        ("4GB\x00a\x00b", "4GB"),  # WSL's char buffer ends at the FIRST NUL, not the last
        ("é\x00a\x00b", "\xe9"),  # ... also once non-ASCII text has been cut to bytes
        ("\x00é", ""),  # a NUL in the first place leaves nothing
        ("Āé", ""),  # U+0100 cuts to byte 0: nothing after it is read
        (chr(0xDC80), "\xfd"),  # U+DC80..U+DCFF stand for stray UTF-8 bytes, read by the CRT as U+FFFD (byte FD)
        (chr(0xDCFF), "\xfd"),
        (chr(0xDC7F), "\x7f"),  # just below the range: a real lone UTF-16 unit, cut to its low byte
        ("a" + chr(0xDD00) + "b", "a"),  # just above the range: low byte 00 ends the string
        ("\uffff", "\xff"),  # the last BMP character is one unit
        ("a\U0001f641b", "a=Ab"),  # U+1F641 is two units D83D DE41: low bytes '=' and 'A', then the text goes on
    ],
)
def test_wsl_cstring_cuts_every_utf16_unit_to_its_low_byte_up_to_the_first_nul(text: str, cstring: str) -> None:
    assert values.wsl_cstring(text) == cstring


def test_surrogate_escapes_are_stray_bytes_only_in_a_utf8_file() -> None:
    """In a UTF-8 file each undecodable byte is read by the CRT as U+FFFD (so WSL sees 0xFD, 0xFD): the two
    bytes C3 A9 kept apart never become é; in a UTF-16 file the same code points are lone units whose low bytes
    C3 A9 do decode as é. Paths are read as UTF-8 in a UTF-8 file by default."""
    escaped = "caf\udcc3\udca9"
    assert values.wsl_cstring(escaped, from_utf8=False) == "caf\xc3\xa9"
    assert values.wsl_string(escaped) == "caf\ufffd\ufffd"
    assert values.wsl_string(escaped, from_utf8=True) == "caf\ufffd\ufffd"
    assert values.wsl_string(escaped, from_utf8=False) == "café"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0x1", 1),  # strtol base 0: 0x needs one hex digit after it, not two
        ("0xa", 10),  # hex digits in either case
        ("0xff", 255),
        ("  +5", 5),  # blanks, then a sign
        ("  -5", -5),
        ("\v\f\r\n7", 7),  # C's isspace: all six blanks
        ("0" * 30 + "10", 8),  # leading zeros cost nothing (octal), as in C
        ("0x" + "0" * 30 + "1f", 31),
    ],
)
def test_strtol_base_0_prefixes_blanks_and_signs(text: str, expected: int) -> None:
    assert values.parse_int(text) == expected


@pytest.mark.parametrize("text", ["X5", "x5", "0X", "0xX", "\x1c5", "5\x00"])
def test_strtol_reads_no_other_prefix(text: str) -> None:
    with pytest.raises(InvalidValueError):
        values.parse_int(text)


@pytest.mark.parametrize(
    ("text", "value"), [("2147483647", INT_MAX), ("-2147483648", INT_MIN), ("0x7fffffff", INT_MAX)]
)
def test_exact_int_accepts_the_whole_32_bit_range(text: str, value: int) -> None:
    """What the user types must be what WSL reads: the ends of a 32-bit long are still exact."""
    assert values.parse_int(text, exact=True) == value


@pytest.mark.parametrize(
    ("text", "read"),
    [("2147483648", INT_MAX), ("-2147483649", INT_MIN), ("0x80000000", INT_MAX), ("9" * 5000, INT_MAX)],
)
def test_exact_int_refuses_what_wsl_would_saturate_and_says_what_it_would_read(text: str, read: int) -> None:
    assert values.parse_int(text) == read
    with pytest.raises(InvalidValueError) as info:
        values.parse_int(text, exact=True)
    assert f"WSL would read {read} (it takes -2147483648 to 2147483647)" in info.value.reason
    assert info.value.suggestion is None


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("08", "8"), ("09", "9"), ("+08", "8"), ("-08", "-8"), (" 08", "8"), ("\t-0099", "-99"), ("01080", "1080")],
)
def test_an_octal_typo_suggests_the_decimal_number_meant(text: str, suggestion: str) -> None:
    """strtol reads a leading 0 as octal, so 08 stops at the 8; the suggestion keeps a minus sign (a negative
    vmIdleTimeout keeps the VM running) and drops a plus sign and the zeros."""
    with pytest.raises(InvalidValueError) as info:
        values.parse_int(text)
    assert info.value.suggestion == suggestion
    assert info.value.reason.endswith(" is not an integer WSL accepts (a leading 0 makes it octal)")
    assert values.parse_int(suggestion) == int(suggestion)


@pytest.mark.parametrize("text", ["", "abc", "-", "0x", "0X", "0xX", "0.5", "0xg", "07a", "1e3", "5 "])
def test_a_non_number_gets_no_suggestion(text: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        values.parse_int(text)
    assert info.value.suggestion is None
    note = " (a leading 0 makes it octal)" if text.startswith("0") else ""
    assert info.value.reason == f"{text!r} is not an integer WSL accepts{note}"


def test_long_values_are_cut_short_in_messages() -> None:
    """A value of thousands of digits must not bury the message: 40 characters are shown whole, beyond that
    the first 20 and the length."""
    for length in (40, 41, 5000):
        text = "1" * (length - 1) + "x"
        with pytest.raises(InvalidValueError) as info:
            values.parse_int(text)
        shown = repr(text) if length <= 40 else repr(text[:20]) + f"... ({length} characters)"
        assert info.value.reason == f"{shown} is not an integer WSL accepts"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  8GB", 8 * GB),  # strtoull skips every leading blank
        ("\v\f\r\n8", 8),
        ("9", 9),
        ("0" * 30 + "8GB", 8 * GB),  # leading zeros cost nothing
        ("18446744073709551615", U64_MAX),
        ("16777215TB", 16777215 << 40),
        ("17179869183GB", 17179869183 * GB),
    ],
)
def test_parse_size_blanks_zeros_and_the_largest_sizes(text: str, expected: int) -> None:
    assert values.parse_size(text) == expected
    assert values.parse_size(text, exact=True) == expected


@pytest.mark.parametrize("text", ["X8GB", "x8", "\x1c8GB"])
def test_parse_size_reads_no_prefix_but_a_sign(text: str) -> None:
    with pytest.raises(InvalidValueError):
        values.parse_size(text)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("18446744073709551616", U64_MAX),  # 2^64: strtoull saturates
        ("9" * 5000, U64_MAX),
        ("17179869184GB", 0),  # 2^64 exactly: the product wraps to 0
        ("16777216TB", 0),
        ("17179869185GB", GB),
    ],
)
def test_exact_size_refuses_what_wsl_would_saturate_or_wrap(text: str, read: int) -> None:
    assert values.parse_size(text) == read
    with pytest.raises(InvalidValueError) as info:
        values.parse_size(text, exact=True)
    shown = repr(text) if len(text) <= 40 else repr(text[:20]) + f"... ({len(text)} characters)"
    assert info.value.reason == (
        f"{shown} is beyond the largest size WSL can hold (2^64 - 1 bytes, about 16 EB): "
        "WSL would read a different number"
    )


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("00", "0B"),  # a zero must be exactly 0 (then a unit)
        ("GB", None),  # no digits at all
        ("8gb", "8GB"),  # suffixes are upper case
        ("'8GB'", "8GB"),  # single quotes stay in the value: the suggestion drops them
        ('"8gb"', "8GB"),
        ("8.25GB", "8448MB"),  # no decimals: the same size in a smaller unit
        ("8.5", "8B"),
        ("8GBX", None),  # trailing junk: nothing sensible to suggest
        ("X8GB", None),
        ("1" * 40 + "gb", "1" * 40 + "GB"),
        ("1" * 41 + "gb", None),  # no memory is that big
    ],
)
def test_a_rejected_size_carries_the_reason_and_the_fix(text: str, suggestion: str | None) -> None:
    with pytest.raises(InvalidValueError) as info:
        values.parse_size(text)
    shown = repr(text) if len(text) <= 40 else repr(text[:20]) + f"... ({len(text)} characters)"
    assert info.value.reason == (
        f"{shown} is not a size WSL accepts: whole number plus B, K/KB, M/MB, G/GB or T/TB, "
        "upper case, no space (no unit means bytes)"
    )
    assert info.value.suggestion == suggestion


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (8 * GB, "8GB"),
        (6144 * MB, "6GB"),
        (513 * MB, "513MB"),  # whole MB: exact
        (MB, "1MB"),
        (25275551744, "23.5GB"),  # a host's RAM: GB with one decimal
        (MB + 1, "0.0GB"),
        (3 * GB + 1, "3.0GB"),
    ],
)
def test_readable_size_is_exact_in_whole_mb_else_gb_with_one_decimal(number: int, text: str) -> None:
    assert values.readable_size(number) == text


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("yes", "true"), ("on", "true"), ("t", "true"), ("y", "true"), ("enabled", "true"), ("enable", "true"),
        ("true ", "true"), ("'TRUE'", "true"), ('"yes"', "true"),
        ("no", "false"), ("off", "false"), ("f", "false"), ("n", "false"), ("disabled", "false"),
        ("disable", "false"), (" false", "false"), ("'No'", "false"),
        ("XON", None), ("XOFF", None), ("2", None), ("", None),
    ],
)
def test_a_rejected_boolean_suggests_true_or_false(text: str, suggestion: str | None) -> None:
    """ParseBool takes only true/false (any case) and 1/0; the common other spellings get the fix."""
    with pytest.raises(InvalidValueError) as info:
        values.parse_bool(text)
    assert info.value.suggestion == suggestion
    assert info.value.reason == f"{text!r} is not a boolean WSL accepts (only true, false, 1 or 0)"


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("mir", "Mirrored"), ("mirx", "Mirrored"), ("mirror", "Mirrored"), ("natt", "Nat"), ("mi", None), ("", None)],
)
def test_a_rejected_enum_suggests_the_choice_with_the_same_first_three_letters(
    text: str, suggestion: str | None
) -> None:
    with pytest.raises(InvalidValueError) as info:
        values.parse_enum(text, MODES)
    assert info.value.suggestion == suggestion


@pytest.mark.parametrize("text", ["00:15:5D:01:02:0X", "00X15X5DX01X02X03", "0:15:5D:01:02:03:", "00:15:5D:01:02:03\n"])
def test_a_mac_is_six_ascii_hex_pairs_with_one_separator(text: str) -> None:
    """WSL refuses to start the VM with an invalid macAddress."""
    with pytest.raises(InvalidValueError) as info:
        values.parse_mac(text)
    assert info.value.reason == (
        f"{text!r} is not a MAC address (six hex pairs such as 00:15:5D:01:02:03); "
        "WSL refuses to start the VM with an invalid one"
    )


def test_a_rejected_ipv4_address_is_named_in_the_reason() -> None:
    with pytest.raises(InvalidValueError) as info:
        values.parse_ipv4("1.2.3.0256")
    assert info.value.reason == "'1.2.3.0256' is not an IPv4 address (such as 10.255.255.254)"


@pytest.mark.parametrize(
    ("text", "ports", "bad"),
    [
        ("9,19,99,65535", [9, 19, 99, 65535], []),  # every decimal digit, 9 included
        ("8080:80", [8080], []),  # stoi stops at the first non-digit
        ("  80,\t443", [80, 443], []),  # stoi skips every leading blank
        (" ", [], [" "]),  # blanks only: not empty, so not dropped; stoi finds no number
        ("80, ", [80], [" "]),
        ("X80", [], ["X80"]),  # only a sign may come before the digits
        ("-0", [], ["-0"]),
        ("2147483648", [], ["2147483648"]),
        ("-2147483648", [], ["-2147483648"]),
    ],
)
def test_ignored_ports_read_each_entry_with_stoi(text: str, ports: list[int], bad: list[str]) -> None:
    assert values.parse_ports(text) == (ports, bad)

