"""One .wslconfig: its bytes, how WSL reads them, and lossless edits.

``ConfigDocument`` is immutable: an edit returns a new document built from the new
bytes, re-read by the same reader. Before an edit is handed on for writing, that
re-read must show exactly the intended change and nothing else (a self-check in the
spirit of configupdater's ``validate_format``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from wslconfig_assistant.core import shellcommand
from wslconfig_assistant.core.errors import ConfigUnreadableError, UsageError, WriteRefusedError
from wslconfig_assistant.core.findings import Finding, sort_key
from wslconfig_assistant.core.policy import Policy
from wslconfig_assistant.wslconfig import reader, schema, values
from wslconfig_assistant.wslconfig.checks import config_checks
from wslconfig_assistant.wslconfig.effective import Evaluation, Setting, evaluate
from wslconfig_assistant.wslconfig.encoding import TextFile, decode, new_file
from wslconfig_assistant.wslconfig.reader import Entry
from wslconfig_assistant.wslconfig.schema import KeySpec

_KEY = re.compile(r"([A-Za-z][A-Za-z0-9]*)\.([A-Za-z][A-Za-z0-9]*)")
_BARE = re.compile(r"[A-Za-z][A-Za-z0-9]*")  # a key name without its section: `set virtiofs true`

# Settings WSL changes as a side effect of another key: an invalid DNS tunneling
# address switches DNS tunneling off, so fixing the address may switch it on again.
_SIDE_EFFECTS = {"experimental.dnstunnelingipaddress": frozenset({"wsl2.dnstunneling"})}


def resolve_key(key: str, *, allow_unknown: bool = False, for_removal: bool = False,
                unknown_hint: str | None = None) -> KeySpec:
    """The schema entry for a ``section.key`` argument (case-insensitive).

    ``for_removal`` accepts any well-formed name, so `unset` can delete lines that
    WSL ignores (an unknown key, or a known key in the wrong section). ``unknown_hint``:
    how the caller lets an unknown key through (only `set` has --allow-unknown).
    """
    m = _KEY.fullmatch(key)
    homes = schema.by_key_name(key) if m is None and _BARE.fullmatch(key) else []
    if homes:
        names = " or ".join(spec.name for spec in homes)
        raise UsageError(f"{_shown_key(key)} names no section: WSL reads it as {names}",
                         fix=f"write the section too: {homes[0].name}")
    if m is None:
        raise UsageError(
            f"{_shown_key(key)} is not a key name: write section.key with letters and digits only",
            fix="for example: wsl2.memory, wsl2.virtiofs, experimental.sparseVhd",
        )
    spec = schema.lookup(key)
    if spec is not None:
        return spec
    if for_removal:
        return KeySpec(m.group(1), m.group(2), "string", "unknown to this tool", "", since=None)
    homes = schema.by_key_name(m.group(2))
    if homes:
        raise UsageError(
            f"{key if len(key) <= 60 else _shown_key(key)} is not where WSL reads {m.group(2)}",
            fix=f"use {homes[0].name}",
        )
    if allow_unknown:
        return KeySpec(m.group(1), m.group(2), "string", "unknown to this tool", "", since=None)
    guess = schema.suggest(key)
    raise UsageError(
        f"WSL does not read a key named {key if len(key) <= 60 else _shown_key(key)}",
        fix=" ".join(part for part in (f"did you mean {guess}?" if guess else "check the spelling against "
                                       f"`{shellcommand.ours('show', '--all')}`", unknown_hint) if part),
    )


def _shown_key(key: str, limit: int = 60) -> str:
    """A KEY argument for a message: quoted and escaped (it may hold anything), and cut when long."""
    shown = repr(key)
    return shown if len(shown) <= limit else f"{shown[: limit - 4]}...' ({len(key)} characters)"


class Change(NamedTuple):
    key: str
    action: str  # "set", "add", "unset", "unchanged"
    old: str | None  # the value as written before
    new: str | None  # the value as written after
    line: int | None  # where it is (after the change; before, for unset)

    def as_json(self) -> dict[str, object]:
        return self._asdict()


class DecodingWouldChangeError(WriteRefusedError):
    """A plain edit would change how the file decodes (e.g. move a stray byte to the end of the
    CRT's 2048-byte read, so WSL ignores the whole file). Only a repair may do that."""


class ConfigDocument:
    def __init__(self, path: str | None, raw: bytes | None) -> None:
        self.path = path
        self.raw = raw
        self.file: TextFile = new_file() if raw is None else decode(raw)
        text = self.file.wsl_text
        self.parsed = reader.parse(text) if text is not None else None
        self.evaluation: Evaluation = evaluate(self.file, self.parsed)

    @property
    def exists(self) -> bool:
        return self.raw is not None

    @property
    def settings(self) -> dict[str, Setting]:
        return self.evaluation.settings

    def findings(self, policy: Policy, host_memory: int | None, *, suggest_from_host: bool = True) -> list[Finding]:
        found = list(self.evaluation.findings)
        evaluation = self.evaluation
        if self.file.wsl_text is None:  # WSL cannot open the file: it runs on defaults, which the checks judge
            evaluation = ConfigDocument(None, None).evaluation
        found.extend(config_checks(evaluation, policy, host_memory, suggest_from_host=suggest_from_host))
        if policy.strict:
            found = [f.escalated() for f in found]
        return sorted(found, key=sort_key)

    def to_bytes(self) -> bytes:
        return b"" if self.raw is None else self.raw

    def values_json(self) -> dict[str, object]:
        return {key: setting.as_json() for key, setting in sorted(self.settings.items())}

    # -- edits ------------------------------------------------------------------------
    def require_editable(self) -> None:
        """A plain edit needs a file WSL reads as written (stray bytes it reads as U+FFFD are
        fine: they stay as they are); anything else must be repaired first."""
        where = str(self.path) if self.path else ".wslconfig"
        if not self.file.lossless or self.file.needs_repair:
            problem = self.file.problem
            # The problem's message names the encoding itself, most often: say it once.
            why = self.file.label if problem is None else (
                problem.message if self.file.label in problem.message else f"{self.file.label}: {problem.message}")
            raise ConfigUnreadableError(
                f"{where}: refusing to edit a file WSL cannot read as written ({why}); nothing was written",
                fix=_repair_fix(),
            )

    def _edited(self, text: str) -> ConfigDocument:
        # A missing file's ``file`` is new_file(): the edit creates it as UTF-8 without BOM.
        return ConfigDocument(self.path, self.file.encode(text))

    def with_value(self, spec: KeySpec, user_value: str) -> tuple[ConfigDocument, Change]:
        from wslconfig_assistant.wslconfig import splice  # noqa: PLC0415 - edits only: keep validate lean
        from wslconfig_assistant.wslconfig.canonical import canonical  # noqa: PLC0415

        self.require_editable()
        self._refuse_after_fatal_line(spec)
        written, typed = canonical(spec, user_value)
        occurrences = self.occurrences_of(spec)
        if occurrences and self.read_back(spec) == typed:
            first = occurrences[0]
            text_now = self.file.text[first.value_start : first.value_end]
            return self, Change(spec.name, "unchanged", text_now, text_now, first.line)
        text = self.file.text
        assert self.parsed is not None  # noqa: S101 - editable files always parse
        if occurrences:
            first = occurrences[0]
            new_text = splice.replace_value(text, first, written)
            action, old = "set", text[first.value_start : first.value_end]
        else:
            target = splice.Target(spec.section, spec.key)
            new_text = splice.insert_key(text, self.parsed, target, written)
            action, old = "add", None
        edited = self._edited(new_text)
        self._check_decoding(edited, spec)
        after = edited.occurrences_of(spec)
        if not after or edited.read_back(spec) != typed:
            raise self._self_check_failed(spec, "the new value does not read back")
        self._check_others_unchanged(edited, spec)
        now = edited.file.text[after[0].value_start : after[0].value_end]
        return edited, Change(spec.name, action, old, now, after[0].line)

    def without_key(self, spec: KeySpec) -> tuple[ConfigDocument, Change]:
        from wslconfig_assistant.wslconfig import splice  # noqa: PLC0415 - edits only: keep validate lean

        self.require_editable()
        occurrences = self.occurrences_of(spec)
        if spec.id == "wsl2.macaddress" and self._stops_at_invalid_mac():
            # WSL stops at the invalid line, so it never reaches a macAddress line below it; once that
            # line is gone, it would. Unset takes them all, as it takes every line of a duplicated key.
            assert self.parsed is not None  # noqa: S101 - editable files always parse
            occurrences = [e for e in self.parsed.entries if e.name.lower() == spec.id]
        if not occurrences:
            return self, Change(spec.name, "unchanged", None, None, None)
        first = occurrences[0]
        old = self.file.text[first.value_start : first.value_end]
        # Only the key's own lines go: a section header stays even when it ends up empty.
        edited = self._edited(splice.remove_entries(self.file.text, occurrences))
        self._check_decoding(edited, spec)
        if edited.occurrences_of(spec):
            raise self._self_check_failed(spec, "the key is still read after removing it")
        self._check_others_unchanged(edited, spec)
        return edited, Change(spec.name, "unset", old, None, first.line)

    def occurrences_of(self, spec: KeySpec) -> list[Entry]:
        """Every line WSL maps to this key (aliases included), the effective one first."""
        if schema.lookup(spec.name) is not None:
            return self.evaluation.occurrences.get(spec.id, [])
        if self.parsed is None:
            return []
        return [e for e in self.parsed.entries if e.name.lower() == spec.id]

    def read_back(self, spec: KeySpec) -> object | None:
        """The value WSL uses for this key, or the string it reads for a key this tool does not know."""
        if schema.lookup(spec.name) is not None:
            setting = self.settings.get(spec.id)
            return None if setting is None else setting.value
        found = self.occurrences_of(spec)
        return values.wsl_string(found[0].value, from_utf8=self.file.codec == "utf-8") if found else None

    def _stops_at_invalid_mac(self) -> bool:
        """WSL's invalid macAddress is fatal: it reads no key after that line."""
        return bool(self.evaluation.occurrences.get("wsl2.macaddress")) and "wsl2.macaddress" not in self.settings

    def _refuse_after_fatal_line(self, spec: KeySpec) -> None:
        if spec.id != "wsl2.macaddress" and self._stops_at_invalid_mac():
            line = self.evaluation.occurrences["wsl2.macaddress"][0].line
            raise WriteRefusedError(
                f"WSL stops reading at the invalid macAddress on line {line}, so no edit "
                "after it would take effect; nothing was written",
                fix=f"fix that line first: {shellcommand.ours('unset', 'wsl2.macAddress')}",
            )

    def _check_decoding(self, edited: ConfigDocument, spec: KeySpec) -> None:
        # The edit must not change how the bytes decode: UTF-8 text that a UTF-16 file
        # already holds (it reads as CJK) can tip the mixed-encoding check once text is added,
        # and moving a stray byte of a Latin-1 comment to the end of a 2048-byte read makes WSL
        # ignore the whole file. The one change allowed: the last stray bytes go (an unset).
        before, after = self.file, edited.file
        gained = after.problem is not None and (before.problem is None or after.problem.kind != before.problem.kind)
        if not after.lossless or gained or (after.codec, after.bom) != (before.codec, before.bom):
            problem = after.problem
            raise DecodingWouldChangeError(
                f"editing {spec.name} was refused by the self-check: the file would no longer read as "
                f"{before.label}" + (f" ({problem.message})" if problem else f" but as {after.label}")
                + "; nothing was written",
                fix=_repair_fix(),
            )

    def _check_others_unchanged(self, edited: ConfigDocument, spec: KeySpec) -> None:
        allowed = _SIDE_EFFECTS.get(spec.id, frozenset()) | {spec.id}
        for key, setting in self.settings.items():
            if key in allowed:
                continue
            other = edited.settings.get(key)
            if other is None or other.value != setting.value:
                raise self._self_check_failed(spec, f"{setting.spec.name} would change too")
        # Nor may a line WSL drops today come alive (e.g. a backslash at the very end of
        # the file turns into a line continuation once a line break follows it). Fixing an
        # invalid macAddress is the exception: WSL then reads on past it, as intended.
        if spec.id == "wsl2.macaddress" and self._stops_at_invalid_mac():
            return
        for key, setting in edited.settings.items():
            if key not in allowed and key not in self.settings:
                raise self._self_check_failed(
                    spec, f"{setting.spec.name} on line {setting.entry.line} would start to count")

    def _self_check_failed(self, spec: KeySpec, why: str) -> WriteRefusedError:
        return WriteRefusedError(
            f"editing {spec.name} was refused by the self-check: {why}; nothing was written",
            fix=f"run `{shellcommand.ours('validate', '--offline')}` to see what in the file confuses the edit",
        )

    def diff(self, other: ConfigDocument) -> str:
        """A unified diff for people (line endings shown as plain lines)."""
        import difflib  # noqa: PLC0415 - only edits need it; validate stays lean

        from wslconfig_assistant.core.findings import visible  # noqa: PLC0415

        name = visible(str(self.path)) if self.path else ".wslconfig"
        before = self.file.text.splitlines(keepends=True)  # none for a missing file (new_file() is empty)
        after = other.file.text.splitlines(keepends=True)
        lines = difflib.unified_diff(
            [_visible(line) for line in before],
            [_visible(line) for line in after],
            fromfile=f"{name} (before)" if self.exists else "/dev/null",
            tofile=f"{name} (after)",
        )
        return "".join(lines)


def _repair_fix() -> str:
    return f"{shellcommand.ours('repair')}   (re-encodes it as UTF-8 with a backup; then run this command again)"


def _visible(line: str) -> str:
    # Escaped here, not only when printed: with colours on, the escaping keeps the colour codes
    # Console writes, and a file's own (a comment holding ESC[31m) must not pass for one.
    from wslconfig_assistant.core.findings import visible  # noqa: PLC0415

    return visible(line.rstrip("\r\n")) + "\n"
