"""docs/wslconfig-assistant.schema.json against REAL output: every command's --json document, made by
real processes against the shipped wsl.exe simulator, must validate; and the schema must reject
documents that break the contract, so it cannot pass vacuously. Also the JUnit shape that Azure
Pipelines' PublishTestResults@2 reads."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO_ROOT, CliResult, junit_suite, parse_json_doc, run_cli

from wslconfig_assistant.core import findings

SCHEMA_PATH = REPO_ROOT / "docs" / "wslconfig-assistant.schema.json"
NEEDS_WORK = b"[wsl2]\r\nmemory=1GB\r\n;comment\r\nswap=0\r\n"
COMPLIANT = b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


Run = Callable[..., CliResult]


@pytest.fixture
def run(profile: Path, sim: str, config: Path) -> Run:
    """The CLI on the profile's .wslconfig, with the simulated wsl.exe (state in the profile)."""

    def go(*args: object, sim_state: dict[str, object] | None = None) -> CliResult:
        if sim_state is not None:
            (profile / ".wsl-sim.json").write_text(json.dumps(sim_state), encoding="utf-8")
        return run_cli("--config", config, *args,
                       env={"WSLCONFIG_ASSISTANT_PROFILE": str(profile), "WSLCONFIG_ASSISTANT_WSL_EXE": sim})

    return go


def checked(validator: jsonschema.Draft202012Validator, result: CliResult, command: str,
            exit_code: int) -> dict[str, Any]:
    assert result.returncode == exit_code, (result.returncode, result.stdout, result.stderr)
    doc = parse_json_doc(result)
    assert doc["command"] == command
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    return doc


def test_show_get_set_unset_backups_restore(validator: Any, run: Run, config: Path) -> None:
    config.write_bytes(NEEDS_WORK)
    doc = checked(validator, run("show", "--json"), "show", 0)
    assert doc["values"]["wsl2.memory"] == {"value": 1 << 30, "line": 2, "text": "1GB"}
    assert {f["code"] for f in doc["findings"]} == {"semicolon-comment"}
    checked(validator, run("show", "--all", "--json"), "show", 0)
    assert checked(validator, run("get", "wsl2.swap", "--json"), "get", 0)["values"] == {
        "wsl2.swap": {"value": 0, "line": 4, "text": "0"}}
    assert checked(validator, run("get", "wsl2.virtiofs", "--json"), "get", 1)["values"] == {}
    dry = checked(validator, run("set", "wsl2.virtiofs", "true", "--dry-run", "--json"), "set", 0)
    assert dry["changes"][0]["written"] is False
    assert config.read_bytes() == NEEDS_WORK
    done = checked(validator, run("set", "wsl2.virtiofs", "true", "--json"), "set", 0)
    assert done["changes"][0]["action"] == "add"
    assert done["changes"][0]["backup"]
    same = checked(validator, run("set", "wsl2.virtiofs", "true", "--json"), "set", 0)
    assert same["changes"][0]["action"] == "unchanged"
    checked(validator, run("unset", "wsl2.swap", "--json"), "unset", 0)
    listed = checked(validator, run("backups", "--json"), "backups", 0)
    assert len(listed["backups"]) == 2
    back = checked(validator, run("restore", "--json"), "restore", 0)
    assert back["changes"][0]["action"] == "restore"
    assert b"swap=0" in config.read_bytes()


def test_validate_offline_online_and_versions(validator: Any, run: Run, config: Path) -> None:
    config.write_bytes(NEEDS_WORK)
    offline = checked(validator, run("validate", "--offline", "--format", "json"), "validate", 1)
    assert offline["versions"] is None
    assert "memory-too-low" in {f["code"] for f in offline["findings"]}
    online = checked(validator, run("validate", "--json", sim_state={"wsl_version": "2.7.3.0"}), "validate", 1)
    assert online["versions"]["kernel"]["ok"] is False
    config.write_bytes(COMPLIANT)
    # 3.0.1.0: the newest release in the table, without a known virtiofs bug (2.9.4 has two: known-issue).
    good = checked(validator, run("validate", "--json", sim_state={"wsl_version": "3.0.1.0"}), "validate", 0)
    assert good["findings"] == []
    strict = checked(validator, run("validate", "--strict", "--format", "json",
                                    sim_state={"wsl_version": "3.0.1.0"}), "validate", 0)
    assert strict["versions"]["devicehost"]["ok"] is True
    versions = checked(validator, run("versions", "--json"), "versions", 0)
    assert set(versions["versions"]) == {"wsl", "kernel", "devicehost"}
    running = checked(validator, run("versions", "--running-kernel", "--json"), "versions", 0)
    assert "running-kernel" in running["versions"]


