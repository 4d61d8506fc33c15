"""Machine outputs against their consumers' own rules (issue 13).

Each consumer reads our output with a rule of its own; each test here checks one output against that rule:
- argparse's documented behaviour (``allow_abbrev``) and the contract's promise of one JSON document on
  stdout, also for errors;
- ``--wsl-version-file``: the reference's "an unreadable `wsl --version` is version-unknown, fails closed";
- GitHub's runner (actions/runner ``ActionCommand.TryParseV2`` and ``ExecutionContext.AddIssue``: a
  message cut at 4,096 UTF-16 code units; actions/toolkit docs/problem-matchers.md: 10 annotations of
  each kind per step), re-implemented below as a parser;
- JUnit: the Jenkins xunit-plugin junit-10.xsd and the Apache Ant JUnit.xsd (vendored in tests/schemas,
  licences there), validated with lxml, which also enforces XML 1.0's character rules.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO_ROOT, CliResult, parse_json_doc, run_cli

from wslconfig_assistant.cli import main

Run = Callable[..., CliResult]


# -- 11. no abbreviations ------------------------------------------------------------------------

def _all_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found.extend(_all_parsers(sub))
    return found


def test_every_parser_refuses_abbreviations() -> None:
    parsers = _all_parsers(main.build_parser())
    assert len(parsers) > 20  # the program, every command, and `policy init`, `dsc get` ...
    assert all(p.allow_abbrev is False for p in parsers), [p.prog for p in parsers if p.allow_abbrev]


@pytest.mark.parametrize("abbreviated", [("--js",), ("--jso",), ("--form", "json"), ("--off",)])
def test_an_abbreviated_option_is_a_usage_error(cli_on: Run, abbreviated: tuple[str, ...]) -> None:
    result = cli_on("validate", "--offline", *abbreviated)
    assert result.returncode == 2, result.stdout
    assert f"unrecognized arguments: {' '.join(abbreviated)}" in result.stderr
    assert result.stdout == ""  # no JSON was asked for by its name


@pytest.mark.parametrize("args", [("--json", "validate", "--offlin"), ("validate", "--format", "json", "--strct"),
                                  ("--json", "dsc", "manifest", "--out", "x")])
def test_an_abbreviation_next_to_json_still_gives_one_json_document(cli_on: Run, args: tuple[str, ...]) -> None:
    result = cli_on(*args)
    doc = parse_json_doc(result)
    assert result.returncode == 2
    assert "unrecognized arguments" in doc["error"]["message"]


# -- 12. a captured `wsl --version` that holds none ----------------------------------------------

SCHEMA = json.loads((REPO_ROOT / "docs" / "wslconfig-assistant.schema.json").read_text(encoding="utf-8"))
NOT_COMPLIANT = b"[wsl2]\r\nvirtiofs=false\r\nmemory=1GB\r\n"
UNREADABLE_CAPTURES = {
    "empty": b"",
    "garbage": b"garbage\r\n",
    "binary": bytes(range(256)),
    "inbox answer": "Copyright (c) Microsoft Corporation. All rights reserved.\r\n\r\nUsage: wsl.exe [Argument]\r\n"
                    .encode("utf-16-le"),
}


@pytest.mark.parametrize("capture", UNREADABLE_CAPTURES, ids=list(UNREADABLE_CAPTURES))
def test_unreadable_version_file_fails_closed_with_the_config_findings(cli_on: Run, config: Path, tmp_path: Path,
                                                                       capture: str) -> None:
    """The reference: an unreadable `wsl --version` is version-unknown and fails closed (exit 1); no wsl.exe ran,
    so not exit 4. CI keeps every config finding next to it."""
    config.write_bytes(NOT_COMPLIANT)
    captured = tmp_path / "wsl-version.txt"
    captured.write_bytes(UNREADABLE_CAPTURES[capture])
    result = cli_on("validate", "--wsl-version-file", captured, "--json")
    doc = parse_json_doc(result)
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert result.returncode == 1, result.stderr
    assert "error" not in doc
    codes = [f["code"] for f in doc["findings"]]
    assert {"virtiofs-disabled", "memory-too-low"} <= set(codes)
    [unknown] = [f for f in doc["findings"] if f["code"] == "version-unknown"]
    assert unknown["severity"] == "error"
    assert str(captured) in unknown["message"]
    assert unknown["fix"].endswith("wsl --version > wsl-version.txt")
    assert all(doc["versions"][name]["ok"] is None for name in ("kernel", "devicehost"))
    # The same in every format, and in `versions`.
    text = cli_on("validate", "--wsl-version-file", captured)
    assert text.returncode == 1
    assert "[version-unknown]" in text.stdout
    assert "[memory-too-low]" in text.stdout
    versions = cli_on("versions", "--wsl-version-file", captured, "--json")
    assert versions.returncode == 1
    assert [f["code"] for f in parse_json_doc(versions)["findings"]] == ["version-unknown"]


def test_a_version_file_that_cannot_be_opened_stays_a_usage_error(cli_on: Run, tmp_path: Path) -> None:
    result = cli_on("validate", "--wsl-version-file", tmp_path / "missing.txt", "--json")
    assert result.returncode == 2
    assert "cannot read the wsl --version file" in parse_json_doc(result)["error"]["message"]


# -- GitHub: the runner's parser, from actions/runner ActionCommand.TryParseV2 and AddIssue -------------

RUNNER_COMMANDS = {"error", "warning", "notice"}
_DATA_UNESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))  # _escapeDataMappings, in its order
_PROPERTY_UNESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))


def _unescape(text: str, mappings: tuple[tuple[str, str], ...]) -> str:
    for escaped, token in mappings:
        text = text.replace(escaped, token)
    return text


def _utf16_cut(text: str, units: int) -> str:
    """.NET's message[..4096]: the first 4,096 UTF-16 code units."""
    return text.encode("utf-16-le", "surrogatepass")[: units * 2].decode("utf-16-le", "surrogatepass")


