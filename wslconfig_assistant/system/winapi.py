"""The Win32 surfaces the product touches, in one place.

Every call into Windows (kernel32 through ctypes, winreg, msvcrt, taskkill.exe) lives here and nowhere
else, so that the Linux suite can swap this module's functions for the fake in tests/fakewin.py, which
follows Microsoft's documented behaviour, and run every ``sys.platform == "win32"`` branch of the product.
Each function cites the API it wraps and the documented behaviour the callers rely on. Keep the functions
thin: decisions belong to the callers (which the suite runs), only the raw calls belong here (which only a
Windows runner proves: tests/system/test_windows.py). Each function is called only on Windows; the bodies are
excluded from coverage with ``# pragma: no cover`` and nothing else in the package is.

Sections (one per concern, so parallel work merges cleanly):
- memory and processes
- console: modes and code pages
- registry (the Lxss keys)
- file version resources
- files: attributes, security, replacing, locking
"""

from __future__ import annotations

import errno
import os
import sys

# --- memory and processes -------------------------------------------------------------------------------


def total_physical_memory() -> int | None:  # pragma: no cover - Win32
    """GlobalMemoryStatusEx's ``ullTotalPhys``: "the amount of actual physical memory, in bytes" (what WSL
    halves for the VM's default memory). None when the call fails (it returns zero then)."""
    if sys.platform != "win32":
        return None
    import ctypes  # noqa: PLC0415 - Windows only
    from ctypes import wintypes  # noqa: PLC0415

    class MemoryStatusEx(ctypes.Structure):
        _fields_ = [
            ("dwLength", wintypes.DWORD),  # must be set to sizeof(MEMORYSTATUSEX) before the call
            ("dwMemoryLoad", wintypes.DWORD),
            ("ullTotalPhys", ctypes.c_ulonglong),
            ("ullAvailPhys", ctypes.c_ulonglong),
            ("ullTotalPageFile", ctypes.c_ulonglong),
            ("ullAvailPageFile", ctypes.c_ulonglong),
            ("ullTotalVirtual", ctypes.c_ulonglong),
            ("ullAvailVirtual", ctypes.c_ulonglong),
            ("ullAvailExtendedVirtual", ctypes.c_ulonglong),
        ]

    status = MemoryStatusEx()
    status.dwLength = ctypes.sizeof(MemoryStatusEx)
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    call = kernel32.GlobalMemoryStatusEx
    call.argtypes = (ctypes.POINTER(MemoryStatusEx),)
    call.restype = wintypes.BOOL
    if not call(ctypes.byref(status)):
        return None
    return int(status.ullTotalPhys) or None


def host_sleep_seconds() -> float | None:  # pragma: no cover - Win32
    """How long this machine has slept or hibernated since it started: GetTickCount64 ("the number of
    milliseconds that have elapsed since the system was started", sleep included) minus
    QueryUnbiasedInterruptTime (100 ns units; "does not include time the system spends in sleep or
    hibernation"). None when the call fails. A guest VM's clocks stop while the host sleeps, so this
    bounds how far the guest's uptime can undercount (vmboot.py)."""
    if sys.platform != "win32":
        return None
    import ctypes  # noqa: PLC0415 - Windows only
    from ctypes import wintypes  # noqa: PLC0415

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    ticks = kernel32.GetTickCount64
    ticks.argtypes = ()
    ticks.restype = ctypes.c_ulonglong
    unbiased_call = kernel32.QueryUnbiasedInterruptTime
    unbiased_call.argtypes = (ctypes.POINTER(ctypes.c_ulonglong),)
    unbiased_call.restype = wintypes.BOOL
    unbiased = ctypes.c_ulonglong()
    if not unbiased_call(ctypes.byref(unbiased)):
        return None
    return max(int(ticks()) / 1e3 - unbiased.value / 1e7, 0.0)


TASKKILL_TIMEOUT = 10.0  # seconds: taskkill answers in well under one


