"""`validate --format github`: findings as GitHub Actions workflow commands, within the runner's rules.

The rules are GitHub's runner's (actions/runner, ActionCommand.TryParseV2 and ExecutionContext.AddIssue):
- one command per line, `::error file=F,line=N,title=T::MESSAGE`; in the message `%`, CR and LF are
  written `%25`, `%0D`, `%0A`; in a property also `:` and `,` (`%3A`, `%2C`);
- the message, once unescaped, is cut at 4,096 UTF-16 code units: a long quoted value would push the fix
  off the end, so the message is shortened in its middle first and the fix always survives;
- a step shows at most 10 annotations of each kind (error, warning, notice; actions/toolkit
  docs/problem-matchers.md) and drops the rest silently: the findings that matter for the fast path
  come first (the policy's errors), the 10th of a kind says how many more there are and which command
  lists them all, and the rest are printed as plain log lines, never lost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from wslconfig_assistant.core.findings import Finding
from wslconfig_assistant.wslconfig.linenumbers import shown_line

MESSAGE_LIMIT = 4096  # UTF-16 code units the runner keeps of a message
PER_KIND = 10  # annotations of each kind a step shows
# The policy's own checks: what decides whether WSL is on the fast path.
POLICY_CODES = ("virtiofs-disabled", "virtiofs-overridden", "memory-too-low", "kernel-too-old",
                "devicehost-too-old", "version-unknown", "required-key")
_KIND = {"error": "error", "warning": "warning"}  # info -> notice
_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _units(text: str) -> int:
    """Length in UTF-16 code units, as .NET's String.Length counts it."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _plain(text: str) -> str:
    # Bytes of the file that were not UTF-8 (lone surrogates) cannot be written as UTF-8: show them.
    return _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}" if ord(m.group()) >= 0xDC80
                          else f"\\u{ord(m.group()):04x}", text)


def _elide(text: str, budget: int) -> str:
    """``text`` within ``budget`` code units, cut in the middle (the start names the line, the end
    often names the problem), saying how much was cut."""
    if _units(text) <= budget:
        return text
    keep = max(budget - 40, 0)  # room for the mark
    head_n, tail_n = keep * 2 // 3, keep - keep * 2 // 3
    while True:
        head, tail = text[:head_n], text[len(text) - tail_n:] if tail_n else ""
        elided = f"{head} [... {len(text) - len(head) - len(tail)} characters cut ...] {tail}"
        excess = _units(elided) - budget
        if excess <= 0 or not (head_n or tail_n):
            return elided
        cut_head = min(head_n, max(1, excess * 2 // 3))
        head_n, tail_n = head_n - cut_head, max(tail_n - max(excess - cut_head, 0), 0)


def message(text: str, fix: str, limit: int = MESSAGE_LIMIT) -> str:
    """`TEXT. Fix: FIX` within ``limit``: the fix whole when it fits in half, the text shortened first."""
    joint = ". Fix: "
    fix = _elide(fix, limit // 2)
    return _elide(text, limit - _units(joint) - _units(fix)) + joint + fix


def priority(finding: Finding) -> tuple[int, int]:
    rank = {"error": 1, "warning": 2}.get(finding.severity, 3)
    if finding.severity == "error" and finding.code in POLICY_CODES:
        rank = 0
    return rank, POLICY_CODES.index(finding.code) if rank == 0 else 0


def github(path: str, findings: Sequence[Finding], *, lines: dict[int, int] | None = None,
           list_all: str = "wslconfig-assistant validate --format text") -> str:
    """The annotations, most important first; ``lines`` maps WSL's line numbers to LF-counted ones;
    ``list_all`` is the command that lists every finding."""
    mapping = lines or {}
    ordered = sorted(findings, key=priority)  # stable: the caller's order within a rank
    totals: dict[str, int] = {}
    for f in ordered:
        kind = _KIND.get(f.severity, "notice")
        totals[kind] = totals.get(kind, 0) + 1
    shown: dict[str, int] = {}
    out: list[str] = []
    log: list[str] = []
    file_prop = escape_property(_plain(path))
    for f in ordered:
        kind = _KIND.get(f.severity, "notice")
        line, note = shown_line(f.line, mapping)
        text = _plain(f.message) + note
        n = shown.get(kind, 0) + 1
        shown[kind] = n
        if n > PER_KIND:
            where = f"{path}:{line}" if line else path
            log.append(_plain(f"wslconfig-assistant: {kind} not annotated: {where}: [{f.code}] {f.message}{note} "
                              f"(fix: {f.fix})"))
            continue
        fix = _plain(f.fix)
        if n == PER_KIND and totals[kind] > PER_KIND:
            more = totals[kind] - PER_KIND
            fix += (f". {more} more {kind}{'s' * (more != 1)} not shown as annotations (GitHub shows {PER_KIND} "
                    f"of each kind per step; all are in this step's log): {list_all}")
        props = f"file={file_prop}" + (f",line={line}" if line else "") + f",title={escape_property(f.code)}"
        out.append(f"::{kind} {props}::{escape_data(message(text, fix))}")
    return "".join(line + "\n" for line in out + log)


def tool_error(path: str | None, text: str, fix: str | None, exit_code: int) -> str:
    """One `::error` for a run that stopped (exit 2-5): without it the step fails with no annotation."""
    props = (f"file={escape_property(_plain(path))}," if path else "") + f"title={escape_property(f'exit {exit_code}')}"
    body = message(_plain(f"wslconfig-assistant stopped: {text}"), _plain(fix or "see the step's log"))
    return f"::error {props}::{escape_data(body)}\n"
