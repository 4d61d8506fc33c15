"""From what the reader saw to what WSL will use: effective typed settings, and every
problem WSL would warn about (or silently get wrong), each with a line and a fix.

The order of processing is WSL's: entries in file order, the first occurrence of a
key (aliases included) wins even when its value is invalid, an invalid macAddress
stops everything after it, and an invalid DNS tunneling address switches DNS
tunneling off until a later ``dnsTunneling`` line sets it again.
"""

from __future__ import annotations

from typing import NamedTuple

from wslconfig_assistant.core import shellcommand
from wslconfig_assistant.core.findings import Finding, sort_key
from wslconfig_assistant.wslconfig import schema, values
from wslconfig_assistant.wslconfig.encoding import READABLE, TextFile
from wslconfig_assistant.wslconfig.reader import Entry, ParseResult, Problem
from wslconfig_assistant.wslconfig.schema import KeySpec

_MAX_SUGGESTIONS = 200  # did-you-mean hints per file (each is a fuzzy match against every key)


class Setting(NamedTuple):
    spec: KeySpec
    value: object  # bool | int | str | list[int]: what WSL will use
    entry: Entry
    text: str  # the value as written in the file

    def as_json(self) -> dict[str, object]:
        return {"value": self.value, "line": self.entry.line, "text": self.text}


class Evaluation(NamedTuple):
    settings: dict[str, Setting]  # by KeySpec.id; only what WSL takes from the file
    findings: list[Finding]
    occurrences: dict[str, list[Entry]]  # every entry of each known key, first first


def evaluate(tf: TextFile, parsed: ParseResult | None) -> Evaluation:
    """Evaluate a parse of ``tf.wsl_text`` (None when WSL cannot open the file)."""
    findings: list[Finding] = []
    if tf.problem is not None:
        # Stray bytes WSL reads as U+FFFD drop nothing the user wrote: a warning. Anything
        # else makes WSL misread or ignore the file: an error (CONTRACT.md). Either way the
        # fix is the exact repair command.
        code = "encoding-invalid-bytes" if tf.problem.kind == READABLE else "encoding-unsupported"
        findings.append(
            Finding.make(code, f"{tf.problem.message} (file encoding: {tf.label})", shellcommand.ours("repair"),
                         line=tf.problem.line)
        )
    if parsed is None:
        return Evaluation({}, findings, {})
    text = tf.wsl_text or ""
    evaluator = _Evaluator(text, parsed, tf.trusted_chars, from_utf8=tf.codec == "utf-8")
    evaluator.run()
    findings.extend(evaluator.findings)
    # Top to bottom, whatever order the checks ran in.
    return Evaluation(evaluator.settings, sorted(findings, key=sort_key), evaluator.occurrences)


