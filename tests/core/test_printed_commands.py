"""Every command the tool prints (fix, undo, next step) runs as printed, on the same file.

- POSIX: each printed command is run by a real bash, from the folder the tool ran in, and its
  effect is checked on the file the first command worked on (and nothing else).
- PowerShell (not on this machine): each printed command is read by ``ps_words``, a parser of the
  subset of PowerShell's argument-mode grammar the tool emits, written from the language
  specification (sections 2.3.2 Tokens, 2.3.5.2 String literals, 8.2 pipeline statements with
  the call operator ``&``) and about_Parsing / about_Numeric_Literals, independently of
  wslconfig_assistant/core/shellcommand.py. It refuses what PowerShell would read differently (an
  unquoted ``$``, a number such as ``8GB``, a quoted program without ``&``); the words it reads
  are then run as a process, and the same effect is checked.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import WINDOWS, cli_env, junit_suite, run_cli, simulator_exe
from hypothesis import given
from hypothesis import strategies as st

from wslconfig_assistant.core import shellcommand

pytestmark = pytest.mark.skipif(WINDOWS, reason="runs the printed commands in bash")

BIN = os.path.dirname(sys.executable)  # where the console script wslconfig-assistant is

# -- PowerShell, from the language specification -------------------------------------------------

# 2.3.5.2: single-quote-character is U+0027 and the typographic U+2018, U+2019, U+201A, U+201B.
PS_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
# Characters that end a generic token or start an expression in argument mode (about_Parsing,
# 2.3.2): whitespace, quotes, `$` (variables), `@` (splatting), `#` (comments), backtick
# (escape), braces, parentheses, brackets, `,` (arrays), `;`, `|`, `&`, `<` `>` (redirection);
# `*` `?` `~` are expanded for native commands by PowerShell 7 on Unix.
PS_SPECIAL = set(" \t\"$@#`{}()[],;|&<>*?~") | set(PS_SINGLE_QUOTES) | {"\u201c", "\u201d", "\u201e"}
PS_MULTIPLIERS = ("kb", "mb", "gb", "tb", "pb")
PS_TYPE_SUFFIXES = ("uy", "us", "ul", "y", "s", "l", "u", "n", "d")


def ps_is_number(token: str) -> bool:
    """about_Numeric_Literals: an integer (decimal, 0x hex, 0b binary) or a real (digits, a point,
    an exponent), then an optional type suffix, then an optional multiplier."""
    t = token.lower().lstrip("+-")
    for mult in PS_MULTIPLIERS:
        if t.endswith(mult):
            t = t[: -len(mult)]
            break
    for suffix in PS_TYPE_SUFFIXES:
        if t.endswith(suffix) and len(t) > len(suffix):
            core = t[: -len(suffix)]
            if _ps_plain_number(core):
                return True
    return _ps_plain_number(t)


def _ps_plain_number(t: str) -> bool:
    if t.startswith("0x"):
        return len(t) > 2 and all(c in "0123456789abcdef" for c in t[2:])
    if t.startswith("0b"):
        return len(t) > 2 and all(c in "01" for c in t[2:])
    mantissa, _, exponent = t.partition("e")
    if exponent and not exponent.lstrip("+-").isdigit():
        return False
    whole, _, fraction = mantissa.partition(".")
    return (whole + fraction).isdigit() and (not whole or whole.isdigit()) and (not fraction or fraction.isdigit())


def ps_words(line: str) -> list[str]:
    """The program and arguments PowerShell passes for ``line`` (one command, the subset emitted)."""
    i, words, call = 0, [], False
    if line.startswith("& "):
        call, i = True, 2
    quoted_program = False
    while i < len(line):
        if line[i] in " \t":
            i += 1
            continue
        if line[i] in PS_SINGLE_QUOTES:
            # Verbatim string: ends at a lone quote character; two in a row stand for one.
            j, word = i + 1, []
            while True:
                assert j < len(line), f"unterminated string in {line!r}"
                c = line[j]
                if c in PS_SINGLE_QUOTES:
                    if j + 1 < len(line) and line[j + 1] in PS_SINGLE_QUOTES:
                        word.append(line[j + 1])
                        j += 2
                        continue
                    break
                word.append(c)
                j += 1
            assert j + 1 == len(line) or line[j + 1] in " \t", f"text glued to a string in {line!r}"
            if not words:
                quoted_program = True
            words.append("".join(word))
            i = j + 1
            continue
        j = i
        while j < len(line) and line[j] not in " \t":
            j += 1
        token = line[i:j]
        bad = set(token) & PS_SPECIAL
        assert not bad, f"PowerShell reads {sorted(bad)} in {token!r} specially: {line!r}"
        assert not ps_is_number(token), f"PowerShell reads {token!r} as a number: {line!r}"
        if token.startswith("-"):
            # Windows PowerShell splits `-a.b` and `-a:b` when passing them to a program.
            assert re.fullmatch(r"--?[A-Za-z][A-Za-z0-9-]*", token), f"{token!r} is parameter-like: {line!r}"
        words.append(token)
        i = j
    assert words, line
    assert quoted_program == call, f"a quoted program needs `&` (and only then): {line!r}"
    return words


# -- the renderer against both shells' rules ---------------------------------------------------

WORDS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


@given(st.lists(WORDS, min_size=1, max_size=4))
def test_every_word_survives_powershell_quoting(argv: list[str]) -> None:
    program = argv[0] or "x"
    line = shellcommand.render([program, *argv[1:]], "powershell")
    assert ps_words(line) == [program, *argv[1:]]


@given(st.lists(WORDS, min_size=1, max_size=4))
def test_every_word_survives_posix_quoting(argv: list[str]) -> None:
    line = shellcommand.render(argv, "posix")
    assert shlex.split(line) == argv


TRICKY = ["plain", "with space", "it's", "a\"b", "$HOME", "`x", "8GB", "0x10", "1e3", "-1", "--config",
          "C:\\Users\\Jürgen Ö\\.wslconfig", "semi;colon", "pipe|x", "‘smart’", "*", "~", "#hash", "", "a\nb"]


def test_bash_passes_every_tricky_word_as_printed(tmp_path: Path) -> None:
    line = shellcommand.render(["printf", "%s\\0", *TRICKY], "posix")
    out = subprocess.run(["bash", "-c", line], capture_output=True, check=True, cwd=tmp_path).stdout  # noqa: S607
    assert out.decode("utf-8").split("\0")[:-1] == TRICKY


def test_powershell_rendering_quotes_numbers_and_calls_quoted_programs() -> None:
    assert shellcommand.render(["wslconfig-assistant", "set", "wsl2.memory", "8GB"], "powershell") == \
        "wslconfig-assistant set wsl2.memory '8GB'"
    assert shellcommand.render(["C:\\Program Files\\WSL\\wsl.exe", "--shutdown"], "powershell") == \
        "& 'C:\\Program Files\\WSL\\wsl.exe' --shutdown"
    assert shellcommand.render(["x", "it's"], "powershell") == "x 'it''s'"
    assert shellcommand.render(["x", "-a.b"], "powershell") == "x '-a.b'"
    for word in ("8GB", "0x1F", "1e3", "1.5", "10kb", "7l", "0b101"):
        assert ps_is_number(word)
    for word in ("wsl2.memory", "20261204T230436.266519Z", "true", "C:\\x"):
        assert not ps_is_number(word)


def test_the_shell_is_chosen_by_platform_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(shellcommand.SHELL_ENV, raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    assert shellcommand.current_shell() == "powershell"
    monkeypatch.setattr(sys, "platform", "linux")
    assert shellcommand.current_shell() == "posix"
    monkeypatch.setenv(shellcommand.SHELL_ENV, "pwsh")
    assert shellcommand.current_shell() == "powershell"


# -- end to end: printed, then run as printed ----------------------------------------------------

def _env(shell: str, **extra: str) -> dict[str, str]:
    env = cli_env({shellcommand.SHELL_ENV: shell, **extra})
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    return env


def _run_printed(line: str, shell: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run one printed command as the user would: bash reads the line; for PowerShell the words
    PowerShell would pass (ps_words) are started as the process."""
    if shell == "posix":
        return subprocess.run(["bash", "-c", line], capture_output=True, text=True, cwd=cwd, env=env,  # noqa: S607
                              timeout=60, check=False)
    argv = ps_words(line)
    return subprocess.run(argv, capture_output=True, text=True, cwd=cwd, env=env, timeout=60, check=False)


