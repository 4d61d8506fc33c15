"""Streams that cannot change the outcome (issue 10, items 3, 4 and 12).

- A reader that hangs up (`validate | head -1`): modelled exactly by a pipe whose read end is
  closed before the command writes, so every write fails with EPIPE, not by a timing race with
  `head`. The command does its whole job and exits with its own code.
- stdout closed (`>&-`, run through /bin/sh): `set` writes the file and the backup, `apply` goes on
  after its write to the update and the shutdown; no traceback.
- Windows reports a closed pipe as OSError(EINVAL): the guard is tested with that error in process.
- Ctrl-C (item 12): real SIGINTs, at the exact moment the reader threads start (a fault hook stops
  the process there) and at random moments of a whole run: 130, the file intact, a true message.
"""

from __future__ import annotations

import errno
import io
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import cli_env, parse_json_doc, run_cli
from test_apply import NEWEST, OLD_CONFIG, SHUTDOWN, UPDATE_PRE, VERSION, Machine

from wslconfig_assistant.system import streams

posix_only = pytest.mark.skipif(os.name != "posix", reason="/bin/sh, SIGSTOP and os.pipe semantics of POSIX")
CLI = [sys.executable, "-m", "wslconfig_assistant"]
NOT_COMPLIANT = b"[wsl2]\r\nvirtiofs=false\r\n"
COMPLIANT = b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n"


