"""Asking a person: a thin interface over questionary, so the wizard's logic needs no terminal.

Only ``setup`` (and `demo` on a terminal) ever builds a :class:`TerminalPrompter`, and only
then is questionary (with prompt_toolkit, ~120 ms of imports) loaded: every other command,
and this module's import, stay free of it.

Rules every implementation follows (research/libraries.md §4):
- Ctrl-C raises KeyboardInterrupt. questionary's ``ask()`` would swallow it and return
  None, so ``unsafe_ask()`` is used, and a None answer is turned into KeyboardInterrupt too.
- A console that cannot be prompted on (EOF on stdin, no Windows console buffer under
  mintty or a redirection, any OSError) raises :class:`NoTerminalError` (exit 2, use `apply`).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from wslconfig_assistant.core.errors import UsageError

if TYPE_CHECKING:
    from questionary import Question

# Returns None when the answer is fine, else what is wrong with it (shown, then asked again).
Validator = Callable[[str], "str | None"]

# prompt_toolkit.output.win32 asserts sys.platform == "win32" at import: caught by name.
_CONSOLE_ERRORS = frozenset({"NoConsoleScreenBufferError"})


class NoTerminalError(UsageError):
    """There is no terminal to ask on (exit 2)."""

    def __init__(self, why: str) -> None:
        from wslconfig_assistant.core.shellcommand import ours  # noqa: PLC0415

        super().__init__(f"setup asks questions, and {why}",
                         fix=f"for scripts and CI use `{ours('apply')}` (it never prompts; `--dry-run` first)")


class Prompter(Protocol):
    """What the wizard asks through. Every method may raise KeyboardInterrupt or NoTerminalError."""

    def confirm(self, question: str, *, default: bool = True) -> bool: ...

    def text(self, question: str, *, default: str, validate: Validator) -> str: ...


def can_prompt() -> bool:
    """True when a person can answer: stdin and stdout are terminals and this is not CI."""
    if os.environ.get("CI"):
        return False
    from wslconfig_assistant.system.streams import is_terminal  # noqa: PLC0415

    return is_terminal(sys.stdin) and is_terminal(sys.stdout)


def no_terminal_reason() -> str:
    if os.environ.get("CI"):
        return "CI is set (a pipeline, where nobody can answer)"
    return "stdin or stdout is not a terminal (nobody could answer, or the prompts would go into a file)"


class TerminalPrompter:
    """questionary on the real terminal; built only when :func:`can_prompt` said yes.

    questionary is imported at the first question, not before: the current state is on the
    screen while it loads. (Loading it in a thread during `wsl --version` would save that
    overlap, but two threads importing one package graph can see half-initialised modules.)"""

    def __init__(self, *, color: bool) -> None:
        self._color = color

    @property
    def _q(self) -> Any:  # the questionary module
        with _console_errors():
            import questionary  # noqa: PLC0415 - only the wizard pays for prompt_toolkit

        return questionary

    def confirm(self, question: str, *, default: bool = True) -> bool:
        # auto_enter=False: "n" shows No and Enter confirms it, as with every other prompt; a
        # lone key would answer at once and leave a following Enter to the next question.
        return bool(self._ask(lambda **kw: self._q.confirm(question, default=default, auto_enter=False, **kw)))

    def text(self, question: str, *, default: str, validate: Validator) -> str:
        def check(answer: str) -> bool | str:
            problem = validate(answer)
            return True if problem is None else problem

        # validate_while_typing=False: "8" on the way to "8GB" is not an error worth showing.
        answer = self._ask(lambda **kw: self._q.text(question, default=default, validate=check,
                                                     validate_while_typing=False, **kw))
        return str(answer)

    def _ask(self, build: Callable[..., Question]) -> Any:  # questionary's answers are Any
        sys.stdout.flush()  # what the wizard printed comes before the prompt prompt_toolkit draws
        with _console_errors():
            answer = build(**({} if self._color else _plain())).unsafe_ask()
        if answer is None:  # what questionary gives for a cancelled prompt
            raise KeyboardInterrupt
        return answer


def _plain() -> dict[str, Any]:
    """The prompt options for NO_COLOR / --no-color: one-bit colour depth, and questionary's
    colours (the "?" and the answer) reset; bold stays, which is no colour."""
    from prompt_toolkit.output.color_depth import ColorDepth  # noqa: PLC0415
    from prompt_toolkit.styles import Style  # noqa: PLC0415

    style = Style([("qmark", "fg:default"), ("answer", "fg:default bold"), ("instruction", "fg:default")])
    return {"style": style, "color_depth": ColorDepth.DEPTH_1_BIT}


@contextlib.contextmanager
def _console_errors() -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        raise
    except EOFError as exc:
        raise NoTerminalError("stdin ended (EOF)") from exc
    except Exception as exc:
        if isinstance(exc, OSError) or type(exc).__name__ in _CONSOLE_ERRORS:
            raise NoTerminalError(f"this console cannot show prompts ({type(exc).__name__}: {exc})") from exc
        raise


class ScriptedPrompter:
    """Answers from a list, for tests of the wizard's logic (no terminal, no questionary).

    Each answer is a value, None for "press Enter" (the default), or KeyboardInterrupt to
    stand for Ctrl-C. ``asked`` records every question; an answer that fails the text
    validator is recorded in ``rejected`` and the next answer is taken, as a re-ask would.
    """

    def __init__(self, answers: Sequence[object]) -> None:
        self._answers: Iterator[object] = iter(answers)
        self.asked: list[str] = []
        self.rejected: list[tuple[str, str]] = []

    def _next(self, question: str) -> object:
        self.asked.append(question)
        try:
            answer = next(self._answers)
        except StopIteration:
            raise NoTerminalError(f"no scripted answer is left for {question!r}") from None
        if answer is KeyboardInterrupt:
            raise KeyboardInterrupt
        return answer

    def confirm(self, question: str, *, default: bool = True) -> bool:
        answer = self._next(question)
        return default if answer is None else bool(answer)

    def text(self, question: str, *, default: str, validate: Validator) -> str:
        while True:
            answer = self._next(question)
            value = default if answer is None else str(answer)
            problem = validate(value)
            if problem is None:
                return value
            self.rejected.append((value, problem))
