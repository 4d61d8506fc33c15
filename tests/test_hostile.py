"""Hostile input (issue 5, item 4): files, arguments, profile folders and policy files built to
break a reader. Each one gets a documented exit code (CONTRACT.md), a message that names the file
(and the line where there is one) with a fix, bounded time and memory, and never a traceback.

Files are generated here as real bytes (CRLF, BOMs, UTF-16LE), the big ones once per module, and
run through the real CLI. The hostile-file matrix runs each process under an address-space cap
(a launcher that sets RLIMIT_AS, then runs the package as ``python -m`` would) with a timeout, and
records wall time and peak RSS per case; set WSLCONFIG_HOSTILE_FIGURES=PATH to have them written
out. They are figures for people, not assertions: the cap and the timeout are the bounds.
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from conftest import CliResult, cli_env, parse_json_doc, run_cli

from wslconfig_assistant.core.errors import UsageError
from wslconfig_assistant.wslconfig import schema
from wslconfig_assistant.wslconfig.document import ConfigDocument

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_AS and the generated profiles are POSIX")

MEMORY_CAP = 1 << 30  # address space of each capped child; a 10 MB file must fit comfortably
TIMEOUT = 60.0  # seconds; a generous guard against a hang, not a speed target
EXIT_CODES = {0, 1, 2, 3, 4, 5, 130}  # CONTRACT.md

# Runs the package exactly as `python -m wslconfig_assistant` does, under an address-space cap,
# and leaves its peak RSS in a file: VmHWM belongs to the process's own memory map, whereas
# wait4's ru_maxrss keeps the high-water mark of the (big) test process it was forked from.
LAUNCHER = (
    "import resource, runpy, sys\n"
    "cap, report = int(sys.argv.pop(1)), sys.argv.pop(1)\n"
    "resource.setrlimit(resource.RLIMIT_AS, (cap, cap))\n"
    "try:\n"
    "    runpy.run_module('wslconfig_assistant', run_name='__main__', alter_sys=True)\n"
    "finally:\n"
    "    try:\n"
    "        with open('/proc/self/status') as status:\n"
    "            peak = [line.split()[1] for line in status if line.startswith('VmHWM:')]\n"
    "        with open(report, 'w') as out:\n"
    "            out.write(peak[0] if peak else '')\n"
    "    except OSError:\n"
    "        pass\n"
)

FIGURES: list[tuple[str, str, int, float, float]] = []


class Capped(NamedTuple):
    result: CliResult
    seconds: float
    peak_mb: float


def run_capped(*args: object, label: str = "") -> Capped:
    """The CLI in a capped child; its exit code, output, wall time and peak RSS (VmHWM)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        argv = [sys.executable, "-c", LAUNCHER, str(MEMORY_CAP), rss.name, *(str(a) for a in args)]
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=cli_env())
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(TIMEOUT, kill)
        timer.start()
        try:
            _pid, status, _usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        peak_kib = rss.read().strip()
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(
            argv, proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))
    assert not killed.is_set(), f"{label}: still running after {TIMEOUT:.0f} s"
    peak_mb = int(peak_kib) / 1024 if peak_kib.isdigit() else 0.0
    FIGURES.append((label, " ".join(str(a) for a in args[2:]), result.returncode, seconds, peak_mb))
    return Capped(result, seconds, peak_mb)


@pytest.fixture(scope="module", autouse=True)
def _figures() -> Iterator[None]:
    yield
    target = os.environ.get("WSLCONFIG_HOSTILE_FIGURES")
    if target and FIGURES:
        with open(target, "a", encoding="utf-8") as fh:
            for label, args, code, seconds, peak in FIGURES:
                fh.write(f"{label:<22} {args:<40} exit {code:<3} {seconds:6.2f} s {peak:7.1f} MB\n")


def assert_clean(result: CliResult) -> None:
    assert result.returncode in EXIT_CODES, result.returncode
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "Traceback" not in result.stdout[:100000]


# =====================================================================================
# Hostile files
# =====================================================================================


class Hostile(NamedTuple):
    name: str
    data: bytes
    marker: tuple[str, int] | None  # a finding (code, line) validate must report
    memory: str | None  # what `get wsl2.memory` prints; None: exit 1 (WSL takes no memory)
    set_code: int  # `set wsl2.virtiofs true`: 0 (written), 3 (unreadable: refused)
    values: dict[str, Any]  # a subset of `show --json` values: key -> (value, line)


def _utf16(text: str) -> bytes:
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le", "surrogatepass")


def _big_ordinary() -> tuple[bytes, int]:
    """10 MB of what real files hold: comments, blank lines, sections and keys, CRLF; a `;` line
    near the end is the marker (its line number is returned)."""
    parts = ["# team .wslconfig\r\n", "[wsl2]\r\n", "memory=8GB\r\n", "processors=4\r\n"]
    keys = ("swap=4GB", "localhostForwarding=true", "guiApplications=false", "nestedVirtualization=true")
    size, line, i = sum(map(len, parts)), 5, 0
    while size < 10 << 20:
        chunk = f"# ordinary comment line {i:07d}: the quick brown fox jumps over the lazy dog\r\n"
        lines = 1
        if i % 1000 == 0:
            chunk += f"[experimental]\r\nsparseVhd=true\r\n[wsl2]\r\n{keys[(i // 1000) % 4]}\r\n\r\n"
            lines += 5
        parts.append(chunk)
        size += len(chunk)
        line += lines
        i += 1
    parts.append("; pasted from a wsl.conf\r\n")
    return "".join(parts).encode("ascii"), line


