"""Eighty columns (issue 11.4): every line the tool prints on a terminal fits its width (80 when the
terminal does not say), --help included; readable numbers. A line may be wider only when it is one
whole command printed for the user to run (columns.py never breaks one: copied, it must still run)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cli_env, run_cli, run_in_pty, simulator_exe

from wslconfig_assistant.cli import columns
from wslconfig_assistant.cli.main import COMMANDS, SUB_EXAMPLES
from wslconfig_assistant.core import shellcommand
from wslconfig_assistant.wslconfig import values

WIDTH = 80
HELP_PAGES = [[name] for name in COMMANDS] + [list(pair) for pair in SUB_EXAMPLES] + [[]]
_ESC = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def too_wide(text: str, width: int = WIDTH) -> list[str]:
    """The lines wider than ``width`` columns that are not one whole printed command."""
    wide = []
    for line in re.split(r"\r\n|\n|\r", _ESC.sub("", text)):  # CR alone: a redraw from column 0
        if columns.columns(line) <= width:
            continue
        if line.strip().startswith(("wslconfig-assistant ", "'", "& '")):
            continue  # a command on its own line, whole (checked to run in test_printed_commands)
        wide.append(line)
    return wide


@pytest.mark.parametrize("page", HELP_PAGES, ids=lambda p: " ".join(p) or "top")
def test_every_help_page_fits_80_columns(page: list[str]) -> None:
    result = run_cli(*page, "--help", env={"COLUMNS": str(WIDTH)})
    assert result.returncode == 0, result.stderr
    assert not too_wide(result.stdout), too_wide(result.stdout)


def test_validate_format_has_help_text() -> None:
    result = run_cli("validate", "--help", env={"COLUMNS": str(WIDTH)})
    assert re.search(r"--format \{text,json,junit,github\}\s+text for people", result.stdout), result.stdout


@pytest.fixture
def machine(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder holding a .wslconfig with long lines and problems, and a simulated wsl.exe."""
    (tmp_path / ".wslconfig").write_bytes(
        b"[wsl2]\r\nmemory=1GB\r\n;networkingMode=mirrored   # an old comment style, a long line to show\r\n"
        b"kernelCommandLine = " + b"x" * 150 + b"\r\nmemroy=4GB\r\nvirtiofs=ture\r\n")
    (tmp_path / "sim.json").write_text(json.dumps({"wsl_version": "2.7.3.0"}), encoding="utf-8")
    env = {"COLUMNS": str(WIDTH), "WSLCONFIG_ASSISTANT_WSL_EXE": simulator_exe(tmp_path),
           "WSLCONFIG_ASSISTANT_SIM_STATE": str(tmp_path / "sim.json")}
    return tmp_path, env


HUMAN = [("show",), ("show", "--all"), ("validate", "--offline"), ("validate",), ("versions",), ("get", "wsl2.memory"),
         ("apply", "--dry-run"), ("set", "wsl2.swap", "2GB"), ("unset", "wsl2.swap"), ("backups",), ("apply",),
         ("restore",), ("policy", "init", "team.toml"), ("verify",)]


def test_the_human_outputs_fit_80_columns(machine: tuple[Path, dict[str, str]]) -> None:
    folder, env = machine
    for args in HUMAN:
        result = subprocess.run([sys.executable, "-m", "wslconfig_assistant", "--config", ".wslconfig", *args],
                                capture_output=True, text=True, cwd=folder, env=cli_env(env), check=False,
                                stdin=subprocess.DEVNULL, timeout=60)
        assert result.returncode in (0, 1, 4), (args, result.stderr)
        assert not too_wide(result.stdout), (args, too_wide(result.stdout))
        assert not too_wide(result.stderr), (args, too_wide(result.stderr))


def test_demo_fits_a_terminal_that_does_not_say_its_width() -> None:
    env = cli_env()
    code, raw = run_in_pty(["demo", "--non-interactive"], env)
    text = raw.decode("utf-8", "replace")
    assert code == 0, text
    assert not too_wide(text), too_wide(text)


def test_fit_follows_COLUMNS_and_keeps_a_command_whole() -> None:
    command = shellcommand.render(["wslconfig-assistant", "--config", "C:\\Users\\a b\\.wslconfig", "restore", "X"],
                                 "powershell")
    lines = columns.fit("  backup   C:\\Users\\a\\.wslconfig-assistant-backups\\x  (undo: " + command + ")", 60)
    assert any(line.strip() == command + ")" for line in lines), lines
    assert all(columns.columns(line) <= 60 for line in lines if command not in line), lines


def test_host_memory_is_shown_in_gb() -> None:
    assert values.readable_size(24683664 * 1024) == "23.5GB"
    assert values.readable_size(16 << 30) == "16GB"


def test_the_wizard_shows_the_host_in_gb_within_80_columns(profile: Path, sim: str) -> None:
    pytest.importorskip("pexpect")
    from test_setup import PROMPTS, Machine, Session, widest_line

    machine = Machine(profile, sim)
    session = Session(machine, "setup", WSLCONFIG_ASSISTANT_HOST_MEMORY=str(24683664 * 1024))
    for prompt in PROMPTS:
        session.answer(prompt, "\r")
    assert session.finish() == 0, session.text
    assert "23.5GB" in session.text
    assert "KB" not in session.text
    widest, line = widest_line(session.text)
    assert widest <= WIDTH, f"{widest} columns: {line!r}"
