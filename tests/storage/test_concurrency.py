"""Two writers of one .wslconfig at once: both edits land (or one is refused, exit 5); none is lost.

The deterministic tests pause a real CLI process inside its write (safewrite's "stop" checkpoint hook),
run a second one, and continue the first: before writelock.py, the second wrote meanwhile and the first
one's rename dropped its edit (or the second deleted the first's temp file as "stale"). The stress test
runs real writer processes against each other for a few seconds (tests/writers.py).
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import writers
from conftest import cli_env
from fakewin import FakeWindows
from test_faults import temps, wait_until_stopped

from wslconfig_assistant.core.errors import WriteRefusedError
from wslconfig_assistant.storage import safewrite, writelock
from wslconfig_assistant.storage.safewrite import FAULT_ENV, FAULT_MODE_ENV, write_file

POSIX = os.name == "posix"
posix_only = pytest.mark.skipif(not POSIX, reason="SIGSTOP/SIGKILL")
START = b"[wsl2]\r\nmemory=4GB\r\n"


def start_cli(config: Path, logs: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    logs.mkdir(exist_ok=True)
    with open(logs / "out", "wb") as out, open(logs / "err", "wb") as err:
        return subprocess.Popen([sys.executable, "-m", "wslconfig_assistant", "--config", str(config), *args],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=cli_env(env))


def err_of(logs: Path) -> str:
    return (logs / "err").read_text(encoding="utf-8", errors="replace")


@posix_only
@pytest.mark.parametrize("checkpoint", ["after-temp-write", "after-last-check"])
@pytest.mark.parametrize("second", [("set", "wsl2.processors", "2"), ("unset", "wsl2.memory")])
def test_a_second_writer_waits_for_the_first_and_both_edits_land(
    tmp_path: Path, checkpoint: str, second: tuple[str, ...]
) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(START)
    first = start_cli(config, tmp_path / "a", "set", "wsl2.swap", "1GB",
                      env={FAULT_ENV: checkpoint, FAULT_MODE_ENV: "stop"})
    try:
        wait_until_stopped(first, tmp_path / "a")  # paused inside its write, its temp file written
        its_temp = temps(tmp_path)
        assert len(its_temp) == 1
        later = start_cli(config, tmp_path / "b", *second)
        time.sleep(1.0)
        # It waits for the lock: it neither wrote nor took the paused writer's temp file for a stale one.
        assert later.poll() is None, err_of(tmp_path / "b")
        assert its_temp[0].exists()
    finally:
        os.kill(first.pid, signal.SIGCONT)
    assert first.wait(timeout=30) == 0, err_of(tmp_path / "a")
    assert later.wait(timeout=30) == 0, err_of(tmp_path / "b")
    text = config.read_bytes().decode()
    assert "swap=1GB" in text  # the first edit...
    assert ("processors=2" in text) if second[0] == "set" else ("memory=" not in text)  # ...and the second
    assert temps(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".wslconfig")) == [
        ".wslconfig", ".wslconfig-assistant-backups"]  # no lock file left behind


@posix_only
def test_the_interleaving_that_lost_an_edit(tmp_path: Path) -> None:
    """The schedule that lost an edit before the lock: A has read and cleaned, B compares, A renames, B
    renames over A's result (both said "written"; A's edit was gone, and no backup held it)."""
    config = tmp_path / ".wslconfig"
    config.write_bytes(START)
    first = start_cli(config, tmp_path / "a", "set", "wsl2.swap", "1GB",
                      env={FAULT_ENV: "before-backup", FAULT_MODE_ENV: "stop"})
    wait_until_stopped(first, tmp_path / "a")
    second = start_cli(config, tmp_path / "b", "set", "wsl2.processors", "2",
                       env={FAULT_ENV: "after-last-check", FAULT_MODE_ENV: "stop"})
    time.sleep(1.0)
    pid, _ = os.waitpid(second.pid, os.WUNTRACED | os.WNOHANG)
    assert pid == 0  # neither stopped past its last check nor ended: it waits for A's lock
    os.kill(first.pid, signal.SIGCONT)
    assert first.wait(timeout=30) == 0, err_of(tmp_path / "a")
    wait_until_stopped(second, tmp_path / "b")  # now past its last check, on A's result
    os.kill(second.pid, signal.SIGCONT)
    assert second.wait(timeout=30) == 0, err_of(tmp_path / "b")
    assert config.read_bytes() == b"[wsl2]\r\nmemory=4GB\r\nswap=1GB\r\nprocessors=2\r\n"


@posix_only
def test_a_lock_left_by_a_killed_writer_never_blocks(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(START)
    dead = start_cli(config, tmp_path / "a", "set", "wsl2.swap", "1GB",
                     env={FAULT_ENV: "after-last-check", FAULT_MODE_ENV: "stop"})
    wait_until_stopped(dead, tmp_path / "a")
    os.kill(dead.pid, signal.SIGKILL)
    assert dead.wait(timeout=30) == -signal.SIGKILL
    assert Path(writelock.lock_path(str(config))).exists()  # the file stays; the OS lock died with its holder
    began = time.monotonic()
    after = start_cli(config, tmp_path / "b", "set", "wsl2.processors", "2")
    assert after.wait(timeout=30) == 0, err_of(tmp_path / "b")
    assert time.monotonic() - began < writelock.WAIT_SECONDS  # not a timeout: the lock was free
    assert config.read_bytes() == b"[wsl2]\r\nmemory=4GB\r\nprocessors=2\r\n"  # the dead edit never landed
    assert temps(tmp_path) == []  # and its temp file was cleaned


def hold_lock_elsewhere(config: Path) -> int:
    """Another holder of the file's lock (another open file: exclusive even within this process)."""
    fd = os.open(writelock.lock_path(str(config)), os.O_RDWR | os.O_CREAT, 0o600)
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


