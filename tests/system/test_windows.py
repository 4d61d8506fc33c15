"""The Windows-only code paths, on a real Windows machine (the windows-latest CI runner), each
checked against an independent source on that machine: PowerShell/WMI for the host's RAM and for
file version resources, reg.exe for the registry, a real console for VT mode, a real lock and
a real read-only attribute for the write refusals, and real .cmd/.exe launchers as --wsl-exe.

Every test is skipped elsewhere. Nothing here depends on the runner image having WSL: where
WSL may or may not be installed, both cases are checked for a documented answer.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from conftest import SIM_SCRIPT, cli_env, parse_json_doc, run_cli

from wslconfig_assistant.storage.openfile import TMP_SUFFIX
from wslconfig_assistant.system import hostmemory, winapi
from wslconfig_assistant.wsl import devicehost, wslexe
from wslconfig_assistant.wslconfig import values

pytestmark = pytest.mark.skipif(sys.platform != "win32", reason="Windows-only code paths (run on windows-latest)")

MSI_KEY = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Lxss\MSI"
OLD = b"[wsl2]\r\nmemory=4GB\r\n"
NEW = b"[wsl2]\r\nmemory=8GB\r\n"
GENERIC_READ = 0x80000000
FILE_SHARE_READ, FILE_SHARE_WRITE = 0x1, 0x2
FILE_ATTRIBUTE_READONLY = 0x1
ENABLE_VIRTUAL_TERMINAL_PROCESSING = 0x4


# -- helpers --------------------------------------------------------------------------------

def system32(*parts: str) -> str:
    return os.path.join(os.environ.get("SYSTEMROOT", r"C:\Windows"), "System32", *parts)


def powershell(command: str) -> str:
    """Windows PowerShell's answer (the independent source), stripped."""
    exe = shutil.which("powershell.exe") or system32("WindowsPowerShell", "v1.0", "powershell.exe")
    result = subprocess.run([exe, "-NoProfile", "-NonInteractive", "-Command", command], capture_output=True,
                            text=True, errors="replace", stdin=subprocess.DEVNULL, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def env_without(*names: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """cli_env() with some of its settings taken away (it cannot remove what it sets itself)."""
    env = cli_env(extra)
    for name in names:
        env.pop(name, None)
    return env


def run_with(env: Mapping[str, str], *args: object, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wslconfig_assistant", *(str(a) for a in args)],
                          capture_output=True, encoding="utf-8", errors="replace", env=dict(env),
                          stdin=subprocess.DEVNULL, timeout=timeout, check=False)


@contextlib.contextmanager
def held(path: Path, share: int) -> Iterator[None]:
    """``path`` open in this process with the given share mode, as an editor or a sync tool holds it."""
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    create = kernel32.CreateFileW
    create.argtypes = (wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, wintypes.LPVOID, wintypes.DWORD,
                       wintypes.DWORD, wintypes.HANDLE)
    create.restype = wintypes.HANDLE
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    handle = create(str(path), GENERIC_READ, share, None, 3, 0x80, None)  # OPEN_EXISTING, NORMAL
    if handle in (None, wintypes.HANDLE(-1).value):
        raise ctypes.WinError(ctypes.get_last_error())
    try:
        yield
    finally:
        kernel32.CloseHandle(handle)


def temps(folder: Path) -> list[Path]:
    return list(folder.glob(f"*{TMP_SUFFIX}"))


def write_cmd(path: Path, *, honour_wsl_utf8: bool = True) -> str:
    """A .cmd wrapper around the simulator, as demo writes one when no console script is installed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["@echo off", *([] if honour_wsl_utf8 else ["set WSL_UTF8="]),
             f'"{sys.executable}" -m wslconfig_assistant.wsl.simulator %*']
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8", newline="")
    return str(path)


def sim_state(profile: Path, **fields: object) -> None:
    (profile / ".wsl-sim.json").write_text(json.dumps(fields), encoding="utf-8")


# -- host RAM (hostmemory.py: GlobalMemoryStatusEx) -------------------------------------------

def test_host_memory_is_the_memory_windows_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hostmemory.HOST_MEMORY_ENV, raising=False)
    ours, source = hostmemory.host_memory()
    assert source == "GlobalMemoryStatusEx"
    assert ours is not None
    # The same quantity (memory visible to Windows), from WMI, in KiB.
    visible = int(powershell("(Get-CimInstance Win32_OperatingSystem).TotalVisibleMemorySize")) * 1024
    assert abs(ours - visible) <= visible // 100, (ours, visible)
    # Win32_ComputerSystem may count installed memory, of which Windows can see a little less.
    total = int(powershell("(Get-CimInstance Win32_ComputerSystem).TotalPhysicalMemory"))
    assert total // 2 <= ours <= total + total // 100, (ours, total)


def test_the_cli_judges_an_unset_memory_against_this_hosts_ram(tmp_path: Path) -> None:
    """Through a real process, without the test override: half of the host's RAM, as WSL picks it."""
    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\n")
    policy = tmp_path / "policy.toml"
    policy.write_text('[memory]\nfloor = "4096GB"\n', encoding="utf-8")  # more than any runner has
    result = run_with(env_without(hostmemory.HOST_MEMORY_ENV), "--config", config, "validate", "--offline",
                      "--json", "--policy", policy)
    doc = parse_json_doc(result)
    [finding] = [f for f in doc["findings"] if f["code"] == "memory-too-low"]
    match = re.search(r"half of (\d+) bytes|half of (\S+?):", finding["message"])
    assert match, finding["message"]
    host = int(match[1]) if match[1] else values.parse_size(match[2])
    visible = int(powershell("(Get-CimInstance Win32_OperatingSystem).TotalVisibleMemorySize")) * 1024
    assert abs(host - visible) <= visible // 100, (host, visible)


# -- file version resources (devicehost.py: VS_FIXEDFILEINFO) -------------------------------

def powershell_file_version(path: str) -> str:
    # The four VS_FIXEDFILEINFO fields as Windows' own version API reads them.
    return powershell(f"$v = (Get-Item -LiteralPath '{path}').VersionInfo; "
                      "'{0}.{1}.{2}.{3}' -f $v.FileMajorPart, $v.FileMinorPart, $v.FileBuildPart, $v.FilePrivatePart")


@pytest.mark.parametrize("name", ["kernel32.dll", "ntdll.dll"])
def test_file_version_of_a_system_dll_is_what_windows_reads(name: str) -> None:
    path = system32(name)
    ours = devicehost.file_version(path)
    assert ours is not None
    assert ours == powershell_file_version(path)


def test_a_fake_dll_round_trips_and_the_cli_reads_it(tmp_path: Path, sim: str, profile: Path) -> None:
    folder = tmp_path / "Program Files" / "WSL"
    folder.mkdir(parents=True)
    dll = folder / devicehost.DLL_NAME
    devicehost.write_fake_dll(str(dll), "1.2.57.0")
    assert devicehost.file_version(str(dll)) == "1.2.57.0"
    sim_state(profile, wsl_version="2.7.3.0")
    result = run_cli("--config", profile / ".wslconfig", "versions", "--json", env={
        "WSLCONFIG_ASSISTANT_PROFILE": str(profile), "WSLCONFIG_ASSISTANT_WSL_EXE": sim,
        devicehost.INSTALL_DIR_ENV: str(folder)})
    doc = parse_json_doc(result)
    gate = doc["versions"]["devicehost"]
    assert gate["version"] == "1.2.57-0"
    assert gate["source"] == f"version resource of {folder}\\{devicehost.DLL_NAME}"


# -- the registry (devicehost.py: winreg) ---------------------------------------------------

def test_registry_reads_a_value_every_windows_has() -> None:
    key = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion"
    root = devicehost.registry_string(key, "SystemRoot")
    assert root is not None
    assert os.path.normcase(root) == os.path.normcase(os.environ["SYSTEMROOT"])
    query = subprocess.run([system32("reg.exe"), "query", f"HKLM\\{key}", "/v", "SystemRoot", "/reg:64"],
                           capture_output=True, text=True, errors="replace", timeout=60, check=False)
    assert query.returncode == 0, query.stderr
    assert root in query.stdout
    assert devicehost.registry_string(key, "NoSuchValue-wslconfig-assistant") is None
    assert devicehost.registry_string(key + r"\NoSuchKey-wslconfig-assistant", "SystemRoot") is None


def test_registry_value_kinds() -> None:
    import winreg

    subkey = rf"Software\wslconfig-assistant-tests\{uuid.uuid4().hex}"
    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, subkey) as key:
        winreg.SetValueEx(key, "InstallLocation", 0, winreg.REG_SZ, "C:\\Program Files\\WSL\\")
        winreg.SetValueEx(key, "Empty", 0, winreg.REG_SZ, "")
        winreg.SetValueEx(key, "Expand", 0, winreg.REG_EXPAND_SZ, "%SystemRoot%\\WSL")
        winreg.SetValueEx(key, "Number", 0, winreg.REG_DWORD, 5)
    try:
        def read(name: str) -> str | None:
            return devicehost.registry_string(subkey, name, hive=winapi.HKCU)

        assert read("InstallLocation") == "C:\\Program Files\\WSL\\"
        assert read("Empty") is None
        assert read("Expand") == os.path.join(os.environ["SYSTEMROOT"], "WSL")
        assert read("Number") is None
        assert read("Missing") is None
    finally:
        winreg.DeleteKey(winreg.HKEY_CURRENT_USER, subkey)
        with contextlib.suppress(OSError):  # only when no other run's key is left in it
            winreg.DeleteKey(winreg.HKEY_CURRENT_USER, r"Software\wslconfig-assistant-tests")


def reg_install_location() -> str | None:
    """WSL's install folder as reg.exe reads it (None: no Store/MSI WSL on this machine)."""
    query = subprocess.run([system32("reg.exe"), "query", f"HKLM\\{MSI_KEY}", "/v", "InstallLocation", "/reg:64"],
                           capture_output=True, text=True, errors="replace", timeout=60, check=False)
    if query.returncode != 0:
        return None
    for line in query.stdout.splitlines():
        if line.strip().startswith("InstallLocation"):
            return line.split("REG_SZ", 1)[1].strip() or None
    return None


def test_wsl_install_folder_whether_or_not_wsl_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(devicehost.INSTALL_DIR_ENV, raising=False)
    expected = reg_install_location()
    assert devicehost._registry_install_location() == expected
    folder = devicehost.install_dir()
    assert folder == (expected or r"C:\Program Files\WSL")
    dll = os.path.join(folder, devicehost.DLL_NAME)
    resolved = devicehost.resolve("2.8.9.0")
    stamped = os.path.isfile(dll) and powershell_file_version(dll) != "0.0.0.0"  # noqa: S104 - a version
    if stamped:  # the DLL's own version wins, exactly as Windows reads it
        assert resolved == devicehost.Resolved(devicehost.as_package(powershell_file_version(dll)),
                                               f"version resource of {dll}")
    else:  # no WSL, or a DLL without a version: the release table
        assert resolved == devicehost.Resolved("1.2.29-0", "bundled with WSL 2.8.9.0 (release table)")
        assert devicehost.resolve(None).version is None


# -- the console (output.py: VT mode and colour) ---------------------------------------------

CONSOLE_PROBE = r"""
import json, os, sys, traceback
report = {}
try:
    import ctypes, msvcrt
    from ctypes import wintypes
    from wslconfig_assistant.cli import output

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.GetConsoleMode.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))

    def mode(stream):
        value = wintypes.DWORD()
        ok = kernel32.GetConsoleMode(msvcrt.get_osfhandle(stream.fileno()), ctypes.byref(value))
        return value.value if ok else None

    report["isatty"] = sys.stdout.isatty()
    report["mode_before"] = mode(sys.stdout)
    report["color"] = output.Console(json_mode=False, no_color=False).color
    report["mode_after"] = mode(sys.stdout)
    report["no_color_option"] = output.Console(json_mode=False, no_color=True).color
    os.environ["NO_COLOR"] = "1"
    report["no_color_env"] = output.Console(json_mode=False, no_color=False).color
    del os.environ["NO_COLOR"]
    # `--json > file`: stdout is a file, people's text goes to stderr, still the console.
    sys.stdout.flush()
    with open(sys.argv[2], "wb") as sink:
        os.dup2(sink.fileno(), 1)
    report["file_color"] = output.Console(json_mode=False, no_color=False).color
    report["stderr_mode"] = mode(sys.stderr)
    report["json_color"] = output.Console(json_mode=True, no_color=False).color
except BaseException:
    report["error"] = traceback.format_exc()
with open(sys.argv[1], "w", encoding="utf-8") as fh:
    json.dump(report, fh)
"""


def test_colour_in_a_real_console_and_not_in_a_file(tmp_path: Path) -> None:
    report_path, sink = tmp_path / "report.json", tmp_path / "stdout.txt"
    env = env_without("NO_COLOR", "FORCE_COLOR", "TERM")
    proc = subprocess.Popen([sys.executable, "-c", CONSOLE_PROBE, str(report_path), str(sink)], env=env,
                            creationflags=subprocess.CREATE_NEW_CONSOLE)  # a console of its own: stdout is it
    assert proc.wait(timeout=120) == 0
    report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    assert "error" not in report, report.get("error")
    if not report["isatty"] or report["mode_before"] is None:
        pytest.skip("no console could be created here")
    assert report["color"] is True
    assert report["mode_after"] & ENABLE_VIRTUAL_TERMINAL_PROCESSING  # switched on, so escapes are drawn
    assert report["no_color_option"] is False
    assert report["no_color_env"] is False
    assert report["file_color"] is False
    assert report["stderr_mode"] is not None
    assert report["json_color"] is True  # stderr's own console handle decides, not stdout's


def test_no_colour_into_a_pipe(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\nvirtiofs=false\r\n")
    result = run_with(env_without("NO_COLOR", "FORCE_COLOR"), "--config", config, "validate", "--offline")
    assert result.returncode == 1
    assert "[virtiofs-disabled]" in result.stdout
    assert "\x1b[" not in result.stdout + result.stderr


# -- a real wsl.exe (wslexe.py: UTF-16LE decoding; version_report.py: the classifier) ------------

def test_a_real_wsl_exe_is_decoded_and_explained(tmp_path: Path) -> None:
    location = reg_install_location()
    if location is None or not os.path.isfile(os.path.join(location, "wsl.exe")):
        # The inbox wsl.exe alone may answer --version with "Press any key to install WSL" and wait.
        pytest.skip("no Store/MSI WSL on this machine; the inbox wsl.exe is not run")
    exe = shutil.which("wsl.exe") or system32("wsl.exe")
    raw_env = {k: v for k, v in os.environ.items() if k != "WSL_UTF8"}
    raw = subprocess.run([exe, "--version"], capture_output=True, stdin=subprocess.DEVNULL, env=raw_env,
                         timeout=120, check=False)
    text, encoding = wslexe.decode_output(raw.stdout)
    assert "\x00" not in text
    if b"\x00" in raw.stdout:
        assert encoding == "utf-16-le"  # wsl.exe's own default, without WSL_UTF8
    if raw.returncode == 0:
        # WSL_UTF8=1 (what run_wsl sets) changes the bytes, not the text.
        utf8 = wslexe.run_wsl(exe, ["--version"], timeout=120)
        assert utf8.exit_code == 0
        assert utf8.output.split() == text.split()
    result = run_with(cli_env(), "--config", tmp_path / ".wslconfig", "--wsl-exe", exe, "versions", "--json",
                      timeout=180)
    doc = parse_json_doc(result)
    assert result.returncode in (0, 1, 4), result.stderr
    assert "Traceback" not in result.stderr
    if result.returncode == 4:
        assert doc["error"]["message"]
        assert doc["error"]["fix"]
        first = text.strip().splitlines()[:1]
        assert not (raw.returncode == 0 and first and re.search(r"\d+\.\d+\.\d+\.\d+", first[0])), result.stderr
    else:
        assert doc["versions"]["wsl"]["version"] in text


# -- the default config location (locate.py) ------------------------------------------------

def test_default_config_is_in_userprofile(tmp_path: Path) -> None:
    home = tmp_path / "Users" / "Zoë Ünïcode"  # spaces and non-ASCII: wide-character file APIs all the way
    home.mkdir(parents=True)
    env = cli_env({"USERPROFILE": str(home)})
    shown = run_with(env, "show", "--json")
    assert parse_json_doc(shown)["config"] == str(home / ".wslconfig")
    written = run_with(env, "set", "wsl2.virtiofs", "true")
    assert written.returncode == 0, written.stderr
    assert (home / ".wslconfig").read_bytes() == b"[wsl2]\r\nvirtiofs=true\r\n"


# -- write refusals with real locks and attributes (safewrite.py) ---------------------------

def test_a_file_held_open_without_delete_sharing_is_retried_then_refused(config: Path, profile: Path) -> None:
    config.write_bytes(OLD)
    with held(config, FILE_SHARE_READ | FILE_SHARE_WRITE):  # readable, but cannot be replaced
        result = run_cli("--config", config, "set", "wsl2.memory", "8GB")
    assert result.returncode == 5, result.stderr
    assert str(config) in result.stderr
    assert "Traceback" not in result.stderr
    assert config.read_bytes() == OLD
    assert temps(profile) == []


def test_a_lock_released_during_the_retries_lets_the_write_through(config: Path, profile: Path) -> None:
    config.write_bytes(OLD)
    with held(config, FILE_SHARE_READ | FILE_SHARE_WRITE):
        proc = subprocess.Popen([sys.executable, "-m", "wslconfig_assistant", "--config", str(config), "set",
                                 "wsl2.memory", "8GB"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, env=cli_env())
        deadline = time.monotonic() + 60
        while not temps(profile) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert proc.poll() is None, proc.communicate()  # still retrying: the temp file waits to replace it
        time.sleep(0.3)  # the first attempts fail meanwhile; the retries last about a second
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode("utf-8", "replace")
    assert config.read_bytes() == NEW
    [backup] = (profile / ".wslconfig-assistant-backups").glob("*.wslconfig")
    assert backup.read_bytes() == OLD
    assert temps(profile) == []


def test_a_file_nobody_may_even_read_is_exit_3(config: Path, profile: Path) -> None:
    config.write_bytes(OLD)
    with held(config, 0):  # share mode 0: not even reading
        result = run_cli("--config", config, "set", "wsl2.memory", "8GB")
    assert result.returncode == 3, result.stderr
    assert str(config) in result.stderr
    assert config.read_bytes() == OLD
    assert not (profile / ".wslconfig-assistant-backups").exists()


def test_a_read_only_file_is_refused(config: Path, profile: Path) -> None:
    config.write_bytes(OLD)
    attrib = subprocess.run([system32("attrib.exe"), "+r", str(config)], capture_output=True, timeout=60,
                            check=False)
    assert attrib.returncode == 0, attrib.stderr
    try:
        assert os.stat(config).st_file_attributes & FILE_ATTRIBUTE_READONLY
        result = run_cli("--config", config, "set", "wsl2.memory", "8GB")
        assert result.returncode == 5, result.stderr
        assert "Traceback" not in result.stderr
        assert config.read_bytes() == OLD
        assert os.stat(config).st_file_attributes & FILE_ATTRIBUTE_READONLY  # left as the user set it
        assert temps(profile) == []
    finally:
        os.chmod(config, stat.S_IWRITE)


# -- .cmd and .exe launchers as --wsl-exe (wslexe.py: CreateProcess, never a shell) -------------

def check_launcher(exe: str, profile: Path) -> None:
    env = {"WSLCONFIG_ASSISTANT_PROFILE": str(profile)}
    sim_state(profile, wsl_version="2.7.3.0", language="ja-JP")
    result = run_cli("--config", profile / ".wslconfig", "--wsl-exe", exe, "versions", "--json", env=env)
    doc = parse_json_doc(result)
    assert result.returncode == 1, result.stderr  # 2.7.3.0 is too old
    assert doc["versions"]["wsl"]["version"] == "2.7.3.0"
    assert doc["versions"]["kernel"]["version"] == "6.6.114.1-1"
    # The simulator fails with -1 (255): the code survives the launcher, and is explained.
    sim_state(profile, language="xx-XX")
    failed = run_cli("--config", profile / ".wslconfig", "--wsl-exe", exe, "versions", "--json", env=env)
    assert failed.returncode == 4
    assert "exit code -1" in parse_json_doc(failed)["error"]["message"]
    sim_state(profile, inbox=True)
    inbox = run_cli("--config", profile / ".wslconfig", "--wsl-exe", exe, "versions", "--json", env=env)
    assert inbox.returncode == 4
    assert "not installed" in parse_json_doc(inbox)["error"]["message"]


@pytest.mark.parametrize("honour_wsl_utf8", [True, False], ids=["utf8", "utf16-inbox-like"])
def test_a_cmd_wrapper_in_a_folder_with_spaces(tmp_path: Path, profile: Path, honour_wsl_utf8: bool) -> None:
    exe = write_cmd(tmp_path / "My Tools" / "wsl.cmd", honour_wsl_utf8=honour_wsl_utf8)
    check_launcher(exe, profile)


def test_the_console_script_launcher(profile: Path) -> None:
    launcher = Path(sysconfig.get_path("scripts")) / f"{SIM_SCRIPT}.exe"
    if not launcher.is_file():
        pytest.skip("the package is not installed here (pip install -e .)")
    check_launcher(str(launcher), profile)
    if shutil.which(SIM_SCRIPT):  # a bare name is looked up on PATH, with PATHEXT, as a shell would
        check_launcher(SIM_SCRIPT, profile)


# -- issue 12: what the fake in tests/fakewin.py stands in for, checked on the real thing ----------

def test_host_sleep_is_at_most_the_time_since_start() -> None:
    """winapi.host_sleep_seconds (GetTickCount64 - QueryUnbiasedInterruptTime) against .NET's own tick count."""
    slept = winapi.host_sleep_seconds()
    assert slept is not None
    # Since the last start, sleep included, as WMI tells it (Windows PowerShell 5.1 has no TickCount64).
    since_start = int(powershell("[int]((Get-Date) - (Get-CimInstance Win32_OperatingSystem).LastBootUpTime)"
                                 ".TotalSeconds"))
    assert 0 <= slept <= since_start + 5


def test_oem_code_page_is_the_one_the_registry_names() -> None:
    query = subprocess.run([system32("reg.exe"), "query", r"HKLM\SYSTEM\CurrentControlSet\Control\Nls\CodePage",
                            "/v", "OEMCP"], capture_output=True, text=True, errors="replace", timeout=60, check=False)
    assert query.returncode == 0, query.stderr
    assert f"REG_SZ    {winapi.oem_code_page()}" in query.stdout


def test_nul_is_a_character_device_but_not_a_terminal() -> None:
    from wslconfig_assistant.system import streams

    with open(os.devnull, encoding="ascii") as nul:  # what `< NUL` gives a program
        assert nul.isatty()  # _isatty: any character device
        assert winapi.console_mode(nul.fileno()) is None  # GetConsoleMode fails on NUL
        assert streams.is_terminal(nul) is False  # so the wizard never starts on it (12.12)


def test_setup_with_stdin_from_nul_is_refused(tmp_path: Path) -> None:
    with open(os.devnull, "rb") as nul:
        result = subprocess.run([sys.executable, "-m", "wslconfig_assistant", "--config", tmp_path / ".wslconfig",
                                 "setup"], stdin=nul, capture_output=True, encoding="utf-8", errors="replace",
                                env=cli_env(), timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    assert "not a terminal" in result.stderr


def test_the_demo_cmd_wrapper_runs_from_a_folder_cmd_would_misread(tmp_path: Path, profile: Path) -> None:
    """cmd.exe reads batch files in the OEM code page and takes % for variables: the wrapper names no
    path itself (12.9)."""
    from wslconfig_assistant.wsl import sandbox

    folder = tmp_path / "Jürgen 100% Łódź"
    folder.mkdir()
    wrapper = folder / "wsl.cmd"
    wrapper.write_bytes(sandbox.CMD_WRAPPER.encode("ascii"))
    sim_state(profile, wsl_version="2.7.3.0")
    env = cli_env({sandbox.SIM_PYTHON_ENV: sys.executable, "WSLCONFIG_ASSISTANT_PROFILE": str(profile)})
    done = subprocess.run([str(wrapper), "--version"], capture_output=True, env=env, stdin=subprocess.DEVNULL,
                          timeout=120, check=False)
    text, _ = wslexe.decode_output(done.stdout)
    assert done.returncode == 0, done.stderr
    assert "2.7.3.0" in text


def test_a_bare_name_in_the_current_folder_is_not_run(tmp_path: Path, profile: Path) -> None:
    planted = tmp_path / "repo"
    planted.mkdir()
    write_cmd(planted / "wsl.cmd")
    result = subprocess.run([sys.executable, "-m", "wslconfig_assistant", "--config", profile / ".wslconfig",
                             "--wsl-exe", "wsl", "versions", "--json"], capture_output=True, encoding="utf-8",
                            errors="replace", env=cli_env({"PATH": str(tmp_path / "empty")}), cwd=planted,
                            stdin=subprocess.DEVNULL, timeout=120, check=False)
    doc = parse_json_doc(result)
    assert result.returncode == 4  # not on PATH; shutil.which would have run the planted wsl.cmd (12.8)
    assert "not in any folder of PATH" in doc["error"]["message"]


def test_redirected_text_is_in_the_consoles_code_page(tmp_path: Path) -> None:
    """Without PYTHONIOENCODING, as a user runs it: the bytes decode in what PowerShell would use (12.3)."""
    folder = tmp_path / "Zoë"
    folder.mkdir()
    (folder / ".wslconfig").write_bytes(b"[wsl2]\r\nvirtiofs=false\r\n")
    result = subprocess.run([sys.executable, "-m", "wslconfig_assistant", "--config", folder / ".wslconfig",
                             "validate", "--offline"], capture_output=True, env=env_without("PYTHONIOENCODING"),
                            stdin=subprocess.DEVNULL, timeout=120, check=False)
    code_page = winapi.console_output_code_page()  # the child shares this process's console, if any
    codec = "utf-8" if code_page in (None, 65001) else f"cp{code_page}"
    assert str(folder) in result.stdout.decode(codec), (codec, result.stdout)


def test_junit_is_utf8_under_the_ansi_code_page(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    folder = tmp_path / "Zoë"
    folder.mkdir()
    (folder / ".wslconfig").write_bytes(b"[wsl2]\r\nvirtiofs=false\r\n")
    result = subprocess.run([sys.executable, "-m", "wslconfig_assistant", "--config", folder / ".wslconfig",
                             "validate", "--offline", "--format", "junit"], capture_output=True,
                            env=env_without("PYTHONIOENCODING"), stdin=subprocess.DEVNULL, timeout=120, check=False)
    root = ET.fromstring(result.stdout)  # noqa: S314 - our own output
    texts = [v for e in root.iter() for v in (*e.attrib.values(), e.text or "")]
    assert any(str(folder) in text for text in texts)


def _alive(pid: int) -> bool:
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = wintypes.DWORD()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def test_a_stopped_call_kills_the_whole_tree(tmp_path: Path) -> None:
    """taskkill /T /F through winapi.kill_process_tree: the .cmd's Python child dies with it. Stopped by an
    event (the child said it started), not a clock."""
    pidfile = tmp_path / "child.pid"
    script = tmp_path / "tree.cmd"
    child = (f"import os,time;open(r'{pidfile}','w').write(str(os.getpid()));print('started',flush=True);"
             "time.sleep(300)")
    script.write_text(f'@"{sys.executable}" -c "{child}"\r\n', encoding="ascii")

    class Started(Exception):
        pass

    class Watch(io.StringIO):
        def write(self, text: str) -> int:
            if "started" in text:
                raise Started
            return super().write(text)

    with pytest.raises(Started):
        wslexe.run_wsl(str(script), [], timeout=600, stream=Watch())
    pid = int(pidfile.read_text(encoding="ascii"))
    deadline = time.monotonic() + 60
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)
