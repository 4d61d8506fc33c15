"""What every command gets: the config path, the console, and the shared options."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, NamedTuple

from wslconfig_assistant.cli.output import Console
from wslconfig_assistant.wslconfig.document import ConfigDocument

if TYPE_CHECKING:
    from wslconfig_assistant.storage.safewrite import Backup


class Context(NamedTuple):
    config: str  # a path; str, not pathlib, to keep read-only commands fast
    console: Console
    json: bool
    wsl_exe: str | None = None

    def load(self) -> ConfigDocument:
        # Imported here: safewrite pulls in tempfile/hashlib, which read-only paths can skip
        # until they actually read (read_current is cheap, the module import is not free).
        from wslconfig_assistant.storage.openfile import read_current  # noqa: PLC0415

        return ConfigDocument(self.config, read_current(self.config))

    def report_written(self, headline: str, backup: Backup | None) -> None:
        """After a hand edit (set, unset, repair): what was written, the backup with its undo command,
        and the restart WSL needs to read it; every command as the user can run it (shellcommand.py)."""
        from wslconfig_assistant.core import shellcommand  # noqa: PLC0415

        con = self.console
        con.print(con.paint(headline, "ok"))
        if backup is not None:
            con.print(f"backup: {backup.path}  (undo: {shellcommand.ours('restore', backup.id)})")
        shutdown = shellcommand.wsl("--shutdown")
        con.print(f"WSL reads .wslconfig when its VM starts: run `{shutdown}` to apply the change")

    def write_lock(self, *, dry_run: bool = False) -> contextlib.AbstractContextManager[None]:
        """The config's write lock (writelock.py), for a command that reads, plans and writes:
        a concurrent writer then goes entirely before or after it. None for a dry run."""
        if dry_run:
            return contextlib.nullcontext()
        from wslconfig_assistant.storage import writelock  # noqa: PLC0415 - only writers need it

        return writelock.held(self.config)
