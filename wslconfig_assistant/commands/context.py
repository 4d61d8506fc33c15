"""What every command gets: the config path, the console, and the shared options."""

from __future__ import annotations

import dataclasses
import pathlib

from wslconfig_assistant.document import ConfigDocument
from wslconfig_assistant.output import Console


@dataclasses.dataclass(frozen=True)
class Context:
    config: pathlib.Path
    console: Console
    json: bool
    wsl_exe: str | None = None

    def load(self) -> ConfigDocument:
        # Imported here: safewrite pulls in tempfile/hashlib, which read-only paths can skip
        # until they actually read (read_current is cheap, the module import is not free).
        from wslconfig_assistant.safewrite import read_current  # noqa: PLC0415

        return ConfigDocument(self.config, read_current(self.config))
