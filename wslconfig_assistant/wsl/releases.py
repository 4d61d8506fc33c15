"""What each WSL release bundles: its kernel, DeviceHost and WSLg package versions.

Nothing on a Windows machine reports the DeviceHost version (no ``--version`` line, no
registry value; wsl-source.md §5), so the only way to judge it is to map the WSL
version to what its release tag pinned in ``packages.config``. The table is
wsl-source.md §5 ("Bundled versions per release tag"), read at microsoft/WSL 3e27a6a
(newest tag 2.9.4), then wsl-after-2.9.4.md for the releases after it (WinGet release
notes, users' ``wsl --version``). Its ranges are written out here one tag per row.

After 2.9.4 only single cells are confirmed (2.9.9's DeviceHost, 2.9.11's kernel, ...):
an unconfirmed cell is None in the table, never filled in. What a caller gets for it is
a LOWER BOUND, marked as one: the newest confirmed value of an earlier release on the
same line, because that line (2.8.0 on) never moved its kernel or DeviceHost backwards.

Only tags that the research covers are listed. A tag up to 2.9.4 that the table does not
name is "unknown", never interpolated: 2.9.2 has no tag, and a gap such as a later 2.7.x
patch may bundle anything (the 2.7 and 2.8 lines were maintained in parallel with
different kernels). A version after 2.9.4 (a release without a row, 2.9.5-2.9.8, or one
newer than every row) gets lower bounds ("inferred"), and says so.
"""

from __future__ import annotations

from typing import NamedTuple

from wslconfig_assistant.wsl import package_version

__all__ = ["LAST_FULL_TAG", "NEWEST_TAG", "TABLE", "Bundled", "Release", "bundled", "newer_than_table"]


class Release(NamedTuple):
    kernel: str | None  # Microsoft.WSL.Kernel package, as `wsl --version` prints it on line 2; None: unconfirmed
    devicehost: str | None  # Microsoft.WSL.DeviceHost package; reported by nothing on the machine; None: unconfirmed
    wslg: str | None  # None where the research gives several values for a range of tags, or none


class Bundled(NamedTuple):
    wsl: str  # the version asked about, as given
    kernel: str | None
    devicehost: str | None
    wslg: str | None
    source: str  # "table" (every given value confirmed), "inferred" (a value is a lower bound), "unknown"
    note: str | None  # for people: why "inferred" or "unknown"
    kernel_bound: bool = False  # kernel is a lower bound (newest confirmed earlier value), not the release's own
    devicehost_bound: bool = False  # the same for the DeviceHost


_EARLY_DH = "1.0.0-20241009.4"  # the date-stamped DeviceHost of 2.5.8 ... 2.6.3
_K_6_6_87_2 = "6.6.87.2-1"
_K_6_6_114 = "6.6.114.1-1"
_K_6_18_26_1 = "6.18.26.1-1"

