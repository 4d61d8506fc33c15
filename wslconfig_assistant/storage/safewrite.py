"""The one door through which the product writes the user's .wslconfig.

Promise: a crash, Ctrl-C, a full disk or a concurrent edit leaves the file
either as it was or as intended, never truncated or half-written, and every
write over an existing file first keeps a backup of it.

How: the new bytes go to a temp file in the same folder as the target (same
volume, so the final rename is atomic), are fsynced, and only then replace the
target with os.replace. Before the backup and again just before the rename,
the file is compared with the bytes the caller based its edit on
(``expected``), so an edit made meanwhile by someone else is refused (exit 5)
instead of silently overwritten.

Writers of one file are serialized across processes by writelock.py: the
whole write holds the file's lock, and commands that plan an edit (set, unset,
apply, restore) also read the file under it, so two runs at once both land,
one after the other. Other programs (an editor, a script's ``>>``) take no
lock: against them the comparison remains, with a window of microseconds
between the last comparison and the rename.

The module is bytes-only: encodings, BOMs and line endings are the caller's
business and are written verbatim.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import hashlib
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from wslconfig_assistant.core.errors import (
    ConcurrentEditError,
    ConfigUnreadableError,
    UsageError,
    WriteRefusedError,
)
from wslconfig_assistant.storage import openfile, writelock
from wslconfig_assistant.storage.openfile import TMP_SUFFIX as _TMP_SUFFIX
from wslconfig_assistant.storage.openfile import is_a_folder as _is_a_folder
from wslconfig_assistant.storage.openfile import os_error_text as _os_error_text
from wslconfig_assistant.storage.openfile import read_current
from wslconfig_assistant.storage.openfile import read_target as _read_target
from wslconfig_assistant.storage.openfile import shown as _shown


def _real_target(config_path: Path) -> Path:
    return Path(openfile.real_target(config_path))

__all__ = [
    "BACKUP_DIR_NAME",
    "CHECKPOINTS",
    "FAULT_MODES",
    "MAX_BACKUPS",
    "Backup",
    "WriteResult",
    "backup_dir",
    "list_backups",
    "read_current",
    "restore",
    "write_file",
]

BACKUP_DIR_NAME = ".wslconfig-assistant-backups"
MAX_BACKUPS = 50

# Fault injection (see _checkpoint). CHECKPOINTS lists every _checkpoint call in write order;
# the crash tests are built from it, and a test checks that no call is missing from it.
FAULT_ENV = "WSLCONFIG_ASSISTANT_FAULT"
FAULT_MODE_ENV = "WSLCONFIG_ASSISTANT_FAULT_MODE"
FAULT_EXIT_STATUS = 99
CHECKPOINTS = ("before-backup", "after-backup", "after-temp-write", "before-replace", "after-last-check",
               "after-replace")
FAULT_MODES = ("raise", "enospc", "exit", "stop")

# Every temp file we create is "<prefix><mkstemp random part><suffix>"; stale
# ones are recognised by exactly this shape and nothing else is ever deleted.
_BACKUP_TMP_PREFIX = ".backup."
_RANDOM_PART = r"[a-z0-9_]{1,64}"  # mkstemp's alphabet; no dot, so ".x." never matches ".x.y"'s temps

# Fixed width, so sorting the strings sorts by time.
_ID_FORMAT = "%Y%m%dT%H%M%S.%fZ"
# <id>-<sha256 of the content>.<the file's exact name>: several files keep backups in one folder
# (.wslconfig, a sibling "wslconfig", a policy file) and each one's backups carry its whole name, so none
# can be taken for another's. The full digest in the name lets `backups` list from metadata alone.
_BACKUP_NAME = re.compile(r"(?P<id>\d{8}T\d{6}\.\d{6}Z)-(?P<sha>[0-9a-f]{64})\.(?P<name>.+)")
# Before 0.2: <id>-<first 12 digits>.<the name without its leading dots> (".wslconfig" and "wslconfig"
# shared "wslconfig"). Still listed, restored and pruned, for the file they can only belong to.
_LEGACY_NAME = re.compile(r"(?P<id>\d{8}T\d{6}\.\d{6}Z)-(?P<sha>[0-9a-f]{12})\.(?P<name>.+)")
# A backup is a copy of a .wslconfig or a policy file: anything larger in the folder is not one of ours
# (never listed, read or restored), and a file this large is not backed up (the write is refused).
MAX_BACKUP_BYTES = 16 << 20


def _legacy_tag(name: str) -> str:
    return name.lstrip(".") or "wslconfig"


def _owns_legacy_backups(config_path: Path) -> bool:
    """Old-style backups named ``T`` belong to ``config_path`` unless a sibling spelled differently (".T"
    against "T") exists: then they could be either file's, and restore must not guess."""
    tag = _legacy_tag(config_path.name)
    others = {tag, f".{tag}"} - {config_path.name}
    return not any(os.path.lexists(config_path.parent / other) for other in others)


