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
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO_ROOT, CliResult, parse_json_doc

from wslconfig_assistant import main

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
