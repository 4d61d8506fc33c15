"""A pending restart is one decision (restart.py), shared by verify, apply, setup and dsc, and it is
never forgotten: a later `apply --shutdown` or `dsc set` with shutdown restarts WSL when the VM still
runs on an older .wslconfig or kernel, and nothing starts a stopped VM just to find out.

Through real processes: the CLI against the shipped wsl.exe simulator, whose `--list --verbose`
speaks like the real one (UTF-16LE, untranslated table, translated messages).
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import cli_env, parse_json_doc, run_cli
from test_apply import GUEST, LIST, NEWEST, SHUTDOWN, UPDATE_PRE, VERSION, Machine

from wslconfig_assistant.wsl import restart

OLD_KERNEL = "6.6.114.1-microsoft-standard-WSL2"  # what WSL 2.7.3 runs


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    return Machine(tmp_path)


def boot_vm(machine: Machine) -> None:
    """Start the simulated VM on the file as it is now, as a person opening a distro would."""
    assert machine.run("versions").returncode in (0, 1)  # never starts it
    assert machine.sim_state().get("vm_running") is not True
    subprocess.run([machine.exe, "-e", "uname", "-r"], env=cli_env(machine.env()), capture_output=True, check=True)
    assert machine.sim_state()["vm_running"] is True
    time.sleep(0.05)  # the next write is after the boot, as it is in life
    machine.reset_calls()


def codes(doc: dict[str, Any]) -> set[str]:
    return {f["code"] for f in doc["findings"]}


# -- the flow the issue describes ---------------------------------------------------------------

def test_apply_then_apply_shutdown_restarts_the_vm_it_left_running(machine: Machine) -> None:
    machine.sim(wsl_version=NEWEST)
    machine.write("[wsl2]\r\nmemory=1GB\r\n")
    boot_vm(machine)
    first, doc = machine.apply()
    assert first.returncode == 0
    assert doc["restart"]["pending"] is True
    assert doc["restart"]["vm_running"] is True
    assert "shutdown-required" in codes(doc)
    assert any("wsl --shutdown" in step for step in doc["next_steps"])
    assert machine.sim_state()["vm_running"] is True  # nothing restarted it
    verify = machine.run("verify", "--json")
    assert [link["ok"] for link in parse_json_doc(verify)["chain"] if link["name"] == "restart"] == [False]
    # The provisioning script runs again, now with --shutdown: nothing is left to edit, but the VM
    # still runs on the old file, so this run restarts it.
    machine.reset_calls()
    second, doc = machine.apply("--shutdown")
    assert second.returncode == 0
    assert doc["changes"] == []
    assert doc["restart"]["pending"] is True
    assert doc["shutdown"] == {"requested": True, "done": True}
    assert "shutdown-required" not in codes(doc)
    assert machine.calls() == [VERSION, UPDATE_PRE, VERSION, LIST, GUEST, SHUTDOWN]
    assert machine.sim_state()["vm_running"] is False
    # In words too: the summary says the restart was done, and there is nothing left to do.
    assert verify.returncode == 1
    after = machine.run("verify", "--json")
    assert after.returncode == 0, after.stdout
    # And a third run finds nothing pending: the VM verify started runs the current file.
    machine.reset_calls()
    _third, doc = machine.apply("--shutdown")
    assert doc["restart"]["pending"] is False
    assert doc["shutdown"]["done"] is False
    assert SHUTDOWN not in machine.calls()


def test_apply_text_says_a_restart_is_pending_from_an_earlier_run(machine: Machine) -> None:
    machine.sim(wsl_version=NEWEST)
    machine.write("[wsl2]\r\nmemory=1GB\r\n")
    boot_vm(machine)
    assert machine.run("apply", "--no-update").returncode == 0
    again = machine.run("apply", "--no-update")
    assert again.returncode == 0
    assert "changed  nothing" in again.stdout
    assert "restart  yes: the .wslconfig changed after the WSL VM started" in again.stdout
    assert "to do    restart WSL so the earlier changes take effect: wsl --shutdown" in again.stdout
    dry = machine.run("apply", "--dry-run", "--no-update", "--shutdown", "--json")
    assert parse_json_doc(dry)["next_steps"] == ["run the same command without --dry-run"]
    assert parse_json_doc(dry)["restart"]["pending"] is True
    assert machine.sim_state()["vm_running"] is True  # the dry run restarted nothing


def test_a_vm_running_an_older_kernel_than_the_installed_one_is_pending(machine: Machine) -> None:
    """The inbox kernel update's case ("takes effect on the next full restart of WSL"): WSL 2.9.4 is
    installed, the VM still runs 2.7.3's kernel, the .wslconfig did not change since it booted."""
    machine.write("[wsl2]\r\nvirtiofs=true\r\n")
    changed = machine.config.stat().st_mtime
    booted = {"virtiofs": True, "memory": 8 << 30, "kernel": None, "swiotlb": 0, "wsl_version": "2.7.3.0",
              "booted_at": changed + 1}
    machine.sim(wsl_version=NEWEST, vm_running=True, running_kernel=OLD_KERNEL, booted_config=booted)
    result, doc = machine.apply("--no-update", "--shutdown")
    assert result.returncode == 0
    assert doc["restart"]["pending"] is True
    assert OLD_KERNEL in doc["restart"]["reason"]
    assert machine.calls() == [VERSION, LIST, GUEST, SHUTDOWN]


