"""The whole command matrix with ``sys.platform`` as "win32", on Linux, against the fake of the Win32
calls (tests/fakewin.py): show, get, set, unset, validate in every format, versions, apply, verify,
backups, restore, setup (the wizard and its refusal on NUL), demo, dsc, completion and policy init.

In process (``main.main``), so that every win32 branch those commands reach runs here and is counted
(tests/win32_coverage.py). wsl.exe is the shipped simulator, started as a real process. What only a real
Windows runner proves is listed in TESTING.md ("Windows").
"""

from __future__ import annotations

import io
import json
import os
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import HOST_MEMORY, NO_INSTALL_DIR, simulator_exe
from fakewin import GIB, FakeWindows

from wslconfig_assistant.cli import main as cli
from wslconfig_assistant.cli.commands.setup import setup
from wslconfig_assistant.cli.output import Console
from wslconfig_assistant.cli.prompts import ScriptedPrompter
from wslconfig_assistant.core.policy import DEFAULT

ORIGINAL = b"# from Notepad\r\n[wsl2]\r\nmemory=4GB\r\nprocessors=4\r\n"

Run = Callable[..., tuple[int, str, str]]


class Terminal(io.StringIO):
    """A standard stream on descriptor ``fd`` that isatty() calls a terminal (a console or NUL)."""

    def __init__(self, fd: int, text: str = "") -> None:
        super().__init__(text)
        self.fd = fd

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return True


@pytest.fixture
def windows(fake_windows: FakeWindows, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeWindows:
    """A fake Windows machine with a user profile, the simulated wsl.exe and WSL 2.7.3 (too old)."""
    profile = tmp_path / "Users" / "Zoë"
    profile.mkdir(parents=True)
    (profile / ".wslconfig").write_bytes(ORIGINAL)
    (profile / ".wsl-sim.json").write_text(json.dumps({"wsl_version": "2.7.3.0"}), encoding="utf-8")
    for name in [n for n in os.environ if n.startswith("WSLCONFIG_ASSISTANT_")] + ["FORCE_COLOR", "CI"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("USERPROFILE", str(profile))  # the default .wslconfig on Windows
    monkeypatch.setenv("WSLCONFIG_ASSISTANT_PROFILE", str(profile))  # where the simulator keeps its state
    monkeypatch.setenv("WSLCONFIG_ASSISTANT_WSL_EXE", simulator_exe(tmp_path))
    monkeypatch.setenv("WSLCONFIG_ASSISTANT_WSL_INSTALL_DIR", NO_INSTALL_DIR)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[2]))  # the simulator's package
    fake_windows.total_phys = 16 * GIB  # GlobalMemoryStatusEx: no HOST_MEMORY override on this machine
    assert HOST_MEMORY == "16GB"
    return fake_windows


@pytest.fixture
def config(windows: FakeWindows) -> Path:
    return Path(os.environ["USERPROFILE"]) / ".wslconfig"