SHELLS = ["posix", "powershell"]
UNDO = re.compile(r"\(?undo: (.+?)\)?$", re.M)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A working folder, and a default profile beside it that no printed command may touch."""
    (tmp_path / "work" / "it's a dir").mkdir(parents=True)
    (tmp_path / "profile").mkdir()
    return tmp_path


def _cli(workdir: Path, shell: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = _env(shell, WSLCONFIG_ASSISTANT_PROFILE=str(workdir / "profile"))
    return subprocess.run([sys.executable, "-m", "wslconfig_assistant", *args], capture_output=True, text=True,
                          cwd=workdir / "work", env=env, timeout=60, check=False, stdin=subprocess.DEVNULL)


def _printed(workdir: Path, shell: str, line: str) -> subprocess.CompletedProcess[str]:
    env = _env(shell, WSLCONFIG_ASSISTANT_PROFILE=str(workdir / "profile"))
    return _run_printed(line, shell, workdir / "work", env)


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("command", ["set", "unset", "restore"])
def test_undo_runs_as_printed_on_the_same_file(workdir: Path, shell: str, command: str) -> None:
    relative = "it's a dir/b $x.wslconfig"
    target = workdir / "work" / relative
    original = b"[wsl2]\r\nmemory=1GB\r\nswap=0\r\n"
    target.write_bytes(original)
    if command == "restore":  # restore's own undo puts the restored-over content back
        assert _cli(workdir, shell, "--config", relative, "set", "wsl2.swap", "2GB").returncode == 0
        edited = target.read_bytes()
        result = _cli(workdir, shell, "--config", relative, "restore")
        assert target.read_bytes() == original
        original = edited
    else:
        args = ("set", "wsl2.memory", "8GB") if command == "set" else ("unset", "wsl2.swap")
        result = _cli(workdir, shell, "--config", relative, *args)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() != original
    [undo] = UNDO.findall(re.sub(r"undo:\n\s+", "undo: ", result.stdout))
    ran = _printed(workdir, shell, undo)
    assert ran.returncode == 0, (undo, ran.stderr)
    assert target.read_bytes() == original
    assert not (workdir / "profile" / ".wslconfig").exists()


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
def test_validate_fixes_run_as_printed_and_make_the_same_file_comply(workdir: Path, shell: str, fmt: str) -> None:
    relative = "image/.wslconfig"
    (workdir / "work" / "image").mkdir()
    target = workdir / "work" / relative
    target.write_bytes(b"[wsl2]\r\nmemory=1GB\r\nsafeMode=true\r\nvirtiofs=false\r\n")
    policy = workdir / "work" / "it's a dir" / "team policy.toml"
    policy.write_text('[require]\n"wsl2.networkingMode" = "mirrored"\n"wsl2.kernelCommandLine" = "a=b c"\n',
                      encoding="utf-8")
    args = ("--config", relative, "validate", "--offline", "--policy", str(policy), "--format", fmt)
    ran_fixes: list[str] = []
    for _round in range(3):  # safeMode is judged once virtiofs is on: a second round shows its fix
        result = _cli(workdir, shell, *args)
        if result.returncode == 0:
            break
        assert result.returncode == 1, result.stderr
        fixes = _fixes(result.stdout, fmt)
        assert fixes, result.stdout
        for fix in fixes:
            assert fix.startswith("wslconfig-assistant --config image/.wslconfig "), fix
            ran = _printed(workdir, shell, fix)
            assert ran.returncode == 0, (fix, ran.stderr)
            ran_fixes.append(fix)
    assert _cli(workdir, shell, *args).returncode == 0
    assert len(ran_fixes) == 5, ran_fixes  # virtiofs, safeMode, memory, two required keys
    assert not (workdir / "profile" / ".wslconfig").exists()


def _fixes(stdout: str, fmt: str) -> list[str]:
    if fmt == "json":
        return [f["fix"] for f in json.loads(stdout)["findings"] if f["severity"] == "error"]
    if fmt == "junit":
        texts = [case.find("failure").text or "" for case in junit_suite(stdout).iter("testcase")
                 if case.find("failure") is not None and case.find("failure").text]
        return [t.split("\nfix: ", 1)[1] for t in texts if "\nfix: " in t]  # junitxml: PATH:LINE: message, fix: line
    if fmt == "github":
        return [line.split(". Fix: ", 1)[1] for line in stdout.splitlines() if line.startswith("::error")]
    # A command too long for the line after "fix:" has a line of its own (never broken).
    text = re.sub(r"fix:\n\s+", "fix: ", stdout)
    return [line.split("fix: ", 1)[1] for line in text.splitlines() if line.strip().startswith("fix: ")
            and "wslconfig-assistant" in line]


@pytest.mark.parametrize("shell", SHELLS)
def test_apply_next_steps_run_the_wsl_exe_that_was_given(workdir: Path, shell: str) -> None:
    folder = workdir / "work" / "Program Files" / "WSL"
    folder.mkdir(parents=True)
    sim = simulator_exe(folder)
    state = workdir / "sim state.json"
    state.write_text(json.dumps({"wsl_version": "2.7.3.0", "vm_running": True}), encoding="utf-8")
    target = workdir / "work" / "b.wslconfig"
    env = {"WSLCONFIG_ASSISTANT_SIM_STATE": str(state)}
    result = subprocess.run(
        [sys.executable, "-m", "wslconfig_assistant", "--config", "b.wslconfig", "--wsl-exe", sim, "apply",
         "--no-update"], capture_output=True, text=True, cwd=workdir / "work", stdin=subprocess.DEVNULL,
        env=_env(shell, **env), timeout=60, check=False)
    assert target.exists(), result.stderr
    # Each is too long for its line, so it has lines of its own, whole.
    # The same two commands are also the fixes of known-issue findings (2.7.3.0 has known bugs), where they
    # are one line joined by `;`: each distinct command once, in the order printed.
    steps = list(dict.fromkeys(part.strip().rstrip(";") for line in result.stdout.splitlines()
                               for part in line.split("; ")
                               if part.strip().startswith(("'/", "& '/")) and "wsl.exe'" in part))
    assert len(steps) == 2, result.stdout
    for step in steps:
        ran = _run_printed(step, shell, workdir / "work", _env(shell, **env))
        assert ran.returncode == 0, (step, ran.stderr)
    calls = json.loads(state.read_text(encoding="utf-8"))["calls"]
    assert ["--update", "--pre-release"] in calls
    assert calls[-1] == ["--shutdown"]


def test_mixed_encoding_fix_names_the_file_it_was_given(tmp_path: Path) -> None:
    # The fix is the repair (issue 11.5), on the file given, quoted for the user's shell; run as printed, it works.
    target = tmp_path / "it's" / ".wslconfig"
    target.parent.mkdir()
    target.write_bytes(b"[wsl2]\r\nmemory=8GB\r\n" + "virtiofs=true\r\n".encode("utf-16-le") * 4)
    result = run_cli("--config", target, "validate", "--offline", "--json")
    [fix] = [f["fix"] for f in json.loads(result.stdout)["findings"] if f["code"] == "encoding-unsupported"]
    assert "$HOME" not in fix
    assert fix == shellcommand.render(["wslconfig-assistant", "--config", str(target), "repair"])
    words = shlex.split(fix) if shellcommand.current_shell() == "posix" else ps_words(fix)
    assert run_cli(*words[1:]).returncode == 0
    assert target.read_bytes() == b"[wsl2]\r\nmemory=8GB\r\n" + b"virtiofs=true\r\n" * 4


def test_a_printed_command_never_names_options_it_was_not_given(cli_on: Callable[..., object],
                                                                 config: Path) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=1GB\r\n")
    result = run_cli("--config", config, "validate", "--offline", "--json")
    for finding in json.loads(result.stdout)["findings"]:
        assert "--policy" not in finding["fix"]
        assert "--wsl-exe" not in finding["fix"]
