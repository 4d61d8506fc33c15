"""When the running WSL VM booted, as a window that stays true after the host slept.

The guest's ``/proc/uptime`` counts only the time its virtual CPUs ran: while the host sleeps or
hibernates the VM is stopped with it, so afterwards the uptime undercounts by up to the time slept,
and "now minus uptime" is later than the real boot. Used alone it can claim that the VM started
after a .wslconfig change that in fact came while it ran (issue 12.10).

Markers considered, and why this one:
- the guest's ``btime`` (/proc/stat) is computed on each read as the guest's wall clock minus its
  boot-time clock; WSL resynchronises the guest's wall clock from the host after a resume, which
  moves btime later by the same amount: it fails the same way;
- the guest's ``boot_id`` (/proc/sys/kernel/random/boot_id) names a boot and survives sleep, but says
  nothing about when; it would need a record taken before the change, and hand edits leave none;
- the host knows how long it slept: GetTickCount64 counts sleep, QueryUnbiasedInterruptTime does not
  (winapi.host_sleep_seconds). The uptime can undercount by at most that, so the boot lies within
  [now - uptime - slept, now - uptime]. A change before the window's start certainly preceded the
  boot, one after its end certainly followed it; in between, after a sleep, nobody can tell and we
  say so instead of guessing.

Off Windows (the simulator, or the Linux build inside WSL) the host's sleep is not known: the window
is the single point "now minus uptime", as before, and ``source`` says so.
"""

from __future__ import annotations

import sys
import time
from typing import Literal, NamedTuple

Order = Literal["before", "after", "unknown"]


class BootWindow(NamedTuple):
    earliest: float  # Unix time: the VM booted at or after this ...
    latest: float  # ... and at or before this
    uptime: float  # the guest's own uptime, seconds
    slept: float | None  # the host's sleep since it started, seconds; None: not known here
    source: str  # for people

    def change_was(self, changed: float) -> Order:
        """Whether a change at ``changed`` (Unix time) came before or after the boot, or cannot be told."""
        if changed > self.latest:
            return "after"
        if changed < self.earliest:
            return "before"
        return "unknown"


def boot_window(uptime_text: str | None, now: float | None = None) -> BootWindow | None:
    """The window the VM booted in, from the guest's ``/proc/uptime`` ("seconds-up idle-seconds");
    None when that is not an uptime."""
    try:
        uptime = float((uptime_text or "").split()[0])
    except (IndexError, ValueError):
        return None
    if not 0 <= uptime < float("inf"):  # NaN, negative, infinite: not an uptime
        return None
    latest = (time.time() if now is None else now) - uptime
    if sys.platform != "win32":
        return BootWindow(latest, latest, uptime, None, "the guest's uptime (the host's sleep is not known here)")
    from wslconfig_assistant.system import winapi  # noqa: PLC0415 - Windows only

    slept = winapi.host_sleep_seconds()
    if slept is None:  # the host could not say: the uptime may undercount by any amount
        return BootWindow(float("-inf"), latest, uptime, None,
                          "the guest's uptime; the host's sleep time could not be read")
    return BootWindow(latest - slept, latest, uptime, slept,
                      f"the guest's uptime and the host's {slept:.0f} s of sleep since it started")
