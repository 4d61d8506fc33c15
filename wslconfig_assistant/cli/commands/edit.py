"""`get`, `set` and `unset`: single lossless edits for scripts."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from wslconfig_assistant.cli import output
from wslconfig_assistant.cli.commands.context import Context
from wslconfig_assistant.core.errors import ExitCode
from wslconfig_assistant.wslconfig.document import Change, ConfigDocument, resolve_key
from wslconfig_assistant.wslconfig.effective import Setting
from wslconfig_assistant.wslconfig.values import wsl_cstring

if TYPE_CHECKING:
    from wslconfig_assistant.storage.safewrite import Backup


def get(ctx: Context, key: str) -> int:
    spec = resolve_key(key)
    doc = ctx.load()
    setting = doc.settings.get(spec.id)
    findings = [f for f in doc.evaluation.findings if f.key and f.key.lower() == spec.name.lower()]
    code = ExitCode.OK if setting is not None else ExitCode.NOT_COMPLIANT
    if ctx.json:
        value = {spec.id: setting.as_json()} if setting is not None else {}
        output.print_json(output.envelope("get", code, str(ctx.config), findings, values=value))
        return code
    if setting is None:
        why = "is not set" if spec.id not in doc.evaluation.occurrences else "is set to a value WSL rejects"
        ctx.console.error(f"{spec.name} {why} in {ctx.config}; WSL uses its default: {spec.default}")
        for line in output.finding_lines(ctx.console, str(ctx.config), findings):
            ctx.console.error(line)
        return code
    from wslconfig_assistant.system.streams import escaped  # noqa: PLC0415

    sys.stdout.write(escaped(display_value(setting)) + "\n")
    return code


def display_value(setting: Setting) -> str:
    """A value for scripts, in the form `set` takes back: strings and paths as WSL decodes
    them (quotes and escapes resolved), booleans and integers canonical, sizes as written."""
    value = setting.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(map(str, value))
    if isinstance(value, str) or setting.spec.type == "int":
        return str(value)
    return wsl_cstring(setting.entry.value).strip()


def set_key(ctx: Context, key: str, value: str, *, allow_unknown: bool = False, dry_run: bool = False) -> int:
    spec = resolve_key(key, allow_unknown=allow_unknown,
                       unknown_hint="(pass --allow-unknown to write a key this tool does not know)")
    with ctx.write_lock(dry_run=dry_run):  # read, edit and write as one: a concurrent writer goes first or after
        doc = ctx.load()
        edited, change = doc.with_value(spec, value)
        backup = _write(ctx, "set", doc, edited, change, dry_run=dry_run)
    return _finish(ctx, "set", doc, edited, change, backup=backup, dry_run=dry_run)


def unset_key(ctx: Context, key: str, *, dry_run: bool = False) -> int:
    spec = resolve_key(key, for_removal=True)
    with ctx.write_lock(dry_run=dry_run):
        doc = ctx.load()
        edited, change = doc.without_key(spec)
        backup = _write(ctx, "unset", doc, edited, change, dry_run=dry_run)
    return _finish(ctx, "unset", doc, edited, change, backup=backup, dry_run=dry_run)


def _write(ctx: Context, command: str, doc: ConfigDocument, edited: ConfigDocument, change: Change,
           *, dry_run: bool) -> Backup | None:
    if change.action == "unchanged" or dry_run:
        return None
    from pathlib import Path  # noqa: PLC0415 - only writers need it

    from wslconfig_assistant.storage.safewrite import write_file  # noqa: PLC0415

    return write_file(Path(ctx.config), edited.to_bytes(), expected=doc.raw, reason=f"{command} {change.key}").backup


def _finish(ctx: Context, command: str, doc: ConfigDocument, edited: ConfigDocument, change: Change,
            *, backup: Backup | None, dry_run: bool) -> int:
    diff = doc.diff(edited) if edited is not doc else ""
    if ctx.json:
        record = change.as_json() | {"diff": diff, "backup": str(backup.path) if backup else None,
                                     "written": change.action != "unchanged" and not dry_run}
        output.print_json(output.envelope(command, 0, str(ctx.config), [], changes=[record]))
        return 0
    con = ctx.console
    if change.action == "unchanged":
        what = "is not set" if command == "unset" else f"is already {change.new}"
        con.print(f"{change.key} {what}: {ctx.config} left as it is")
        return 0
    con.print(diff.rstrip("\n"))
    if dry_run:
        con.print(con.paint("dry run: nothing was written", "dim"))
        return 0
    ctx.report_written(f"{command} {change.key}: written to {ctx.config}", backup)
    return 0
