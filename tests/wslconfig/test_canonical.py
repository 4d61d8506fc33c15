"""Values from the command line, in process: what `set` writes and the value WSL then uses.

canonical.py turns what the user typed into the text WSL reads best; each test names the rule of WSL's
parser (research/wsl-source.md) that decides the written form.
"""

from __future__ import annotations

import pytest

from wslconfig_assistant.core.errors import UsageError
from wslconfig_assistant.wslconfig.canonical import canonical
from wslconfig_assistant.wslconfig.document import resolve_key


@pytest.mark.parametrize(
    ("key", "typed", "written", "value"),
    [
        # sizes: whole units, upper-case suffixes (WSL's suffixes are case-sensitive), no unit = bytes
        ("wsl2.memory", "8GB", "8GB", 8 * 1024**3),
        ("wsl2.memory", "8192MB", "8GB", 8 * 1024**3),
        ("wsl2.memory", "1024", "1KB", 1024),
        # booleans: WSL compares true/false case-insensitively; we write lower case
        ("wsl2.virtiofs", "TRUE", "true", True),
        # integers: decimal, leading zeros dropped
        ("wsl2.processors", "04", "4", 4),
        # enums: compared case-insensitively, written as WSL spells them
        ("wsl2.networkingMode", "MIRRORED", "Mirrored", "Mirrored"),
        # strings: a backslash is an escape in WSL's reader, so each one is doubled
        ("wsl2.kernel", "C:\\wsl\\k", "C:\\\\wsl\\\\k", "C:\\wsl\\k"),
    ],
)
def test_the_written_form_reads_back_as_the_typed_value(key: str, typed: str, written: str, value: object) -> None:
    assert canonical(resolve_key(key), typed) == (written, value)


@pytest.mark.parametrize(
    ("key", "typed", "fix"),
    [
        ("wsl2.memory", "8gb", "did you mean 8GB?"),  # lower-case suffix: WSL rejects the size
        ("wsl2.memory", "+8GB", "did you mean 8GB?"),  # a sign: WSL's size parser has none
        ("wsl2.kernel", "a\tb", "pass the value on one line, without control characters"),
    ],
)
def test_values_wsl_would_reject_or_misread_are_refused(key: str, typed: str, fix: str) -> None:
    with pytest.raises(UsageError) as caught:
        canonical(resolve_key(key), typed)
    assert caught.value.fix == fix


@pytest.mark.parametrize(
    ("key", "typed", "written", "value"),
    [
        # WSL reads a MAC, an IPv4 address and a port list as typed: written unchanged
        ("wsl2.macAddress", "00:15:5d:01:02:03", "00:15:5d:01:02:03", "00:15:5d:01:02:03"),
        ("experimental.dnsTunnelingIpAddress", "10.0.0.1", "10.0.0.1", "10.0.0.1"),
        # ports: stoi skips blanks before each entry; we write the numbers WSL reads, comma-separated
        ("experimental.ignoredPorts", "80, 443", "80,443", [80, 443]),
        ("experimental.ignoredPorts", "3000", "3000", [3000]),
        # the ends of a 32-bit long and of a 64-bit size are still exact
        ("wsl2.vmIdleTimeout", "-2147483648", "-2147483648", -(2**31)),
        ("wsl2.swap", "17179869183GB", "17179869183GB", 17179869183 * 2**30),
        ("wsl2.swap", "0", "0", 0),
    ],
)
def test_values_wsl_reads_as_typed_are_written_as_read(key: str, typed: str, written: str, value: object) -> None:
    assert canonical(resolve_key(key), typed) == (written, value)


