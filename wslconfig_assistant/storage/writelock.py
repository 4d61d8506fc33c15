"""One writer at a time per file, across processes: an OS lock on a small file next to it.

Two runs of the assistant that edit one .wslconfig at the same moment would otherwise both read the
same content and the second rename would silently drop the first edit. Writers therefore read, plan and
write while holding this lock, so the second one starts from the first one's result.

The lock is the operating system's (flock on POSIX; LockFile through msvcrt.locking on Windows, see
winapi.py), held on ``<file>.wslconfig-assistant.lock`` beside the real file. The OS releases it when its
holder exits or is killed, so a lock left by a dead process never blocks anyone: a killed holder leaves the
file behind, but an unlocked file is not a lock. A normal exit removes it (no stray file in the profile or
a dotfiles folder). A live holder is waited for ``WAIT_SECONDS``, then the write is refused with exit 5.

Why not the `filelock` package: it would be the right tool, but version 4 pulls logging, inspect, ast,
dataclasses and platform into every write (+35-40 ms measured on top of safewrite's ~27 ms), and what we
need is the two calls below. Other editors (Notepad, a script's ``>>``) ignore any lock: safewrite's
comparison with the bytes read is what guards against them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from collections.abc import Iterator

from wslconfig_assistant.core.errors import WriteRefusedError
from wslconfig_assistant.storage.openfile import PathLike, real_target

LOCK_SUFFIX = ".wslconfig-assistant.lock"
WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.02

# Lock files this process holds, with how many nested holds: write_file takes the lock its caller may
# already hold (the caller read the file under it), and an OS lock is per open file, not per process.
_held: dict[str, int] = {}


def lock_path(target: str) -> str:
    folder, name = os.path.split(target)
    return os.path.join(folder, (name if name.startswith(".") else f".{name}") + LOCK_SUFFIX)


@contextlib.contextmanager
def held(config_path: PathLike) -> Iterator[None]:
    """Hold the write lock of ``config_path``'s real file (a symlink's target) for the block."""
    path = lock_path(real_target(config_path))
    if _held.get(path):
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    fd = _acquire(path, config_path)
    if fd is None:  # a folder we cannot write: the write itself fails with the real reason
        yield
        return
    _held[path] = 1
    try:
        yield
    finally:
        del _held[path]
        _release(fd, path)


def _acquire(path: str, config_path: PathLike) -> int | None:
    """Open and lock the lock file; retried when the file we locked was meanwhile removed by its last holder
    (then a newer one may be someone else's: only a lock on the file at the path counts)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        fd = _open(path)
        if fd is None:
            return None
        try:
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise WriteRefusedError(
                        f"another program is writing {config_path} (it has held {path} for more than "
                        f"{WAIT_SECONDS:.0f} seconds); nothing was written",
                        fix="wait for the other wslconfig-assistant run to finish (or end it), "
                        "then run the command again",
                    )
                time.sleep(_POLL_SECONDS)
            if _still_at(fd, path):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _still_at(fd: int, path: str) -> bool:
    try:
        there, ours = os.stat(path, follow_symlinks=False), os.fstat(fd)
    except OSError:
        return False
    return (there.st_dev, there.st_ino) == (ours.st_dev, ours.st_ino)


def _release(fd: int, path: str) -> None:
    """Remove the lock file, then unlock. POSIX removes it while still locked, so a waiter that then gets
    the old file sees it is gone and starts over; Windows cannot remove a file open without delete
    sharing, so it closes first and removes it only if no waiter has it open (else it stays: harmless)."""
    if sys.platform == "win32":
        _unlock(fd)
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)
        return
    with contextlib.suppress(OSError):
        os.unlink(path)
    _unlock(fd)
    os.close(fd)


def _open(path: str) -> int | None:
    # O_NOFOLLOW: a symlink planted at the lock's name must not make us create or lock another file.
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise WriteRefusedError(
                f"the lock file {path} is a symbolic link; nothing was written",
                fix=f"delete {path} (the assistant creates it again as a plain file), then run the command again",
            ) from exc
        return None


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        from wslconfig_assistant.system import winapi  # noqa: PLC0415 - Windows only

        os.lseek(fd, 0, os.SEEK_SET)  # _locking locks from the current position
        return winapi.try_lock_first_byte(fd)
    import fcntl  # noqa: PLC0415 - POSIX only

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
            return True  # a file system without locks (some network mounts): the content check still guards
        raise
    return True


def _unlock(fd: int) -> None:
    with contextlib.suppress(OSError):  # closing the descriptor releases it anyway
        if sys.platform == "win32":
            from wslconfig_assistant.system import winapi  # noqa: PLC0415 - Windows only

            os.lseek(fd, 0, os.SEEK_SET)
            winapi.unlock_first_byte(fd)
        else:
            import fcntl  # noqa: PLC0415 - POSIX only

            fcntl.flock(fd, fcntl.LOCK_UN)