# A Windows sharing violation (an editor or sync tool holding the file) is
# usually over in well under a second: retry for about one second in total.
_REPLACE_RETRY_DELAYS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.25)
_sleep: Callable[[float], None] = time.sleep  # indirection so tests do not wait


class Backup(NamedTuple):
    id: str  # sortable UTC timestamp, e.g. "20261125T182350.123456Z"
    path: Path
    created: datetime.datetime  # aware, UTC
    size: int
    sha256: str  # hex digest of the backed-up bytes, from the name (12 digits for a backup made before 0.2)


class WriteResult(NamedTuple):
    path: Path  # the real file written (the target when the config is a symlink)
    backup: Backup | None  # None when there was no original file (or, from restore, nothing to write)


# Every write this process completed, so that a Ctrl-C reported later can say what was written.
WRITTEN: list[WriteResult] = []


def _checkpoint(name: str) -> None:
    """Test hook for the crash tests; inert unless WSLCONFIG_ASSISTANT_FAULT is set.

    When that variable equals ``name``, WSLCONFIG_ASSISTANT_FAULT_MODE says what happens:
    "raise" (the default) raises an OSError (EIO) as a failing disk would, "enospc" one
    saying the disk is full; "exit" ends the process on the spot (os._exit runs no finally
    blocks); "stop" (POSIX) stops the process with SIGSTOP, so that a test can SIGKILL it
    there, or change the file and SIGCONT it.
    """
    if os.environ.get(FAULT_ENV) != name:
        return
    mode = os.environ.get(FAULT_MODE_ENV, "raise")
    if mode == "exit":
        os._exit(FAULT_EXIT_STATUS)
    if mode == "stop" and sys.platform != "win32":
        import signal  # noqa: PLC0415 - only under test

        os.kill(os.getpid(), signal.SIGSTOP)
        return  # continued: carry on as if nothing happened
    code = errno.ENOSPC if mode == "enospc" else errno.EIO
    raise OSError(code, f"{os.strerror(code)} (injected fault at {name})")


# --------------------------------------------------------------------- paths


def backup_dir(config_path: Path) -> Path:
    """Where backups of ``config_path`` live: a folder next to it.

    Next to the path as given, not next to a symlink's target: that is where
    the user looks, and it keeps backups out of e.g. a dotfiles repository.
    """
    return config_path.parent / BACKUP_DIR_NAME


# ------------------------------------------------------------------- writing


def write_file(config_path: Path, new: bytes, *, expected: bytes | None, reason: str = "") -> WriteResult:
    """Replace the file's content with ``new``, atomically, keeping a backup.

    ``expected`` is what the caller read and based ``new`` on (None: the file
    must not exist); if the file holds anything else the write is refused with
    ConcurrentEditError. ``reason`` only appears in failure messages.

    The file's write lock (writelock.py) is held throughout; a caller that read
    ``expected`` under it already holds it, and keeps it.
    """
    with writelock.held(config_path):
        return _write_locked(config_path, new, expected=expected, reason=reason)


