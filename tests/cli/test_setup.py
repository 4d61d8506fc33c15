"""`setup`, the wizard, driven as a person would: a real pseudo-terminal of 80x24 (pexpect),
keys typed at the prompts, the shipped wsl.exe simulator behind it. Plus the wizard's logic
through a scripted prompter (no terminal), the refusals without a terminal, import hygiene,
and `demo` on and off a terminal.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import HOST_MEMORY, cli_env, run_cli, run_in_pty

from wslconfig_assistant.cli.commands.setup import (
    INTERRUPTED,
    Q_MEMORY,
    Q_MEMORY_SIZE,
    Q_REPAIR,
    Q_SHUTDOWN,
    Q_UPDATE,
    Q_VIRTIOFS,
    Q_WRITE,
    fit,
    setup,
)
from wslconfig_assistant.cli.output import Console
from wslconfig_assistant.cli.prompts import NoTerminalError, ScriptedPrompter, _console_errors
from wslconfig_assistant.core.errors import ExitCode
from wslconfig_assistant.core.policy import DEFAULT

pexpect = pytest.importorskip("pexpect")
posix_only = pytest.mark.skipif(os.name != "posix", reason="pexpect.spawn needs a POSIX pty")

TIMEOUT = 30  # seconds for one expect: generous, and still bounded
SAMPLE = (
    b"# WSL 2 settings (Notepad, CRLF)\r\n"
    b"[wsl2]\r\n"
    b"memory=1GB   # keep the VM small\r\n"
    b"processors=4\r\n"
    b"swap = 0\r\n"
    b"; old-style comment: WSL rejects this line\r\n"
    b"\r\n"
    b"[experimental]\r\n"
    b"sparseVhd=true\r\n"
)
# After Enter at every prompt: two lines differ, every other byte (CRLF, the comment after the
# value, the ';' line, the blank line, the other section) is as it was.
ENTERED = (
    b"# WSL 2 settings (Notepad, CRLF)\r\n"
    b"[wsl2]\r\n"
    b"memory=8GB   # keep the VM small\r\n"
    b"processors=4\r\n"
    b"swap = 0\r\n"
    b"virtiofs = true\r\n"
    b"; old-style comment: WSL rejects this line\r\n"
    b"\r\n"
    b"[experimental]\r\n"
    b"sparseVhd=true\r\n"
)
PROMPTS = [Q_VIRTIOFS, Q_MEMORY, Q_MEMORY_SIZE, Q_WRITE, Q_UPDATE, Q_SHUTDOWN]
VERSION, UPDATE, SHUTDOWN = ["--version"], ["--update", "--pre-release"], ["--shutdown"]
LIST = ["--list", "--verbose"]  # whether WSL runs; never starts it
BACKUPS = ".wslconfig-assistant-backups"
ENTER, CTRL_C, NO, CLEAR_LINE = "\r", "\x03", "n\r", "\x15"


class Machine:
    """A simulated Windows profile with a .wslconfig, and the simulator's state inside it."""

    def __init__(self, profile: Path, sim: str) -> None:
        self.profile = profile
        self.config = profile / ".wslconfig"
        self.config.write_bytes(SAMPLE)
        self.exe = sim

    def env(self, **extra: str) -> dict[str, str]:
        env = cli_env({
            "WSLCONFIG_ASSISTANT_PROFILE": str(self.profile),
            "WSLCONFIG_ASSISTANT_WSL_EXE": self.exe,
            "TERM": "xterm-256color",
            # pexpect is no terminal emulator: it never answers prompt_toolkit's cursor
            # position request (ESC [6n), which a real terminal does at once; without this
            # each prompt would wait for the answer before giving up.
            "PROMPT_TOOLKIT_NO_CPR": "1",
        })
        env.pop("CI", None)  # the tests may run in CI; the wizard refuses to prompt there
        return env | extra

    def state(self) -> dict[str, Any]:
        path = self.profile / ".wsl-sim.json"
        if not path.exists():
            return {"calls": []}
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def calls(self) -> list[list[str]]:
        calls: list[list[str]] = self.state().get("calls", [])
        return calls

    def untouched(self) -> bool:
        return self.config.read_bytes() == SAMPLE and not (self.profile / BACKUPS).exists()


