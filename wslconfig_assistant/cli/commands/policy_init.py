"""`policy init [PATH]`: write a commented policy template, or bring an existing one up to date.

A new file gets every table and key with its default and a comment. An existing file is
edited with tomlkit, style-preservingly: the user's values, comments, order and layout stay
as they are; only missing tables and keys are added, each with its comment. The result must
read back as a valid policy (exit 2 otherwise, nothing written), and it is written through
safewrite.write_file (backup of the old file, atomic replace). Nothing to add: no write.
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from wslconfig_assistant.cli import output
from wslconfig_assistant.compliance import policy_toml
from wslconfig_assistant.core.errors import UsageError

if TYPE_CHECKING:
    from wslconfig_assistant.cli.output import Console

DEFAULT_PATH = "wslconfig-policy.toml"

HEADER = (
    "wslconfig-assistant policy: what \"comply\" means for validate, versions,",
    "verify and apply (pass --policy FILE). Data only: nothing in it is run.",
    "Every table and key is optional; a key left out keeps the default shown.",
)


class Added(NamedTuple):
    key: str  # "memory.floor", or a table name for a table without keys ("require")
    value: object  # the default written, None for a table

    def as_json(self) -> dict[str, object]:
        return {"key": self.key, "action": "add", "old": None, "new": self.value}


def policy_init(*, console: Console, json_mode: bool, path: str | None, config: str | None = None) -> int:
    """``config``: the --config given, if any (to keep the policy's backups away from its backups)."""
    path = path or DEFAULT_PATH
    old = policy_toml.read_bytes(path)
    if old is None:
        new_text, added = render_template(), [Added(f"{f.table}.{f.key}", f.default) for f in policy_toml.FIELDS]
        added.append(Added(policy_toml.REQUIRE, None))
        old_text = ""
    else:
        old_text = policy_toml.decode(path, old)
        new_text, added = update_text(path, old_text)
    # What is written must be a policy that --policy accepts (exit 2 otherwise, nothing written).
    policy_toml.parse_policy(policy_toml.loads(path, new_text), path)
    backup = None
    if added:
        new = new_text.encode("utf-8")
        if old is not None and old.startswith(codecs.BOM_UTF8):
            new = codecs.BOM_UTF8 + new
        from pathlib import Path  # noqa: PLC0415 - only writers need it

        from wslconfig_assistant.storage.safewrite import write_file  # noqa: PLC0415

        backup = write_file(Path(path), new, expected=old, reason="policy init").backup
    diff = _diff(path, old_text, new_text, created=old is None) if added else ""
    if json_mode:
        output.print_json(output.envelope(
            "policy init", 0, None, [], policy=path, created=old is None, written=bool(added),
            changes=[a.as_json() for a in added], diff=diff,
            backup=str(backup.path) if backup else None,
        ))
        return 0
    if old is None:
        console.print(console.paint(f"created {path}: the default policy, every key commented", "ok"))
    elif added:
        console.print(diff.rstrip("\n"))
        names = ", ".join(a.key for a in added)
        console.print(console.paint(f"updated {path}: added {names}", "ok"))
        console.print("your values and comments are kept as they were")
        if backup is not None:
            console.print(f"backup: {backup.path}")
    else:
        console.print(f"{path} already has every table and key: nothing to add")
    from wslconfig_assistant.core import shellcommand  # noqa: PLC0415

    console.print(f"use it: {shellcommand.render(shellcommand.ours_argv('apply', '--policy', str(path)))}")
    return 0


def _tomlkit() -> Any:
    try:
        import tomlkit  # noqa: PLC0415 - only `policy init` edits TOML
    except ImportError:  # pragma: no cover - a dependency of the package
        raise UsageError("`policy init` needs the tomlkit package", fix="python -m pip install tomlkit") from None
    return tomlkit


def _table(name: str) -> Any:
    """A template table: its comment, then each key's comment and default."""
    tomlkit = _tomlkit()
    table = tomlkit.table()
    for line in policy_toml.TABLE_COMMENTS.get(name, ()):
        table.add(tomlkit.comment(line))
    for field in policy_toml.FIELDS:
        if field.table == name:
            for line in field.comment:
                table.add(tomlkit.comment(line))
            table.add(field.key, field.default)
    return table


def render_template() -> str:
    tomlkit = _tomlkit()
    doc = tomlkit.document()
    for line in HEADER:
        doc.add(tomlkit.comment(line))
    doc.add(tomlkit.nl())
    for name in policy_toml.TABLES:
        doc.add(name, _table(name))
    return str(doc.as_string())


def update_text(path: str, text: str) -> tuple[str, list[Added]]:
    """``text`` with the template's missing tables and keys added (comments included)."""
    tomlkit = _tomlkit()
    from tomlkit.exceptions import ParseError  # noqa: PLC0415

    crlf = "\r\n" in text
    base = text if not text or text.endswith("\n") else text + ("\r\n" if crlf else "\n")
    policy_toml.guard(path, base)  # before tomlkit: some shapes cost it far more than their size
    try:
        doc = tomlkit.parse(base)
    except ParseError as exc:
        raise UsageError(f"policy file {path}: not valid TOML: {exc}",
                         fix="fix the syntax there, or move the file away and run policy init again") from None
    added: list[Added] = []
    for name in policy_toml.TABLES:
        fields = [f for f in policy_toml.FIELDS if f.table == name]
        if name not in doc:
            if doc.as_string().strip() and not doc.as_string().endswith(("\n\n", "\r\n\r\n")):
                doc.add(tomlkit.nl())
            doc.add(name, _table(name))
            added.extend(Added(f"{name}.{f.key}", f.default) for f in fields)
            if not fields:
                added.append(Added(name, None))
            continue
        for field in fields:
            if _has_key(doc[name], field.key) is False:
                _add_key(doc[name], field)
                added.append(Added(f"{name}.{field.key}", field.default))
    if not added:
        return text, []
    new_text = str(doc.as_string())
    if crlf:  # the lines tomlkit adds end in LF: match the file
        new_text = re.sub(r"(?<!\r)\n", "\r\n", new_text)
    return new_text, added


def _has_key(item: object, key: str) -> bool | None:
    """Whether a table holds ``key``; None when it is not a table (the validation says so)."""
    from tomlkit.items import InlineTable, Table  # noqa: PLC0415

    if not isinstance(item, Table | InlineTable):
        return None
    return key in item


def _add_key(item: Any, field: policy_toml.Field) -> None:
    """Add a key with its comment, before the table's trailing blank lines (so it stays with
    the table's other keys instead of drifting to the next header)."""
    tomlkit = _tomlkit()
    from tomlkit.items import Comment, Table, Whitespace  # noqa: PLC0415

    if not isinstance(item, Table) or item.is_super_table():
        item.add(field.key, field.default)  # an inline or dotted table: no room for comments
        return
    body = item.value.body
    # A comment the user kept after deleting its key is not written twice.
    present = {str(it.as_string()).strip() for _key, it in body if isinstance(it, Comment)}
    trailing: list[Whitespace] = []
    while body and body[-1][0] is None and isinstance(body[-1][1], Whitespace):
        space = body.pop()[1]
        assert isinstance(space, Whitespace)  # noqa: S101 - checked by the loop condition
        trailing.insert(0, space)
    for line in field.comment:
        if f"# {line}" not in present:
            item.add(tomlkit.comment(line))
    item.add(field.key, field.default)
    for space in trailing:
        item.add(space)


def _diff(path: str, old: str, new: str, *, created: bool) -> str:
    import difflib  # noqa: PLC0415

    from wslconfig_assistant.core.findings import visible  # noqa: PLC0415 - the file's bytes never drive the terminal

    lines = difflib.unified_diff(
        [visible(line.rstrip("\r\n")) + "\n" for line in old.splitlines(keepends=True)],
        [visible(line.rstrip("\r\n")) + "\n" for line in new.splitlines(keepends=True)],
        fromfile="/dev/null" if created else f"{visible(path)} (before)",
        tofile=f"{visible(path)} (after)",
    )
    return "".join(lines)
