"""Reading the .wslconfig (the light half of file access: no tempfile, no hashing).

Read-only commands import only this; safewrite.py builds its writes on it.
"""

from __future__ import annotations

import os
import stat
import sys

from wslconfig_assistant.core.errors import ConfigUnreadableError

# Paths are str or os.PathLike here: pathlib costs ~8 ms to import, and read-only
# commands must start fast.
PathLike = str | os.PathLike[str]

# Our temp files end like this (safewrite.py); messages name their folder instead.
TMP_SUFFIX = ".wslconfig-assistant.tmp"
# The small files the tool reads whole besides the .wslconfig (a policy, a saved `wsl --version`) are a few
# hundred bytes; anything this big is the wrong file (a disk image, a log), and reading it whole would cost
# time and memory for nothing.
SMALL_FILE_CAP = 1 << 20


def real_target(config_path: PathLike) -> str:
    return os.path.realpath(config_path)


def shown(config_path: PathLike, target: PathLike) -> str:
    """The file's name for messages: the target, plus the link when there is one."""
    if os.path.islink(config_path):
        return f"{target} (the target of the link {config_path})"
    return str(target)


# ------------------------------------------------------------------- reading


def read_current(config_path: PathLike) -> bytes | None:
    """The file's bytes, or None when it does not exist. A symlink is followed."""
    target = real_target(config_path)
    return read_target(target, shown(config_path, target))


def read_target(target: PathLike, shown: str) -> bytes | None:
    try:
        st = os.stat(target)
        if stat.S_ISDIR(st.st_mode):
            raise is_a_folder(shown)
        if not stat.S_ISREG(st.st_mode):
            # A FIFO or device would block or never end; .wslconfig is plain text.
            raise ConfigUnreadableError(
                f"{shown} is not a regular file; nothing was read",
                fix="replace it with a plain text file (or remove it to start from an empty one)",
            )
        with open(target, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except IsADirectoryError as exc:
        raise is_a_folder(shown) from exc
    except PermissionError as exc:
        if sys.platform == "win32" and _held_open(exc):
            raise ConfigUnreadableError(
                f"cannot read {shown}: another program has it open and lets nobody read it",
                fix="close the program that holds the file (an editor, a sync or backup tool), then run the "
                "command again",
            ) from exc
        raise ConfigUnreadableError(
            f"cannot read {shown}: permission denied",
            fix="make sure your user can read the file (on Windows, also close any program "
            "that holds it open exclusively), then run the command again",
        ) from exc
    except OSError as exc:
        raise ConfigUnreadableError(
            f"cannot read {shown}: {os_error_text(exc)}",
            fix="check that the drive is available and the file is readable, then run the command again",
        ) from exc


def _held_open(exc: OSError) -> bool:
    from wslconfig_assistant.system import winapi  # noqa: PLC0415 - Windows only

    return winapi.is_sharing_violation(exc)


def is_a_folder(shown: str) -> ConfigUnreadableError:
    from wslconfig_assistant.core import shellcommand  # noqa: PLC0415

    # Most often the folder meant the .wslconfig in it (--config %USERPROFILE%).
    folder = shellcommand.invocation().config or shown
    inside = shellcommand.quote(os.path.join(folder, ".wslconfig"), shellcommand.current_shell())
    return ConfigUnreadableError(
        f"{shown} is a folder, not a file; nothing was read or written",
        fix=f"name the file in it: --config {inside}",
    )


def os_error_text(exc: OSError) -> str:
    text = exc.strerror or str(exc)
    if exc.errno is not None and exc.strerror:
        text = f"{text} [errno {exc.errno}]"
    if exc.filename:
        name = os.fsdecode(exc.filename)
        if name.endswith(TMP_SUFFIX):  # our random temp name would only confuse: name its folder
            text = f"{text} (creating a temporary file in {os.path.dirname(name)})"
        else:
            text = f"{text}: {name}"
    return text