@pytest.fixture
def machine(profile: Path, sim: str) -> Machine:
    return Machine(profile, sim)


class Session:
    """One CLI process on an 80x24 pseudo-terminal, everything it draws kept."""

    def __init__(self, machine: Machine, *args: str, **env: str) -> None:
        self.screen = io.BytesIO()
        self.child = pexpect.spawn(sys.executable, ["-m", "wslconfig_assistant", *args], env=machine.env(**env),
                                   dimensions=(24, 80), timeout=TIMEOUT)
        self.child.logfile_read = self.screen

    def answer(self, prompt: str, keys: str) -> None:
        self.wait_for(prompt)
        self.child.send(keys)

    def wait_for(self, text: str) -> None:
        # A redraw may move over a blank (ESC [C) instead of printing it.
        self.child.expect(r"(?: |\x1b\[\d*C)".join(re.escape(word) for word in text.split(" ")))

    def finish(self) -> int:
        self.child.expect(pexpect.EOF, timeout=90)
        self.child.close()
        assert self.child.exitstatus is not None, f"killed by signal {self.child.signalstatus}"
        code: int = self.child.exitstatus
        return code

    @property
    def text(self) -> str:
        return self.screen.getvalue().decode("utf-8", "replace")


# -- the wizard on a real terminal -------------------------------------------------------------

@posix_only
def test_enter_at_every_prompt_ends_compliant(machine: Machine) -> None:
    session = Session(machine, "setup")
    for prompt in PROMPTS:
        session.answer(prompt, ENTER)
    assert session.finish() == 0, session.text
    assert machine.config.read_bytes() == ENTERED
    backups = list((machine.profile / BACKUPS).iterdir())
    assert len(backups) == 1
    assert backups[0].read_bytes() == SAMPLE
    state = machine.state()
    assert state["wsl_version"] == "2.9.4.0"  # updated from 2.7.3.0
    assert machine.calls() == [VERSION, LIST, UPDATE, VERSION, SHUTDOWN]
    shown = session.text
    assert "Checking for updates." in shown  # wsl.exe's own progress, live
    assert "result   complies" in shown
    # The backup's path is wrapped at 80 columns (its name carries the whole SHA-256): join the pieces.
    assert str(backups[0].name) in re.sub(r"\r\n +", "", shown)
    validate = run_cli("validate", env={"WSLCONFIG_ASSISTANT_PROFILE": str(machine.profile),
                                        "WSLCONFIG_ASSISTANT_WSL_EXE": machine.exe})
    assert validate.returncode == 0, validate.stdout + validate.stderr


@posix_only
def test_declining_each_change_changes_nothing(machine: Machine) -> None:
    session = Session(machine, "setup")
    session.answer(Q_VIRTIOFS, NO)
    session.answer(Q_MEMORY, NO)
    session.answer(Q_UPDATE, NO)  # nothing to write: no diff, no write question, no restart
    assert session.finish() == 1, session.text
    assert machine.untouched()
    assert machine.calls() == [VERSION, LIST]  # no --update, no --shutdown; LIST starts no VM
    assert "does NOT comply" in session.text
    assert Q_WRITE not in session.text
    assert Q_SHUTDOWN not in session.text


@posix_only
@pytest.mark.parametrize("at", range(len(PROMPTS)), ids=PROMPTS)
def test_ctrl_c_at_any_prompt_writes_nothing(machine: Machine, at: int) -> None:
    session = Session(machine, "setup")
    for prompt in PROMPTS[:at]:
        session.answer(prompt, ENTER)
    session.answer(PROMPTS[at], CTRL_C)
    assert session.finish() == 130, session.text
    assert machine.untouched()
    assert UPDATE not in machine.calls()
    assert SHUTDOWN not in machine.calls()
    assert INTERRUPTED in session.text


