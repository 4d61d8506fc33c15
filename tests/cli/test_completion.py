"""`completion {bash,powershell}`: scripts generated from the one argparse parser.

bash is tested for real: the generated script is sourced in bash and its completion function is
driven with COMP_WORDS/COMP_CWORD, as readline drives it, and COMPREPLY is read back. PowerShell
(`pwsh`) is not on this machine (no Microsoft package feed), so its script is checked for
structure only, unless pwsh is found. Also here: every command at every level shows an example in
its --help (main.EXAMPLES / SUB_EXAMPLES).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli

from wslconfig_assistant.cli import main
from wslconfig_assistant.cli.commands import completion
from wslconfig_assistant.wslconfig.schema import KEYS

# The bash script is for bash inside WSL. On Windows, `bash` on PATH may be WSL's launcher
# (System32\bash.exe, which needs a distro) or Git Bash: neither is what the script targets.
BASH = None if sys.platform == "win32" else shutil.which("bash")
needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed (or this is Windows)")


def parsers(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every parser of the tree with the words that reach it, found independently of completion.py."""
    yield words, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from parsers(child, (*words, name))


def options(parser: argparse.ArgumentParser) -> list[str]:
    return [opt for action in parser._actions for opt in action.option_strings]


def complete(script: str, cases: list[list[str]], cwd: Path | None = None) -> list[list[str]]:
    """Source the script in bash and complete each case (the last word is the one being completed)."""
    assert BASH is not None
    driver = [script, "set +e"]
    for words in cases:
        quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
        driver.append(f"COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; COMPREPLY=(); _wslconfig_assistant; "
                      'printf "%s\\037" "${COMPREPLY[@]}"; printf "\\036\\n"')
    result = subprocess.run([BASH, "--norc", "--noprofile", "-c", "\n".join(driver)], capture_output=True,
                            text=True, cwd=cwd, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr
    chunks = result.stdout.split("\x1e\n")[:-1]
    assert len(chunks) == len(cases), result.stdout
    return [sorted(c for c in chunk.split("\x1f") if c) for chunk in chunks]


@pytest.fixture(scope="module")
def bash_script() -> str:
    return completion.bash_script(main.build_parser())


# -- bash, for real ----------------------------------------------------------------------------

@needs_bash
def test_bash_completes_commands_actions_choices_and_keys(bash_script: str, tmp_path: Path) -> None:
    (tmp_path / "team.toml").write_text("", encoding="utf-8")
    (tmp_path / "wsl-version.txt").write_text("", encoding="utf-8")
    (tmp_path / "other").mkdir()
    p = "wslconfig-assistant"
    cases = {
        "commands": [p, "s"],
        "actions": [p, "dsc", ""],
        "after global option": [p, "--json", "po"],
        "policy action": [p, "policy", "i"],
        "choices": [p, "validate", "--format", "j"],
        "choices, --opt=": [p, "validate", "--format", "=", "g"],
        "shell": [p, "completion", ""],
        "get key": [p, "get", "wsl2.mem"],
        "set key": [p, "--config", "x", "set", "experimental.sp"],
        "set bool value": [p, "set", "wsl2.virtiofs", ""],
        "set enum value": [p, "set", "WSL2.networkingMode", "M"],
        "unset key": [p, "unset", "wsl2.safe"],
        "--set KEY=": [p, "apply", "--set", "wsl2.networkingM"],
        "policy file": [p, "apply", "--policy", "te"],
        "version file": [p, "validate", "--wsl-version-file", "w"],
        "config=": [p, "--config", "=", "te"],
        "policy init PATH": [p, "policy", "init", "o"],
        "options of set": [p, "set", "--d"],
        "free value": [p, "apply", "--memory", ""],
        "no positional": [p, "backups", ""],
    }
    got = dict(zip(cases, complete(bash_script, list(cases.values()), cwd=tmp_path), strict=True))
    assert got["commands"] == ["set", "setup", "show"]
    assert got["actions"] == ["get", "manifest", "set", "test"]
    assert got["after global option"] == ["policy"]
    assert got["policy action"] == ["init"]
    assert got["choices"] == ["json", "junit"]
    assert got["choices, --opt="] == ["github"]
    assert got["shell"] == ["bash", "powershell"]
    assert got["get key"] == ["wsl2.memory"]
    assert got["set key"] == ["experimental.sparseVhd"]
    assert got["set bool value"] == ["false", "true"]
    assert got["set enum value"] == ["Mirrored"]
    assert got["unset key"] == ["wsl2.safeMode"]
    assert got["--set KEY="] == ["wsl2.networkingMode="]
    assert got["policy file"] == ["team.toml"]
    assert got["version file"] == ["wsl-version.txt"]
    assert got["config="] == ["team.toml"]
    assert got["policy init PATH"] == ["other"]
    assert got["options of set"] == ["--dry-run"]
    assert got["free value"] == []
    assert got["no positional"] == []


@needs_bash
def test_bash_completes_every_option_of_every_command(bash_script: str) -> None:
    cases, wanted = [], []
    for words, parser in parsers(main.build_parser()):
        for option in options(parser):
            cases.append(["wslconfig-assistant", *words, option])
            wanted.append(option)
    assert len(cases) > 100
    for case, want, got in zip(cases, wanted, complete(bash_script, cases), strict=True):
        assert want in got, (case, got)


@needs_bash
def test_bash_completes_every_key_of_the_schema(bash_script: str) -> None:
    (got,) = complete(bash_script, [["wslconfig-assistant", "get", ""]])
    assert got == sorted(spec.name for spec in KEYS)


@needs_bash
def test_a_new_option_is_completed_without_touching_completion() -> None:
    """Generation, not a hand list: an option added to the parser appears in both scripts."""
    parser = main.build_parser()
    for words, sub in parsers(parser):
        if words == ("versions",):
            sub.add_argument("--brand-new-option", metavar="FILE")
    script = completion.bash_script(parser)
    (opts, value) = complete(script, [["wslconfig-assistant", "versions", "--brand"],
                                      ["wslconfig-assistant", "versions", "--brand-new-option", "/etc/host"]])
    assert opts == ["--brand-new-option"]
    assert "/etc/hostname" in value or "/etc/hosts" in value
    assert "--brand-new-option" in completion.powershell_script(parser)
    assert "--brand-new-option" not in completion.bash_script(main.build_parser())  # the shipped parser has none


@needs_bash
def test_cli_prints_a_script_bash_can_load() -> None:
    result = run_cli("completion", "bash")
    assert result.returncode == 0, result.stderr
    assert result.stdout == completion.bash_script(main.build_parser())
    loaded = subprocess.run([BASH or "bash", "--norc", "--noprofile", "-c", result.stdout + "\ncomplete -p"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert loaded.returncode == 0, loaded.stderr
    assert "complete -F _wslconfig_assistant wslconfig-assistant" in loaded.stdout
    assert "wslconfig-assistant.exe" in loaded.stdout


def test_unknown_shell_is_a_usage_error() -> None:
    result = run_cli("completion", "fish")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


# -- PowerShell --------------------------------------------------------------------------------

def test_powershell_script_structure() -> None:
    """Unverified in a real pwsh here: the script registers a native completer for both names and
    carries every command, action, option, choice and key of the parser."""
    script = completion.powershell_script(main.build_parser())
    assert script.count("Register-ArgumentCompleter -Native") == 1
    assert "-CommandName 'wslconfig-assistant', 'wslconfig-assistant.exe'" in script
    assert script.count("{") == script.count("}")
    assert script.count("(") == script.count(")")
    for words, parser in parsers(main.build_parser()):
        if words:
            assert f"'{' '.join(words)}' = @(" in script, words
        for option in options(parser):
            assert f"'{option}'" in script, (words, option)
    for spec in KEYS:
        assert f"'{spec.name}'" in script
    assert "'choices:text,json,junit,github'" in script
    assert "'choices:powershell,bash'" in script


PWSH = shutil.which("pwsh")


@pytest.mark.skipif(PWSH is None, reason="PowerShell (pwsh) is not installed")
def test_powershell_script_completes_in_pwsh(tmp_path: Path) -> None:
    script = tmp_path / "completion.ps1"
    script.write_text(completion.powershell_script(main.build_parser()), encoding="utf-8")
    probe = (f". '{script}'; (TabExpansion2 -inputScript 'wslconfig-assistant vali' -cursorColumn 24)"
             ".CompletionMatches | ForEach-Object CompletionText")
    result = subprocess.run([PWSH or "pwsh", "-NoProfile", "-Command", probe], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.stdout.split() == ["validate"], result.stderr


# -- --help shows an example for every command ------------------------------------------------

def test_every_command_at_every_level_has_an_example() -> None:
    seen = []
    for words, parser in parsers(main.build_parser()):
        if not words:
            continue
        epilog = parser.epilog or ""
        assert epilog.startswith("example:\n  "), (words, epilog)
        assert "wslconfig-assistant" in epilog or "dsc resource" in epilog, (words, epilog)
        seen.append(" ".join(words))
    assert {"policy init", "dsc get", "dsc test", "dsc set", "dsc manifest", "completion"} <= set(seen)
    assert set(main.EXAMPLES) == set(main.COMMANDS)


@pytest.mark.parametrize("words", [["dsc", "set"], ["policy", "init"], ["completion"]])
def test_help_prints_the_example(words: list[str]) -> None:
    result = run_cli(*words, "--help")
    assert result.returncode == 0, result.stderr
    assert "example:\n  " in result.stdout