def _hostile_files() -> list[Hostile]:
    big, big_marker = _big_ordinary()
    chain = 100_000
    all_controls = "".join(chr(c) for c in [*range(1, 9), 11, 12, *range(14, 26), *range(27, 32), 127])
    stray_at = 2047  # the last byte of the CRT's first 2048-byte read
    head = b"[wsl2]\r\nmemory=4GB\r\n# "
    eilseq = head + b"x" * (stray_at - len(head)) + b"\x80" + b"\r\nvirtiofs=true\r\n"
    return [
        Hostile("10mb-ordinary", big, ("semicolon-comment", big_marker), "8GB", 0,
                {"wsl2.memory": (8 << 30, 3), "wsl2.processors": (4, 4)}),
        Hostile("1mb-single-line",
                b"[wsl2]\r\nmemory=4GB\r\nmemory=8GB\r\nkernelCommandLine=" + b"console=ttyS0 " * 74899 + b"x",
                ("duplicate-key", 3), "4GB", 0, {"wsl2.memory": (4 << 30, 2)}),
        Hostile("nul-bytes",
                b"[wsl2]\r\nmem\x00ory=1GB\r\nmemory=4GB\x00junk\r\nkernelCommandLine=ab\x00cd\r\n"
                b"[exp\x00erimental]\r\nsparseVhd=true\r\n",
                ("invalid-line", 2), "4GB", 0,
                {"wsl2.memory": (4 << 30, 3), "wsl2.kernelcommandline": ("ab", 4)}),
        Hostile("nul-utf16le",
                _utf16("[wsl2]\r\nmemory=4GB\x00junk\r\nswap=\x001GB\r\n[ws\x00l2]\r\nvirtiofs=true\r\n"),
                ("invalid-value", 3), "4GB", 0, {"wsl2.memory": (4 << 30, 2)}),
        Hostile("utf8-invalid-value",
                b"[wsl2]\r\nmemory=4GB\r\nvmSwitch=caf\xe9 bar\r\nkernel=C:\\\\Users\\\\Jos\xe9\\\\k\r\n",
                ("encoding-invalid-bytes", 3), "4GB", 0, {"wsl2.memory": (4 << 30, 2)}),
        Hostile("utf8-invalid-key-header",
                b"\xef\xbb\xbf[wsl2]\r\nmemory=4GB\r\n\x80\x80=1\r\n[\xc3wsl2]\r\nswap=0\r\n# caf\xe9\r\n",
                ("encoding-invalid-bytes", 3), "4GB", 0, {"wsl2.memory": (4 << 30, 2)}),
        Hostile("utf8-eilseq-chunk", eilseq, ("encoding-unsupported", 3), None, 3, {}),
        Hostile("utf16le-odd-length", _utf16("[wsl2]\r\nmemory=4GB\r\n") + b"x",
                ("encoding-unsupported", 0), "4GB", 3, {"wsl2.memory": (4 << 30, 2)}),
        Hostile("continuation-100k",
                b"[wsl2]\r\nkernelCommandLine=a\\\r\n" + b"b\\\r\n" * chain + b"c\r\nmemory=4GB\r\nmemory=5GB\r\n",
                ("duplicate-key", chain + 5), "4GB", 0,
                {"wsl2.kernelcommandline": ("a" + "b" * chain + "c", chain + 3), "wsl2.memory": (4 << 30, chain + 4)}),
        Hostile("duplicates-10k", b"[wsl2]\r\n" + b"memory=4GB\r\n" * 10_000,
                ("duplicate-key", 10_001), "4GB", 0, {"wsl2.memory": (4 << 30, 2)}),
        Hostile("sections-10k-utf16le",
                _utf16("".join(f"[s{i}]\r\nk=1\r\n" for i in range(10_000)) + "[wsl2]\r\nmemory=4GB\r\n"),
                ("unknown-key", 20_000), "4GB", 0, {"wsl2.memory": (4 << 30, 20_002)}),
        Hostile("control-characters",
                f"[wsl2]\r\nkernelCommandLine=a{all_controls}b\r\nvmSwitch=\tx\ry\r\nmemory=4GB\r\n"
                "swap=1GB\x1a\r\nvirtiofs=true\r\n".encode("ascii"),
                ("control-character", 2), "4GB", 0,
                {"wsl2.kernelcommandline": (f"a{all_controls}b", 2), "wsl2.memory": (4 << 30, 5)}),
    ]


HOSTILE = _hostile_files()
COMMANDS: dict[str, tuple[str, ...]] = {
    "validate-text": ("validate", "--offline"),
    "validate-json": ("validate", "--offline", "--format", "json"),
    "validate-junit": ("validate", "--offline", "--format", "junit"),
    "validate-github": ("validate", "--offline", "--format", "github"),
    "show-json": ("--json", "show"),
    "get": ("get", "wsl2.memory"),
    "set": ("set", "wsl2.virtiofs", "true"),
}


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for case in HOSTILE:
        (folder / case.name).write_bytes(case.data)
    return folder


