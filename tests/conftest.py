"""Shared helpers for the command-line, editing and corpus tests.

The product runs on Windows; here it is driven through real processes
(``python -m wslconfig_assistant``) against files in a temporary folder, with a
fixed host memory and colours off so that every run is deterministic.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import sysconfig
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

REPO_ROOT = Path(__file__).resolve().parents[1]
# The shared corpus sits next to the repository (not inside it); a plain clone has none. Under
# mutmut (pyproject.toml, [tool.mutmut]) the tests run from a copy in <repository>/mutants.
_CHECKOUT = REPO_ROOT.parent if "MUTANT_UNDER_TEST" in os.environ else REPO_ROOT
SHARED = _CHECKOUT.parent / "shared"
CORPUS_DIR = SHARED / "corpus" / "wslconfig"

# In-process tests import this tree's package too, as the CLI processes do (PYTHONPATH below),
# even when pytest runs from another folder without an editable install.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
# The tests sit beside the package they test (tests/wsl/, tests/cli/, ...; README, "How it is built"), each
# file's name unique, and one test file may reuse another's helpers by name (``from test_apply import
# Machine``) wherever the two live: every test folder is importable, as tests/ itself is.
for _folder in sorted(Path(__file__).resolve().parent.iterdir()):
    if (_folder / "__init__.py").exists() or not any(_folder.glob("test_*.py")) or str(_folder) in sys.path:
        continue
    sys.path.append(str(_folder))

# The quick suite tests the same examples on every run, so a red CI run is reproducible rather than
# a draw; the long opt-in run (-m slow) explores at random, and so does the quick one with
# WSLCONFIG_FUZZ_RANDOM=1. What they find becomes a fixed regression test.
hypothesis_settings.register_profile("repeatable", derandomize=True)
hypothesis_settings.register_profile("random", derandomize=False)
hypothesis_settings.load_profile("random" if os.environ.get("WSLCONFIG_FUZZ_RANDOM") else "repeatable")

HOST_MEMORY = "16GB"
WINDOWS = sys.platform == "win32"
SIM_SCRIPT = "wslconfig-assistant-wsl-sim"  # the simulator's console script (pyproject.toml)
# A WSL install folder that does not exist: DeviceHost comes from the release table, never from
# a real wsldevicehost.dll (Windows, or /mnt/c inside WSL) of the machine running the tests.
NO_INSTALL_DIR = str(REPO_ROOT / "tests" / "no-such-wsl-install-folder")
ENVELOPE_KEYS = ("schema", "command", "ok", "exit_code", "config", "findings")
FINDING_KEYS = {"code", "severity", "key", "line", "message", "fix"}

CliResult = subprocess.CompletedProcess[str]


def cli_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of every CLI process: the caller's, made deterministic."""
    env = {
        name: value
        for name, value in os.environ.items()
        # Nothing of the caller's may leak in: a profile, a fault hook, forced colours.
        # CI is dropped too: GitHub Actions sets it, and the product reads it (no prompts there).
        # COLUMNS would fit piped output to the caller's terminal (columns.py); the tests of widths set it.
        if not name.startswith("WSLCONFIG_ASSISTANT_") and name not in ("FORCE_COLOR", "NO_COLOR", "CI", "COLUMNS")
    }
    env["WSLCONFIG_ASSISTANT_HOST_MEMORY"] = HOST_MEMORY
    env["WSLCONFIG_ASSISTANT_WSL_INSTALL_DIR"] = NO_INSTALL_DIR
    env["NO_COLOR"] = "1"
    if WINDOWS:
        # A redirected stdout is in the ANSI code page on Windows; run_cli decodes UTF-8.
        # (Tests of the code-page path set PYTHONIOENCODING themselves.)
        env["PYTHONIOENCODING"] = "utf-8"
    # Test this tree's package, whatever else is installed.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env.pop("PYTHONSTARTUP", None)
    if env.get("MUTANT_UNDER_TEST") == "stats":
        # mutmut's first pass maps tests to the functions they call, in its own process only: a CLI child would
        # try to record its calls too, and print nothing else. It runs the code as written instead (while a
        # mutant is under test, the child runs that mutant, so a test through a real process can kill it).
        env["MUTANT_UNDER_TEST"] = ""
    if extra:
        env.update(extra)
    return env