def runner_lines(stdout: str) -> list[str]:
    """The runner reads the step's output with StreamReader.ReadLine: CR, LF and CRLF end a line."""
    return re.split(r"\r\n|\r|\n", stdout.removesuffix("\n"))


def runner_parse(line: str) -> tuple[str, dict[str, str], str] | None:
    """(command, properties, message as annotated) for a workflow command line, None for a log line."""
    message = line.lstrip()
    if not message.startswith("::"):
        return None
    end = message.find("::", 2)
    if end < 0:
        return None
    info = message[2:end]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    if name not in RUNNER_COMMANDS:
        return None
    props: dict[str, str] = {}
    if space > 0:
        for prop in (p for p in info[space + 1:].strip().split(",") if p):
            pair = [part for part in prop.split("=", 1) if part]
            if len(pair) == 2:
                props[pair[0].lower()] = _unescape(pair[1], _PROPERTY_UNESCAPES)
    data = _unescape(message[end + 2:], _DATA_UNESCAPES)
    return name, props, _utf16_cut(data, 4096)  # ExecutionContext.AddIssue: _maxIssueMessageLength


def annotations(stdout: str) -> list[tuple[str, dict[str, str], str]]:
    return [parsed for line in runner_lines(stdout) if (parsed := runner_parse(line)) is not None]


def shown_per_step(stdout: str) -> list[tuple[str, dict[str, str], str]]:
    """What the step shows: the first 10 annotations of each kind (actions/toolkit docs/problem-matchers.md)."""
    seen: dict[str, int] = {}
    shown = []
    for a in annotations(stdout):
        seen[a[0]] = seen.get(a[0], 0) + 1
        if seen[a[0]] <= 10:
            shown.append(a)
    return shown


def test_the_runner_parser_reads_what_the_toolkit_writes() -> None:
    """The parser above is not vacuous: properties split at ',' unless escaped, data unescaped once."""
    assert runner_parse("::error file=a%2Cb%3Ac,line=3,title=t::50%25%0Aok") == (
        "error", {"file": "a,b:c", "line": "3", "title": "t"}, "50%\nok")
    assert runner_parse("  ::warning file=a,line=3,title=x::m")[1]["line"] == "3"  # type: ignore[index]
    assert runner_parse("::error file=a,line=3::" + "x" * 5000)[2] == "x" * 4096  # type: ignore[index]
    assert runner_parse("not ::error::x") is None