@posix_only
def test_a_live_holder_is_waited_for_then_the_write_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(START)
    monkeypatch.setattr(writelock, "WAIT_SECONDS", 0.3)
    fd = hold_lock_elsewhere(config)
    try:
        with pytest.raises(WriteRefusedError, match="another program is writing") as caught:
            write_file(config, b"[wsl2]\r\n", expected=START)
        assert caught.value.exit_code == 5
        assert config.read_bytes() == START
        assert not safewrite.backup_dir(config).exists()  # refused before the backup
    finally:
        os.close(fd)  # closing releases it
    write_file(config, b"[wsl2]\r\n", expected=START)
    assert config.read_bytes() == b"[wsl2]\r\n"


@posix_only
def test_a_symlink_at_the_lock_s_name_is_refused(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(START)
    victim = tmp_path / "victim"
    os.symlink(victim, writelock.lock_path(str(config)))
    with pytest.raises(WriteRefusedError, match="is a symbolic link"):
        write_file(config, b"[wsl2]\r\n", expected=START)
    assert not victim.exists()
    assert config.read_bytes() == START


def test_a_folder_without_locks_still_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Some network mounts refuse flock (ENOLCK): the content comparison still guards the write."""
    import fcntl

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    config = tmp_path / ".wslconfig"
    config.write_bytes(START)
    write_file(config, b"[wsl2]\r\n", expected=START)
    assert config.read_bytes() == b"[wsl2]\r\n"


def test_windows_lock_waits_for_another_handle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_windows: FakeWindows
) -> None:
    """The win32 branch, against the documented fake of _locking/LockFile (tests/fakewin.py)."""
    monkeypatch.setattr(writelock, "WAIT_SECONDS", 0.3)
    config = tmp_path / ".wslconfig"
    config.write_bytes(START)
    other = os.open(writelock.lock_path(str(config)), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        assert fake_windows.try_lock_first_byte(other)
        with pytest.raises(WriteRefusedError, match="another program is writing"), writelock.held(config):
            pass
        fake_windows.unlock_first_byte(other)
        with writelock.held(config), writelock.held(config):  # re-entered by write_file: one lock
            assert not fake_windows.try_lock_first_byte(other)
        assert fake_windows.try_lock_first_byte(other)  # released on the way out
    finally:
        os.close(other)
    write_file(config, b"[wsl2]\r\n", expected=START)  # the whole write, as on Windows
    assert config.read_bytes() == b"[wsl2]\r\n"
    assert not Path(writelock.lock_path(str(config))).exists()


def test_stress_concurrent_writers_lose_no_reported_edit(tmp_path: Path) -> None:
    """Two real processes run `set` on one file in a loop for 3 seconds, each on its own key."""
    # tmpfs when there is one: no fsync wait, so many more rounds fit in the time.
    shm = Path("/dev/shm")
    folder = Path(os.environ.get("WSLCONFIG_STRESS_DIR", shm if shm.is_dir() and os.access(shm, os.W_OK) else ""))
    folder = folder / f"stress-{os.getpid()}-{tmp_path.name}" if str(folder) != "." else tmp_path / "stress"
    folder.mkdir(parents=True)
    try:
        figures = writers.run(folder / ".wslconfig", writers=2, seconds=3.0)
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    assert figures["lost"] == 0, figures
    assert figures["other"] == 0, figures
    assert figures["written"] >= 10, figures  # it really raced (~100-200 on an idle 2-core machine)
    assert figures["refused"] == 0, figures  # the lock serializes them: nobody has to be refused