# The same file, saved as UTF-16 big-endian: WSL cannot open it, so the wizard asks to repair it first.
SAMPLE_UTF16BE = b"\xfe\xff" + SAMPLE.decode().encode("utf-16-be")


@posix_only
def test_a_file_wsl_cannot_read_is_repaired_when_the_person_agrees(machine: Machine) -> None:
    machine.config.write_bytes(SAMPLE_UTF16BE)
    session = Session(machine, "setup")
    for prompt in [Q_REPAIR, *PROMPTS]:
        session.answer(prompt, ENTER)
    assert session.finish() == 0, session.text
    assert machine.config.read_bytes() == ENTERED  # UTF-8 now, every other byte as the person wrote it
    [backup] = (machine.profile / BACKUPS).iterdir()
    assert backup.read_bytes() == SAMPLE_UTF16BE
    shown = session.text
    assert "WSL cannot read the file as written: it needs a repair first" in shown
    assert "(WSL cannot open it)" in shown  # the repair's diff
    assert "repaired re-encoded as UTF-8 (it was UTF-16BE with BOM)" in shown.replace("\r\n", "")
    assert "result   complies" in shown


@posix_only
def test_declining_the_repair_changes_nothing_and_names_the_repair(machine: Machine) -> None:
    machine.config.write_bytes(SAMPLE_UTF16BE)
    session = Session(machine, "setup")
    session.answer(Q_REPAIR, NO)
    session.answer(Q_UPDATE, NO)  # no config question: nothing can be edited without the repair
    assert session.finish() == 1, session.text
    assert machine.config.read_bytes() == SAMPLE_UTF16BE
    assert not (machine.profile / BACKUPS).exists()
    assert Q_VIRTIOFS not in session.text
    flat = re.sub(r"\s+", " ", session.text)
    assert "skipped the repair (so no edit either)" in flat
    assert "wslconfig-assistant repair" in flat


@posix_only
def test_bare_call_on_a_terminal_runs_setup_within_80_columns(machine: Machine) -> None:
    session = Session(machine)  # no command: with stdin and stdout terminals, that is setup
    for prompt in PROMPTS:
        session.answer(prompt, ENTER)
    assert session.finish() == 0, session.text
    assert machine.config.read_bytes() == ENTERED
    raw = session.text
    widest, line = widest_line(raw)
    assert widest <= 80, f"{widest} columns: {line!r}"
    assert not colours(raw), "NO_COLOR is set: no colours"


@posix_only
def test_an_invalid_memory_size_is_asked_again(machine: Machine) -> None:
    session = Session(machine, "setup")
    session.answer(Q_VIRTIOFS, ENTER)
    session.answer(Q_MEMORY, ENTER)
    session.answer(Q_MEMORY_SIZE, CLEAR_LINE + "8gb" + ENTER)  # lower case: WSL reads 8 bytes' worth of nothing
    session.wait_for("did you mean 8GB?")
    session.child.send(CLEAR_LINE + "1GB" + ENTER)  # WSL's grammar, but not above the floor
    session.wait_for("needs more than 1GB")
    session.child.send(CLEAR_LINE + "12GB" + ENTER)
    session.answer(Q_WRITE, ENTER)
    session.answer(Q_UPDATE, NO)
    session.answer(Q_SHUTDOWN, NO)
    assert session.finish() == 1  # the update was declined: the versions still fail
    assert machine.config.read_bytes() == ENTERED.replace(b"memory=8GB", b"memory=12GB")
    assert machine.calls() == [VERSION, LIST]
    assert "wsl --shutdown" in session.text  # the summary says what is left


