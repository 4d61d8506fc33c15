"""One escaping for everything printed that came from a file, a path or wsl.exe (issue 10, item 8).

A comment holding an OSC title sequence and a clear-screen (`# ESC]0;pwned BEL ESC[2J`) reached the
terminal raw through the diffs of set, unset, restore, apply and apply --dry-run, even with
--no-color; so did a --config path with escapes (show, set) and `wsl --update` progress (OSC 52
writes the clipboard). Each is checked here, with colours off and forced on: the only escape
sequences left in the output are the colour codes Console.paint writes, balanced, and the hostile
bytes show as readable escapes (``\\x1b]0;pwned\\x07``). UTF-8 text stays as it is.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from conftest import cli_env, run_cli, run_in_pty
from test_apply import Machine

from wslconfig_assistant.cli import output
from wslconfig_assistant.system import streams

posix_only = pytest.mark.skipif(os.name != "posix", reason="ESC in a file name, /bin/sh wsl.exe, a pty")
HOSTILE = "# \x1b]0;pwned\x07\x1b[2J héllo ✓"
SHOWN = "# \\x1b]0;pwned\\x07\\x1b[2J héllo ✓"
# What Console.paint writes: a palette colour, text without ESC, the reset.
OWN_PAINT = re.compile("\x1b\\[(?:1|2|31|32|33|36)m[^\x1b]*\x1b\\[0m")
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # any control but TAB and LF


def _no_raw_controls(text: str) -> None:
    left = OWN_PAINT.sub("", text)
    assert not RAW.search(left), repr(RAW.findall(left)[:5])


def _hostile_file(config: Path) -> None:
    config.write_bytes(f"[wsl2]\r\n{HOSTILE}\r\nmemory=4GB\r\n".encode())


COLORS = {"no-color": {"NO_COLOR": "1"}, "forced-color": {"FORCE_COLOR": "1", "NO_COLOR": ""}}


@pytest.mark.parametrize("colors", COLORS.values(), ids=COLORS.keys())
@pytest.mark.parametrize(
    "args",
    [
        ["set", "wsl2.memory", "8GB"],
        ["set", "wsl2.memory", "8GB", "--dry-run"],
        ["unset", "wsl2.memory"],
        ["apply", "--dry-run", "--no-update"],
        ["show"],
        ["validate", "--offline"],
    ],
    ids=" ".join,
)
def test_a_files_escape_sequences_never_reach_the_terminal(args: list[str], colors: dict[str, str],
                                                          tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    _hostile_file(config)
    env = dict(colors)
    if env.get("NO_COLOR") == "":
        env.pop("NO_COLOR")
    result = run_cli("--config", config, *args, env=env)
    assert "Traceback" not in result.stderr
    _no_raw_controls(result.stdout)
    _no_raw_controls(result.stderr)
    if args[0] in ("set", "unset", "apply"):
        assert SHOWN in result.stdout, result.stdout  # readable, reversible-looking, UTF-8 kept


def test_restore_and_apply_diffs_are_escaped(tmp_path: Path) -> None:
    machine = Machine(tmp_path)
    machine.config.write_bytes(f"[wsl2]\r\n{HOSTILE}\r\nmemory=1GB\r\n".encode())
    applied = machine.run("apply", "--no-update", "--no-color")
    assert applied.returncode in (0, 1), applied.stderr
    _no_raw_controls(applied.stdout)
    assert SHOWN in applied.stdout
    restored = machine.run("restore", "--no-color")
    assert restored.returncode == 0, restored.stderr
    _no_raw_controls(restored.stdout)
    assert SHOWN in restored.stdout
    assert HOSTILE.encode() in machine.config.read_bytes()  # the file itself keeps its bytes


@posix_only
@pytest.mark.parametrize("colors", COLORS.values(), ids=COLORS.keys())
@pytest.mark.parametrize("args", [["show"], ["set", "wsl2.memory", "8GB"], ["validate", "--offline"]],
                         ids=" ".join)
def test_a_config_path_with_escapes_is_escaped(args: list[str], colors: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "a\x1b[31mred\x1b]0;pwned\x07"  # a lone colour code, and an OSC title
    folder.mkdir()
    config = folder / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\nmemory=4GB\r\n")
    env = dict(colors)
    if env.get("NO_COLOR") == "":
        env.pop("NO_COLOR")
    result = run_cli("--config", config, *args, env=env)
    assert result.returncode in (0, 1), result.stderr
    _no_raw_controls(result.stdout)
    _no_raw_controls(result.stderr)
    assert "a\\x1b[31mred\\x1b]0;pwned\\x07" in result.stdout + result.stderr


@posix_only
def test_wsl_update_progress_with_osc52_is_escaped(tmp_path: Path) -> None:
    """The live echo of `wsl --update` (on a terminal) and the final report: OSC 52 (clipboard), a
    clear-screen and a title from wsl.exe's output arrive as text."""
    exe = tmp_path / "wsl.exe"
    exe.write_text(
        "#!/bin/sh\n"
        'case "$1" in\n'
        "  --version) printf 'WSL version: 2.6.3.0\\r\\nKernel version: 6.6.87.2-1\\r\\n' ;;\n"
        "  --update) printf 'Downloading \\033]52;c;cHduZWQ=\\007[====  40%%]\\r'\n"
        "            printf 'Installing \\033]0;pwned\\007\\033[2J[========100%%]\\r\\n' ;;\n"
        "esac\n",
        encoding="utf-8",
    )
    exe.chmod(0o755)
    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n")
    env = cli_env({"WSLCONFIG_ASSISTANT_WSL_EXE": str(exe)})
    code, out = run_in_pty(["--config", str(config), "apply", "--no-color"], env)
    text = out.decode("utf-8", "replace")
    assert code in (0, 1), text
    assert "Installing" in text  # the update ran and was echoed
    for raw in ("\x1b]52", "\x1b]0;", "\x1b[2J"):
        assert raw not in text
    assert "\\x1b]52;c;cHduZWQ=\\x07" in text or "\\x1b]0;pwned\\x07" in text
    result = run_cli("--config", config, "--wsl-exe", exe, "apply", "--no-color")
    _no_raw_controls(result.stdout)
    _no_raw_controls(result.stderr)


def test_escaped_is_the_one_function() -> None:
    assert streams.escaped("plain") == "plain"
    assert streams.escaped("a\x1b[2Jb\nc\rd") == "a\\x1b[2Jb\nc\\x0dd"  # line breaks kept, CR shown
    assert streams.escaped("héllo ✓ 日本") == "héllo ✓ 日本"  # UTF-8 text as it is
    assert streams.escaped("\u202etxt.exe") == "\\u202etxt.exe"  # a bidi override is shown, not obeyed
    painted = output.Console(json_mode=False, no_color=False, stream=sys.stderr)
    painted.color = True
    own = painted.paint("ok", "ok")
    assert streams.escaped(own + " \x1b[31mforged", keep_color=True) == own + " \\x1b[31mforged"
    assert painted.paint("p\x1b[31mq", "ok") == "\x1b[32mp\\x1b[31mq\x1b[0m"
