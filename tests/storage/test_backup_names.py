"""Backups of several files in one folder never mix (issue 10.10), and listing them reads none (10.9).

`.wslconfig` and a sibling `wslconfig` (or a policy file) keep their backups in one
`.wslconfig-assistant-backups` folder. Before, both got the tag "wslconfig": `restore` on one could bring
back the other's content and one's writes pruned the other's backups. Now each backup carries its file's
exact name (and the content's whole SHA-256, so `backups` lists from names and sizes alone).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cli_env, run_cli

from wslconfig_assistant.core.errors import UsageError, WriteRefusedError
from wslconfig_assistant.storage import safewrite
from wslconfig_assistant.storage.safewrite import backup_dir, list_backups, restore, write_file

INI = b"[wsl2]\r\nmemory=4GB\r\n"
TOML = b'[memory]\nfloor = "2GB"\n'


def test_a_sibling_s_backups_are_never_restored_into_wslconfig(tmp_path: Path) -> None:
    dotted, plain = tmp_path / ".wslconfig", tmp_path / "wslconfig"
    dotted.write_bytes(INI)
    plain.write_bytes(TOML)
    write_file(dotted, INI + b"swap=0\r\n", expected=INI)
    write_file(plain, TOML + b"# edited\n", expected=TOML)  # the newest backup in the folder is the sibling's
    assert [b.path.read_bytes() for b in list_backups(dotted)] == [INI]
    assert [b.path.read_bytes() for b in list_backups(plain)] == [TOML]
    result = run_cli("--config", dotted, "restore")
    assert result.returncode == 0, result.stderr
    assert dotted.read_bytes() == INI  # its own backup, not the TOML
    sibling_id = list_backups(plain)[0].id
    with pytest.raises(UsageError, match="no backup of"):
        restore(dotted, sibling_id)  # an id of the other file's backup is not one of this file's


def test_one_file_s_writes_never_prune_another_s_backups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safewrite, "MAX_BACKUPS", 3)
    dotted, plain = tmp_path / ".wslconfig", tmp_path / "wslconfig"
    plain.write_bytes(TOML)
    write_file(plain, TOML + b"# 1\n", expected=TOML)
    content = INI
    dotted.write_bytes(content)
    for n in range(6):
        new = INI + f"processors={n + 1}\r\n".encode()
        write_file(dotted, new, expected=content)
        content = new
    assert len(list_backups(dotted)) == 3
    assert [b.path.read_bytes() for b in list_backups(plain)] == [TOML]  # untouched by the other's pruning


def plant_legacy(config: Path, backup_id: str, data: bytes) -> Path:
    """A backup as versions before 0.2 named it: 12 digits, the name without its leading dot."""
    folder = backup_dir(config)
    folder.mkdir(exist_ok=True)
    path = folder / f"{backup_id}-{hashlib.sha256(data).hexdigest()[:12]}.{config.name.lstrip('.')}"
    path.write_bytes(data)
    return path


def test_old_backups_are_still_listed_and_restored(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(INI)
    old = plant_legacy(config, "20240101T000000.000000Z", b"[wsl2]\r\nmemory=2GB\r\n")
    [listed] = list_backups(config)
    assert (listed.path, listed.size, listed.sha256) == (old, old.stat().st_size, old.name[24:36])
    write_file(config, INI + b"swap=0\r\n", expected=INI)
    paths = [b.path for b in list_backups(config)]
    assert len(paths) == 2
    assert paths[0] == old  # migration: old and new names side by side
    chosen, _ = restore(config, "20240101")
    assert chosen.path == old
    assert config.read_bytes() == b"[wsl2]\r\nmemory=2GB\r\n"


def test_old_backups_that_could_be_either_file_s_are_left_alone(tmp_path: Path) -> None:
    dotted, plain = tmp_path / ".wslconfig", tmp_path / "wslconfig"
    dotted.write_bytes(INI)
    plain.write_bytes(TOML)
    ambiguous = plant_legacy(dotted, "20240101T000000.000000Z", TOML)  # whose? both were tagged "wslconfig"
    assert list_backups(dotted) == []
    assert list_backups(plain) == []
    with pytest.raises(UsageError, match="there are no backups"):
        restore(dotted)
    assert dotted.read_bytes() == INI
    assert ambiguous.exists()  # kept for the user to look at


def test_a_damaged_backup_is_refused_by_its_full_checksum(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(INI)
    backup = write_file(config, b"[wsl2]\r\n", expected=INI).backup
    assert backup is not None
    backup.path.write_bytes(b"[wsl2]\r\nmemory=1GB\r\n")  # same size class, other content
    with pytest.raises(WriteRefusedError, match="damaged"):
        restore(config, backup.id)
    assert config.read_bytes() == b"[wsl2]\r\n"


def test_a_file_too_large_to_back_up_is_not_edited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safewrite, "MAX_BACKUP_BYTES", 64)
    config = tmp_path / ".wslconfig"
    big = INI + b"#" * 100 + b"\r\n"
    config.write_bytes(big)
    with pytest.raises(WriteRefusedError, match="too large to keep a backup of"):
        write_file(config, INI, expected=big)
    assert config.read_bytes() == big
    assert not backup_dir(config).exists()


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_AS, sparse files")
def test_listing_reads_no_backup_and_skips_a_huge_file(tmp_path: Path) -> None:
    """A 3 GB file under a backup's name: `backups` and `restore` stay fast and small (512 MiB address
    space) because the listing reads names and sizes only; the huge file is not taken as a backup."""
    config = tmp_path / ".wslconfig"
    config.write_bytes(INI)
    write_file(config, b"[wsl2]\r\n", expected=INI)
    folder = backup_dir(config)
    for name in (f"29991231T000000.000000Z-{'0' * 64}..wslconfig", "29991231T000000.000001Z-000000000000.wslconfig"):
        with open(folder / name, "wb") as huge:  # sparse: 3 GB that take no disk
            huge.truncate(3 << 30)
    launcher = ("import resource, runpy, sys\n"
                "resource.setrlimit(resource.RLIMIT_AS, (512 << 20, 512 << 20))\n"
                "runpy.run_module('wslconfig_assistant', run_name='__main__', alter_sys=True)\n")

    def capped(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", launcher, "--config", str(config), *args],
                              capture_output=True, text=True, env=cli_env(), timeout=60, check=False)

    listing = capped("--json", "backups")
    assert listing.returncode == 0, listing.stderr
    rows = json.loads(listing.stdout)["backups"]
    assert [row["size"] for row in rows] == [len(INI)]
    assert rows[0]["sha256"] == hashlib.sha256(INI).hexdigest()
    put_back = capped("restore")  # the newest backup of its own, not the huge files
    assert put_back.returncode == 0, put_back.stderr
    assert config.read_bytes() == INI
    assert os.path.getsize(folder / f"29991231T000000.000000Z-{'0' * 64}..wslconfig") == 3 << 30  # untouched
