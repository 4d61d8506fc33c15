"""The command line as scripts and CI use it: real processes, real files, real bytes.

Every test drives ``python -m wslconfig_assistant`` with ``--config <tmp file>`` (or
``WSLCONFIG_ASSISTANT_PROFILE``), a fixed host memory and colours off (conftest.py),
and checks exit codes, stdout/stderr and the file's bytes against CONTRACT.md and README.md.
"""

from __future__ import annotations

import codecs
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import junit_suite

from wslconfig_assistant import __version__
from wslconfig_assistant.storage.safewrite import BACKUP_DIR_NAME
from wslconfig_assistant.wslconfig import schema

Run = Callable[..., Any]

COMPLIANT = b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n"
# Not compliant: memory-too-low on line 3, virtiofs-disabled on line 2; a ';' line (warning) on line 4.
NON_COMPLIANT = b"[wsl2]\r\nvirtiofs=false\r\nmemory=1GB\r\n; old comment\r\n"
COMMANDS = ("show", "get", "set", "unset", "validate", "backups", "restore", "demo")


def backups_of(profile: Path) -> list[Path]:
    folder = profile / BACKUP_DIR_NAME
    return sorted(folder.iterdir()) if folder.is_dir() else []


# -- program-wide ------------------------------------------------------------------------