def test_a_stopped_vm_is_never_started_to_check(machine: Machine) -> None:
    machine.sim(wsl_version=NEWEST)
    machine.write("[wsl2]\r\nmemory=1GB\r\n")
    for args in (["apply", "--no-update"], ["apply", "--shutdown"], ["apply", "--dry-run"]):
        result = machine.run(*args, "--json")
        doc = parse_json_doc(result)
        assert doc["restart"]["vm_running"] is False
        assert doc["restart"]["pending"] is False
        assert machine.sim_state()["vm_running"] is False, args
    assert all(call[0] != "--distribution" and "-e" not in call for call in machine.calls())
    dsc = run_cli("dsc", "test", input=json.dumps({"shutdown": True}), env=machine.env())
    assert json.loads(dsc.stdout.splitlines()[0])["restartPending"] is False
    assert machine.sim_state()["vm_running"] is False


def test_dsc_set_twice_restarts_when_the_first_left_a_restart_pending(machine: Machine) -> None:
    machine.sim(wsl_version=NEWEST)
    machine.write("[wsl2]\r\nmemory=1GB\r\n")
    boot_vm(machine)
    first = run_cli("dsc", "set", input=json.dumps({"updateWsl": False}), env=machine.env())
    assert first.returncode == 0, first.stderr
    state = json.loads(first.stdout.splitlines()[0])
    assert state["restartPending"] is True
    tested = run_cli("dsc", "test", input=json.dumps({"updateWsl": False, "shutdown": True}), env=machine.env())
    current, out = (json.loads(line) for line in tested.stdout.splitlines())
    assert current["_inDesiredState"] is False
    assert out == ["restartPending"]
    machine.reset_calls()
    second = run_cli("dsc", "set", input=json.dumps({"updateWsl": False, "shutdown": True}), env=machine.env())
    assert second.returncode == 0, second.stderr
    state, changed = (json.loads(line) for line in second.stdout.splitlines())
    assert state["restartPending"] is False
    assert changed == ["restartPending"]
    assert SHUTDOWN in machine.calls()
    assert machine.sim_state()["vm_running"] is False


