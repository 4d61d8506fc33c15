"""safewrite: the file is always the original or the intended bytes, and backups work.

Real files and real bytes in tmp_path; faults come from monkeypatching the OS
calls or from the module's own checkpoint hook (in-process and in a killed child).
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from wslconfig_assistant.core.errors import (
    ConcurrentEditError,
    ConfigUnreadableError,
    ExitCode,
    UsageError,
    WriteRefusedError,
)
from wslconfig_assistant.storage import openfile, safewrite
from wslconfig_assistant.storage.safewrite import (
    BACKUP_DIR_NAME,
    CHECKPOINTS,
    MAX_BACKUPS,
    backup_dir,
    list_backups,
    read_current,
    restore,
    write_file,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
OLD = b"[wsl2]\r\nmemory=4GB\r\n"
NEW = b"[wsl2]\r\nmemory=8GB\r\n[experimental]\r\nvirtiofs=true\r\n"
POSIX = sys.platform != "win32"


def permissions_enforced(tmp_path: Path) -> bool:
    """False as root (os.geteuid() == 0 bypasses folder permissions) or on file systems that ignore them.

    A probe rather than only a uid check: root without CAP_DAC_OVERRIDE does obey them.
    """
    if not POSIX:
        return False
    probe = tmp_path / "probe"
    probe.mkdir(mode=0o500)
    try:
        (probe / "x").write_bytes(b"")
    except PermissionError:
        return True
    finally:
        probe.chmod(0o700)
    return False


@pytest.fixture(autouse=True)
def _no_ambient_fault(monkeypatch: pytest.MonkeyPatch) -> None:
    # The project's crash tests set these; never let them leak into this file.
    monkeypatch.delenv(safewrite.FAULT_ENV, raising=False)
    monkeypatch.delenv(safewrite.FAULT_MODE_ENV, raising=False)


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safewrite, "_sleep", lambda _seconds: None)


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / ".wslconfig"
    path.write_bytes(OLD)
    return path


def temps(folder: Path) -> list[Path]:
    """Our temp files in the folder and in its backup folder."""
    found = list(folder.glob("*.wslconfig-assistant.tmp"))
    if (folder / BACKUP_DIR_NAME).is_dir():
        found += (folder / BACKUP_DIR_NAME).glob("*.wslconfig-assistant.tmp")
    return found


def plant_backup(config: Path, backup_id: str, data: bytes) -> Path:
    folder = backup_dir(config)
    folder.mkdir(exist_ok=True)
    path = folder / f"{backup_id}-{hashlib.sha256(data).hexdigest()[:12]}.wslconfig"
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- basic writes


def test_new_file_is_written_exactly_without_backup(tmp_path: Path) -> None:
    path = tmp_path / ".wslconfig"
    result = write_file(path, NEW, expected=None)
    assert path.read_bytes() == NEW
    assert result.path == path
    assert result.backup is None
    assert list_backups(path) == []
    assert temps(tmp_path) == []


def test_write_over_existing_keeps_exact_backup(cfg: Path) -> None:
    result = write_file(cfg, NEW, expected=OLD)
    assert cfg.read_bytes() == NEW
    backup = result.backup
    assert backup is not None
    assert backup.path.parent == cfg.parent / BACKUP_DIR_NAME
    assert backup.path.read_bytes() == OLD
    assert backup.sha256 == hashlib.sha256(OLD).hexdigest()
    assert backup.size == len(OLD)
    assert backup.path.name == f"{backup.id}-{backup.sha256}..wslconfig"  # the exact name: ".wslconfig"
    assert backup.created.utcoffset() is not None
    assert backup.created.strftime("%Y%m%dT%H%M%S.%fZ") == backup.id
    assert list_backups(cfg) == [backup]
    if POSIX:
        assert stat.S_IMODE(backup.path.stat().st_mode) == 0o600
    assert temps(cfg.parent) == []


@pytest.mark.skipif(not POSIX, reason="POSIX permission bits")
def test_original_permission_bits_are_kept(cfg: Path) -> None:
    cfg.chmod(0o640)
    write_file(cfg, NEW, expected=OLD)
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    "data",
    [
        b"[wsl2]\r\nmemory=8GB\r\n",
        b"\xef\xbb\xbf[wsl2]\nmemory=8GB\n",
        "\ufeff[wsl2]\r\nmemory=8GB\r\n".encode("utf-16-le"),
        b"",
        b"no newline at end\x00\xff",
    ],
    ids=["crlf", "utf8-bom", "utf16", "empty", "odd-bytes"],
)
def test_bytes_are_written_verbatim(cfg: Path, data: bytes) -> None:
    write_file(cfg, data, expected=OLD)
    assert cfg.read_bytes() == data
    assert read_current(cfg) == data


def test_read_current_missing_file_is_none(tmp_path: Path) -> None:
    assert read_current(tmp_path / ".wslconfig") is None
    assert read_current(tmp_path / "no-such-folder" / ".wslconfig") is None


# ------------------------------------------------------------ concurrent edits


def test_file_changed_before_call_is_refused(cfg: Path) -> None:
    cfg.write_bytes(b"edited by hand\n")
    with pytest.raises(ConcurrentEditError, match="changed since it was read") as info:
        write_file(cfg, NEW, expected=OLD)
    assert info.value.exit_code == ExitCode.WRITE_FAILED
    assert info.value.fix == "run the command again; it will start from the current content"
    assert cfg.read_bytes() == b"edited by hand\n"
    assert temps(cfg.parent) == []
    assert not backup_dir(cfg).exists()


def test_file_created_meanwhile_is_refused(cfg: Path) -> None:
    with pytest.raises(ConcurrentEditError, match="created by something else"):
        write_file(cfg, NEW, expected=None)
    assert cfg.read_bytes() == OLD


def test_file_deleted_meanwhile_is_refused(cfg: Path) -> None:
    cfg.unlink()
    with pytest.raises(ConcurrentEditError, match="deleted"):
        write_file(cfg, NEW, expected=OLD)
    assert not cfg.exists()


# Not "after-last-check": between the last comparison and the rename, a program that takes no lock can
# still slip in (microseconds; writelock.py serializes the assistant's own writers there).
@pytest.mark.parametrize("checkpoint", [c for c in CHECKPOINTS if c not in ("after-last-check", "after-replace")])
def test_edit_at_any_point_before_the_replace_is_refused(
    cfg: Path, monkeypatch: pytest.MonkeyPatch, checkpoint: str
) -> None:
    """The last comparison comes after the last checkpoint before the rename: none is unguarded."""
    other = b"[wsl2]\r\nmemory=16GB\r\n"

    def other_writer(name: str) -> None:
        if name == checkpoint:
            cfg.write_bytes(other)

    monkeypatch.setattr(safewrite, "_checkpoint", other_writer)
    with pytest.raises(ConcurrentEditError):
        write_file(cfg, NEW, expected=OLD)
    assert cfg.read_bytes() == other
    assert temps(cfg.parent) == []


# ------------------------------------------------------------ read-only files


@pytest.mark.skipif(not POSIX, reason="POSIX permission bits")
@pytest.mark.parametrize("mode", [0o444, 0o400, 0o000])
def test_read_only_file_is_refused_before_the_backup(cfg: Path, mode: int) -> None:
    cfg.chmod(mode)  # no write bit for anyone: refused even as root, whom os.replace would let through
    try:
        with pytest.raises(WriteRefusedError) as info:
            write_file(cfg, NEW, expected=OLD)
    finally:
        cfg.chmod(0o644)
    assert info.value.exit_code == ExitCode.WRITE_FAILED
    assert info.value.message == f"{cfg} is read-only; the original is intact, nothing was written"
    assert info.value.fix == f"if it is not read-only on purpose, make it writable (chmod u+w '{cfg}'), " \
        "then run the command again"
    assert cfg.read_bytes() == OLD
    assert not backup_dir(cfg).exists()
    assert temps(cfg.parent) == []


@pytest.mark.skipif(not POSIX, reason="POSIX permission bits")
def test_a_write_bit_for_anyone_is_not_read_only(cfg: Path) -> None:
    cfg.chmod(0o464)  # the group may write: not read-only (whether *we* may is os.access's call)
    write_file(cfg, NEW, expected=OLD)
    assert cfg.read_bytes() == NEW


def test_windows_read_only_attribute_is_refused(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_stat = os.stat

    class WindowsStat:
        def __init__(self, st: os.stat_result) -> None:
            self.st_mode = st.st_mode
            self.st_file_attributes = stat.FILE_ATTRIBUTE_READONLY | stat.FILE_ATTRIBUTE_ARCHIVE

    def fake_stat(path: object, *args: object, **kwargs: object) -> object:
        st = real_stat(path, *args, **kwargs)  # type: ignore[arg-type]
        return WindowsStat(st) if Path(str(path)) == cfg else st

    monkeypatch.setattr(safewrite.sys, "platform", "win32")
    monkeypatch.setattr(safewrite.os, "stat", fake_stat)
    with pytest.raises(WriteRefusedError, match="is read-only") as info:
        safewrite._ensure_writable(cfg, str(cfg))
    assert info.value.fix is not None
    assert f'attrib -r "{cfg}"' in info.value.fix


def test_a_file_we_may_not_write_is_refused(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone else's file in a folder we may write: the rename would succeed, so ask first."""
    monkeypatch.setattr(safewrite.os, "access", lambda path, mode: Path(path) != cfg)
    monkeypatch.setattr(safewrite, "_on_read_only_drive", lambda _folder: False)
    with pytest.raises(WriteRefusedError, match="permission denied") as info:
        write_file(cfg, NEW, expected=OLD)
    assert info.value.message == (f"cannot write {cfg}: permission denied (your user may not change it); "
                                  "the original is intact, nothing was written")
    assert info.value.fix is not None
    assert info.value.fix.startswith("run the command as the user who owns the file")
    assert cfg.read_bytes() == OLD
    assert not backup_dir(cfg).exists()