def test_the_generated_files_are_what_they_claim() -> None:
    by = {case.name: case.data for case in HOSTILE}
    assert len(by["10mb-ordinary"]) >= 10 << 20
    assert by["10mb-ordinary"].count(b"\r\n") == by["10mb-ordinary"].count(b"\n")  # CRLF throughout
    assert max(map(len, by["1mb-single-line"].split(b"\r\n"))) >= 1 << 20
    assert by["continuation-100k"].count(b"\\\r\n") == 100_001
    assert by["duplicates-10k"].count(b"memory=") == 10_000
    assert by["sections-10k-utf16le"].startswith(codecs.BOM_UTF16_LE)
    assert by["sections-10k-utf16le"].decode("utf-16").count("[s") == 10_000
    controls = by["control-characters"]
    assert {chr(c) for c in [*range(1, 32), 127]} <= set(controls.decode("ascii")) | {"\x00"}
    assert b"\x00" in by["nul-bytes"]
    assert "\x00" in by["nul-utf16le"].decode("utf-16")
    assert by["utf8-eilseq-chunk"][2047] == 0x80


def _marker_in_text(case: Hostile, path: Path, out: str) -> None:
    assert case.marker is not None
    code, line = case.marker
    where = f"{path}:{line}:" if line else f"{path}:"
    assert any(row.startswith(where) and f"[{code}]" in row for row in out.splitlines()), (where, code, out[:3000])
    assert "fix: " in out


def _no_raw_controls(text: str) -> None:
    """Human output quotes the file: it must not carry its control characters to the terminal."""
    bad = {c for c in text if (ord(c) < 32 and c not in "\n") or 127 <= ord(c) < 160}
    assert not bad, sorted(bad)


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", HOSTILE, ids=[case.name for case in HOSTILE])
def test_hostile_file(case: Hostile, command: str, hostile_dir: Path, tmp_path: Path) -> None:
    path = hostile_dir / case.name
    if command == "set":  # set writes: work on a copy, next to its own backups
        path = tmp_path / case.name
        path.write_bytes(case.data)
    run = run_capped("--config", path, *COMMANDS[command], label=case.name)
    result = run.result
    assert_clean(result)
    if command.startswith("validate"):
        # Every file lacks virtiofs=true or holds an error WSL drops: never compliant.
        assert result.returncode == 1, result.stderr[-2000:]
    if command == "validate-text":
        _marker_in_text(case, path, result.stdout)
        _no_raw_controls(result.stdout)
    elif command in ("validate-json", "show-json"):
        doc = parse_json_doc(result)
        found = {(f["code"], f["line"] or 0) for f in doc["findings"]}
        assert case.marker in found, sorted(found)[:20]
        if command == "show-json":
            errors = any(f["severity"] == "error" for f in doc["findings"])
            assert result.returncode == (1 if errors else 0)  # show exits 1 on an error finding
            assert doc["config"] == str(path)
            for key, (value, line) in case.values.items():
                assert doc["values"][key]["value"] == value, key
                assert doc["values"][key]["line"] == line, key
            if not case.values and case.memory is None:
                assert doc["values"] == {}  # WSL cannot read the file: nothing is taken from it
    elif command == "validate-junit":
        root = ET.fromstring(result.stdout)  # noqa: S314 - our own output
        assert list(root.iter("testcase"))
        assert case.marker is not None
        assert case.marker[0] in result.stdout
    elif command == "validate-github":
        rows = result.stdout.splitlines()
        assert rows
        # Annotations, then (past GitHub's 10 of a kind per step) plain log lines that are never commands.
        commands = [row for row in rows if row.startswith(("::error", "::warning", "::notice"))]
        logged = [row for row in rows if row.startswith("wslconfig-assistant: ")]
        assert len(commands) + len(logged) == len(rows), rows[:5]
        assert case.marker is not None
        code, line = case.marker
        want, said = (f"line={line},", f":{line}: [{code}]") if line else ("::", f"[{code}]")
        assert any(want in row and code in row for row in commands) or any(said in row for row in logged), rows[:10]
        _no_raw_controls(result.stdout)
    elif command == "get":
        if case.memory is None:
            assert result.returncode == 1
            assert str(path) in result.stderr
        else:
            assert (result.returncode, result.stdout) == (0, case.memory + "\n"), result.stderr
    elif command == "set":
        _check_set(case, path, result)


def _check_set(case: Hostile, path: Path, result: CliResult) -> None:
    after = path.read_bytes()
    assert result.returncode == case.set_code, result.stderr[-2000:]
    if case.set_code != 0:
        # Refused: the reason names the file, gives a fix, and not a byte changed.
        assert after == case.data
        assert str(path) in result.stderr
        assert "fix: " in result.stderr
        if case.set_code == 3:  # WSL cannot read it as written: the fix is the exact repair command
            assert f"fix: wslconfig-assistant --config {path} repair   (" in result.stderr
        return
    _assert_one_line_changed(case.data, after, "virtiofs=true")
    before_doc, after_doc = ConfigDocument(None, case.data), ConfigDocument(None, after)
    assert after_doc.settings["wsl2.virtiofs"].value is True
    old = {k: s.value for k, s in before_doc.settings.items() if k != "wsl2.virtiofs"}
    new = {k: s.value for k, s in after_doc.settings.items() if k != "wsl2.virtiofs"}
    assert new == old  # WSL reads every other key exactly as before
    assert [h.name for h in after_doc.parsed.headers] == [h.name for h in before_doc.parsed.headers]  # type: ignore[union-attr]


