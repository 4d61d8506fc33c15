"""values: WSL's value grammars (ParseMemorySize, strtol base 0 with a 32-bit long,
ParseBool, enums, MAC, inet_pton, lenient stoi ports) and the char-buffer mangling.

Sources: wsl-source.md §1 and wsl-reader-surprises.md ("Sizes", "Integers",
"Booleans and enums", "Other keys", "Non-ASCII text").
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wslconfig_assistant import reader, schema, values
from wslconfig_assistant.values import InvalidValueError

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
    ],
)
def test_quote_value(value: str, written: str) -> None:
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