class _Evaluator:
    def __init__(self, text: str, parsed: ParseResult, trusted_chars: int | None, *, from_utf8: bool) -> None:
        self.text = text
        self.from_utf8 = from_utf8
        self.stopped_at: int | None = None  # offset of an invalid macAddress: WSL reads no further
        self.parsed = parsed
        self.trusted_chars = trusted_chars
        self.settings: dict[str, Setting] = {}
        self.findings: list[Finding] = []
        self.occurrences: dict[str, list[Entry]] = {}
        self.seen: dict[str, Entry] = {}
        self.suggestions = 0

    def trusted(self, offset: int) -> bool:
        # Beyond the point where a foreign-encoded tail starts, WSL reads garbage:
        # that is reported once, as encoding-unsupported, not line by line.
        return self.trusted_chars is None or offset < self.trusted_chars

    def run(self) -> None:
        for entry in self.parsed.entries:
            if not self.trusted(entry.line_start):
                break  # entries come in file order: every later one is in the untrusted tail too
            if not self.take(entry):
                # An invalid macAddress: WSL stops here and the VM does not start.
                self.stopped_at = entry.line_end
                break
        for problem in self.parsed.problems:
            if self.trusted(problem.line_start) and (self.stopped_at is None or problem.line_start < self.stopped_at):
                self.findings.append(self.problem_finding(problem))
        if self.parsed.ignored_from is not None:
            rest = self.text[self.parsed.ignored_from + 1 :]
            if rest.strip():
                line = self.text.count("\n", 0, self.parsed.ignored_from) + 1
                self.findings.append(
                    Finding.make(
                        "invalid-line",
                        f"a Ctrl-Z character (0x1A) on line {line} ends the file for WSL: "
                        "nothing after it is read",
                        "delete the Ctrl-Z character",
                        line=line,
                    )
                )
        self.cross_checks()

    # -- lines WSL rejects ------------------------------------------------------------
    def line_text(self, problem: Problem) -> str:
        # A CR before the LF stays: every caller strips the line or looks only before its '='.
        end = self.text.find("\n", problem.line_start)
        return self.text[problem.line_start : end if end >= 0 else len(self.text)]

    def problem_finding(self, problem: Problem) -> Finding:
        line = self.line_text(problem)
        shown = line.strip()[:60]
        kind, detail, at = problem.kind, problem.detail, problem.line
        if kind == "invalid-key" and detail == ";":
            return Finding.make(
                "semicolon-comment",
                f"';' does not start a comment in .wslconfig: WSL skips `{shown}` as an invalid key",
                "start the line with # instead of ;",
                line=at,
            )
        if kind == "invalid-escape":
            char = _show_char(detail)
            return Finding.make(
                "invalid-escape",
                f"`\\{char}` is not an escape WSL knows, so it drops the whole line `{shown}`",
                "write every backslash twice (C:\\\\Users\\\\me) or use / instead",
                line=at,
            )
        if kind in ("invalid-section", "expected-bracket", "expected-eol"):
            return self.header_finding(problem, shown)
        if kind == "expected-quote":
            return Finding.make(
                "invalid-line",
                f"an unterminated double quote makes WSL drop the line `{shown}`",
                'close the quote, or escape a literal quote as \\"',
                line=at,
            )
        if kind == "expected-equals":
            return self.equals_finding(problem, line, shown)
        return Finding.make(
            "invalid-line",
            f"WSL cannot read `{shown}`: a line must be a [section], a key=value or a # comment",
            "fix the line or turn it into a comment with #",
            line=at,
        )

    def header_finding(self, problem: Problem, shown: str) -> Finding:
        if "system-distro-env" in shown.lower():
            fix = "move WSLg's [system-distro-env] section to %USERPROFILE%\\.wslgconfig"
        elif problem.kind == "expected-eol":
            fix = "put nothing but blanks or a # comment after the closing ]"
        else:
            fix = "section names are letters and digits only, e.g. [wsl2] or [experimental]"
        return Finding.make(
            "invalid-line",
            f"WSL rejects the section header `{shown}`; the keys below it stay in the previous section",
            fix,
            line=problem.line,
        )

    def equals_finding(self, problem: Problem, line: str, shown: str) -> Finding:
        lhs = line.partition("=")[0].strip()
        if "=" in line and lhs:
            if "." in lhs:
                fix = f"write the key without its section, under [{lhs.split('.')[0]}]: {lhs.split('.')[-1]}=..."
            elif any(c in lhs for c in "_- "):
                known = schema.suggest(lhs.replace("_", "").replace("-", "").replace(" ", ""))
                fix = f"key names are letters and digits only{f'; did you mean {known}?' if known else ''}"
            else:
                fix = "key names are ASCII letters and digits only"
            return Finding.make(
                "invalid-line",
                f"WSL cannot read the key in `{shown}`, so it drops the line",
                fix,
                line=problem.line,
            )
        return Finding.make(
            "invalid-line",
            f"`{shown}` has no '=': WSL drops the line",
            "write it as key=value, or comment it out with #",
            line=problem.line,
        )

    # -- entries ----------------------------------------------------------------------
    def take(self, entry: Entry) -> bool:
        spec = schema.lookup(entry.name)
        if spec is None:
            self.findings.append(self.unknown_finding(entry))
            return True
        self.occurrences.setdefault(spec.id, []).append(entry)
        first = self.seen.get(spec.id)
        raw = self.text[entry.value_start : entry.value_end]
        if first is not None:
            self.findings.append(
                Finding.make(
                    "duplicate-key",
                    f"{entry.name} is set again; WSL keeps the first one (line {first.line}) and ignores this one",
                    f"delete this line, or the one on line {first.line}",
                    key=spec.name,
                    line=entry.line,
                )
            )
            return True
        self.seen[spec.id] = entry
        return self.parse_value(spec, entry, raw)

    def parse_value(self, spec: KeySpec, entry: Entry, raw: str) -> bool:
        cstr = values.wsl_cstring(entry.value, from_utf8=self.from_utf8)
        try:
            typed = _parse_typed(spec, cstr, entry.value, from_utf8=self.from_utf8)
        except values.InvalidValueError as exc:
            code = "memory-invalid" if spec.id == "wsl2.memory" else "invalid-value"
            fix = _value_fix(spec, exc)
            self.findings.append(
                Finding.make(
                    code,
                    f"WSL ignores {spec.name}={raw}: {exc.reason}; it uses the default ({spec.default})",
                    fix,
                    key=spec.name,
                    line=entry.line,
                )
            )
            if spec.type == "mac":
                self.findings.append(
                    Finding.make(
                        "invalid-value",
                        "with an invalid macAddress WSL stops reading here and the VM does not start",
                        fix,
                        key=spec.name,
                        line=entry.line,
                    )
                )
                return False
            if spec.type == "ipv4":
                # WSL switches DNS tunneling off; a later dnsTunneling line can switch it back on.
                dns = schema.lookup("wsl2.dnsTunneling")
                assert dns is not None  # noqa: S101 - part of the shipped schema
                self.settings[dns.id] = Setting(dns, False, entry, raw)
            return True
        if spec.type == "ports":
            assert isinstance(typed, tuple)  # noqa: S101 - parse_ports returns (ports, bad)
            ports, bad = typed
            if bad:
                self.findings.append(
                    Finding.make(
                        "invalid-value",
                        f"WSL skips {', '.join(repr(b) for b in bad)} in {spec.name}: "
                        "each entry must be a port number 1-65535",
                        "list port numbers separated by commas, e.g. 3000,8080",
                        key=spec.name,
                        line=entry.line,
                    )
                )
            typed = ports
        self.settings[spec.id] = Setting(spec, typed, entry, raw)
        self.value_warnings(spec, entry, raw, typed)
        return True

    def value_warnings(self, spec: KeySpec, entry: Entry, raw: str, typed: object) -> None:
        if spec.type not in ("path", "string") and not entry.value.isascii():
            # Each character is cut to its low byte: `ı` reads as "1" (true), `İ` as "0".
            self.findings.append(
                Finding.make(
                    "non-ascii-value",
                    f"WSL mangles non-ASCII characters in {spec.name}: {entry.value!r} reads as {typed!r}",
                    "write the value with ASCII characters only",
                    key=spec.name,
                    line=entry.line,
                )
            )
        if spec.type in ("path", "string") and isinstance(typed, str):
            if not entry.value.isascii():
                self.findings.append(
                    Finding.make(
                        "non-ascii-value",
                        f"WSL mangles non-ASCII characters in {spec.name}: it will use {typed!r}",
                        "use a path with ASCII characters only (e.g. C:\\\\wsl\\\\...)",
                        key=spec.name,
                        line=entry.line,
                    )
                )
            # Only what an escape made (\t, \b, \n): a control character typed as such is
            # control-character's business, and a line break in ``raw`` is a continuation.
            controls = [c for c in _ESCAPED_CONTROLS if entry.value.count(c) > (0 if c == "\n" else raw.count(c))]
            if controls and spec.type == "path":
                names = ", ".join(_ESCAPED_CONTROLS[c] for c in controls)
                self.findings.append(
                    Finding.make(
                        "escape-in-path",
                        f"{spec.name}={raw}: WSL reads {names} as control characters, not as part of the path",
                        f"double every backslash: {spec.key}={raw.replace(chr(92), chr(92) * 2)}",
                        key=spec.name,
                        line=entry.line,
                    )
                )
        self.control_warning(spec, entry, raw, typed)
        if spec.id == "wsl2.virtio9p" and typed is True:
            self.findings.append(
                Finding.make(
                    "setting-ignored",
                    "WSL forces virtio9p off and warns at every start",
                    "delete the virtio9p line; set virtiofs=true for fast Windows-drive access",
                    key=spec.name,
                    line=entry.line,
                )
            )

    def control_warning(self, spec: KeySpec, entry: Entry, raw: str, typed: object) -> None:
        """A control character typed into a value (not an escape): invisible, and never meant.

        TAB is a blank, and a line break inside ``raw`` is a continuation; both are fine.
        A NUL ends the value for WSL (a C string): what follows it is dropped, and so is any
        control character there (the fixtures pin a NUL-cut value as finding-free).
        """
        seen = raw.partition("\0")[0]
        literal = sorted({c for c in seen if (c < " " and c not in "\t\n\r") or c == "\x7f"})
        if not literal:
            return
        names = ", ".join(f"U+{ord(c):04X}" + (f" ({_CONTROL_NAMES[c]})" if c in _CONTROL_NAMES else "")
                          for c in literal)
        message = f"{spec.name}: the value holds the control character{'s' * (len(literal) > 1)} {names}; " \
            f"WSL uses {_shown_value(spec, typed)}"
        self.findings.append(
            Finding.make(
                "control-character",
                message,
                f"retype the line without control characters: {shellcommand.ours('set', spec.name, 'VALUE')}",
                key=spec.name,
                line=entry.line,
            )
        )

    def unknown_finding(self, entry: Entry) -> Finding:
        name = entry.name
        if entry.garbled_by is not None:
            return Finding.make(
                "unknown-key",
                f"WSL reads this key as '{name}' because the section header on line "
                f"{entry.garbled_by} was rejected, and ignores it",
                f"fix the section header on line {entry.garbled_by}",
                key=name,
                line=entry.line,
            )
        if "." not in name:
            homes = schema.by_key_name(name)
            where = f"under [{homes[0].section}]" if homes else "under the right [section]"
            return Finding.make(
                "key-outside-section",
                f"{name} comes before any [section] header, so WSL ignores it",
                f"move the line {where}",
                key=name,
                line=entry.line,
            )
        section, _, key = name.partition(".")  # names are section.key: neither part holds a dot
        if section.lower() in schema.WSL_CONF_SECTIONS:
            return Finding.make(
                "wrong-section",
                f"[{section}] is a section of wsl.conf (inside each distro), not of .wslconfig; "
                f"WSL ignores {name}",
                f"put [{section}] {key}=... in /etc/wsl.conf inside the distro, and delete it here",
                key=name,
                line=entry.line,
            )
        # lookup() failed, so none of these lives in this section (aliases included).
        homes = schema.by_key_name(key)
        if homes:
            home = homes[0]
            return Finding.make(
                "wrong-section",
                f"{key} belongs in [{home.section}], not [{section}]: WSL ignores it here",
                f"move the line under [{home.section}]",
                key=name,
                line=entry.line,
            )
        # A did-you-mean costs a fuzzy match against every key: a file of thousands of
        # unknown keys (a pasted log, a generated file) gets it for the first ones only.
        self.suggestions += 1
        guess = schema.suggest(name) if self.suggestions <= _MAX_SUGGESTIONS else None
        return Finding.make(
            "unknown-key",
            f"WSL does not know the key {name} and ignores it",
            f"did you mean {guess}?" if guess else f"check the spelling against `{shellcommand.ours('show', '--all')}`",
            key=name,
            line=entry.line,
        )

    # -- combinations -----------------------------------------------------------------
    def cross_checks(self) -> None:
        modules = self.settings.get("wsl2.kernelmodules")
        kernel = self.settings.get("wsl2.kernel")
        if modules is not None and modules.value and not (kernel is not None and kernel.value):
            self.findings.append(
                Finding.make(
                    "invalid-value",
                    "kernelModules is set without kernel=: WSL refuses to start the VM",
                    "set wsl2.kernel to the kernel those modules belong to, or delete kernelModules",
                    key=modules.spec.name,
                    line=modules.entry.line,
                )
            )
        if kernel is not None and kernel.value:
            self.findings.append(
                Finding.make(
                    "custom-kernel",
                    f"a custom kernel ({kernel.text}) replaces WSL's: its version decides the fast path, "
                    "and it needs the hv_pci swiotlb patch (kernel 6.18.26.3 or newer)",
                    "delete the kernel= line to use WSL's own kernel, or build yours from 6.18.26.3-1 or newer",
                    key=kernel.spec.name,
                    line=kernel.entry.line,
                )
            )


