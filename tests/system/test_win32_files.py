"""Windows: each write keeps .wslconfig's attributes and ACL (ReplaceFileW), and write access is probed by
opening the file for writing (issue 12.5). The win32 branches run here against tests/fakewin.py, whose
files keep their attributes and ACL per file (device, inode): a plain rename (MoveFileEx, os.replace)
brings a file without them, exactly as on Windows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fakewin import FILE_ATTRIBUTE_HIDDEN, FakeWindows

from wslconfig_assistant.core.errors import WriteRefusedError
from wslconfig_assistant.storage import safewrite
from wslconfig_assistant.storage.safewrite import backup_dir, list_backups, restore, write_file
from wslconfig_assistant.system import winapi

OLD = b"[wsl2]\r\nmemory=4GB\r\n"
NEW = b"[wsl2]\r\nmemory=8GB\r\n"
EXPLICIT_ACL = ("owner:full", "it-admins:full", "protected")


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safewrite, "_sleep", lambda _seconds: None)


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / ".wslconfig"
    path.write_bytes(OLD)
    return path


def test_a_write_keeps_the_hidden_attribute_and_the_explicit_acl(cfg: Path, fake_windows: FakeWindows) -> None:
    fake_windows.set_file_security(str(cfg), attributes=FILE_ATTRIBUTE_HIDDEN, acl=EXPLICIT_ACL)
    write_file(cfg, NEW, expected=OLD)
    assert cfg.read_bytes() == NEW
    assert fake_windows.file_security(str(cfg)) == (FILE_ATTRIBUTE_HIDDEN, EXPLICIT_ACL)
    restore(cfg)  # a restore is a write too
    assert cfg.read_bytes() == OLD
    assert fake_windows.file_security(str(cfg)) == (FILE_ATTRIBUTE_HIDDEN, EXPLICIT_ACL)


def test_a_deny_write_acl_is_refused_before_any_backup(cfg: Path, fake_windows: FakeWindows) -> None:
    """os.access(W_OK) on Windows checks only the read-only attribute: IT's deny-write entry was bypassed."""
    fake_windows.set_file_security(str(cfg), acl=("deny-write",))
    with pytest.raises(WriteRefusedError, match="access denied") as caught:
        write_file(cfg, NEW, expected=OLD)
    assert caught.value.fix is not None
    assert f'icacls "{cfg}"' in caught.value.fix
    assert cfg.read_bytes() == OLD
    assert fake_windows.file_security(str(cfg)) == (0, ("deny-write",))
    assert not backup_dir(cfg).exists()


def test_a_file_held_open_is_not_taken_for_access_denied(
    cfg: Path, fake_windows: FakeWindows, monkeypatch: pytest.MonkeyPatch
) -> None:
    def held(path: str) -> None:
        exc = PermissionError(13, "The process cannot access the file", path)
        exc.winerror = winapi.ERROR_SHARING_VIOLATION  # type: ignore[attr-defined]
        raise exc

    monkeypatch.setattr(winapi, "probe_write_access", held)
    write_file(cfg, NEW, expected=OLD)  # the probe gives way; the replace itself would retry
    assert cfg.read_bytes() == NEW


def test_unable_to_remove_replaced_is_retried(
    cfg: Path, fake_windows: FakeWindows, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ERROR_UNABLE_TO_REMOVE_REPLACED (1175): "the replaced and replacement files retain their original
    file names" - nothing happened yet, so it is retried like a sharing violation."""
    calls = []

    def replace_file(replaced: str, replacement: str) -> None:
        calls.append(replaced)
        if len(calls) == 1:
            exc = OSError(22, "Unable to remove the file to be replaced", replaced)
            exc.winerror = winapi.ERROR_UNABLE_TO_REMOVE_REPLACED  # type: ignore[attr-defined]
            raise exc
        fake_windows.replace_file(replaced, replacement)

    monkeypatch.setattr(winapi, "replace_file", replace_file)
    write_file(cfg, NEW, expected=OLD)
    assert len(calls) == 2
    assert cfg.read_bytes() == NEW


def test_unable_to_move_replacement_is_finished(
    cfg: Path, fake_windows: FakeWindows, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ERROR_UNABLE_TO_MOVE_REPLACEMENT (1176), no backup name: "the replaced file no longer exists and the
    replacement file exists under its original name". The write finishes the move; the backup holds OLD."""

    def replace_file(replaced: str, replacement: str) -> None:
        os.unlink(replaced)
        exc = OSError(22, "Unable to move the replacement file", replaced)
        exc.winerror = winapi.ERROR_UNABLE_TO_MOVE_REPLACEMENT  # type: ignore[attr-defined]
        raise exc

    monkeypatch.setattr(winapi, "replace_file", replace_file)
    write_file(cfg, NEW, expected=OLD)
    assert cfg.read_bytes() == NEW
    assert [b.path.read_bytes() for b in list_backups(cfg)] == [OLD]
    assert not list(cfg.parent.glob("*.wslconfig-assistant.tmp"))


def test_a_new_file_is_created_by_a_plain_rename(tmp_path: Path, fake_windows: FakeWindows,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing to keep when there was no file: ReplaceFileW needs an existing file, a rename is used."""

    def no_replace(replaced: str, replacement: str) -> None:
        raise AssertionError("ReplaceFileW without a file to replace")

    monkeypatch.setattr(winapi, "replace_file", no_replace)
    config = tmp_path / ".wslconfig"
    write_file(config, NEW, expected=None)
    assert config.read_bytes() == NEW