def test_version(cli: Run) -> None:
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"wslconfig-assistant {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_each_command_shows_an_example(cli: Run, command: str) -> None:
    result = cli(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "example:" in result.stdout
    assert f"wslconfig-assistant {command}" in result.stdout.split("example:", 1)[1]


def test_main_help_lists_commands_and_exit_codes(cli: Run) -> None:
    result = cli("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout
    assert "Exit codes" in result.stdout


def test_bare_call_without_terminal_prints_usage_and_exits_2(cli: Run, profile: Path) -> None:
    # stdin is DEVNULL and stdout a pipe: no wizard, no hang.
    result = cli(env={"WSLCONFIG_ASSISTANT_PROFILE": str(profile)})
    assert result.returncode == 2
    assert "usage:" in (result.stderr + result.stdout)
    assert list(profile.iterdir()) == []


def test_bare_call_with_json_prints_one_json_document(cli: Run, json_doc: Run) -> None:
    result = cli("--json")
    assert result.returncode == 2
    json_doc(result)


def test_no_color_means_no_escape_codes(cli_on: Run, config: Path) -> None:
    config.write_bytes(NON_COMPLIANT)
    result = cli_on("validate", "--offline", env={"FORCE_COLOR": "1"})  # NO_COLOR=1 wins
    assert result.returncode == 1
    assert "\x1b[" not in result.stdout + result.stderr
    result = cli_on("--no-color", "show", env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout + result.stderr


def test_profile_env_locates_the_config(cli: Run, profile: Path) -> None:
    env = {"WSLCONFIG_ASSISTANT_PROFILE": str(profile)}
    result = cli("set", "wsl2.virtiofs", "true", env=env)
    assert result.returncode == 0, result.stderr
    assert (profile / ".wslconfig").read_bytes() == b"[wsl2]\r\nvirtiofs=true\r\n"
    result = cli("get", "wsl2.virtiofs", env=env)
    assert (result.returncode, result.stdout) == (0, "true\n")


@pytest.mark.parametrize(
    "args",
    [
        ("--json", "validate", "--offline"),
        ("validate", "--offline", "--json"),
        ("validate", "--json", "--offline"),
    ],
)
def test_global_options_before_or_after_the_command(cli: Run, config: Path, json_doc: Run,
                                                     args: tuple[str, ...]) -> None:
    config.write_bytes(COMPLIANT)
    # --config both before and after the command too.
    where = ("--config", str(config))
    argv = (*where, *args) if args[0] == "--json" else (*args, *where)
    result = cli(*argv)
    assert result.returncode == 0, result.stderr
    doc = json_doc(result)
    assert doc["command"] == "validate"
    assert doc["config"] == str(config)


# -- show ----------------------------------------------------------------------------------


SHOWN = (
    b"# my settings\r\n[wsl2]\r\nmemory=8GB # half\r\nswap = 0\r\n; not a comment\r\n"
    b"[experimental]\r\nnetworkingMode=mirrored\r\n"
)


def test_show_text(cli_on: Run, config: Path) -> None:
    config.write_bytes(SHOWN)
    result = cli_on("show")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert str(config) in out
    assert "UTF-8, CRLF" in out
    assert re.search(r"wsl2\.memory\s+= 8GB\s+\(8589934592 bytes; line 3\)", out), out
    assert re.search(r"wsl2\.networkingMode\s+= mirrored\s+\(line 7\)", out), out
    assert re.search(r"wsl2\.virtiofs\s+= false \(default\)", out), out
    assert f"{config}:5: warning [semicolon-comment]" in out
    assert "fix: start the line with # instead of ;" in out


def test_show_json_values_and_findings(cli_on: Run, config: Path, json_doc: Run) -> None:
    config.write_bytes(SHOWN)
    result = cli_on("show", "--json")
    assert result.returncode == 0, result.stderr
    doc = json_doc(result)
    assert doc["command"] == "show"
    assert doc["config"] == str(config)
    assert doc["values"]["wsl2.memory"] == {"value": 8589934592, "line": 3, "text": "8GB"}
    assert doc["values"]["wsl2.swap"] == {"value": 0, "line": 4, "text": "0"}
    # legacy [experimental] spelling folded into its wsl2. key, value as WSL names it
    assert doc["values"]["wsl2.networkingmode"] == {"value": "Mirrored", "line": 7, "text": "mirrored"}
    assert set(doc["values"]) == {"wsl2.memory", "wsl2.swap", "wsl2.networkingmode"}
    assert [(f["code"], f["line"], f["severity"]) for f in doc["findings"]] == [
        ("semicolon-comment", 5, "warning")
    ]
    assert result.stderr == ""


def test_show_json_rejected_value_is_a_finding_not_a_value(cli_on: Run, config: Path, json_doc: Run) -> None:
    config.write_bytes(b"[wsl2]\nmemory=8gb\nvirtiofs=yes\nprocessors=4\n")
    doc = json_doc(cli_on("--json", "show"))
    assert set(doc["values"]) == {"wsl2.processors"}
    codes = {(f["code"], f["key"], f["line"]) for f in doc["findings"]}
    assert ("memory-invalid", "wsl2.memory", 2) in codes
    assert ("invalid-value", "wsl2.virtiofs", 3) in codes


def test_show_all_and_missing_file(cli_on: Run, config: Path, json_doc: Run) -> None:
    result = cli_on("show", "--all")
    assert result.returncode == 0, result.stderr
    assert "does not exist" in result.stdout
    for spec in schema.KEYS:
        assert spec.name in result.stdout
    doc = json_doc(cli_on("show", "--all", "--json"))
    assert doc["values"] == {}
    assert set(doc["defaults"]) == {spec.id for spec in schema.KEYS}
    assert not config.exists()


@pytest.mark.parametrize("fmt_args", [("show",), ("show", "--json"), ("show", "--all")])
def test_show_utf16le_file(cli_on: Run, config: Path, fmt_args: tuple[str, ...]) -> None:
    config.write_bytes(codecs.BOM_UTF16_LE + "[wsl2]\r\nmemory=8GB\r\n".encode("utf-16-le"))
    result = cli_on(*fmt_args)
    assert result.returncode == 0, result.stderr
    assert "8589934592" in result.stdout


# -- get -----------------------------------------------------------------------------------


def test_get(cli_on: Run, config: Path, json_doc: Run) -> None:
    config.write_bytes(b'[wsl2]\r\nmemory=8GB # half\r\nkernel=C:\\\\wsl\\\\kernel\r\nkernelCommandLine = "a b"\r\n')
    result = cli_on("get", "wsl2.memory")
    assert (result.returncode, result.stdout) == (0, "8GB\n")
    result = cli_on("get", "WSL2.Kernel")  # case-insensitive; the value as WSL decodes it
    assert (result.returncode, result.stdout) == (0, "C:\\wsl\\kernel\n")
    result = cli_on("get", "wsl2.kernelCommandLine")
    assert (result.returncode, result.stdout) == (0, "a b\n")
    doc = json_doc(cli_on("get", "wsl2.memory", "--json"))
    assert doc["command"] == "get"
    assert doc["values"] == {"wsl2.memory": {"value": 8589934592, "line": 2, "text": "8GB"}}


def test_get_unset_key_exits_1(cli_on: Run, config: Path, json_doc: Run) -> None:
    config.write_bytes(b"[wsl2]\r\n# memory=8GB\r\n")
    result = cli_on("get", "wsl2.memory")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "not set" in result.stderr
    doc = json_doc(cli_on("--json", "get", "wsl2.memory"))
    assert doc["exit_code"] == 1
    assert doc["values"] == {}


def test_get_rejected_value_exits_1_with_finding(cli_on: Run, config: Path, json_doc: Run) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=8 GB\r\n")
    result = cli_on("get", "wsl2.memory")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "memory-invalid" in result.stderr
    doc = json_doc(cli_on("--json", "get", "wsl2.memory"))
    assert doc["values"] == {}
    assert [f["code"] for f in doc["findings"]] == ["memory-invalid"]


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("wsl2.memroy", "did you mean wsl2.memory?"),
        ("wsl2.virtiofss", "did you mean wsl2.virtiofs?"),
        ("experimental.memory", "use wsl2.memory"),
        ("wsl2.memory=1", "section.key"),
        ("memory", "write the section too: wsl2.memory"),
        ("nosuchkey", "section.key"),
    ],
)
def test_get_bad_key_exits_2(cli_on: Run, config: Path, key: str, hint: str) -> None:
    config.write_bytes(COMPLIANT)
    result = cli_on("get", key)
    assert result.returncode == 2
    assert result.stdout == ""
    assert hint in result.stderr


# -- set -------------------------------------------------------------------------------------


def test_set_on_missing_file_creates_utf8_crlf(cli_on: Run, config: Path, profile: Path) -> None:
    result = cli_on("set", "wsl2.virtiofs", "true")
    assert result.returncode == 0, result.stderr
    assert config.read_bytes() == b"[wsl2]\r\nvirtiofs=true\r\n"
    assert "+virtiofs=true" in result.stdout
    assert backups_of(profile) == []  # nothing existed to back up


def test_set_json_envelope_with_diff_and_backup(cli_on: Run, config: Path, json_doc: Run, profile: Path) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=4GB\r\n")
    result = cli_on("set", "wsl2.memory", "8GB", "--json")
    assert result.returncode == 0, result.stderr
    doc = json_doc(result)
    assert doc["command"] == "set"
    assert doc["config"] == str(config)
    [change] = doc["changes"]
    assert change["key"] == "wsl2.memory"
    assert change["action"] == "set"
    assert (change["old"], change["new"], change["line"]) == ("4GB", "8GB", 2)
    assert change["written"] is True
    assert "-memory=4GB\n+memory=8GB\n" in change["diff"]
    assert change["diff"].startswith("--- ")
    [backup] = backups_of(profile)
    assert change["backup"] == str(backup)
    assert backup.read_bytes() == b"[wsl2]\r\nmemory=4GB\r\n"
    assert config.read_bytes() == b"[wsl2]\r\nmemory=8GB\r\n"


def test_set_dry_run_writes_nothing(cli_on: Run, config: Path, profile: Path, digest: Run) -> None:
    config.write_bytes(b"[wsl2]\nmemory=4GB\n")
    before = digest(profile)
    result = cli_on("set", "wsl2.memory", "8GB", "--dry-run")
    assert result.returncode == 0
    assert "+memory=8GB" in result.stdout
    assert digest(profile) == before


KEEP_CASES = [
    ("utf8-bom", codecs.BOM_UTF8 + b"[wsl2]\r\nmemory=4GB\r\n", "wsl2.memory", "8GB",
     codecs.BOM_UTF8 + b"[wsl2]\r\nmemory=8GB\r\n"),
    ("utf16le-bom", codecs.BOM_UTF16_LE + "[wsl2]\r\nswap=0\r\n".encode("utf-16-le"), "wsl2.virtiofs", "true",
     codecs.BOM_UTF16_LE + "[wsl2]\r\nswap=0\r\nvirtiofs=true\r\n".encode("utf-16-le")),
    ("crlf", b"[wsl2]\r\nswap=0\r\n", "wsl2.virtiofs", "true", b"[wsl2]\r\nswap=0\r\nvirtiofs=true\r\n"),
    ("lf", b"[wsl2]\nswap=0\n", "wsl2.virtiofs", "true", b"[wsl2]\nswap=0\nvirtiofs=true\n"),
    ("no-final-newline", b"[wsl2]\r\nswap=0", "wsl2.virtiofs", "true", b"[wsl2]\r\nswap=0\r\nvirtiofs=true"),
    ("comment-and-quotes", b'[wsl2]\r\nmemory = "4GB" # half\r\n', "wsl2.memory", "8GB",
     b'[wsl2]\r\nmemory = "8GB" # half\r\n'),
    ("key-spelling", b"[wsl2]\r\nMEMORY=4GB\r\n", "wsl2.memory", "8GB", b"[wsl2]\r\nMEMORY=8GB\r\n"),
    ("upper-section", b"[WSL2]\r\nswap=0\r\n\r\n[experimental]\r\nsparseVhd=true\r\n", "wsl2.virtiofs", "true",
     b"[WSL2]\r\nswap=0\r\nvirtiofs=true\r\n\r\n[experimental]\r\nsparseVhd=true\r\n"),
    ("never-above-first-header", b"memory=4GB\r\n# c\r\n[wsl2]\r\n", "wsl2.memory", "8GB",
     b"memory=4GB\r\n# c\r\n[wsl2]\r\nmemory=8GB\r\n"),
    ("never-uncomments", b"[wsl2]\r\n# virtiofs=true\r\nswap=0\r\n", "wsl2.virtiofs", "true",
     b"[wsl2]\r\n# virtiofs=true\r\nswap=0\r\nvirtiofs=true\r\n"),
    ("path", b"[wsl2]\r\n", "wsl2.kernel", "C:\\wsl\\kernel", b"[wsl2]\r\nkernel=C:\\\\wsl\\\\kernel\r\n"),
]


@pytest.mark.parametrize(("before", "key", "value", "after"), [c[1:] for c in KEEP_CASES],
                         ids=[c[0] for c in KEEP_CASES])
def test_set_keeps_everything_else(cli_on: Run, config: Path, profile: Path, *,
                                   before: bytes, key: str, value: str, after: bytes) -> None:
    config.write_bytes(before)
    result = cli_on("set", key, value)
    assert result.returncode == 0, result.stderr
    assert config.read_bytes() == after
    [backup] = backups_of(profile)
    assert backup.read_bytes() == before


def test_set_current_value_is_a_no_op(cli_on: Run, config: Path, profile: Path, json_doc: Run) -> None:
    raw = b"[wsl2]\r\nmemory = 8192MB # same as 8GB\r\nvirtiofs=TRUE\r\n"
    config.write_bytes(raw)
    old = time.time() - 3600
    os.utime(config, (old, old))
    mtime = config.stat().st_mtime_ns
    for key, value in (("wsl2.memory", "8GB"), ("wsl2.virtiofs", "true")):
        result = cli_on("set", key, value)
        assert result.returncode == 0, result.stderr
        assert "left as it is" in result.stdout
    doc = json_doc(cli_on("--json", "set", "wsl2.memory", "8GB"))
    assert doc["changes"][0]["action"] == "unchanged"
    assert doc["changes"][0]["written"] is False
    assert doc["changes"][0]["diff"] == ""
    assert config.read_bytes() == raw
    assert config.stat().st_mtime_ns == mtime
    assert not (profile / BACKUP_DIR_NAME).exists()


def test_set_twice_equals_set_once(cli_on: Run, config: Path, profile: Path) -> None:
    config.write_bytes(b"[wsl2]\nswap=0\n")
    assert cli_on("set", "wsl2.virtiofs", "true").returncode == 0
    once = config.read_bytes()
    mtime = config.stat().st_mtime_ns
    assert cli_on("set", "wsl2.virtiofs", "true").returncode == 0
    assert config.read_bytes() == once == b"[wsl2]\nswap=0\nvirtiofs=true\n"
    assert config.stat().st_mtime_ns == mtime
    assert len(backups_of(profile)) == 1


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (("set", "wsl2.memory", "8gb"), "did you mean 8GB?"),
        (("set", "wsl2.memory", "8GB\n[x]"), "control characters"),
        (("set", "wsl2.memory", "8GB\r\nvirtiofs=false"), "control characters"),
        (("set", "wsl2.memory=1", "8GB"), "section.key"),
        (("set", "wsl2.memory", "8GB=1"), "not a size"),
        (("set", "wsl2.kernel", "C:\\Users\\Zoë\\bzImage"), "non-ASCII"),
        (("set", "wsl2.kernelCommandLine", "ü"), "non-ASCII"),
        (("set", "wsl2.memroy", "8GB"), "did you mean wsl2.memory?"),
        (("set", "wsl2.virtiofs", "yes"), "did you mean true?"),
        (("set", "wsl2.virtiofs"), "VALUE"),
        (("unset", "wsl2.memory=1"), "section.key"),
        (("set", "wsl2.memory", "8GB", "--bogus"), "--bogus"),
    ],
)
def test_bad_key_or_value_exits_2_and_leaves_the_file(cli_on: Run, config: Path, profile: Path, digest: Run, *,
                                                      args: tuple[str, ...], hint: str) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=4GB\r\n")
    before = digest(profile)
    result = cli_on(*args)
    assert result.returncode == 2
    assert hint in result.stderr
    assert result.stdout == ""
    assert digest(profile) == before


