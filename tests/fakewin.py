"""A fake of wslconfig_assistant.system.winapi for the Linux suite, written from Microsoft's documented behaviour.

Each fake cites the API and the documented behaviour it reproduces. Tests install it with the
``fake_windows`` fixture (tests/conftest.py): ``sys.platform`` becomes "win32" and each winapi function
its fake, then the product runs through the same commands the Windows runner would. A test changes the
fake machine through the FakeWindows object the fixture yields (its RAM, which descriptors are consoles
and in which mode, the console's code page, the registry).

Run as a script (``python tests/fakewin.py ARGS``), it runs the CLI in a process of its own under the
same fake, so that the behaviours that need a real process (what bytes reach a redirected stdout) are
tested end to end: the machine comes from ``$FAKEWIN_STATE`` (JSON; see FakeWindows.from_json).

Sections mirror winapi.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_ENV = "FAKEWIN_STATE"
SCRIPT = Path(__file__).resolve()
GIB = 1 << 30

# The names winapi exports that are calls (patched); constants and pure helpers stay real.
FAKED = ("total_physical_memory", "host_sleep_seconds", "kill_process_tree", "console_mode", "set_console_mode",
         "console_output_code_page", "oem_code_page", "registry_value", "expand_environment_strings",
         "lock_first_byte", "unlock_first_byte", "try_lock_first_byte", "replace_file", "probe_write_access")
FILE_ATTRIBUTE_HIDDEN = 0x2


@dataclass
class FakeWindows:
    """The state of one fake Windows machine. Defaults: 16 GiB, no console attached (a CI job's
    redirected streams), OEM code page 437 (US English), an empty registry."""

    # --- memory and processes
    total_phys: int | None = 16 * GIB
    slept: float | None = 0.0  # seconds asleep since the host started; None: the call failed
    killed: list[int] = field(default_factory=list)
    # --- console
    consoles: dict[int, int] = field(default_factory=dict)  # fd -> console mode, for fds that are consoles
    vt_supported: bool = True  # False: conhost before Windows 10 1511
    output_cp: int | None = None  # GetConsoleOutputCP; None: no console attached
    oem_cp: int = 437
    ansi_cp: int = 1252  # GetACP: what Python writes redirected streams in (see main)
    # --- registry: (hive, subkey, name), all lower case (names are case-insensitive) -> (value, type)
    registry: dict[tuple[str, str, str], tuple[object, int]] = field(default_factory=dict)
    # --- files: what NTFS keeps per file and Linux does not, keyed by the file itself (device, inode), so a
    # rename over a path (MoveFileEx: os.replace) brings a file without them, as on Windows.
    file_attributes: dict[tuple[int, int], int] = field(default_factory=dict)
    file_acl: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)  # e.g. ("deny-write",)

    # -- memory and processes -------------------------------------------------------------------

    def total_physical_memory(self) -> int | None:
        # GlobalMemoryStatusEx: MEMORYSTATUSEX.ullTotalPhys, "the amount of actual physical memory, in
        # bytes"; "if the function fails, the return value is zero" (winapi gives None then).
        return self.total_phys

    def host_sleep_seconds(self) -> float | None:
        # GetTickCount64 counts milliseconds since start, sleep included; QueryUnbiasedInterruptTime
        # "does not include time the system spends in sleep or hibernation": the difference is the sleep.
        return self.slept

    def kill_process_tree(self, pid: int) -> None:
        # taskkill /PID pid /T /F: "/T ends the specified process and any child processes started by
        # it", forcefully (/F). Here the tree is the session run_wsl starts its child in (os.name is
        # still posix under the fake): killing the process group ends the parent and every child.
        self.killed.append(pid)
        with contextlib.suppress(OSError):  # already gone: taskkill reports "not found" and exits 128
            os.killpg(pid, signal.SIGKILL)

    # -- console: modes and code pages ----------------------------------------------------------

    def console_mode(self, fd: int) -> int | None:
        # GetConsoleMode: "If the function fails, the return value is zero"; it fails for any handle
        # that is not a console input or screen buffer: a file, a pipe, the NUL device.
        return self.consoles.get(fd)

    def set_console_mode(self, fd: int, mode: int) -> bool:
        # SetConsoleMode: fails on a handle that is not a console; a console host that predates
        # ENABLE_VIRTUAL_TERMINAL_PROCESSING (before Windows 10 1511) refuses the flag with
        # ERROR_INVALID_PARAMETER and keeps its mode.
        if fd not in self.consoles:
            return False
        if mode & 0x0004 and not self.vt_supported:
            return False
        self.consoles[fd] = mode
        return True

    def console_output_code_page(self) -> int | None:
        # GetConsoleOutputCP: the attached console's output code page ([Console]::OutputEncoding in
        # PowerShell); "if the function fails, the return value is zero" (no console attached).
        return self.output_cp

    def oem_code_page(self) -> int:
        # GetOEMCP: the system's OEM code page; cmd.exe reads batch files in it.
        return self.oem_cp

    # -- registry (the Lxss keys) ---------------------------------------------------------------

    def set_registry(self, subkey: str, name: str, value: object, kind: int, *,
                     hive: str = "HKEY_LOCAL_MACHINE") -> None:
        self.registry[(hive.lower(), subkey.lower(), name.lower())] = (value, kind)

    def registry_value(self, subkey: str, name: str, *, hive: str = "HKEY_LOCAL_MACHINE") -> tuple[object, int] | None:
        # RegOpenKeyEx + RegQueryValueEx: ERROR_FILE_NOT_FOUND for a missing key or value (winapi gives
        # None); key and value names are case-insensitive ("Registry Element Size Limits" / "Structure
        # of the Registry").
        return self.registry.get((hive.lower(), subkey.lower(), name.lower()))

    @staticmethod
    def expand_environment_strings(text: str) -> str:
        # ExpandEnvironmentStrings: each %name% is replaced by the variable's value (names are
        # case-insensitive); "if the name is not found, the %variableName% portion is left unexpanded".
        env = {k.upper(): v for k, v in os.environ.items()}
        return re.sub(r"%([^%]+)%", lambda m: env.get(m[1].upper(), m[0]), text)

    # -- files: locking --------------------------------------------------------------------------

    @staticmethod
    def lock_first_byte(fd: int) -> None:
        # _locking(LK_LOCK, 1): locks one byte at the current position; "if the bytes cannot be locked,
        # the program immediately tries again after 1 second. If, after 10 attempts, the bytes cannot
        # be locked, the constant returns an error" (EDEADLOCK). A POSIX record lock of the same byte.
        import fcntl
        import time

        for attempt in range(10):
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 0, os.SEEK_CUR)
            except OSError:
                if attempt == 9:
                    raise OSError(36, "Resource deadlock avoided") from None  # EDEADLOCK on Windows
                time.sleep(1)
            else:
                return

    @staticmethod
    def unlock_first_byte(fd: int) -> None:
        # _locking(LK_UNLCK, 1): "unlocks the specified bytes, which must have been previously locked".
        # Either kind of lock the fake took (lock_first_byte's record lock, try_lock_first_byte's flock).
        import fcntl

        fcntl.lockf(fd, fcntl.LOCK_UN, 1, 0, os.SEEK_CUR)
        fcntl.flock(fd, fcntl.LOCK_UN)

    @staticmethod
    def try_lock_first_byte(fd: int) -> bool:
        # _locking(LK_NBLCK, 1): "if the bytes cannot be locked, the constant returns an error" at once.
        # LockFile's locks belong to the handle: a second handle, even in the same process, is refused
        # until the first unlocks or closes (or its process dies). flock has exactly that scope (one
        # open file description); a POSIX record lock would not refuse a second handle of this process.
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    # -- files: attributes, security, replacing ---------------------------------------------------

    @staticmethod
    def _file_key(path: str) -> tuple[int, int]:
        st = os.stat(path)
        return st.st_dev, st.st_ino

    def set_file_security(self, path: str, *, attributes: int = 0, acl: tuple[str, ...] = ()) -> None:
        key = self._file_key(path)
        self.file_attributes[key] = attributes
        self.file_acl[key] = acl

    def file_security(self, path: str) -> tuple[int, tuple[str, ...]]:
        key = self._file_key(path)
        return self.file_attributes.get(key, 0), self.file_acl.get(key, ())

    def replace_file(self, replaced: str, replacement: str) -> None:
        # ReplaceFileW: "the caller must have write access to the file to be replaced" (else
        # ERROR_ACCESS_DENIED); the replacement takes the name, keeps its own file ID ("the resulting file
        # has the same file ID as the replacement file") and gets the replaced file's attributes and DACL.
        attributes, acl = self.file_security(replaced)
        if "deny-write" in acl:
            raise _winerror(PermissionError(13, "Access is denied", replaced), 5)
        os.replace(replacement, replaced)
        self.set_file_security(replaced, attributes=attributes, acl=acl)

    def probe_write_access(self, path: str) -> None:
        # CreateFileW(GENERIC_WRITE): a DACL denying write fails with ERROR_ACCESS_DENIED (5).
        if "deny-write" in self.file_security(path)[1]:
            raise _winerror(PermissionError(13, "Access is denied", path), 5)
        os.close(os.open(path, os.O_WRONLY))

    # -- serialising, for a process of its own --------------------------------------------------

    def to_json(self) -> str:
        return json.dumps({"total_phys": self.total_phys, "slept": self.slept,
                           "consoles": {str(k): v for k, v in self.consoles.items()},
                           "vt_supported": self.vt_supported, "output_cp": self.output_cp, "oem_cp": self.oem_cp,
                           "ansi_cp": self.ansi_cp,
                           "registry": [[*key, *value] for key, value in self.registry.items()]})

    @classmethod
    def from_json(cls, text: str) -> FakeWindows:
        data: dict[str, Any] = json.loads(text)
        machine = cls(total_phys=data.get("total_phys", 16 * GIB), slept=data.get("slept", 0.0),
                      consoles={int(k): int(v) for k, v in data.get("consoles", {}).items()},
                      vt_supported=data.get("vt_supported", True), output_cp=data.get("output_cp"),
                      oem_cp=data.get("oem_cp", 437), ansi_cp=data.get("ansi_cp", 1252))
        for hive, subkey, name, value, kind in data.get("registry", []):
            machine.registry[(hive, subkey, name)] = (value, kind)
        return machine


def _winerror(exc: OSError, code: int) -> OSError:
    exc.winerror = code  # type: ignore[attr-defined]  # what Python sets on Windows
    return exc


# Standard modules that read sys.platform when they are imported (subprocess would look for _winapi):
# imported before it changes, so that only the product's own run-time branches see "win32".
PREIMPORTED = ("subprocess", "tempfile", "pathlib", "shutil", "shlex", "signal", "threading", "queue",
               "xml.sax.saxutils", "xml.etree.ElementTree", "hashlib", "datetime", "ctypes")


def preimport() -> None:
    import importlib

    for name in PREIMPORTED:
        importlib.import_module(name)


@contextlib.contextmanager
def installed(machine: FakeWindows) -> Iterator[FakeWindows]:
    """Patch sys.platform and winapi's calls for the duration (the fixture uses monkeypatch instead)."""
    from wslconfig_assistant.system import winapi

    preimport()
    saved = {name: getattr(winapi, name) for name in FAKED}
    platform = sys.platform
    try:
        sys.platform = "win32"
        for name in FAKED:
            setattr(winapi, name, getattr(machine, name))
        yield machine
    finally:
        sys.platform = platform
        for name, value in saved.items():
            setattr(winapi, name, value)


def main() -> None:
    """The CLI in this process, as on the machine ``$FAKEWIN_STATE`` describes."""
    if os.environ.get("COVERAGE_PROCESS_START"):  # tests/win32_coverage.py counts these processes too
        import coverage

        coverage.process_startup()
    repo = SCRIPT.parents[1]
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))
    machine = FakeWindows.from_json(os.environ.get(STATE_ENV) or "{}")
    from wslconfig_assistant.cli.main import main as cli

    # Python on Windows: "Non-character devices such as disk files and pipes use the system locale
    # encoding (i.e. the ANSI codepage)" unless PYTHONIOENCODING or UTF-8 mode says otherwise (sys.stdout).
    if not os.environ.get("PYTHONIOENCODING") and not sys.flags.utf8_mode:
        for stream in (sys.stdout, sys.stderr):
            if stream.fileno() not in machine.consoles:
                stream.reconfigure(encoding=f"cp{machine.ansi_cp}")  # type: ignore[union-attr]
    with installed(machine):
        code = cli(sys.argv[1:])
    sys.exit(code)


if __name__ == "__main__":
    main()
