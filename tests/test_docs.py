"""README.md and docs/ against the product.

- Every ``console`` session in README is run for real (a fresh simulated Windows profile holding the README's
  sample ``.wslconfig``, the shipped wsl.exe simulator at WSL 2.7.11.0) and its output must match what README
  shows: ``...`` alone on a line stands for any lines, inside a line for any text; ``(exit N)`` ends a command's
  output when its exit code is not 0.
- Every other ``wslconfig-assistant ...`` command in README (code blocks and inline code) parses with the real
  parser; every command and option of the parser is documented; every finding code and exit code is documented.
- The two set-up commands are exactly the two of today, and .ci/run runs the second to the letter.
- Relative links and #anchors resolve.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import REPO_ROOT, cli_env, run_cli

from wslconfig_assistant.core import findings
from wslconfig_assistant.core.errors import AssistantError, ExitCode

README = REPO_ROOT / "README.md"
REFERENCE = REPO_ROOT / "docs" / "reference.md"
TROUBLESHOOTING = REPO_ROOT / "docs" / "troubleshooting.md"
SETUP_COMMANDS = (
    "python -m pip install . && wslconfig-assistant demo",
    'python -m pip install -e ".[test]" && python -m ruff check . && python -m mypy && python -m pytest',
)
SHOWN_CONFIG = "C:\\Users\\me\\.wslconfig"
SIM_WSL = "2.7.11.0"
BACKUP_ID = re.compile(r"\d{8}T\d{6}\.\d{6}Z(?:-[0-9a-f]{64}|-[0-9a-f]{12})?")
# `wslconfig-assistant` as a program name (not part of wslconfig-assistant-wsl-sim or a backups folder).
INVOCATION = re.compile(r"(?:^|(?<=[\s(`]))wslconfig-assistant(?:\.exe)?(?=[\s`]|$)([^|#;>)`\"\n]*)")


class Block(NamedTuple):
    lang: str
    text: str
    line: int  # where the block's first line is in README


def blocks(text: str) -> list[Block]:
    found = []
    for m in re.finditer(r"^```([\w-]*)\n(.*?)^```$", text, re.S | re.M):
        found.append(Block(m.group(1), m.group(2), text.count("\n", 0, m.start(2)) + 1))
    return found


def readme() -> str:
    return README.read_text(encoding="utf-8")


class Session(NamedTuple):
    command: str
    expected: list[str]
    exit_code: int


def sessions(block: Block) -> list[Session]:
    out: list[Session] = []
    for chunk in re.split(r"^> ", block.text, flags=re.M)[1:]:
        command, *lines = chunk.rstrip("\n").split("\n")
        while lines and not lines[-1].strip():
            lines.pop()
        code = 0
        if lines and (m := re.fullmatch(r"\(exit (\d+)\)", lines[-1].strip())):
            code = int(m.group(1))
            lines.pop()
        out.append(Session(command.split("  #")[0].strip(), lines, code))
    return out


CONSOLE = [b for b in blocks(readme()) if b.lang == "console"]


def _normal(text: str) -> str:
    return text.replace("\\", "/")


def expected_pattern(lines: list[str]) -> re.Pattern[str]:
    parts = []
    for line in lines:
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
            continue
        # GitHub escapes ':' in the file= property: README shows a Windows path, the test runs a POSIX one.
        shown = _normal(line.replace("C%3A", "C:"))
        pieces = []
        for i, piece in enumerate(BACKUP_ID.split(shown)):
            if i:
                pieces.append(BACKUP_ID.pattern)
            pieces.append(r"[^\n]*".join(re.escape(p) for p in piece.split("...")))
        parts.append("".join(pieces) + r"\n")
    return re.compile("".join(parts))


def sample_config() -> bytes:
    """The README's sample .wslconfig (the ``ini`` block), with CRLF as Notepad writes it."""
    [sample] = [b for b in blocks(readme()) if b.lang == "ini"]
    return sample.text.replace("\n", "\r\n").encode("utf-8")