@pytest.mark.parametrize(
    ("key", "typed", "fix"),
    [
        # no closer suggestion from WSL's parser: an example of the type
        ("wsl2.virtiofs", "2", "use true or false"),
        ("wsl2.processors", "four", "use a whole number, e.g. 4"),
        ("wsl2.processors", "99999999999", "use a whole number, e.g. 4"),  # strtol would saturate to 2147483647
        ("wsl2.memory", "17179869184GB", "use a size such as 8GB or 512MB"),  # wraps to 0 in WSL
        ("wsl2.memory", "99999999999999999999", "use a size such as 8GB or 512MB"),  # strtoull saturates
        ("wsl2.networkingMode", "xyz", "use one of None, Nat, Bridged, Mirrored, Consomme, VirtioProxy"),
        ("wsl2.macAddress", "00:15:5D:01:02", "use six hex pairs, e.g. 00:15:5D:01:02:03"),
        ("experimental.dnsTunnelingIpAddress", "010.1.1.1", "use an IPv4 address, e.g. 10.255.255.254"),
        ("experimental.ignoredPorts", "a,80", "use port numbers separated by commas, e.g. 3000,8080"),
        ("experimental.ignoredPorts", "", "use port numbers separated by commas, e.g. 3000,8080"),
        ("experimental.ignoredPorts", "0", "use port numbers separated by commas, e.g. 3000,8080"),
        # the parser's own suggestion when it has one
        ("wsl2.processors", "08", "did you mean 8?"),  # a leading 0 is octal in strtol
        ("wsl2.vmIdleTimeout", "-08", "did you mean -8?"),
        ("wsl2.virtiofs", "yes", "did you mean true?"),
        # a sign before a size: WSL's strtoull would negate it; the suggestion is the size WSL reads best
        ("wsl2.memory", " -1GB", "did you mean 1GB?"),
        ("wsl2.memory", "-8gb", "did you mean 8GB?"),
        ("wsl2.memory", "+8192MB", "did you mean 8GB?"),
        ("wsl2.memory", "+-8GB", "did you mean 8GB?"),
        ("wsl2.memory", "-GB", "use a size such as 8GB or 512MB"),
        ("wsl2.memory", "-X8GB", "use a size such as 8GB or 512MB"),  # only signs are dropped: no guess past junk
        ("wsl2.swap", "-17179869184GB", "use a size such as 8GB or 512MB"),  # unsigned it still wraps to 0 in WSL
    ],
)
def test_a_refused_value_gets_the_closest_fix(key: str, typed: str, fix: str) -> None:
    with pytest.raises(UsageError) as caught:
        canonical(resolve_key(key), typed)
    assert caught.value.fix == fix
    assert caught.value.message.startswith(f"{resolve_key(key).name}: ")


def test_a_refused_port_list_is_named_in_the_message() -> None:
    with pytest.raises(UsageError) as caught:
        canonical(resolve_key("experimental.ignoredPorts"), "80,x")
    assert caught.value.message == "experimental.ignoredPorts: '80,x' is not a comma list of port numbers 1-65535"


@pytest.mark.parametrize(
    ("typed", "codes", "why"),
    [
        ("a\nb", "U+000A", "a line break would start a new line, section or key in the file"),
        ("a\rb", "U+000D", "a line break would start a new line, section or key in the file"),
        ("a\tb\x01", "U+0001, U+0009", "WSL would take them into the value, where nobody can see them"),
        ("a\x7fb", "U+007F", "WSL would take them into the value, where nobody can see them"),  # DEL too
        ("\x1f\n", "U+000A, U+001F", "a line break would start a new line, section or key in the file"),
    ],
)
def test_control_characters_are_refused_with_their_code_points(typed: str, codes: str, why: str) -> None:
    with pytest.raises(UsageError) as caught:
        canonical(resolve_key("wsl2.kernelCommandLine"), typed)
    assert caught.value.message == f"wsl2.kernelCommandLine: the value contains control characters ({codes}); {why}"
    assert caught.value.fix == "pass the value on one line, without control characters"


def test_non_ascii_is_refused_with_what_wsl_would_read() -> None:
    """WSL cuts each UTF-16 unit to its low byte and decodes the bytes as UTF-8: é becomes U+FFFD."""
    with pytest.raises(UsageError) as caught:
        canonical(resolve_key("wsl2.kernel"), "C:\\Users\\José\\k")
    assert caught.value.message == (
        "wsl2.kernel: WSL mangles non-ASCII characters in values (each becomes its low byte): "
        "it would read 'C:\\\\Users\\\\Jos\ufffd\\\\k'"
    )
    assert caught.value.fix == (
        "use ASCII only, e.g. a folder such as C:\\wsl instead of one under a non-ASCII user name"
    )