UNSAFE_FILES = [
    ("utf16be", codecs.BOM_UTF16_BE + "[wsl2]\r\nmemory=4GB\r\n".encode("utf-16-be")),
    ("utf16le-then-utf8", codecs.BOM_UTF16_LE + "[wsl2]\r\nmemory=4GB\r\n".encode("utf-16-le")
     + b"virtiofs=true\r\n"),
    ("utf8-then-utf16le", b"[wsl2]\r\nmemory=4GB\r\nswap=0\r\nprocessors=4\r\n"
     + "virtiofs=true\r\n".encode("utf-16-le")),
]


@pytest.mark.parametrize("raw", [c[1] for c in UNSAFE_FILES], ids=[c[0] for c in UNSAFE_FILES])
def test_editing_an_unsafe_encoding_exits_3_and_leaves_the_file(cli_on: Run, config: Path, profile: Path,
                                                                digest: Run, json_doc: Run, *, raw: bytes) -> None:
    config.write_bytes(raw)
    before = digest(profile)
    result = cli_on("set", "wsl2.virtiofs", "true")
    assert result.returncode == 3
    assert "nothing was written" in result.stderr
    result = cli_on("--json", "unset", "wsl2.memory")
    assert result.returncode == 3
    assert json_doc(result)["exit_code"] == 3
    assert digest(profile) == before
    assert config.read_bytes() == raw


