"""Is WSL installed, and which version, without starting wsl.exe (issue 14.6, 12.6).

``HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Lxss\\MSI`` holds the installed WSL package's
``Version`` (and ``InstallLocation``): the MSI that both the GitHub release and the Store package
install writes it (wsl-after-2.9.4.md "DeviceHost version on a machine"). It tells a real install
from the inbox ``wsl.exe`` of the Windows image, which knows no ``--version`` and, on current
Windows builds, may answer "Press any key to install" and wait until our 60 s timeout.

What it does NOT give is the kernel: the kernel package (and so its gate) still comes from
``wsl --version``. So the registry version serves where the WSL version alone suffices: ``show``
naming values as the installed WSL does, ``validate --offline``'s version-aware checks, and the
decision not to run an inbox-only ``wsl.exe`` at all.

An install is present when any of these is: the MSI key's ``Version`` or ``InstallLocation``, the
install folder ``%ProgramFiles%\\WSL\\wsl.exe``, or the Store package's app execution alias
``%LOCALAPPDATA%\\Microsoft\\WindowsApps\\wsl.exe`` (pre-MSI Store builds, 0.x-1.x, have only that).
Registry reads go through winapi.registry_value (the fake in tests/fakewin.py follows it).
"""

from __future__ import annotations

import os
import sys

MSI_KEY = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Lxss\MSI"
SHOWN_KEY = "HKLM\\" + MSI_KEY


def msi_version() -> str | None:
    """The installed WSL package version from the registry (``2.9.4.0``), or None: not Windows, no
    key, or a value that is not a WSL version (never trusted blindly: it gates nothing by itself)."""
    if sys.platform != "win32":
        return None
    from wslconfig_assistant.wsl import package_version  # noqa: PLC0415
    from wslconfig_assistant.wsl.devicehost import registry_string  # noqa: PLC0415

    value = registry_string(MSI_KEY, "Version")
    if value is None:
        return None
    try:
        package_version.parse_wsl(value)
    except package_version.InvalidVersionError:
        return None
    return value.strip()


def inbox_only() -> bool:
    """True on Windows when nothing says WSL is installed: no MSI key, no install folder, no Store
    alias. Only then is the System32 ``wsl.exe`` the inbox stub (which can only offer to install)."""
    if sys.platform != "win32":
        return False
    from wslconfig_assistant.wsl.devicehost import registry_string  # noqa: PLC0415

    if msi_version() is not None or registry_string(MSI_KEY, "InstallLocation") is not None:
        return False
    program_files = os.environ.get("PROGRAMW6432") or os.environ.get("PROGRAMFILES") or r"C:\Program Files"
    local = os.environ.get("LOCALAPPDATA")
    candidates = [os.path.join(program_files, "WSL", "wsl.exe")]
    if local:
        candidates.append(os.path.join(local, "Microsoft", "WindowsApps", "wsl.exe"))
    return not any(os.path.lexists(path) for path in candidates)
