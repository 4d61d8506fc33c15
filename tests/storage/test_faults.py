"""Faults through the real command line: a crash at every step of a write, the world changing
under us, and a hostile wsl.exe. Every test runs ``python -m wslconfig_assistant`` as a process.

Crashes come from safewrite's checkpoint hook (WSLCONFIG_ASSISTANT_FAULT names the checkpoint,
WSLCONFIG_ASSISTANT_FAULT_MODE says what happens there): "raise" (a failing disk), "exit"
(os._exit: no cleanup runs) and "kill": the child stops itself with SIGSTOP at the checkpoint
("stop" mode) and the test SIGKILLs it there, a genuine kill. The crash matrix is built from
safewrite.CHECKPOINTS, and a test reads safewrite.py's syntax tree to prove that list names every
checkpoint the code calls, so CRASH_CASES counts the crash points covered.
"""

from __future__ import annotations

import ast
import contextlib
import errno
import functools
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from conftest import CliResult, cli_env, parse_json_doc, run_cli, simulator_exe

from wslconfig_assistant.storage import safewrite
from wslconfig_assistant.storage.safewrite import BACKUP_DIR_NAME, CHECKPOINTS, FAULT_ENV, FAULT_MODE_ENV

POSIX = os.name == "posix"
posix_only = pytest.mark.skipif(not POSIX, reason="signals, shell scripts and POSIX permissions")

# -- the files and the commands ------------------------------------------------------------------

SAMPLE = "[wsl2]\r\nmemory=4GB   # keep it small\r\nsafeMode=false\r\n\r\n# a comment to keep\r\n"
OTHER = "[wsl2]\r\nmemory=2GB\r\n"  # what a planted backup holds (restore) or another writer saves
ENCODINGS = {
    "utf8-crlf": lambda text: text.encode("utf-8"),
    "utf8-bom-lf": lambda text: b"\xef\xbb\xbf" + text.replace("\r\n", "\n").encode("utf-8"),
    "utf16le-bom": lambda text: ("\ufeff" + text).encode("utf-16-le"),
}
BACKUP_ID = "20240101T000000.000000Z"
COMMANDS: dict[str, tuple[str, ...]] = {
    "set": ("set", "wsl2.memory", "8GB"),
    "unset": ("unset", "wsl2.safeMode"),
    "apply": ("apply", "--no-update"),
    "restore": ("restore", BACKUP_ID),
}
# How the process dies at the checkpoint (the test's names; "kill" uses safewrite's "stop" mode).
CRASH_MODES = ("raise", "exit", "kill")


def _crash_cases() -> list[Any]:
    cases = []
    for c, command in enumerate(COMMANDS):
        for p, checkpoint in enumerate(CHECKPOINTS):
            for m, mode in enumerate(CRASH_MODES):
                # A Latin square: each command meets every encoding in each mode, at a third of the cost.
                encoding = list(ENCODINGS)[(c + p + m) % len(ENCODINGS)]
                cases.append(pytest.param(command, checkpoint, mode, encoding,
                                          id=f"{command}-{checkpoint}-{mode}-{encoding}"))
    return cases


CRASH_CASES = _crash_cases()  # len(COMMANDS) x len(CHECKPOINTS) x len(CRASH_MODES)


def temps(folder: Path) -> list[Path]:
    """Our temp files in the profile folder and its backup folder."""
    found = list(folder.glob("*.wslconfig-assistant.tmp"))
    if (folder / BACKUP_DIR_NAME).is_dir():
        found += (folder / BACKUP_DIR_NAME).glob("*.wslconfig-assistant.tmp")
    return found


def plant_backup(profile: Path, backup_id: str, data: bytes) -> Path:
    folder = profile / BACKUP_DIR_NAME
    folder.mkdir(exist_ok=True)
    path = folder / f"{backup_id}-{hashlib.sha256(data).hexdigest()[:12]}.wslconfig"
    path.write_bytes(data)
    return path


def no_traceback(result: CliResult | str) -> None:
    text = result if isinstance(result, str) else result.stderr + result.stdout
    assert "Traceback" not in text, text