def test_a_read_only_drive_is_named(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safewrite.os, "access", lambda path, mode: False)
    monkeypatch.setattr(safewrite, "_on_read_only_drive", lambda folder: folder == cfg.parent)
    with pytest.raises(WriteRefusedError, match="is on a read-only drive") as info:
        write_file(cfg, NEW, expected=OLD)
    assert info.value.fix is not None
    assert str(cfg.parent) in info.value.fix
    assert cfg.read_bytes() == OLD


@pytest.mark.skipif(not hasattr(os, "statvfs"), reason="statvfs")
def test_on_read_only_drive_reads_the_mount_flags(tmp_path: Path) -> None:
    assert safewrite._on_read_only_drive(tmp_path) is False
    assert safewrite._on_read_only_drive(tmp_path / "missing") is False  # cannot tell: not claimed


# --------------------------------------------------------------- disk failures


@pytest.mark.parametrize("failing", [OLD, NEW], ids=["during-backup", "during-temp-write"])
def test_disk_full_is_refused_and_original_intact(
    cfg: Path, monkeypatch: pytest.MonkeyPatch, failing: bytes
) -> None:
    real_write = os.write

    def write(fd: int, data: bytes) -> int:
        if bytes(data) == failing:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    with pytest.raises(WriteRefusedError) as info:
        write_file(cfg, NEW, expected=OLD)
    assert info.value.exit_code == ExitCode.WRITE_FAILED
    assert str(cfg) in info.value.message
    assert "original is intact" in info.value.message
    assert info.value.fix is not None
    assert "free some disk space" in info.value.fix
    assert cfg.read_bytes() == OLD
    assert temps(cfg.parent) == []