def test_verify_before_and_after_apply(validator: Any, run: Run, config: Path) -> None:
    config.write_bytes(NEEDS_WORK)
    before = checked(validator, run("verify", "--json", sim_state={"wsl_version": "2.7.3.0"}), "verify", 1)
    assert [link["name"] for link in before["chain"]] == ["config", "versions", "restart", "mount", "pool"]
    plan = checked(validator, run("apply", "--dry-run", "--json"), "apply", 1)
    assert plan["dry_run"] is True
    assert plan["written"] is False
    assert plan["plan"]["update"]["needed"] is True
    assert config.read_bytes() == NEEDS_WORK
    applied = checked(validator, run("apply", "--shutdown", "--json"), "apply", 0)
    assert applied["update"]["kind"] == "updated"
    assert applied["shutdown"] == {"requested": True, "done": True}
    again = checked(validator, run("apply", "--json"), "apply", 0)
    assert again["changes"] == []
    assert again["update"]["kind"] == "already-latest"  # it updates by default, and says it is the newest
    assert again["restart"]["pending"] is False
    skipped = checked(validator, run("apply", "--json", "--no-update"), "apply", 0)
    assert skipped["update"] is None
    assert skipped["plan"]["update"]["run"] == "never"
    after = checked(validator, run("verify", "--json"), "verify", 0)
    assert all(link["ok"] for link in after["chain"])


def test_bench_and_verify_bench(validator: Any, run: Run, config: Path) -> None:
    config.write_bytes(NEEDS_WORK)
    first = checked(validator, run("bench", "--json", sim_state={"wsl_version": "2.9.4.0"}), "bench", 0)
    assert first["bench"]["transport"] == "9p"
    assert first["before"] is None
    config.write_bytes(COMPLIANT)
    run("apply", "--shutdown", "--no-update")
    after = checked(validator, run("verify", "--bench", "--json"), "verify", 0)
    assert after["bench"]["transport"] == "virtiofs"
    assert after["comparison"].startswith("before")
    unsaved = checked(validator, run("bench", "--json", "--no-save", "--files", "10"), "bench", 0)
    assert unsaved["history"] is None
    bad = checked(validator, run("bench", "--json", "--budget", "1"), "bench", 2)
    assert "--budget 1" in bad["error"]["message"]


def test_apply_with_a_failed_update(validator: Any, run: Run, config: Path) -> None:
    config.write_bytes(COMPLIANT)
    doc = checked(validator, run("apply", "--json", sim_state={"update_failure": "elevation"}), "apply", 1)
    assert doc["update"]["ok"] is False
    assert doc["update"]["msi_code"] == 1603


def test_policy_init_and_demo(validator: Any, run: Run, tmp_path: Path) -> None:
    policy = tmp_path / "team.toml"
    new = checked(validator, run("policy", "init", policy, "--json"), "policy init", 0)
    assert new["created"] is True
    assert policy.exists()
    same = checked(validator, run("policy", "init", policy, "--json"), "policy init", 0)
    assert same["changes"] == []
    assert same["written"] is False
    demo = checked(validator, run("demo", "--json"), "demo", 0)
    assert demo["flow"] == "apply"


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (("set", "wsl2.memory", "8gb"), "set"),  # a value WSL would reject
        (("get", "wsl2.nosuchkey"), "get"),  # a key WSL does not read
        (("validate", "--format", "yaml"), "validate"),  # a bad option value
        (("--bogus",), ""),  # no command at all
        (("setup",), "setup"),  # the wizard has no JSON mode
    ],
)
def test_usage_errors_exit_2(validator: Any, run: Run, args: tuple[str, ...], command: str) -> None:
    doc = checked(validator, run(*args, "--json"), command, 2)
    assert doc["error"]["message"]