def run_cli(
    *args: object,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    cwd: Path | None = None,
) -> CliResult:
    """Run ``python -m wslconfig_assistant ARGS`` as a real process; stdin is never a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "wslconfig_assistant", *(str(a) for a in args)],
        capture_output=True,
        env=cli_env(env),
        input=input,
        stdin=subprocess.DEVNULL if input is None else None,
        encoding="utf-8",
        errors="replace",
        cwd=cwd,
        timeout=60,
        check=False,
    )


def tree_digest(folder: Path) -> str:
    """A hash of every file and folder under ``folder``: names, kinds and bytes."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            h.update(f"L {rel} -> {os.readlink(path)}\n".encode())
        elif path.is_dir():
            h.update(f"D {rel}\n".encode())
        else:
            data = path.read_bytes()
            h.update(f"F {rel} {len(data)} {hashlib.sha256(data).hexdigest()}\n".encode())
    return h.hexdigest()


def junit_suite(stdout: str) -> ET.Element:
    """The one <testsuite> of `validate --format junit` output, checked to sit in <testsuites>
    (the shape Azure Pipelines' PublishTestResults@2 and GitHub's JUnit actions read)."""
    root = ET.fromstring(stdout)  # noqa: S314 - our own output
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    return suite


def parse_json_doc(result: CliResult) -> dict[str, Any]:
    """stdout must be exactly one JSON document carrying the contract's envelope."""
    doc = json.loads(result.stdout)  # the whole stdout, nothing before or after
    assert isinstance(doc, dict), result.stdout
    for key in ENVELOPE_KEYS:
        assert key in doc, f"envelope key {key!r} missing: {doc}"
    assert doc["schema"] == 1
    assert isinstance(doc["command"], str)
    assert isinstance(doc["ok"], bool)
    assert doc["exit_code"] == result.returncode
    assert doc["ok"] is (result.returncode == 0)
    assert isinstance(doc["findings"], list)
    for finding in doc["findings"]:
        assert set(finding) >= FINDING_KEYS, finding
        assert finding["severity"] in ("error", "warning", "info")
        assert isinstance(finding["code"], str)
        assert finding["code"]
        assert finding["line"] is None or (isinstance(finding["line"], int) and finding["line"] >= 1)
    return doc


def run_in_pty(args: Sequence[str], env: Mapping[str, str], *, timeout: float = 60,
               enter_when_idle: bool = False) -> tuple[int, bytes]:
    """Run the CLI with stdin and stdout on a pseudo-terminal (POSIX); its exit code and all it printed.
    Skips the calling test where there are no pseudo-terminals (Windows). ``enter_when_idle``: press
    Enter whenever the program has printed nothing for a second (the wizard's defaults at every prompt).
    A program still running at ``timeout`` is killed and the test fails with what it printed: a prompt
    nobody answers must not hang the suite."""
    if WINDOWS:
        pytest.skip("a pseudo-terminal (pty) is POSIX-only")
    import pty
    import select

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "wslconfig_assistant", *args], stdin=slave, stdout=slave,
                            stderr=subprocess.DEVNULL, env=dict(env), close_fds=True)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([master], [], [], min(left, 1.0))
            if not ready:
                if enter_when_idle and proc.poll() is None:
                    os.write(master, b"\r")
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        else:
            proc.kill()
            proc.wait()
            pytest.fail(f"{list(args)} still ran after {timeout} s; it printed:\n"
                        + b"".join(chunks).decode("utf-8", "replace")[-2000:])
    finally:
        os.close(master)
    return proc.wait(timeout=timeout), b"".join(chunks)


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    """A simulated Windows profile folder (it holds .wslconfig and the backups folder)."""
    folder = tmp_path / "Users" / "me"
    folder.mkdir(parents=True)
    return folder