def test_setup_offers_the_pending_restart(machine: Machine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing to edit, the update declined: the wizard still offers the restart an earlier hand edit
    left pending, and does it."""
    import io

    from wslconfig_assistant.cli.commands.setup import Q_SHUTDOWN, Q_UPDATE, setup
    from wslconfig_assistant.cli.output import Console
    from wslconfig_assistant.cli.prompts import ScriptedPrompter

    for name, value in cli_env(machine.env()).items():
        monkeypatch.setenv(name, value)
    machine.sim(wsl_version=NEWEST)
    machine.write("[wsl2]\r\nvirtiofs=true\r\n")
    boot_vm(machine)
    machine.write("[wsl2]\r\nvirtiofs=true\r\nprocessors=4\r\n")  # a hand edit after the VM started
    prompter = ScriptedPrompter([False, True])  # no update; yes, restart
    out = io.StringIO()
    code = setup(console=Console(json_mode=False, no_color=True, stream=out), prompter=prompter,
                 config=str(machine.config), wsl_exe=None)
    assert prompter.asked == [Q_UPDATE, Q_SHUTDOWN]
    assert code == 0, out.getvalue()
    assert "restart pending: the .wslconfig changed after the WSL VM started" in out.getvalue()
    assert machine.sim_state()["vm_running"] is False
    assert SHUTDOWN in machine.calls()


# -- the parts ---------------------------------------------------------------------------------

def test_list_verbose_parser() -> None:
    text = ("  NAME              STATE           VERSION\r\n"
            "* Ubuntu-24.04      Running         2\r\n"
            "  docker-desktop    Stopped         2\r\n"
            "  Legacy            Running         1\r\n")
    assert restart.parse_distro_list(text) == [
        restart.Distro("Ubuntu-24.04", "Running", 2, True),
        restart.Distro("docker-desktop", "Stopped", 2, False),
        restart.Distro("Legacy", "Running", 1, False),
    ]
    assert restart.parse_distro_list("Windows Subsystem for Linux Distributions:\nUbuntu (Default)\n") is None
    assert restart.parse_distro_list("") is None


def test_only_a_running_wsl1_distro_means_no_vm(tmp_path: Path) -> None:
    class FakeWsl:
        def __init__(self) -> None:
            self.calls: list[tuple[str, ...]] = []

        def run(self, *args: str) -> Any:
            from wslconfig_assistant.wsl.wslexe import WslResult

            self.calls.append(args)
            out = "  NAME      STATE           VERSION\n* Legacy    Running         1\n"
            return WslResult(("wsl.exe", *args), 0, out, "", "utf-16-le", False, 0.0)

    fake = FakeWsl()
    vm = restart.observe_vm(fake)  # type: ignore[arg-type]
    assert vm.running is False
    assert fake.calls == [("--list", "--verbose")]  # nothing asked inside a WSL 1 distro


@pytest.mark.parametrize("language", ["en-US", "de-DE", "ja-JP", "zh-CN"])
def test_no_distro_registered_means_no_vm_in_any_language(machine: Machine, language: str) -> None:
    machine.sim(wsl_version=NEWEST, distros=[], language=language)
    machine.write("[wsl2]\r\nvirtiofs=true\r\n")
    result, doc = machine.apply("--no-update")
    assert result.returncode == 0
    assert doc["restart"]["vm_running"] is False
    assert doc["restart"]["pending"] is False


def test_decide_is_the_one_rule() -> None:
    from wslconfig_assistant.wsl.vmboot import BootWindow

    vm = restart.VmFacts(True, "up", "Ubuntu", boot=BootWindow(100.0, 100.0, 50.0, None, "uptime"),
                         running_kernel="6.18.35.2-microsoft-standard-WSL2")
    assert restart.decide(vm, changed_at=99.0, installed_kernel="6.18.35.2-1").state == "none"
    assert restart.decide(vm, changed_at=101.0, installed_kernel="6.18.35.2-1").state == "pending"
    assert restart.decide(vm, changed_at=99.0, installed_kernel="6.18.40.1-1").state == "pending"
    # A custom kernel: the installed package says nothing about what runs.
    assert restart.decide(vm, changed_at=99.0, installed_kernel="6.18.40.1-1", custom_kernel="C:\\k").state == "none"
    assert restart.decide(vm._replace(boot=None), changed_at=1.0, installed_kernel=None).state == "unknown"
    # After a host sleep the boot is a window: a change inside it cannot be ordered, and is not guessed.
    slept = vm._replace(boot=BootWindow(40.0, 100.0, 50.0, 60.0, "uptime and sleep"))
    assert restart.decide(slept, changed_at=70.0, installed_kernel="6.18.35.2-1").state == "unknown"
    assert restart.decide(slept, changed_at=39.0, installed_kernel="6.18.35.2-1").state == "none"
    assert restart.decide(slept, changed_at=101.0, installed_kernel="6.18.35.2-1").state == "pending"
    stopped = restart.VmFacts(False, "not running")
    assert restart.decide(stopped, changed_at=time.time(), installed_kernel="1").state == "none"
    assert restart.decide(restart.VmFacts(None, "?"), changed_at=None, installed_kernel=None).state == "unknown"


def test_list_verbose_in_utf16_as_an_inbox_wsl_exe_prints_it(machine: Machine) -> None:
    """A wsl.exe that ignores WSL_UTF8 answers `--list --verbose` in UTF-16LE: still read."""
    from conftest import simulator_exe

    utf16 = simulator_exe(machine.tmp, name="wsl-utf16", honour_wsl_utf8=False)
    raw = subprocess.run([utf16, "--list", "--verbose"], env=cli_env(machine.env()), capture_output=True,
                         check=True).stdout
    assert raw.startswith("  NAME".encode("utf-16-le"))
    assert raw.endswith("\r\n".encode("utf-16-le"))
    machine.sim(wsl_version=NEWEST)
    machine.write("[wsl2]\r\nmemory=1GB\r\n")
    boot_vm(machine)
    machine.exe = utf16
    result, doc = machine.apply("--no-update")
    assert result.returncode == 0
    assert doc["restart"]["vm_running"] is True
    assert doc["restart"]["pending"] is True
