"""Findings: what the checks report, with stable codes (CONTRACT.md) and a fix each."""

from __future__ import annotations

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
    }
)
INFO_CODES = frozenset({"setting-ignored", "encoding-note"})


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
        return cls(code, message, fix, severity or default_severity(code), key, line)

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


def sort_key(finding: Finding) -> tuple[int, int, str]:
    """Findings read top to bottom: by line, file-wide ones (no line) first."""
    return (finding.line or 0, 0 if finding.severity == "error" else 1, finding.code)
