"""`bench`'s history: each run's figures and circumstances, kept next to the backups.

``bench-history.json`` in the backups folder (safewrite.backup_dir), written atomically through
safewrite.write_side_file under the file's write lock (writelock.py), so two runs at once both land and
a crash leaves the previous history. The newest ``MAX_RUNS`` runs are kept. A history that cannot be
read (hand-edited, truncated by a foreign tool) is set aside as starting afresh: it is only a record.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wslconfig_assistant.storage import safewrite, writelock

__all__ = ["FILE_NAME", "MAX_RUNS", "history_path", "previous", "record"]

FILE_NAME = "bench-history.json"
MAX_RUNS = 50
_MAX_BYTES = 1024 * 1024  # 50 runs take ~40 KB; anything far larger is not ours


def history_path(config_path: str) -> Path:
    return safewrite.backup_dir(Path(config_path)) / FILE_NAME


def _load(path: Path) -> list[dict[str, Any]]:
    try:
        with open(path, "rb") as fh:
            data = fh.read(_MAX_BYTES + 1)
    except OSError:
        return []
    if len(data) > _MAX_BYTES:
        return []
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return []
    runs = parsed.get("runs") if isinstance(parsed, dict) else None
    return [run for run in runs if isinstance(run, dict)] if isinstance(runs, list) else []


def setup_key(run: dict[str, Any]) -> tuple[object, ...]:
    """What makes two runs comparable as "before" and "after": the transport, the pool and the config."""
    return (run.get("transport"), run.get("pool"), run.get("config_sha256"), run.get("simulated"))


def previous(config_path: str, run: dict[str, Any]) -> dict[str, Any] | None:
    """The last saved run under another transport or configuration (same distro, real vs simulated kept apart)."""
    for old in reversed(_load(history_path(config_path))):
        if (old.get("distro") == run.get("distro") and old.get("simulated") == run.get("simulated")
                and setup_key(old) != setup_key(run)):
            return dict(old)
    return None


def record(config_path: str, run: dict[str, Any]) -> Path:
    """Append ``run`` and keep the newest MAX_RUNS. Raises WriteRefusedError (exit 5) on failure."""
    path = history_path(config_path)
    safewrite.ensure_backup_dir(Path(config_path))  # the lock file sits in it
    with writelock.held(str(path)):
        runs = [*_load(path), run][-MAX_RUNS:]
        data = json.dumps({"runs": runs}, indent=1, ensure_ascii=False).encode("utf-8") + b"\n"
        return safewrite.write_side_file(Path(config_path), FILE_NAME, data)