def _write_locked(config_path: Path, new: bytes, *, expected: bytes | None, reason: str) -> WriteResult:
    target = _resolve_for_write(config_path)
    shown = _shown(config_path, target)
    _remove_stale_temps(target.parent, _temp_prefix(target))
    _ensure_unchanged(target, shown, expected)
    if expected is not None:
        _ensure_single_link(target, shown)
        _ensure_backable(expected, shown)
        _ensure_writable(target, shown)

    backup: Backup | None = None
    tmp: Path | None = None
    replaced = False
    try:
        _checkpoint("before-backup")
        if expected is not None:
            backup = _save_backup(config_path, expected)
        _checkpoint("after-backup")
        tmp = _write_config_temp(target, new, has_original=expected is not None)
        _checkpoint("after-temp-write")
        _checkpoint("before-replace")
        # It re-reads first (someone may have saved meanwhile), then calls back just before the rename.
        _replace_with_retry(tmp, target, shown, expected, checked=lambda: _checkpoint("after-last-check"))
        replaced = True
        _checkpoint("after-replace")
        _fsync_dir(target.parent)
    except OSError as exc:
        raise _write_failed(
            shown,
            target,
            exc,
            replaced=replaced,
            had_original=expected is not None,
            backup=backup,
            reason=reason,
        ) from exc
    finally:
        # Also runs on Ctrl-C and any other BaseException, which then propagates.
        if tmp is not None and not replaced:
            _remove_quietly(tmp)
    WRITTEN.append(WriteResult(target, backup))
    return WRITTEN[-1]


def _resolve_for_write(config_path: Path) -> Path:
    target = _real_target(config_path)
    if not target.parent.is_dir():
        raise WriteRefusedError(
            f"profile folder {target.parent} does not exist; {config_path} was not written",
            fix=f"check the path {config_path} (on Windows it is normally %UserProfile%\\.wslconfig), "
            "or create the folder first",
        )
    if target.is_dir():
        raise _is_a_folder(_shown(config_path, target))
    return target


def _ensure_single_link(target: Path, shown: str) -> None:
    """Refuse a file with hard links: the rename gives the path a new file, and every other name would
    silently keep the old content (writing in place instead would lose the atomic replace)."""
    try:
        links = os.stat(target).st_nlink
    except OSError:
        return  # gone meanwhile: the comparison before the rename refuses the write
    if links > 1:
        raise WriteRefusedError(
            f"{shown} has {links} hard links (other names for the same file): replacing it would leave the "
            "other names with the old content; the original is intact, nothing was written",
            fix="make it a file of its own (copy it, delete it, rename the copy back), or, if the other names "
            "should see the change, make them symbolic links to it (the assistant edits a link's target); "
            "then run the command again",
        )


def _ensure_backable(original: bytes, shown: str) -> None:
    if len(original) > MAX_BACKUP_BYTES:
        raise WriteRefusedError(
            f"{shown} is larger than {MAX_BACKUP_BYTES >> 20} MiB: too large to keep a backup of, so it is not "
            "edited; the original is intact, nothing was written",
            fix="a .wslconfig is a few lines: check what made it this large, and start from a smaller file",
        )


def _ensure_writable(target: Path, shown: str) -> None:
    """Refuse, before any backup, a file that is read-only or that this user may not change.

    The rename needs only the folder to be writable: without this check a read-only file
    (or, on POSIX, someone else's file in a folder we may write) would be silently replaced.
    """
    try:
        st = os.stat(target)
    except OSError:
        return  # gone meanwhile: the comparison before the rename refuses the write
    if sys.platform == "win32":
        read_only = bool(getattr(st, "st_file_attributes", 0) & stat.FILE_ATTRIBUTE_READONLY)
        unlock = f'attrib -r "{target}"'
    else:
        read_only = not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
        unlock = f"chmod u+w '{target}'"
    if read_only:
        raise WriteRefusedError(
            f"{shown} is read-only; the original is intact, nothing was written",
            fix=f"if it is not read-only on purpose, make it writable ({unlock}), then run the command again",
        )
    if sys.platform == "win32":
        _probe_windows_write_access(target, shown)
        return
    if os.access(target, os.W_OK):
        return
    if _on_read_only_drive(target.parent):
        raise WriteRefusedError(
            f"{shown} is on a read-only drive; the original is intact, nothing was written",
            fix=f"{target.parent} is on a read-only drive; make it writable, then run the command again",
        )
    raise WriteRefusedError(
        f"cannot write {shown}: permission denied (your user may not change it); the original is intact, "
        "nothing was written",
        fix="run the command as the user who owns the file, or give your user write access to it "
        f"(e.g. chown or chmod u+w '{target}'), then run the command again",
    )


