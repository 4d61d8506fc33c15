"""Where the .wslconfig is: --config as written, with Windows' %NAME% expanded there."""

from __future__ import annotations

import os
import sys

import pytest

from wslconfig_assistant.core.errors import UsageError
from wslconfig_assistant.storage import locate
from wslconfig_assistant.storage.locate import config_path, expand_percent_vars

ENV = {"USERPROFILE": "C:\\Users\\José Núñez", "Temp": "C:\\T", "HOME": "/home/x"}


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("%USERPROFILE%\\.wslconfig", "C:\\Users\\José Núñez\\.wslconfig"),
        ("%userprofile%\\.wslconfig", "C:\\Users\\José Núñez\\.wslconfig"),  # names are case-insensitive
        ("%TEMP%\\a\\%USERPROFILE%", "C:\\T\\a\\C:\\Users\\José Núñez"),
        ("%NOPE%\\.wslconfig", "%NOPE%\\.wslconfig"),  # unknown: left as written, as cmd.exe does
        ("C:\\100%\\50%\\.wslconfig", "C:\\100%\\50%\\.wslconfig"),  # a path between two % is no name
        ("C:\\$HOME\\.wslconfig", "C:\\$HOME\\.wslconfig"),  # $ is legal in Windows names: never expanded
        ("%%\\.wslconfig", "%%\\.wslconfig"),
    ],
)
def test_percent_variables_expand_like_cmd(written: str, meant: str) -> None:
    assert expand_percent_vars(written, ENV) == meant


def test_config_is_expanded_on_windows_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USERPROFILE", "C:\\Users\\me")
    monkeypatch.setattr(sys, "platform", "win32")
    assert config_path("%USERPROFILE%\\.wslconfig") == "C:\\Users\\me\\.wslconfig"
    monkeypatch.setattr(sys, "platform", "linux")
    assert config_path("%USERPROFILE%/.wslconfig") == "%USERPROFILE%/.wslconfig"  # a legal POSIX name


def test_no_profile_off_windows_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(locate.PROFILE_ENV, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(locate, "running_inside_wsl", lambda: False)
    with pytest.raises(UsageError) as caught:
        config_path(None)
    assert "--config" in (caught.value.fix or "")


@pytest.mark.parametrize(
    "profile",
    [
        "C:\\WINDOWS\\system32\\config\\systemprofile",  # SYSTEM: Intune, SCCM, scheduled tasks
        "C:\\Windows\\System32\\config\\systemprofile\\",
        "C:\\Windows\\ServiceProfiles\\LocalService",
        "C:\\Windows\\ServiceProfiles\\NetworkService",
    ],
)
def test_a_service_accounts_profile_is_refused(profile: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # WSL reads the .wslconfig of the user who starts it: editing SYSTEM's would change nothing.
    monkeypatch.delenv(locate.PROFILE_ENV, raising=False)
    monkeypatch.setenv("USERPROFILE", profile)
    monkeypatch.setattr(sys, "platform", "win32")
    with pytest.raises(UsageError) as caught:
        config_path(None)
    assert "service account" in caught.value.message
    assert "--config" in (caught.value.fix or "")
    assert config_path("C:\\Users\\me\\.wslconfig") == "C:\\Users\\me\\.wslconfig"  # an explicit path is kept


@pytest.mark.parametrize("profile", ["C:\\Users\\me", "D:\\Profiles\\systemprofile-fan", "C:\\Users\\config"])
def test_ordinary_profiles_are_used(profile: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(locate.PROFILE_ENV, raising=False)
    monkeypatch.setenv("USERPROFILE", profile)
    monkeypatch.setattr(sys, "platform", "win32")
    assert config_path(None) == os.path.join(profile, ".wslconfig")
