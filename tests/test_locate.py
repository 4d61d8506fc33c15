"""Where the .wslconfig is: --config as written, with Windows' %NAME% expanded there."""

from __future__ import annotations

import sys

import pytest

from wslconfig_assistant import locate
from wslconfig_assistant.errors import UsageError
from wslconfig_assistant.locate import config_path, expand_percent_vars

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
