"""`validate --format junit`: the findings as a JUnit XML report the common publishers accept.

The document is valid against both schemas CI tools use (tests/schemas: the Jenkins xunit-plugin
junit-10.xsd and the Apache Ant JUnit.xsd): `<testsuites>` without attributes, one `<testsuite>` with
`package`, `id`, `timestamp` (no zone, UTC), `hostname`, `time`, then `<properties>`, the test cases,
`<system-out>` and `<system-err>`, in that order; each case with `name`, `classname` and `time`.

Every text and attribute goes through one escaping (``text``/``attribute``): XML 1.0 forbids most C0
controls, lone surrogates (bytes that were not UTF-8), U+FFFE and U+FFFF even as character references,
so those are written as visible escapes (``\\x01``, ``\\uffff``), then ``& < > "`` are escaped, and in an
attribute TAB, LF and CR become references so attribute normalisation keeps them.

Test names are stable across agents and edits: `compliance` for the whole check, and one case per
error finding named after its code and key (`memory-too-low wsl2.memory`), numbered only when the same
code and key fail twice; the line and the path are in the failure's message, never in a name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from wslconfig_assistant.core.findings import Finding
from wslconfig_assistant.wslconfig.linenumbers import shown_line

SUITE = "wslconfig-assistant validate"
CLASS = "wslconfig"
# What XML 1.0 allows (its Char production), as a set to keep.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _visible(m: re.Match[str]) -> str:
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def text(value: str) -> str:
    """Character data: any string, as valid XML 1.0 text."""
    return _NOT_XML.sub(_visible, value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribute(value: str) -> str:
    """An attribute value, quotes included: any string, read back as written."""
    safe = text(value).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")
    return f'"{safe}"'


class Run(NamedTuple):
    """Where and when the check ran (the suite's attributes)."""

    timestamp: str  # YYYY-MM-DDTHH:MM:SS, UTC, no zone (the Ant schema's pattern)
    hostname: str
    seconds: float
    version: str


def this_run(seconds: float) -> Run:
    import socket  # noqa: PLC0415 - junit only
    import time  # noqa: PLC0415

    from wslconfig_assistant import __version__  # noqa: PLC0415

    try:
        host = socket.gethostname().strip()
    except OSError:
        host = ""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    return Run(stamp, host or "localhost", seconds, __version__)


def _case_names(errors: Sequence[Finding]) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for f in errors:
        base = f"{f.code} {f.key}" if f.key else f.code
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base} #{seen[base]}")
    return names


def _where(path: str, f: Finding, lines: dict[int, int]) -> tuple[str, str]:
    """(`path:line`, the note when WSL numbers the line differently)."""
    line, note = shown_line(f.line, lines)
    return (f"{path}:{line}" if line else path), note


def junit(path: str, findings: Sequence[Finding], run: Run, *, lines: dict[int, int] | None = None) -> str:
    mapping = lines or {}
    errors = [f for f in findings if f.severity == "error"]
    others = [f for f in findings if f.severity != "error"]
    cases = []
    compliance = f"    <testcase classname={attribute(CLASS)} name=\"compliance\" time=\"{run.seconds:.3f}\""
    if errors:
        listing = "\n".join(f"{_where(path, f, mapping)[0]}: [{f.code}] {f.message}" for f in errors)
        count = f"{len(errors)} error{'s' * (len(errors) != 1)}: does not comply"
        compliance += (f">\n      <failure message={attribute(count)} type=\"not-compliant\">{text(listing)}"
                       "</failure>\n    </testcase>")
    else:
        compliance += "/>"
    cases.append(compliance)
    for f, name in zip(errors, _case_names(errors), strict=True):
        where, note = _where(path, f, mapping)
        line_first = f"line {where.rsplit(':', 1)[1]}: " if f.line else ""
        cases.append(
            f"    <testcase classname={attribute(f'{CLASS}.{f.code}')} name={attribute(name)} time=\"0\">\n"
            f"      <failure message={attribute(line_first + f.message + note)} type={attribute(f.code)}>"
            f"{text(f'{where}: {f.message}{note}')}\nfix: {text(f.fix)}</failure>\n"
            "    </testcase>"
        )
    out = "\n".join(f"{f.severity} {_where(path, f, mapping)[0]}: [{f.code}] {f.message}{_where(path, f, mapping)[1]}"
                    f" (fix: {f.fix})" for f in others)
    return _document(path, run, cases, failures=len(errors) + (1 if errors else 0), errors=0, out=out)


def tool_error(path: str | None, message: str, fix: str | None, exit_code: int, run: Run) -> str:
    """A run that stopped (exit 2-5) still writes a valid report: one case in error that says why
    (publishers reject an empty file, and the step's failure would say nothing)."""
    body = message + (f"\nfix: {fix}" if fix else "")
    case = (f"    <testcase classname={attribute(CLASS)} name=\"compliance\" time=\"{run.seconds:.3f}\">\n"
            f"      <error message={attribute(message)} type={attribute(f'exit-{exit_code}')}>{text(body)}</error>\n"
            "    </testcase>")
    return _document(path or "", run, [case], failures=0, errors=1, out="")


def _document(path: str, run: Run, cases: list[str], *, failures: int, errors: int, out: str) -> str:
    body = "\n".join(cases)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<testsuites>\n"
        f'  <testsuite name="{SUITE}" package="wslconfig-assistant" id="0" timestamp="{run.timestamp}" '
        f"hostname={attribute(run.hostname)} tests=\"{len(cases)}\" failures=\"{failures}\" errors=\"{errors}\" "
        f'skipped="0" time="{run.seconds:.3f}">\n'
        "    <properties>\n"
        f"      <property name=\"config\" value={attribute(path)}/>\n"
        f"      <property name=\"wslconfig-assistant\" value={attribute(run.version)}/>\n"
        "    </properties>\n"
        f"{body}\n"
        f"    <system-out>{text(out)}</system-out>\n"
        "    <system-err></system-err>\n"
        "  </testsuite>\n"
        "</testsuites>\n"
    )