class World:
    """A simulated Windows profile holding a .wslconfig (and, for restore, a backup to put back),
    a simulated wsl.exe whose versions comply, and the CLI to run on them."""

    def __init__(self, root: Path, command: str, encoding: str) -> None:
        self.profile = root / "Users" / "me"
        self.profile.mkdir(parents=True)
        self.config = self.profile / ".wslconfig"
        self.args = ("--config", str(self.config), *COMMANDS[command])
        encode = ENCODINGS[encoding]
        self.config.write_bytes(encode(SAMPLE))
        if command == "restore":
            plant_backup(self.profile, BACKUP_ID, encode(OTHER))
        self.state = root / "sim-state.json"
        self.state.write_text(json.dumps({"wsl_version": "2.9.4.0"}), encoding="utf-8")
        self.exe = simulator_exe(root)

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        return {"WSLCONFIG_ASSISTANT_WSL_EXE": self.exe, "WSLCONFIG_ASSISTANT_SIM_STATE": str(self.state),
                **(extra or {})}

    def run(self, extra: Mapping[str, str] | None = None) -> CliResult:
        return run_cli(*self.args, env=self.env(extra))

    def start(self, extra: Mapping[str, str], logs: Path) -> subprocess.Popen[bytes]:
        """The CLI in the background (for stop mode); its output goes to files, never a full pipe."""
        with open(logs / "out", "wb") as out, open(logs / "err", "wb") as err:
            return subprocess.Popen([sys.executable, "-m", "wslconfig_assistant", *self.args],
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    env=cli_env(self.env(extra)))

    def backups(self) -> list[Path]:
        return sorted((self.profile / BACKUP_DIR_NAME).glob("*.wslconfig"))


@functools.cache
def reference(command: str, encoding: str) -> tuple[bytes, int]:
    """What a run without any fault writes, and its exit code: the intended result."""
    root = Path(tempfile.mkdtemp(prefix="wslconfig-reference-"))
    try:
        world = World(root, command, encoding)
        result = world.run()
        assert result.returncode == 0, result.stderr  # the versions comply: a clean run exits 0
        return world.config.read_bytes(), result.returncode
    finally:
        shutil.rmtree(root, ignore_errors=True)