# WSL tag -> what its packages.config pins. Written-out ranges:
#   2.5.9-2.6.1 -> 2.5.9, 2.5.10, 2.6.0, 2.6.1 (2.5.10 is also seen in corpus paste 055)
#   2.7.4-2.7.7, 2.7.9-2.7.11, 2.8.1-2.8.3, 2.8.5-2.8.8, 2.8.9-2.8.11 -> every patch between.
# WSLg "1.0.73/1.0.74.1/1.0.73.2" (2.7.4-2.7.7) and "1.0.76/1.0.77" (2.8.5-2.8.8) are not
# attributed to single tags in the research, so those rows say None rather than guess.
TABLE: dict[str, Release] = {
    "2.5.8": Release("6.6.87.1-1", _EARLY_DH, "1.0.66"),
    "2.5.9": Release(_K_6_6_87_2, _EARLY_DH, "1.0.66"),
    "2.5.10": Release(_K_6_6_87_2, _EARLY_DH, "1.0.66"),
    "2.6.0": Release(_K_6_6_87_2, _EARLY_DH, "1.0.66"),
    "2.6.1": Release(_K_6_6_87_2, _EARLY_DH, "1.0.66"),
    "2.6.2": Release(_K_6_6_87_2, _EARLY_DH, "1.0.71"),
    "2.6.3": Release(_K_6_6_87_2, _EARLY_DH, "1.0.71"),
    "2.7.0": Release(_K_6_6_114, "1.0.0-20251202.1", "1.0.71"),
    "2.7.1": Release(_K_6_6_114, "1.1.39-0", "1.0.73"),
    "2.7.2": Release(_K_6_6_114, "1.2.10-0", "1.0.73"),
    "2.7.3": Release(_K_6_6_114, "1.2.14-0", "1.0.73"),
    "2.7.4": Release(_K_6_18_26_1, "1.2.14-0", None),
    "2.7.5": Release(_K_6_18_26_1, "1.2.14-0", None),
    "2.7.6": Release(_K_6_18_26_1, "1.2.14-0", None),
    "2.7.7": Release(_K_6_18_26_1, "1.2.14-0", None),
    "2.7.8": Release("6.18.33.1-1", "1.2.14-0", "1.0.73.2"),
    # 2.7.9-2.7.11 pass the kernel minimum by number but keep the old DeviceHost, and
    # whether their 6.18.33.x kernels carry the swiotlb patch is unconfirmed (§5 note).
    "2.7.9": Release("6.18.33.2-2", "1.2.14-0", "1.0.73.2"),
    "2.7.10": Release("6.18.33.2-2", "1.2.14-0", "1.0.73.2"),
    "2.7.11": Release("6.18.33.2-2", "1.2.14-0", "1.0.73.2"),
    "2.8.0": Release(_K_6_6_114, "1.1.48-0", "1.0.76"),
    "2.8.1": Release(_K_6_6_114, "1.2.10-0", "1.0.76"),
    "2.8.2": Release(_K_6_6_114, "1.2.10-0", "1.0.76"),
    "2.8.3": Release(_K_6_6_114, "1.2.10-0", "1.0.76"),
    "2.8.4": Release(_K_6_6_114, "1.2.14-0", "1.0.76"),
    "2.8.5": Release(_K_6_18_26_1, "1.2.23-0", None),
    "2.8.6": Release(_K_6_18_26_1, "1.2.23-0", None),
    "2.8.7": Release(_K_6_18_26_1, "1.2.23-0", None),
    "2.8.8": Release(_K_6_18_26_1, "1.2.23-0", None),
    # The first releases with the fast path's kernel and DeviceHost (commit c4ef2c7dd).
    "2.8.9": Release("6.18.26.3-1", "1.2.29-0", "1.0.77"),
    "2.8.10": Release("6.18.26.3-1", "1.2.29-0", "1.0.77"),
    "2.8.11": Release("6.18.26.3-1", "1.2.29-0", "1.0.77"),
    "2.8.12": Release("6.18.35.1-1", "1.2.29-0", "1.0.78"),
    "2.9.0": Release("6.18.35.1-1", "1.2.36-0", "1.0.78"),
    "2.9.1": Release("6.18.35.2-1", "1.2.36-0", "1.0.78"),
    # 2.9.2: not in the research; unknown on purpose.
    "2.9.3": Release("6.18.35.2-1", "1.2.39-0", "1.0.79"),
    "2.9.4": Release("6.18.35.2-1", "1.2.48-0", "1.0.79"),
    # After 2.9.4 (wsl-after-2.9.4.md): one confirmed cell per row; None is unconfirmed, on purpose.
    # 2.9.5-2.9.8: nothing confirmed (PR #41292, merged 2026-08-07, brings DeviceHost 1.2.60 in one of them).
    "2.9.9": Release(None, "1.2.61", None),  # "Update Microsoft.WSL.DeviceHost to 1.2.61" (#41426), WinGet notes
    "2.9.10": Release(None, "1.2.62", None),  # "Bump WSL DeviceHost to 1.2.62" (#41499), WinGet notes
    "2.9.11": Release("6.18.40.1-1", None, None),  # a user's `wsl --version` (microsoft/WSL#41553)
    # 2.9.12, 2.9.13: the notes name no kernel or DeviceHost change, which confirms no value: no row.
    "3.0.1": Release("6.18.40.1-1", None, None),  # a pasted `wsl --version`; "3.0" is a package number
}
NEWEST_TAG = "3.0.1"
LAST_FULL_TAG = "2.9.4"  # the newest tag whose packages.config was read: every cell up to here is confirmed
_OLDEST_TAG = "2.5.8"