@posix_only
@pytest.mark.parametrize("how", ["ci", "stdout-to-a-file"])
def test_no_prompt_without_a_person_at_a_terminal(machine: Machine, tmp_path: Path, how: str) -> None:
    if how == "ci":
        session = Session(machine, "setup", CI="true")
        assert session.finish() == 2
        shown = session.text
    else:  # stdin is a terminal, stdout a file: the prompts would be drawn where nobody sees them
        import pty  # POSIX only

        master, slave = pty.openpty()
        out = tmp_path / "out.txt"
        with out.open("wb") as sink:
            proc = subprocess.run([sys.executable, "-m", "wslconfig_assistant", "setup"], stdin=slave, stdout=sink,
                                  stderr=subprocess.PIPE, env=machine.env(), timeout=TIMEOUT, check=False)
        os.close(slave)
        os.close(master)
        assert proc.returncode == 2
        assert out.read_bytes() == b""
        shown = proc.stderr.decode()
    assert "wslconfig-assistant apply" in shown
    assert machine.untouched()
    assert machine.calls() == []


def test_no_terminal_setup_and_bare_call_exit_2_pointing_to_apply(machine: Machine) -> None:
    env = {"WSLCONFIG_ASSISTANT_PROFILE": str(machine.profile), "WSLCONFIG_ASSISTANT_WSL_EXE": machine.exe}
    for args in (["setup"], []):
        result = run_cli(*args, env=env)  # stdin is /dev/null, stdout a pipe
        assert result.returncode == 2, args
        assert "apply" in result.stderr, args
        assert result.stdout == ""
    assert machine.untouched()
    assert machine.calls() == []


@pytest.mark.parametrize("args", [["validate", "--offline"], ["setup"], []], ids=["validate", "setup", "bare"])
def test_questionary_is_imported_only_by_the_wizard(machine: Machine, args: list[str]) -> None:
    # validate --offline runs, setup and the bare call refuse (no terminal): none draws a prompt.
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "wslconfig_assistant", *args],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT, check=False,
        env=cli_env({"WSLCONFIG_ASSISTANT_PROFILE": str(machine.profile)}),
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:")}
    assert imported, result.stderr  # -X importtime did report
    assert "wslconfig_assistant.cli.main" in imported
    assert not {name for name in imported if name.split(".")[0] in ("questionary", "prompt_toolkit")}
    assert result.returncode == (1 if args[:1] == ["validate"] else 2)  # not compliant; no terminal


# -- demo: the wizard on a terminal, apply elsewhere ------------------------------------------------

@posix_only
def test_demo_on_a_terminal_runs_the_wizard(machine: Machine) -> None:
    session = Session(machine, "demo")
    for prompt in PROMPTS:
        session.answer(prompt, ENTER)
    assert session.finish() == 0, session.text
    shown = session.text
    assert "2. The setup wizard" in shown
    assert "the fast path is on" in shown  # verify, step 3


@posix_only
def test_demo_non_interactive_on_a_terminal_runs_apply(machine: Machine) -> None:
    session = Session(machine, "demo", "--non-interactive")
    assert session.finish() == 0, session.text
    shown = session.text
    assert "2. apply --shutdown" in shown
    assert Q_VIRTIOFS not in shown
    assert "the fast path is on" in shown


@posix_only
def test_demo_json_on_a_terminal_prints_one_document(machine: Machine) -> None:
    # stdin and stdout are a terminal, so wsl.exe's progress is live
    code, printed = run_in_pty(["demo", "--json"], machine.env(), timeout=TIMEOUT)
    assert code == 0
    doc = json.loads(printed.decode())  # stdout held the document and nothing else
    assert doc["command"] == "demo"
    assert doc["flow"] == "apply"
    assert doc["ok"] is True


# -- the wizard's logic, without a terminal --------------------------------------------------------

@pytest.fixture
def on_machine(machine: Machine, monkeypatch: pytest.MonkeyPatch) -> Machine:
    """The in-process wizard sees the same simulated machine as the CLI processes."""
    monkeypatch.setenv("WSLCONFIG_ASSISTANT_PROFILE", str(machine.profile))
    monkeypatch.setenv("WSLCONFIG_ASSISTANT_WSL_EXE", machine.exe)
    monkeypatch.setenv("WSLCONFIG_ASSISTANT_HOST_MEMORY", HOST_MEMORY)
    # DeviceHost from the release table, never from this machine's WSL install (as in cli_env).
    monkeypatch.setenv("WSLCONFIG_ASSISTANT_WSL_INSTALL_DIR", cli_env()["WSLCONFIG_ASSISTANT_WSL_INSTALL_DIR"])
    monkeypatch.setenv("PYTHONPATH", cli_env()["PYTHONPATH"])
    return machine