def test_a_long_quoted_value_keeps_the_fix_within_4096(cli_on: Run, config: Path) -> None:
    """13.4: `memory=` and 10,000 characters made one 20,311-character message; the runner kept its start."""
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\nmemory=" + b"8G" * 5_000 + b"\r\n" + b"x" * 9000 + b"=1\r\n")
    result = cli_on("validate", "--offline", "--format", "github")
    assert result.returncode == 1
    found = annotations(result.stdout)
    fixes = {f["code"]: f["fix"] for f in parse_json_doc(cli_on("validate", "--offline", "--json"))["findings"]}
    assert {props["title"] for _, props, _ in found} == set(fixes) >= {"memory-invalid", "unknown-key"}
    for _kind, props, message in found:
        assert len(message.encode("utf-16-le")) // 2 <= 4096  # nothing left for the runner to cut
        assert message.endswith(f". Fix: {fixes[props['title']]}")  # the fix survives, whole
        assert "characters cut ...]" in message


def test_at_most_10_of_a_kind_policy_errors_first_and_the_rest_announced(cli_on: Run, config: Path) -> None:
    """13.5: 15 bad lines and memory=1GB: memory-too-low came 17th, never shown."""
    bad = b"".join(b"bad line %d\r\n" % n for n in range(15))
    config.write_bytes(b"[wsl2]\r\n" + bad + b"memory=1GB\r\n")
    result = cli_on("validate", "--offline", "--format", "github")
    assert result.returncode == 1
    shown = shown_per_step(result.stdout)
    titles = [props["title"] for kind, props, _ in shown if kind == "error"]
    assert len(titles) == 10
    assert titles[:2] == ["virtiofs-disabled", "memory-too-low"]  # the fast path's own checks first
    last = [message for kind, _, message in shown if kind == "error"][-1]
    assert "7 more errors not shown as annotations" in last
    command = last.split("all are in this step's log): ", 1)[1]
    # Nothing is lost: the other 7 are log lines (never workflow commands), and the command lists all 17.
    log = [line for line in runner_lines(result.stdout) if runner_parse(line) is None]
    assert len(log) == 7
    assert all("invalid-line" in line for line in log)
    listed = run_cli(*shlex.split(command)[1:])
    assert listed.returncode == 1
    assert listed.stdout.count("error [") == 17


@pytest.mark.parametrize("stop", ["config is a folder (3)", "wsl.exe missing (4)", "bad policy (2)"])
def test_a_run_that_stops_still_annotates_once(cli_on: Run, config: Path, tmp_path: Path, stop: str) -> None:
    """13.6: exit 3 and 4 printed no annotation, so the step failed without saying why in the PR."""
    args: list[object] = ["validate", "--format", "github"]
    env: dict[str, str] = {}
    if stop.startswith("config"):
        config.mkdir()
        args.append("--offline")
    elif stop.startswith("wsl.exe"):
        config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\n")
        env = {"WSLCONFIG_ASSISTANT_WSL_EXE": str(tmp_path / "none" / "wsl.exe"), "PATH": str(tmp_path)}
    else:
        args += ["--policy", tmp_path / "missing.toml"]
    result = cli_on(*args, env=env)
    expected = int(stop[-2])
    assert result.returncode == expected
    [(kind, props, message)] = annotations(result.stdout)
    assert kind == "error"
    assert props["title"] == f"exit {expected}"
    assert props["file"] == str(config)
    first_error_line = result.stderr.splitlines()[0].split("error: ", 1)[1]
    assert first_error_line in message


