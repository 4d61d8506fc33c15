"""Values from the command line, in process: what `set` writes and the value WSL then uses.

canonical.py turns what the user typed into the text WSL reads best; each test names the rule of WSL's
parser (research/wsl-source.md) that decides the written form.
"""

from __future__ import annotations

import pytest

from wslconfig_assistant.canonical import canonical
from wslconfig_assistant.document import resolve_key
from wslconfig_assistant.errors import UsageError


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