def run_wizard(answers: list[object], **kwargs: Any) -> tuple[int, ScriptedPrompter, str]:
    prompter = ScriptedPrompter(answers)
    out = io.StringIO()
    console = Console(json_mode=False, no_color=True, stream=out)
    options: dict[str, Any] = {"config": None, "wsl_exe": None, "policy": DEFAULT} | kwargs
    code = setup(console=console, prompter=prompter, **options)
    return code, prompter, out.getvalue()


def test_scripted_defaults_match_the_terminal_run(on_machine: Machine) -> None:
    code, prompter, out = run_wizard([None] * 6)
    assert code == 0, out
    assert prompter.asked == PROMPTS
    assert on_machine.config.read_bytes() == ENTERED
    assert all(len(line) <= 80 for line in out.splitlines()), out


def test_stray_latin1_bytes_are_kept_and_not_asked_about(on_machine: Machine) -> None:
    latin1 = SAMPLE.replace(b"# WSL 2 settings", b"# R\xe9glages WSL 2")
    on_machine.config.write_bytes(latin1)
    code, prompter, _out = run_wizard([None] * 6)
    assert code == 0
    assert prompter.asked == PROMPTS  # WSL reads the file: no repair question, a lossless edit
    assert on_machine.config.read_bytes() == ENTERED.replace(b"# WSL 2 settings", b"# R\xe9glages WSL 2")


def test_the_wizard_offers_the_before_measurement_and_names_the_after_one(on_machine: Machine) -> None:
    code, _prompter, out = run_wizard([None] * 6)
    assert code == 0, out
    words = " ".join(out.split())
    offer = words.index("to see the speed-up, measure now, before the change: wslconfig-assistant bench")
    assert offer < words.index("The change to the file")  # said before the diff, let alone the write
    assert "wslconfig-assistant verify --bench (also measures the Windows drive and compares)" in words
    # It offers, it never measures by itself (nor does apply: tests/bench/test_bench.py).
    assert not any("sh" in call for call in on_machine.calls())


def test_memory_answers_are_checked_with_wsls_grammar_and_the_policy(on_machine: Machine) -> None:
    answers: list[object] = [None, None, "8gb", "8 GB", "1GB", "512MB", "abc", " 6GB", None, False, False]
    code, prompter, _out = run_wizard(answers)
    assert code == 1  # no update
    assert [value for value, _why in prompter.rejected] == ["8gb", "8 GB", "1GB", "512MB", "abc"]
    assert "did you mean 8GB?" in prompter.rejected[0][1]
    assert "needs more than 1GB" in prompter.rejected[2][1]
    assert all(len(why) <= 76 for _value, why in prompter.rejected)  # one line under the prompt
    assert b"memory=6GB   # keep the VM small" in on_machine.config.read_bytes()


def test_a_key_the_policy_requires_is_asked_for(on_machine: Machine, tmp_path: Path) -> None:
    from wslconfig_assistant.compliance.policy_toml import load_policy

    policy_file = tmp_path / "team.toml"
    policy_file.write_text('[require]\n"wsl2.networkingMode" = "Mirrored"\n', encoding="utf-8")
    code, prompter, _out = run_wizard([None] * 7, policy=load_policy(str(policy_file)))
    assert code == 0
    assert "Set wsl2.networkingMode = Mirrored?" in prompter.asked
    assert b"networkingMode = Mirrored\r\n" in on_machine.config.read_bytes()


def test_declining_the_write_keeps_the_file_but_still_updates(on_machine: Machine) -> None:
    code, prompter, out = run_wizard([None, None, None, False, None, None])
    assert prompter.asked == PROMPTS
    assert code == 1  # the config still does not comply
    assert on_machine.untouched()
    assert on_machine.calls() == [VERSION, LIST, UPDATE, VERSION, SHUTDOWN]  # the update changed WSL: restart
    assert "skipped  writing the file" in out