def kill_process_tree(pid: int) -> None:  # pragma: no cover - Win32
    """``taskkill /PID pid /T /F``: "/T ends the specified process and any child processes started by
    it", "/F forcefully ends". It finds the children through their parent's process id, so it works only
    while the parent is alive (callers check first). Failures are swallowed: the caller's
    Popen.kill() (TerminateProcess) is the fallback for the parent itself."""
    if sys.platform != "win32":
        return
    import contextlib  # noqa: PLC0415
    import subprocess  # noqa: PLC0415 - constant argv, never a shell

    root = os.environ.get("SYSTEMROOT", "C:\\Windows")
    taskkill = os.path.join(root, "System32", "taskkill.exe")
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run([taskkill, "/PID", str(pid), "/T", "/F"], shell=False, capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=TASKKILL_TIMEOUT, check=False)


# Pipe errors. WriteFile on a pipe whose reader has closed fails with ERROR_NO_DATA (232, "The pipe is
# being closed"), or ERROR_BROKEN_PIPE (109) once the pipe is gone (System Error Codes, 0-499). The C
# runtime's write() maps 232 to errno EINVAL, so Python raises OSError(22) rather than BrokenPipeError
# (https://bugs.python.org/issue35754 and the "Invalid argument" on `... | Select-Object -First 1`).
ERROR_BROKEN_PIPE = 109
ERROR_NO_DATA = 232

# --- console: modes and code pages ----------------------------------------------------------------------

ENABLE_VIRTUAL_TERMINAL_PROCESSING = 0x0004  # SetConsoleMode, output handles: VT sequences are interpreted


def console_mode(fd: int) -> int | None:  # pragma: no cover - Win32
    """GetConsoleMode on the handle behind ``fd`` (msvcrt.get_osfhandle), or None when it is not a
    console. "If the function fails, the return value is zero": it fails for a file, a pipe, the NUL
    device (which isatty() calls a terminal: _isatty is true for any character device) and a mintty
    pty (a pipe)."""
    if sys.platform != "win32":
        return None
    try:
        import ctypes  # noqa: PLC0415 - Windows only
        import msvcrt  # noqa: PLC0415
        from ctypes import wintypes  # noqa: PLC0415

        handle = msvcrt.get_osfhandle(fd)
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        get_mode = kernel32.GetConsoleMode
        get_mode.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
        get_mode.restype = wintypes.BOOL
        mode = wintypes.DWORD()
        if not get_mode(handle, ctypes.byref(mode)):
            return None
        return int(mode.value)
    except (OSError, ValueError):  # a closed or invalid descriptor
        return None


def set_console_mode(fd: int, mode: int) -> bool:  # pragma: no cover - Win32
    """SetConsoleMode on the handle behind ``fd``; False when it fails (a console older than Windows 10
    1511 refuses ENABLE_VIRTUAL_TERMINAL_PROCESSING with ERROR_INVALID_PARAMETER)."""
    if sys.platform != "win32":
        return False
    try:
        import ctypes  # noqa: PLC0415 - Windows only
        import msvcrt  # noqa: PLC0415
        from ctypes import wintypes  # noqa: PLC0415

        handle = msvcrt.get_osfhandle(fd)
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        set_mode = kernel32.SetConsoleMode
        set_mode.argtypes = (wintypes.HANDLE, wintypes.DWORD)
        set_mode.restype = wintypes.BOOL
        return bool(set_mode(handle, mode))
    except (OSError, ValueError):
        return False


def console_output_code_page() -> int | None:  # pragma: no cover - Win32
    """GetConsoleOutputCP: the code page the attached console decodes output with (PowerShell's
    ``[Console]::OutputEncoding`` reads and sets the same value). None when no console is attached
    (the call fails and returns zero)."""
    if sys.platform != "win32":
        return None
    import ctypes  # noqa: PLC0415 - Windows only

    return int(ctypes.WinDLL("kernel32").GetConsoleOutputCP()) or None


def oem_code_page() -> int:  # pragma: no cover - Win32
    """GetOEMCP: the system's OEM code page (437, 850, ...), which cmd.exe uses to read batch files
    and a new console starts with."""
    if sys.platform != "win32":
        return 437
    import ctypes  # noqa: PLC0415 - Windows only

    return int(ctypes.WinDLL("kernel32").GetOEMCP())


# --- registry (the Lxss keys) ---------------------------------------------------------------------------