@pytest.fixture
def sandbox(profile: Path, sim: str, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    (profile / ".wslconfig").write_bytes(sample_config())
    (profile / ".wsl-sim.json").write_text(json.dumps({"wsl_version": SIM_WSL}), encoding="utf-8")
    env = {"WSLCONFIG_ASSISTANT_PROFILE": str(profile), "WSLCONFIG_ASSISTANT_WSL_EXE": sim}
    work = tmp_path / "work"
    work.mkdir()
    # What README's sessions refer to: a captured `wsl --version` (UTF-16LE, as wsl.exe writes it) and a policy.
    capture = subprocess.run([sys.executable, "-m", "wslconfig_assistant.wsl.simulator", "--version"],
                             capture_output=True, env=cli_env(env), check=True)
    (work / "wsl-version.txt").write_bytes(capture.stdout)
    assert run_cli("policy", "init", work / "team.toml", env=env).returncode == 0
    # Calls made while preparing are not the session's.
    (profile / ".wsl-sim.json").write_text(json.dumps({"wsl_version": SIM_WSL}), encoding="utf-8")
    return work, env


@pytest.mark.parametrize("block", CONSOLE, ids=[f"README-line-{b.line}" for b in CONSOLE])
def test_console_sessions_are_real_output(block: Block, sandbox: tuple[Path, dict[str, str]],
                                          config: Path) -> None:
    work, env = sandbox
    for session in sessions(block):
        argv = shlex.split(session.command)
        assert argv[0] == "wslconfig-assistant", session.command
        result = run_cli(*argv[1:], env=env, cwd=work)
        # The real path of the sandbox's file, also as GitHub's file= property escapes it (on Windows: C%3A).
        escaped = str(config).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
        text = (result.stdout + result.stderr).replace(escaped, SHOWN_CONFIG).replace(str(config), SHOWN_CONFIG)
        shown = _normal(text)
        assert "Traceback" not in shown
        assert result.returncode == session.exit_code, (session.command, result.stdout, result.stderr)
        pattern = expected_pattern(session.expected)
        assert pattern.fullmatch(shown if shown.endswith("\n") or not shown else shown + "\n"), (
            f"README line {block.line}: `{session.command}` printed:\n{shown}\nREADME shows:\n"
            + "\n".join(session.expected))


def test_readme_has_console_sessions_with_output() -> None:
    assert len(CONSOLE) >= 4
    assert sum(1 for b in CONSOLE for s in sessions(b) if [x for x in s.expected if x.strip() != "..."]) >= 8


# -- every command named in README parses, and everything the parser has is documented ---------------

def invocations(text: str) -> tuple[list[str], list[str]]:
    """Commands in code blocks (whole command lines), and commands named in inline code of the prose."""
    found = []
    for block in blocks(text):
        lines = block.text.splitlines()
        if block.lang == "console":
            lines = [line[2:] for line in lines if line.startswith("> ")]
        for line in lines:
            found.extend(m.group(1).strip() for m in INVOCATION.finditer(line))
    prose = re.sub(r"^```.*?^```$", "", text, flags=re.S | re.M)
    named = [m.group(1).strip() for span in re.findall(r"`([^`\n]+)`", prose) for m in INVOCATION.finditer(span)]
    return found, named


def parse(args: list[str]) -> None:
    from wslconfig_assistant.cli.main import build_parser

    try:
        build_parser().parse_args(args)
    except SystemExit as exc:  # --help / --version
        if exc.code != 0:
            raise AssertionError(args) from exc


@pytest.mark.parametrize("path", [README, REFERENCE, TROUBLESHOOTING], ids=lambda p: p.name)
def test_every_command_in_the_docs_parses(path: Path) -> None:
    import argparse

    lines, named = invocations(path.read_text(encoding="utf-8"))
    assert len(lines) + len(named) >= (20 if path == README else 3)
    failures = []
    for command in lines:  # a whole command line: it must parse as written
        try:
            parse(shlex.split(command))
        except AssistantError as exc:
            failures.append(f"wslconfig-assistant {command}: {exc}")
    commands = _subparsers()
    for command in named:  # prose names a command, maybe with options: each must exist
        words = shlex.split(command)
        if not words or words[0].startswith("-"):
            parse(words)  # `wslconfig-assistant --version`, or a bare call's options
            continue
        parser = commands.get(words[0])
        if not isinstance(parser, argparse.ArgumentParser):
            failures.append(f"`wslconfig-assistant {command}`: no command {words[0]!r}")
            continue
        known = {o for a in parser._actions for o in a.option_strings}
        failures += [f"`wslconfig-assistant {command}`: {words[0]} has no {w}" for w in words
                     if w.startswith("--") and w.split("=")[0] not in known]
    assert not failures, "\n".join(failures)


def _subparsers() -> dict[str, object]:
    import argparse

    from wslconfig_assistant.cli.main import build_parser

    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_every_command_and_option_of_the_parser_is_in_the_readme_table() -> None:
    import argparse

    text = readme()
    table = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z]+)(.*?)` \| ", table, re.M)}
    missing = []
    for name, parser in _subparsers().items():
        assert isinstance(parser, argparse.ArgumentParser)
        if name not in rows:
            missing.append(name)
            continue
        options = {o for a in parser._actions for o in a.option_strings if o.startswith("--")}
        options -= {"--help", "--config", "--wsl-exe", "--json", "--no-color"}
        if name in ("setup", "validate", "versions", "verify", "apply"):
            options.discard("--policy")  # stated once under the table
        missing += [f"{name} {o}" for o in sorted(options) if o not in rows[name]]
    assert not missing, f"not in README's command table: {missing}"
    for name in rows:
        assert name in _subparsers(), f"README's table names `{name}`, which the parser does not have"


def test_readme_table_has_no_blank_line_inside() -> None:
    table = readme().split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = [i for i, line in enumerate(table.splitlines()) if line.startswith("|")]
    assert rows == list(range(rows[0], rows[0] + len(rows)))  # contiguous: one table


# -- codes ---------------------------------------------------------------------------------

ALL_CODES = sorted(findings.ERROR_CODES | findings.WARNING_CODES | findings.INFO_CODES)


def test_every_finding_code_is_in_readme_and_explained_in_reference() -> None:
    text = readme()
    reference = REFERENCE.read_text(encoding="utf-8")
    assert [c for c in ALL_CODES if f"`{c}`" not in text] == []
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (error|warning|info) \|", reference, re.M))
    assert sorted(rows) == ALL_CODES
    assert rows == {c: findings.default_severity(c) for c in ALL_CODES}


def test_every_exit_code_is_documented() -> None:
    for path in (README, REFERENCE):
        table = dict(re.findall(r"^\| (\d+) \| (.+) \|$", path.read_text(encoding="utf-8"), re.M))
        assert sorted(map(int, table)) == sorted(int(c) for c in ExitCode), path.name


def test_reference_describes_every_json_command() -> None:
    reference = REFERENCE.read_text(encoding="utf-8")
    for name in _subparsers():
        if name in ("setup", "completion", "dsc"):  # no JSON document; dsc speaks DSC's JSON (fleet.md)
            continue
        title = "policy init" if name == "policy" else name
        assert re.search(rf"^### `{title}`", reference, re.M), title


# -- set-up commands ------------------------------------------------------------------------

def test_readme_keeps_exactly_the_two_setup_commands() -> None:
    text = readme()
    setup = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    assert [b.text.strip() for b in blocks(setup)] == list(SETUP_COMMANDS)
    # Nowhere else does README offer another command block that installs the tool from the top.
    others = [b for b in blocks(text) if b.text.strip() in SETUP_COMMANDS]
    assert len(others) == 2
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert SETUP_COMMANDS[1] in ci.splitlines()


# -- links ---------------------------------------------------------------------------------

def slug(heading: str) -> str:
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@pytest.mark.parametrize("path", [README, REFERENCE, TROUBLESHOOTING, REPO_ROOT / "CHANGELOG.md"],
                         ids=lambda p: p.name)
def test_relative_links_and_anchors_resolve(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        doc = (path.parent / file).resolve() if file else path
        if not doc.exists():
            broken.append(target)
            continue
        if anchor and doc.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", doc.read_text(encoding="utf-8"), re.M)
            if anchor not in {slug(h) for h in headings}:
                broken.append(target)
    assert not broken, f"{path.name}: broken links {broken}"