def test_unreadable_config_exit_3(validator: Any, run: Run, config: Path) -> None:
    config.mkdir()  # a folder where the file should be
    doc = checked(validator, run("show", "--json"), "show", 3)
    assert "folder" in doc["error"]["message"]


@pytest.mark.parametrize("fmt", [("--format", "json"), ("--format=json",)])
def test_validate_format_json_reports_failures_as_json_too(validator: Any, run: Run, config: Path,
                                                            fmt: tuple[str, ...]) -> None:
    # A pipeline writes stdout to a file: a failure must leave a document there, not nothing.
    config.mkdir()
    doc = checked(validator, run("validate", "--offline", *fmt), "validate", 3)
    assert "folder" in doc["error"]["message"]
    bad_policy = checked(validator, run("validate", "--offline", *fmt, "--policy", config / "none.toml"),
                         "validate", 2)
    assert bad_policy["error"]["fix"]


def test_refused_edit_of_an_undecodable_file_exit_3(validator: Any, run: Run, config: Path) -> None:
    config.write_bytes(b"\xfe\xff\x00[\x00w")  # UTF-16BE: WSL cannot read it, so we will not edit it
    checked(validator, run("set", "wsl2.virtiofs", "true", "--json"), "set", 3)
    shown = checked(validator, run("show", "--json"), "show", 1)  # an error finding: show exits 1, as validate does
    assert [f["code"] for f in shown["findings"]] == ["encoding-unsupported"]


def test_repair_and_apply_that_repairs(validator: Any, run: Run, config: Path) -> None:
    broken = b"\xfe\xff" + NEEDS_WORK.decode().encode("utf-16-be")
    config.write_bytes(broken)
    dry = checked(validator, run("repair", "--dry-run", "--json"), "repair", 0)
    assert (dry["written"], dry["repair"]["from"]) == (False, "UTF-16BE with BOM")
    plan = checked(validator, run("apply", "--dry-run", "--json"), "apply", 1)
    assert plan["plan"]["repair"] is True
    assert plan["changes"][0]["action"] == "repair"
    done = checked(validator, run("repair", "--json"), "repair", 0)
    assert done["backup_id"]
    assert config.read_bytes() == NEEDS_WORK
    nothing = checked(validator, run("repair", "--json"), "repair", 0)
    assert (nothing["changes"], nothing["repair"]) == ([], None)
    config.write_bytes(broken)
    applied = checked(validator, run("apply", "--json", sim_state={"wsl_version": "2.9.4.0"}), "apply", 0)
    assert applied["changes"][0]["action"] == "repair"


def test_wsl_failures_exit_4(validator: Any, run: Run, config: Path, tmp_path: Path) -> None:
    config.write_bytes(COMPLIANT)
    missing = checked(validator, run("versions", "--json", "--wsl-exe", tmp_path / "none.exe"), "versions", 4)
    assert "not found" in missing["error"]["message"]
    inbox = checked(validator, run("validate", "--json", sim_state={"inbox": True}), "validate", 4)
    assert "inbox" in inbox["error"]["message"]
    apply = checked(validator, run("apply", "--json"), "apply", 4)
    assert apply["error"]["config_written"] is False


# -- the schema is not vacuous ----------------------------------------------------------------

def _valid_show() -> dict[str, Any]:
    return {
        "schema": 1, "command": "show", "ok": True, "exit_code": 0, "config": "C:\\Users\\me\\.wslconfig",
        "findings": [{"code": "semicolon-comment", "severity": "warning", "key": None, "line": 3,
                      "message": "m", "fix": "f"}],
        "values": {"wsl2.memory": {"value": 8 << 30, "line": 2, "text": "8GB"}},
        "defaults": {}, "file": {"exists": True, "encoding": "UTF-8", "bytes": 20},
    }


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda doc: doc.pop(key)