REG_SZ = 1  # winreg.REG_SZ
REG_EXPAND_SZ = 2  # winreg.REG_EXPAND_SZ
REG_DWORD = 4  # winreg.REG_DWORD
HKLM = "HKEY_LOCAL_MACHINE"
HKCU = "HKEY_CURRENT_USER"


def registry_value(subkey: str, name: str, *, hive: str = HKLM) -> tuple[object, int] | None:  # pragma: no cover
    """RegOpenKeyEx(KEY_READ | KEY_WOW64_64KEY) + RegQueryValueEx: (value, type) or None when the key or
    value is missing. KEY_WOW64_64KEY reads the 64-bit view even from a 32-bit Python (which would
    otherwise be redirected to WOW6432Node, where WSL writes nothing). Key and value names are
    case-insensitive."""
    if sys.platform != "win32":
        return None
    import winreg  # noqa: PLC0415 - Windows only

    try:
        with winreg.OpenKey(getattr(winreg, hive), subkey, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY) as key:
            value, kind = winreg.QueryValueEx(key, name)
    except OSError:
        return None
    return value, int(kind)


def expand_environment_strings(text: str) -> str:  # pragma: no cover - Win32
    """ExpandEnvironmentStrings: each ``%NAME%`` becomes that variable's value; "if the name is not
    found, the %variableName% portion is left unexpanded" (how Windows reads a REG_EXPAND_SZ)."""
    if sys.platform != "win32":
        return text
    import winreg  # noqa: PLC0415 - Windows only

    return winreg.ExpandEnvironmentStrings(text)


# --- file version resources -----------------------------------------------------------------------------
# None: devicehost.py finds VS_FIXEDFILEINFO by scanning the DLL's bytes (no GetFileVersionInfoW), so the
# same code reads the version on Windows and from inside WSL through /mnt/c, and the suite runs it as is.

# --- files: attributes, security, replacing, locking ----------------------------------------------------

# Sharing violations. A file another program holds open without the sharing we need fails with
# ERROR_SHARING_VIOLATION (32) or ERROR_LOCK_VIOLATION (33); renaming over a file held open without
# FILE_SHARE_DELETE fails with ERROR_ACCESS_DENIED (5). Python raises all three as PermissionError and
# keeps the Windows code in OSError.winerror (System Error Codes, 0-499).
ERROR_ACCESS_DENIED = 5
ERROR_SHARING_VIOLATION = 32
ERROR_LOCK_VIOLATION = 33


def winerror(exc: OSError) -> int | None:
    """The Windows error code Python kept for ``exc`` (``OSError.winerror``; absent off Windows)."""
    code = getattr(exc, "winerror", None)
    return code if isinstance(code, int) else None


def is_sharing_violation(exc: OSError) -> bool:
    """Another program holds the file open (an editor, an indexer, antivirus): usually over in well
    under a second, so worth a short retry."""
    return winerror(exc) in (ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION)


# Byte-range locks (the simulator's state file; the CRT's _locking, through msvcrt).
def lock_first_byte(fd: int) -> None:  # pragma: no cover - Win32
    """msvcrt.locking(LK_LOCK) of the file's first byte from the current position (callers seek to 0):
    "if the bytes cannot be locked, the program immediately tries again after 1 second; if, after 10
    attempts, the bytes cannot be locked", it raises OSError (EDEADLOCK)."""
    if sys.platform != "win32":
        return
    import msvcrt  # noqa: PLC0415 - Windows only

    msvcrt.locking(fd, msvcrt.LK_LOCK, 1)


def try_lock_first_byte(fd: int) -> bool:  # pragma: no cover - Win32
    """msvcrt.locking(LK_NBLCK) of the file's first byte, without waiting (callers seek to 0): "if the bytes
    cannot be locked, the constant returns an error" (OSError, EACCES); False then. It is LockFile
    underneath: locks belong to the handle, so a second handle (even in this process) is refused, and "if a
    process terminates with a portion of a file locked or closes a file that has outstanding locks, the
    locks are unlocked by the operating system": a dead holder never blocks anyone (writelock.py)."""
    if sys.platform != "win32":
        return True
    import msvcrt  # noqa: PLC0415 - Windows only

    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EDEADLK):
            return False
        raise
    return True