def test_nothing_to_ask_when_everything_complies(on_machine: Machine, tmp_path: Path) -> None:
    from wslconfig_assistant.compliance.policy_toml import load_policy

    on_machine.config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\n")
    (on_machine.profile / ".wsl-sim.json").write_text(json.dumps({"wsl_version": "2.9.4.0"}), encoding="utf-8")
    behind = tmp_path / "when-behind.toml"
    behind.write_text('[update]\nrun = "when-behind"\n', encoding="utf-8")
    code, prompter, out = run_wizard([], policy=load_policy(str(behind)))
    assert code == 0
    assert prompter.asked == []
    assert "Nothing to change" in out
    assert "result   complies" in out


def test_the_update_is_offered_also_when_the_versions_comply(on_machine: Machine) -> None:
    """The default policy updates always: newer releases carry virtiofs fixes past the minimums."""
    on_machine.config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\n")
    (on_machine.profile / ".wsl-sim.json").write_text(json.dumps({"wsl_version": "2.9.4.0"}), encoding="utf-8")
    code, prompter, out = run_wizard([None])
    assert code == 0, out
    assert prompter.asked == [Q_UPDATE]  # nothing changed and WSL is not running: no restart asked
    assert on_machine.calls() == [VERSION, LIST, UPDATE, VERSION]
    assert "WSL      2.9.4.0: already the newest release" in out
    assert "result   complies" in out


def test_the_stable_channel_is_told_before_the_update(on_machine: Machine, tmp_path: Path) -> None:
    from wslconfig_assistant.compliance.policy_toml import load_policy

    policy_file = tmp_path / "stable.toml"
    policy_file.write_text('[update]\nchannel = "stable"\n', encoding="utf-8")
    code, prompter, out = run_wizard([None, None, None, None, False, None], policy=load_policy(str(policy_file)))
    assert Q_UPDATE in prompter.asked
    words = " ".join(out.split())  # the wizard wraps at 80 columns
    said = words.index('warning: the policy\'s update channel is "stable"')
    assert said < words.index('fix: set [update] channel = "pre-release" in', said) < words.index("Restart WSL")
    assert ["--update"] not in on_machine.calls()  # declined
    assert code == 1


def test_nothing_to_change_but_no_wsl_exe_is_exit_4(on_machine: Machine, tmp_path: Path) -> None:
    on_machine.config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\n")
    code, prompter, out = run_wizard([], wsl_exe=str(tmp_path / "no-such-wsl.exe"))
    assert code == ExitCode.WSL_FAILED
    assert prompter.asked == []
    assert "complies" not in out


def test_missing_wsl_exe_still_offers_the_config_and_exits_4(on_machine: Machine, tmp_path: Path) -> None:
    code, prompter, out = run_wizard([None, None, None, None], wsl_exe=str(tmp_path / "no-such-wsl.exe"))
    assert code == ExitCode.WSL_FAILED
    assert prompter.asked == [Q_VIRTIOFS, Q_MEMORY, Q_MEMORY_SIZE, Q_WRITE]  # no update, no restart
    assert on_machine.config.read_bytes() == ENTERED
    assert "the .wslconfig WAS written" in out


def test_ctrl_c_in_the_scripted_wizard(on_machine: Machine, capsys: pytest.CaptureFixture[str]) -> None:
    code, _prompter, _out = run_wizard([None, None, None, KeyboardInterrupt])
    assert code == 130
    assert on_machine.untouched()
    assert INTERRUPTED in capsys.readouterr().err


def test_off_windows_without_a_profile_setup_uses_the_demo_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WSLCONFIG_ASSISTANT_PROFILE", raising=False)
    monkeypatch.delenv("WSLCONFIG_ASSISTANT_WSL_EXE", raising=False)
    monkeypatch.setattr("wslconfig_assistant.cli.commands.setup._no_windows_profile", lambda: True)
    monkeypatch.setenv("WSLCONFIG_ASSISTANT_WSL_INSTALL_DIR", cli_env()["WSLCONFIG_ASSISTANT_WSL_INSTALL_DIR"])
    monkeypatch.setenv("PYTHONPATH", cli_env()["PYTHONPATH"])
    code, prompter, out = run_wizard([None] * 6)
    assert code == 0, out
    assert out.startswith("No Windows here")
    assert prompter.asked == PROMPTS
    assert "WSLCONFIG_ASSISTANT_PROFILE" not in os.environ  # the sandbox is gone, and its settings


