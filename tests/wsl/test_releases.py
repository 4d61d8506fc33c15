"""releases: what each WSL release tag bundles (wsl-source.md §5), and what the tool
assumes for releases outside its table."""

from __future__ import annotations

import itertools

import pytest

from wslconfig_assistant.wsl import package_version
from wslconfig_assistant.wsl.package_version import MIN_DEVICEHOST, MIN_KERNEL, InvalidVersionError, meets
from wslconfig_assistant.wsl.releases import LAST_FULL_TAG, NEWEST_TAG, TABLE, Bundled, bundled, newer_than_table


def _gates(wsl: str) -> tuple[bool | None, bool | None]:
    b = bundled(wsl)
    return meets(b.kernel, MIN_KERNEL), meets(b.devicehost, MIN_DEVICEHOST)


@pytest.mark.parametrize("wsl", ["2.8.9", "2.8.9.0", "2.8.10.0", "2.8.11.0", "2.8.12.0", "2.9.0.0", "2.9.1.0",
                                 "2.9.3.0", "2.9.4.0", "2.9.4"])
def test_fast_path_releases_pass_both_minimums(wsl: str) -> None:
    assert _gates(wsl) == (True, True)
    assert bundled(wsl).source == "table"


@pytest.mark.parametrize("wsl", ["2.7.9.0", "2.7.10.0", "2.7.11.0"])
def test_2_7_late_releases_pass_the_kernel_but_not_the_devicehost(wsl: str) -> None:
    b = bundled(wsl)
    assert (b.kernel, b.devicehost) == ("6.18.33.2-2", "1.2.14-0")
    assert _gates(wsl) == (True, False)


def test_2_7_8_also_passes_the_kernel_only() -> None:
    assert bundled("2.7.8.0").kernel == "6.18.33.1-1"
    assert _gates("2.7.8.0") == (True, False)


@pytest.mark.parametrize("wsl", ["2.8.8.0", "2.8.5.0", "2.8.4.0", "2.8.0.0", "2.7.7.0", "2.7.4.0", "2.7.3.0",
                                 "2.6.3.0", "2.5.8.0"])
def test_older_releases_fail_both(wsl: str) -> None:
    assert _gates(wsl) == (False, False)


def test_2_8_8_exactly() -> None:
    assert bundled("2.8.8.0") == Bundled("2.8.8.0", "6.18.26.1-1", "1.2.23-0", None, "table", None)


def test_2_8_9_is_the_first_fast_path_release() -> None:
    assert bundled("2.8.9.0") == Bundled("2.8.9.0", MIN_KERNEL, MIN_DEVICEHOST, "1.0.77", "table", None)


def test_newer_than_the_table_is_inferred() -> None:
    b = bundled("3.1.0.0")
    assert b.source == "inferred"
    assert (b.wsl, b.kernel, b.devicehost, b.wslg) == ("3.1.0.0", "6.18.40.1-1", "1.2.62", None)
    assert (b.kernel_bound, b.devicehost_bound) == (True, True)
    assert b.note == (
        "WSL 3.1.0.0 is newer than this tool's table (newest 3.0.1); "
        "assuming it bundles at least kernel 6.18.40.1-1 and DeviceHost 1.2.62"
    )
    assert _gates("3.1.0.0") == (True, True)
    assert bundled("2.10.0.0").source == "inferred"  # numeric, not lexical
    assert newer_than_table("3.1.0.0")
    assert newer_than_table("3.0.2")
    assert not newer_than_table("3.0.1.0")


# 14.1: the releases after 2.9.4, each with only its confirmed cell; the others are lower bounds.
@pytest.mark.parametrize(
    ("wsl", "kernel", "kernel_bound", "devicehost", "devicehost_bound"),
    [
        ("2.9.5.0", "6.18.35.2-1", True, "1.2.48-0", True),  # no row: both from 2.9.4
        ("2.9.8.0", "6.18.35.2-1", True, "1.2.48-0", True),
        ("2.9.9.0", "6.18.35.2-1", True, "1.2.61", False),  # DeviceHost 1.2.61 confirmed (#41426)
        ("2.9.10.0", "6.18.35.2-1", True, "1.2.62", False),  # DeviceHost 1.2.62 confirmed (#41499)
        ("2.9.11.0", "6.18.40.1-1", False, "1.2.62", True),  # kernel confirmed (#41553)
        ("2.9.13.0", "6.18.40.1-1", True, "1.2.62", True),  # notes name no change: no row
        ("3.0.1.0", "6.18.40.1-1", False, "1.2.62", True),  # kernel from a pasted `wsl --version`
    ],
)
def test_releases_after_2_9_4(wsl: str, kernel: str, kernel_bound: bool, devicehost: str,
                              devicehost_bound: bool) -> None:
    b = bundled(wsl)
    assert (b.kernel, b.kernel_bound, b.devicehost, b.devicehost_bound) == (kernel, kernel_bound, devicehost,
                                                                           devicehost_bound)
    assert b.source == "inferred"
    assert b.note is not None
    assert "at least" in b.note
    assert _gates(wsl) == (True, True)


