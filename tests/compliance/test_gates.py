"""DeviceHost resolution (DLL version resource, release table, inference) and the version gates."""

from __future__ import annotations

from pathlib import Path

import pytest

from wslconfig_assistant.compliance.gates import GateFacts, evaluate_gates
from wslconfig_assistant.core.policy import DEFAULT
from wslconfig_assistant.wsl import devicehost

# The gates alone: known-issue advisories (advisories.py) have their own tests.
GATES_ONLY = DEFAULT._replace(advisories="off")


@pytest.fixture
def no_install_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A WSL install folder without wsldevicehost.dll: the release table decides."""
    monkeypatch.setenv(devicehost.INSTALL_DIR_ENV, str(tmp_path))
    return tmp_path


def test_file_version_is_read_from_the_fixed_file_info(tmp_path: Path) -> None:
    dll = tmp_path / devicehost.DLL_NAME
    devicehost.write_fake_dll(str(dll), "1.2.29.0")
    assert devicehost.file_version(str(dll)) == "1.2.29.0"
    assert devicehost.as_package("1.2.29.0") == "1.2.29-0"


def test_a_stray_signature_without_a_structure_version_is_ignored(tmp_path: Path) -> None:
    dll = tmp_path / devicehost.DLL_NAME
    dll.write_bytes(b"MZ" + b"\xbd\x04\xef\xfe" + b"\x07\x00\x00\x00" + bytes(40))
    assert devicehost.file_version(str(dll)) is None


def test_missing_or_unreadable_dll_has_no_version(tmp_path: Path) -> None:
    assert devicehost.file_version(str(tmp_path / "nothing.dll")) is None
    assert devicehost.file_version(str(tmp_path)) is None  # a folder


def test_the_dll_answers_where_the_table_cannot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    devicehost.write_fake_dll(str(tmp_path / devicehost.DLL_NAME), "1.2.57.0")
    monkeypatch.setenv(devicehost.INSTALL_DIR_ENV, str(tmp_path))
    for wsl in ("2.4.13.0", "2.9.2.0", None):  # not in the table / no WSL version at all
        found = devicehost.resolve(wsl)
        assert found.version == "1.2.57-0"
        assert found.source.startswith("version resource")
        assert found.disagreement is None


def test_the_dll_above_a_lower_bound_is_the_finer_answer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    devicehost.write_fake_dll(str(tmp_path / devicehost.DLL_NAME), "1.2.60.0")
    monkeypatch.setenv(devicehost.INSTALL_DIR_ENV, str(tmp_path))
    found = devicehost.resolve("2.9.6.0")  # the table: at least 1.2.48-0
    assert (found.version, found.disagreement) == ("1.2.60-0", None)


@pytest.mark.parametrize(("dll", "wsl", "lower", "table"), [
    ("1.2.57.0", "2.7.3.0", "1.2.14-0", "1.2.14-0"),  # the DLL claims more than the release shipped
    ("1.2.20.0", "2.9.4.0", "1.2.20-0", "1.2.48-0"),  # the DLL claims less
    ("1.2.40.0", "3.0.1.0", "1.2.40-0", "1.2.62"),  # below even the lower bound
])
def test_dll_and_table_disagree_show_both_gate_on_the_lower(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                            dll: str, wsl: str, lower: str, table: str) -> None:
    """14.7: which of the two is right is unconfirmed, so the gate takes the lower and says both."""
    devicehost.write_fake_dll(str(tmp_path / devicehost.DLL_NAME), dll)
    monkeypatch.setenv(devicehost.INSTALL_DIR_ENV, str(tmp_path))
    found = devicehost.resolve(wsl)
    assert found.version == lower
    assert found.disagreement == (devicehost.as_package(dll), table)
    assert devicehost.as_package(dll) in found.source
    assert table in found.source
    assert "lower" in found.source


def test_the_proxy_stub_is_never_read_as_the_devicehost(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """14.7: after 2.9.4 WSL ships wsldevicehostproxystub.dll stamped with WSL's own version (2.9.9.0 would
    read as DeviceHost 2.9.9-0 and pass any minimum)."""
    devicehost.write_fake_dll(str(tmp_path / devicehost.PROXY_STUB_NAME), "2.9.9.0")
    monkeypatch.setenv(devicehost.INSTALL_DIR_ENV, str(tmp_path))
    assert devicehost.resolve("2.9.9.0") == devicehost.Resolved("1.2.61", "bundled with WSL 2.9.9.0 (release table)")
    found = devicehost.resolve("2.7.3.0")
    assert found.version == "1.2.14-0"  # not 2.9.9-0


def test_an_unstamped_dll_falls_back_to_the_table(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    devicehost.write_fake_dll(str(tmp_path / devicehost.DLL_NAME), "0.0.0.0")  # noqa: S104 - a version, not an address
    monkeypatch.setenv(devicehost.INSTALL_DIR_ENV, str(tmp_path))
    assert devicehost.resolve("2.8.9.0") == devicehost.Resolved(
        "1.2.29-0", "bundled with WSL 2.8.9.0 (release table)")


@pytest.mark.usefixtures("no_install_dir")
@pytest.mark.parametrize(
    ("wsl", "version", "inferred"),
    [("2.8.9.0", "1.2.29-0", False), ("2.7.11.0", "1.2.14-0", False), ("2.9.4.0", "1.2.48-0", False),
     ("3.0.1.0", "1.2.62", True), ("3.2.0.0", "1.2.62", True), ("2.9.9.0", "1.2.61", False),
     ("2.4.13.0", None, False)],
)
def test_table_and_inference(wsl: str, version: str | None, inferred: bool) -> None:
    found = devicehost.resolve(wsl)
    assert (found.version, found.inferred) == (version, inferred)
    if inferred:
        assert "at least DeviceHost" in found.source
        assert "(a lower bound)" in found.source
    if wsl == "3.2.0.0":  # newer than every row: the output says so
        assert "newer than every release in this tool's table (newest 3.0.1)" in found.source
    if version is None:
        assert found.source.startswith("unknown")


@pytest.mark.usefixtures("no_install_dir")
def test_gates_pass_on_the_first_good_release() -> None:
    gates, findings = evaluate_gates(GateFacts("2.8.9.0", "6.18.26.3-1", "wsl --version"), GATES_ONLY)
    assert {g.name: g.ok for g in gates} == {"wsl": None, "kernel": True, "devicehost": True}
    assert findings == []


@pytest.mark.usefixtures("no_install_dir")
def test_gates_fail_on_old_versions_with_fixes() -> None:
    _gates, findings = evaluate_gates(GateFacts("2.7.3.0", "6.6.114.1-1", "wsl --version"), GATES_ONLY)
    assert sorted(f.code for f in findings) == ["devicehost-too-old", "kernel-too-old"]
    assert all(f.severity == "error" and "wsl --update --pre-release" in f.fix for f in findings)


@pytest.mark.usefixtures("no_install_dir")
def test_kernel_ok_but_devicehost_old_is_explained() -> None:
    _gates, findings = evaluate_gates(GateFacts("2.7.8.0", "6.18.33.1-1", "wsl --version"), GATES_ONLY)
    [finding] = findings
    assert finding.code == "devicehost-too-old"
    assert "new enough kernel" in finding.message


@pytest.mark.usefixtures("no_install_dir")
@pytest.mark.parametrize("kernel", ["garbage", None, "6.18.26.3-microsoft-standard-WSL2"])
def test_undecidable_kernel_fails_closed(kernel: str | None) -> None:
    gates, findings = evaluate_gates(GateFacts("2.9.4.0", kernel, "wsl --version"), GATES_ONLY)
    assert next(g for g in gates if g.name == "kernel").ok is None
    assert [f.code for f in findings] == ["version-unknown"]


@pytest.mark.usefixtures("no_install_dir")
def test_custom_kernel_is_judged_by_the_running_kernel_only() -> None:
    custom = "C:\\wsl\\bzImage"
    _gates, unknown = evaluate_gates(GateFacts("2.9.4.0", "6.18.35.2-1", "wsl --version", custom), GATES_ONLY)
    assert [f.code for f in unknown] == ["version-unknown"]
    gates, old = evaluate_gates(
        GateFacts("2.9.4.0", "6.18.35.2-1", "wsl --version", custom, "6.6.87.2-microsoft-standard-WSL2"), GATES_ONLY)
    assert [f.code for f in old] == ["kernel-too-old"]
    assert next(g for g in gates if g.name == "kernel").version == "6.6.87.2-microsoft-standard-WSL2"


@pytest.mark.usefixtures("no_install_dir")
def test_shutdown_required_when_the_running_kernel_is_not_the_installed_one() -> None:
    facts = GateFacts("2.9.4.0", "6.18.35.2-1", "wsl --version", None, "6.6.114.1-microsoft-standard-WSL2")
    _gates, findings = evaluate_gates(facts, GATES_ONLY)
    assert [(f.code, f.severity) for f in findings] == [("shutdown-required", "warning")]
    same = facts._replace(running_kernel="6.18.35.2-microsoft-standard-WSL2")
    assert evaluate_gates(same, GATES_ONLY)[1] == []


@pytest.mark.usefixtures("no_install_dir")
def test_policy_minimums_are_used() -> None:
    strict = GATES_ONLY._replace(min_kernel="6.18.35.2-1", min_devicehost="1.2.48-0")
    _gates, findings = evaluate_gates(GateFacts("2.8.9.0", "6.18.26.3-1", "wsl --version"), strict)
    assert sorted(f.code for f in findings) == ["devicehost-too-old", "kernel-too-old"]