def test_lone_cr_lines_are_reported_as_github_counts_them(cli_on: Run, config: Path) -> None:
    """13.7: WSL ends a line at a lone CR; GitHub counts LF. The annotation sits on GitHub's line."""
    raw = "[wsl2]\rvirtiofs=true\n\nmemory=1GB\r\nswap=xx\n"
    config.write_bytes(raw.encode())
    result = cli_on("validate", "--offline", "--format", "github")
    found = {props["title"]: (int(props["line"]), message) for _, props, message in annotations(result.stdout)}
    lf_lines = raw.split("\n")
    for code, text in (("memory-too-low", "memory=1GB"), ("invalid-value", "swap=xx")):
        line, message = found[code]
        assert text in lf_lines[line - 1]  # the line GitHub shows holds the key
        assert "as WSL counts lines" in message  # and WSL's number is said, named as WSL's
    plain = cli_on("validate", "--offline", "--format", "github", env={})
    assert plain.stdout == result.stdout
    config.write_bytes(raw.replace("\r\n", "\n").replace("\r", "\n").encode())  # no lone CR: one numbering
    assert "as WSL counts lines" not in cli_on("validate", "--offline", "--format", "github").stdout


# -- JUnit: the Jenkins and Ant schemas, with lxml -----------------------------------------------------

SCHEMAS = REPO_ROOT / "tests" / "schemas"


@pytest.fixture(scope="module")
def xsds() -> dict[str, Any]:
    from lxml import etree

    return {name: etree.XMLSchema(etree.parse(str(SCHEMAS / f"{name}.xsd")))
            for name in ("jenkins-junit-10", "ant-junit")}


def valid_junit(xsds: dict[str, Any], stdout: str) -> Any:
    """The report, parsed by lxml (XML 1.0's character rules included) and valid against both schemas."""
    from lxml import etree

    root = etree.fromstring(stdout.encode("utf-8"))
    for name, schema in xsds.items():
        assert schema.validate(root), (name, schema.error_log.last_error)
    [suite] = root.findall("testsuite")
    return suite


def case_names(suite: Any) -> list[tuple[str, str]]:
    return [(case.get("classname"), case.get("name")) for case in suite.findall("testcase")]


def test_the_schemas_are_not_vacuous(xsds: dict[str, Any]) -> None:
    from lxml import etree

    old = ('<testsuites><testsuite name="s" tests="1" failures="0" errors="0"><testcase classname="c" name="n">'
           "<system-out>x</system-out></testcase></testsuite></testsuites>")  # what the tool wrote before
    assert xsds["jenkins-junit-10"].validate(etree.fromstring(old))
    assert not xsds["ant-junit"].validate(etree.fromstring(old))  # no timestamp, hostname, time, properties...
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring("<a>\ufffe</a>".encode())  # XML 1.0 forbids it: lxml refuses the document


@pytest.mark.parametrize("content", [
    b"[wsl2]\r\nvirtiofs=false\r\nmemory=1GB\r\n; old\r\n",
    b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n",
    "[wsl2]\nmemory=1GB\ufffe\nswap=\uffff\nkernel=C:\\\x01\x1b[31m\n".encode(),
    b"[wsl2]\nmemory=\xff\xfe\x80GB\n\x00\x7fbad\n",
], ids=["non-compliant", "compliant", "U+FFFE-U+FFFF-controls", "not-utf8"])
def test_junit_is_valid_xml_for_both_schemas(cli_on: Run, config: Path, xsds: dict[str, Any], content: bytes) -> None:
    """13.8 and 13.10: one XML-safe escaping for every text and attribute; the attributes the Ant schema needs."""
    config.write_bytes(content)
    result = cli_on("validate", "--offline", "--format", "junit")
    assert result.returncode in (0, 1), result.stderr
    suite = valid_junit(xsds, result.stdout)
    assert int(suite.get("tests")) == len(suite.findall("testcase"))
    assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))


def test_control_characters_in_the_config_path(tmp_path: Path, xsds: dict[str, Any]) -> None:
    path = tmp_path / "a\x01b\x1b[2Jc\ufffe.wslconfig"
    path.write_bytes(b"[wsl2]\r\nmemory=1GB\r\n")
    result = run_cli("--config", path, "validate", "--offline", "--format", "junit")
    assert result.returncode == 1
    suite = valid_junit(xsds, result.stdout)
    config_property = suite.find("properties/property[@name='config']").get("value")
    assert config_property == str(path).replace("\x01", "\\x01").replace("\x1b", "\\x1b").replace("\ufffe", "\\ufffe")


