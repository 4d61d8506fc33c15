"""`repair`: re-encode a .wslconfig WSL cannot read as written (UTF-16BE, BOM-less UTF-16, a file
mixed by PowerShell's `>>`, Latin-1 bytes) as UTF-8, keeping every line, comment and line ending.

The repair path for hand use; `apply` and the wizard make the same repair (reencode.py) before
their edits. One write through safewrite.py, with a backup: `restore` gives the old bytes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wslconfig_assistant.cli import output
from wslconfig_assistant.cli.commands.context import Context
from wslconfig_assistant.core.findings import visible
from wslconfig_assistant.wslconfig import reencode

if TYPE_CHECKING:
    from wslconfig_assistant.wslconfig.document import ConfigDocument


def repair(ctx: Context, *, dry_run: bool = False) -> int:
    with ctx.write_lock(dry_run=dry_run):  # read, repair and write as one: a concurrent writer goes first or after
        doc = ctx.load()
        if not reencode.possible(doc):
            return _nothing_to_repair(ctx, doc, dry_run=dry_run)
        fixed = reencode.repair(doc)
        backup = None
        if not dry_run:
            from pathlib import Path  # noqa: PLC0415 - only writers need it

            from wslconfig_assistant.storage.safewrite import write_file  # noqa: PLC0415

            backup = write_file(Path(ctx.config), fixed.after.to_bytes(), expected=doc.raw, reason="repair").backup
    if ctx.json:
        record = change_json(fixed, written=not dry_run)
        output.print_json(output.envelope(
            "repair", 0, ctx.config, fixed.after.evaluation.findings, changes=[record], repair=fixed.as_json(),
            diff=fixed.diff, written=not dry_run, backup=str(backup.path) if backup else None,
            backup_id=backup.id if backup else None, dry_run=dry_run,
        ))
        return 0
    con = ctx.console
    problem = doc.file.problem
    assert problem is not None  # noqa: S101 - possible() said so
    con.print(visible(f"{ctx.config}: {problem.message}"))
    con.print(fixed.diff.rstrip("\n"))
    con.print(f"repair: {fixed.summary()}")
    for note in fixed.notes:
        con.print(f"  note: {note}")
    if dry_run:
        con.print(con.paint("dry run: nothing was written", "dim"))
        return 0
    ctx.report_written(f"repaired: written to {ctx.config}", backup)
    return 0


def _nothing_to_repair(ctx: Context, doc: ConfigDocument, *, dry_run: bool) -> int:
    why = f"WSL reads it as written ({doc.file.label})" if doc.exists else "there is no file (WSL uses its defaults)"
    if ctx.json:
        output.print_json(output.envelope("repair", 0, ctx.config, [], changes=[], repair=None, diff="",
                                          written=False, backup=None, backup_id=None, dry_run=dry_run))
    else:
        ctx.console.print(f"nothing to repair in {ctx.config}: {why}")
    return 0


def change_json(fixed: reencode.Repair, *, written: bool) -> dict[str, object]:
    """The repair as one entry of `changes` (next to the edits in `apply`): key null, action "repair"."""
    return {"key": None, "action": "repair", "old": fixed.source, "new": fixed.target, "line": None,
            "reason": fixed.summary(), "diff": fixed.diff, "written": written}