def test_config_that_is_a_directory_exits_3(cli_on: Run, config: Path, json_doc: Run) -> None:
    config.mkdir()
    for args in (("set", "wsl2.memory", "8GB"), ("show",), ("validate", "--offline"), ("get", "wsl2.memory")):
        result = cli_on(*args)
        assert result.returncode == 3, args
        assert "folder" in result.stderr
    doc = json_doc(cli_on("show", "--json"))
    assert doc["exit_code"] == 3
    assert doc["ok"] is False
    assert list(config.iterdir()) == []


def test_set_where_the_profile_folder_is_missing_exits_5(cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / ".wslconfig"
    result = cli("--config", target, "set", "wsl2.virtiofs", "true")
    assert result.returncode == 5
    assert not target.parent.exists()


# -- unset -----------------------------------------------------------------------------------


def test_unset(cli_on: Run, config: Path, profile: Path, json_doc: Run) -> None:
    raw = (b"[wsl2]\r\nsafeMode=true\r\nmemory=8GB\r\n[experimental]\r\nnetworkingMode=Nat\r\n"
           b"[wsl2]\r\nsafemode=false\r\n")
    config.write_bytes(raw)
    result = cli_on("unset", "wsl2.safeMode")
    assert result.returncode == 0, result.stderr
    assert config.read_bytes() == b"[wsl2]\r\nmemory=8GB\r\n[experimental]\r\nnetworkingMode=Nat\r\n[wsl2]\r\n"
    result = cli_on("unset", "wsl2.networkingMode", "--json")
    doc = json_doc(result)
    assert doc["command"] == "unset"
    [change] = doc["changes"]
    assert (change["key"], change["action"], change["old"], change["written"]) == (
        "wsl2.networkingMode", "unset", "Nat", True)
    assert "-networkingMode=Nat\n" in change["diff"]
    assert config.read_bytes() == b"[wsl2]\r\nmemory=8GB\r\n[experimental]\r\n[wsl2]\r\n"
    assert [b.read_bytes() for b in backups_of(profile)] == [
        raw, b"[wsl2]\r\nmemory=8GB\r\n[experimental]\r\nnetworkingMode=Nat\r\n[wsl2]\r\n"]


def test_unset_missing_key_is_a_no_op(cli_on: Run, config: Path, profile: Path, digest: Run, json_doc: Run) -> None:
    config.write_bytes(COMPLIANT)
    before = digest(profile)
    result = cli_on("unset", "wsl2.swap")
    assert result.returncode == 0
    assert "is not set" in result.stdout
    doc = json_doc(cli_on("unset", "wsl2.swap", "--json"))
    assert doc["changes"][0]["action"] == "unchanged"
    assert doc["changes"][0]["written"] is False
    assert digest(profile) == before


def test_set_then_unset_via_cli_restores_bytes(cli_on: Run, config: Path) -> None:
    raw = b"# mine\n[experimental]\nsparseVhd=true"
    config.write_bytes(raw)
    assert cli_on("set", "wsl2.virtiofs", "true").returncode == 0
    assert config.read_bytes() == raw + b"\n\n[wsl2]\nvirtiofs=true"
    assert cli_on("unset", "wsl2.virtiofs").returncode == 0
    # unset removes the key's line only; the header set appended stays (see splice.py)
    assert config.read_bytes() == raw + b"\n\n[wsl2]"


# -- validate --------------------------------------------------------------------------------


def test_validate_text(cli_on: Run, config: Path) -> None:
    config.write_bytes(NON_COMPLIANT)
    result = cli_on("validate", "--offline")
    assert result.returncode == 1
    assert f"{config}:2: error [virtiofs-disabled]" in result.stdout
    assert f"{config}:3: error [memory-too-low]" in result.stdout
    assert f"{config}:4: warning [semicolon-comment]" in result.stdout
    assert "does not comply" in result.stdout


def test_validate_json(cli_on: Run, config: Path, json_doc: Run) -> None:
    config.write_bytes(NON_COMPLIANT)
    for args in (("validate", "--offline", "--format", "json"), ("validate", "--offline", "--json")):
        result = cli_on(*args)
        assert result.returncode == 1
        doc = json_doc(result)
        assert doc["command"] == "validate"
        assert doc["ok"] is False
        assert "versions" in doc
        found = {(f["code"], f["severity"], f["key"], f["line"]) for f in doc["findings"]}
        assert found == {
            ("virtiofs-disabled", "error", "wsl2.virtiofs", 2),
            ("memory-too-low", "error", "wsl2.memory", 3),
            ("semicolon-comment", "warning", None, 4),
        }
        assert all(f["message"] and f["fix"] for f in doc["findings"])


def test_validate_junit(cli_on: Run, config: Path) -> None:
    config.write_bytes(NON_COMPLIANT)
    result = cli_on("validate", "--offline", "--format", "junit")
    assert result.returncode == 1
    suite = junit_suite(result.stdout)
    cases = suite.findall("testcase")
    assert int(suite.get("tests", "-1")) == len(cases) == 3
    failing = {case.get("classname"): case for case in cases if case.find("failure") is not None}
    assert set(failing) == {"wslconfig", "wslconfig.virtiofs-disabled", "wslconfig.memory-too-low"}
    assert int(suite.get("failures", "-1")) == 3
    failure = failing["wslconfig.memory-too-low"].find("failure")
    assert failure is not None
    assert failure.get("type") == "memory-too-low"
    assert f"{config}:3:" in (failure.text or "")
    assert "semicolon-comment" in (suite.findtext("system-out") or "")  # warnings: the suite's output


def test_validate_junit_compliant(cli_on: Run, config: Path) -> None:
    config.write_bytes(COMPLIANT)
    result = cli_on("validate", "--offline", "--format", "junit")
    assert result.returncode == 0
    suite = junit_suite(result.stdout)
    assert suite is not None
    assert suite.get("failures") == "0"
    assert suite.find("testcase/failure") is None


def test_validate_github(cli_on: Run, config: Path) -> None:
    config.write_bytes(NON_COMPLIANT)
    result = cli_on("validate", "--offline", "--format", "github")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    file_prop = str(config).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
    pattern = re.compile(r"^::(error|warning|notice) file=([^,]*),line=(\d+),title=([a-z0-9-]+)::(.+)$")
    parsed = []
    for line in lines:
        m = pattern.match(line)
        assert m, line
        assert m.group(2) == file_prop
        parsed.append((m.group(1), int(m.group(3)), m.group(4)))
    assert parsed == [("error", 2, "virtiofs-disabled"), ("error", 3, "memory-too-low"),
                      ("warning", 4, "semicolon-comment")]
    assert any(line.startswith(f"::error file={file_prop},line=3,title=memory-too-low::") for line in lines)


def test_validate_compliant_file(cli_on: Run, config: Path, json_doc: Run) -> None:
    config.write_bytes(COMPLIANT)
    result = cli_on("validate", "--offline")
    assert result.returncode == 0, result.stdout
    assert "complies" in result.stdout
    result = cli_on("validate", "--offline", "--format", "github")
    assert (result.returncode, result.stdout) == (0, "")
    doc = json_doc(cli_on("validate", "--offline", "--format", "json"))
    assert doc["ok"] is True
    assert doc["findings"] == []


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\nmemroy=8GB\r\n", "unknown-key"),
        (b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\nmemory=4GB\r\n", "duplicate-key"),
        (b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n; note\r\n", "semicolon-comment"),
    ],
)
def test_strict_turns_a_warning_into_exit_1(cli_on: Run, config: Path, json_doc: Run, raw: bytes, code: str) -> None:
    config.write_bytes(raw)
    plain = json_doc(cli_on("validate", "--offline", "--json"))
    assert plain["exit_code"] == 0
    assert [(f["code"], f["severity"]) for f in plain["findings"]] == [(code, "warning")]
    strict = json_doc(cli_on("validate", "--offline", "--json", "--strict"))
    assert strict["exit_code"] == 1
    assert [(f["code"], f["severity"]) for f in strict["findings"]] == [(code, "error")]


def test_validate_missing_file_judges_the_defaults(cli_on: Run, config: Path) -> None:
    result = cli_on("validate", "--offline", "--format", "github")
    assert result.returncode == 1
    assert "title=virtiofs-disabled" in result.stdout
    assert not config.exists()


def test_validate_online_without_wsl_exe_exits_4(cli_on: Run, config: Path, json_doc: Run, tmp_path: Path) -> None:
    config.write_bytes(COMPLIANT)
    missing = str(tmp_path / "no" / "wsl.exe")
    result = cli_on("validate", "--json", env={"WSLCONFIG_ASSISTANT_WSL_EXE": missing, "PATH": str(tmp_path)})
    assert result.returncode == 4
    doc = json_doc(result)
    assert doc["exit_code"] == 4
    assert "wsl.exe" in doc["error"]["message"]
    assert config.read_bytes() == COMPLIANT


READ_ONLY_RUNS = [
    ("validate", "--offline"),
    ("validate", "--offline", "--format", "json"),
    ("validate", "--offline", "--format", "junit"),
    ("validate", "--offline", "--format", "github", "--strict"),
    ("--json", "validate", "--offline"),
    ("show",),
    ("show", "--all", "--json"),
    ("get", "wsl2.memory"),
    ("backups",),
]


@pytest.mark.parametrize(
    "raw",
    [
        NON_COMPLIANT,
        codecs.BOM_UTF16_BE + "[wsl2]\r\nmemory=4GB\r\n".encode("utf-16-be"),
    ],
    ids=["non-compliant", "utf16be"],
)
def test_read_only_commands_never_write(cli: Run, profile: Path, config: Path, digest: Run, raw: bytes) -> None:
    config.write_bytes(raw)
    (profile / "other.txt").write_bytes(b"unrelated\n")
    backup_folder = profile / BACKUP_DIR_NAME
    backup_folder.mkdir()
    (backup_folder / "20200101T000000.000000Z-000000000000.wslconfig").write_bytes(b"x")
    before = digest(profile)
    stat_before = config.stat().st_mtime_ns
    env = {"WSLCONFIG_ASSISTANT_PROFILE": str(profile)}
    for args in READ_ONLY_RUNS:
        result = cli(*args, env=env)
        assert result.returncode in (0, 1), (args, result.stderr)
        assert digest(profile) == before, args
    assert config.stat().st_mtime_ns == stat_before


# -- backups and restore -----------------------------------------------------------------------


def test_backups_and_restore(cli_on: Run, config: Path, profile: Path, json_doc: Run) -> None:
    v0 = b"[wsl2]\r\nmemory=4GB\r\n"
    config.write_bytes(v0)
    assert cli_on("backups").returncode == 0
    assert json_doc(cli_on("backups", "--json"))["backups"] == []
    assert cli_on("set", "wsl2.memory", "8GB").returncode == 0
    v1 = config.read_bytes()
    assert cli_on("set", "wsl2.virtiofs", "true").returncode == 0
    v2 = config.read_bytes()
    assert v2 == b"[wsl2]\r\nmemory=8GB\r\nvirtiofs=true\r\n"

    doc = json_doc(cli_on("backups", "--json"))
    rows = doc["backups"]
    assert [Path(r["path"]).read_bytes() for r in rows] == [v0, v1]  # oldest first
    ids = [r["id"] for r in rows]
    listing = cli_on("backups").stdout
    assert all(i in listing for i in ids)

    # newest by default; restore is itself backed up, so it can be undone
    result = cli_on("restore", "--json")
    assert result.returncode == 0, result.stderr
    change = json_doc(result)["changes"][0]
    assert change["backup_id"] == ids[1]
    assert change["written"] is True
    assert "-virtiofs=true\n" in change["diff"]
    assert config.read_bytes() == v1
    undo_id = Path(change["backup"]).name.split("-")[0]
    assert Path(change["backup"]).read_bytes() == v2

    # by id prefix: unique prefix of the oldest
    prefix = ids[0][:-3]
    assert not any(i.startswith(prefix) for i in (ids[1], undo_id))
    result = cli_on("restore", prefix)
    assert result.returncode == 0, result.stderr
    assert config.read_bytes() == v0
    assert f"(undo: wslconfig-assistant --config {config} restore " in result.stdout

    # undo the first restore by its backup id
    result = cli_on("restore", undo_id)
    assert result.returncode == 0, result.stderr
    assert config.read_bytes() == v2

    # restoring what is already there writes nothing
    newest = json_doc(cli_on("backups", "--json"))["backups"]
    count = len(newest)
    result = cli_on("restore", undo_id, "--json")
    assert result.returncode == 0
    assert json_doc(result)["changes"][0]["written"] is False
    assert len(backups_of(profile)) == count


def test_restore_errors(cli_on: Run, config: Path, json_doc: Run) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=4GB\r\n")
    result = cli_on("restore")
    assert result.returncode == 2  # nothing to restore
    assert config.read_bytes() == b"[wsl2]\r\nmemory=4GB\r\n"
    cli_on("set", "wsl2.memory", "8GB")
    result = cli_on("restore", "19990101", "--json")
    assert result.returncode == 2
    assert json_doc(result)["exit_code"] == 2
    assert config.read_bytes() == b"[wsl2]\r\nmemory=8GB\r\n"


# -- demo --------------------------------------------------------------------------------------


def test_demo_runs_in_a_sandbox_that_is_removed(cli: Run, tmp_path: Path, json_doc: Run) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {"TMPDIR": str(scratch), "TEMP": str(scratch), "TMP": str(scratch)}
    result = cli("demo", env=env)
    assert result.returncode == 0, result.stderr
    assert "virtiofs" in result.stdout
    assert list(scratch.iterdir()) == []
    result = cli("demo", "--json", env=env)
    assert result.returncode == 0, result.stderr
    doc = json_doc(result)
    assert doc["command"] == "demo"
    assert doc["ok"] is True
    assert str(scratch) in doc["config"]
    assert not Path(doc["config"]).exists()
    assert list(scratch.iterdir()) == []


# -- JSON on failures ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("--json", "bogus"), 2),
        (("--json", "get"), 2),
        (("get", "wsl2.memroy", "--json"), 2),
        (("set", "wsl2.memory", "8gb", "--json"), 2),
        (("--json", "restore", "nope"), 2),
        (("--json", "validate", "--offline", "--format", "yaml"), 2),
    ],
)
def test_json_is_one_document_even_for_usage_errors(cli: Run, config: Path, json_doc: Run,
                                                     args: tuple[str, ...], code: int) -> None:
    config.write_bytes(COMPLIANT)
    result = cli(*args, "--config", config)
    assert result.returncode == code
    doc = json_doc(result)
    assert doc["ok"] is False
    assert result.stderr  # the human explanation goes to stderr


