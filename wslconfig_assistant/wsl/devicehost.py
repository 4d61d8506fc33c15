"""Which DeviceHost this machine has. wsl.exe never prints it (wsl-source.md §3, §5), so
we try, in order, and say where the answer came from:

1. the version resource of ``wsldevicehost.dll`` in the WSL install folder (registry
   ``HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Lxss\\MSI``, value
   ``InstallLocation``), when the file has one. Whether WSL's build stamps one is
   unconfirmed; when present, file version ``a.b.c.d`` is read as package ``a.b.c-d``
   (the NuGet form, e.g. 1.2.29-0). The resource is found by its VS_FIXEDFILEINFO
   signature, which works the same on Windows and from inside WSL (/mnt/c);
2. the release table: what the installed WSL release bundles (releases.py);
3. for a release whose DeviceHost the table does not confirm (2.9.5 on), a lower bound that
   says it is one.

Where 1 and 2 disagree for a WSL the table knows, both are shown and the lower is gated on.
"""

from __future__ import annotations

import os
import struct
import sys
from typing import NamedTuple

DLL_NAME = "wsldevicehost.dll"
PROXY_STUB_NAME = "wsldevicehostproxystub.dll"  # after 2.9.4; carries WSL's own version: never read as the DeviceHost
INSTALL_DIR_ENV = "WSLCONFIG_ASSISTANT_WSL_INSTALL_DIR"  # the demo sandbox and tests point here
_MSI_KEY = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Lxss\MSI"
_DEFAULT_DIR = r"C:\Program Files\WSL"
_FIXED_FILE_INFO = struct.pack("<I", 0xFEEF04BD)  # VS_FIXEDFILEINFO.dwSignature
_READ_LIMIT = 64 * 1024 * 1024  # the DLL is a few MB; never read something absurd


class Resolved(NamedTuple):
    version: str | None
    source: str  # for people: where the version came from
    inferred: bool = False  # version is a lower bound from the release table
    disagreement: tuple[str, str] | None = None  # (the DLL's, the table's) when they differ; version is the lower


def install_dir() -> str | None:
    """The WSL install folder, as a path this process can open."""
    override = os.environ.get(INSTALL_DIR_ENV)
    if override:
        return override
    if sys.platform == "win32":
        return _registry_install_location() or _DEFAULT_DIR
    from wslconfig_assistant.system.hostmemory import running_inside_wsl  # noqa: PLC0415

    if running_inside_wsl() and os.path.isdir("/mnt/c/Program Files/WSL"):
        return "/mnt/c/Program Files/WSL"
    return None


def _registry_install_location() -> str | None:
    return registry_string(_MSI_KEY, "InstallLocation")


def registry_string(subkey: str, name: str, *, hive: str | None = None) -> str | None:
    """A string value from the registry (HKLM unless ``hive`` names another, e.g. winapi.HKCU), or
    None when the key or value is missing, empty or not a string. The 64-bit view is read (see
    winapi.registry_value); REG_EXPAND_SZ is expanded as Windows would."""
    from wslconfig_assistant.system import winapi  # noqa: PLC0415 - Windows only

    found = winapi.registry_value(subkey, name, hive=hive or winapi.HKLM)
    if found is None:
        return None
    value, kind = found
    if kind not in (winapi.REG_SZ, winapi.REG_EXPAND_SZ) or not isinstance(value, str):
        return None
    if kind == winapi.REG_EXPAND_SZ:
        value = winapi.expand_environment_strings(value)
    return value or None