def _probe_windows_write_access(target: Path, shown: str) -> None:
    """Open the file for writing (changing nothing): on Windows os.access(W_OK) only looks at the read-only
    attribute, so a DACL denying this user write access (set by IT) would be bypassed by the rename."""
    from wslconfig_assistant.system import winapi  # noqa: PLC0415 - Windows only

    try:
        winapi.probe_write_access(str(target))
    except OSError as exc:
        if winapi.is_sharing_violation(exc) or winapi.winerror(exc) != winapi.ERROR_ACCESS_DENIED:
            return  # held open, or gone: the replace retries, the comparison before it guards
        raise WriteRefusedError(
            f"cannot write {shown}: access denied (its permissions do not let your user change it); the "
            "original is intact, nothing was written",
            fix=f'see who may change it with: icacls "{target}"; ask whoever set that (often IT) to let your '
            "user write it, or run the command as a user who may, then run the command again",
        ) from exc


def _on_read_only_drive(folder: Path) -> bool:
    if sys.platform == "win32":  # no statvfs; a read-only volume fails the write itself (exit 5)
        return False
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _ensure_unchanged(target: Path, shown: str, expected: bytes | None) -> None:
    current = _read_target(target, shown)
    if current != expected:
        raise _changed(shown, expected, current)


def _changed(shown: str, expected: bytes | None, current: bytes | None) -> ConcurrentEditError:
    if expected is None:
        detail = "it was created by something else"
    elif current is None:
        detail = "it was deleted"
    else:
        detail = "its content is different"
    return ConcurrentEditError(
        f"{shown} changed since it was read ({detail}); nothing was written",
        fix="run the command again; it will start from the current content",
    )


def _write_config_temp(target: Path, new: bytes, *, has_original: bool) -> Path:
    mode, owner = 0o600, None  # a new file: owner-only, mkstemp's own default
    if has_original:
        try:
            st = os.stat(target)
        except FileNotFoundError:
            st = None  # deleted meanwhile: the re-check before the rename refuses the write
        if st is not None:
            mode, owner = stat.S_IMODE(st.st_mode) & 0o777, (st.st_uid, st.st_gid)
    return _write_temp(target.parent, _temp_prefix(target), new, mode=mode, owner=owner)


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


def _write_temp(
    folder: Path, prefix: str, data: bytes, *, mode: int, owner: tuple[int, int] | None = None
) -> Path:
    """Create a temp file in ``folder`` holding ``data``, flushed to disk; removed again on any failure."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=_TMP_SUFFIX, dir=folder)
    tmp = Path(name)
    try:
        try:
            _copy_metadata(tmp, mode, owner)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        _remove_quietly(tmp)
        raise
    return tmp


def _copy_metadata(path: Path, mode: int, owner: tuple[int, int] | None) -> None:
    # Best effort: some mounts (SMB, drvfs without metadata) refuse chmod/chown,
    # and failing the write for that would be worse than mkstemp's owner-only 0o600.
    if sys.platform == "win32":
        return  # Windows keeps the folder's inherited ACL; there are no mode bits to copy
    with contextlib.suppress(OSError):
        os.chmod(path, mode)
    if owner is not None and owner != (os.geteuid(), os.getegid()):
        with contextlib.suppress(OSError):
            os.chown(path, *owner)  # e.g. run under sudo: the file stays the user's


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _replace_with_retry(tmp: Path, target: Path, shown: str, expected: bytes | None,
                        checked: Callable[[], None] = lambda: None) -> None:
    """os.replace, each attempt right after a last comparison with ``expected``."""
    last_error: OSError | None = None
    for attempt, delay in enumerate((0.0, *_REPLACE_RETRY_DELAYS)):
        if attempt:
            _sleep(delay)
        # Someone may have saved since we read it (or, between attempts, the program holding it).
        try:
            current = _read_target(target, shown)
        except ConfigUnreadableError:
            if not attempt:
                raise
            continue  # still held even for reading: wait more before touching it
        if current != expected:
            raise _changed(shown, expected, current)
        checked()  # the window other programs' edits (they take no lock) can still slip into
        try:
            _replace(tmp, target, shown, has_original=expected is not None)
        except PermissionError as exc:
            last_error = exc
        except OSError as exc:
            if not _replaced_file_still_there(exc):
                raise
            last_error = exc
        else:
            return
    detail = _os_error_text(last_error) if last_error else "the file stayed locked"
    raise WriteRefusedError(
        f"could not replace {shown}: {detail}. Another program may be holding it open, or the file "
        "or its folder is read-only; the original is intact, nothing was written",
        fix="close programs that may have the file open (an editor, a sync or backup tool), make sure "
        f"the file is not read-only and that you can write to {target.parent}, then run the command again",
    ) from last_error


def _replace(tmp: Path, target: Path, shown: str, *, has_original: bool) -> None:
    """The rename. On Windows over an existing file, ReplaceFileW: a plain rename (MoveFileEx) gives the
    path the temp file's attributes and inherited ACL, dropping the hidden attribute and any explicit ACL
    (an IT deny-write entry, say); ReplaceFileW keeps the replaced file's (winapi.replace_file)."""
    if sys.platform != "win32" or not has_original:
        os.replace(tmp, target)
        return
    from wslconfig_assistant.system import winapi  # noqa: PLC0415 - Windows only

    try:
        winapi.replace_file(str(target), str(tmp))
    except OSError as exc:
        if winapi.winerror(exc) != winapi.ERROR_UNABLE_TO_MOVE_REPLACEMENT:
            raise
        # Documented: the replaced file no longer exists, the replacement is still under its temp name.
        # Finish the move; the previous content is in the backup taken before.
        try:
            os.replace(tmp, target)
        except OSError as again:
            raise WriteRefusedError(
                f"could not replace {shown}: Windows removed it but could not move the new content in "
                f"({_os_error_text(again)}); its previous content is in the newest backup",
                fix=f"run `{_restore_command()}` to put the previous content back",
            ) from again


