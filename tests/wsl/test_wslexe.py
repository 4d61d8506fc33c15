"""The one door to wsl.exe, driven against the shipped simulator as a real process.

``--wsl-exe`` needs an executable path, so each test gets a tiny shell wrapper in tmp_path that
execs ``python -m wslconfig_assistant.wsl.simulator``; a second wrapper drops WSL_UTF8 first, as an
inbox wsl.exe ignores it, so the UTF-16 path is exercised through real pipes too.
"""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import WINDOWS, WINDOWS_SKIPS, simulator_exe
from hypothesis import given, settings
from hypothesis import strategies as st

from wslconfig_assistant.core.errors import ExitCode, UsageError, WslError
from wslconfig_assistant.wsl import simulator, translations, wslexe
from wslconfig_assistant.wsl.wslexe import (
    WslCallError,
    WslMissingError,
    WslResult,
    WslTimeoutError,
    decode_output,
    find_wsl_exe,
    format_command,
    format_exit_code,
    raise_for,
    run_wsl,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
posix_only = pytest.mark.skipif(os.name != "posix", reason="shell wrappers and process groups are POSIX")


def wrapper(path: Path, body: str) -> str:
    """A /bin/sh script as a program (POSIX only: Windows refuses to start it, "not a valid Win32
    application"; tests that use it are posix_only, see test_shell_wrappers_are_posix_only)."""
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def silent(folder: Path, name: str, code: int) -> str:
    """A program that prints nothing and exits with ``code``, on either system: a /bin/sh script, or on
    Windows a .cmd (CreateProcess runs it through cmd.exe; ``exit /b N`` is its exit code, -1 included,
    which Windows reports as 4294967295, as it does wsl.exe's own -1)."""
    if WINDOWS:
        script = folder / f"{name}.cmd"
        script.write_bytes(f"@exit /b {code}\r\n".encode("ascii"))
        return str(script)
    return wrapper(folder / f"{name}.exe", f"exit {code & 0xFF}")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A simulated profile; run_wsl passes os.environ on, so the simulator finds it there."""
    folder = tmp_path / "Users" / "me"
    folder.mkdir(parents=True)
    for name in list(os.environ):
        if name.startswith("WSLCONFIG_ASSISTANT_") or name == "WSL_UTF8":
            monkeypatch.delenv(name)
    monkeypatch.setenv("WSLCONFIG_ASSISTANT_PROFILE", str(folder))
    monkeypatch.setenv("WSLCONFIG_ASSISTANT_HOST_MEMORY", "16GB")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH")) if p))
    monkeypatch.setattr(wslexe, "CALLS", [])
    return folder


@pytest.fixture
def sim(tmp_path: Path, home: Path) -> str:
    """A wsl.exe: the simulator behind an executable path."""
    return simulator_exe(tmp_path)


@pytest.fixture
def sim16(tmp_path: Path, home: Path) -> str:
    """An inbox-like wsl.exe: ignores WSL_UTF8=1, so it answers in UTF-16LE."""
    return simulator_exe(tmp_path, name="wsl16", honour_wsl_utf8=False)


def write_state(home: Path, **fields: Any) -> None:
    (home / ".wsl-sim.json").write_text(json.dumps(fields), encoding="utf-8")


def sim_calls(home: Path) -> list[list[str]]:
    calls: list[list[str]] = json.loads((home / ".wsl-sim.json").read_text(encoding="utf-8"))["calls"]
    return calls


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for a parent that may never reap it (PID 1 in a container)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# -- decoding -------------------------------------------------------------------------------

VERSION_TEXT = "WSL version: 2.7.3.0\r\nKernel version: 6.6.114.1-1\r\n"


def test_utf16le_without_bom() -> None:
    assert decode_output(VERSION_TEXT.encode("utf-16-le")) == (VERSION_TEXT.replace("\r\n", "\n"), "utf-16-le")


def test_boms_are_dropped() -> None:
    assert decode_output(b"\xff\xfe" + "ok\r\n".encode("utf-16-le")) == ("ok\n", "utf-16-le")
    assert decode_output(b"\xef\xbb\xbfok\r\n") == ("ok\n", "utf-8")


def test_utf8_and_empty() -> None:
    assert decode_output(VERSION_TEXT.encode()) == (VERSION_TEXT.replace("\r\n", "\n"), "utf-8")
    assert decode_output("Версия WSL: 2.7.3.0\r\n".encode()) == ("Версия WSL: 2.7.3.0\n", "utf-8")
    assert decode_output(b"") == ("", "utf-8")


@pytest.mark.parametrize("language", sorted(translations.VERSION_LABELS))
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-8"])
def test_every_language_decodes(language: str, encoding: str) -> None:
    values = ("2.9.4.0", "6.18.35.2-1", "1.0.79", "1.2.6353", "1.611.1-81528511", "10.0.26100.1", "10.0.26100.4652")
    labels = translations.VERSION_LABELS[language]
    text = "".join(f"{label}{value}\r\n" for label, value in zip(labels, values, strict=True))
    assert decode_output(text.encode(encoding)) == (text.replace("\r\n", "\n"), encoding)


@pytest.mark.parametrize("language", sorted(translations.UPDATE_TEXT))
def test_cjk_heavy_update_lines_are_detected(language: str) -> None:
    text = translations.UPDATE_TEXT[language]["checking"] + "\r\n"
    assert decode_output(text.encode("utf-16-le")) == (text.replace("\r\n", "\n"), "utf-16-le")


def test_lone_cr_of_a_progress_bar_is_kept() -> None:
    raw = "Updating\r\n[=   2.5%  ]\r[==  50.0% ]\r\nDone\r\n"
    assert decode_output(raw.encode("utf-16-le"))[0] == "Updating\n[=   2.5%  ]\r[==  50.0% ]\nDone\n"


def test_odd_byte_count() -> None:
    data = "Checking for updates.\r\n".encode("utf-16-le") + b"X"
    # A lone last byte is most often the low byte of an ASCII character: kept as that character.
    assert decode_output(data) == ("Checking for updates.\nX", "utf-16-le")
    assert decode_output(data[:-2])[0] == "Checking for updates.\n"  # the LF's low byte survives
    assert decode_output("ok\r\n".encode("utf-16-le") + b"\xe9")[0] == "ok\n\ufffd"  # not ASCII: U+FFFD
    assert decode_output(data[:-1] + b"\x00")[0] == "Checking for updates.\n"  # a lone stray NUL: dropped


def test_stray_nuls() -> None:
    assert decode_output(b"ready\x00\r\nok\r\x00\n") == ("ready\nok\n", "utf-8")
    assert decode_output("a\r\n".encode("utf-16-le") + b"\x00\x00" + "b\r\n".encode("utf-16-le"))[0] == "a\nb\n"


@pytest.mark.parametrize("damage", ["extra", "lost"])
def test_utf16_realigns_after_a_lost_or_extra_byte(damage: str) -> None:
    first = "Checking for updates.\r\n".encode("utf-16-le")
    rest = "WSL version: 2.9.4.0\r\nKernel version: 6.18.35.2-1\r\n".encode("utf-16-le")
    data = first + b"\x00" + rest if damage == "extra" else first[:-3] + first[-2:] + rest
    text, encoding = decode_output(data)
    assert encoding == "utf-16-le"
    assert text.endswith("WSL version: 2.9.4.0\nKernel version: 6.18.35.2-1\n")
    assert text.startswith("Checking for updates.")


def test_cjk_text_is_not_mistaken_for_a_shift() -> None:
    # 一 is U+4E00: in UTF-16LE the bytes 00 4E, which is also "N" one byte out of step.
    text = "正在检查更新。一一一一一 \r\n" * 3
    assert decode_output(text.encode("utf-16-le")) == (text.replace("\r\n", "\n"), "utf-16-le")


def test_random_bytes_never_crash() -> None:
    rng = random.Random(4607)  # noqa: S311 - reproducible test data
    for size in (1, 2, 3, 17, 4096, 4097, 65537):
        text, encoding = decode_output(rng.randbytes(size))
        assert isinstance(text, str)
        assert encoding in ("utf-8", "utf-16-le")


ALPHABET = "".join(sorted({ch for table in translations.VERSION_LABELS.values() for label in table for ch in label}
                          | set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .:-()/\\%=[]")))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=60), min_size=1, max_size=8))
def test_any_wsl_like_output_round_trips(lines: list[str]) -> None:
    text = "".join(line + "\r\n" for line in lines)
    assert decode_output(text.encode("utf-16-le")) == (text.replace("\r\n", "\n"), "utf-16-le")
    assert decode_output(text.encode("utf-8")) == (text.replace("\r\n", "\n"), "utf-8")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_decode(data: bytes) -> None:
    text, _ = decode_output(data)
    assert "\x00" not in text
    assert "\r\n" not in text


# -- running against the simulator ----------------------------------------------------------

def test_run_version_utf8(sim: str, home: Path) -> None:
    result = run_wsl(sim, ["--version"])
    assert isinstance(result, WslResult)
    assert result.args == (sim, "--version")
    assert (result.exit_code, result.failed, result.encoding, result.truncated) == (0, False, "utf-8", False)
    assert result.output.splitlines()[0] == "WSL version: 2.7.3.0"
    assert "\r" not in result.output
    assert result.errors == ""
    assert 0 < result.seconds < 30
    assert raise_for(result) is result


def test_run_version_utf16(sim16: str, home: Path) -> None:
    write_state(home, language="ja-JP")
    result = run_wsl(sim16, ["--version"])
    assert result.encoding == "utf-16-le"
    assert result.output.splitlines()[:2] == ["WSL バージョン: 2.7.3.0", "カーネル バージョン: 6.6.114.1-1"]


def test_linux_output_is_utf8_even_from_a_utf16_wsl_exe(sim16: str, home: Path) -> None:
    result = run_wsl(sim16, ["-e", "cat", "/proc/mounts"])
    assert result.encoding == "utf-8"
    assert "C:\\134 /mnt/c 9p rw,noatime,aname=drvfs;path=C:\\;" in result.output


def test_wsl_utf8_is_set(sim: str, home: Path) -> None:
    assert run_wsl(sim, ["--status"]).encoding == "utf-8"  # the simulator heard WSL_UTF8=1


def test_failure_is_minus_one(sim: str, home: Path) -> None:
    write_state(home, update_failure="network")
    result = run_wsl(sim, ["--update"])
    assert result.exit_code == 255
    assert result.failed
    assert result.wsl_failed
    with pytest.raises(WslCallError) as caught:
        raise_for(result)
    error = caught.value
    assert error.result is result
    assert error.exit_code == ExitCode.WSL_FAILED == 4
    assert f"{sim} --update failed (exit code -1 (255))" in error.message
    assert error.message.endswith("  Forbidden (403).")
    assert error.fix is not None
    assert "--update" in error.fix


def test_failure_message_shows_the_last_lines(sim: str, home: Path) -> None:
    write_state(home, update_failure="elevation")
    with pytest.raises(WslCallError) as caught:
        raise_for(run_wsl(sim, ["--update"]), fix="run it elevated")
    message = caught.value.message
    assert message.splitlines()[-4:] == [
        "  [" + "=" * 26 + "100.0%" + "=" * 26 + "]",  # a redrawn bar: its last frame only
        "  Update failed (exit code: 1603).",
        f"  Log file: {simulator.LOG_FILE}",
        "  Error code: Wsl/UpdatePackage/E_ABORT",
    ]
    assert caught.value.fix == "run it elevated"


def test_linux_exit_status_is_not_a_wsl_failure(sim: str, home: Path) -> None:
    result = run_wsl(sim, ["-e", "lsblk"])
    assert result.exit_code == 127
    assert result.failed
    assert not result.wsl_failed
    assert "command not found" in result.errors
    with pytest.raises(WslCallError, match="exit code 127"):
        raise_for(result)


def test_help_exits_minus_one(sim: str, home: Path) -> None:
    result = run_wsl(sim, ["--help"])
    assert result.wsl_failed


@pytest.mark.parametrize(("code", "shown"), [
    (4294967295, "-1 (4294967295)"), (255, "-1 (255)"), (-1, "-1"), (1, "1"), (0xC0000005, "0xC0000005"),
])
def test_exit_code_spellings(code: int, shown: str) -> None:
    assert format_exit_code(code) == shown
    result = WslResult(("wsl.exe", "--update"), code, "", "", "utf-8", False, 0.1)
    assert result.failed
    assert result.wsl_failed is (code in (-1, 255, 4294967295))


@posix_only
def test_killed_by_a_signal_is_named() -> None:
    assert format_exit_code(-9) == "-9 (killed by SIGKILL)"


def test_shell_wrappers_are_posix_only() -> None:
    """Windows cannot start a /bin/sh script named *.exe: every test here that makes one with wrapper()
    and runs it must be posix_only (or skipped on Windows by conftest.WINDOWS_SKIPS), else the Windows job
    fails with the missing-wsl error instead of what the test means (issue 12.1). Only finding one
    (find_wsl_exe) is portable."""
    import ast

    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    offenders = []
    for node in tree.body:
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
            continue
        calls = {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        marked = any(ast.unparse(d) in ("posix_only", "pytest.mark.posix_only") for d in node.decorator_list)
        skipped = f"tests/wsl/test_wslexe.py::{node.name}" in WINDOWS_SKIPS
        if {"wrapper", "run_wsl"} <= calls and not marked and not skipped:
            offenders.append(node.name)
    assert offenders == []


def test_no_output_at_all(tmp_path: Path, home: Path) -> None:
    exe = silent(tmp_path, "quiet", 3)
    with pytest.raises(WslCallError, match="printed nothing") as caught:
        raise_for(run_wsl(exe, []))
    assert caught.value.fix == f"run it yourself to see the whole message: {exe}"


def test_minus_one_without_a_word_says_how_to_repair(tmp_path: Path, home: Path) -> None:
    exe = silent(tmp_path, "mute", -1)
    with pytest.raises(WslCallError) as caught:
        raise_for(run_wsl(exe, ["--version"]))
    shown = "-1 (4294967295)" if WINDOWS else "-1 (255)"  # the same -1, as each system reports it
    command = format_command([exe, "--version"])
    assert caught.value.message == f"{command} failed (exit code {shown}) and printed nothing"
    assert caught.value.fix is not None
    assert "failed without a word" in caught.value.fix
    assert "repair WSL (wsl --update, or reinstall it" in caught.value.fix


# -- timeouts, floods, garbage --------------------------------------------------------------

@posix_only
def test_timeout_kills_the_process(tmp_path: Path, home: Path) -> None:
    write_state(home, update_failure="hang")
    pidfile = tmp_path / "pid"
    exe = wrapper(tmp_path / "wsl.exe",
                  f'echo $$ > "{pidfile}"\nexec "{sys.executable}" -m wslconfig_assistant.wsl.simulator "$@"')
    stream = io.StringIO()
    start = time.monotonic()
    with pytest.raises(WslTimeoutError) as caught:
        run_wsl(exe, ["--update"], timeout=1, stream=stream)
    assert time.monotonic() - start < 5
    error = caught.value
    assert error.exit_code == 4
    assert isinstance(error, WslError)
    assert error.command == (exe, "--update")
    assert error.seconds == 1
    assert f"{exe} --update did not finish within 1 s" in error.message
    assert error.result.output == "Checking for updates.\n"  # what it said before it hung
    assert stream.getvalue() == "Checking for updates.\n"  # shown live, before the timeout
    assert not alive(int(pidfile.read_text(encoding="ascii")))


@posix_only
def test_timeout_kills_the_whole_tree(tmp_path: Path, home: Path) -> None:
    pidfile = tmp_path / "child"
    exe = wrapper(tmp_path / "tree.exe", f'sleep 60 &\necho $! > "{pidfile}"\nwait')
    with pytest.raises(WslTimeoutError):
        run_wsl(exe, [], timeout=0.5)
    assert not alive(int(pidfile.read_text(encoding="ascii")))


@posix_only
def test_a_leftover_child_holding_the_pipe_does_not_stall(tmp_path: Path, home: Path) -> None:
    pidfile = tmp_path / "child"
    exe = wrapper(tmp_path / "leaves.exe", f'sleep 20 &\necho $! > "{pidfile}"\necho done')
    start = time.monotonic()
    try:
        result = run_wsl(exe, [], timeout=10)
        assert time.monotonic() - start < 5
        assert (result.exit_code, result.output) == (0, "done\n")
    finally:
        os.kill(int(pidfile.read_text(encoding="ascii")), 9)


@posix_only
def test_a_leftover_child_that_keeps_printing_does_not_stall(tmp_path: Path, home: Path) -> None:
    """Issue 10.11: wsl.exe exits but leaves a child holding the pipe, printing every 0.3 s. It was read
    until the timeout and reported as one; now it is read for a short grace period after the exit."""
    pidfile = tmp_path / "child"
    exe = wrapper(tmp_path / "chatty.exe",
                  f'(while :; do echo tick; sleep 0.3; done) &\necho $! > "{pidfile}"\necho done')
    start = time.monotonic()
    try:
        result = run_wsl(exe, [], timeout=20)
        elapsed = time.monotonic() - start
        assert elapsed < 8, elapsed  # grace 1 s (+ the machine's slowness), not the 20 s timeout
        assert result.exit_code == 0
        assert result.output.startswith("done\n") or "done\n" in result.output
    finally:
        os.kill(int(pidfile.read_text(encoding="ascii")), 9)


def test_flood_is_bounded(sim16: str, home: Path) -> None:
    write_state(home, update_failure="flood")
    limit = 1 << 20
    tracemalloc.start()
    try:
        result = run_wsl(sim16, ["--update"], max_output=limit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.truncated
    assert result.exit_code == 255
    assert result.encoding == "utf-16-le"
    assert result.output.startswith("Checking for updates.\n[=")
    assert len(result.output) <= limit // 2  # UTF-16: two bytes a character
    assert peak < 12 * limit  # the simulator printed 24 MB
    # Its last words (after 24 MB of progress bars) are kept, decoded in step, for the message.
    assert result.tail.endswith("\nUpdate failed (exit code: 1603).\n")
    assert len(result.tail) < 16 * 1024
    with pytest.raises(WslCallError) as caught:
        raise_for(result)
    assert "after printing more than 4 MiB (its first 4 MiB and its last lines were kept)" in caught.value.message
    assert caught.value.message.endswith("\n  Update failed (exit code: 1603).")


@pytest.mark.parametrize("limit", [1000, 1001])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-8"])
@pytest.mark.parametrize("chunk", [1, 777, 65536])
def test_flood_tail_is_whole_lines_in_step(limit: int, encoding: str, chunk: int) -> None:
    """Whatever the cap's parity and the chunking, the tail decodes to the stream's last whole lines."""
    capture = wslexe._Capture(limit)
    lines = [f"line {i}: progress {'=' * (i % 50)}" for i in range(3000)]
    data = "".join(line + "\r\n" for line in lines).encode(encoding)
    for at in range(0, len(data), chunk):
        capture.add(data[at : at + chunk])
    assert len(capture.data) == limit
    assert capture.dropped == len(data) - limit
    assert len(capture.tail) == wslexe._TAIL_BYTES
    tail = wslexe._tail_text(capture, encoding).splitlines()
    assert tail == lines[-len(tail) :]
    assert len(tail) > 100


def test_no_tail_when_nothing_was_dropped() -> None:
    capture = wslexe._Capture(100)
    capture.add(b"x" * 100)
    assert (capture.dropped, capture.tail) == (0, bytearray())


def test_garbage_does_not_crash(sim: str, home: Path) -> None:
    write_state(home, update_failure="garbage")
    result = run_wsl(sim, ["--update"])
    assert result.exit_code == 255
    assert not result.truncated
    assert isinstance(result.output, str)
    assert "\x00" not in result.output


# -- finding wsl.exe ------------------------------------------------------------------------

@pytest.fixture
def clean_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No wsl.exe anywhere: empty PATH, no SystemRoot, no variable."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    for name in ("SYSTEMROOT", "WINDIR", "SystemRoot", "windir", wslexe.EXE_ENV):
        monkeypatch.delenv(name, raising=False)
    return empty


def test_nothing_found(clean_lookup: Path) -> None:
    with pytest.raises(WslMissingError) as caught:
        find_wsl_exe(None)
    assert caught.value.message.startswith("wsl.exe not found")
    assert caught.value.fix
    assert caught.value.exit_code == 4


def test_explicit_then_env_then_path_then_systemroot(tmp_path: Path, clean_lookup: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "Windows"
    (root / "System32").mkdir(parents=True)
    system = wrapper(root / "System32" / "wsl.exe", "exit 0")
    monkeypatch.setenv("SYSTEMROOT", str(root))
    assert find_wsl_exe(None) == system
    on_path = wrapper(clean_lookup / "wsl.exe", "exit 0")
    assert find_wsl_exe(None) == on_path
    from_env = wrapper(tmp_path / "env-wsl", "exit 0")
    monkeypatch.setenv(wslexe.EXE_ENV, from_env)
    assert find_wsl_exe(None) == from_env
    explicit = wrapper(tmp_path / "explicit-wsl", "exit 0")
    assert find_wsl_exe(explicit) == explicit
    assert find_wsl_exe("wsl.exe") == on_path  # a bare name is looked up on PATH


def test_current_folder_and_relative_path_entries_are_never_searched(
        tmp_path: Path, clean_lookup: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # shutil.which on Windows tries the current folder first: a wsl.exe planted in a checked-out
    # repository must not run in place of WSL's.
    planted = tmp_path / "repo"
    planted.mkdir()
    wrapper(planted / "wsl.exe", "exit 0")
    monkeypatch.chdir(planted)
    monkeypatch.setenv("PATH", os.pathsep.join((".", "", str(clean_lookup))))
    with pytest.raises(WslMissingError):
        find_wsl_exe(None)
    real = wrapper(clean_lookup / "wsl.exe", "exit 0")
    assert find_wsl_exe(None) == real


def test_missing_folder_and_not_executable(tmp_path: Path, clean_lookup: Path) -> None:
    with pytest.raises(WslMissingError, match=r"not found at .*nope.* \(from --wsl-exe\)"):
        find_wsl_exe(str(tmp_path / "nope"))
    with pytest.raises(WslMissingError, match="is a folder"):
        find_wsl_exe(str(tmp_path))
    plain = tmp_path / "plain.exe"
    plain.write_text("not a program", encoding="utf-8")
    plain.chmod(0o644)
    if os.access(plain, os.X_OK):  # root on some file systems can execute anything
        pytest.skip("cannot make a non-executable file here")
    with pytest.raises(WslMissingError, match="is not executable"):
        find_wsl_exe(str(plain))


def test_env_variable_is_checked_too(tmp_path: Path, clean_lookup: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(wslexe.EXE_ENV, str(tmp_path / "gone.exe"))
    with pytest.raises(WslMissingError, match=f"from \\${wslexe.EXE_ENV}"):
        find_wsl_exe(None)


def test_run_something_that_cannot_start(tmp_path: Path, home: Path) -> None:
    with pytest.raises(WslMissingError, match="cannot start"):
        run_wsl(str(tmp_path / "missing.exe"), ["--version"])
    plain = tmp_path / "plain.exe"
    plain.write_bytes(b"\x00\x01 not a program")
    plain.chmod(0o644)
    if not os.access(plain, os.X_OK):
        with pytest.raises(WslMissingError, match="it is not executable") as caught:
            run_wsl(str(plain), ["--version"])
        assert caught.value.fix is not None
        assert "pass the path of wsl.exe itself" in caught.value.fix


@posix_only
def test_each_reason_for_not_starting_is_named(tmp_path: Path, home: Path) -> None:
    binary = tmp_path / "wsl.exe"
    binary.write_bytes(b"MZ\x90\x00 a Windows program")
    binary.chmod(0o755)
    with pytest.raises(WslMissingError, match="it is not a program this system can run") as caught:
        run_wsl(str(binary), ["--version"])
    assert caught.value.fix is not None
    assert "#!" in caught.value.fix
    folder = tmp_path / "folder.exe"
    folder.mkdir()
    with pytest.raises(WslMissingError, match=r"it is a folder, not wsl\.exe"):
        run_wsl(str(folder), ["--version"])
    tried = wslexe.CALLS
    assert tried == [(str(binary), "--version"), (str(folder), "--version")]  # tried, and counted


# -- the default timeout --------------------------------------------------------------------

@pytest.mark.parametrize(("setting", "seconds"), [("", 60.0), ("  2.5 ", 2.5), ("600", 600.0)])
def test_timeout_setting(monkeypatch: pytest.MonkeyPatch, setting: str, seconds: float) -> None:
    monkeypatch.setenv(wslexe.TIMEOUT_ENV, setting)
    assert wslexe._timeout_setting() == (seconds, None)


@pytest.mark.parametrize("setting", ["soon", "0", "-1", "nan", "inf", "1e999"])
def test_bad_timeout_setting_is_refused_when_used(monkeypatch: pytest.MonkeyPatch, setting: str,
                                                  sim: str) -> None:
    monkeypatch.setenv(wslexe.TIMEOUT_ENV, setting)
    seconds, problem = wslexe._timeout_setting()
    assert seconds == 60.0
    assert problem == f"${wslexe.TIMEOUT_ENV} is {setting!r}, not a number of seconds above 0"
    monkeypatch.setattr(wslexe, "_TIMEOUT_PROBLEM", problem)
    with pytest.raises(UsageError, match="not a number of seconds") as caught:
        run_wsl(sim, ["--version"])
    assert caught.value.exit_code == ExitCode.USAGE
    assert wslexe.CALLS == []  # refused before anything ran


def test_timeout_fix_names_the_setting() -> None:
    assert f"{wslexe.TIMEOUT_ENV}=SECONDS" in wslexe._timeout_fix(("wsl.exe", "--version"))
    assert wslexe.TIMEOUT_ENV not in wslexe._timeout_fix(("wsl.exe", "--update"))  # it has its own option


# -- never a shell, live output, counting ---------------------------------------------------

def test_never_a_shell(sim: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[Any, dict[str, Any]]] = []
    real = subprocess.Popen

    class Recording(real):  # type: ignore[type-arg,misc]
        def __init__(self, args: Any, **kwargs: Any) -> None:
            seen.append((args, kwargs))
            super().__init__(args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", Recording)
    run_wsl(sim, ["-e", "uname", "-r"])
    write_state(home, update_failure="hang")
    with pytest.raises(WslTimeoutError):
        run_wsl(sim, ["--update"], timeout=0.3)
    assert len(seen) == 2
    for args, kwargs in seen:
        assert isinstance(args, list)
        assert args[0] == sim
        assert kwargs.get("shell", False) is False
        assert kwargs["env"]["WSL_UTF8"] == "1"
        assert kwargs["stdin"] is subprocess.DEVNULL


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_live_lines_without_a_terminal(sim16: str, home: Path) -> None:
    stream = io.StringIO()
    result = run_wsl(sim16, ["--update"], stream=stream)
    shown = stream.getvalue().splitlines()
    assert shown[:2] == ["Checking for updates.", "Updating Windows Subsystem for Linux to version: 2.9.4."]
    assert shown[2] == "[" + "=" * 26 + "100.0%" + "=" * 26 + "]"  # the bar as a terminal leaves it
    assert "\r" not in stream.getvalue()  # no spinner, no redraws in a log
    assert "[=                          2.5%" in result.output  # the capture keeps every frame


class Seen(Exception):
    """Raised by a stream once it has shown what a test waits for (run_wsl then kills wsl.exe and re-raises)."""


class WatchedTerminal(Terminal):
    """A terminal that, once ``shown(text so far)`` holds, refuses the next write with Seen: a test then
    waits on what was drawn, not on a clock (a short timeout races a slow runner's process start; 12.13)."""

    def __init__(self, shown: Callable[[str], bool]) -> None:
        super().__init__()
        self.shown = shown
        self.seen = False

    def write(self, text: str) -> int:
        if not self.seen and self.shown(self.getvalue()):
            self.seen = True
            raise Seen
        return super().write(text)


def test_live_status_line_on_a_terminal(sim: str, home: Path) -> None:
    write_state(home, update_failure="hang")
    status = f"s {os.path.basename(sim)} --update"  # spinner, elapsed seconds, the command
    stream = WatchedTerminal(lambda text: status in text.partition("Checking for updates.\n")[2])
    with pytest.raises(Seen):  # the hang is stopped by what was drawn, however long the start took
        run_wsl(sim, ["--update"], timeout=120, stream=stream)
    shown = stream.getvalue()
    assert "Checking for updates.\n" in shown
    assert f"s {os.path.basename(sim)} --update" in shown  # spinner, elapsed seconds, the command
    assert shown.endswith("\r")  # the status line is wiped at the end


def test_live_echo_survives_a_narrow_encoding(sim: str, home: Path) -> None:
    write_state(home, language="ja-JP")
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", write_through=True)
    result = run_wsl(sim, ["--version"], stream=stream)
    assert raw.getvalue().decode("ascii").splitlines()[0] == "WSL ?????: 2.7.3.0"
    assert result.output.startswith("WSL バージョン: ")


def test_calls_are_counted(sim: str, home: Path) -> None:
    run_wsl(sim, ["--version"])
    run_wsl(sim, ["--status"])
    run_wsl(sim, ["--version"])
    counted = wslexe.CALLS
    assert counted == [(sim, "--version"), (sim, "--status"), (sim, "--version")]
    assert sim_calls(home) == [["--version"], ["--status"], ["--version"]]