def test_fsync_failure_is_refused(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fsync(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(WriteRefusedError, match="original is intact"):
        write_file(cfg, NEW, expected=OLD)
    assert cfg.read_bytes() == OLD
    assert temps(cfg.parent) == []


def test_new_file_failure_says_not_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / ".wslconfig"
    monkeypatch.setenv(safewrite.FAULT_ENV, "before-replace")
    with pytest.raises(WriteRefusedError, match="was not created"):
        write_file(path, NEW, expected=None)
    assert not path.exists()
    assert temps(tmp_path) == []


def test_ctrl_c_removes_temp_and_propagates(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(name: str) -> None:
        if name == "before-replace":
            raise KeyboardInterrupt

    monkeypatch.setattr(safewrite, "_checkpoint", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_file(cfg, NEW, expected=OLD)
    assert cfg.read_bytes() == OLD
    assert temps(cfg.parent) == []


# ------------------------------------------------------------ fault injection


def test_checkpoint_is_inert_without_the_variable() -> None:
    for name in CHECKPOINTS:
        safewrite._checkpoint(name)


@pytest.mark.parametrize(("mode", "code"), [("raise", errno.EIO), ("enospc", errno.ENOSPC), ("other", errno.EIO)])
def test_checkpoint_modes_that_raise(monkeypatch: pytest.MonkeyPatch, mode: str, code: int) -> None:
    monkeypatch.setenv(safewrite.FAULT_ENV, "after-backup")
    monkeypatch.setenv(safewrite.FAULT_MODE_ENV, mode)
    safewrite._checkpoint("before-backup")  # another name: nothing happens
    with pytest.raises(OSError, match="injected fault at after-backup") as info:
        safewrite._checkpoint("after-backup")
    assert info.value.errno == code
    assert set(safewrite.FAULT_MODES) == {"raise", "enospc", "exit", "stop"}


def test_injected_enospc_is_reported_as_a_full_disk(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(safewrite.FAULT_ENV, "after-temp-write")
    monkeypatch.setenv(safewrite.FAULT_MODE_ENV, "enospc")
    with pytest.raises(WriteRefusedError, match="No space left on device") as info:
        write_file(cfg, NEW, expected=OLD)
    assert info.value.fix is not None
    assert "free some disk space" in info.value.fix
    assert cfg.read_bytes() == OLD
    assert temps(cfg.parent) == []


@pytest.mark.parametrize("checkpoint", CHECKPOINTS)
def test_fault_raise_leaves_original_or_intended(
    cfg: Path, monkeypatch: pytest.MonkeyPatch, checkpoint: str
) -> None:
    monkeypatch.setenv(safewrite.FAULT_ENV, checkpoint)
    monkeypatch.setenv(safewrite.FAULT_MODE_ENV, "raise")
    with pytest.raises(WriteRefusedError, match=f"injected fault at {checkpoint}") as info:
        write_file(cfg, NEW, expected=OLD)
    after = cfg.read_bytes()
    assert after == (NEW if checkpoint == "after-replace" else OLD)
    # The message must not claim the original is intact once it was replaced.
    assert ("original is intact" in info.value.message) == (checkpoint != "after-replace")
    assert temps(cfg.parent) == []

    monkeypatch.delenv(safewrite.FAULT_ENV)
    final = b"[wsl2]\nswap=0\n"
    write_file(cfg, final, expected=after)
    assert cfg.read_bytes() == final
    assert temps(cfg.parent) == []


@pytest.mark.parametrize("checkpoint", CHECKPOINTS)
def test_fault_exit_kills_child_and_next_write_recovers(cfg: Path, checkpoint: str) -> None:
    code = (
        "import pathlib, sys\n"
        "from wslconfig_assistant.storage.safewrite import write_file\n"
        "write_file(pathlib.Path(sys.argv[1]), sys.argv[2].encode(), expected=sys.argv[3].encode())\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        safewrite.FAULT_ENV: checkpoint,
        safewrite.FAULT_MODE_ENV: "exit",
    }
    child = subprocess.run(
        [sys.executable, "-c", code, str(cfg), NEW.decode(), OLD.decode()],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == safewrite.FAULT_EXIT_STATUS, child.stderr.decode()
    after = cfg.read_bytes()
    assert after == (NEW if checkpoint == "after-replace" else OLD)
    # A killed process cleans nothing: its temp file is still there for the next run to remove.
    assert bool(temps(cfg.parent)) == (checkpoint in ("after-temp-write", "before-replace", "after-last-check"))

    final = b"[wsl2]\nswap=0\n"
    write_file(cfg, final, expected=after)
    assert cfg.read_bytes() == final
    assert temps(cfg.parent) == []
    assert [b.path.read_bytes() for b in list_backups(cfg)][-1] == after


# ------------------------------------------------------------- odd file system


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_target_is_edited_and_link_kept(tmp_path: Path) -> None:
    real_dir = tmp_path / "dotfiles"
    real_dir.mkdir()
    real = real_dir / "wslconfig"
    real.write_bytes(OLD)
    link = tmp_path / ".wslconfig"
    try:
        link.symlink_to(real)
    except OSError:  # Windows without developer mode
        pytest.skip("cannot create symlinks here")
    assert read_current(link) == OLD
    result = write_file(link, NEW, expected=OLD)
    assert link.is_symlink()
    assert real.read_bytes() == NEW
    assert result.path == real.resolve()
    assert result.backup is not None
    assert result.backup.path.parent == tmp_path / BACKUP_DIR_NAME  # next to the link, not in dotfiles
    assert temps(tmp_path) == []
    assert temps(real_dir) == []


def test_folder_where_the_file_should_be(tmp_path: Path) -> None:
    path = tmp_path / ".wslconfig"
    path.mkdir()
    with pytest.raises(ConfigUnreadableError, match="is a folder") as info:
        read_current(path)
    assert info.value.exit_code == ExitCode.CONFIG_UNREADABLE
    assert str(path) in info.value.message
    with pytest.raises(ConfigUnreadableError, match="is a folder"):
        write_file(path, NEW, expected=None)
    assert path.is_dir()


def test_unreadable_file_is_reported(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(*_args: object, **_kwargs: object) -> object:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(openfile, "open", denied, raising=False)
    with pytest.raises(ConfigUnreadableError, match="permission denied") as info:
        read_current(cfg)
    assert info.value.fix is not None
    assert str(cfg) in info.value.message


def test_missing_profile_folder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "missing" / ".wslconfig"
    with pytest.raises(WriteRefusedError, match=r"profile folder .* does not exist") as info:
        write_file(path, NEW, expected=None)
    assert info.value.exit_code == ExitCode.WRITE_FAILED
    assert not path.parent.exists()


def test_read_only_folder_is_refused(cfg: Path, tmp_path: Path) -> None:
    if not permissions_enforced(tmp_path):
        pytest.skip("folder permissions are not enforced here (running as root, or not POSIX)")
    folder = cfg.parent
    folder.chmod(0o500)
    try:
        with pytest.raises(WriteRefusedError, match="original is intact") as info:
            write_file(cfg, NEW, expected=OLD)
    finally:
        folder.chmod(0o700)
    assert info.value.exit_code == ExitCode.WRITE_FAILED
    assert info.value.fix is not None
    assert "make sure your user can write" in info.value.fix
    assert cfg.read_bytes() == OLD
    assert temps(folder) == []


def test_read_only_folder_after_backup_is_refused(cfg: Path, tmp_path: Path) -> None:
    """The backup folder exists already, so the failure comes at the temp file, not the backup."""
    if not permissions_enforced(tmp_path):
        pytest.skip("folder permissions are not enforced here (running as root, or not POSIX)")
    write_file(cfg, NEW, expected=OLD)
    cfg.parent.chmod(0o500)
    try:
        with pytest.raises(WriteRefusedError, match="creating a temporary file"):
            write_file(cfg, OLD, expected=NEW)
    finally:
        cfg.parent.chmod(0o700)
    assert cfg.read_bytes() == NEW
    assert temps(cfg.parent) == []


def test_locked_file_is_retried_then_refused(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace
    attempts: list[str] = []

    def replace(src: str, dst: str) -> None:
        if Path(dst) == cfg:
            attempts.append(src)
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(WriteRefusedError, match="holding it open") as info:
        write_file(cfg, NEW, expected=OLD)
    assert info.value.exit_code == ExitCode.WRITE_FAILED
    assert info.value.fix is not None
    assert "close programs" in info.value.fix
    assert len(attempts) == len(safewrite._REPLACE_RETRY_DELAYS) + 1
    assert sum(safewrite._REPLACE_RETRY_DELAYS) == pytest.approx(1.0)
    assert cfg.read_bytes() == OLD
    assert temps(cfg.parent) == []


def test_briefly_locked_file_is_written_after_retry(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace
    failures = [PermissionError(errno.EACCES, "sharing violation")] * 2

    def replace(src: str, dst: str) -> None:
        if Path(dst) == cfg and failures:
            raise failures.pop()
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    write_file(cfg, NEW, expected=OLD)
    assert cfg.read_bytes() == NEW
    assert temps(cfg.parent) == []


def test_holder_saving_during_retries_is_not_overwritten(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace
    saved = b"[wsl2]\nsaved by the editor\n"

    def replace(src: str, dst: str) -> None:
        if Path(dst) == cfg:
            cfg.write_bytes(saved)  # the editor saves, then releases the file
            raise PermissionError(errno.EACCES, "sharing violation")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(ConcurrentEditError):
        write_file(cfg, NEW, expected=OLD)
    assert cfg.read_bytes() == saved
    assert temps(cfg.parent) == []


def test_stale_temps_are_cleaned_and_unrelated_files_kept(cfg: Path) -> None:
    folder = cfg.parent
    prefix = f".{cfg.name}."  # what mkstemp gets from write_file: "..wslconfig."
    stale = folder / f"{prefix}ab12_xyz.wslconfig-assistant.tmp"
    stale.write_bytes(b"half")
    backups = backup_dir(cfg)
    backups.mkdir()
    stale_backup = backups / ".backup.k3j4h5g6.wslconfig-assistant.tmp"
    stale_backup.write_bytes(b"half")
    own_stale_backup = backups / ".backup..wslconfig.k3j4h5g6.wslconfig-assistant.tmp"
    own_stale_backup.write_bytes(b"half")
    unrelated = [
        backups / ".backup.policy.toml.k3j4h5g6.wslconfig-assistant.tmp",  # another file's (its own lock)
        backups / ".backup.wslconfig.k3j4h5g6.wslconfig-assistant.tmp",  # the sibling "wslconfig"'s
        folder / ".wslconfig.bak",
        folder / "notes.tmp",
        folder / ".wslconfig.mine.txt",
        folder / f"{prefix}x.y.wslconfig-assistant.tmp",  # not our random-part shape
        folder / f"{prefix}wslconfig-assistant.tmp",  # no random part
        folder / ".other.abcd1234.wslconfig-assistant.tmp",  # another file's temp
        folder / ".wslconfig.abcd1234.wslconfig-assistant.tmp",  # the temp of a file named "wslconfig"
        backups / "README.txt",
        backups / "20240101T000000.000000Z-nothex.wslconfig",
    ]
    for path in unrelated:
        path.write_bytes(b"keep me")
    look_alike_dir = folder / f"{prefix}dir12345.wslconfig-assistant.tmp"
    look_alike_dir.mkdir()

    write_file(cfg, NEW, expected=OLD)

    assert not stale.exists()
    assert not stale_backup.exists()
    assert not own_stale_backup.exists()
    assert all(path.read_bytes() == b"keep me" for path in unrelated)
    assert look_alike_dir.is_dir()
    assert [b.path.read_bytes() for b in list_backups(cfg)] == [OLD]


# ---------------------------------------------------------------------- backups


def test_list_backups_oldest_first(cfg: Path) -> None:
    contents = [OLD, b"one\n", b"two\n", b"three\n"]
    for before, after in itertools.pairwise(contents):
        write_file(cfg, after, expected=before)
    backups = list_backups(cfg)
    assert [b.path.read_bytes() for b in backups] == contents[:-1]
    assert [b.id for b in backups] == sorted(b.id for b in backups)
    assert len({b.id for b in backups}) == len(backups)


def test_ids_unique_within_one_microsecond(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frozen = safewrite._parse_id("20261125T182350.123456Z")
    monkeypatch.setattr(safewrite, "_utcnow", lambda: frozen)
    write_file(cfg, b"a\n", expected=OLD)
    write_file(cfg, b"b\n", expected=b"a\n")
    write_file(cfg, b"c\n", expected=b"b\n")
    ids = [b.id for b in list_backups(cfg)]
    assert ids == ["20261125T182350.123456Z", "20261125T182350.123457Z", "20261125T182350.123458Z"]
    assert [b.path.read_bytes() for b in list_backups(cfg)] == [OLD, b"a\n", b"b\n"]


def test_backups_are_pruned_to_the_newest_fifty(cfg: Path) -> None:
    for day in range(1, MAX_BACKUPS + 1):
        plant_backup(cfg, f"202401{day // 31 + 1:02d}T00{day % 31:02d}00.000000Z", b"old %d\n" % day)
    oldest = list_backups(cfg)[0]
    result = write_file(cfg, NEW, expected=OLD)
    backups = list_backups(cfg)
    assert len(backups) == MAX_BACKUPS
    assert oldest.path not in [b.path for b in backups]
    assert not oldest.path.exists()
    assert backups[-1] == result.backup


def test_restore_newest(cfg: Path) -> None:
    write_file(cfg, b"one\n", expected=OLD)
    write_file(cfg, b"two\n", expected=b"one\n")
    chosen, result = restore(cfg)
    assert chosen.path.read_bytes() == b"one\n"
    assert cfg.read_bytes() == b"one\n"
    assert result.backup is not None
    assert result.backup.path.read_bytes() == b"two\n"  # the restore itself can be undone


def test_restore_is_undoable(cfg: Path) -> None:
    write_file(cfg, NEW, expected=OLD)
    restore(cfg)
    assert cfg.read_bytes() == OLD
    restore(cfg)  # the newest backup now holds what the restore replaced
    assert cfg.read_bytes() == NEW


def test_restore_by_exact_id_and_unique_prefix(cfg: Path) -> None:
    plant_backup(cfg, "20240101T000000.000000Z", b"january\n")
    plant_backup(cfg, "20240201T000000.000000Z", b"february\n")
    plant_backup(cfg, "20240201T000000.000001Z", b"february bis\n")
    chosen, _ = restore(cfg, "202401")
    assert chosen.id == "20240101T000000.000000Z"
    assert cfg.read_bytes() == b"january\n"
    chosen, _ = restore(cfg, "20240201T000000.000000Z")  # exact, although also a prefix of nothing else
    assert cfg.read_bytes() == b"february\n"


@pytest.mark.parametrize("wanted", ["202402", "2024"])
def test_restore_ambiguous_id_is_usage_error(cfg: Path, wanted: str) -> None:
    plant_backup(cfg, "20240201T000000.000000Z", b"a\n")
    plant_backup(cfg, "20240202T000000.000000Z", b"b\n")
    with pytest.raises(UsageError) as info:
        restore(cfg, wanted)
    assert info.value.exit_code == ExitCode.USAGE
    assert cfg.read_bytes() == OLD


def test_restore_unknown_id_lists_what_exists(cfg: Path) -> None:
    plant_backup(cfg, "20240201T000000.000000Z", b"a\n")
    with pytest.raises(UsageError, match="no backup"):
        restore(cfg, "")  # an empty id is not a prefix of everything
    with pytest.raises(UsageError, match="no backup") as info:
        restore(cfg, "1999")
    assert info.value.exit_code == ExitCode.USAGE
    assert info.value.fix is not None
    assert "20240201T000000.000000Z" in info.value.fix
    assert cfg.read_bytes() == OLD


def test_restore_without_backups_is_usage_error(cfg: Path) -> None:
    with pytest.raises(UsageError, match="no backups"):
        restore(cfg)


def test_restore_when_already_equal_writes_nothing(cfg: Path) -> None:
    plant_backup(cfg, "20240201T000000.000000Z", OLD)
    before = list_backups(cfg)
    chosen, result = restore(cfg)
    assert chosen == before[0]
    assert result.backup is None
    assert result.path == cfg
    assert list_backups(cfg) == before
    assert cfg.read_bytes() == OLD


def test_restore_refuses_damaged_backup(cfg: Path) -> None:
    path = plant_backup(cfg, "20240201T000000.000000Z", b"good\n")
    path.write_bytes(b"bit rot\n")
    with pytest.raises(WriteRefusedError, match="damaged"):
        restore(cfg)
    assert cfg.read_bytes() == OLD


def test_restore_recreates_deleted_file(cfg: Path) -> None:
    write_file(cfg, NEW, expected=OLD)
    cfg.unlink()
    _, result = restore(cfg)
    assert cfg.read_bytes() == OLD
    assert result.backup is None  # nothing existed to back up
