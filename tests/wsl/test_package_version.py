"""versions: the three version shapes (WSL, kernel package or uname, DeviceHost) and the
fail-closed comparison. Sources: libraries.md §3 (packaging vs WSL versions),
wsl-source.md §3 and §5, corpus NOTES.md ("Value shapes").
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wslconfig_assistant.core import errors
from wslconfig_assistant.wsl import package_version
from wslconfig_assistant.wsl.package_version import (
    MIN_DEVICEHOST,
    MIN_KERNEL,
    InvalidVersionError,
    PackageVersion,
    compare,
    meets,
    parse_devicehost,
    parse_kernel,
    parse_wsl,
)

UNAME = "-microsoft-standard-WSL2"

# ---------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "release"),
    [("2.8.9.0", (2, 8, 9, 0)), ("2.8.9", (2, 8, 9)), ("0.58.3.0", (0, 58, 3, 0)), ("3.0.1.0", (3, 0, 1, 0))],
)
def test_parse_wsl(text: str, release: tuple[int, ...]) -> None:
    assert parse_wsl(text) == PackageVersion(text, release, None, None)


@pytest.mark.parametrize(
    "text",
    # PEP 440 accepts all of the first five; WSL prints none of them.
    ["v2.8.9", "2.8.9rc1", "2.7.0-pre", "1!2.8.9", "2.8.9+local", "2", "2.8.9.0.1", "2.x.x.x", "", "WSL 2.8.9"],
)
def test_parse_wsl_rejects(text: str) -> None:
    with pytest.raises(InvalidVersionError, match="is not a WSL version"):
        parse_wsl(text)


@pytest.mark.parametrize(
    ("text", "release", "revision", "flavour"),
    [
        ("6.18.26.3-1", (6, 18, 26, 3), (1,), None),
        ("6.18.33.2-2", (6, 18, 33, 2), (2,), None),
        ("5.15.90.1", (5, 15, 90, 1), None, None),
        ("6.18.26.3-microsoft-standard-WSL2", (6, 18, 26, 3), None, "microsoft-standard-WSL2"),
        ("5.15.153.1-microsoft-standard-WSL2", (5, 15, 153, 1), None, "microsoft-standard-WSL2"),
        ("6.1.21.2-microsoft-standard-WSL2+", (6, 1, 21, 2), None, "microsoft-standard-WSL2+"),  # custom build
        (" 6.18.26.3-1\n", (6, 18, 26, 3), (1,), None),
    ],
)
def test_parse_kernel(text: str, release: tuple[int, ...], revision: tuple[int, ...] | None,
                      flavour: str | None) -> None:
    assert parse_kernel(text) == PackageVersion(text, release, revision, flavour)


@pytest.mark.parametrize(
    ("text", "release", "revision"),
    [("1.2.29-0", (1, 2, 29), (0,)), ("1.0.0-20241009.4", (1, 0, 0), (20241009, 4)), ("1.2.48-0", (1, 2, 48), (0,)),
     ("1.2.29", (1, 2, 29), None)],
)
def test_parse_devicehost(text: str, release: tuple[int, ...], revision: tuple[int, ...] | None) -> None:
    assert parse_devicehost(text) == PackageVersion(text, release, revision, None)


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_kernel, "6"),
        (parse_kernel, "6.18.26.3-"),
        (parse_kernel, "kernel 6.18.26.3"),
        (parse_kernel, "6.18.x.3-1"),
        (parse_devicehost, "1.2.29-0-microsoft"),  # DeviceHost has no flavour
        (parse_devicehost, "1.2.29-pre"),
        (parse_devicehost, ""),
    ],
)
def test_parse_rejects(parse: Callable[[str], PackageVersion], text: str) -> None:
    with pytest.raises(InvalidVersionError, match=r"is not a (kernel|DeviceHost) version"):
        parse(text)


def test_invalid_version_error_is_a_value_error_and_a_usage_error() -> None:
    with pytest.raises(ValueError, match=r"expected a form like 6\.18\.26\.3-1") as info:
        parse_kernel("garbage")
    assert isinstance(info.value, errors.UsageError)
    assert info.value.exit_code == errors.ExitCode.USAGE


def test_long_garbage_is_shortened_in_the_message() -> None:
    with pytest.raises(InvalidVersionError) as info:
        parse_devicehost("x" * 500)
    assert len(str(info.value)) < 200


# ---------------------------------------------------------------------------------------
# Comparison: the brief's must-holds and libraries.md §3's table
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("6.18.26.3-1", "6.18.26.10-1"),  # numeric, not lexical
        ("6.18.26.3-0", "6.18.26.3-1"),
        ("1.2.3-0", "1.2.29-0"),
        ("6.6.87.2-1", "6.18.26.3-1"),
        ("5.15.167.4-1", "6.18.26.3-1"),
        ("6.18.26.3", "6.18.26.3-1"),  # a missing revision sorts below any revision
        ("6.18.26.3", "6.18.26.3-0"),  # ... even -0, unlike PEP 440's .post0
        ("1.0.0-20241009.4", "1.2.29-0"),
        ("1.0.0-20241009.4", "1.0.0-20251202.1"),
        ("1.0.0-20241009.4", "1.0.0-20241009.5"),
        ("6.6.114.1-1", "6.18.26.1-1"),
    ],
)
def test_order(lower: str, higher: str) -> None:
    assert compare(lower, higher) == -1
    assert compare(higher, lower) == 1
    assert meets(higher, lower) is True
    assert meets(lower, higher) is False


@pytest.mark.parametrize(
    ("a", "b"),
    [("2.6.1.0", "2.6.1"), ("6.18.26.3-1", "6.18.26.3-1"), ("1.0.0-20241009.4", "1.0.0-20241009.4.0"),
     ("1.2.29-0", "1.2.29.0-0")],
)
def test_equal_after_zero_padding(a: str, b: str) -> None:
    assert compare(a, b) == 0
    assert meets(a, b) is True


def test_the_brief_must_holds_with_typed_parsers() -> None:
    k, d = parse_kernel, parse_devicehost
    assert meets(k("6.18.26.10-1"), k("6.18.26.3-1")) is True
    assert meets(k("6.18.26.3-0"), k("6.18.26.3-1")) is False
    assert meets(d("1.2.29-0"), d("1.2.3-0")) is True
    assert meets(k("6.6.87.2-1"), k("6.18.26.3-1")) is False
    assert meets(k("6.18.26.3"), k("6.18.26.3-1")) is False
    assert meets(d("1.0.0-20241009.4"), d("1.2.29-0")) is False
    assert meets(k("6.18.27.1" + UNAME), k(MIN_KERNEL)) is True
    assert meets(k("6.18.26.3" + UNAME), k(MIN_KERNEL)) is None
    assert meets(parse_wsl("2.8.9.0"), parse_wsl("2.8.9")) is True


@pytest.mark.parametrize(
    ("running", "expected"),
    [
        ("6.18.27.1", True),
        ("6.18.35.2", True),
        ("6.18.26.4", True),
        ("6.18.26.3", None),  # same release: uname has no package revision, so it cannot tell -1 from -0
        ("6.18.26.2", False),
        ("6.6.114.1", False),
        ("5.15.153.1", False),
    ],
)
def test_running_kernel_against_the_minimum(running: str, expected: bool | None) -> None:
    assert meets(running + UNAME, MIN_KERNEL) is expected


@pytest.mark.parametrize("bad", [None, "", "garbage", "6.18.x", "unknown", "2.x.x.x"])
def test_undecidable_is_none(bad: str | None) -> None:
    assert meets(bad, MIN_KERNEL) is None
    assert meets(MIN_KERNEL, bad) is None
    assert compare(bad, MIN_DEVICEHOST) is None


def test_minimums() -> None:
    assert parse_kernel(MIN_KERNEL).revision == (1,)
    assert parse_devicehost(MIN_DEVICEHOST).revision == (0,)
    assert meets(MIN_KERNEL, MIN_KERNEL) is True
    assert meets(MIN_DEVICEHOST, MIN_DEVICEHOST) is True


# ---------------------------------------------------------------------------------------
# Why packaging is not used for kernel and DeviceHost (the docstring's claims, kept true)
# ---------------------------------------------------------------------------------------


def test_packaging_quirks_that_versions_avoids() -> None:
    from packaging.version import InvalidVersion, Version

    # -0 becomes .post0 and sorts ABOVE the bare release; ours puts the bare release below.
    assert Version("6.18.26.3-0") > Version("6.18.26.3")
    assert compare("6.18.26.3", "6.18.26.3-0") == -1
    # -pre silently becomes a release candidate.
    assert str(Version("2.7.0-pre")) == "2.7.0rc0"
    # The uname form and the date-stamped DeviceHost revision do not parse at all.
    for text in ("6.18.26.3-microsoft-standard-WSL2", "1.0.0-20241009.4"):
        with pytest.raises(InvalidVersion):
            Version(text)
    doc = package_version.__doc__ or ""
    assert "post0" in doc
    assert "rc" in doc


def test_packaging_is_not_imported_until_a_wsl_version_is_parsed() -> None:
    code = (
        "import sys; import wslconfig_assistant.wsl.package_version as v; a = 'packaging' in sys.modules; "
        "v.meets('6.18.26.3-1', v.MIN_KERNEL); b = 'packaging' in sys.modules; "
        "v.parse_wsl('2.9.4.0'); print(a, b, 'packaging.version' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "True"]


# ---------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------

_parts = st.lists(st.integers(0, 40), min_size=2, max_size=5)
_revision = st.none() | st.lists(st.integers(0, 3), min_size=1, max_size=2)


def _text(release: list[int], revision: list[int] | None) -> str:
    text = ".".join(map(str, release))
    return text if revision is None else text + "-" + ".".join(map(str, revision))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_parts, _revision, _parts, _revision)
def test_compare_is_antisymmetric_and_matches_padded_tuples(
    ra: list[int], va: list[int] | None, rb: list[int], vb: list[int] | None
) -> None:
    a, b = _text(ra, va), _text(rb, vb)
    order = compare(a, b)
    assert order is not None
    assert compare(b, a) == -order
    width = max(len(ra), len(rb))
    pa, pb = ra + [0] * (width - len(ra)), rb + [0] * (width - len(rb))
    if pa != pb:
        assert order == (1 if pa > pb else -1)
    elif (va is None) != (vb is None):
        assert order == (1 if vb is None else -1)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_parts, _parts)
def test_wsl_versions_order_like_packaging(ra: list[int], rb: list[int]) -> None:
    from packaging.version import Version

    a, b = ".".join(map(str, ra[:4])), ".".join(map(str, rb[:4]))
    expected = (Version(a) > Version(b)) - (Version(a) < Version(b))
    assert compare(parse_wsl(a), parse_wsl(b)) == expected