@pytest.mark.parametrize(
    "breaks",
    [
        pytest.param(_drop("schema"), id="no-schema"),
        pytest.param(_drop("ok"), id="no-ok"),
        pytest.param(_drop("findings"), id="no-findings"),
        pytest.param(_drop("values"), id="show-without-values"),
        pytest.param(lambda d: d.update(schema=2), id="schema-2"),
        pytest.param(lambda d: d.update(ok=False), id="ok-disagrees-with-exit-code"),
        pytest.param(lambda d: d.update(exit_code=7), id="undocumented-exit-code"),
        pytest.param(lambda d: d.update(exit_code=2, ok=False), id="exit-2-without-error"),
        pytest.param(lambda d: d["findings"][0].update(code="no-such-code"), id="unknown-finding-code"),
        pytest.param(lambda d: d["findings"][0].update(severity="fatal"), id="bad-severity"),
        pytest.param(lambda d: d["findings"][0].update(line=0), id="line-0"),
        pytest.param(lambda d: d["findings"][0].pop("fix"), id="finding-without-fix"),
        pytest.param(lambda d: d["values"].update({"WSL2.Memory": d["values"]["wsl2.memory"]}), id="key-not-lowercase"),
    ],
)
def test_schema_rejects_broken_documents(validator: Any, breaks: Callable[[dict[str, Any]], None]) -> None:
    good = _valid_show()
    assert not list(validator.iter_errors(good))  # the baseline is valid, so each rejection is the change's
    bad = copy.deepcopy(good)
    breaks(bad)
    assert list(validator.iter_errors(bad))


def test_schema_knows_exactly_the_finding_codes_of_findings_py(validator: Any) -> None:
    documented = set(validator.schema["$defs"]["findingCode"]["enum"])
    assert documented == findings.ERROR_CODES | findings.WARNING_CODES | findings.INFO_CODES


def test_schema_covers_every_command_that_prints_json(validator: Any) -> None:
    from wslconfig_assistant.cli.main import COMMANDS

    described = {rule["if"]["properties"]["command"]["const"] for rule in validator.schema["allOf"]
                 if "command" in rule.get("if", {}).get("properties", {})}
    # setup has no JSON mode; dsc speaks DSC's own JSON and completion prints a script (neither is an envelope).
    expected = {"policy init" if name == "policy" else name for name in COMMANDS} - {"setup", "dsc", "completion"}
    missing = expected - described
    assert not missing, f"commands the schema does not describe: {sorted(missing)}"


# -- JUnit for Azure Pipelines ----------------------------------------------------------------

def test_validate_junit_has_the_shape_publishtestresults_reads(run: Run, config: Path) -> None:
    config.write_bytes(NEEDS_WORK + b"[wsl]\r\nmemory=4GB\r\n")
    result = run("validate", "--offline", "--format", "junit")
    assert result.returncode == 1
    suite = junit_suite(result.stdout)
    cases = suite.findall("testcase")
    assert int(suite.get("tests", "-1")) == len(cases)
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("failures", "-1")) == len(failed)
    assert all(c.get("name") and c.get("classname") for c in cases)
    codes = {c.find("failure").get("type") for c in failed}  # type: ignore[union-attr]
    assert {"not-compliant", "memory-too-low", "virtiofs-disabled", "wrong-section"} <= codes
    # Warnings are not failures: they are reported in the suite's output (Ant's schema has none per case).
    [compliance] = [c for c in cases if c.get("classname") == "wslconfig"]
    assert "semicolon-comment" in (suite.findtext("system-out") or "")
    for case in failed:
        if case is compliance:
            continue
        failure = case.find("failure")
        assert failure is not None
        assert failure.get("message")
        # PATH:LINE: for a finding on a line, PATH: for one about the whole file (never a line 0)
        assert re.match(r".+?(:\d+)?: ", failure.text or "")
        assert ":0:" not in (failure.text or "")


def test_validate_junit_when_compliant_has_no_failure(run: Run, config: Path) -> None:
    config.write_bytes(COMPLIANT)
    result = run("validate", "--offline", "--format", "junit")
    assert result.returncode == 0
    suite = junit_suite(result.stdout)
    assert suite.get("failures") == "0"
    assert suite.find(".//failure") is None
    assert len(suite.findall("testcase")) == 1
