"""Known virtiofs problems by WSL and DeviceHost version: a machine can meet every minimum and still
have a bug that bites on the fast path. Data, from wsl-after-2.9.4.md ("Known virtiofs problems by
version", issue numbers in microsoft/WSL); each row names the release that fixes it.

Only problems with a confirmed version range are rows: an open issue that affects every version
(inotify for Windows-side changes, #4739; `stat` I/O errors, #14301) or one whose fixing release is
unconfirmed (an elevated first start, #13877) would say the same thing to every machine, which tells
nobody anything. A row is shown only when the installed (or declared) version is certainly in its
range; a DeviceHost known only as a lower bound (releases.py) can rule a row out, never in.

The policy's ``[advisories] level`` makes them errors, leaves them warnings (the default) or turns
them off.
"""

from __future__ import annotations

from typing import NamedTuple

from wslconfig_assistant.core import shellcommand
from wslconfig_assistant.core.findings import Finding

LEVELS = ("warning", "error", "off")
ISSUES_URL = "https://github.com/microsoft/WSL/issues/"


class Advisory(NamedTuple):
    problem: str  # what goes wrong, for people
    issue: int  # the microsoft/WSL issue (or pull request) that describes it
    fixed_in: str  # the release that fixes it, as people say it
    wsl_from: str | None = None  # affected from this WSL release on (None: every earlier one)
    wsl_below: str | None = None  # affected before this WSL release
    devicehost_from: str | None = None  # the same ranges for the DeviceHost package
    devicehost_below: str | None = None

    @property
    def link(self) -> str:
        return f"{ISSUES_URL}{self.issue}"


TABLE: tuple[Advisory, ...] = (
    Advisory("one drive that cannot be shared (e.g. a cloud-drive letter) stops the automount of ALL drives "
             "(also #40790)", 40773, "WSL 2.9.0 (#40806)", wsl_below="2.9.0"),
    Advisory("ftruncate on a file opened with O_APPEND fails with EACCES", 40987,
             "DeviceHost 1.2.48-0 (WSL 2.9.4, #41044)", devicehost_below="1.2.48-0"),
    Advisory("a virtiofs regression can crash the dllhost process that serves the drives", 41292,
             "DeviceHost 1.2.60 (the first release known to carry it: WSL 2.9.9, DeviceHost 1.2.61)",
             devicehost_from="1.2.57-0", devicehost_below="1.2.60"),
    Advisory("Docker bind mounts over virtiofs show files as root-owned and cannot reopen them for writing", 40719,
             "WSL 2.9.12 (#40733)", wsl_below="2.9.12"),
    Advisory("when virtiofs cannot be used, the 9p fallback mounts the drives read-only", 41487,
             "WSL 2.9.11", wsl_from="2.9.0", wsl_below="2.9.11"),
)


class Installed(NamedTuple):
    wsl: str | None
    devicehost: str | None
    devicehost_is_lower_bound: bool = False


def _within(found: str | None, low: str | None, high: str | None, parse_name: str, *,
            lower_bound: bool = False) -> bool | None:
    """``low <= found < high``; None when it cannot be decided (unknown or unparseable version, or a
    lower bound that does not settle it)."""
    if low is None and high is None:
        return True
    if found is None:
        return None
    from wslconfig_assistant.wsl import package_version  # noqa: PLC0415

    parse = getattr(package_version, parse_name)
    try:
        value = parse(found)
        above_low = True if low is None else package_version.meets(value, parse(low))
        below_high = True if high is None else not package_version.meets(value, parse(high))
    except package_version.InvalidVersionError:
        return None
    if above_low is None or below_high is None:
        return None
    if lower_bound:
        # The real version is at or above ``found``: it can leave a range by its top, or enter one
        # that has no top; anything else is undecided.
        if not below_high:
            return False
        if high is None and above_low:
            return True
        return None
    return above_low and below_high


def affecting(installed: Installed) -> list[Advisory]:
    """The rows that certainly affect this WSL and DeviceHost."""
    found = []
    for row in TABLE:
        by_wsl = _within(installed.wsl, row.wsl_from, row.wsl_below, "parse_wsl")
        by_dh = _within(installed.devicehost, row.devicehost_from, row.devicehost_below, "parse_devicehost",
                        lower_bound=installed.devicehost_is_lower_bound)
        if by_wsl is True and by_dh is True:
            found.append(row)
    return found


def findings(installed: Installed, level: str, *, minimums_met: bool) -> list[Finding]:
    """`known-issue` findings for the rows that affect this machine, at the policy's level."""
    if level == "off":
        return []
    found = []
    for row in affecting(installed):
        by_devicehost = row.devicehost_from is not None or row.devicehost_below is not None
        what = f"WSL {installed.wsl}" + (f" (DeviceHost {installed.devicehost})" if by_devicehost else "")
        lead = (f"{what} meets the minimums, but has a known virtiofs bug" if minimums_met
                else f"{what} also has a known virtiofs bug")
        found.append(Finding.make(
            "known-issue",
            f"{lead}: {row.problem} ({row.link}); fixed in {row.fixed_in}",
            # Not `apply`: it updates only for a failed minimum, and this machine may meet them all.
            # One command line (`A; B` runs both in PowerShell and in sh): no prose glued to a command.
            f"update WSL and restart it (fixed in {row.fixed_in}): {shellcommand.wsl('--update', '--pre-release')}; "
            f"{shellcommand.wsl('--shutdown')}",
            severity="error" if level == "error" else "warning",
        ))
    return found
