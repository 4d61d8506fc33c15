"""Each win32 branch that calls wslconfig_assistant.system.winapi, run on Linux against tests/fakewin.py.

The fake follows Microsoft's documented behaviour (cited there); these tests check the product's
decisions around each call. tests/system/test_windows.py checks the real calls on a Windows runner.
"""

from __future__ import annotations

import io
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fakewin import GIB, FakeWindows

from wslconfig_assistant.cli import output, prompts
from wslconfig_assistant.core.errors import ConfigUnreadableError
from wslconfig_assistant.storage import openfile
from wslconfig_assistant.system import hostmemory, streams, winapi
from wslconfig_assistant.wsl import devicehost, wslexe

posix_only = pytest.mark.skipif(os.name != "posix", reason="the fake's tree kill is a POSIX process group")
MSI_KEY = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Lxss\MSI"


class Stream(io.StringIO):
    """A text stream on descriptor ``fd`` that isatty() calls a terminal, as it does for a console and
    for NUL on Windows (_isatty: any character device)."""

    def __init__(self, fd: int, *, tty: bool = True) -> None:
        super().__init__()
        self.fd, self.tty = fd, tty

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return self.tty


# -- memory (hostmemory.py) -------------------------------------------------------------------

def test_host_memory_comes_from_global_memory_status(fake_windows: FakeWindows,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hostmemory.HOST_MEMORY_ENV, raising=False)
    fake_windows.total_phys = 24 * GIB
    assert hostmemory.host_memory() == (24 * GIB, "GlobalMemoryStatusEx")
    fake_windows.total_phys = None  # the call failed
    assert hostmemory.host_memory() == (None, "GlobalMemoryStatusEx")
    monkeypatch.setenv(hostmemory.HOST_MEMORY_ENV, "8GB")  # the override still wins
    assert hostmemory.host_memory() == (8 * GIB, f"${hostmemory.HOST_MEMORY_ENV}")


# -- console (output.py): VT mode, colours, what counts as a terminal -------------------------

