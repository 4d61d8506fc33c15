"""Where the .wslconfig is (CONTRACT.md, --config).

Windows: ``%USERPROFILE%\\.wslconfig`` (WSL itself reads the token's profile folder,
which is the same folder for a normal logon). Inside a WSL distro: the Windows
user's profile, asked through interop. The demo sandbox sets
``WSLCONFIG_ASSISTANT_PROFILE``. Anywhere else there is no Windows profile, and the
user must say which file they mean.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping

from wslconfig_assistant.core.errors import UsageError
from wslconfig_assistant.system.hostmemory import running_inside_wsl

PROFILE_ENV = "WSLCONFIG_ASSISTANT_PROFILE"
CONFIG_NAME = ".wslconfig"


def config_path(explicit: str | None) -> str:
    if explicit:
        # PowerShell, DSC JSON and Ansible pass `%USERPROFILE%\.wslconfig` through unexpanded.
        return expand_percent_vars(explicit, os.environ) if sys.platform == "win32" else explicit
    sandbox = os.environ.get(PROFILE_ENV)
    if sandbox:
        return os.path.join(sandbox, CONFIG_NAME)
    if sys.platform == "win32":
        profile = os.environ.get("USERPROFILE") or os.path.expanduser("~")
        if _is_service_profile(profile):
            raise UsageError(
                f"this runs as a service account, whose profile is {profile}: WSL reads the .wslconfig of "
                "the user who starts it, so an edit here would change nothing",
                fix="run as the user (Intune: run the script with the logged-on credentials; WinGet/DSC: "
                "the user's context), or pass --config C:\\Users\\<user>\\.wslconfig",
            )
        return os.path.join(profile, CONFIG_NAME)
    if running_inside_wsl():
        profile = _windows_profile_from_wsl()
        if profile is not None:
            return os.path.join(profile, CONFIG_NAME)
        raise UsageError(
            "inside WSL, but the Windows user profile could not be found through interop",
            fix="pass --config /mnt/c/Users/<you>/.wslconfig",
        )
    raise UsageError(
        "this is not Windows, so there is no %USERPROFILE%\\.wslconfig to work on",
        fix="pass --config PATH, or try `wslconfig-assistant demo` for a simulated Windows profile",
    )


def _is_service_profile(profile: str) -> bool:
    """SYSTEM, LocalService and NetworkService live under %SystemRoot% (…\\config\\systemprofile,
    …\\ServiceProfiles\\…); Intune, SCCM and scheduled tasks run there by default."""
    folded = profile.replace("/", "\\").rstrip("\\").lower()
    return folded.endswith("\\config\\systemprofile") or "\\serviceprofiles\\" in folded


def expand_percent_vars(path: str, environ: Mapping[str, str]) -> str:
    """``%NAME%`` replaced by that variable, as cmd.exe would; unknown names are left as written.
    Not ntpath.expandvars: it also expands ``$NAME``, and ``$`` is legal in Windows file names."""
    names = {name.upper(): value for name, value in environ.items()}
    return re.sub(r"%([^%\\/:*?\"<>|]+)%", lambda m: names.get(m.group(1).upper(), m.group(0)), path)


def _windows_profile_from_wsl() -> str | None:
    """Ask cmd.exe for %USERPROFILE% and translate it with wslpath."""
    import subprocess  # noqa: PLC0415 - only inside WSL; subprocess costs ~10 ms to import

    try:
        # cwd on a Windows drive: cmd.exe warns about UNC working folders otherwise.
        cwd = "/mnt/c" if os.path.isdir("/mnt/c") else None
        win = subprocess.run(
            ["cmd.exe", "/d", "/c", "echo %USERPROFILE%"],  # noqa: S607 - interop: found on PATH by design
            capture_output=True, timeout=15, cwd=cwd, check=False,
        ).stdout.decode("utf-8", "replace").strip()
        if not win or "%" in win:
            return None
        unix = subprocess.run(
            ["wslpath", "-u", win],  # noqa: S607 - a WSL tool, on PATH inside every distro
            capture_output=True, timeout=15, check=False,
        ).stdout.decode("utf-8", "replace").strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return unix or None
