"""`backups` and `restore`: the copies taken before every write, and putting one back."""

from __future__ import annotations

from wslconfig_assistant.cli import output
from wslconfig_assistant.cli.commands.context import Context
from wslconfig_assistant.core import shellcommand


def backups(ctx: Context) -> int:
    from pathlib import Path  # noqa: PLC0415

    from wslconfig_assistant.storage.openfile import read_current  # noqa: PLC0415
    from wslconfig_assistant.storage.safewrite import backup_dir, list_backups  # noqa: PLC0415

    read_current(ctx.config)  # a folder or a device is exit 3 here too, as for every other command
    config = Path(ctx.config)
    found = list_backups(config)
    if ctx.json:
        rows = [
            {"id": b.id, "path": str(b.path), "created": b.created.isoformat(), "size": b.size,
             "sha256": b.sha256}
            for b in found
        ]
        output.print_json(output.envelope("backups", 0, str(ctx.config), [], backups=rows))
        return 0
    con = ctx.console
    if not found:
        con.print(f"no backups of {ctx.config} yet (they are kept in {backup_dir(config)})")
        return 0
    con.print(f"backups of {ctx.config}, oldest first (in {backup_dir(config)}):")
    for b in found:
        con.print(f"  {b.id}  {b.created:%Y-%m-%d %H:%M:%S} UTC  {b.size:>6} bytes  sha256 {b.sha256[:12]}")
    con.print(f"restore one with: {shellcommand.ours('restore', 'ID')}   (the newest without an ID)")
    return 0


def restore(ctx: Context, backup_id: str | None) -> int:
    from pathlib import Path  # noqa: PLC0415

    from wslconfig_assistant.storage.openfile import read_current  # noqa: PLC0415
    from wslconfig_assistant.storage.safewrite import restore as restore_backup  # noqa: PLC0415
    from wslconfig_assistant.wslconfig.document import ConfigDocument  # noqa: PLC0415

    before = ConfigDocument(ctx.config, read_current(ctx.config))
    chosen, result = restore_backup(Path(ctx.config), backup_id)
    after = ConfigDocument(ctx.config, read_current(ctx.config))
    diff = before.diff(after) if result.backup is not None else ""
    written = result.backup is not None
    if ctx.json:
        change = {"key": None, "action": "restore" if written else "unchanged", "backup_id": chosen.id,
                  "diff": diff, "backup": str(result.backup.path) if result.backup else None,
                  "written": written}
        output.print_json(output.envelope("restore", 0, str(ctx.config), [], changes=[change]))
        return 0
    con = ctx.console
    if not written:
        con.print(f"{ctx.config} already matches backup {chosen.id}: nothing written")
        return 0
    con.print(diff.rstrip("\n"))
    con.print(con.paint(f"restored backup {chosen.id} to {ctx.config}", "ok"))
    assert result.backup is not None  # noqa: S101 - written implies a backup of what was there
    undo = shellcommand.ours("restore", result.backup.id)
    con.print(f"the content it replaced is backup {result.backup.id} (undo: {undo})")
    return 0