def bundled(wsl_version: str) -> Bundled:
    """What the WSL release ``wsl_version`` (``2.8.9.0`` or ``2.8.9``) bundles.

    Raises ``package_version.InvalidVersionError`` when ``wsl_version`` is not a WSL version.
    """
    found = package_version.parse_wsl(wsl_version)
    tag = _tag_of(found.release)
    if package_version.compare(found, LAST_FULL_TAG) == 1:
        return _after_full_tags(wsl_version, found, TABLE.get(tag or ""))
    if tag in TABLE:
        rel = TABLE[tag]
        return Bundled(wsl_version, rel.kernel, rel.devicehost, rel.wslg, "table", None)
    return Bundled(wsl_version, None, None, None, "unknown", _unknown_note(wsl_version, found))


def newer_than_table(wsl_version: str) -> bool:
    """True when ``wsl_version`` is newer than every release in the table (its values are lower bounds)."""
    try:
        return package_version.compare(package_version.parse_wsl(wsl_version), NEWEST_TAG) == 1
    except package_version.InvalidVersionError:
        return False


def _tag_of(release: tuple[int, ...]) -> str | None:
    """The release tag of a package version: 2.8.9.0 -> 2.8.9. A non-zero 4th part is
    not a release build, so it names no tag."""
    if len(release) == 4 and release[3] != 0:
        return None
    return ".".join(str(p) for p in release[:3])


def _after_full_tags(wsl_version: str, found: package_version.PackageVersion, row: Release | None) -> Bundled:
    """A release after 2.9.4: its own confirmed cells, else the newest confirmed earlier value as a
    lower bound (the newest line never went backwards). WSLg gates nothing, so it is not bounded."""
    kernel, kernel_bound = (row.kernel, False) if row and row.kernel else (_bound(found, "kernel"), True)
    devicehost, dh_bound = (row.devicehost, False) if row and row.devicehost else (_bound(found, "devicehost"), True)
    if not (kernel_bound or dh_bound):
        return Bundled(wsl_version, kernel, devicehost, row.wslg if row else None, "table", None)
    if row is None and package_version.compare(found, NEWEST_TAG) == 1:
        where = f"WSL {wsl_version} is newer than this tool's table (newest {NEWEST_TAG})"
    elif row is None:
        where = f"WSL {wsl_version} has no row in this tool's table"
    else:
        where = f"this tool's table does not confirm every package of WSL {wsl_version}"
    bounds = [f"{name} {value}" for name, value, bound in
              (("kernel", kernel, kernel_bound), ("DeviceHost", devicehost, dh_bound)) if bound]
    note = f"{where}; assuming it bundles at least " + " and ".join(bounds)
    return Bundled(wsl_version, kernel, devicehost, row.wslg if row else None, "inferred", note,
                   kernel_bound, dh_bound)


def _bound(found: package_version.PackageVersion, cell: str) -> str:
    """The newest confirmed ``cell`` of a release at or before ``found`` on the newest line."""
    best: tuple[tuple[int, ...], str] | None = None
    for tag, rel in TABLE.items():
        value = getattr(rel, cell)
        release = package_version.parse_wsl(tag).release
        if value is None or package_version.compare(package_version.parse_wsl(tag), found) == 1:
            continue
        if best is None or release > best[0]:
            best = (release, value)
    assert best is not None  # noqa: S101 - LAST_FULL_TAG's row is complete and older than found
    return best[1]


def _unknown_note(wsl_version: str, found: package_version.PackageVersion) -> str:
    if package_version.compare(found, _OLDEST_TAG) == -1:
        return f"WSL {wsl_version} is older than this tool's table (oldest {_OLDEST_TAG}); its DeviceHost is unknown"
    return (
        f"WSL {wsl_version} is not a release in this tool's table ({_OLDEST_TAG} to {LAST_FULL_TAG}); "
        "its DeviceHost is unknown"
    )
