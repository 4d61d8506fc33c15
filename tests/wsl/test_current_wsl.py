"""Current with WSL (issue 14): the releases after 2.9.4, the service's kernel-patch warning, the
DeviceHost's two sources. End to end: real CLI processes driving the shipped wsl.exe simulator (or a
hostile stand-in where the simulator cannot say what a real wsl.exe might)."""

from __future__ import annotations

import json
import shlex
import stat
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from wslconfig_assistant.wsl import devicehost, translations

COMPLIANT = b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n"
CUSTOM = b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\nkernel=C:\\\\k\\\\bzImage\r\n"


def state(profile: Path, **fields: object) -> None:
    (profile / ".wsl-sim.json").write_text(json.dumps(fields), encoding="utf-8")


def cli(profile: Path, sim: str, *args: str, **env: str) -> Any:
    return run_cli(*args, env={"WSLCONFIG_ASSISTANT_PROFILE": str(profile), "WSLCONFIG_ASSISTANT_WSL_EXE": sim,
                               **env})


def doc_of(result: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def codes(doc: dict[str, Any]) -> list[str]:
    return [f["code"] for f in doc["findings"]]


def finding(doc: dict[str, Any], code: str) -> dict[str, Any]:
    found = [f for f in doc["findings"] if f["code"] == code]
    assert len(found) == 1, doc["findings"]
    return found[0]


# -- 14.1 the releases after 2.9.4 ----------------------------------------------------------------------

@pytest.mark.parametrize(("wsl", "kernel", "devicehost", "bound"), [
    ("2.9.9.0", "6.18.35.2-1", "1.2.61", False),
    ("2.9.10.0", "6.18.35.2-1", "1.2.62", False),
    ("2.9.11.0", "6.18.40.1-1", "1.2.62", True),
    ("3.0.1.0", "6.18.40.1-1", "1.2.62", True),
])
def test_versions_knows_the_newest_releases(profile: Path, sim: str, wsl: str, kernel: str, devicehost: str,
                                            bound: bool) -> None:
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    state(profile, wsl_version=wsl)
    result = cli(profile, sim, "versions", "--json")
    assert result.returncode == 0, result.stderr
    gates = doc_of(result)["versions"]
    assert gates["kernel"]["version"] == kernel
    assert gates["devicehost"]["version"] == devicehost
    assert ("a lower bound" in gates["devicehost"]["source"]) is bound
    assert gates["devicehost"]["ok"] is True


def test_a_wsl_newer_than_every_row_says_its_values_are_lower_bounds(profile: Path, tmp_path: Path) -> None:
    saved = tmp_path / "wsl-version.txt"
    saved.write_text("WSL version: 3.2.5.0\nKernel version: 6.18.44.1-1\nWSLg version: 1.0.80\n"
                     "MSRDC version: 1.2.6353\nDirect3D version: 1.611.1-81528511\n"
                     "DXCore version: 10.0.26100.1-240331-1435.ge-release\nWindows version: 10.0.26100.4652\n",
                     encoding="utf-8")
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    result = run_cli("--config", profile / ".wslconfig", "versions", "--wsl-version-file", saved)
    assert result.returncode == 0, result.stderr
    assert "newer than every release in this tool's table (newest 3.0.1)" in result.stdout
    assert "at least DeviceHost 1.2.62 (a lower bound)" in result.stdout


# -- 14.2 the kernel-patch warning ----------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en-US", "de-DE", "zh-CN", "ru-RU"])
def test_verify_turns_the_warning_of_a_custom_kernel_into_its_own_fix(profile: Path, sim: str,
                                                                     language: str) -> None:
    (profile / ".wslconfig").write_bytes(CUSTOM)
    state(profile, wsl_version="2.9.4.0", language=language)
    result = cli(profile, sim, "verify", "--json")
    assert result.returncode == 1
    doc = doc_of(result)
    patch = finding(doc, "kernel-patch-missing")
    assert patch["severity"] == "error"
    assert patch["key"] == "wsl2.kernel"
    assert "unset wsl2.kernel" in patch["fix"]
    # Nothing verify prints may send a custom-kernel user to an update that cannot help.
    chain = {link["name"]: link for link in doc["chain"]}
    fixes = [f["fix"] for f in doc["findings"] if f["key"] == "wsl2.kernel"]
    fixes += [chain[name]["fix"] for name in ("versions", "pool")]
    for fix in fixes:
        assert "wsl --update" not in fix, fix
        assert "wslconfig-assistant apply" not in fix, fix
        assert "unset wsl2.kernel" in fix
    assert chain["pool"]["ok"] is False
    assert "warned" in chain["pool"]["detail"]


def test_no_warning_no_finding(profile: Path, sim: str) -> None:
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    state(profile, wsl_version="2.9.4.0")
    result = cli(profile, sim, "verify", "--json")
    assert "kernel-patch-missing" not in codes(doc_of(result))


@pytest.mark.parametrize("language", sorted(translations.SWIOTLB_KERNEL_UNSUPPORTED))
def test_a_saved_version_output_with_the_warning_in_any_language(profile: Path, tmp_path: Path,
                                                                 language: str) -> None:
    warning = "wsl: " + translations.SWIOTLB_KERNEL_UNSUPPORTED[language]
    saved = tmp_path / "wsl-version.txt"
    saved.write_bytes(("\r\n".join([warning, "WSL version: 2.9.4.0", "Kernel version: 6.18.35.2-1",
                                    "WSLg version: 1.0.79"]) + "\r\n").encode("utf-16-le"))
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    result = run_cli("--config", profile / ".wslconfig", "validate", "--wsl-version-file", saved, "--json")
    assert result.returncode == 1, result.stderr
    patch = finding(doc_of(result), "kernel-patch-missing")
    assert "wsl --update --pre-release" in patch["fix"]  # WSL's own kernel: an update brings the patch


FAKE_WSL = r'''#!{python}
import sys
WARNING = {warning!r}
VERSION = ("WSL version: 2.9.4.0", "Kernel version: 6.18.35.2-1", "WSLg version: 1.0.79",
           "MSRDC version: 1.2.6353", "Direct3D version: 1.611.1-81528511",
           "DXCore version: 10.0.26100.1-240331-1435.ge-release", "Windows version: 10.0.26100.4652")
args = sys.argv[1:]
out = sys.stdout.buffer
if args[:1] in (["--version"], ["-v"]):
    out.write("".join(line + "\r\n" for line in VERSION).encode("utf-16-le"))
    if {on_version}:
        sys.stderr.buffer.write(("wsl: " + WARNING + "\r\n").encode("utf-16-le"))
elif args[:1] == ["--update"]:
    out.write(("Checking for updates.\r\n"
               "The most recent version of Windows Subsystem for Linux is already installed.\r\n").encode("utf-16-le"))
    sys.stderr.buffer.write(("wsl: " + WARNING + "\r\n").encode("utf-16-le"))
sys.exit(0)
'''


def fake_wsl(folder: Path, *, on_version: bool, language: str = "fr-FR") -> str:
    """A wsl.exe whose service prints the kernel-patch warning on --update (and, if asked, on --version)."""
    exe = folder / "wsl.exe"
    exe.write_text(FAKE_WSL.format(python=sys.executable, warning=translations.SWIOTLB_KERNEL_UNSUPPORTED[language],
                                   on_version=on_version), encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return str(exe)


@pytest.mark.skipif(sys.platform == "win32", reason="the fake wsl.exe is a #! script")
def test_the_version_call_carrying_the_warning(profile: Path, tmp_path: Path) -> None:
    exe = fake_wsl(tmp_path, on_version=True)
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    result = run_cli("--config", profile / ".wslconfig", "--wsl-exe", exe, "versions", "--json")
    assert result.returncode == 1
    patch = finding(doc_of(result), "kernel-patch-missing")
    assert "`wsl --version`" in patch["message"]
    assert f"{exe} --update --pre-release" in patch["fix"]  # the wsl.exe given, as printed commands run


@pytest.mark.skipif(sys.platform == "win32", reason="the fake wsl.exe is a #! script")
def test_the_update_carrying_the_warning(profile: Path, tmp_path: Path) -> None:
    exe = fake_wsl(tmp_path, on_version=False, language="ja-JP")
    (profile / ".wslconfig").write_bytes(CUSTOM)
    # A policy whose minimum the installed kernel misses, so that apply updates.
    policy = tmp_path / "p.toml"
    policy.write_text('[versions]\nmin_devicehost = "1.2.99-0"\n', encoding="utf-8")
    result = run_cli("--config", profile / ".wslconfig", "--wsl-exe", exe, "apply", "--policy", policy, "--json")
    doc = doc_of(result)
    assert doc["update"] is not None, doc
    patch = finding(doc, "kernel-patch-missing")
    assert "`wsl --update --pre-release`" in patch["message"]
    assert "unset wsl2.kernel" in patch["fix"]
    assert "wsl --update" not in patch["fix"]


# -- 14.7 the DeviceHost DLL and its proxy stub ---------------------------------------------------------

def test_versions_never_reads_the_proxy_stub(profile: Path, sim: str, tmp_path: Path) -> None:
    install = tmp_path / "WSL"
    install.mkdir()
    devicehost.write_fake_dll(str(install / devicehost.PROXY_STUB_NAME), "2.9.9.0")  # WSL's own version
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    state(profile, wsl_version="2.7.3.0")
    result = cli(profile, sim, "versions", "--json", WSLCONFIG_ASSISTANT_WSL_INSTALL_DIR=str(install))
    gate = doc_of(result)["versions"]["devicehost"]
    assert gate["version"] == "1.2.14-0"
    assert gate["ok"] is False


def test_versions_shows_both_when_dll_and_table_disagree(profile: Path, sim: str, tmp_path: Path) -> None:
    install = tmp_path / "WSL"
    install.mkdir()
    devicehost.write_fake_dll(str(install / devicehost.DLL_NAME), "1.2.57.0")
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    state(profile, wsl_version="2.7.9.0")  # the table: DeviceHost 1.2.14-0
    result = cli(profile, sim, "versions", "--json", WSLCONFIG_ASSISTANT_WSL_INSTALL_DIR=str(install))
    assert result.returncode == 1
    gate = doc_of(result)["versions"]["devicehost"]
    assert gate["version"] == "1.2.14-0"
    assert gate["ok"] is False
    assert "1.2.57-0" in gate["source"]
    assert "1.2.14-0" in gate["source"]


# -- 14.3 known virtiofs bugs by version ----------------------------------------------------------------

@pytest.mark.parametrize(("wsl", "issues"), [
    ("2.7.3.0", {40773, 40987, 40719}),  # DeviceHost 1.2.14-0: the O_APPEND bug too
    ("2.8.12.0", {40773, 40987, 40719}),  # the last release whose automount stops at one bad drive
    ("2.9.0.0", {40987, 40719, 41487}),
    ("2.9.4.0", {40719, 41487}),  # DeviceHost 1.2.48-0: O_APPEND fixed
    ("2.9.6.0", {40719, 41487}),  # DeviceHost only a lower bound (1.2.48-0): the dllhost crash is not claimed
    ("2.9.11.0", {40719}),
    ("3.0.1.0", set()),
])
def test_advisories_by_version(wsl: str, issues: set[int]) -> None:
    from wslconfig_assistant.wsl.advisories import Installed, affecting
    from wslconfig_assistant.wsl.devicehost import _from_table

    dh = _from_table(wsl)
    assert {row.issue for row in affecting(Installed(wsl, dh.version, dh.inferred))} == issues


def test_the_dllhost_crash_needs_a_devicehost_in_its_range() -> None:
    from wslconfig_assistant.wsl.advisories import Installed, affecting

    def hit(dh: str, bound: bool = False) -> bool:
        return 41292 in {row.issue for row in affecting(Installed("2.9.6.0", dh, bound))}

    assert hit("1.2.57-0")
    assert hit("1.2.59-0")
    assert not hit("1.2.60")
    assert not hit("1.2.60-0")
    assert not hit("1.2.48-0")
    assert not hit("1.2.61", bound=True)  # a lower bound above the range rules it out
    assert not hit("1.2.57-0", bound=True)  # ... one inside it proves nothing


@pytest.mark.parametrize("command", [["validate", "--json"], ["versions", "--json"], ["verify", "--json"]])
def test_a_machine_that_meets_the_minimums_is_told_of_its_known_bugs(profile: Path, sim: str,
                                                                    command: list[str]) -> None:
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    state(profile, wsl_version="2.9.4.0")
    result = cli(profile, sim, *command)
    assert result.returncode == 0, result.stdout  # warnings: the machine still complies
    doc = doc_of(result)
    known = [f for f in doc["findings"] if f["code"] == "known-issue"]
    assert len(known) == 2
    docker = next(f for f in known if "/40719" in f["message"])
    assert docker["severity"] == "warning"
    assert docker["message"].startswith("WSL 2.9.4.0 meets the minimums, but has a known virtiofs bug: Docker")
    assert "https://github.com/microsoft/WSL/issues/40719" in docker["message"]
    assert "fixed in WSL 2.9.12" in docker["message"]
    assert docker["fix"] == ("update WSL and restart it (fixed in WSL 2.9.12 (#40733)): "
                             "wsl --update --pre-release; wsl --shutdown")


def test_a_declared_version_file_is_advised_too(profile: Path, tmp_path: Path) -> None:
    saved = tmp_path / "wsl-version.txt"
    saved.write_text("WSL version: 2.8.12.0\nKernel version: 6.18.35.1-1\n", encoding="utf-8")
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    result = run_cli("--config", profile / ".wslconfig", "validate", "--wsl-version-file", saved,
                     "--format", "github")
    assert result.returncode == 0
    assert result.stdout.count("title=known-issue") == 3
    assert "issues/40773" in result.stdout


@pytest.mark.parametrize(("level", "code", "count"), [("error", 1, 2), ("off", 0, 0), ("warning", 0, 2)])
def test_a_policy_makes_advisories_errors_or_turns_them_off(profile: Path, sim: str, tmp_path: Path,
                                                            level: str, code: int, count: int) -> None:
    policy = tmp_path / "team.toml"
    policy.write_text(f'[advisories]\nlevel = "{level}"\n', encoding="utf-8")
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    state(profile, wsl_version="2.9.4.0")
    result = cli(profile, sim, "validate", "--json", "--policy", str(policy))
    assert result.returncode == code
    known = [f for f in doc_of(result)["findings"] if f["code"] == "known-issue"]
    assert len(known) == count
    assert all(f["severity"] == ("error" if level == "error" else "warning") for f in known)


def test_a_bad_advisory_level_is_a_usage_error(profile: Path, tmp_path: Path) -> None:
    policy = tmp_path / "team.toml"
    policy.write_text('[advisories]\nlevel = "errors"\n', encoding="utf-8")
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    result = run_cli("--config", profile / ".wslconfig", "validate", "--offline", "--policy", policy)
    assert result.returncode == 2
    assert "[advisories] level" in result.stderr
    assert "did you mean error?" in result.stderr


def test_no_advisories_when_virtiofs_is_not_the_goal(profile: Path, sim: str, tmp_path: Path) -> None:
    policy = tmp_path / "team.toml"
    policy.write_text("[virtiofs]\nrequire = false\n", encoding="utf-8")
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    state(profile, wsl_version="2.7.3.0")
    result = cli(profile, sim, "versions", "--json", "--policy", str(policy))
    assert "known-issue" not in codes(doc_of(result))


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pseudo-terminal")
def test_the_wizard_shows_the_known_bugs(profile: Path, sim: str) -> None:
    from conftest import cli_env, run_in_pty

    (profile / ".wslconfig").write_bytes(COMPLIANT)
    state(profile, wsl_version="2.9.4.0")
    env = cli_env({"WSLCONFIG_ASSISTANT_PROFILE": str(profile), "WSLCONFIG_ASSISTANT_WSL_EXE": sim,
                   "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1"})
    env.pop("CI", None)
    code, printed = run_in_pty(["setup"], env, enter_when_idle=True)  # Enter at every prompt
    text = printed.decode("utf-8", "replace").replace("\r\n", "\n")
    assert code == 0, text
    assert "warning [known-issue]" in text
    assert "issues/40719" in text.replace("\n", "")


# -- 14.8 no Windows drives to speed up -----------------------------------------------------------------

def test_host_file_system_access_false_leaves_virtiofs_nothing(profile: Path) -> None:
    (profile / ".wslconfig").write_bytes(COMPLIANT + b"hostFileSystemAccess=false\r\n")
    result = run_cli("--config", profile / ".wslconfig", "validate", "--offline", "--json")
    assert result.returncode == 0
    found = finding(doc_of(result), "no-windows-drives")
    assert found["severity"] == "warning"
    assert found["line"] == 4
    assert found["key"] == "wsl2.hostFileSystemAccess"
    assert "no Windows drives" in found["message"]
    argv = shlex.split(found["fix"])  # the fix runs as printed
    assert argv[0] == "wslconfig-assistant"
    assert argv[-2:] == ["unset", "wsl2.hostFileSystemAccess"]
    fixed = run_cli(*argv[1:])
    assert fixed.returncode == 0
    again = run_cli("--config", profile / ".wslconfig", "validate", "--offline", "--json")
    assert "no-windows-drives" not in codes(doc_of(again))


@pytest.mark.parametrize("text", [b"hostFileSystemAccess=true\r\n", b""])
def test_drives_mounted_no_finding(profile: Path, text: bytes) -> None:
    (profile / ".wslconfig").write_bytes(COMPLIANT + text)
    result = run_cli("--config", profile / ".wslconfig", "validate", "--offline", "--json")
    assert "no-windows-drives" not in codes(doc_of(result))


def test_no_drives_finding_only_when_virtiofs_is_the_goal(profile: Path, tmp_path: Path) -> None:
    policy = tmp_path / "team.toml"
    policy.write_text("[virtiofs]\nrequire = false\n", encoding="utf-8")
    (profile / ".wslconfig").write_bytes(COMPLIANT + b"hostFileSystemAccess=false\r\n")
    result = run_cli("--config", profile / ".wslconfig", "validate", "--offline", "--json", "--policy", policy)
    assert "no-windows-drives" not in codes(doc_of(result))


# -- 14.4 values and keys newer than the installed WSL ---------------------------------------------------

@pytest.mark.parametrize(("wsl", "text", "found"), [
    ("2.8.12.0", "networkingMode=Consomme", "a value WSL 2.8.12.0"),
    ("2.9.0.0", "networkingMode=Consomme", None),  # the name exists from 2.9.0
    ("2.8.12.0", "networkingMode=VirtioProxy", None),
    ("2.9.4.0", "isolateDistroCgroup=false", "arrives in after 2.9.4"),
    ("2.9.11.0", "isolateDistroCgroup=false", None),  # first release unconfirmed: undecided, so nothing said
    ("2.8.8.0", "[experimental]\r\nswiotlb=128MB", "arrives in 2.8.9"),
    ("2.9.4.0", "[experimental]\r\nvirtioFsAggregateShares=true", "arrives in after 2.9.4"),
])
def test_values_and_keys_newer_than_the_installed_wsl(profile: Path, sim: str, wsl: str, text: str,
                                                      found: str | None) -> None:
    (profile / ".wslconfig").write_bytes(COMPLIANT + text.encode() + b"\r\n")
    state(profile, wsl_version=wsl)
    result = cli(profile, sim, "validate", "--json")
    doc = doc_of(result)
    newer = [f for f in doc["findings"] if f["code"] == "too-new-for-wsl"]
    if found is None:
        assert newer == []
        return
    [finding_] = newer
    assert finding_["severity"] == "warning"
    assert found in finding_["message"]
    assert finding_["line"] is not None


def test_consomme_on_2_8_is_fixed_by_its_old_name_as_printed(profile: Path, sim: str) -> None:
    (profile / ".wslconfig").write_bytes(COMPLIANT + b"networkingMode=Consomme\r\n")
    state(profile, wsl_version="2.8.12.0")
    found = finding(doc_of(cli(profile, sim, "versions", "--json")), "too-new-for-wsl")
    assert "this WSL calls the same mode VirtioProxy" in found["message"]
    argv = shlex.split(found["fix"])
    assert argv[-3:] == ["set", "wsl2.networkingMode", "VirtioProxy"]
    assert run_cli(*argv[1:], env={"WSLCONFIG_ASSISTANT_PROFILE": str(profile)}).returncode == 0
    assert b"networkingMode=VirtioProxy\r\n" in (profile / ".wslconfig").read_bytes()
    again = doc_of(cli(profile, sim, "versions", "--json"))
    assert "too-new-for-wsl" not in codes(again)


# -- 14.6 / 12.6 the registry's WSL version; the inbox wsl.exe is never run -------------------------------

MSI = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Lxss\MSI"


def windows_machine(tmp_path: Path, *, msi_version: str | None) -> tuple[Any, dict[str, str]]:
    """A fake Windows (tests/fakewin.py) whose System32\\wsl.exe is the inbox stub: it says "Press any key
    to install" and waits, as the Windows image's wsl.exe does when WSL is not installed."""
    import fakewin

    from wslconfig_assistant.system import winapi

    root = tmp_path / "Windows"
    (root / "System32").mkdir(parents=True)
    stub = root / "System32" / "wsl.exe"
    stub.write_text("#!/bin/sh\necho 'Press any key to install Windows Subsystem for Linux.'\nsleep 30\n",
                    encoding="utf-8")
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    (tmp_path / "ProgramFiles").mkdir()
    (tmp_path / "LocalAppData").mkdir()
    machine = fakewin.FakeWindows()
    if msi_version is not None:
        machine.set_registry(MSI, "Version", msi_version, winapi.REG_SZ)
    env = {"SYSTEMROOT": str(root), "PROGRAMFILES": str(tmp_path / "ProgramFiles"),
           "PROGRAMW6432": str(tmp_path / "ProgramFiles"), "LOCALAPPDATA": str(tmp_path / "LocalAppData"),
           "PATH": "/usr/bin:/bin", "WSLCONFIG_ASSISTANT_WSL_TIMEOUT": "20", "PYTHONIOENCODING": "utf-8"}
    return machine, env


@pytest.mark.skipif(sys.platform == "win32", reason="the fake Windows runs on POSIX")
@pytest.mark.parametrize("command", [["versions"], ["validate", "--json"], ["apply", "--json"], ["verify"]])
def test_only_the_inbox_wsl_exe_is_told_at_once_and_never_run(tmp_path: Path, profile: Path,
                                                              command: list[str]) -> None:
    from conftest import run_cli_as_windows

    machine, env = windows_machine(tmp_path, msi_version=None)
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    started = time.monotonic()
    result = run_cli_as_windows("--config", profile / ".wslconfig", *command, machine=machine, env=env)
    assert time.monotonic() - started < 15  # not the stub's wait, not the 20 s timeout
    assert result.returncode == 4, result.stderr
    text = (result.stdout + result.stderr).decode("utf-8")
    assert "WSL is not installed" in text
    assert "Lxss" in text
    assert "wsl --install" in text


@pytest.mark.skipif(sys.platform == "win32", reason="the fake Windows runs on POSIX")
@pytest.mark.parametrize("installed_by", ["registry", "folder", "store alias"])
def test_an_installed_wsl_is_run(tmp_path: Path, profile: Path, installed_by: str) -> None:
    """Any sign of an install lets the System32 wsl.exe run (here the simulator stands in for it)."""
    from conftest import run_cli_as_windows, simulator_exe

    machine, env = windows_machine(tmp_path, msi_version="2.9.4.0" if installed_by == "registry" else None)
    stub = tmp_path / "Windows" / "System32" / "wsl.exe"
    stub.unlink()
    simulator_exe(stub.parent)  # System32/wsl.exe: the simulator
    if installed_by == "folder":
        (tmp_path / "ProgramFiles" / "WSL").mkdir()
        (tmp_path / "ProgramFiles" / "WSL" / "wsl.exe").write_bytes(b"MZ")
    if installed_by == "store alias":
        (tmp_path / "LocalAppData" / "Microsoft" / "WindowsApps").mkdir(parents=True)
        (tmp_path / "LocalAppData" / "Microsoft" / "WindowsApps" / "wsl.exe").write_bytes(b"")
    state(profile, wsl_version="2.9.4.0")
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    result = run_cli_as_windows("--config", profile / ".wslconfig", "versions", "--json", machine=machine,
                                env={**env, "WSLCONFIG_ASSISTANT_PROFILE": str(profile)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["versions"]["wsl"]["version"] == "2.9.4.0"


@pytest.mark.skipif(sys.platform == "win32", reason="the fake Windows runs on POSIX")
@pytest.mark.parametrize(("version", "line", "finding_code"), [
    ("2.9.4.0", "networkingMode=VirtioProxy", None),  # 2.9.x calls the mode Consomme
    ("2.8.12.0", "networkingMode=Consomme", "too-new-for-wsl"),
    ("2.9.4.0", "isolateDistroCgroup=true", "too-new-for-wsl"),
])
def test_show_uses_the_registry_version_without_running_wsl(tmp_path: Path, profile: Path, version: str,
                                                            line: str, finding_code: str | None) -> None:
    from conftest import run_cli_as_windows

    machine, env = windows_machine(tmp_path, msi_version=version)  # System32\wsl.exe would hang: never run
    (profile / ".wslconfig").write_bytes(COMPLIANT + line.encode() + b"\r\n")
    text = run_cli_as_windows("--config", profile / ".wslconfig", "show", machine=machine, env=env)
    assert text.returncode == 0
    shown = text.stdout.decode("utf-8")
    if line.endswith("VirtioProxy"):
        assert f"[WSL {version} calls it Consomme]" in shown
    doc = json.loads(run_cli_as_windows("--config", profile / ".wslconfig", "show", "--json", machine=machine,
                                        env=env).stdout)
    assert doc["wsl"] == {"version": version,
                          "source": "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Lxss\\MSI Version"}
    assert (finding_code in codes(doc)) if finding_code else ("too-new-for-wsl" not in codes(doc))


@pytest.mark.skipif(sys.platform == "win32", reason="the fake Windows runs on POSIX")
@pytest.mark.parametrize("value", ["", "garbage", "2.x.x.x"])
def test_a_registry_version_that_is_no_version_is_not_used(tmp_path: Path, profile: Path, value: str) -> None:
    from conftest import run_cli_as_windows

    machine, env = windows_machine(tmp_path, msi_version=value)
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    doc = json.loads(run_cli_as_windows("--config", profile / ".wslconfig", "show", "--json", machine=machine,
                                        env=env).stdout)
    assert doc["wsl"] is None