def file_version(path: str) -> str | None:
    """``a.b.c.d`` from a PE file's VS_FIXEDFILEINFO, or None when it has none."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(_READ_LIMIT)
    except OSError:
        return None
    at = data.find(_FIXED_FILE_INFO)
    while at >= 0:
        fields = data[at + 4 : at + 20]
        if len(fields) == 16:
            struc_version, ms, ls, _product_ms = struct.unpack("<IIII", fields)
            if struc_version in (0x00010000, 0):  # a real VS_FIXEDFILEINFO, not a stray match
                return f"{ms >> 16}.{ms & 0xFFFF}.{ls >> 16}.{ls & 0xFFFF}"
        at = data.find(_FIXED_FILE_INFO, at + 4)
    return None


def as_package(file_ver: str) -> str:
    """File version ``1.2.29.0`` → package version ``1.2.29-0``."""
    parts = file_ver.split(".")
    return ".".join(parts[:3]) + (f"-{parts[3]}" if len(parts) > 3 else "")


def resolve(wsl_version: str | None) -> Resolved:
    """The DeviceHost to gate on, and where it came from.

    Only ``wsldevicehost.dll`` is read: after 2.9.4 WSL also ships ``wsldevicehostproxystub.dll``
    (PROXY_STUB_NAME), built with WSL's OWN version resource, which is never the DeviceHost's. When
    the DLL and the release table disagree for a WSL the table knows, both are shown and the LOWER
    one is gated on: which of the two is right is unconfirmed (wsl-after-2.9.4.md), and a gate must
    never pass on the more hopeful of two answers.
    """
    from_dll = _from_dll()
    table = _from_table(wsl_version)
    if from_dll is None:
        return table
    dll_version, dll_source = from_dll
    if table.version is None:
        return Resolved(dll_version, dll_source)
    order = _compare(dll_version, table.version)
    if order is None or order == 0 or (order > 0 and table.inferred):
        # The same answer, or a DLL above a lower bound (which it may well be): the DLL is the finer one.
        return Resolved(dll_version, dll_source)
    lower = dll_version if order < 0 else table.version
    return Resolved(
        lower,
        f"{dll_source} says {dll_version}, the release table says {table.version} for WSL {wsl_version}: "
        f"gated on the lower, {lower}",
        disagreement=(dll_version, table.version),
    )


def _compare(a: str, b: str) -> int | None:
    from wslconfig_assistant.wsl import package_version  # noqa: PLC0415

    try:
        return package_version.compare(package_version.parse_devicehost(a), package_version.parse_devicehost(b))
    except package_version.InvalidVersionError:
        return None


def _from_dll() -> tuple[str, str] | None:
    folder = install_dir()
    if folder is None:
        return None
    dll = os.path.join(folder, DLL_NAME)  # never PROXY_STUB_NAME: that one carries WSL's version
    found = file_version(dll)
    if found is None or all(part == "0" for part in found.split(".")):  # 0.0.0.0 = unstamped
        return None
    return as_package(found), f"version resource of {dll}"


def _from_table(wsl_version: str | None) -> Resolved:
    if wsl_version is None:
        return Resolved(None, "unknown: neither the DLL's version resource nor the WSL version is known")
    from wslconfig_assistant.wsl.package_version import InvalidVersionError  # noqa: PLC0415
    from wslconfig_assistant.wsl.releases import NEWEST_TAG, bundled, newer_than_table  # noqa: PLC0415

    try:
        release = bundled(wsl_version)
    except InvalidVersionError as exc:  # e.g. a part of 5,000 digits: unknown, so the gate fails closed
        return Resolved(None, f"unknown: {exc.message}")
    if release.devicehost is None:
        return Resolved(None, f"unknown: WSL {wsl_version} is not in this tool's release table")
    if release.devicehost_bound:
        where = (f"WSL {wsl_version} is newer than every release in this tool's table (newest {NEWEST_TAG})"
                 if newer_than_table(wsl_version) else
                 f"the release table does not confirm the DeviceHost of WSL {wsl_version}")
        return Resolved(
            release.devicehost,
            f"inferred: {where}; it bundles at least DeviceHost {release.devicehost} (a lower bound)",
            inferred=True,
        )
    return Resolved(release.devicehost, f"bundled with WSL {release.wsl} (release table)")


def write_fake_dll(path: str, file_ver: str) -> None:
    """A stand-in DLL holding just a VS_FIXEDFILEINFO, for the simulated install folder."""
    a, b, c, d = (int(x) for x in file_ver.split("."))
    info = _FIXED_FILE_INFO + struct.pack(
        "<IIIII", 0x00010000, (a << 16) | b, (c << 16) | d, (a << 16) | b, (c << 16) | d
    ) + bytes(32)
    with open(path, "wb") as fh:
        fh.write(b"MZ" + bytes(62) + b"simulated wsldevicehost.dll (wslconfig-assistant demo)\0" + info)
