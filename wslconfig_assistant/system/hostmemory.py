"""Facts about the host machine that the checks need: its physical memory.

WSL's default VM memory is half of the host's RAM, so an unset ``memory`` can only
be judged against the host. On Windows we ask the same API WSL asks
(GlobalMemoryStatusEx). Inside a WSL distro /proc/meminfo describes the VM, not
the host, so there the host is unknown. ``WSLCONFIG_ASSISTANT_HOST_MEMORY`` (a size
such as ``16GB``) overrides both: the demo sandbox and tests use it.
"""

from __future__ import annotations

import os
import sys

from wslconfig_assistant.wslconfig import values

HOST_MEMORY_ENV = "WSLCONFIG_ASSISTANT_HOST_MEMORY"


def host_memory() -> tuple[int | None, str]:
    """Total physical memory in bytes (None when unknown) and where the figure came from."""
    override = os.environ.get(HOST_MEMORY_ENV)
    if override:
        try:
            return values.parse_size(override), f"${HOST_MEMORY_ENV}"
        except values.InvalidValueError:
            return None, f"${HOST_MEMORY_ENV} is not a size"
    if sys.platform == "win32":
        return _windows_total_memory(), "GlobalMemoryStatusEx"
    if running_inside_wsl():
        return None, "unknown inside WSL (/proc/meminfo is the VM's memory, not the host's)"
    return _proc_meminfo(), "/proc/meminfo"


def host_is_target() -> bool:
    """Whether this machine's WSL is the one that reads the file a check judges, so that a
    suggested size may depend on its RAM. Yes on Windows outside CI; no on a CI agent (CI,
    TF_BUILD) or off Windows (not a WSL host at all); the WSLCONFIG_ASSISTANT_HOST_MEMORY
    override names the target's RAM anywhere."""
    if os.environ.get(HOST_MEMORY_ENV):
        return True
    return sys.platform == "win32" and not os.environ.get("CI") and not os.environ.get("TF_BUILD")


def running_inside_wsl() -> bool:
    try:
        with open("/proc/sys/kernel/osrelease", encoding="ascii", errors="replace") as fh:
            return "microsoft" in fh.read().lower()
    except OSError:
        return False


def _proc_meminfo() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _windows_total_memory() -> int | None:
    """GlobalMemoryStatusEx's ullTotalPhys: the physical memory Windows can use (what WSL halves)."""
    from wslconfig_assistant.system import winapi  # noqa: PLC0415 - Windows only

    return winapi.total_physical_memory()
