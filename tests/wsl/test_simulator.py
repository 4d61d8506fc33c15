"""The shipped wsl.exe simulator, driven as a real process (``python -m wslconfig_assistant.wsl.simulator``).

It must speak like wsl.exe: UTF-16LE without a BOM and CRLF unless WSL_UTF8=1, the labels of
every language in wsltext, exit 255 (-1) on failure, .wslconfig read only when the VM boots.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from wslconfig_assistant.wsl import simulator, translations

REPO_ROOT = Path(__file__).resolve().parents[2]
SIM = [sys.executable, "-m", "wslconfig_assistant.wsl.simulator"]
BASE = "/sys/bus/vmbus/drivers/hv_pci/swiotlb_base"
SIZE = "/sys/bus/vmbus/drivers/hv_pci/swiotlb_size"


def sim_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WSLCONFIG_ASSISTANT_") and k != "WSL_UTF8"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env["WSLCONFIG_ASSISTANT_PROFILE"] = str(home)
    env["WSLCONFIG_ASSISTANT_HOST_MEMORY"] = "16GB"
    env.update(extra or {})
    return env


def run(home: Path, *args: str, utf8: bool = True, env: dict[str, str] | None = None,
        timeout: float = 30) -> subprocess.CompletedProcess[bytes]:
    extra = {"WSL_UTF8": "1"} if utf8 else {}
    extra.update(env or {})
    return subprocess.run([*SIM, *args], capture_output=True, env=sim_env(home, extra), timeout=timeout,
                          stdin=subprocess.DEVNULL, check=False)


def out(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stdout.decode("utf-8")


def lines(result: subprocess.CompletedProcess[bytes]) -> list[str]:
    text = out(result)
    assert text.endswith("\r\n"), text
    return text.removesuffix("\r\n").split("\r\n")


def write_state(home: Path, **fields: Any) -> None:
    (home / ".wsl-sim.json").write_text(json.dumps(fields), encoding="utf-8")


def state(home: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((home / ".wsl-sim.json").read_text(encoding="utf-8"))
    return data


def write_config(home: Path, text: str) -> None:
    (home / ".wslconfig").write_text(text, encoding="utf-8")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "Users" / "me"
    folder.mkdir(parents=True)
    return folder


# -- encoding -------------------------------------------------------------------------------

def test_default_output_is_utf16le_without_bom_with_crlf(home: Path) -> None:
    result = run(home, "--version", utf8=False)
    assert result.returncode == 0
    assert not result.stdout.startswith(b"\xff\xfe")
    assert result.stdout.startswith("WSL version: ".encode("utf-16-le"))
    text = result.stdout.decode("utf-16-le")
    assert text.count("\r\n") == 7
    assert text.splitlines()[:2] == ["WSL version: 2.7.3.0", "Kernel version: 6.6.114.1-1"]


@pytest.mark.parametrize(("value", "utf16"), [("1", False), ("true", True), ("0", True), (" 1", True)])
def test_wsl_utf8_must_be_exactly_1(home: Path, value: str, utf16: bool) -> None:
    result = run(home, "--status", utf8=False, env={"WSL_UTF8": value})
    assert (b"\x00" in result.stdout) is utf16
    text = result.stdout.decode("utf-16-le" if utf16 else "utf-8")
    assert text == "Default Distribution: Ubuntu\r\nDefault Version: 2\r\n"


@pytest.mark.parametrize("language", sorted(translations.VERSION_LABELS))
def test_every_language_labels_version(home: Path, language: str) -> None:
    write_state(home, language=language, wsl_version="2.9.4.0")
    got = lines(run(home, "--version"))
    labels = translations.VERSION_LABELS[language]
    assert len(got) == 7
    assert all(line.startswith(label) for line, label in zip(got, labels, strict=True))
    assert got[0] == labels[0] + "2.9.4.0"
    assert got[1] == labels[1] + "6.18.35.2-1"


@pytest.mark.parametrize("language", sorted(translations.VERSION_LABELS))
def test_every_language_labels_status(language: str) -> None:
    # In-process (the process path is the same code; one real run in the next test).
    voice = simulator.Voice(utf8=True, language=language)
    reply = simulator.status(simulator.SimState(language=language), voice)
    distro, version = translations.STATUS_LABELS.get(language, translations.STATUS_LABELS["en-US"])
    assert b"".join(p for p in reply.out if isinstance(p, bytes)).decode() == f"{distro}Ubuntu\r\n{version}2\r\n"


def test_status_in_german_as_a_process(home: Path) -> None:
    write_state(home, language="de-DE")
    assert lines(run(home, "--status", utf8=False, env={"WSL_UTF8": "1"})) == [
        "Standarddistribution: Ubuntu", "Standardversion: 2"]


def test_status_without_a_distro_prints_only_the_version(home: Path) -> None:
    write_state(home, distros=[])
    assert lines(run(home, "--status")) == ["Default Version: 2"]


def test_inbox_wsl_exe_does_not_know_version(home: Path) -> None:
    write_state(home, inbox=True)
    result = run(home, "-v")
    assert result.returncode == 255
    assert lines(result) == ["Invalid command line option: --version"]
    write_state(home, inbox=True, language="zh-CN")
    assert lines(run(home, "--version")) == ["命令行选项无效: --version"]


# -- update ---------------------------------------------------------------------------------

def test_update_when_latest(home: Path) -> None:
    write_state(home, wsl_version="2.9.4.0", vm_running=True)
    result = run(home, "--update", "--pre-release")
    assert result.returncode == 0
    assert lines(result) == [
        "Checking for updates.",
        "The most recent version of Windows Subsystem for Linux is already installed.",
    ]
    assert state(home)["vm_running"] is True  # nothing was installed


def test_update_installs_newest_and_stops_the_vm(home: Path) -> None:
    assert run(home, "-e", "uname", "-r").returncode == 0  # boots the VM on 2.7.3.0
    assert state(home)["vm_running"] is True
    result = run(home, "--update", "--web-download")
    assert result.returncode == 0
    text = out(result)
    assert text.startswith("Checking for updates.\r\nUpdating Windows Subsystem for Linux to version: 2.9.4.\r\n")
    # The download bar is redrawn in place with CR, then the line ends.
    bar = text.split("\r\n")[2]
    frames = bar.split("\r")
    assert len(frames) == len(simulator.PROGRESS_STEPS)
    assert frames[1] == "[=                          2.5%                           ]"
    assert frames[-1] == "[" + "=" * 26 + "100.0%" + "=" * 26 + "]"
    after = state(home)
    assert after["wsl_version"] == "2.9.4.0"
    assert after["vm_running"] is False
    assert after["running_kernel"] is None
    assert lines(run(home, "--version"))[1] == "Kernel version: 6.18.35.2-1"


def test_stable_and_pre_release_channels(home: Path) -> None:
    write_state(home, wsl_version="2.6.3.0", stable_release="2.8.11.0")
    assert "version: 2.8.11." in out(run(home, "--update"))
    assert state(home)["wsl_version"] == "2.8.11.0"
    latest = run(home, "--update")
    assert "already installed" in out(latest)
    assert "version: 2.9.4." in out(run(home, "--update", "--pre-release"))
    assert state(home)["wsl_version"] == "2.9.4.0"


def test_progress_bar_matches_the_corpus() -> None:
    # shared/corpus/wsl-update/020.txt (Italian: decimal comma)
    assert simulator.progress_bar(2.5, comma=True) == "[=                          2,5%                           ]"


def test_localized_update_with_decimal_comma(home: Path) -> None:
    write_state(home, language="it-IT")
    text = out(run(home, "--update"))
    assert text.startswith("Verifica della disponibilità di aggiornamenti.\r\n"
                           "Aggiornamento sottosistema Windows per Linux alla versione: 2.9.4.\r\n[")
    assert "2,5%" in text


def test_reboot_required_still_succeeds(home: Path) -> None:
    write_state(home, reboot_required=True)
    result = run(home, "--update")
    assert result.returncode == 0
    assert lines(result)[-1] == translations.REBOOT_REQUIRED["en-US"]
    assert state(home)["wsl_version"] == "2.9.4.0"


def test_update_that_does_not_apply(home: Path) -> None:
    write_state(home, update_applies=False, vm_running=True)
    result = run(home, "--update")
    assert result.returncode == 0
    assert lines(result) == ["Checking for updates.", "Updating Windows Subsystem for Linux to version: 2.9.4."]
    assert state(home)["wsl_version"] == "2.7.3.0"
    assert state(home)["vm_running"] is True


@pytest.mark.parametrize(("failure", "expected"), [
    ("elevation", ["Update failed (exit code: 1603).",
                   f"Log file: {simulator.LOG_FILE}",
                   "Error code: Wsl/UpdatePackage/E_ABORT"]),
    ("elevation-1925", ["Update failed (exit code: 1603)."]),
    ("msi", ["Update failed (exit code: 1603).",
             f"Log file: {simulator.LOG_FILE}",
             "Error code: Wsl/UpdatePackage/ERROR_INSTALL_FAILURE"]),
    ("busy", ["Update failed (exit code: 1618).", "Error code: Wsl/UpdatePackage/0x80070652"]),
])
def test_msi_failures(home: Path, failure: str, expected: list[str]) -> None:
    write_state(home, update_failure=failure)
    result = run(home, "--update", "--pre-release")
    assert result.returncode == 255
    got = lines(result)
    assert got[:2] == ["Checking for updates.", "Updating Windows Subsystem for Linux to version: 2.9.4."]
    assert got[-len(expected):] == expected
    assert state(home)["wsl_version"] == "2.7.3.0"


def test_msi_failure_in_korean(home: Path) -> None:
    write_state(home, update_failure="msi", language="ko-KR")
    got = lines(run(home, "--update"))
    assert got[-3:] == ["업데이트하지 못했습니다(종료 코드: 1603).", f"로그 파일: {simulator.LOG_FILE}",
                        "오류 코드: Wsl/UpdatePackage/ERROR_INSTALL_FAILURE"]


def test_msi_failure_needs_something_to_install(home: Path) -> None:
    write_state(home, update_failure="msi", wsl_version="2.9.4.0")
    assert run(home, "--update").returncode == 0


def test_network_failure_is_the_403_line_only(home: Path) -> None:
    write_state(home, update_failure="network")
    result = run(home, "--update")
    assert result.returncode == 255
    assert lines(result) == ["Forbidden (403)."]


def test_hang_never_ends(home: Path) -> None:
    """Waits on the events (its first line arrives; the call is recorded), not on a clock (12.13)."""
    write_state(home, update_failure="hang")
    with subprocess.Popen([*SIM, "--update"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          stdin=subprocess.DEVNULL, env=sim_env(home, {"WSL_UTF8": "1"})) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline() == b"Checking for updates.\r\n"  # flushed before the wait
            assert state(home)["calls"] == [["--update"]]  # recorded, and the lock let go before the hang
            assert run(home, "--version").returncode == 0  # another call gets through meanwhile
            assert proc.poll() is None  # and the update still hangs
        finally:
            proc.kill()


def test_flood_prints_megabytes(home: Path) -> None:
    write_state(home, update_failure="flood")
    proc = subprocess.Popen([*SIM, "--update"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, env=sim_env(home))
    assert proc.stdout is not None
    total = 0
    with proc.stdout:
        while chunk := proc.stdout.read1(1 << 20):  # counted, not kept
            total += len(chunk)
    assert proc.wait(timeout=30) == 255
    assert total >= simulator.FLOOD_BYTES


def test_garbage_is_an_odd_count_of_random_bytes(home: Path) -> None:
    write_state(home, update_failure="garbage")
    result = run(home, "--update")
    assert result.returncode == 255
    assert len(result.stdout) % 2 == 1
    assert len(result.stdout) == simulator.GARBAGE_BYTES


def test_update_rejects_unknown_options(home: Path) -> None:
    result = run(home, "--update", "--inbox")
    assert result.returncode == 255
    assert lines(result) == [
        "Invalid command line argument: --inbox",
        "Please use 'wsl.exe --help' to get a list of supported arguments.",
        "Error code: Wsl/UpdatePackage/E_INVALIDARG",
    ]


# -- shutdown and the guest -----------------------------------------------------------------

def test_shutdown_prints_nothing_and_stops_the_vm(home: Path) -> None:
    run(home, "-e", "uname", "-r")
    assert state(home)["vm_running"] is True
    for args in (["--shutdown"], ["--shutdown", "--force"]):
        result = run(home, *args)
        assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")
        assert state(home)["vm_running"] is False
    assert run(home, "--shutdown", "--now").returncode == 255


def test_uname_is_raw_utf8_even_without_wsl_utf8(home: Path) -> None:
    result = run(home, "-e", "uname", "-r", utf8=False)
    assert result.returncode == 0
    assert result.stdout == b"6.6.114.1-microsoft-standard-WSL2\n"  # LF, no NULs: Linux's own bytes
    after = state(home)
    assert after["vm_running"] is True
    assert after["running_kernel"] == "6.6.114.1-microsoft-standard-WSL2"


def mnt_c(home: Path) -> str:
    result = run(home, "--exec", "cat", "/proc/mounts")
    assert result.returncode == 0
    mounts = out(result).splitlines()
    assert any(line.startswith("drivers /usr/lib/wsl/drivers 9p ") for line in mounts)
    (line,) = [line for line in mounts if line.split()[1] == "/mnt/c"]
    return line


def test_virtiofs_only_after_shutdown_and_boot(home: Path) -> None:
    assert mnt_c(home) == simulator.MOUNT_C_9P  # no .wslconfig: 9p
    assert mnt_c(home).startswith("C:\\134 /mnt/c 9p rw,noatime,aname=drvfs;path=C:\\;")
    write_config(home, "[wsl2]\nvirtiofs=true\n")
    assert mnt_c(home) == simulator.MOUNT_C_9P  # the running VM read the file at boot, not now
    assert run(home, "--shutdown").returncode == 0
    assert mnt_c(home) == "drvfsC0 /mnt/c virtiofs rw,noatime 0 0"
    assert state(home)["booted_config"]["virtiofs"] is True


@pytest.mark.parametrize("config", [
    "[wsl2]\nvirtiofs=true\nsafeMode=true\n",  # safe mode turns virtio features off
    "[wsl2]\nvirtiofs=true\nvirtio=false\n",
    "[wsl2]\nvirtiofs=yes\n",  # not a boolean WSL accepts: the default (false) stays
    "virtiofs=true\n",  # outside any section: an unknown key
])
def test_config_read_as_wsl_reads_it(home: Path, config: str) -> None:
    write_config(home, config)
    assert mnt_c(home) == simulator.MOUNT_C_9P


def test_utf16_config_with_bom_is_read(home: Path) -> None:
    (home / ".wslconfig").write_bytes(b"\xff\xfe" + "[wsl2]\r\nvirtiofs=true\r\n".encode("utf-16-le"))
    assert "virtiofs" in mnt_c(home)


def test_config_path_from_the_state(home: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.wslconfig"
    other.write_text("[wsl2]\nvirtiofs=true\n", encoding="utf-8")
    write_state(home, config_path=str(other))
    assert "virtiofs" in mnt_c(home)


@pytest.mark.parametrize(("version", "config", "base", "size"), [
    ("2.9.4.0", "[wsl2]\nvirtiofs=true\n", "0xf4000000", "0x4000000"),  # 64 MB pool, half of 16 GB RAM
    ("2.8.11.0", "[wsl2]\nvirtiofs=true\nmemory=1088MB\n", "0xf4000000", "0x4000000"),  # exactly 1 GB + 64 MB
    ("2.9.4.0", "[wsl2]\nvirtiofs=true\nmemory=1GB\n", "0x0", "0x0"),  # too little memory: no pool
    ("2.9.4.0", "[wsl2]\nvirtiofs=false\n", "0x0", "0x0"),  # patched kernel, nothing asked
    ("2.9.4.0", "[experimental]\nswiotlb=128MB\n", "0xf4000000", "0x8000000"),  # an explicit pool
    ("2.9.4.0", "[wsl2]\nvirtiofs=true\nvirtio=false\n", "0x0", "0x0"),
    ("2.8.8.0", "[wsl2]\nvirtiofs=true\n", None, None),  # kernel 6.18.26.1: no sysfs files
    ("2.7.3.0", "[wsl2]\nvirtiofs=true\n", None, None),  # kernel 6.6.114.1
    ("2.9.4.0", "[wsl2]\nvirtiofs=true\nkernel=C:\\\\k\\\\bzImage\n", None, None),  # custom kernel
])
def test_swiotlb_files(home: Path, version: str, config: str, base: str | None, size: str | None) -> None:
    write_state(home, wsl_version=version)
    write_config(home, config)
    run(home, "-e", "true")  # boots (a custom kernel's boot prints the kernel-patch warning: see below)
    result = run(home, "-e", "cat", BASE, SIZE)
    if base is None:
        assert result.returncode == 1
        assert result.stdout == b""
        assert result.stderr.decode() == (f"cat: {BASE}: No such file or directory\n"
                                          f"cat: {SIZE}: No such file or directory\n")
    else:
        assert result.returncode == 0
        assert out(result) == f"{base}\n{size}\n"


def test_uptime_counts_from_the_boot(home: Path) -> None:
    before = time.time()
    first = float(out(run(home, "-e", "cat", "/proc/uptime")).split()[0])
    booted = state(home)["booted_config"]["booted_at"]
    assert before <= booted <= time.time()
    assert 0 <= first < 10
    time.sleep(0.05)
    assert float(out(run(home, "-e", "cat", "/proc/uptime")).split()[0]) > first  # same VM, later
    run(home, "--shutdown")
    run(home, "-e", "uname", "-r")
    assert state(home)["booted_config"]["booted_at"] > booted  # a new VM


def test_custom_kernel_is_what_uname_shows(home: Path) -> None:
    write_config(home, "[wsl2]\nkernel=C:\\\\kernels\\\\bzImage\n")
    assert out(run(home, "-e", "uname", "-r")) == simulator.CUSTOM_KERNEL + "\n"
    assert state(home)["booted_config"]["kernel"] == "C:\\kernels\\bzImage"


def test_distribution_and_user_options_before_exec(home: Path) -> None:
    result = run(home, "-d", "Ubuntu", "-u", "root", "-e", "uname", "-r")
    assert out(result) == "6.6.114.1-microsoft-standard-WSL2\n"


def test_unknown_linux_command_and_missing_file(home: Path) -> None:
    result = run(home, "-e", "lsblk")
    assert result.returncode == 127
    assert b"command not found" in result.stderr
    assert run(home, "-e", "cat", "/nope").returncode == 1


@pytest.mark.parametrize("args", [["--frobnicate"], ["-e"], ["--exec"], ["-d"], ["-x", "uname"]])
def test_unknown_arguments(home: Path, args: list[str]) -> None:
    result = run(home, *args)
    assert result.returncode == 255
    got = lines(result)
    assert got[0] == f"Invalid command line argument: {args[0]}"
    assert got[1] == translations.INVALID_ARGUMENT["en-US"][1]


def test_help_exits_minus_one(home: Path) -> None:
    result = run(home, "--help")
    assert result.returncode == 255
    assert "Usage: wsl.exe" in out(result)


# -- state ----------------------------------------------------------------------------------

def test_every_call_is_recorded(home: Path) -> None:
    run(home, "--version")
    run(home, "--update", "--pre-release")
    run(home, "--bogus")
    assert state(home)["calls"] == [["--version"], ["--update", "--pre-release"], ["--bogus"]]


def test_concurrent_calls_are_all_recorded(home: Path) -> None:
    procs = [subprocess.Popen([*SIM, "--status"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              stdin=subprocess.DEVNULL, env=sim_env(home)) for _ in range(8)]
    assert [p.wait(timeout=30) for p in procs] == [0] * 8
    assert state(home)["calls"] == [["--status"]] * 8
    assert not list(home.glob("*.tmp"))


def test_state_file_from_its_own_variable(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "custom-state.json"
    env = {"WSLCONFIG_ASSISTANT_SIM_STATE": str(path)}
    assert run(home, "--status", env=env).returncode == 0
    assert json.loads(path.read_text(encoding="utf-8"))["calls"] == [["--status"]]
    assert not (home / ".wsl-sim.json").exists()


def test_no_state_is_refused(tmp_path: Path) -> None:
    env = {k: v for k, v in sim_env(tmp_path).items() if not k.startswith("WSLCONFIG_ASSISTANT_")}
    result = subprocess.run([*SIM, "--version"], capture_output=True, env=env, check=False, timeout=30)
    assert result.returncode == 255
    assert "WSLCONFIG_ASSISTANT_SIM_STATE" in result.stderr.decode("utf-16-le")


def test_a_state_in_a_missing_folder_is_refused(tmp_path: Path, home: Path) -> None:
    result = run(home, "--version", env={"WSLCONFIG_ASSISTANT_SIM_STATE": str(tmp_path / "no" / "state.json")})
    assert result.returncode == 255
    assert "cannot use its state" in result.stderr.decode()


@pytest.mark.parametrize("content", ['{"language": "xx-XX"}', '{"inbox": "yes"}', '{"update_failure": "boom"}',
                                     "[1, 2]", "{not json"])
def test_a_broken_state_is_refused(home: Path, content: str) -> None:
    (home / ".wsl-sim.json").write_text(content, encoding="utf-8")
    result = run(home, "--version")
    assert result.returncode == 255
    assert "wsl.exe simulator" in result.stderr.decode()


def test_state_round_trips() -> None:
    before = simulator.SimState(
        vm_running=True, running_kernel="k", calls=(("--status",),), distros=("Debian",),
        booted_config=simulator.Booted(True, 1 << 33, None, 64 << 20, "2.9.4.0", 1764000000.5),
    )
    assert simulator.state_from_json(json.loads(json.dumps(simulator.state_to_json(before)))) == before


def test_release_table() -> None:
    assert simulator.release_of("2.8.11.0").kernel == "6.18.26.3-1"
    assert simulator.release_of("2.8.9.0").devicehost == "1.2.29-0"
    assert simulator.release_of("2.8.8.0").kernel == "6.18.26.1-1"
    assert simulator.release_of("2.8.0.0").kernel == "6.6.114.1-1"  # 2.8.0 went back to 6.6
    assert simulator.kernel_release("6.18.26.3-1") == "6.18.26.3-microsoft-standard-WSL2"
    assert simulator.tag("2.9.4.0") == "2.9.4"


def test_console_script(home: Path) -> None:
    script = shutil.which("wslconfig-assistant-wsl-sim")
    if script is None:
        pytest.skip("the package is not installed (pip install -e .)")
    result = subprocess.run([script, "--help"], capture_output=True, check=False, timeout=30, env=sim_env(home))
    assert result.returncode == 255
    assert "Usage: wsl.exe" in result.stdout.decode("utf-16-le")


# -- 14.1 / 14.2: the releases after 2.9.4, and the service's kernel-patch warning -----------------------

@pytest.mark.parametrize(("version", "kernel"), [
    ("2.9.11.0", "6.18.40.1-1"), ("3.0.1.0", "6.18.40.1-1"),  # confirmed kernels
    ("2.9.9.0", "6.18.35.2-1"),  # unconfirmed: the table's lower bound, the newest confirmed earlier kernel
])
def test_knows_the_releases_after_2_9_4(home: Path, version: str, kernel: str) -> None:
    write_state(home, wsl_version=version)
    assert lines(run(home, "--version"))[:2] == [f"WSL version: {version}", f"Kernel version: {kernel}"]


def test_pre_release_update_reaches_any_known_release(home: Path) -> None:
    write_state(home, wsl_version="2.9.4.0", pre_release="3.0.1.0")
    result = run(home, "--update", "--pre-release")
    assert result.returncode == 0
    assert "3.0.1" in result.stdout.decode()
    assert state(home)["wsl_version"] == "3.0.1.0"


@pytest.mark.parametrize("language", ["en-US", "de-DE", "ru-RU", "zh-CN", "ja-JP"])
def test_a_custom_kernel_boot_prints_the_kernel_patch_warning_once(home: Path, language: str) -> None:
    write_state(home, wsl_version="2.9.4.0", language=language)
    write_config(home, "[wsl2]\nvirtiofs=true\nkernel=C:\\\\k\\\\bzImage\n")
    first = run(home, "-e", "uname", "-r", utf8=False)  # UTF-16LE, as wsl.exe's own text is
    expected = "wsl: " + translations.SWIOTLB_KERNEL_UNSUPPORTED[language] + "\r\n"
    assert first.stderr.decode("utf-16-le") == expected
    assert first.stdout == f"{simulator.CUSTOM_KERNEL}\n".encode()  # the guest's output is untouched
    assert run(home, "-e", "uname", "-r").stderr == b""  # once per boot
    run(home, "--shutdown")
    assert run(home, "-e", "uname", "-r").stderr.decode() == expected  # and again after the next boot


@pytest.mark.parametrize(("version", "config"), [
    ("2.9.4.0", "[wsl2]\nvirtiofs=true\n"),  # the bundled kernel has the patch
    ("2.9.4.0", "[wsl2]\nvirtiofs=false\nkernel=C:\\\\k\\\\bzImage\n"),  # no pool wanted
    ("2.8.8.0", "[wsl2]\nvirtiofs=true\nkernel=C:\\\\k\\\\bzImage\n"),  # before 2.8.9 no pool is ever wanted
])
def test_no_kernel_patch_warning_when_nothing_is_missing(home: Path, version: str, config: str) -> None:
    write_state(home, wsl_version=version)
    write_config(home, config)
    assert run(home, "-e", "uname", "-r").stderr == b""


def test_the_documented_python_m_start_of_the_simulator_runs(tmp_path: Path) -> None:
    """README: `python -m wslconfig_assistant.simulator` starts the simulator, as before the layout moved it."""
    done = subprocess.run([sys.executable, "-m", "wslconfig_assistant.simulator", "--version"],
                          capture_output=True, check=False, env=sim_env(tmp_path), timeout=30)
    assert done.returncode == 0
    assert done.stdout == run(tmp_path, "--version", utf8=False).stdout