def unlock_first_byte(fd: int) -> None:  # pragma: no cover - Win32
    """msvcrt.locking(LK_UNLCK): unlocks the byte a lock_first_byte took (from the current position)."""
    if sys.platform != "win32":
        return
    import msvcrt  # noqa: PLC0415 - Windows only

    msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


# Replacing a file and probing write access (safewrite.py).
ERROR_UNABLE_TO_REMOVE_REPLACED = 1175
ERROR_UNABLE_TO_MOVE_REPLACEMENT = 1176
REPLACEFILE_IGNORE_MERGE_ERRORS = 0x2


def replace_file(replaced: str, replacement: str) -> None:  # pragma: no cover - Win32
    """ReplaceFileW(replaced, replacement, NULL, REPLACEFILE_IGNORE_MERGE_ERRORS): the replacement takes the
    replaced file's name and "preserves the following attributes of the original file: creation time, short
    file name, object identifier, DACLs, security resource attributes, encryption, compression, named
    streams" (and its file attributes, e.g. hidden: error 1177 says the replacement "has inherited the file
    streams and attributes"). The merge flag: without WRITE_DAC the replace still succeeds, without the ACL.
    Failures raise OSError with ``winerror``: 1175 (ERROR_UNABLE_TO_REMOVE_REPLACED: "the replaced and
    replacement files retain their original file names"), 1176 (ERROR_UNABLE_TO_MOVE_REPLACEMENT: with no
    backup name, "the replaced file no longer exists and the replacement file exists under its original
    name"), sharing violations and access denied as PermissionError."""
    if sys.platform != "win32":
        raise NotImplementedError("Windows only (the suite uses tests/fakewin.py)")
    import ctypes  # noqa: PLC0415 - Windows only
    from ctypes import wintypes  # noqa: PLC0415

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    call = kernel32.ReplaceFileW
    call.argtypes = (wintypes.LPCWSTR, wintypes.LPCWSTR, wintypes.LPCWSTR, wintypes.DWORD, wintypes.LPVOID,
                     wintypes.LPVOID)
    call.restype = wintypes.BOOL
    if not call(replaced, replacement, None, REPLACEFILE_IGNORE_MERGE_ERRORS, None, None):
        code = ctypes.get_last_error()
        raise ctypes.WinError(code, f"{ctypes.FormatError(code).strip()}: {replaced}")


def probe_write_access(path: str) -> None:  # pragma: no cover - Win32
    """Open ``path`` for writing and close it again, changing nothing: CreateFileW(GENERIC_WRITE, share
    read|write|delete, OPEN_EXISTING). Unlike os.access(W_OK), which on Windows "only checks the read-only
    attribute", this is the real access check: a DACL that denies writing fails with ERROR_ACCESS_DENIED (5),
    and so does a read-only file ("if you try to open a read-only file for write access, CreateFile fails
    with ERROR_ACCESS_DENIED"); a program holding the file without write sharing gives
    ERROR_SHARING_VIOLATION (32). Both raise PermissionError with ``winerror``."""
    if sys.platform != "win32":
        raise NotImplementedError("Windows only (the suite uses tests/fakewin.py)")
    import ctypes  # noqa: PLC0415 - Windows only
    from ctypes import wintypes  # noqa: PLC0415

    generic_write, share_all, open_existing = 0x40000000, 0x1 | 0x2 | 0x4, 3
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    create = kernel32.CreateFileW
    create.argtypes = (wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, wintypes.LPVOID, wintypes.DWORD,
                       wintypes.DWORD, wintypes.HANDLE)
    create.restype = wintypes.HANDLE
    close = kernel32.CloseHandle
    close.argtypes = (wintypes.HANDLE,)
    close.restype = wintypes.BOOL
    handle = create(path, generic_write, share_all, None, open_existing, 0, None)
    if handle is None or handle == wintypes.HANDLE(-1).value:  # INVALID_HANDLE_VALUE
        code = ctypes.get_last_error()
        raise ctypes.WinError(code, f"{ctypes.FormatError(code).strip()}: {path}")
    close(handle)
