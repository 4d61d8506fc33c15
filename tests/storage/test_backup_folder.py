"""The backups folder and the backup's own rename: never a chmod of a folder the assistant did not make
(10.6), no protected ACL on Windows (12.4), a sharing violation retried (12.7); hard links (10.13)."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

import pytest
from conftest import run_cli
from fakewin import FakeWindows

from wslconfig_assistant.core.errors import WriteRefusedError
from wslconfig_assistant.storage import safewrite
from wslconfig_assistant.storage.safewrite import BACKUP_DIR_NAME, backup_dir, list_backups, write_file

POSIX = os.name == "posix"
OLD = b"[wsl2]\r\nmemory=4GB\r\n"
NEW = b"[wsl2]\r\nmemory=8GB\r\n"


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safewrite, "_sleep", lambda _seconds: None)


@pytest.mark.skipif(not POSIX, reason="mode bits and symlinks")
def test_a_symlinked_backups_folder_keeps_its_target_s_mode(tmp_path: Path) -> None:
    """`ln -s shared .wslconfig-assistant-backups` with shared at 1777: used as it is, never chmod-ed."""
    profile = tmp_path / "profile"
    profile.mkdir()
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    (profile / BACKUP_DIR_NAME).symlink_to(shared)
    config = profile / ".wslconfig"
    config.write_bytes(OLD)
    result = run_cli("--config", config, "set", "wsl2.memory", "8GB")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777  # was 0700 after one `set`
    [backup] = shared.iterdir()  # the backup went through the link, readable by the user only
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert backup.read_bytes() == OLD


@pytest.mark.skipif(not POSIX, reason="mode bits")
def test_a_new_backups_folder_is_private_without_any_chmod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_chmod(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"chmod{args}")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(safewrite, "_copy_metadata", lambda *args: None)  # the temp file's own mode copy
    old_umask = os.umask(0)
    try:
        config = tmp_path / ".wslconfig"
        config.write_bytes(OLD)
        write_file(config, NEW, expected=OLD)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(backup_dir(config).stat().st_mode) == 0o700


def test_windows_backups_folder_inherits_the_profile_acl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_windows: FakeWindows
) -> None:
    """os.mkdir docs: "Changed in version 3.13 (also 3.12.4, 3.11.10): Windows now handles a mode of 0o700,
    applying access control to the new directory such that only the current user and administrators have
    access." Any other mode is ignored on Windows, and the folder inherits its parent's ACL. So: no 0o700."""
    modes: list[int] = []
    real_mkdir = os.mkdir

    def mkdir(path: str | os.PathLike[str], mode: int = 0o777, *, dir_fd: int | None = None) -> None:
        modes.append(mode)
        real_mkdir(path, 0o700)  # what Windows would protect: the test only records the request

    monkeypatch.setattr(os, "mkdir", mkdir)
    config = tmp_path / ".wslconfig"
    config.write_bytes(OLD)
    write_file(config, NEW, expected=OLD)
    assert modes == [0o777]  # inherit, do not protect
    assert len(list_backups(config)) == 1


def test_windows_permission_fix_says_how_to_reset_a_protected_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_windows: FakeWindows
) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(OLD)
    backup_dir(config).mkdir()

    def denied(*args: object, **kwargs: object) -> object:
        raise PermissionError(errno.EACCES, "Access is denied")

    monkeypatch.setattr(safewrite.tempfile, "mkstemp", denied)
    with pytest.raises(WriteRefusedError) as caught:
        write_file(config, NEW, expected=OLD)
    assert caught.value.fix is not None
    assert f'icacls "{backup_dir(config)}" /reset /T' in caught.value.fix
    assert config.read_bytes() == OLD


def test_the_backup_rename_is_retried_on_a_sharing_violation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An antivirus scanning the backup's fresh temp file: ERROR_SHARING_VIOLATION (32), a PermissionError."""
    real_replace = os.replace
    failures = {"left": 2}

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).parent.name == BACKUP_DIR_NAME and failures["left"]:
            failures["left"] -= 1
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(src), 32)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    config = tmp_path / ".wslconfig"
    config.write_bytes(OLD)
    result = write_file(config, NEW, expected=OLD)
    assert failures["left"] == 0
    assert config.read_bytes() == NEW
    assert result.backup is not None
    assert result.backup.path.read_bytes() == OLD


def test_a_backup_rename_that_stays_locked_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).parent.name == BACKUP_DIR_NAME:
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(src), 32)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    config = tmp_path / ".wslconfig"
    config.write_bytes(OLD)
    with pytest.raises(WriteRefusedError, match="the original is intact"):
        write_file(config, NEW, expected=OLD)
    assert config.read_bytes() == OLD
    assert list(backup_dir(config).iterdir()) == []  # no temp file left


@pytest.mark.parametrize("command", [("set", "wsl2.memory", "8GB"), ("unset", "wsl2.memory")])
def test_a_hard_linked_wslconfig_is_refused_and_both_names_keep_their_content(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(OLD)
    other = tmp_path / "wslconfig-linked"
    try:
        os.link(config, other)
    except OSError:  # pragma: no cover - a file system without hard links
        pytest.skip("no hard links here")
    result = run_cli("--config", config, *command)
    assert result.returncode == 5, result.stderr
    assert "has 2 hard links" in result.stderr
    assert "nothing was written" in result.stderr
    assert "fix: make it a file of its own" in result.stderr
    assert config.read_bytes() == other.read_bytes() == OLD
    assert os.stat(config).st_ino == os.stat(other).st_ino  # still one file
    assert not backup_dir(config).exists()
    if sys.platform != "win32":
        assert "Traceback" not in result.stderr