def test_error_envelope_names_the_command_when_config_comes_first(cli: Run, config: Path, json_doc: Run) -> None:
    config.write_bytes(COMPLIANT)
    doc = json_doc(cli("--config", config, "--json", "get", "wsl2.memroy"))
    assert doc["exit_code"] == 2
    assert doc["command"] == "get"


def test_error_envelope_names_the_config_from_the_profile(cli: Run, profile: Path, json_doc: Run) -> None:
    doc = json_doc(cli("--json", "get", "wsl2.memroy", env={"WSLCONFIG_ASSISTANT_PROFILE": str(profile)}))
    assert doc["command"] == "get"
    assert doc["config"] == str(profile / ".wslconfig")


def test_json_for_unreadable_file(cli_on: Run, config: Path, json_doc: Run) -> None:
    config.write_bytes(codecs.BOM_UTF16_BE + "[wsl2]\r\nmemory=4GB\r\n".encode("utf-16-be"))
    result = cli_on("set", "wsl2.virtiofs", "true", "--json")
    assert result.returncode == 3
    doc = json_doc(result)
    assert doc["config"] == str(config)
    assert "error" in doc
    # reading is fine: WSL's view (nothing) plus the encoding finding
    doc = json_doc(cli_on("show", "--json"))
    assert doc["values"] == {}
    assert [f["code"] for f in doc["findings"]] == ["encoding-unsupported"]