def test_unconfirmed_cells_stay_unknown_in_the_table() -> None:
    assert (TABLE["2.9.9"].kernel, TABLE["2.9.10"].kernel) == (None, None)
    assert (TABLE["2.9.11"].devicehost, TABLE["3.0.1"].devicehost) == (None, None)
    assert TABLE["2.9.9"].devicehost == "1.2.61"
    assert TABLE["2.9.10"].devicehost == "1.2.62"
    assert TABLE["2.9.11"].kernel == TABLE["3.0.1"].kernel == "6.18.40.1-1"
    assert not any(tag in TABLE for tag in ("2.9.5", "2.9.6", "2.9.7", "2.9.8", "2.9.12", "2.9.13"))


@pytest.mark.parametrize(
    "wsl",
    ["2.4.13.0", "2.4.8.0", "2.4.0", "2.5.7.0", "1.2.5.0", "0.58.3.0",  # older than the table
     "2.9.2.0", "2.9.2",  # absent from the research
     "2.5.11.0", "2.6.4.0", "2.7.12.0", "2.8.13.0",  # gaps: patches the research does not list
     "2.8.9.1"],  # a non-zero 4th part is not a release build
)
def test_unknown(wsl: str) -> None:
    b = bundled(wsl)
    assert (b.wsl, b.kernel, b.devicehost, b.wslg, b.source) == (wsl, None, None, None, "unknown")
    assert b.note is not None
    assert "DeviceHost is unknown" in b.note
    assert _gates(wsl) == (None, None)  # callers fail closed


def test_unknown_notes_say_why() -> None:
    assert "older than this tool's table (oldest 2.5.8)" in (bundled("2.4.13.0").note or "")
    assert "not a release in this tool's table (2.5.8 to 2.9.4)" in (bundled("2.9.2.0").note or "")


@pytest.mark.parametrize("bad", ["", "2.x.x.x", "v2.8.9", "6.18.26.3-1", "2.8.9.0.0"])
def test_not_a_wsl_version(bad: str) -> None:
    with pytest.raises(InvalidVersionError):
        bundled(bad)


# ---------------------------------------------------------------------------------------
# The table itself
# ---------------------------------------------------------------------------------------


def test_table_covers_2_5_8_to_3_0_1_without_2_9_2() -> None:
    assert "2.9.2" not in TABLE
    assert NEWEST_TAG == "3.0.1" == max(TABLE, key=lambda t: package_version.parse_wsl(t).release)
    assert LAST_FULL_TAG == "2.9.4"
    assert min(TABLE, key=lambda t: package_version.parse_wsl(t).release) == "2.5.8"
    expected = {"2.5.8", "2.5.9", "2.5.10", "2.6.0", "2.6.1", "2.6.2", "2.6.3"}
    expected |= {f"2.7.{i}" for i in range(12)} | {f"2.8.{i}" for i in range(13)} | {"2.9.0", "2.9.1", "2.9.3", "2.9.4"}
    expected |= {"2.9.9", "2.9.10", "2.9.11", "3.0.1"}
    assert set(TABLE) == expected


def test_table_versions_parse() -> None:
    for tag, rel in TABLE.items():
        package_version.parse_wsl(tag)
        if package_version.compare(tag, LAST_FULL_TAG) in (-1, 0):  # every cell up to 2.9.4 is confirmed
            assert rel.kernel is not None, tag
            assert rel.devicehost is not None, tag
        if rel.kernel is not None:
            package_version.parse_kernel(rel.kernel)
        if rel.devicehost is not None:
            package_version.parse_devicehost(rel.devicehost)
        assert rel.wslg is None or package_version.compare(rel.wslg, "1.0.66") in (0, 1), tag


def test_newest_line_never_goes_backwards() -> None:
    """From 2.8.0 on (the line 2.9.x continues), kernel and DeviceHost only grow: what the
    inference for releases newer than the table rests on. The 2.7 line was parallel."""
    line = sorted((t for t in TABLE if package_version.compare(t, "2.8.0") in (0, 1)),
                  key=lambda t: package_version.parse_wsl(t).release)
    for cell in ("kernel", "devicehost"):
        confirmed = [getattr(TABLE[t], cell) for t in line if getattr(TABLE[t], cell) is not None]
        for older, newer in itertools.pairwise(confirmed):
            assert meets(newer, older) is True, (cell, newer)
    assert package_version.compare(TABLE["2.8.0"].kernel, TABLE["2.7.11"].kernel) == -1  # why "unknown" for gaps


@pytest.mark.parametrize(
    ("wsl", "kernel", "wslg"),
    # Independent evidence: what real `wsl --version` pastes (shared corpus) printed.
    [
        ("2.5.9.0", "6.6.87.2-1", "1.0.66"),  # 031, 034
        ("2.5.10.0", "6.6.87.2-1", "1.0.66"),  # 055
        ("2.6.1.0", "6.6.87.2-1", "1.0.66"),  # 008, 029
        ("2.6.2.0", "6.6.87.2-1", "1.0.71"),  # 036
        ("2.6.3.0", "6.6.87.2-1", "1.0.71"),  # 023, 044, 045, 056
        ("2.7.10.0", "6.18.33.2-2", "1.0.73.2"),  # 054
    ],
)
def test_table_agrees_with_corpus_pastes(wsl: str, kernel: str, wslg: str) -> None:
    b = bundled(wsl)
    assert (b.kernel, b.wslg) == (kernel, wslg)