def run_hung_up(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI with stdout on a pipe nobody reads any more: each write to it fails (EPIPE)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([*CLI, *(str(a) for a in args)], stdout=write_end, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, env=cli_env(env), text=True, timeout=60, check=False)
    finally:
        os.close(write_end)


def run_stdout_closed(*args: object, env: dict[str, str] | None = None,
                      also_stderr: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the CLI with descriptor 1 closed, as `command >&-` does (Python then has no sys.stdout)."""
    closing = ">&- 2>&-" if also_stderr else ">&-"
    return subprocess.run(["/bin/sh", "-c", f'exec "$@" {closing}', "sh", *CLI, *(str(a) for a in args)],
                          capture_output=True, stdin=subprocess.DEVNULL, env=cli_env(env), text=True,
                          timeout=60, check=False)


def _updated_and_shut_down(machine: Machine) -> None:
    """The update ran, then the shutdown, last (apply may ask other things in between)."""
    calls = machine.calls()
    assert calls[0] == VERSION, calls
    assert UPDATE_PRE in calls, calls
    assert calls[-1] == SHUTDOWN, calls


def _no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Exception ignored" not in result.stderr, result.stderr


# -- item 3: a reader that hangs up ----------------------------------------------------------------------

@posix_only
@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
@pytest.mark.parametrize(("content", "code"), [(NOT_COMPLIANT, 1), (COMPLIANT, 0)])
def test_validate_keeps_its_exit_code_when_the_reader_hangs_up(fmt: str, content: bytes, code: int,
                                                              tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(content)
    result = run_hung_up("--config", config, "validate", "--offline", "--format", fmt)
    _no_traceback(result)
    assert result.returncode == code, result.stderr
    assert result.stderr == ""  # a reader leaving is not an error to report


@posix_only
@pytest.mark.parametrize("json_mode", [False, True])
def test_apply_shutdown_does_everything_when_the_reader_hangs_up(json_mode: bool, tmp_path: Path) -> None:
    """The issue's `apply --shutdown | head -1`: it wrote the config, then skipped the update and the
    shutdown and exited 0. Now: the same work and exit code as with a reader."""
    machine = Machine(tmp_path)
    machine.write(OLD_CONFIG)
    result = run_hung_up("apply", "--shutdown", *(["--json"] if json_mode else []), env=machine.env())
    _no_traceback(result)
    assert result.returncode == 0, result.stderr
    _updated_and_shut_down(machine)
    assert b"virtiofs=true" in machine.config.read_bytes()
    assert len(machine.backups()) == 1


@posix_only
def test_show_and_dsc_and_demo_survive_a_reader_that_hangs_up(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(NOT_COMPLIANT)
    for args in (["show", "--all"], ["show", "--json"], ["get", "wsl2.virtiofs"], ["completion", "bash"],
                 ["--help"], ["set", "wsl2.memory", "8GB"]):
        result = run_hung_up("--config", config, *args)
        _no_traceback(result)
        assert result.returncode == 0, (args, result.stderr)
    assert b"memory=8GB" in config.read_bytes()


# -- item 4: stdout closed -----------------------------------------------------------------------------

@posix_only
@pytest.mark.parametrize("also_stderr", [False, True])
def test_set_with_stdout_closed_writes_the_file_and_the_backup(also_stderr: bool, tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(NOT_COMPLIANT)
    result = run_stdout_closed("--config", config, "set", "wsl2.virtiofs", "true", also_stderr=also_stderr)
    _no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert config.read_bytes() == b"[wsl2]\r\nvirtiofs=true\r\n"
    backups = list((tmp_path / ".wslconfig-assistant-backups").glob("*"))
    assert [b.read_bytes() for b in backups if b.suffix != ".json"].count(NOT_COMPLIANT) == 1


@posix_only
def test_apply_with_stdout_closed_goes_on_after_its_write(tmp_path: Path) -> None:
    machine = Machine(tmp_path)
    machine.write(OLD_CONFIG)
    result = run_stdout_closed("apply", "--shutdown", env=machine.env())
    _no_traceback(result)
    assert result.returncode == 0, result.stderr
    _updated_and_shut_down(machine)
    assert b"virtiofs=true" in machine.config.read_bytes()


@posix_only
def test_validate_with_stdout_closed_keeps_its_exit_code(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(NOT_COMPLIANT)
    result = run_stdout_closed("--config", config, "validate", "--offline", "--format", "json")
    _no_traceback(result)
    assert result.returncode == 1


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="/dev/full is Linux's full disk")
def test_a_full_disk_under_stdout_is_said_once_and_the_exit_code_kept(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(NOT_COMPLIANT)
    with open("/dev/full", "w") as full:
        result = subprocess.run([*CLI, "--config", str(config), "validate", "--offline"], stdout=full,
                                stderr=subprocess.PIPE, env=cli_env(), text=True, timeout=60, check=False)
    _no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.count("cannot write to stdout (No space left on device)") == 1


# -- the guard itself, with the errors Windows gives -------------------------------------------------------

class _Failing(io.StringIO):
    def __init__(self, exc: OSError) -> None:
        super().__init__()
        self.exc = exc
        self.calls = 0

    def write(self, s: str) -> int:
        self.calls += 1
        raise self.exc

    def flush(self) -> None:
        raise self.exc


@pytest.mark.parametrize("exc", [OSError(errno.EINVAL, "Invalid argument"), BrokenPipeError(errno.EPIPE, "Broken pipe"),
                                 OSError(errno.ENOSPC, "No space left on device")],
                         ids=["windows-closed-pipe-EINVAL", "EPIPE", "ENOSPC"])
def test_the_guard_stops_printing_after_the_first_failure(exc: OSError, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "_HUNG_UP", frozenset({errno.EPIPE, errno.EINVAL}))  # as on Windows
    failing, other = _Failing(exc), io.StringIO()
    monkeypatch.setattr(sys, "stdout", failing)
    monkeypatch.setattr(sys, "stderr", other)
    streams.guard()
    print("one")
    print("two")
    sys.stdout.flush()
    assert failing.calls == 1  # stopped at the first failure
    said = other.getvalue()
    if exc.errno == errno.ENOSPC:
        assert said.count("cannot write to stdout (No space left on device)") == 1
    else:
        assert said == ""  # a reader that left (EINVAL is how Windows often says it) is not an error


def test_a_missing_stdout_is_a_silent_sink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    streams.guard()
    assert sys.stdout.write("x") == 1
    sys.stdout.buffer.write(b"x")
    assert not sys.stdout.isatty()
    with pytest.raises(io.UnsupportedOperation, match="closed"):
        sys.stdout.fileno()


# -- item 12: Ctrl-C at an unlucky moment -------------------------------------------------------------------

def _interrupt_env(machine: Machine, fault: str | None) -> dict[str, str]:
    env = machine.env()
    if fault:
        env.update({"WSLCONFIG_ASSISTANT_FAULT": fault, "WSLCONFIG_ASSISTANT_FAULT_MODE": "stop"})
    return env


def _wait_stopped(proc: subprocess.Popen[Any], timeout: float = 30) -> None:
    """Until the child stopped itself with SIGSTOP (state T in /proc), or ended."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "T":
                    return
        except OSError:
            return
        time.sleep(0.01)
    raise AssertionError("the child never reached the fault point")


@posix_only
@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="/proc")
@pytest.mark.parametrize("rounds", [range(10)])
def test_sigint_while_the_reader_threads_start_is_130(rounds: range, tmp_path: Path) -> None:
    """The issue's `RuntimeError: release unlocked lock`: SIGINT arrives while the reader threads start.
    The process stops itself right there; SIGINT is sent while it is stopped, then SIGCONT: the signal
    is delivered at exactly that point, every round."""
    machine = Machine(tmp_path)
    for _ in rounds:
        machine.write(OLD_CONFIG)
        proc = subprocess.Popen([*CLI, "apply", "--shutdown"], env=cli_env(_interrupt_env(machine, "wsl-readers")),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        _wait_stopped(proc)
        proc.send_signal(signal.SIGINT)
        proc.send_signal(signal.SIGCONT)
        _out, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, err
        assert proc.returncode == 130, err
        # apply writes first, then runs wsl.exe: the message says the file was written, and it was.
        assert b"virtiofs=true" in machine.config.read_bytes()
        assert f"{machine.config} was written before the interrupt (backup " in err
        assert "RuntimeError" not in err


@posix_only
def test_sigint_at_random_moments_is_always_130_with_the_file_intact(tmp_path: Path) -> None:
    """A bounded loop of real signals over a whole `apply --shutdown`: each run ends in 130 (or, when
    the signal came too late, the normal 0), never a traceback; the file is the old bytes or the new."""
    machine = Machine(tmp_path)
    rng = random.Random(10_12)  # noqa: S311 - timings, not secrets
    outcomes = {0: 0, 130: 0}
    old = OLD_CONFIG.encode()
    for round_ in range(30):
        # A state file of its own each round: a wsl.exe of the round before, still ending, cannot
        # write its call into this one and make the wait below end too early.
        machine.state = tmp_path / f"sim-state-{round_}.json"
        machine.sim(wsl_version=NEWEST)
        machine.write(OLD_CONFIG)
        proc = subprocess.Popen([*CLI, "apply", "--shutdown", "--no-update"], env=cli_env(machine.env()),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        # Past the interpreter's start (its own KeyboardInterrupt traceback is not ours to handle):
        # wait until the first wsl.exe call is recorded, then signal within the next few tenths.
        end = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < end and not _called(machine):
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.4))
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, err
        assert proc.returncode in outcomes, (proc.returncode, err)
        outcomes[proc.returncode] += 1
        content = machine.config.read_bytes()
        assert content == old or b"virtiofs=true" in content
        if proc.returncode == 130:
            # after apply's write, the message says what was written instead (test_messages.py)
            assert "interrupted; nothing was half-written" in err or "was written before the interrupt" in err
            said_written = "had been written in full" in err or "was written before the interrupt" in err
            assert said_written == (content != old)  # the message is true
    assert outcomes[130] > 0, outcomes


def _called(machine: Machine) -> bool:
    try:
        return bool(machine.sim_state().get("calls"))
    except ValueError:  # caught mid-write
        return False


def test_json_envelope_still_parses_when_stdout_is_fine(tmp_path: Path) -> None:
    """The guard changes nothing for a reader that stays."""
    config = tmp_path / ".wslconfig"
    config.write_bytes(NOT_COMPLIANT)
    doc = parse_json_doc(run_cli("--config", config, "validate", "--offline", "--format", "json"))
    assert doc["exit_code"] == 1
