"""Every command the tool prints for the user to run (a fix, an undo, a next step) is made here,
so that it runs as printed, on the same file, in the shell the user is in.

- The shell: PowerShell on Windows (the README's and Windows Terminal's default), a POSIX shell
  (bash, inside WSL too) elsewhere. ``WSLCONFIG_ASSISTANT_SHELL=powershell|posix`` overrides it,
  e.g. for Git Bash on Windows or pwsh on Linux. cmd.exe is not a target: its quoting cannot carry
  every path, and the tool's docs are PowerShell's.
- The options that chose the file: a printed ``wslconfig-assistant`` command carries the
  ``--config``, ``--wsl-exe`` and ``--policy`` the running command was given (each only where the
  printed command uses it), as the user typed them; a printed ``wsl`` command runs the
  ``--wsl-exe`` that was given. ``main`` records them once per run (``remember``): the fixes are
  made deep in pure checks, and threading the invocation through each of them would put it in
  every signature for one purpose.

Quoting follows each shell's documented rules:
- POSIX (XCU 2.2.3, as ``shlex.quote``): a word of safe characters stays bare, anything else is
  put in single quotes, a single quote written as ``'"'"'``.
- PowerShell (the language specification, 2.3.2 and 2.3.5.2; about_Parsing, about_Quoting_Rules,
  about_Numeric_Literals): a word stays bare only when it holds no character PowerShell treats
  specially in argument mode and does not read as a number (``8GB`` is the number 8589934592 to
  PowerShell); anything else is a verbatim string in single quotes, where each single-quote
  character (``'`` and the typographic U+2018 to U+201B, which PowerShell reads as quotes too) is
  doubled. A quoted program needs the call operator ``&`` before it, or PowerShell reads a string
  expression and does not run it. An option-like word stays bare only as a plain ``--name``:
  Windows PowerShell splits ``-a.b`` at the dot when passing it to a program.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from typing import Literal, NamedTuple

Shell = Literal["powershell", "posix"]

PROG = "wslconfig-assistant"
SHELL_ENV = "WSLCONFIG_ASSISTANT_SHELL"

# Commands that run wsl.exe (so --wsl-exe matters) and commands that take --policy.
_RUNS_WSL = frozenset({"setup", "apply", "validate", "versions", "verify"})
_TAKES_POLICY = frozenset({"setup", "apply", "validate", "versions", "verify"})

_POSIX_SAFE = re.compile(r"[\w@%+=:,./-]+", re.ASCII)
# Bare words PowerShell passes through as written: no whitespace, quotes, `$`, backtick, `@`,
# `#`, braces, parentheses, `,`, `;`, `|`, `&`, `<`, `>`, `*`, `?`, `[`, `]` or `~`.
_PS_SAFE = re.compile(r"[A-Za-z0-9_./\\:=+-]+")
_PS_OPTION = re.compile(r"--?[A-Za-z][A-Za-z0-9-]*")
# A numeric literal in argument mode: decimal, hex or binary digits, a fraction or exponent,
# then type and multiplier suffixes (about_Numeric_Literals). Matched case-insensitively.
_PS_NUMBER = re.compile(
    r"[+-]?(?:0x[0-9a-f]+|0b[01]+|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)"
    r"(?:y|uy|s|us|l|u|ul|n|d)?(?:kb|mb|gb|tb|pb)?",
    re.IGNORECASE,
)
_PS_QUOTES = "'\u2018\u2019\u201a\u201b"


def current_shell() -> Shell:
    """The shell printed commands are written for (see the module's docstring)."""
    chosen = os.environ.get(SHELL_ENV, "").strip().lower()
    if chosen in ("powershell", "pwsh"):
        return "powershell"
    if chosen in ("posix", "sh", "bash", "zsh"):
        return "posix"
    return "powershell" if sys.platform == "win32" else "posix"


def quote(word: str, shell: Shell) -> str:
    """One argument, written so that ``shell`` passes exactly ``word`` to the program."""
    if shell == "posix":
        if word and _POSIX_SAFE.fullmatch(word):
            return word
        return "'" + word.replace("'", "'\"'\"'") + "'"
    if word and _ps_bare(word):
        return word
    return "'" + "".join(c + c if c in _PS_QUOTES else c for c in word) + "'"


def _ps_bare(word: str) -> bool:
    if word.startswith("-"):
        return _PS_OPTION.fullmatch(word) is not None
    return _PS_SAFE.fullmatch(word) is not None and _PS_NUMBER.fullmatch(word) is None


def render(argv: Sequence[str], shell: Shell | None = None) -> str:
    """A program and its arguments as one command line for ``shell`` (default: the user's)."""
    shell = shell or current_shell()
    program, *args = argv
    words = [quote(program, shell), *(quote(a, shell) for a in args)]
    if shell == "powershell" and words[0] != program:
        words.insert(0, "&")  # a quoted program is a string until the call operator runs it
    line = " ".join(words)
    _rendered.add(line)
    return line


# Every command rendered in this process: columns.fit never breaks one across lines.
_rendered: set[str] = set()


def printed_in(text: str) -> list[tuple[int, int]]:
    """Where the commands rendered so far appear in ``text``: (start, end) spans, in order,
    not overlapping (the longest wins)."""
    spans: list[tuple[int, int]] = []
    for command in sorted((c for c in _rendered if " " in c and c in text), key=len, reverse=True):
        at = text.find(command)
        while at >= 0:
            end = at + len(command)
            whole = (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum())
            if whole and all(end <= s or at >= e for s, e in spans):
                spans.append((at, end))
            at = text.find(command, end)
    return sorted(spans)


class Invocation(NamedTuple):
    """The options of the running command that chose the file, the policy and wsl.exe."""

    config: str | None = None
    wsl_exe: str | None = None
    policy: str | None = None


_invocation = Invocation()


def remember(invocation: Invocation) -> None:
    """Record the running command's options (``main`` does, once per run)."""
    global _invocation  # noqa: PLW0603 - one record per process, set before any command runs
    _invocation = invocation


def invocation() -> Invocation:
    return _invocation


def ours_argv(command: str, *args: str) -> list[str]:
    """``wslconfig-assistant COMMAND ARGS`` with the options that chose the file."""
    argv = [PROG]
    inv = _invocation
    if inv.config is not None:
        argv += ["--config", inv.config]
    if inv.wsl_exe is not None and command in _RUNS_WSL:
        argv += ["--wsl-exe", inv.wsl_exe]
    argv.append(command)
    if inv.policy is not None and command in _TAKES_POLICY:
        argv += ["--policy", inv.policy]
    argv += args
    return argv


def ours(command: str, *args: str) -> str:
    """A printed ``wslconfig-assistant`` command, ready to run as printed."""
    return render(ours_argv(command, *args))


def wsl(*args: str) -> str:
    """A printed ``wsl`` command: the ``--wsl-exe`` that was given, else ``wsl`` from PATH."""
    return render([_invocation.wsl_exe or "wsl", *args])
