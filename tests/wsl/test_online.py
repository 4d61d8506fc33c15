"""versions, online validate, verify and the update flow, end to end: real processes of the
CLI driving the shipped wsl.exe simulator (UTF-16LE output, translated labels, exit -1)."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import cli_env, run_cli

from wslconfig_assistant.wsl import update_runner
from wslconfig_assistant.wsl.queries import Wsl

COMPLIANT = b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n"


def state(profile: Path, **fields: object) -> None:
    (profile / ".wsl-sim.json").write_text(json.dumps(fields), encoding="utf-8")


def calls(profile: Path) -> list[list[str]]:
    data: dict[str, Any] = json.loads((profile / ".wsl-sim.json").read_text(encoding="utf-8"))
    return list(data.get("calls", []))


def cli(profile: Path, sim: str, *args: str) -> Any:
    return run_cli(*args, env={"WSLCONFIG_ASSISTANT_PROFILE": str(profile), "WSLCONFIG_ASSISTANT_WSL_EXE": sim})


def test_validate_online_makes_exactly_one_wsl_call(profile: Path, sim: str) -> None:
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    state(profile, wsl_version="2.8.11.0")
    result = cli(profile, sim, "validate", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["versions"]["kernel"] == {
        "version": "6.18.26.3-1", "source": "wsl --version (the bundled kernel package)",
        "minimum": "6.18.26.3-1", "ok": True,
    }
    assert doc["versions"]["devicehost"]["version"] == "1.2.29-0"
    assert "release table" in doc["versions"]["devicehost"]["source"]
    assert calls(profile) == [["--version"]]


def test_validate_online_reports_old_versions_and_never_starts_the_vm(profile: Path, sim: str) -> None:
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    state(profile, wsl_version="2.7.3.0", vm_running=False)
    result = cli(profile, sim, "validate", "--format", "github")
    assert result.returncode == 1
    assert "title=kernel-too-old" in result.stdout
    assert "title=devicehost-too-old" in result.stdout
    assert calls(profile) == [["--version"]]
    assert json.loads((profile / ".wsl-sim.json").read_text(encoding="utf-8"))["vm_running"] is False


@pytest.mark.parametrize("language", ["de-DE", "ja-JP", "zh-TW", "ru-RU"])
def test_versions_in_other_languages(profile: Path, sim: str, language: str) -> None:
    state(profile, wsl_version="2.9.4.0", language=language)
    result = cli(profile, sim, "versions", "--json")
    assert result.returncode == 0, result.stderr
    versions = json.loads(result.stdout)["versions"]
    assert versions["wsl"]["version"] == "2.9.4.0"
    assert versions["kernel"]["version"] == "6.18.35.2-1"
    assert versions["devicehost"]["version"] == "1.2.48-0"


def test_release_with_new_kernel_but_old_devicehost(profile: Path, sim: str) -> None:
    state(profile, wsl_version="2.7.11.0")
    result = cli(profile, sim, "versions", "--json")
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert doc["versions"]["kernel"]["ok"] is True
    assert doc["versions"]["devicehost"]["ok"] is False
    [finding] = [f for f in doc["findings"] if f["code"] == "devicehost-too-old"]
    assert "new enough kernel" in finding["message"]


def test_inbox_wsl_exe_is_reported_as_not_installed(profile: Path, sim: str) -> None:
    state(profile, inbox=True)
    result = cli(profile, sim, "versions", "--json")
    assert result.returncode == 4
    assert "not installed from the Store or MSI" in json.loads(result.stdout)["error"]["message"]


def test_custom_kernel_fails_closed_until_it_runs(profile: Path, sim: str) -> None:
    (profile / ".wslconfig").write_bytes(COMPLIANT + b"kernel=C:\\\\wsl\\\\bzImage\r\n")
    state(profile, wsl_version="2.9.4.0")
    result = cli(profile, sim, "validate", "--json")
    assert result.returncode == 1
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert {"version-unknown", "custom-kernel"} <= codes


def test_running_kernel_and_shutdown_required(profile: Path, sim: str) -> None:
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    state(profile, wsl_version="2.7.3.0")
    env = cli_env({"WSLCONFIG_ASSISTANT_PROFILE": str(profile)})
    subprocess.run([sim, "-e", "true"], env=env, check=False, capture_output=True, timeout=60)  # boots the VM on 2.7.3
    data = json.loads((profile / ".wsl-sim.json").read_text(encoding="utf-8"))
    data.update(wsl_version="2.9.4.0", calls=[])  # installed meanwhile; the VM keeps running
    (profile / ".wsl-sim.json").write_text(json.dumps(data), encoding="utf-8")
    result = cli(profile, sim, "versions", "--running-kernel", "--json")
    doc = json.loads(result.stdout)
    assert doc["versions"]["running-kernel"]["version"] == "6.6.114.1-microsoft-standard-WSL2"
    assert "shutdown-required" in {f["code"] for f in doc["findings"]}
    assert calls(profile) == [["--version"], ["-e", "uname", "-r"]]


def test_wsl_version_file_needs_no_wsl_exe(profile: Path, tmp_path: Path) -> None:
    (profile / ".wslconfig").write_bytes(COMPLIANT)
    captured = tmp_path / "wsl-version.txt"
    text = "WSL-Version: 2.8.9.0\r\nKernelversion: 6.18.26.3-1\r\nWSLg-Version: 1.0.77\r\n"
    captured.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))  # as PowerShell 5.1 `>` saves it
    result = cli(profile, str(tmp_path / "missing" / "wsl.exe"), "validate", "--wsl-version-file", str(captured),
                 "--format", "junit")
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'failures="0"' in result.stdout


def test_verify_walks_the_chain_to_the_fast_path(profile: Path, sim: str) -> None:
    config = profile / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\nmemory=4GB\r\n")
    state(profile, wsl_version="2.7.3.0")
    before = json.loads(cli(profile, sim, "verify", "--json").stdout)
    assert before["exit_code"] == 1
    links = {link["name"]: link["ok"] for link in before["chain"]}
    assert links == {"config": False, "versions": False, "restart": True, "mount": False, "pool": False}

    # The user fixes the config and updates; the running VM still has the old boot.
    config.write_bytes(COMPLIANT)
    os.utime(config, (time.time() + 5, time.time() + 5))  # changed after the VM started
    data = json.loads((profile / ".wsl-sim.json").read_text(encoding="utf-8"))
    data["wsl_version"] = "2.8.11.0"
    (profile / ".wsl-sim.json").write_text(json.dumps(data), encoding="utf-8")
    stale = json.loads(cli(profile, sim, "verify", "--json").stdout)
    stale_links = {link["name"]: link["ok"] for link in stale["chain"]}
    assert stale_links["restart"] is False
    assert stale_links["mount"] is False

    # After `wsl --shutdown` the VM boots with the new config: every link holds.
    os.utime(config, (time.time() - 60, time.time() - 60))
    assert cli(profile, sim, "--json", "versions").returncode == 0
    subprocess.run([sim, "--shutdown"], env=cli_env({"WSLCONFIG_ASSISTANT_PROFILE": str(profile)}), check=True,
                   timeout=60)
    after = json.loads(cli(profile, sim, "verify", "--json").stdout)
    assert after["exit_code"] == 0, after["chain"]
    assert all(link["ok"] for link in after["chain"])
    verify_calls = calls(profile)[-6:]  # verify: --version, then five reads inside the guest
    assert verify_calls[0] == ["--version"]
    assert [c[0] for c in verify_calls[1:]] == ["-e"] * 5


@pytest.mark.parametrize(
    ("fields", "kind", "ok"),
    [
        ({"wsl_version": "2.7.3.0"}, "updated", True),
        ({"wsl_version": "2.9.4.0"}, "already-latest", True),
        ({"wsl_version": "2.7.3.0", "update_applies": False}, "not-applied", False),
        ({"wsl_version": "2.7.3.0", "update_failure": "elevation"}, "needs-elevation", False),
        ({"wsl_version": "2.7.3.0", "update_failure": "network"}, "network", False),
        ({"wsl_version": "2.7.3.0", "update_failure": "busy"}, "busy", False),
        ({"wsl_version": "2.7.3.0", "reboot_required": True}, "reboot-required", True),
    ],
)
def test_run_update_classifies_and_rereads(
    profile: Path, sim: str, monkeypatch: pytest.MonkeyPatch, fields: dict[str, object], kind: str, ok: bool,
) -> None:
    monkeypatch.setenv("WSLCONFIG_ASSISTANT_PROFILE", str(profile))
    state(profile, **fields)
    report = update_runner.run_update(Wsl(sim), channel="pre-release")
    assert (report.outcome.kind, report.outcome.ok) == (kind, ok)
    assert [c[0] for c in calls(profile)] == ["--version", "--update", "--version"]
    assert calls(profile)[1] == ["--update", "--pre-release"]


def test_shutdown(profile: Path, sim: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WSLCONFIG_ASSISTANT_PROFILE", str(profile))
    state(profile, vm_running=True)
    update_runner.shutdown(Wsl(sim))
    assert json.loads((profile / ".wsl-sim.json").read_text(encoding="utf-8"))["vm_running"] is False