def _replaced_file_still_there(exc: OSError) -> bool:
    """ReplaceFileW's ERROR_UNABLE_TO_REMOVE_REPLACED: both files kept their names (retry, like a sharing
    violation)."""
    if sys.platform != "win32":
        return False
    from wslconfig_assistant.system import winapi  # noqa: PLC0415 - Windows only

    return winapi.winerror(exc) == winapi.ERROR_UNABLE_TO_REMOVE_REPLACED


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX). Best effort: some file systems cannot open folders."""
    if sys.platform == "win32":
        return  # os.open cannot open folders; NTFS journals the rename itself
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _remove_stale_temps(folder: Path, prefix: str) -> None:
    """Delete temp files an earlier killed run left behind. Nothing else is ever touched.

    Called only under the file's write lock, and ``prefix`` names that one file: no other
    live writer can own a matching temp file.
    """
    pattern = re.compile(re.escape(prefix) + _RANDOM_PART + re.escape(_TMP_SUFFIX))
    try:
        with os.scandir(folder) as entries:
            stale = [
                Path(entry.path)
                for entry in entries
                if pattern.fullmatch(entry.name) and not entry.is_dir(follow_symlinks=False)
            ]
    except OSError:
        return  # cleaning is a courtesy; the write itself reports real problems
    for path in stale:
        _remove_quietly(path)


def _write_failed(
    shown: str,
    target: Path,
    exc: OSError,
    *,
    replaced: bool,
    had_original: bool,
    backup: Backup | None,
    reason: str,
) -> WriteRefusedError:
    doing = f" ({reason})" if reason else ""
    if replaced:
        # Only the fault hook gets here today; the new content is in place, say so.
        kept = f"; the previous content is in backup {backup.id}" if backup else ""
        return WriteRefusedError(
            f"{shown} was written{doing}, but then: {_os_error_text(exc)}{kept}",
            fix="check the file; the restore command undoes the change",
        )
    outcome = "the original is intact" if had_original else f"{target.name} was not created"
    return WriteRefusedError(
        f"could not write {shown}{doing}: {_os_error_text(exc)}; {outcome}, nothing was written",
        fix=_fix_for(exc, target.parent),
    )


def _fix_for(exc: OSError, folder: Path) -> str:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"free some disk space on the drive that holds {folder}, then run the command again"
    if exc.errno == errno.EROFS:
        return f"{folder} is on a read-only drive; make it writable, then run the command again"
    if isinstance(exc, PermissionError):
        fix = (
            f"make sure your user can write to {folder} and its {BACKUP_DIR_NAME} folder "
            "(and that no program is locking them), then run the command again"
        )
        if sys.platform == "win32":  # e.g. a backups folder an older version made from an elevated prompt
            fix += (f'; if the backups folder shuts you out, reset it to the profile\'s permissions from an '
                    f'elevated prompt: icacls "{folder / BACKUP_DIR_NAME}" /reset /T')
        return fix
    return f"run the command again; if it keeps failing, check the drive that holds {folder}"


# ------------------------------------------------------------------- backups


def _save_backup(config_path: Path, data: bytes) -> Backup:
    """Store ``data`` as a new backup, atomically, then prune the oldest ones."""
    folder = _backups_folder(config_path)
    # This file's own temps only: a writer of another file in this folder holds another lock. The old
    # shared shape (".backup.<random>") is no current writer's, so it is always stale.
    prefix = f"{_BACKUP_TMP_PREFIX}{config_path.name}."
    _remove_stale_temps(folder, prefix)
    _remove_stale_temps(folder, _BACKUP_TMP_PREFIX)
    entries = _backup_entries(config_path)
    backup_id = _next_id(entries[-1].id if entries else None)
    digest = hashlib.sha256(data).hexdigest()
    final = folder / f"{backup_id}-{digest}.{config_path.name}"
    _place(folder, prefix, final, data)
    _prune(config_path)
    return Backup(backup_id, final, _parse_id(backup_id), len(data), digest)


def _backups_folder(config_path: Path) -> Path:
    """The backups folder, created if absent; an existing one is used exactly as it is.

    Never a chmod: a folder the assistant did not create is not its to change, and a backups folder that
    is a symlink (say, to a shared folder) must not hand its target our mode bits. What keeps the backups
    private is each backup file's own 0600 (POSIX). A new folder is made private by mkdir itself: 0700
    on POSIX (the umask can only take bits away). On Windows, no mode: since Python 3.11.10, 3.12.4 and
    3.13 (the CVE-2024-4030 fix, documented under os.mkdir), mode 0o700 gives the folder a protected ACL
    (SYSTEM, Administrators and the owner only, nothing inherited); made once from an elevated prompt, it
    shuts the normal user out of their backups. Without a mode the folder inherits the profile's ACL,
    which already keeps other users out.
    """
    folder = backup_dir(config_path)
    try:
        if sys.platform == "win32":
            os.mkdir(folder)
        else:
            os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    return folder


def ensure_backup_dir(config_path: Path) -> Path:
    """The backups folder, created as a backup would create it (see _backups_folder)."""
    return _backups_folder(config_path)


def write_side_file(config_path: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to ``name`` in the backups folder, atomically (temp file, fsync, rename): a crash
    leaves the previous content or the new one. For the assistant's own records next to the backups
    (`bench`'s history); ``name`` never matches a backup's name, so listing and pruning skip it."""
    folder = _backups_folder(config_path)
    prefix = f"{_BACKUP_TMP_PREFIX}{name}."
    _remove_stale_temps(folder, prefix)
    final = folder / name
    _place(folder, prefix, final, data)
    return final


