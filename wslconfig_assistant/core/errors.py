"""Exit codes of the contract, and the exceptions that carry them.

Every expected failure is an AssistantError subclass whose class attribute
``exit_code`` is what the process exits with; main.py maps them in one place.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    NOT_COMPLIANT = 1
    USAGE = 2
    CONFIG_UNREADABLE = 3
    WSL_FAILED = 4
    WRITE_FAILED = 5
    INTERRUPTED = 130


class AssistantError(Exception):
    """An expected failure with a message for people and a documented exit code."""

    exit_code: ExitCode = ExitCode.NOT_COMPLIANT

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        if self.fix:
            return f"{self.message}\n  fix: {self.fix}"
        return self.message


class UsageError(AssistantError):
    """Bad option, bad KEY or VALUE, unreadable policy file."""

    exit_code = ExitCode.USAGE


class ConfigUnreadableError(AssistantError):
    """The .wslconfig cannot be read or decoded safely; nothing was written."""

    exit_code = ExitCode.CONFIG_UNREADABLE


class WslError(AssistantError):
    """wsl.exe is missing, failed, or timed out."""

    exit_code = ExitCode.WSL_FAILED


class WriteRefusedError(AssistantError):
    """A write was refused or failed; the original file is intact."""

    exit_code = ExitCode.WRITE_FAILED


class ConcurrentEditError(WriteRefusedError):
    """The file changed between our read and our write."""


class InterruptedAfterWrite(KeyboardInterrupt):
    """Ctrl-C after a write of this run: ``written`` says exactly what was written (and how to undo
    it), so the interrupt report does not claim that nothing was."""

    def __init__(self, written: str) -> None:
        super().__init__(written)
        self.written = written