# -- odd files and options -------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX symlinks")
def test_set_through_a_symlink_edits_the_target_and_keeps_the_link(cli: Run, profile: Path, tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "wslconfig"
    target.write_bytes(b"[wsl2]\nmemory=4GB\n")
    link = profile / ".wslconfig"
    link.symlink_to(target)
    result = cli("--config", link, "set", "wsl2.memory", "8GB")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert target.read_bytes() == b"[wsl2]\nmemory=8GB\n"
    [backup] = backups_of(profile)  # next to the link, not in the dotfiles folder
    assert backup.read_bytes() == b"[wsl2]\nmemory=4GB\n"
    assert sorted(p.name for p in dotfiles.iterdir()) == ["wslconfig"]


def test_set_allow_unknown_writes_an_unknown_key(cli_on: Run, config: Path) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=8GB\r\n")
    result = cli_on("set", "--allow-unknown", "wsl2.futureKey", "1")
    assert result.returncode == 0, result.stderr
    assert config.read_bytes() == b"[wsl2]\r\nmemory=8GB\r\nfutureKey=1\r\n"


def test_set_unknown_key_without_allow_unknown_exits_2(cli_on: Run, config: Path) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=8GB\r\n")
    result = cli_on("set", "wsl2.futureKey", "1")
    assert result.returncode == 2
    assert "--allow-unknown" in result.stderr
    assert config.read_bytes() == b"[wsl2]\r\nmemory=8GB\r\n"


def test_unset_removes_an_unknown_key(cli_on: Run, config: Path) -> None:
    config.write_bytes(b"[wsl2]\r\nfoo=1\r\nmemory=8GB\r\n")
    result = cli_on("unset", "wsl2.foo")
    assert result.returncode == 0, result.stderr
    assert config.read_bytes() == b"[wsl2]\r\nmemory=8GB\r\n"


def test_show_json_with_an_invalid_utf8_byte_and_strict_utf8_stdout(cli_on: Run, config: Path,
                                                                    json_doc: Run) -> None:
    # WSL reads the Latin-1 byte as U+FFFD; the tool must still print one valid JSON document.
    config.write_bytes(b"[wsl2]\nkernelCommandLine=caf\xe9\nmemory=8GB\n")
    result = cli_on("show", "--json", env={"PYTHONIOENCODING": "utf-8"})
    doc = json_doc(result)
    errors = any(f["severity"] == "error" for f in doc["findings"])
    assert result.returncode == (1 if errors else 0), result.stderr  # show exits 1 on an error finding
    assert doc["values"]["wsl2.memory"]["value"] == 8 << 30


def test_json_with_non_ascii_file_and_a_cp1252_stdout(cli_on: Run, config: Path, json_doc: Run) -> None:
    # On Windows a redirected stdout uses the ANSI code page; corpus file 060 has such a line.
    config.write_bytes("[experimental]\nhostAddressLoopback=true // 中文注释\n".encode())
    result = cli_on("show", "--json", env={"PYTHONIOENCODING": "cp1252"})
    assert result.returncode == 1, result.stderr  # WSL rejects a value there: an error finding
    doc = json_doc(result)
    assert [f["code"] for f in doc["findings"]] == ["invalid-value"]