def test_console_errors_become_exit_2_pointing_to_apply() -> None:
    class NoConsoleScreenBufferError(Exception):  # prompt_toolkit's, which Linux cannot import
        pass

    for error in (EOFError(), OSError("not a console"), NoConsoleScreenBufferError("No Windows console found")):
        with pytest.raises(NoTerminalError) as caught, _console_errors():
            raise error
        assert caught.value.exit_code == 2
        assert caught.value.fix is not None
        assert "apply" in caught.value.fix
    with pytest.raises(KeyboardInterrupt), _console_errors():
        raise KeyboardInterrupt


def test_setup_refuses_json() -> None:
    from wslconfig_assistant.core.errors import UsageError

    with pytest.raises(UsageError, match="no JSON"):
        run_wizard([], json_mode=True)


@pytest.mark.parametrize("text", [
    "short",
    "  backup   C:\\Users\\somebody.with.a.long.name\\.wslconfig-assistant-backups\\"
    "20261125T183813.037880Z-aa.wslconfig",
    "x" * 200,
    "  warning: " + "word " * 40,
])
def test_fit_keeps_every_line_within_80_columns(text: str) -> None:
    lines = fit(text)
    assert all(len(line) <= 80 for line in lines), lines
    assert "".join(part.strip() for part in lines).replace(" ", "") == text.strip().replace(" ", "")


def test_fit_counts_terminal_columns() -> None:
    wide = "  File: C:\\Users\\" + "山田太郎" * 10 + "\\.wslconfig"  # each CJK character is two columns
    lines = fit(wide)
    assert "".join(line.strip() for line in lines) == wide.replace(" ", "")
    assert all(sum(2 if "\u4e00" <= ch <= "\u9fff" else 1 for ch in line) <= 80 for line in lines), lines
    assert fit("+\tkey=1") == ["+       key=1"]  # a TAB in a diff line, expanded as the terminal would
    assert fit("+name=\x1b[2J") == ["+name=\\x1b[2J"]  # a file's escape codes never reach the terminal


# -- helpers --------------------------------------------------------------------------------------

_SEQUENCE = re.compile(r"\x1b(?:\[([0-9;?]*)[ -/]*([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78DEM])|(.)",
                       re.DOTALL)


def colours(raw: str) -> list[str]:
    """The SGR sequences that set a colour (30-49, 90-107): bold and reset are no colour."""
    found = []
    for m in re.finditer(r"\x1b\[([0-9;]*)m", raw):
        params = [int(p) for p in m.group(1).split(";") if p]
        if any(30 <= p <= 49 or 90 <= p <= 107 for p in params):
            found.append(m.group(0))
    return found


def widest_line(raw: str) -> tuple[int, str]:
    """The widest column anything was printed in, replaying the stream as a terminal would:
    escapes print nothing, CR and cursor motions move the column. With the line it happened on."""
    column = widest = 0
    line = worst = ""
    for m in _SEQUENCE.finditer(raw):
        params, final, char = m.group(1), m.group(2), m.group(3)
        if char is None:
            n = int((params or "1").split(";")[0].lstrip("?") or 1) if final else 0
            if final == "C":
                column += n
            elif final == "D":
                column = max(column - n, 0)
            elif final == "G":
                column = n - 1
            elif final in ("H", "f"):
                column = int((params or "1;1").split(";")[-1] or 1) - 1
            continue
        if char == "\r":
            column = 0
        elif char == "\n":
            line = ""
        elif char == "\b":
            column = max(column - 1, 0)
        elif char.isprintable():
            column += 1
            line += char
            if column > widest:
                widest, worst = column, line
    return widest, worst
