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
from collections.abc import Callable

import pytest
from conftest import CliResult, parse_json_doc

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