@pytest.fixture
def run(windows: FakeWindows, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """``wslconfig-assistant ARGS`` in this process; (exit code, stdout, stderr). stdin is ``stdin``."""

    def go(*args: object, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return go


def test_show(run: Run, config: Path) -> None:
    code, out, _ = run("show")  # no --config: %USERPROFILE%\.wslconfig
    assert code == 0
    assert str(config) in out
    code, out, _ = run("show", "--json")
    assert json.loads(out)["config"] == str(config)


def test_get_set_unset_and_the_backups(run: Run, config: Path) -> None:
    assert run("get", "wsl2.memory")[1] == "4GB\n"
    code, out, _ = run("set", "wsl2.memory", "8GB")
    assert code == 0, out
    assert config.read_bytes() == ORIGINAL.replace(b"memory=4GB", b"memory=8GB")  # CRLF and the rest kept
    code, out, _ = run("unset", "wsl2.processors", "--json")
    assert code == 0
    assert json.loads(out)["changes"][0]["key"] == "wsl2.processors"
    code, out, _ = run("backups", "--json")
    backups = json.loads(out)["backups"]
    assert len(backups) == 2
    code, out, _ = run("restore", backups[0]["id"])
    assert code == 0, out
    assert config.read_bytes() == ORIGINAL
    assert run("backups")[0] == 0


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
@pytest.mark.parametrize("offline", [True, False], ids=["offline", "online"])
def test_validate_in_every_format(run: Run, config: Path, fmt: str, offline: bool) -> None:
    before = config.read_bytes()
    code, out, _ = run("validate", "--format", fmt, *(["--offline"] if offline else []))
    assert code == 1  # virtiofs is not on (and, online, WSL 2.7.3 is too old)
    if fmt == "json":
        codes = {f["code"] for f in json.loads(out)["findings"]}
        assert "virtiofs-disabled" in codes
        assert offline or "kernel-too-old" in codes
    elif fmt == "junit":
        assert ET.fromstring(out).tag == "testsuites"  # noqa: S314 - our own output
    elif fmt == "github":
        assert out.startswith("::error file=")
    else:
        assert "[virtiofs-disabled]" in out
    assert config.read_bytes() == before


def test_versions(run: Run) -> None:
    code, out, _ = run("versions", "--json")
    doc = json.loads(out)
    assert code == 1
    assert doc["versions"]["wsl"]["version"] == "2.7.3.0"


def test_apply_then_verify(run: Run, config: Path, windows: FakeWindows) -> None:
    code, out, err = run("apply", "--shutdown", "--json")
    assert code == 0, (out, err)
    doc = json.loads(out)
    assert doc["written"] is True
    assert b"virtiofs=true" in config.read_bytes()
    code, out, _ = run("verify")
    assert code == 0, out
    assert "the fast path is on" in out
    assert windows.killed == []  # nothing timed out: no taskkill


def test_memory_is_judged_against_global_memory_status(run: Run, config: Path, windows: FakeWindows) -> None:
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\n")
    windows.total_phys = 2 * GIB  # half of it is below the 1 GB + 64 MB the DMA pool needs
    code, out, _ = run("validate", "--offline", "--json")
    assert code == 1
    assert "memory-too-low" in {f["code"] for f in json.loads(out)["findings"]}


def test_setup_on_nul_is_refused(run: Run, monkeypatch: pytest.MonkeyPatch, windows: FakeWindows,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """`setup < NUL` in a console: isatty() is true for NUL, GetConsoleMode fails on it (12.12)."""
    windows.consoles[1] = 0x0003  # stdout is the console
    monkeypatch.setattr(sys, "stdin", Terminal(0))  # NUL: a character device, not a console
    monkeypatch.setattr(sys, "stdout", Terminal(1))
    code = cli.main(["setup"])
    assert code == 2
    assert "not a terminal" in capsys.readouterr().err


def test_the_wizard(windows: FakeWindows, config: Path) -> None:
    prompter = ScriptedPrompter([None] * 6)  # Enter at every question: the defaults
    out = io.StringIO()
    code = setup(console=Console(json_mode=False, no_color=True, stream=out), config=None, wsl_exe=None,
                 policy=DEFAULT, prompter=prompter)
    assert code == 0, out.getvalue()
    assert b"virtiofs=true" in config.read_bytes()


@pytest.mark.parametrize("json_mode", [False, True], ids=["text", "json"])
def test_demo(run: Run, json_mode: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("WSLCONFIG_ASSISTANT_WSL_EXE")  # demo brings its own simulator
    # pip's launcher on Windows is wslconfig-assistant-wsl-sim.exe in Scripts\ (on PATH); the bare name
    # finds it through PATHEXT. (The .cmd fallback needs cmd.exe: test_fakewin checks what it holds.)
    scripts = tmp_path / "Scripts"
    scripts.mkdir()
    simulator_exe(scripts, name="wslconfig-assistant-wsl-sim")
    monkeypatch.setenv("PATH", f"{scripts}{os.pathsep}/usr/bin{os.pathsep}/bin")
    code, out, _ = run("demo", "--non-interactive", *(["--json"] if json_mode else []))
    assert code == 0, out
    if json_mode:
        assert json.loads(out)["flow"] == "apply"
    else:
        assert "the fast path is on" in out


def test_dsc(run: Run, config: Path) -> None:
    request = json.dumps({"configPath": str(config), "virtiofs": True})
    code, out, _ = run("dsc", "get", stdin=request)
    assert code == 0
    assert json.loads(out.splitlines()[0])["virtiofs"] is False
    code, out, _ = run("dsc", "test", stdin=request)
    assert code == 0
    assert json.loads(out.splitlines()[0])["_inDesiredState"] is False
    code, out, err = run("dsc", "set", stdin=request)
    assert code == 0, err
    assert b"virtiofs=true" in config.read_bytes()
    code, out, _ = run("dsc", "manifest")
    assert json.loads(out)["type"]


def test_completion_and_policy_init(run: Run, tmp_path: Path) -> None:
    code, out, _ = run("completion", "powershell")
    assert code == 0
    assert "Register-ArgumentCompleter" in out
    policy = tmp_path / "policy.toml"
    code, out, _ = run("policy", "init", policy)
    assert code == 0, out
    assert policy.is_file()


def test_a_missing_wsl_exe_says_how_to_install(run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("WSLCONFIG_ASSISTANT_WSL_EXE")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("SYSTEMROOT", str(tmp_path / "Windows"))
    code, out, _ = run("versions", "--json")
    assert code == 4
    assert "wsl --install" in json.loads(out)["error"]["fix"]