def _place(folder: Path, prefix: str, final: Path, data: bytes) -> None:
    """``data`` at ``final`` in the backups folder, atomically: a temp file readable by the user only,
    fsynced, renamed (retried on sharing violations), then the folder fsynced; no temp survives a failure."""
    tmp = _write_temp(folder, prefix, data, mode=0o600)
    try:
        _rename_with_retry(tmp, final)
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_dir(folder)


def _rename_with_retry(tmp: Path, final: Path) -> None:
    """os.replace of a backup's temp file to its name; retried like the main replace, since an antivirus
    or indexer scanning the new temp file holds it briefly (a sharing violation, PermissionError)."""
    for delay in _REPLACE_RETRY_DELAYS:
        try:
            os.replace(tmp, final)
        except PermissionError:
            _sleep(delay)
        else:
            return
    os.replace(tmp, final)  # the last attempt's error is the one reported


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _next_id(newest: str | None) -> str:
    # Strictly after the newest existing id: unique even within one microsecond,
    # and "newest" stays the latest write even if the clock steps backwards.
    now = _utcnow()
    if newest is not None:
        now = max(now, _parse_id(newest) + datetime.timedelta(microseconds=1))
    return now.strftime(_ID_FORMAT)


def _parse_id(backup_id: str) -> datetime.datetime:
    return datetime.datetime.strptime(backup_id, _ID_FORMAT).replace(tzinfo=datetime.UTC)