def _assert_one_line_changed(before: bytes, after: bytes, line: str) -> None:
    """``after`` is ``before`` with one line inserted or one value replaced, in the file's encoding."""
    codec = "utf-16-le" if before.startswith(codecs.BOM_UTF16_LE) else "utf-8"
    unit = 2 if codec == "utf-16-le" else 1
    prefix = 0
    limit = min(len(before), len(after))
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    prefix -= prefix % unit
    suffix = 0
    while suffix < limit - prefix and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    suffix -= suffix % unit
    removed = before[prefix : len(before) - suffix].decode(codec, "surrogateescape")
    added = after[prefix : len(after) - suffix].decode(codec, "surrogateescape")
    if removed:  # a value replaced in place
        assert "\n" not in removed + added, (removed, added)
        assert line.endswith(added), (removed, added)
    else:  # a line inserted (its line break may sit on either side)
        assert added.strip("\r\n") == line, added
        assert added.count("\n") == 1, added


# -- every C0 control character and DEL in a value -----------------------------------


def _control_ids() -> list[str]:
    return [f"U+{c:04X}" for c in [*range(32), 127]]


def _control_outcome(char: str, values: dict[str, Any], findings: set[tuple[str, int | None]]) -> None:
    command_line = values.get("wsl2.kernelcommandline", {}).get("value")
    if char == "\x1a":  # Ctrl-Z ends the file for WSL: nothing after it is read
        assert command_line == "a"
        assert "wsl2.memory" not in values
        assert ("invalid-line", 2) in findings
        return
    assert values["wsl2.memory"]["value"] == 4 << 30
    if char in "\x00\r\n":  # NUL ends the C string; CR and LF end the value
        assert command_line == "a"
        if char == "\n":
            assert ("invalid-line", 3) in findings  # `b` alone: no '='
    elif char == "\t":  # a blank inside a value is part of it, as in any other value
        assert command_line == "a\tb"
    else:
        assert command_line == f"a{char}b"
        assert ("control-character", 2) in findings, findings


def _control_file(char: str) -> bytes:
    return f"[wsl2]\r\nkernelCommandLine=a{char}b\r\nmemory=4GB\r\n".encode("ascii")


@pytest.mark.parametrize("code", [*range(32), 127], ids=_control_ids())
def test_each_control_character_in_a_value(code: int) -> None:
    """In process (33 files); the CLI runs the combined file above and a few of these below."""
    doc = ConfigDocument(None, _control_file(chr(code)))
    values = json.loads(json.dumps(doc.values_json()))
    findings = {(f.code, f.line) for f in doc.evaluation.findings}
    _control_outcome(chr(code), values, findings)
    for finding in doc.evaluation.findings:
        assert finding.message.isprintable()
        if finding.code == "control-character":
            assert f"U+{code:04X}" in finding.message
            assert finding.key == "wsl2.kernelCommandLine"
            assert finding.fix