def test_colour_switches_the_console_to_vt_mode(fake_windows: FakeWindows, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    fake_windows.consoles[7] = 0x0003  # ENABLE_PROCESSED_OUTPUT | ENABLE_WRAP_AT_EOL_OUTPUT
    assert output.Console(json_mode=False, no_color=False, stream=Stream(7)).color is True
    assert fake_windows.consoles[7] == 0x0007  # VT switched on, the rest kept
    assert output.Console(json_mode=False, no_color=False, stream=Stream(7)).color is True  # already on


def test_an_old_console_without_vt_gets_no_colour(fake_windows: FakeWindows, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    fake_windows.consoles[7] = 0x0003
    fake_windows.vt_supported = False
    assert output.Console(json_mode=False, no_color=False, stream=Stream(7)).color is False
    assert fake_windows.consoles[7] == 0x0003


def test_a_stream_without_a_descriptor_gets_no_colour(fake_windows: FakeWindows,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)

    class NoFd(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert output._enable_windows_vt(NoFd()) is False


def test_nul_is_not_a_terminal(fake_windows: FakeWindows, monkeypatch: pytest.MonkeyPatch) -> None:
    """12.12: ``< NUL`` makes isatty() true on Windows; GetConsoleMode fails on it, so no wizard."""
    monkeypatch.delenv("CI", raising=False)
    fake_windows.consoles[1] = 0x0007  # stdout is the console
    nul = Stream(0)  # stdin: NUL, a character device that is not a console
    assert nul.isatty()
    assert streams.is_terminal(nul) is False
    monkeypatch.setattr(sys, "stdin", nul)
    monkeypatch.setattr(sys, "stdout", Stream(1))
    assert prompts.can_prompt() is False
    fake_windows.consoles[0] = 0x01F7  # a real console input handle: now a person can answer
    assert prompts.can_prompt() is True


# -- the registry (devicehost.py) -----------------------------------------------------------

def test_registry_value_kinds(fake_windows: FakeWindows, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SystemRoot", "C:\\Windows")
    key = r"Software\wslconfig-assistant-tests"
    fake_windows.set_registry(key, "InstallLocation", "C:\\Program Files\\WSL\\", winapi.REG_SZ, hive=winapi.HKCU)
    fake_windows.set_registry(key, "Empty", "", winapi.REG_SZ, hive=winapi.HKCU)
    fake_windows.set_registry(key, "Expand", "%SystemRoot%\\WSL\\%NoSuchVariable%", winapi.REG_EXPAND_SZ,
                              hive=winapi.HKCU)
    fake_windows.set_registry(key, "Number", 5, winapi.REG_DWORD, hive=winapi.HKCU)

    def read(name: str) -> str | None:
        return devicehost.registry_string(key.upper(), name.lower(), hive=winapi.HKCU)  # case-insensitive

    assert read("InstallLocation") == "C:\\Program Files\\WSL\\"
    assert read("Empty") is None
    assert read("Expand") == "C:\\Windows\\WSL\\%NoSuchVariable%"
    assert read("Number") is None
    assert read("Missing") is None
    assert devicehost.registry_string(key, "InstallLocation") is None  # HKLM by default: another hive


def test_wsl_install_folder_from_the_registry_or_the_default(fake_windows: FakeWindows,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(devicehost.INSTALL_DIR_ENV, raising=False)
    assert devicehost.install_dir() == "C:\\Program Files\\WSL"  # no Store/MSI WSL: the documented default
    fake_windows.set_registry(MSI_KEY, "InstallLocation", "D:\\Apps\\WSL\\", winapi.REG_SZ)
    assert devicehost.install_dir() == "D:\\Apps\\WSL\\"


def test_devicehost_from_the_dll_the_registry_points_at(fake_windows: FakeWindows, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(devicehost.INSTALL_DIR_ENV, raising=False)
    folder = tmp_path / "WSL"
    folder.mkdir()
    devicehost.write_fake_dll(str(folder / devicehost.DLL_NAME), "1.2.57.0")
    fake_windows.set_registry(MSI_KEY, "InstallLocation", str(folder), winapi.REG_SZ)
    resolved = devicehost.resolve(None)  # no WSL version: the DLL the registry points at is the only answer
    assert resolved.version == "1.2.57-0"
    assert resolved.source == f"version resource of {folder / devicehost.DLL_NAME}"


# -- processes (wslexe.py): tree kill on timeout --------------------------------------------

@posix_only
def test_a_timeout_kills_the_tree_through_taskkill(fake_windows: FakeWindows, tmp_path: Path) -> None:
    pidfile = tmp_path / "child"
    exe = tmp_path / "tree.exe"
    exe.write_text(f'#!/bin/sh\nsleep 60 &\necho $! > "{pidfile}"\nwait\n', encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(wslexe.WslTimeoutError):
        wslexe.run_wsl(str(exe), [], timeout=0.5)
    assert len(fake_windows.killed) == 1  # taskkill /T /F, once, on the live parent
    child = int(pidfile.read_text(encoding="ascii"))
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _alive(child)


def test_no_taskkill_for_a_process_that_already_ended(fake_windows: FakeWindows) -> None:
    class Ended:
        pid = 4242

        def poll(self) -> int:
            return 0

        def kill(self) -> None:
            pass

        def wait(self, timeout: float) -> int:
            return 0

    wslexe._kill_tree(Ended())  # type: ignore[arg-type]
    assert fake_windows.killed == []  # taskkill /T needs the live parent to find the children


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return False


# -- files (openfile.py): a sharing violation is named as one ---------------------------------

def _held(winerror: int) -> Any:
    def fail(*_args: object, **_kwargs: object) -> Any:
        exc = PermissionError(13, "The process cannot access the file because it is being used by another process")
        exc.winerror = winerror  # type: ignore[attr-defined]  # what Python sets on Windows
        raise exc

    return fail


def test_a_file_held_open_is_named_as_such(fake_windows: FakeWindows, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\n")
    monkeypatch.setattr("builtins.open", _held(winapi.ERROR_SHARING_VIOLATION))
    with pytest.raises(ConfigUnreadableError) as caught:
        openfile.read_current(config)
    assert "another program has it open" in caught.value.message
    assert "close" in (caught.value.fix or "")


def test_access_denied_is_still_permission_denied(fake_windows: FakeWindows, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\n")
    monkeypatch.setattr("builtins.open", _held(winapi.ERROR_ACCESS_DENIED))
    with pytest.raises(ConfigUnreadableError, match="permission denied"):
        openfile.read_current(config)


def test_winerror_is_read_only_where_python_set_it() -> None:
    assert winapi.winerror(OSError(13, "denied")) is None
    exc = PermissionError(13, "held")
    exc.winerror = 32  # type: ignore[attr-defined]
    assert winapi.is_sharing_violation(exc)
    exc.winerror = 5  # type: ignore[attr-defined]
    assert not winapi.is_sharing_violation(exc)


# -- bare program names (wslexe.py, sandbox.py): never the current folder (12.8) ----------------

def _program(path: Path) -> Path:
    path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def test_a_bare_name_never_runs_a_program_in_the_current_folder(fake_windows: FakeWindows, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """shutil.which on Windows tries the current folder first; `--wsl-exe wsl`, the environment
    variable and demo's simulator lookup must not."""
    planted = tmp_path / "repo"
    planted.mkdir()
    for name in ("wsl.exe", "wsl.cmd", "wslconfig-assistant-wsl-sim.exe"):
        _program(planted / name)
    on_path = tmp_path / "bin"
    on_path.mkdir()
    monkeypatch.chdir(planted)
    monkeypatch.setenv("PATH", str(on_path))
    monkeypatch.setenv("PATHEXT", ".COM;.EXE;.BAT;.CMD")
    with pytest.raises(wslexe.WslMissingError, match="not in any folder of PATH") as caught:
        wslexe.find_wsl_exe("wsl")
    assert "current folder" in (caught.value.fix or "")
    monkeypatch.setenv(wslexe.EXE_ENV, "wsl.exe")
    with pytest.raises(wslexe.WslMissingError):
        wslexe.find_wsl_exe(None)
    real = _program(on_path / "wsl.exe")
    assert wslexe.find_wsl_exe(None) == str(real)
    assert wslexe.find_wsl_exe("wsl") == str(real)  # PATHEXT completes the bare name, as on Windows
    assert wslexe.find_program("wslconfig-assistant-wsl-sim", ["relative", str(on_path)]) is None
    assert wslexe.find_program("wslconfig-assistant-wsl-sim") is None


# -- the simulator's state lock (simulator.py: msvcrt.locking) --------------------------------

def test_the_simulator_state_lock_takes_and_releases_the_byte(fake_windows: FakeWindows, tmp_path: Path) -> None:
    import fcntl

    from wslconfig_assistant.wsl import simulator

    state = str(tmp_path / "state.json")
    with simulator.locked(state), open(state + ".lock", "rb+") as other:
        # Held: another open file description cannot take it (record locks are per process on POSIX,
        # so the check runs in a child).
        import subprocess
        probe = ("import fcntl,sys\nf=open(sys.argv[1],'rb+')\n"
                 "try:\n fcntl.lockf(f.fileno(), fcntl.LOCK_EX|fcntl.LOCK_NB, 1, 0)\nexcept OSError:\n sys.exit(3)\n")
        assert subprocess.run([sys.executable, "-c", probe, other.name], check=False).returncode == 3
    fd = os.open(state + ".lock", os.O_RDWR)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 0)  # released: this process takes it at once
    finally:
        os.close(fd)


# -- demo's .cmd wrapper (12.9): what cmd.exe reads -------------------------------------------

def cmd_batch_line(line: str, env: dict[str, str], args: str) -> str:
    """A batch file line after cmd.exe's percent expansion ("Parsing batch files", phase 1): %% is a
    literal %, %* the arguments, %0-%9 one argument (none here), %NAME% the variable (case-insensitive;
    empty when undefined); the result is not expanded again."""
    upper = {k.upper(): v for k, v in env.items()}
    out, i = [], 0
    while i < len(line):
        if line[i] != "%":
            out.append(line[i])
            i += 1
        elif line[i + 1 : i + 2] == "%":
            out.append("%")
            i += 2
        elif line[i + 1 : i + 2] == "*":
            out.append(args)
            i += 2
        elif line[i + 1 : i + 2].isdigit():
            i += 2
        else:
            end = line.find("%", i + 1)
            if end < 0:
                i += 1  # a lone % is dropped
                continue
            out.append(upper.get(line[i + 1 : end].upper(), ""))
            i = end + 1
    return "".join(out)


@pytest.mark.parametrize("python", ["C:\\Users\\Jürgen\\venv\\Scripts\\python.exe",
                                    "C:\\Users\\ops 100%\\venv\\Scripts\\python.exe",
                                    "C:\\Users\\Łukasz\\AppData\\Local\\Programs\\Python\\python.exe"])
def test_the_demo_cmd_wrapper_reads_right_in_the_oem_code_page(fake_windows: FakeWindows, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                python: str) -> None:
    from wslconfig_assistant.wsl import sandbox

    monkeypatch.setattr(sys, "executable", python)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with sandbox.sandbox():  # the sandbox's environment is what the wrapper runs under
        wrapper = Path(os.environ[wslexe.EXE_ENV])
        env = dict(os.environ)
        data = wrapper.read_bytes()
    assert wrapper.suffix == ".cmd"
    for oem in (437, 850, 852):  # cmd.exe reads the file in the OEM code page, whichever it is
        [line] = data.decode(f"cp{oem}").splitlines()
        expanded = cmd_batch_line(line, env, "--version")
        assert expanded == f'@"{python}" -m wslconfig_assistant.wsl.simulator --version'


# -- output encoding (output.py) and the write-access probe (safewrite.py) ---------------------

def test_a_code_page_python_has_no_codec_for_gets_utf8(fake_windows: FakeWindows) -> None:
    class OnFd(io.StringIO):
        def fileno(self) -> int:
            return 1

    fake_windows.output_cp = 50220  # ISO-2022-JP as a console code page: no cp50220 codec in Python
    assert output.human_encoding(OnFd()) == "utf-8"
    fake_windows.output_cp = 1252
    assert output.human_encoding(OnFd()) == "cp1252"


def test_no_read_only_drive_guess_on_windows(fake_windows: FakeWindows, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no statvfs: a file we may not write is "access denied" (probed by opening it for writing,
    issue 12.5); a read-only volume fails the write itself (exit 5)."""
    from wslconfig_assistant.core.errors import WriteRefusedError
    from wslconfig_assistant.storage import safewrite

    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\n")
    fake_windows.set_file_security(str(config), acl=("deny-write",))
    monkeypatch.setattr(safewrite, "_on_read_only_drive", lambda *_args: pytest.fail("a statvfs guess"))
    with pytest.raises(WriteRefusedError, match="access denied"):
        safewrite.write_file(config, b"[wsl2]\r\nmemory=8GB\r\n", expected=b"[wsl2]\r\n")
    assert config.read_bytes() == b"[wsl2]\r\n"


# -- wsl.exe's location and exit codes (wslexe.py) ---------------------------------------------

def test_a_32_bit_python_looks_through_sysnative(fake_windows: FakeWindows, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 32-bit process on 64-bit Windows sees SysWOW64 as System32 (no wsl.exe there); Sysnative is
    the documented alias of the real System32 ("File System Redirector")."""
    monkeypatch.setenv("SYSTEMROOT", "C:\\Windows")
    sep = os.sep
    assert wslexe._system_candidates() == [f"C:\\Windows{sep}System32{sep}wsl.exe"]
    monkeypatch.setattr(sys, "maxsize", 2**31 - 1)
    assert wslexe._system_candidates() == [f"C:\\Windows{sep}Sysnative{sep}wsl.exe",
                                           f"C:\\Windows{sep}System32{sep}wsl.exe"]


def test_exit_codes_as_windows_reports_them(fake_windows: FakeWindows) -> None:
    assert wslexe.format_exit_code(-5) == "-5"  # no signals on Windows: a negative code is just a number
    assert wslexe.format_exit_code(0xFFFFFFFF) == "-1 (4294967295)"  # wsl.exe's -1 as an unsigned DWORD
    assert wslexe.format_exit_code(0xC0000005) == "0xC0000005"  # an NTSTATUS (access violation)
    # The command as the user types it in PowerShell (shellcommand.py): `&` before the quoted program (12.11)
    assert wslexe.format_command(["C:\\Program Files\\WSL\\wsl.exe", "--update"]) == \
        "& 'C:\\Program Files\\WSL\\wsl.exe' --update"


# -- verify's restart link after the host slept (verify.py, vmboot.py; 12.10) -----------------

class Guest:
    """A running VM whose /proc/uptime reads ``uptime`` (its running time: it stops while the host sleeps)."""

    def __init__(self, uptime: float) -> None:
        self.uptime = uptime

    def guest_text(self, *command: str) -> str:
        assert command == ("cat", "/proc/uptime")
        return f"{self.uptime:.2f} 12.34\n"


def restart_link(config: Path, *, booted_ago: float, slept_since_boot: float, changed_ago: float) -> Any:
    from wslconfig_assistant.cli.commands.context import Context
    from wslconfig_assistant.cli.commands.verify import _restart_link

    now = time.time()
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\n")
    os.utime(config, (now - changed_ago, now - changed_ago))
    ctx = Context(str(config), output.Console(json_mode=False, no_color=True, stream=io.StringIO()), False)
    return _restart_link(ctx, Guest(booted_ago - slept_since_boot), [])  # type: ignore[arg-type]


@pytest.mark.parametrize("slept", [3600.0, None], ids=["slept-1h", "sleep-unknown"])
def test_a_change_while_the_vm_ran_is_not_taken_for_a_restart_after_sleep(
        fake_windows: FakeWindows, tmp_path: Path, slept: float | None) -> None:
    """The VM booted 3 h ago; the host then slept 1 h (the guest's uptime says 2 h); the file changed
    2.5 h ago, while the VM ran. "now - uptime" puts the boot 2 h ago, after the change: the old code
    said the VM had restarted since. It cannot be told from the uptime; verify must not claim it."""
    fake_windows.slept = slept
    link = restart_link(tmp_path / ".wslconfig", booted_ago=3 * 3600, slept_since_boot=3600,
                        changed_ago=2.5 * 3600)
    assert link.ok is not True
    assert link.ok is None
    assert "cannot be told" in link.detail
    assert link.fix == "wsl --shutdown, then verify again"


def test_the_restart_link_is_decided_where_sleep_cannot_matter(fake_windows: FakeWindows, tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    fake_windows.slept = 3600.0
    # Changed before the earliest possible boot (uptime 2 h + 1 h of sleep): the VM has the change.
    link = restart_link(config, booted_ago=3 * 3600, slept_since_boot=3600, changed_ago=4 * 3600)
    assert link.ok is True
    # Changed after the latest possible boot (now - uptime): the VM runs without the change.
    link = restart_link(config, booted_ago=3 * 3600, slept_since_boot=3600, changed_ago=600)
    assert link.ok is False
    assert link.fix == "wsl --shutdown"
    # A host that never slept: the uptime is exact. The same uptime (2 h) and change (2.5 h ago) as in the
    # test above: now the boot certainly came after the change.
    fake_windows.slept = 0.0
    link = restart_link(config, booted_ago=2 * 3600, slept_since_boot=0, changed_ago=2.5 * 3600)
    assert link.ok is True


def test_boot_window_reads_only_an_uptime(fake_windows: FakeWindows) -> None:
    from wslconfig_assistant.wsl import vmboot

    fake_windows.slept = 50.0
    window = vmboot.boot_window("100.5 3.0\n", now=1000.0)
    assert window is not None
    assert (window.earliest, window.latest, window.uptime, window.slept) == (849.5, 899.5, 100.5, 50.0)
    for bad in (None, "", "nan 1", "-3 1", "inf 1", "x"):
        assert vmboot.boot_window(bad, now=1000.0) is None


# -- a reader that went away (main.py): Windows says EINVAL, not EPIPE --------------------------

class GoneReader(io.StringIO):
    """stdout as a pipe whose reader closed, on Windows: WriteFile fails with ERROR_NO_DATA, which the C
    runtime turns into errno EINVAL, so Python raises OSError(22) (python/cpython#79935)."""

    def write(self, text: str) -> int:
        raise OSError(22, "Invalid argument")

    def flush(self) -> None:
        raise OSError(22, "Invalid argument")


def test_a_reader_that_left_is_not_a_crash_on_windows(fake_windows: FakeWindows, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from wslconfig_assistant.cli import main as cli

    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\n")
    monkeypatch.setenv("WSLCONFIG_ASSISTANT_HOST_MEMORY", "16GB")
    monkeypatch.setattr(sys, "stdout", GoneReader())
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert cli.main(["--config", str(config), "show"]) == 0  # `show | Select-Object -First 1`


def test_another_invalid_argument_is_not_taken_for_a_reader_that_left(fake_windows: FakeWindows,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from wslconfig_assistant.cli import main as cli

    def fail(_args: object) -> int:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(cli, "_dispatch", fail)
    with pytest.raises(OSError, match="Invalid argument"):  # stdout still works: a real error, not hidden
        cli.main(["show"])
