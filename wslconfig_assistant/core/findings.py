"""Findings: what the checks report, with stable codes (CONTRACT.md) and a fix each."""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

Severity = Literal["error", "warning", "info"]

# Codes whose default severity is fixed by the contract. Anything that makes WSL
# drop or ignore what the user wrote is an error; noise WSL merely warns about is
# a warning. `--strict` turns every warning into an error.
ERROR_CODES = frozenset(
    {
        "virtiofs-disabled",
        "virtiofs-overridden",
        "memory-too-low",
        "memory-invalid",
        "kernel-too-old",
        "kernel-patch-missing",
        "devicehost-too-old",
        "version-unknown",
        "invalid-value",
        "invalid-escape",
        "invalid-line",
        "encoding-unsupported",
        "wrong-section",
        "key-outside-section",
        "required-key",
    }
)
WARNING_CODES = frozenset(
    {
        "unknown-key",
        "duplicate-key",
        "semicolon-comment",
        "custom-kernel",
        "shutdown-required",
        "escape-in-path",
        "non-ascii-value",
        "memory-no-swiotlb",
        "encoding-mixed-eol",
        "control-character",
        "known-issue",
        "no-windows-drives",
        "stable-channel",
        "encoding-invalid-bytes",
        "too-new-for-wsl",
    }
)
INFO_CODES = frozenset({"setting-ignored", "encoding-note"})


# What a message must not carry raw: C0 controls (ESC would drive the terminal, CR would
# overwrite the line, NUL would cut it), DEL, C1 controls (0x9B is a one-byte CSI) and the
# bidirectional overrides that make text read differently from what it is ("Trojan Source").
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with every unprintable character written as a Python-style escape (``\\x1b``)."""
    if text.isascii() and text.isprintable():
        return text
    return _UNPRINTABLE.sub(_escape, text)


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code == 9:
        return "\\t"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def default_severity(code: str) -> Severity:
    if code in ERROR_CODES:
        return "error"
    if code in WARNING_CODES:
        return "warning"
    return "info"


class Finding(NamedTuple):
    code: str
    message: str
    fix: str
    severity: Severity
    key: str | None = None
    line: int | None = None

    @classmethod
    def make(
        cls,
        code: str,
        message: str,
        fix: str,
        *,
        key: str | None = None,
        line: int | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        # Messages quote the file's text: whatever it holds, they print as one plain line.
        return cls(code, visible(message), visible(fix), severity or default_severity(code), key, line)

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "key": self.key,
            "line": self.line,
            "message": self.message,
            "fix": self.fix,
        }

    def escalated(self) -> Finding:
        """The same finding as an error (for --strict)."""
        return self._replace(severity="error") if self.severity == "warning" else self


def sort_key(finding: Finding) -> tuple[int, int, str, str, str, str]:
    """Findings read top to bottom: by line, file-wide ones (no line) first. The tail breaks
    every tie (two `invalid-line` on one line), so any discovery order gives one list."""
    return (finding.line or 0, 0 if finding.severity == "error" else 1, _ORDER_AS.get(finding.code, finding.code),
            finding.key or "", finding.message, finding.fix)


# The version gates in the order `versions` lists them (WSL, kernel, DeviceHost), everywhere.
_ORDER_AS = {"devicehost-too-old": "kernel-too-old~"}