def wait_until_stopped(proc: subprocess.Popen[bytes], logs: Path, timeout: float = 60) -> None:
    """Wait for the child to stop itself at its checkpoint; fail if it ends or never gets there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status = os.waitpid(proc.pid, os.WUNTRACED | os.WNOHANG)
        if pid == 0:
            time.sleep(0.01)
            continue
        if os.WIFSTOPPED(status):
            return
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen
        pytest.fail(f"the CLI ended (exit {proc.returncode}) before its checkpoint: "
                    f"{(logs / 'err').read_text(encoding='utf-8', errors='replace')}")
    proc.kill()
    pytest.fail("the CLI neither stopped at its checkpoint nor ended")


# -- crash at every step of a write --------------------------------------------------------------


def checkpoints_called_in(source: str) -> list[str]:
    """The name given to every _checkpoint(...) call in the source, in source order."""
    calls = [node for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_checkpoint"]
    names = []
    for call in sorted(calls, key=lambda node: (node.lineno, node.col_offset)):
        [arg] = call.args
        assert isinstance(arg, ast.Constant), f"line {call.lineno}: a checkpoint name must be a literal"
        assert isinstance(arg.value, str)
        names.append(arg.value)
    return names


def test_the_crash_matrix_covers_every_checkpoint_safewrite_calls() -> None:
    called = checkpoints_called_in(Path(safewrite.__file__).read_text(encoding="utf-8"))
    assert called == list(CHECKPOINTS)  # each once, in write order: a new one cannot be missed
    covered = {(case.values[0], case.values[1], case.values[2]) for case in CRASH_CASES}
    assert covered == {(c, p, m) for c in COMMANDS for p in called for m in CRASH_MODES}
    assert {case.values[3] for case in CRASH_CASES} == set(ENCODINGS)
    assert len(CRASH_CASES) == 4 * 6 * 3


@posix_only
@pytest.mark.parametrize(("command", "checkpoint", "mode", "encoding"), CRASH_CASES)
def test_crash_leaves_original_or_intended_and_next_run_recovers(
    tmp_path: Path, command: str, checkpoint: str, mode: str, encoding: str
) -> None:
    intended, clean_exit = reference(command, encoding)
    world = World(tmp_path / "w", command, encoding)
    original = world.config.read_bytes()
    assert intended != original
    backups_before = world.backups()

    if mode == "kill":
        proc = world.start({FAULT_ENV: checkpoint, FAULT_MODE_ENV: "stop"}, tmp_path)
        wait_until_stopped(proc, tmp_path)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
        stderr = (tmp_path / "err").read_text(encoding="utf-8", errors="replace")
    else:
        result = world.run({FAULT_ENV: checkpoint, FAULT_MODE_ENV: mode})
        stderr = result.stderr
        if mode == "exit":
            assert result.returncode == safewrite.FAULT_EXIT_STATUS, stderr
        else:
            assert result.returncode == 5, stderr
            assert f"injected fault at {checkpoint}" in stderr
            claims_intact = "original is intact" in stderr
            assert claims_intact is (checkpoint != "after-replace")  # never claimed once replaced
            assert "fix: " in stderr
    no_traceback(stderr)

    # Byte for byte: the original, or (only once the rename happened) the intended result.
    replaced = checkpoint == "after-replace"
    assert world.config.read_bytes() == (intended if replaced else original)
    backups = world.backups()
    if CHECKPOINTS.index(checkpoint) >= CHECKPOINTS.index("after-backup"):
        assert len(backups) == len(backups_before) + 1
        assert backups[-1].read_bytes() == original
    else:
        assert backups == backups_before
    # Only a process killed between the temp write and the rename leaves a temp file behind.
    left = temps(world.profile)
    assert bool(left) == (mode != "raise" and checkpoint in ("after-temp-write", "before-replace",
                                                             "after-last-check")), left

    again = world.run()
    assert again.returncode == clean_exit, again.stderr
    assert world.config.read_bytes() == intended
    assert temps(world.profile) == []
    assert original in [path.read_bytes() for path in world.backups()]  # the original is kept


@posix_only
def test_stop_mode_continued_finishes_the_write(tmp_path: Path) -> None:
    """The "stop" hook itself changes nothing: continued, the write completes as intended."""
    intended, _ = reference("set", "utf8-crlf")
    world = World(tmp_path / "w", "set", "utf8-crlf")
    proc = world.start({FAULT_ENV: "before-replace", FAULT_MODE_ENV: "stop"}, tmp_path)
    wait_until_stopped(proc, tmp_path)
    assert world.config.read_bytes() != intended
    os.kill(proc.pid, signal.SIGCONT)
    assert proc.wait(timeout=30) == 0, (tmp_path / "err").read_text(encoding="utf-8")
    assert world.config.read_bytes() == intended


# -- the world changes under us ------------------------------------------------------------------


@posix_only
# Not "after-last-check": between the last comparison and the rename, a program that takes no lock can
# still slip in (microseconds; writelock.py serializes the assistant's own writers there).
@pytest.mark.parametrize("checkpoint", [c for c in CHECKPOINTS if c not in ("after-last-check", "after-replace")])
@pytest.mark.parametrize("command", ["set", "apply"])
def test_concurrent_edit_is_refused_and_nothing_is_lost(
    tmp_path: Path, command: str, checkpoint: str
) -> None:
    """Another program saves while we are paused between our read and our rename."""
    world = World(tmp_path / "w", command, "utf16le-bom")
    original = world.config.read_bytes()
    theirs = ENCODINGS["utf16le-bom"](OTHER + "# saved by an editor\r\n")
    proc = world.start({FAULT_ENV: checkpoint, FAULT_MODE_ENV: "stop"}, tmp_path)
    wait_until_stopped(proc, tmp_path)
    world.config.write_bytes(theirs)
    os.kill(proc.pid, signal.SIGCONT)
    code = proc.wait(timeout=30)
    stderr = (tmp_path / "err").read_text(encoding="utf-8")
    assert code == 5, stderr
    assert "changed since it was read (its content is different); nothing was written" in stderr
    assert "fix: run the command again; it will start from the current content" in stderr
    no_traceback(stderr)
    assert world.config.read_bytes() == theirs  # their bytes kept...
    assert [path.read_bytes() for path in world.backups()] == [original]  # ...and the original's
    assert temps(world.profile) == []
    assert world.run().returncode == 0  # the next run starts from their content
    assert world.config.read_bytes() != theirs


@posix_only
def test_file_deleted_meanwhile_is_refused(tmp_path: Path) -> None:
    world = World(tmp_path / "w", "set", "utf8-crlf")
    proc = world.start({FAULT_ENV: "after-temp-write", FAULT_MODE_ENV: "stop"}, tmp_path)
    wait_until_stopped(proc, tmp_path)
    world.config.unlink()
    os.kill(proc.pid, signal.SIGCONT)
    assert proc.wait(timeout=30) == 5
    assert "changed since it was read (it was deleted)" in (tmp_path / "err").read_text(encoding="utf-8")
    assert not world.config.exists()
    assert temps(world.profile) == []


@pytest.mark.parametrize("command", ["set", "restore", "apply"])
def test_read_only_file_is_refused_before_any_backup(tmp_path: Path, command: str) -> None:
    world = World(tmp_path / "w", command, "utf8-crlf")
    original = world.config.read_bytes()
    backups_before = world.backups()
    if POSIX:
        world.config.chmod(0o444)  # no write bit for anyone: read-only, even for root
    else:  # pragma: win32 cover
        world.config.chmod(0o444)  # Python sets FILE_ATTRIBUTE_READONLY for this
    try:
        result = run_cli("--json", *world.args, env=world.env())
        doc = parse_json_doc(result)
    finally:
        world.config.chmod(0o644)
    assert result.returncode == 5, result.stderr
    assert doc["error"]["message"] == f"{world.config} is read-only; the original is intact, nothing was written"
    assert ("chmod u+w" if POSIX else "attrib -r") in doc["error"]["fix"]
    no_traceback(result)
    assert world.config.read_bytes() == original
    assert world.backups() == backups_before  # refused before the backup
    assert temps(world.profile) == []


def test_folder_where_the_file_should_be(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.mkdir()
    (config / "inside.txt").write_bytes(b"mine")
    for args in (("set", "wsl2.memory", "8GB"), ("show",), ("restore",)):
        result = run_cli("--config", config, *args)
        assert result.returncode == 3, (args, result.stderr)
        assert f"{config} is a folder, not a file; nothing was read or written" in result.stderr
        assert f"fix: name the file in it: --config {config / '.wslconfig'}" in result.stderr
        no_traceback(result)
    assert sorted(p.name for p in config.iterdir()) == ["inside.txt"]
    assert (config / "inside.txt").read_bytes() == b"mine"
    assert not (tmp_path / BACKUP_DIR_NAME).exists()


@pytest.mark.parametrize("args", [("set", "wsl2.memory", "8GB"), ("apply", "--no-update")])
def test_missing_profile_folder(tmp_path: Path, args: tuple[str, ...]) -> None:
    config = tmp_path / "Users" / "gone" / ".wslconfig"
    env = {"WSLCONFIG_ASSISTANT_WSL_EXE": simulator_exe(tmp_path),
           "WSLCONFIG_ASSISTANT_SIM_STATE": str(tmp_path / "sim.json")}
    result = run_cli("--config", config, *args, env=env)
    assert result.returncode == 5, result.stderr
    assert f"profile folder {config.parent} does not exist; {config} was not written" in result.stderr
    assert "fix: check the path" in result.stderr
    no_traceback(result)
    assert not config.parent.exists()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_target_is_edited_and_the_link_kept(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "wslconfig"
    real.write_bytes(ENCODINGS["utf8-bom-lf"](SAMPLE))
    profile = tmp_path / "profile"
    profile.mkdir()
    link = profile / ".wslconfig"
    try:
        link.symlink_to(real)
    except OSError:  # pragma: win32 cover - Windows without developer mode
        pytest.skip("cannot create symlinks here")
    intended, _ = reference("set", "utf8-bom-lf")
    result = run_cli("--config", link, "set", "wsl2.memory", "8GB")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    # Windows gives the link's substitute name, an NT path: \\?\C:\... for an absolute target (issue 12.1).
    assert os.readlink(link).removeprefix("\\\\?\\") == str(real)
    assert real.read_bytes() == intended
    [backup] = (profile / BACKUP_DIR_NAME).glob("*.wslconfig")  # beside the link, not in dotfiles
    assert backup.read_bytes() == ENCODINGS["utf8-bom-lf"](SAMPLE)
    assert sorted(p.name for p in dotfiles.iterdir()) == ["wslconfig"]
    assert temps(profile) == []


# -- permission denied, for real -----------------------------------------------------------------


class Unprivileged(NamedTuple):
    """How to run the CLI as someone the kernel's permission checks apply to."""

    python: tuple[str, ...]  # argv that runs Python code (maybe behind setpriv)
    user: int | None  # for subprocess's user=/group=, when switching to another user
    uid: int  # who the test's files must belong to, to be that user's own
    other: int | None  # a uid that is not the runner's ("someone else's file"); None: cannot chown
    how: str