def simulator_exe(folder: Path, *, name: str = "wsl", honour_wsl_utf8: bool = True) -> str:
    """An executable path (what --wsl-exe takes) that runs the shipped wsl.exe simulator with this
    tree's package, created in ``folder`` when needed.

    POSIX: a /bin/sh wrapper ``<name>.exe`` that execs this Python. Windows: the console-script
    launcher pip generated in this interpreter's scripts folder (a real .exe, as wsl.exe is),
    else a ``<name>.cmd`` wrapper (CreateProcess runs a .cmd through cmd.exe; the exit code of
    its last command is the wrapper's). ``honour_wsl_utf8=False`` drops WSL_UTF8 first, as an
    inbox wsl.exe ignores it, so the answer is UTF-16LE.
    """
    if WINDOWS:
        launcher = Path(sysconfig.get_path("scripts")) / f"{SIM_SCRIPT}.exe"
        if honour_wsl_utf8 and launcher.is_file():
            return str(launcher)
        script = folder / f"{name}.cmd"
        lines = ["@echo off", *([] if honour_wsl_utf8 else ["set WSL_UTF8="]),
                 f'"{sys.executable}" -m wslconfig_assistant.wsl.simulator %*']
        script.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8", newline="")
        return str(script)
    script = folder / f"{name}.exe"
    unset = "" if honour_wsl_utf8 else "unset WSL_UTF8\n"
    script.write_text(f'#!/bin/sh\n{unset}exec "{sys.executable}" -m wslconfig_assistant.wsl.simulator "$@"\n',
                      encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


@pytest.fixture
def sim(tmp_path: Path) -> str:
    """An executable wsl.exe stand-in (what --wsl-exe takes): the shipped simulator behind a
    wrapper (see simulator_exe), so the tests need no installed console script on POSIX."""
    return simulator_exe(tmp_path)


@pytest.fixture
def config(profile: Path) -> Path:
    """The .wslconfig in the simulated profile (not created)."""
    return profile / ".wslconfig"


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    return run_cli


@pytest.fixture
def cli_on(config: Path) -> Callable[..., CliResult]:
    """run_cli with ``--config <the profile's .wslconfig>`` in front."""

    def run(*args: object, env: Mapping[str, str] | None = None, input: str | None = None) -> CliResult:
        return run_cli("--config", config, *args, env=env, input=input)

    return run


@pytest.fixture
def digest() -> Callable[[Path], str]:
    return tree_digest


@pytest.fixture
def json_doc() -> Callable[[CliResult], dict[str, Any]]:
    return parse_json_doc


# -- a fake Windows (tests/fakewin.py) ------------------------------------------------------

@pytest.fixture
def fake_windows(monkeypatch: pytest.MonkeyPatch) -> Any:
    """This process as a Windows machine: ``sys.platform`` is "win32" and every call of
    wslconfig_assistant.system.winapi answers from tests/fakewin.py's documented fake, so the product's win32
    branches run here. Yields the FakeWindows whose state the test may change."""
    import fakewin

    from wslconfig_assistant.system import winapi

    fakewin.preimport()
    machine = fakewin.FakeWindows()
    monkeypatch.setattr(sys, "platform", "win32")
    for name in fakewin.FAKED:
        monkeypatch.setattr(winapi, name, getattr(machine, name))
    monkeypatch.setenv("SYSTEMROOT", "C:\\Windows")
    return machine


def run_cli_as_windows(*args: object, machine: Any = None, env: Mapping[str, str] | None = None,
                       cwd: Path | None = None, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """run_cli in a process of its own under the fake Windows (tests/fakewin.py run as a script);
    stdout and stderr are the raw bytes the product wrote. Its redirected streams start as Python on
    Windows sets them up (the ANSI code page) unless ``env`` sets PYTHONIOENCODING."""
    import fakewin

    state = {fakewin.STATE_ENV: (machine or fakewin.FakeWindows()).to_json()}
    full_env = cli_env({**state, **(env or {})})
    if env is None or "PYTHONIOENCODING" not in env:
        full_env.pop("PYTHONIOENCODING", None)
    return subprocess.run([sys.executable, str(fakewin.SCRIPT), *(str(a) for a in args)], capture_output=True,
                          env=full_env, input=input, stdin=subprocess.DEVNULL if input is None else None, cwd=cwd,
                          timeout=60, check=False)


# -- platform marks -------------------------------------------------------------------------

def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "posix_only: needs POSIX (a /bin/sh script, a pty, signals, /proc); "
                                       "skipped on Windows")


# Tests in files this conftest does not own that cannot run on Windows as written (a /bin/sh
# wrapper named *.exe, /proc, POSIX signals), by node id prefix. Skipped there, with the reason;
# remove an entry once its test is portable (or marks itself posix_only).
WINDOWS_SKIPS: dict[str, str] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not WINDOWS:
        return
    for item in items:
        nodeid = item.nodeid.replace("\\", "/")
        reason = next((why for prefix, why in WINDOWS_SKIPS.items()
                       if nodeid == prefix or nodeid.startswith((prefix + "[", prefix + "::"))), None)
        if reason is None and item.get_closest_marker("posix_only") is not None:
            reason = "POSIX only"
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=f"not on Windows: {reason}"))


@pytest.fixture(autouse=True)
def _fresh_invocation() -> Any:
    """commandline remembers the running command's --config/--wsl-exe/--policy for one process; tests that
    call main() in-process must not hand theirs to the next test (whose printed commands would carry them)."""
    from wslconfig_assistant.core import shellcommand

    saved = shellcommand.invocation()
    shellcommand.remember(shellcommand.Invocation())
    yield
    shellcommand.remember(saved)