def _parse_typed(spec: KeySpec, cstr: str, value: str, *, from_utf8: bool) -> object:
    kind = spec.type
    if kind == "bool":
        return values.parse_bool(cstr)
    if kind == "int":
        return values.parse_int(cstr)
    if kind == "size":
        return values.parse_size(cstr)
    if kind == "enum":
        return values.parse_enum(cstr, spec.choices)
    if kind == "mac":
        return values.parse_mac(cstr)
    if kind == "ipv4":
        return values.parse_ipv4(cstr)
    if kind == "ports":
        return values.parse_ports(cstr)
    return values.wsl_string(value, from_utf8=from_utf8)


def _value_fix(spec: KeySpec, exc: values.InvalidValueError) -> str:
    if exc.suggestion:
        return f"write {spec.key}={exc.suggestion}"
    # The parsers that can reject a value (ports and strings never do).
    examples = {
        "bool": "true or false",
        "int": "a whole number such as 4",
        "size": "a size such as 8GB or 512MB",
        "enum": " or ".join(spec.choices),
        "mac": "00:15:5D:01:02:03",
        "ipv4": "10.255.255.254",
    }
    return f"write {spec.key}= followed by {examples[spec.type]}"


def _shown_value(spec: KeySpec, typed: object) -> str:
    # Never a bool: a boolean WSL accepts is exactly true, false, 1 or 0, with no room for a
    # control character before the NUL that would end it.
    if spec.type == "size" and isinstance(typed, int):
        return values.format_size(typed)
    if isinstance(typed, list):
        return ",".join(map(str, typed))
    return repr(typed)  # a string quoted; an int's repr is its digits


# What WSL's escapes \t, \b and \n turn into, in the order a finding names them.
_ESCAPED_CONTROLS = {"\b": "\\b (backspace)", "\t": "\\t (TAB)", "\n": "\\n (newline)"}
_CONTROL_NAMES = {"\x08": "backspace", "\x0b": "vertical tab", "\x0c": "form feed",
                  "\x1b": "ESC", "\x7f": "DEL"}


def _show_char(ch: str) -> str:
    # Never a CR: the reader drops a backslash + lone CR silently, as WSL does.
    return "<end of file>" if ch == "" else ch