NOBODY = 65534
DROP_CAPS = "-dac_override,-dac_read_search,-fowner"


def _works(argv: list[str], user: int | None) -> bool:
    try:
        probe = subprocess.run([*argv, "-c", "import wslconfig_assistant"], cwd="/", capture_output=True,
                               env=cli_env({"PYTHONDONTWRITEBYTECODE": "1"}), timeout=60, check=False,
                               **({"user": user, "group": user} if user is not None else {}))
    except OSError:  # e.g. the interpreter lives under /root, which nobody may enter
        return False
    return probe.returncode == 0


@functools.cache
def unprivileged() -> Unprivileged | str:
    """The runner, or why there is none. As root: user nobody with an interpreter it may run, else
    root stripped of the capabilities that bypass permissions (setpriv). Otherwise: ourselves."""
    if not POSIX:
        return "POSIX permissions only"
    if os.geteuid() != 0:
        return Unprivileged((sys.executable,), None, os.geteuid(), None, "the current user")
    for python in dict.fromkeys([sys.executable, shutil.which("python3") or "", "/usr/bin/python3"]):
        if python and os.path.exists(python) and _works([python], NOBODY):
            return Unprivileged((python,), NOBODY, NOBODY, 0, f"user nobody, {python}")
    setpriv = shutil.which("setpriv")
    if setpriv:
        argv = [setpriv, "--bounding-set", DROP_CAPS, "--inh-caps", DROP_CAPS, "--", sys.executable]
        if _works(argv, None):
            return Unprivileged(tuple(argv), None, 0, NOBODY, "root without CAP_DAC_OVERRIDE (setpriv)")
    return "running as root, and neither user nobody nor setpriv can run this interpreter and package"