def test_junit_names_are_stable_across_agents_and_edits_and_unique(tmp_path: Path, xsds: dict[str, Any]) -> None:
    """13.9: no path, no line number in a name (the line is in the message); unique within the suite."""
    content = b"[wsl2]\r\nvirtiofs=false\r\nmemory=1GB\r\nbad one\r\nbad two\r\n[wsl]\r\nmemory=4GB\r\n"
    runs = []
    for agent, prefix in (("agent-a", b""), ("agent-b", b"# a comment added\r\n\r\n")):
        path = tmp_path / agent / "work" / ".wslconfig"
        path.parent.mkdir(parents=True)
        path.write_bytes(prefix + content)
        result = run_cli("--config", path, "validate", "--offline", "--format", "junit")
        suite = valid_junit(xsds, result.stdout)
        names = case_names(suite)
        assert len(set(names)) == len(names), names
        assert all(str(tmp_path) not in n and not re.search(r"\d+\)?$", n.removesuffix(" #2")) for _, n in names)
        failures = {case.get("name"): case.find("failure") for case in suite.findall("testcase")}
        line = 3 + prefix.count(b"\n")
        assert failures["memory-too-low wsl2.memory"].get("message").startswith(f"line {line}: ")
        assert f"{path}:{line}: " in failures["memory-too-low wsl2.memory"].text
        runs.append(names)
    assert runs[0] == runs[1]
    assert ("wslconfig.invalid-line", "invalid-line #2") in runs[0]


def test_broken_version_file_gives_unique_names(cli_on: Run, config: Path, tmp_path: Path,
                                                xsds: dict[str, Any]) -> None:
    captured = tmp_path / "wsl-version.txt"
    captured.write_text("garbage", encoding="utf-8")
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n")
    result = cli_on("validate", "--wsl-version-file", captured, "--format", "junit")
    assert result.returncode == 1
    names = case_names(valid_junit(xsds, result.stdout))
    assert len(set(names)) == len(names)
    assert ("wslconfig.version-unknown", "version-unknown") in names


@pytest.mark.parametrize("stop", [3, 4])
def test_a_run_that_stops_writes_a_valid_report(cli_on: Run, config: Path, tmp_path: Path, xsds: dict[str, Any],
                                                stop: int) -> None:
    """13.10: exit 3 and 4 wrote an empty file, which publishers reject."""
    if stop == 3:
        config.mkdir()
        result = cli_on("validate", "--offline", "--format", "junit")
    else:
        config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\n")
        result = cli_on("validate", "--format", "junit",
                        env={"WSLCONFIG_ASSISTANT_WSL_EXE": str(tmp_path / "none" / "wsl.exe"), "PATH": str(tmp_path)})
    assert result.returncode == stop
    suite = valid_junit(xsds, result.stdout)
    [case] = suite.findall("testcase")
    error = case.find("error")
    assert error.get("type") == f"exit-{stop}"
    assert error.get("message") in result.stderr
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("1", "1", "0")


def test_lf_lines_match_a_count_from_the_start() -> None:
    """linenumbers.lf_lines sweeps once (a count per line was quadratic on big files); same answer."""
    from wslconfig_assistant.wslconfig import linenumbers, reader

    text = "[wsl2]\r" + "".join(f"k{n}=v\r{'x' * n}=1\r\n\r\n# c\rbad {n}\n" for n in range(50))
    parsed = reader.parse(text)
    mapping = linenumbers.lf_lines(text, parsed)
    assert len(mapping) > 100
    for entry in parsed.entries:
        assert mapping[entry.first_line] == text.count("\n", 0, entry.key_start) + 1
    for problem in parsed.problems:
        assert mapping[problem.line] == text.count("\n", 0, problem.line_start) + 1
