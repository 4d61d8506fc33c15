"""What bytes reach a redirected stdout on Windows (issue 12, items 2 and 3), through real processes
under the fake Windows (tests/fakewin.py run as a script): the machine formats are UTF-8 whatever the
console or locale, people's text is in what the reader decodes.

The fake starts each process's redirected streams as Python on Windows does (the ANSI code page,
1252 here) unless PYTHONIOENCODING says otherwise; the console, when attached, has output code page
437 or 850 (GetConsoleOutputCP), which PowerShell decodes native output with.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import run_cli_as_windows
from fakewin import FakeWindows

from wslconfig_assistant.cli import output

# A profile folder with non-ASCII letters (WSL users are called Zoë and Jürgen) and a config whose
# non-ASCII value is quoted back in a finding.
FOLDER = "Zoë Jürgen"
CONFIG = "[wsl2]\r\nvirtiofs=false\r\nkernel=C:\\Kernels\\Zoë\\bzImage\r\n".encode()

MACHINES = {
    "console 437": FakeWindows(output_cp=437),
    "console 850": FakeWindows(output_cp=850),
    "no console": FakeWindows(output_cp=None),
}
ENCODINGS = {"default (ANSI 1252)": None, "PYTHONIOENCODING=cp1252": "cp1252", "PYTHONIOENCODING=ascii": "ascii"}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    folder = tmp_path / FOLDER
    folder.mkdir()
    path = folder / ".wslconfig"
    path.write_bytes(CONFIG)
    return path


def _env(encoding: str | None) -> dict[str, str] | None:
    return None if encoding is None else {"PYTHONIOENCODING": encoding}


@pytest.mark.parametrize("machine", MACHINES.values(), ids=MACHINES.keys())
@pytest.mark.parametrize("encoding", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_junit_is_utf8_xml_whatever_the_console(config: Path, machine: FakeWindows, encoding: str | None) -> None:
    result = run_cli_as_windows("--config", config, "validate", "--offline", "--format", "junit",
                                machine=machine, env=_env(encoding))
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(result.stdout)  # noqa: S314 - our own output; raises on bytes that are not UTF-8
    # The path survives as characters, wherever the report puts it (outputs' business).
    texts = [v for e in root.iter() for v in (*e.attrib.values(), e.text or "")]
    assert any(str(config) in text for text in texts)


@pytest.mark.parametrize("machine", MACHINES.values(), ids=MACHINES.keys())
@pytest.mark.parametrize("encoding", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_github_annotations_are_utf8_whatever_the_console(config: Path, machine: FakeWindows,
                                                          encoding: str | None) -> None:
    result = run_cli_as_windows("--config", config, "validate", "--offline", "--format", "github",
                                machine=machine, env=_env(encoding))
    assert result.returncode == 1, result.stderr
    text = result.stdout.decode("utf-8")  # strict: the runner reads workflow commands as UTF-8
    assert f"::error file={str(config).replace(':', '%3A')},line=2,title=virtiofs-disabled::" in text


@pytest.mark.parametrize("args", [("validate", "--offline", "--format", "json"), ("show", "--json")],
                         ids=["validate-json", "show-json"])
@pytest.mark.parametrize("encoding", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_json_is_utf8_whatever_the_console(config: Path, args: tuple[str, ...], encoding: str | None) -> None:
    result = run_cli_as_windows("--config", config, *args, machine=FakeWindows(output_cp=437), env=_env(encoding))
    doc = json.loads(result.stdout.decode("utf-8"))
    assert doc["config"] == str(config)


def test_dsc_lines_are_utf8_whatever_the_console(config: Path) -> None:
    request = json.dumps({"configPath": str(config)}, ensure_ascii=False).encode("utf-8")
    result = run_cli_as_windows("dsc", "get", machine=FakeWindows(output_cp=437), env=_env("cp1252"),
                                input=request)
    assert result.returncode == 0, result.stderr
    [state] = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert state["configPath"] == str(config)


@pytest.mark.parametrize(("machine", "codec"), [(FakeWindows(output_cp=437), "cp437"),
                                                (FakeWindows(output_cp=850), "cp850"),
                                                (FakeWindows(output_cp=65001), "utf-8"),
                                                (FakeWindows(output_cp=None), "utf-8")],
                         ids=["console-437", "console-850", "console-65001", "no-console"])
def test_redirected_text_is_in_what_powershell_decodes(config: Path, machine: FakeWindows, codec: str) -> None:
    """PowerShell decodes a native program's redirected output with [Console]::OutputEncoding (the
    console's output code page); with no console attached, UTF-8."""
    result = run_cli_as_windows("--config", config, "validate", "--offline", machine=machine)
    assert result.returncode == 1
    text = result.stdout.decode(codec)  # strict: every byte is what that reader expects
    assert f"{config}:2: error [virtiofs-disabled]" in text
    assert "Zoë" in text  # ë exists in every one of these code pages: it must arrive as ë


def test_pythonioencoding_is_the_users_choice(config: Path) -> None:
    result = run_cli_as_windows("--config", config, "validate", "--offline", machine=FakeWindows(output_cp=437),
                                env={"PYTHONIOENCODING": "utf-8"})
    assert f"{config}:2:" in result.stdout.decode("utf-8")


def test_a_character_the_code_page_lacks_is_escaped_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "用户"  # not in code page 437
    folder.mkdir()
    (folder / ".wslconfig").write_bytes(b"[wsl2]\r\nvirtiofs=false\r\n")
    result = run_cli_as_windows("--config", folder / ".wslconfig", "validate", "--offline",
                                machine=FakeWindows(output_cp=437))
    assert result.returncode == 1, result.stderr
    assert "\\u7528\\u6237" in result.stdout.decode("cp437")


def test_a_console_stream_is_left_to_python(fake_windows: FakeWindows) -> None:
    """A console is written as UTF-16 by Python itself (WriteConsoleW): its encoding is not changed."""

    class OnFd(io.StringIO):
        def fileno(self) -> int:
            return 1

    fake_windows.output_cp = 437
    fake_windows.consoles[1] = 0x0007
    assert output.human_encoding(OnFd()) is None
    del fake_windows.consoles[1]
    assert output.human_encoding(OnFd()) == "cp437"
    assert output.human_encoding(io.StringIO()) is None  # no descriptor: a test's capture, left alone