@pytest.fixture
def runner() -> Unprivileged:
    found = unprivileged()
    if isinstance(found, str):
        pytest.skip(found)
    return found


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A folder every user may traverse (pytest's own tmp folders are private to root)."""
    root = Path(tempfile.mkdtemp(prefix="wslconfig-perm-"))
    root.chmod(0o755)
    try:
        yield root
    finally:
        for path in [root, *root.rglob("*")]:
            with contextlib.suppress(OSError):
                path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(root, ignore_errors=True)


def run_as(runner: Unprivileged, *args: object) -> CliResult:
    return subprocess.run([*runner.python, "-m", "wslconfig_assistant", *(str(a) for a in args)],
                          env=cli_env({"PYTHONDONTWRITEBYTECODE": "1"}), cwd="/", capture_output=True,
                          encoding="utf-8", errors="replace", stdin=subprocess.DEVNULL, timeout=60, check=False,
                          **({"user": runner.user, "group": runner.user} if runner.user is not None else {}))


def own_profile(root: Path, runner: Unprivileged) -> tuple[Path, Path]:
    profile = root / "me"
    profile.mkdir(mode=0o755)
    config = profile / ".wslconfig"
    config.write_bytes(ENCODINGS["utf8-crlf"](SAMPLE))
    config.chmod(0o644)
    if os.geteuid() == 0:
        os.chown(profile, runner.uid, runner.uid)
        os.chown(config, runner.uid, runner.uid)
    return profile, config


@posix_only
def test_unreadable_file_exits_3(open_dir: Path, runner: Unprivileged) -> None:
    profile, config = own_profile(open_dir, runner)
    config.chmod(0o000)
    for args in (("show",), ("set", "wsl2.memory", "8GB")):
        result = run_as(runner, "--config", config, *args)
        assert result.returncode == 3, (runner.how, result.stderr)
        assert f"cannot read {config}: permission denied" in result.stderr
        assert "fix: make sure your user can read the file" in result.stderr
        no_traceback(result)
    config.chmod(0o644)
    assert config.read_bytes() == ENCODINGS["utf8-crlf"](SAMPLE)
    assert not (profile / BACKUP_DIR_NAME).exists()


@posix_only
def test_folder_not_writable_exits_5(open_dir: Path, runner: Unprivileged) -> None:
    profile, config = own_profile(open_dir, runner)
    profile.chmod(0o555)  # the file is the user's own and writable; its folder is not
    result = run_as(runner, "--config", config, "set", "wsl2.memory", "8GB")
    assert result.returncode == 5, (runner.how, result.stderr)
    assert "Permission denied" in result.stderr
    assert "the original is intact, nothing was written" in result.stderr
    assert f"fix: make sure your user can write to {profile}" in result.stderr
    no_traceback(result)
    profile.chmod(0o755)
    assert config.read_bytes() == ENCODINGS["utf8-crlf"](SAMPLE)
    assert temps(profile) == []


@posix_only
def test_someone_elses_file_is_not_replaced(open_dir: Path, runner: Unprivileged) -> None:
    """The rename needs only the folder: without a check, a file we may not write would be replaced."""
    if runner.other is None:
        pytest.skip("needs a file owned by another user, which only root can set up")
    profile, config = own_profile(open_dir, runner)
    os.chown(config, runner.other, runner.other)  # 0644: the runner may read it, not write it
    before = config.stat()
    result = run_as(runner, "--config", config, "set", "wsl2.memory", "8GB")
    assert result.returncode == 5, (runner.how, result.stderr)
    assert f"cannot write {config}: permission denied" in result.stderr
    assert "fix: run the command as the user who owns the file" in result.stderr
    no_traceback(result)
    after = config.stat()
    assert (after.st_ino, after.st_uid) == (before.st_ino, before.st_uid)  # the very same file
    assert config.read_bytes() == ENCODINGS["utf8-crlf"](SAMPLE)
    assert not (profile / BACKUP_DIR_NAME).exists()


# -- a full disk ---------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 256 KiB file system (tmpfs), when this machine lets us mount one."""
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not mount or not umount:
        pytest.skip("mounting a small tmpfs needs root on Linux")
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    mounted = subprocess.run([mount, "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", str(mount_point)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run([umount, "-l", str(mount_point)], capture_output=True, check=False)


def fill(folder: Path, leave: int) -> Path:
    """Fill the file system, then free ``leave`` bytes again."""
    filler = folder / "filler"
    written = 0
    with open(filler, "wb", buffering=0) as handle, pytest.raises(OSError, match="No space left") as full:  # noqa: PT012
        while True:
            written += handle.write(b"\xff" * 4096)
    assert full.value.errno == errno.ENOSPC
    os.truncate(filler, written - leave)
    return filler


@pytest.mark.parametrize(("leave", "backed_up"), [(0, False), (4096, True)], ids=["no-room", "room-for-backup"])
def test_really_full_disk(small_disk: Path, leave: int, backed_up: bool) -> None:
    config = small_disk / ".wslconfig"
    original = ENCODINGS["utf16le-bom"](SAMPLE)
    config.write_bytes(original)
    filler = fill(small_disk, leave)
    result = run_cli("--config", config, "set", "wsl2.memory", "8GB")
    assert result.returncode == 5, result.stderr
    assert "No space left on device" in result.stderr
    assert "the original is intact, nothing was written" in result.stderr
    assert f"fix: free some disk space on the drive that holds {small_disk}" in result.stderr
    no_traceback(result)
    assert config.read_bytes() == original
    assert temps(small_disk) == []
    kept = [p.read_bytes() for p in (small_disk / BACKUP_DIR_NAME).glob("*.wslconfig")]
    assert kept == ([original] if backed_up else [])  # with one page free, only the temp file failed
    filler.unlink()
    assert run_cli("--config", config, "set", "wsl2.memory", "8GB").returncode == 0
    assert config.read_bytes() == reference("set", "utf16le-bom")[0]


@pytest.mark.parametrize("checkpoint", ["before-backup", "after-backup", "after-temp-write"])
def test_disk_full_simulated_through_the_cli(tmp_path: Path, checkpoint: str) -> None:
    """Where no file system can be mounted: the hook raises ENOSPC at each step before the rename."""
    world = World(tmp_path / "w", "set", "utf8-crlf")
    original = world.config.read_bytes()
    result = world.run({FAULT_ENV: checkpoint, FAULT_MODE_ENV: "enospc"})
    assert result.returncode == 5, result.stderr
    assert f"No space left on device (injected fault at {checkpoint})" in result.stderr
    assert "fix: free some disk space" in result.stderr
    no_traceback(result)
    assert world.config.read_bytes() == original
    assert temps(world.profile) == []


# -- a hostile wsl.exe ---------------------------------------------------------------------------


def script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def versions_with(exe: Path, *, env: Mapping[str, str] | None = None) -> tuple[CliResult, dict[str, Any]]:
    result = run_cli("--config", exe.parent / ".wslconfig", "--wsl-exe", exe, "versions", "--json", env=env)
    no_traceback(result)
    return result, parse_json_doc(result)


def assert_wsl_error(result: CliResult, doc: dict[str, Any], message: str, fix: str) -> None:
    assert result.returncode == 4, result.stderr
    assert message in doc["error"]["message"]
    assert fix in doc["error"]["fix"]
    assert message in result.stderr  # the person reading stderr is told too


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@posix_only
def test_hang_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    exe = script(tmp_path, "hang.exe", f'sleep 120 &\necho $! > "{pidfile}"\nwait')
    start = time.monotonic()
    result, doc = versions_with(exe, env={"WSLCONFIG_ASSISTANT_WSL_TIMEOUT": "1"})
    elapsed = time.monotonic() - start
    assert_wsl_error(result, doc, f"{exe} --version did not finish within 1 s and was stopped",
                     "WSLCONFIG_ASSISTANT_WSL_TIMEOUT=SECONDS (now 1)")
    assert elapsed < 20  # generous: 1 s, the kill, and Python's start-up
    assert not alive(int(pidfile.read_text(encoding="ascii")))  # the whole tree was killed


def test_bad_timeout_setting_is_a_usage_error(tmp_path: Path) -> None:
    exe = script(tmp_path, "wsl.exe", "exit 0")
    result, doc = versions_with(exe, env={"WSLCONFIG_ASSISTANT_WSL_TIMEOUT": "soon"})
    assert result.returncode == 2
    assert doc["error"]["message"] == "$WSLCONFIG_ASSISTANT_WSL_TIMEOUT is 'soon', not a number of seconds above 0"


FLOOD_MIB = (20, 200)
RSS_PROBE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, capture_output=True, check=False)\n"
    "peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(done.returncode, peak_kib)\n"
    "sys.stdout.flush()\n"
    "sys.stdout.buffer.write(done.stderr)\n"
)


def peak_rss_mib(exe: Path, config: Path) -> tuple[int, float, str]:
    """Run the CLI from a fresh helper process: exit code, the largest peak RSS among its
    processes (the CLI's own: wsl.exe here is sh, yes and head), and its stderr."""
    probe = subprocess.run([sys.executable, "-c", RSS_PROBE, sys.executable, "-m", "wslconfig_assistant",
                            "--config", str(config), "--wsl-exe", str(exe), "versions"],
                           env=cli_env(), capture_output=True, timeout=300, check=False)
    head, _, stderr = probe.stdout.partition(b"\n")
    code, peak_kib = head.split()
    return int(code), int(peak_kib) / 1024, stderr.decode("utf-8", errors="replace")


@posix_only
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss is in KiB on Linux")
def test_flood_is_survived_in_bounded_memory(tmp_path: Path) -> None:
    """Memory does not grow with the flood: 20 MiB and 200 MiB cost the same."""
    line = "Updating Windows Subsystem for Linux\n"
    peaks = []
    for mib in FLOOD_MIB:
        flood = script(tmp_path, f"flood{mib}.exe", f'yes "{line.strip()}" | head -n {mib * 2**20 // len(line)}\n'
                                                    "echo Catastrophic failure\nexit 255")
        start = time.monotonic()
        code, peak, stderr = peak_rss_mib(flood, tmp_path / ".wslconfig")
        print(f"{mib} MiB flood: exit {code}, peak RSS {peak:.1f} MiB, {time.monotonic() - start:.1f} s")
        assert code == 4, stderr
        assert "after printing more than 4 MiB (its first 4 MiB and its last lines were kept)" in stderr
        assert "\n  Catastrophic failure\n" in stderr  # the last words, megabytes later, still reach the person
        no_traceback(stderr)
        peaks.append(peak)
    assert peaks[1] < peaks[0] + 16  # ten times the output, (next to) no more memory
    assert peaks[1] < FLOOD_MIB[1] / 2


@posix_only
def test_minus_one_with_no_output(tmp_path: Path) -> None:
    result, doc = versions_with(script(tmp_path, "mute.exe", "exit 255"))
    assert_wsl_error(result, doc, "--version failed (exit code -1 (255)) and printed nothing",
                     "repair WSL (wsl --update, or reinstall it")


UTF16_VERSION = "WSL version: 2.9.4.0\r\nKernel version: 6.18.35.2-1\r\nWSLg version: 1.0.71\r\n".encode("utf-16-le")


@posix_only
def test_odd_number_of_utf16_bytes_is_read(tmp_path: Path) -> None:
    """UTF-16LE (WSL_UTF8 ignored, as an inbox wsl.exe does) with one byte too many: still read."""
    data = tmp_path / "out.bin"
    data.write_bytes(UTF16_VERSION + b"\r")
    assert len(data.read_bytes()) % 2 == 1
    result, doc = versions_with(script(tmp_path, "odd.exe", f'cat "{data}"'))
    assert result.returncode == 0, result.stderr
    versions = doc["versions"]
    assert (versions["wsl"]["version"], versions["kernel"]["version"]) == ("2.9.4.0", "6.18.35.2-1")


@posix_only
def test_odd_number_of_garbage_bytes_is_explained(tmp_path: Path) -> None:
    data = tmp_path / "out.bin"
    data.write_bytes(bytes(range(7, 256)) * 3)  # 747 bytes: odd, no version anywhere
    result, doc = versions_with(script(tmp_path, "garbage.exe", f'cat "{data}"'))
    assert_wsl_error(result, doc, "`wsl --version` printed no WSL version on its first line",
                     "run `wsl --version` in a terminal")


@posix_only
def test_not_executable(tmp_path: Path) -> None:
    exe = tmp_path / "wsl.exe"
    exe.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    exe.chmod(0o644)  # no x bit for anyone: even root may not run it
    result, doc = versions_with(exe)
    assert_wsl_error(result, doc, f"{exe} (from --wsl-exe) is not executable", f"chmod +x {exe}")


@posix_only
def test_not_a_program(tmp_path: Path) -> None:
    exe = tmp_path / "wsl.exe"
    exe.write_bytes(b"MZ\x90\x00 a Windows program, not one this system can run")
    exe.chmod(0o755)
    result, doc = versions_with(exe)
    assert_wsl_error(result, doc, f"cannot start {exe}: it is not a program this system can run",
                     "pass the path of wsl.exe itself")


def test_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "wsl.exe"
    folder.mkdir()
    result, doc = versions_with(folder)
    assert_wsl_error(result, doc, f"{folder} (from --wsl-exe) is a folder, not wsl.exe",
                     "pass the path of the program itself")