@pytest.mark.parametrize("code", [0x00, 0x0A, 0x1A, 0x1B, 0x7F])
def test_control_characters_through_the_cli(code: int, tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(_control_file(chr(code)))
    result = run_cli("--config", config, "--json", "show")
    assert_clean(result)
    doc = parse_json_doc(result)
    _control_outcome(chr(code), doc["values"], {(f["code"], f["line"]) for f in doc["findings"]})


def test_messages_never_carry_the_files_control_characters(tmp_path: Path) -> None:
    # ESC sequences that would clear the screen or colour it, a C1 CSI and a right-to-left
    # override, in a header, a bad value, a bad boolean and a path.
    config = tmp_path / ".wslconfig"
    config.write_bytes("[ws\x1b[2Jl2]\r\n[wsl2]\r\nmemory=4\x1b[31mGB\r\nvirtiofs=tr\x9b\u202eue\r\n"
                       "swapFile=C:\\\\s\u202ewap\r\n".encode())
    result = run_cli("--config", config, "validate", "--offline")
    assert_clean(result)
    assert result.returncode == 1
    _no_raw_controls(result.stdout)
    assert "\u202e" not in result.stdout
    assert f"{config}:1:" in result.stdout  # the header
    assert f"{config}:3:" in result.stdout  # memory-invalid
    assert "\\x1b[31m" in result.stdout  # shown, escaped
    assert "\\x9b\\u202e" in result.stdout
    assert f"{config}:5: warning [non-ascii-value]" in result.stdout


def test_show_escapes_a_valid_values_trailing_controls(tmp_path: Path) -> None:
    # WSL cuts the value at the NUL, so the setting is valid; what follows must still not reach
    # the terminal raw through `show`'s "as written" column.
    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\nmemory=4GB\x00\x1b[2J\r\nkernelCommandLine=quiet\x1b[31m\r\n")
    result = run_cli("--config", config, "show")
    assert_clean(result)
    assert result.returncode == 0, result.stderr
    _no_raw_controls(result.stdout)
    assert "\\x1b[31m" in result.stdout


def test_apply_never_echoes_an_injected_set_argument_raw(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(BASE)
    for item in ("wsl2.kernelCommandLine=x\n[y]", "wsl2.no\x1b[2Jsuch=1", "wsl2.memory=8\nGB"):
        result = run_cli("--config", config, "apply", "--no-update", "--dry-run", "--set", item)
        assert_clean(result)
        assert result.returncode == 2, (item, result.stderr)
        _no_raw_controls(result.stderr)
        assert not any(line.startswith("[y]") for line in result.stderr.splitlines())
    assert config.read_bytes() == BASE


# =====================================================================================
# Non-ASCII text: every string and path key
# =====================================================================================

STRING_KEYS = [spec for spec in schema.KEYS if spec.type in ("path", "string")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16le-bom"])
def test_non_ascii_in_every_string_and_path_key_is_a_warning_with_line_and_fix(
    encoding: str, tmp_path: Path
) -> None:
    assert {spec.name for spec in STRING_KEYS} >= {"wsl2.kernel", "wsl2.swapFile", "wsl2.kernelModules"}
    lines = []
    sections = sorted({spec.section for spec in STRING_KEYS})
    expected: dict[str, int] = {}
    for section in sections:
        lines.append(f"[{section}]")
        for spec in (s for s in STRING_KEYS if s.section == section):
            lines.append(f"{spec.key}=C:\\\\Users\\\\José Núñez\\\\山田\\\\{spec.key}")
            expected[spec.name] = len(lines)
    text = "\r\n".join(lines) + "\r\n"
    raw = _utf16(text) if encoding == "utf-16le-bom" else text.encode(encoding)
    config = tmp_path / ".wslconfig"
    config.write_bytes(raw)
    result = run_cli("--config", config, "--json", "validate", "--offline", "--format", "json")
    assert_clean(result)
    doc = parse_json_doc(result)
    warned = {f["key"]: f for f in doc["findings"] if f["code"] == "non-ascii-value"}
    assert set(warned) == set(expected)
    for name, line in expected.items():
        assert warned[name]["line"] == line
        assert warned[name]["severity"] == "warning"
        assert "ASCII" in warned[name]["fix"]
        assert "\ufffd" in warned[name]["message"]  # what WSL will really use is shown
    text_run = run_cli("--config", config, "validate", "--offline")
    for line in expected.values():
        assert f"{config}:{line}: warning [non-ascii-value]" in text_run.stdout


@pytest.mark.parametrize("spec", STRING_KEYS, ids=[spec.name for spec in STRING_KEYS])
def test_set_refuses_a_non_ascii_value_for_every_string_and_path_key(spec: schema.KeySpec) -> None:
    # In process, every key; the CLI's exit 2 for it is in the profile tests below.
    with pytest.raises(UsageError) as caught:
        ConfigDocument(None, b"[wsl2]\r\nmemory=8GB\r\n").with_value(spec, "C:\\Users\\José\\x")
    assert caught.value.exit_code == 2
    assert "non-ASCII" in caught.value.message
    assert "Jos\ufffd" in caught.value.message  # what WSL would read instead
    assert caught.value.fix


# =====================================================================================
# Profile folders with spaces, quotes, shell characters and non-ASCII user names
# =====================================================================================

PROFILE_NAMES = ["José Núñez", "山田 太郎", "O'Brien", "Dan Smith", "a;b&c $(touch pwned) `touch pwned`"]
PROFILE_CASES = [(name, "--config" if i % 2 == 0 else "env") for i, name in enumerate(PROFILE_NAMES)]
PROFILE_CASES.append((PROFILE_NAMES[0], "env"))
START = b"[wsl2]\r\nmemory=8GB\r\n"


@pytest.mark.parametrize(("name", "via"), PROFILE_CASES)
def test_profile_folder_names(name: str, via: str, tmp_path: Path) -> None:
    """set, unset, validate, backups and restore in a profile under an awkward user name, named
    by --config or by WSLCONFIG_ASSISTANT_PROFILE; no shell ever sees the name."""
    profile = tmp_path / "Users" / name
    profile.mkdir(parents=True)
    config = profile / ".wslconfig"
    config.write_bytes(START)

    def run(*args: object) -> CliResult:
        if via == "--config":
            return run_cli("--config", config, *args, cwd=tmp_path)
        return run_cli(*args, env={"WSLCONFIG_ASSISTANT_PROFILE": str(profile)}, cwd=tmp_path)

    assert run("set", "wsl2.virtiofs", "true").returncode == 0
    unset = run("unset", "wsl2.memory")
    assert (unset.returncode, unset.stderr) == (0, "")
    assert config.read_bytes() == b"[wsl2]\r\nvirtiofs=true\r\n"
    valid = run("--json", "validate", "--offline")
    assert_clean(valid)
    doc = parse_json_doc(valid)
    assert (valid.returncode, doc["config"]) == (0, str(config))
    backups = parse_json_doc(run("--json", "backups"))["backups"]
    assert [Path(row["path"]).read_bytes() for row in backups] == [START, START + b"virtiofs=true\r\n"]
    for row in backups:
        assert Path(row["path"]).parent.parent == profile
    restored = run("--json", "restore", backups[0]["id"])
    assert_clean(restored)
    assert restored.returncode == 0
    assert config.read_bytes() == START
    # A path inside this profile: ASCII names work as typed; WSL would mangle the others.
    swap = f"C:\\Users\\{name}\\swap.vhdx"
    put = run("set", "wsl2.swapFile", swap)
    assert_clean(put)
    if name.isascii():
        assert put.returncode == 0, put.stderr
        assert ConfigDocument(None, config.read_bytes()).settings["wsl2.swapfile"].value == swap
    else:
        assert put.returncode == 2
        assert "non-ASCII" in put.stderr
        assert "fix: " in put.stderr
        assert config.read_bytes() == START
    assert not list(tmp_path.rglob("pwned"))


def test_apply_in_a_non_ascii_profile_writes_only_ascii(tmp_path: Path, sim: str) -> None:
    """Nothing the tool writes is derived from the profile's path: apply (what the wizard also
    plans) in a profile under a non-ASCII user name writes ASCII values only."""
    profile = tmp_path / "Users" / "山田 José"
    profile.mkdir(parents=True)
    env = {"WSLCONFIG_ASSISTANT_PROFILE": str(profile), "WSLCONFIG_ASSISTANT_SIM_STATE": str(tmp_path / "sim.json")}
    result = run_cli("--wsl-exe", sim, "--json", "apply", "--no-update", env=env)
    assert_clean(result)
    assert result.returncode in (0, 1)
    doc = parse_json_doc(result)
    assert doc["changes"]
    written = (profile / ".wslconfig").read_bytes()
    assert written.isascii()
    assert b"virtiofs=true" in written


# =====================================================================================
# KEY/VALUE arguments that try to inject lines, sections or keys
# =====================================================================================

BASE = b"# team settings\r\n[wsl2]\r\nmemory=8GB\r\nkernelCommandLine=old\r\n\r\n[experimental]\r\nsparseVhd=true\r\n"

# Written so that WSL reads back exactly the value asked for.
ACCEPTED_VALUES = [
    "[x]", "a=b", "a # b", "#", ";x", "  lead", "trail  ", '"q"', "'q'", 'a"b', '"', "a\\b", "a\\", "\\",
    "\\t", "", "C:\\Program Files\\x", "[wsl2]\\nmemory=1GB", "x" * 4000,
]
# Refused with exit 2: line breaks and other control characters, and non-ASCII text.
REFUSED_VALUES = [
    "a\nb", "a\rb", "a\r\nb", "x\n[wsl2]\nvirtiofs=false", "a\tb", "\x1b[2J", "a\x7f", "\x0b", "x\\\ny",
    "José", "a\u2028b", "\u202e",
]


def _entries(raw: bytes) -> list[tuple[str, str]]:
    parsed = ConfigDocument(None, raw).parsed
    assert parsed is not None
    return [(e.name.lower(), e.value) for e in parsed.entries]


def _headers(raw: bytes) -> list[str]:
    parsed = ConfigDocument(None, raw).parsed
    assert parsed is not None
    return [h.name for h in parsed.headers]


@pytest.mark.parametrize("value", ACCEPTED_VALUES, ids=[repr(v)[:30] for v in ACCEPTED_VALUES])
def test_values_that_look_like_syntax_are_written_so_wsl_reads_them_back(value: str, tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(BASE)
    result = run_cli("--config", config, "set", "wsl2.kernelCommandLine", value)
    assert_clean(result)
    assert result.returncode == 0, result.stderr
    after = config.read_bytes()
    assert ConfigDocument(None, after).settings["wsl2.kernelcommandline"].value == value
    # Nothing else: the same sections, the same keys in the same order, one value changed.
    assert _headers(after) == _headers(BASE)
    before_entries, after_entries = _entries(BASE), _entries(after)
    assert [name for name, _ in after_entries] == [name for name, _ in before_entries]
    changed = [b for b, a in zip(before_entries, after_entries, strict=True) if a != b]
    assert changed == [("wsl2.kernelcommandline", "old")]
    assert after.split(b"\r\n")[:3] == BASE.split(b"\r\n")[:3]
    assert after.split(b"\r\n")[4:] == BASE.split(b"\r\n")[4:]


@pytest.mark.parametrize("value", REFUSED_VALUES, ids=[repr(v)[:30] for v in REFUSED_VALUES])
def test_values_with_line_breaks_controls_or_non_ascii_are_refused(value: str, tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(BASE)
    result = run_cli("--config", config, "set", "wsl2.kernelCommandLine", value)
    assert_clean(result)
    assert result.returncode == 2
    assert "wsl2.kernelCommandLine" in result.stderr
    assert "fix: " in result.stderr
    _no_raw_controls(result.stderr)
    assert config.read_bytes() == BASE


def test_a_nul_cannot_even_reach_the_program() -> None:
    # POSIX and Windows both refuse a NUL inside an argument before any program runs, so a
    # NUL can only come from a file (tested above) or a policy string (tested below).
    with pytest.raises(ValueError, match="null"):
        run_cli("set", "wsl2.kernelCommandLine", "a\x00b")


BAD_KEYS = [
    "wsl2.memory=1", "wsl2]\n[x", "wsl2.mem ory", ".memory", "wsl2.", "a.b.c", "wsl2..memory", " wsl2.memory",
    "wsl2.memory ", "wsl2.memory\n", "[wsl2].memory", "wsl2.memory#x", "wsl2.mémoire", "memory", "wsl2.\x1b[2J",
    "wsl2." + "m" * 5000 + "=1", "",
]


@pytest.mark.parametrize("key", BAD_KEYS, ids=[repr(k)[:30] for k in BAD_KEYS])
def test_bad_keys_are_refused_with_a_short_clear_message(key: str, tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(BASE)
    every = key in ("wsl2.memory=1", "wsl2]\n[x", "wsl2.\x1b[2J")
    commands = (("set", key, "1"), ("set", "--allow-unknown", key, "1"), ("unset", key), ("get", key))
    for args in commands if every else commands[:1]:
        result = run_cli("--config", config, *args)
        assert_clean(result)
        assert result.returncode == 2, (args, result.stderr)
        assert "fix: " in result.stderr
        assert len(result.stderr) < 600, result.stderr[:700]  # a 5000-character key is not echoed whole
        _no_raw_controls(result.stderr)
    assert config.read_bytes() == BASE


@pytest.mark.parametrize("key", ["w" * 5000 + ".memory", "wsl2." + "m" * 5000])
def test_very_long_keys_are_not_echoed_whole(key: str, tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(BASE)
    for args in (("set", key, "1"), ("get", key)):
        result = run_cli("--config", config, *args)
        assert_clean(result)
        assert result.returncode == 2
        assert "fix: " in result.stderr
        assert len(result.stderr) < 600, result.stderr[:700]
    assert config.read_bytes() == BASE
    # Well formed: `unset` may name any such key (there is nothing to remove).
    assert run_cli("--config", config, "unset", key).returncode == 0
    assert config.read_bytes() == BASE


def test_key_spelling_is_case_insensitive_and_writes_nothing_new(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(BASE)
    assert run_cli("--config", config, "set", "WSL2.MEMORY", "16GB").returncode == 0
    assert config.read_bytes() == BASE.replace(b"memory=8GB", b"memory=16GB")
    assert run_cli("--config", config, "set", "wsl2.Memory", "8GB").returncode == 0
    assert config.read_bytes() == BASE


SET_FORMS = [
    # (--set argument, key, value read back) : split on the first "=" only
    ("wsl2.kernelCommandLine=a=b", "wsl2.kernelCommandLine", "a=b"),
    ("wsl2.kernelCommandLine=a=b # c", "wsl2.kernelCommandLine", "a=b # c"),
    ("wsl2.kernelCommandLine==", "wsl2.kernelCommandLine", "="),
    ("wsl2.kernelCommandLine=[wsl2]", "wsl2.kernelCommandLine", "[wsl2]"),
    ("wsl2.kernelCommandLine=a\\", "wsl2.kernelCommandLine", "a\\"),
    (" wsl2.kernelCommandLine = spaced", "wsl2.kernelCommandLine", " spaced"),
]
BAD_SET_FORMS = [
    "=x", "wsl2.memory", "", "wsl2.memory=8GB=1", "wsl2.kernelCommandLine=x\n[y]",
    "wsl2.kernelCommandLine=x\r\nvirtiofs=false", "wsl2.mem ory=8GB", "wsl2.mem\nory=8GB",
]


@pytest.mark.parametrize(("item", "key", "value"), SET_FORMS, ids=[f[0][:30] for f in SET_FORMS])
def test_apply_set_splits_on_the_first_equals(item: str, key: str, value: str, tmp_path: Path, sim: str) -> None:
    config = tmp_path / ".wslconfig"
    base = BASE.replace(b"memory=8GB\r\n", b"memory=8GB\r\nvirtiofs=true\r\n")  # compliant: only --set changes
    config.write_bytes(base)
    env = {"WSLCONFIG_ASSISTANT_SIM_STATE": str(tmp_path / "sim.json")}
    result = run_cli("--config", config, "--wsl-exe", sim, "--json", "apply", "--no-update", "--set", item, env=env)
    assert_clean(result)
    doc = parse_json_doc(result)
    assert result.returncode in (0, 1)  # 1: the simulated WSL's versions are old (no update asked)
    assert {f["code"] for f in doc["findings"] if f["severity"] == "error"} <= {
        "kernel-too-old", "devicehost-too-old", "version-unknown"}
    assert [c["key"] for c in doc["changes"]] == [key]
    assert ConfigDocument(None, config.read_bytes()).read_back(schema.lookup(key)) == value  # type: ignore[arg-type]
    assert _headers(config.read_bytes()) == _headers(base)
    assert [n for n, _ in _entries(config.read_bytes())] == [n for n, _ in _entries(base)]


@pytest.mark.parametrize("item", BAD_SET_FORMS, ids=[repr(f)[:30] for f in BAD_SET_FORMS])
def test_apply_refuses_bad_set_forms_before_touching_anything(item: str, tmp_path: Path, sim: str) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(BASE)
    state = tmp_path / "sim.json"
    env = {"WSLCONFIG_ASSISTANT_SIM_STATE": str(state)}
    result = run_cli("--config", config, "--wsl-exe", sim, "--json", "apply", "--set", item, env=env)
    assert_clean(result)
    assert result.returncode == 2, result.stderr
    assert parse_json_doc(result)["exit_code"] == 2
    assert "fix: " in result.stderr
    assert config.read_bytes() == BASE
    assert not state.exists()  # not even wsl.exe ran


# =====================================================================================
# Policy files with wrong types, wrong shapes, wrong encodings, or code in them
# =====================================================================================

WRONG_TYPES = ['"yes"', "1", "1.5", "true", "[1]", "{a = 1}", "1979-05-27", "07:32:00", "[[1]]"]


def _wrong_type_cases() -> list[tuple[str, str, str]]:
    from wslconfig_assistant.compliance.policy_toml import FIELDS

    valid = {("bool", "true"), ("size", "1")}
    return [(f.table, f.key, literal) for f in FIELDS for literal in WRONG_TYPES if (f.kind, literal) not in valid]


@pytest.mark.parametrize(("table", "key", "literal"), _wrong_type_cases())
def test_each_policy_field_refuses_each_wrong_type(table: str, key: str, literal: str, tmp_path: Path) -> None:
    from wslconfig_assistant.compliance import policy_toml

    path = tmp_path / "policy.toml"
    path.write_text(f"[{table}]\n{key} = {literal}\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        policy_toml.load_policy(str(path))
    assert caught.value.exit_code == 2
    assert str(path) in caught.value.message
    assert f"[{table}] {key}" in caught.value.message
    assert caught.value.fix


HUGE = b"# " + b"x" * 78 + b"\n"

POLICIES: list[tuple[str, bytes, str]] = [
    # (id, bytes, what the message must say)
    ("unknown-table", b"[memroy]\nfloor = \"2GB\"\n", "did you mean memory?"),
    ("unknown-key", b"[memory]\nceiling = \"2GB\"\n", "is not a key of this table"),
    ("top-level-key", b"floor = \"2GB\"\n", "a key outside every table"),
    ("table-as-value", b"virtiofs = true\n", "must be a table"),
    ("invalid-toml", b"[memory]\nfloor = 2GB\n", "line 2"),
    ("unclosed-table", b"[memory\nfloor = \"2GB\"\n", "line 1"),
    ("not-utf8", b"[memory]\nfloor = \"2\xffGB\"\n", "line 2"),
    ("utf16-bom", _utf16("[memory]\r\nfloor = \"2GB\"\r\n"), "UTF-16"),
    ("utf16-no-bom", "[memory]\r\nfloor = \"2GB\"\r\n".encode("utf-16-le"), "UTF-16"),
    ("huge", HUGE * ((2 << 20) // len(HUGE) + 1), "larger than"),
    ("deep-array", b"x = " + b"[" * 50_000 + b"]" * 50_000 + b"\n", "nested too deeply"),
    ("deep-inline-table", b"[require]\nx = " + b"{a=" * 5000 + b"1" + b"}" * 5000 + b"\n", "nested too deeply"),
    ("code-as-table", b"x = \"__import__('os').system('touch pwned')\"\n", "a key outside every table"),
    ("code-as-floor", b"[memory]\nfloor = \"__import__('os').system('touch pwned')\"\n", "not a size"),
    ("code-as-version", b"[versions]\nmin_kernel = \"exec('import os; os.system(\\\"touch pwned\\\")')\"\n",
     "not a kernel version"),
    ("code-as-key", b"[require]\n\"__import__('os').system('touch pwned')\" = 1\n", "not a key name"),
    ("non-ascii-path", "[require]\n\"wsl2.swapFile\" = \"C:\\\\Users\\\\José\\\\swap.vhdx\"\n".encode(), "non-ASCII"),
    ("nul-in-value", b"[require]\n\"wsl2.kernelCommandLine\" = \"a\\u0000b\"\n", "control characters"),
    ("newline-in-value", b"[require]\n\"wsl2.kernelCommandLine\" = \"a\\n[wsl2]\\nvirtiofs=false\"\n",
     "control characters"),
    ("escape-in-key", b"\"a\\u001b[2Jb\" = 1\n", "\\x1b[2J"),
    ("floor-beyond-64-bits", b"[memory]\nfloor = 99999999999999999999\n", "larger than any memory"),
    ("empty-require-key", b"[require]\n\"\" = 1\n", "not a key name"),
]


@pytest.mark.parametrize(("content", "expected"), [p[1:] for p in POLICIES], ids=[p[0] for p in POLICIES])
def test_hostile_policy_files(content: bytes, expected: str, tmp_path: Path) -> None:
    policy = tmp_path / "team policy.toml"
    policy.write_bytes(content)
    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\n")
    result = run_cli("--config", config, "--json", "validate", "--offline", "--policy", policy, cwd=tmp_path)
    assert_clean(result)
    assert result.returncode == 2, result.stderr
    doc = parse_json_doc(result)
    assert doc["error"]["message"].startswith(f"policy file {policy}")
    assert doc["error"]["fix"]
    assert expected in doc["error"]["message"] + doc["error"]["fix"], doc["error"]
    assert "fix: " in result.stderr
    _no_raw_controls(result.stderr)
    assert not list(tmp_path.rglob("pwned"))  # nothing in it ran
    assert not Path("pwned").exists()


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_policy_path_that_is_not_a_file(kind: str, tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    if kind == "folder":
        policy.mkdir()
    result = run_cli("--config", tmp_path / ".wslconfig", "validate", "--offline", "--policy", policy)
    assert_clean(result)
    assert result.returncode == 2
    assert str(policy) in result.stderr
    assert "fix: " in result.stderr