def _backup_entries(config_path: Path) -> list[Backup]:
    """The backups of ``config_path``, oldest first, from the folder's metadata alone (names and sizes:
    nothing is read). Other files, other files' backups and files over MAX_BACKUP_BYTES are ignored."""
    folder = backup_dir(config_path)
    legacy = _owns_legacy_backups(config_path)
    found = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                match = _BACKUP_NAME.fullmatch(entry.name)
                if match is None or match["name"] != config_path.name:
                    match = _LEGACY_NAME.fullmatch(entry.name) if legacy else None
                    if match is None or match["name"] != _legacy_tag(config_path.name):
                        continue
                if not entry.is_file(follow_symlinks=False):
                    continue  # a link or a folder under a backup's name is not one we made
                size = entry.stat(follow_symlinks=False).st_size
                if size <= MAX_BACKUP_BYTES:
                    found.append(Backup(match["id"], Path(entry.path), _parse_id(match["id"]), size, match["sha"]))
    except FileNotFoundError:
        return []
    return sorted(found)


def _prune(config_path: Path) -> None:
    # Best effort: a backup we could not delete costs disk space, not safety.
    for backup in _backup_entries(config_path)[:-MAX_BACKUPS]:
        _remove_quietly(backup.path)


def list_backups(config_path: Path) -> list[Backup]:
    """Backups of ``config_path``, oldest first, from metadata (see _backup_entries). ``sha256`` is the
    digest in the backup's name: all 64 digits, or the first 12 for a backup made before 0.2."""
    folder = backup_dir(config_path)
    try:
        return _backup_entries(config_path)
    except OSError as exc:
        raise ConfigUnreadableError(
            f"cannot list the backups in {folder}: {_os_error_text(exc)}",
            fix=f"make sure {folder} is a folder your user can read",
        ) from exc


def _read_backup_bytes(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BACKUP_BYTES + 1)  # grown since it was listed: never read without bound
    except OSError as exc:
        raise ConfigUnreadableError(
            f"cannot read backup {path}: {_os_error_text(exc)}",
            fix=f"make sure your user can read the files in {path.parent}",
        ) from exc
    if len(data) > MAX_BACKUP_BYTES:
        raise WriteRefusedError(
            f"backup {path} is larger than {MAX_BACKUP_BYTES >> 20} MiB, so it is not a copy the assistant "
            "made; nothing was written",
            fix="restore another backup by giving its id",
        )
    return data


def restore(config_path: Path, backup_id: str | None = None) -> tuple[Backup, WriteResult]:
    """Put a backup's bytes back: the newest one, or the one whose id is or starts with ``backup_id``.

    Restoring is an ordinary write_file call, so the current content is backed
    up first and the restore itself can be undone by restoring again. When the
    file already holds exactly the backup's bytes nothing is written, and the
    returned WriteResult has ``backup=None``.
    """
    with writelock.held(config_path):  # read and write under one lock: a concurrent writer goes first or after
        chosen = _choose_backup(config_path, list_backups(config_path), backup_id)
        data = _verified_backup_bytes(chosen)
        current = read_current(config_path)
        if current == data:
            return chosen, WriteResult(_real_target(config_path), None)
        return chosen, write_file(config_path, data, expected=current, reason=f"restoring backup {chosen.id}")


def _choose_backup(config_path: Path, backups: list[Backup], backup_id: str | None) -> Backup:
    if not backups:
        raise UsageError(
            f"there are no backups of {config_path} in {backup_dir(config_path)}",
            fix="a backup is made each time the assistant changes the file; there is nothing to restore yet",
        )
    if backup_id is None:
        return backups[-1]
    wanted = backup_id.strip()
    exact = [b for b in backups if b.id == wanted]
    matches = exact or [b for b in backups if wanted and b.id.startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UsageError(
            f"backup id {backup_id!r} is ambiguous: it matches {_id_list(matches)}",
            fix="give more characters of the id",
        )
    raise UsageError(
        f"no backup of {config_path} has the id {backup_id!r}",
        fix=f"use one of these ids (newest first): {_id_list(backups)}",
    )


def _id_list(backups: list[Backup]) -> str:
    return ", ".join(b.id for b in reversed(backups))


def _verified_backup_bytes(backup: Backup) -> bytes:
    """The one backup being restored is read and hashed (the listing reads none)."""
    data = _read_backup_bytes(backup.path)
    if not hashlib.sha256(data).hexdigest().startswith(backup.sha256):
        raise WriteRefusedError(
            f"backup {backup.path} is damaged (its content does not match the checksum in its name); "
            "nothing was written",
            fix="restore another backup by giving its id",
        )
    return data


def _restore_command() -> str:
    from wslconfig_assistant.core.shellcommand import ours  # noqa: PLC0415 - only on this rare failure

    return ours("restore")
