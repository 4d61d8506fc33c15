"""`apply` end to end: real processes, the shipped wsl.exe simulator, every update outcome it
can produce, and the call budget (counted in the simulator's state file).

The simulator's state lives outside the simulated profile (WSLCONFIG_ASSISTANT_SIM_STATE), so
that a hash of the profile folder sees only what apply itself does to it.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import CliResult, cli_env, parse_json_doc, run_cli, run_in_pty, simulator_exe, tree_digest

from wslconfig_assistant.wsl.update_runner import SHUTDOWN_WARNING

posix_only = pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal (pty) is POSIX-only")

VERSION = ["--version"]
UPDATE_PRE = ["--update", "--pre-release"]
SHUTDOWN = ["--shutdown"]
LIST = ["--list", "--verbose"]  # whether the VM runs, without starting it
GUEST = ["--distribution", "Ubuntu", "--exec", "cat", "/proc/uptime", "/proc/sys/kernel/osrelease"]
OLD_CONFIG = "[wsl2]\r\nmemory=1GB   # keep it small\r\nprocessors=4\r\n"
NEWEST = "2.9.4.0"


def _sim_exe(tmp_path: Path) -> str:
    return shutil.which("wslconfig-assistant-wsl-sim") or simulator_exe(tmp_path, name="wsl-sim")


class Machine:
    """A simulated Windows profile plus a simulated wsl.exe, and ways to run apply on them."""

    def __init__(self, tmp_path: Path) -> None:
        self.profile = tmp_path / "Users" / "me"
        self.profile.mkdir(parents=True)
        self.config = self.profile / ".wslconfig"
        self.state = tmp_path / "sim-state.json"
        self.exe = _sim_exe(tmp_path)
        self.tmp = tmp_path

    def env(self) -> dict[str, str]:
        return {
            "WSLCONFIG_ASSISTANT_PROFILE": str(self.profile),
            "WSLCONFIG_ASSISTANT_WSL_EXE": self.exe,
            "WSLCONFIG_ASSISTANT_SIM_STATE": str(self.state),
        }

    def sim(self, **fields: Any) -> None:
        self.state.write_text(json.dumps(fields), encoding="utf-8")

    def sim_state(self) -> dict[str, Any]:
        if not self.state.exists():
            return {"calls": []}
        data: dict[str, Any] = json.loads(self.state.read_text(encoding="utf-8"))
        return data

    def calls(self) -> list[list[str]]:
        calls: list[list[str]] = self.sim_state()["calls"]
        return calls

    def reset_calls(self) -> None:
        state = self.sim_state()
        state["calls"] = []
        self.state.write_text(json.dumps(state), encoding="utf-8")

    def write(self, text: str | bytes) -> None:
        self.config.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))

    def run(self, *args: object) -> CliResult:
        return run_cli(*args, env=self.env())

    def apply(self, *args: object) -> tuple[CliResult, dict[str, Any]]:
        result = self.run("apply", "--json", *args)
        return result, parse_json_doc(result)

    def backups(self) -> list[Path]:
        folder = self.profile / ".wslconfig-assistant-backups"
        return sorted(folder.glob("*.wslconfig")) if folder.exists() else []


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    return Machine(tmp_path)


def codes(doc: dict[str, Any]) -> set[str]:
    return {f["code"] for f in doc["findings"]}


def changed_keys(doc: dict[str, Any]) -> list[str]:
    return [c["key"] for c in doc["changes"]]


# -- the whole flow -------------------------------------------------------------------------

def test_fresh_machine_without_a_config(machine: Machine) -> None:
    result, doc = machine.apply()
    assert result.returncode == 0, result.stderr
    assert doc["command"] == "apply"
    assert changed_keys(doc) == ["wsl2.virtiofs"]  # 16GB host: half is plenty, memory stays unset
    assert doc["changes"][0]["action"] == "add"
    assert "+virtiofs=true" in doc["changes"][0]["diff"]
    assert doc["written"] is True
    assert doc["backup"] is None  # there was no file to back up
    assert machine.config.read_bytes() == b"[wsl2]\r\nvirtiofs=true\r\n"
    assert doc["update"]["kind"] == "updated"
    assert (doc["update"]["before"], doc["update"]["after"]) == ("2.7.3.0", NEWEST)
    assert all(doc["versions"][gate]["ok"] for gate in ("kernel", "devicehost"))
    # WSL was not running (nor started by apply): it reads the new file when it next starts.
    assert codes(doc) - {"known-issue"} == set()
    assert doc["restart"]["pending"] is False
    assert doc["restart"]["vm_running"] is False
    assert machine.calls() == [VERSION, UPDATE_PRE, VERSION, LIST]


def test_versions_already_comply_still_updates_and_says_already_newest(machine: Machine) -> None:
    """The update runs by default also when the versions comply (newer releases carry virtiofs fixes
    past the minimums); "already the newest" is reported as such, in JSON and in words."""
    machine.sim(wsl_version=NEWEST)
    machine.write("[wsl2]\nvirtiofs=true\n")
    result, doc = machine.apply()
    assert result.returncode == 0
    assert doc["changes"] == []
    assert doc["update"]["kind"] == "already-latest"
    assert doc["update"]["ok"] is True
    assert (doc["update"]["before"], doc["update"]["after"]) == (NEWEST, NEWEST)
    assert doc["plan"]["update"] | {"reasons": []} == {
        "needed": False, "reasons": [], "command": "wsl --update --pre-release", "run": "always", "runs": True,
        "skipped": False}
    assert {f["code"] for f in doc["findings"]} <= {"known-issue"}  # 2.9.4's known bugs are warnings
    assert machine.calls() == [VERSION, UPDATE_PRE, VERSION, LIST]
    human = machine.run("apply")
    assert "update: the most recent version of WSL is already installed" in human.stdout
    assert f"WSL      {NEWEST}: already the newest release" in human.stdout


@pytest.mark.parametrize(("how", "run"), [(["--no-update"], "never"), (["--policy", "when-behind"], "when-behind"),
                                          (["--policy", "never"], "never")])
def test_no_update_or_the_policy_skips_an_update_the_versions_do_not_need(
        machine: Machine, tmp_path: Path, how: list[str], run: str) -> None:
    if how[0] == "--policy":
        policy = tmp_path / "p.toml"
        policy.write_text(f'[update]\nrun = "{how[1]}"\n', encoding="utf-8")
        how = ["--policy", str(policy)]
    machine.sim(wsl_version=NEWEST)
    machine.write("[wsl2]\nvirtiofs=true\n")
    result, doc = machine.apply(*how)
    assert result.returncode == 0
    assert doc["update"] is None
    assert doc["plan"]["update"]["run"] == run
    assert doc["plan"]["update"]["runs"] is False
    assert machine.calls() == [VERSION, LIST]


# Every way the simulator's `wsl --update` can end. The config edits happen first and stay.
OUTCOMES = [
    # (state fields, update kind, exit code, wsl.exe calls)
    ({}, "updated", 0, [VERSION, UPDATE_PRE, VERSION, LIST]),
    ({"reboot_required": True}, "reboot-required", 0, [VERSION, UPDATE_PRE, VERSION, LIST]),
    ({"update_applies": False}, "not-applied", 1, [VERSION, UPDATE_PRE, VERSION, LIST]),
    ({"update_failure": "elevation"}, "needs-elevation", 1, [VERSION, UPDATE_PRE, VERSION, LIST]),
    ({"update_failure": "elevation-1925"}, "needs-elevation", 1, [VERSION, UPDATE_PRE, VERSION, LIST]),
    ({"update_failure": "msi"}, "needs-elevation", 1, [VERSION, UPDATE_PRE, VERSION, LIST]),
    ({"update_failure": "network"}, "network", 1, [VERSION, UPDATE_PRE, VERSION, LIST]),
    ({"update_failure": "busy"}, "busy", 1, [VERSION, UPDATE_PRE, VERSION, LIST]),
    ({"update_failure": "garbage"}, "other", 1, [VERSION, UPDATE_PRE, VERSION, LIST]),
    ({"update_failure": "flood"}, "other", 1, [VERSION, UPDATE_PRE, VERSION, LIST]),  # megabytes, kept bounded
]


@pytest.mark.parametrize(("state", "kind", "exit_code", "calls"), OUTCOMES,
                         ids=[o[1] + "-" + "-".join(map(str, o[0].values())) for o in OUTCOMES])
def test_every_update_outcome(machine: Machine, state: dict[str, Any], kind: str, exit_code: int,
                              calls: list[list[str]]) -> None:
    machine.sim(**state)
    machine.write(OLD_CONFIG)
    result, doc = machine.apply()
    assert result.returncode == exit_code, result.stderr
    assert doc["update"]["kind"] == kind
    assert doc["update"]["ok"] is (exit_code == 0)
    assert machine.calls() == calls
    # The config edits were made before the update and are kept whatever it did.
    assert changed_keys(doc) == ["wsl2.virtiofs", "wsl2.memory"]
    assert doc["written"] is True
    assert machine.config.read_bytes() == (
        b"[wsl2]\r\nmemory=8GB   # keep it small\r\nprocessors=4\r\nvirtiofs=true\r\n")
    assert len(machine.backups()) == 1
    assert machine.backups()[0].read_bytes() == OLD_CONFIG.encode()
    assert doc["backup"] == str(machine.backups()[0])
    assert {"virtiofs-disabled", "memory-too-low"}.isdisjoint(codes(doc))
    if exit_code == 0:
        assert doc["versions"]["kernel"]["ok"] is True
        assert "shutdown-required" not in codes(doc)  # the VM was not running
    else:
        assert {"kernel-too-old", "devicehost-too-old"} <= codes(doc)
        assert doc["update"]["fix"] in doc["next_steps"]
    if kind == "reboot-required":
        assert any("restart Windows" in step for step in doc["next_steps"])


def test_update_that_hangs_is_stopped_and_exits_4(machine: Machine) -> None:
    machine.sim(update_failure="hang")
    machine.write(OLD_CONFIG)
    start = time.monotonic()
    result, doc = machine.apply("--update-timeout", "1")
    assert time.monotonic() - start < 20
    assert result.returncode == 4  # the contract's "wsl.exe ... timed out"
    # An update ran, so `update` says how it ended (docs/reference.md: null only when none ran).
    assert doc["update"]["kind"] == "timed-out"
    assert doc["update"]["ok"] is False
    assert isinstance(doc["update"]["before"], str)
    assert doc["update"]["after"] is None
    assert "did not finish within 1 s" in doc["update"]["message"]
    assert "did not finish within 1 s" in doc["error"]["message"]
    assert doc["versions"] is None or all(g["ok"] is not True for n, g in doc["versions"].items() if n != "wsl")
    assert doc["error"]["config_written"] is True  # and says so
    assert machine.config.read_bytes().endswith(b"virtiofs=true\r\n")
    # The update was called: the product's own report says which command it stopped. Whether the simulator
    # got as far as recording the call within the second is the runner's speed, not the product's (12.13).
    assert "--update --pre-release did not finish within 1 s" in doc["update"]["message"]
    assert machine.calls() in ([VERSION], [VERSION, UPDATE_PRE])


def test_update_hang_human_output_says_the_config_was_written(machine: Machine) -> None:
    machine.sim(update_failure="hang")
    machine.write(OLD_CONFIG)
    result = machine.run("apply", "--update-timeout", "0.5")
    assert result.returncode == 4
    assert "the config edits WERE written" in result.stdout


def test_stable_channel_already_latest_but_too_old(machine: Machine, tmp_path: Path) -> None:
    """The policy's channel is used; "latest" on that channel can still be too old (exit 1)."""
    policy = tmp_path / "policy.toml"
    policy.write_text('[update]\nchannel = "stable"\n', encoding="utf-8")
    machine.sim(stable_release="2.7.3.0")
    machine.write("[wsl2]\nvirtiofs=true\n")
    result, doc = machine.apply("--policy", policy)
    assert result.returncode == 1
    assert doc["update"]["kind"] == "already-latest"
    assert doc["plan"]["update"]["command"] == "wsl --update"
    assert machine.calls() == [VERSION, ["--update"], VERSION, LIST]
    assert "kernel-too-old" in codes(doc)
    assert any('channel = "pre-release"' in step for step in doc["next_steps"])


def test_stable_channel_is_told_before_the_update_that_it_cannot_reach_the_fast_path(
        machine: Machine, tmp_path: Path) -> None:
    """14.5: the stable channel carries only WSL 2.7.x, which has no swiotlb code: said before the
    update (text), as a finding (JSON, dry run too), with the policy change that fixes it."""
    policy = tmp_path / "stable.toml"
    policy.write_text('[update]\nchannel = "stable"\n', encoding="utf-8")
    machine.sim(stable_release="2.7.11.0")
    machine.write("[wsl2]\nvirtiofs=true\n")
    result = machine.run("apply", "--policy", policy)
    out = result.stdout
    assert result.returncode == 1
    said, updating = out.index('update channel is "stable"'), out.index("updating WSL: wsl --update")
    assert said < updating
    assert "has no swiotlb code" in out[:updating]
    assert f'fix:set[update]channel="pre-release"in{policy}' in "".join(out[:updating].split())  # wrapped
    machine.reset_calls()
    _dry, doc = machine.apply("--dry-run", "--policy", policy)
    [finding] = [f for f in doc["findings"] if f["code"] == "stable-channel"]
    assert finding["severity"] == "warning"
    assert str(policy) in finding["fix"]
    assert ["--update"] not in machine.calls()
    # On the pre-release channel, or once the versions comply, there is nothing to say.
    assert "stable-channel" not in codes(machine.apply("--dry-run")[1])
    machine.sim(wsl_version=NEWEST)
    assert "stable-channel" not in codes(machine.apply("--dry-run", "--policy", policy)[1])


def test_wsl_exe_missing_after_the_edits_exits_4_and_says_they_were_written(machine: Machine) -> None:
    machine.write(OLD_CONFIG)
    result = machine.run("apply", "--json", "--wsl-exe", str(machine.tmp / "no-such-wsl.exe"))
    doc = parse_json_doc(result)
    assert result.returncode == 4
    assert doc["error"]["config_written"] is True
    assert doc["written"] is True
    assert machine.config.read_bytes().endswith(b"virtiofs=true\r\n")
    assert doc["versions"] is None


def test_inbox_wsl_exe_exits_4_after_the_edits(machine: Machine) -> None:
    machine.sim(inbox=True)
    machine.write(OLD_CONFIG)
    result, doc = machine.apply()
    assert result.returncode == 4
    assert "inbox" in doc["error"]["message"]
    assert doc["error"]["config_written"] is True
    assert machine.calls() == [VERSION]


# -- idempotence, dry run, options ------------------------------------------------------------

def test_second_run_changes_nothing(machine: Machine) -> None:
    machine.write(OLD_CONFIG)
    first, _ = machine.apply()
    assert first.returncode == 0
    written = machine.config.read_bytes()
    stat = machine.config.stat()
    backups = machine.backups()
    machine.reset_calls()
    time.sleep(0.02)  # an mtime a rewrite would change
    second, doc = machine.apply()
    assert second.returncode == 0
    assert doc["changes"] == []
    assert doc["written"] is False
    assert doc["backup"] is None
    assert doc["update"]["kind"] == "already-latest"  # the update runs again, and says so
    assert machine.config.read_bytes() == written
    assert machine.config.stat().st_mtime_ns == stat.st_mtime_ns
    assert machine.config.stat().st_ino == stat.st_ino  # not even replaced by the same bytes
    assert machine.backups() == backups
    assert machine.calls() == [VERSION, UPDATE_PRE, VERSION, LIST]
    assert "shutdown-required" not in codes(doc)


def test_dry_run_touches_nothing(machine: Machine) -> None:
    machine.write(OLD_CONFIG)
    before = tree_digest(machine.profile)
    result, doc = machine.apply("--dry-run")
    assert tree_digest(machine.profile) == before
    assert result.returncode == 1  # the machine does not comply (yet)
    assert doc["dry_run"] is True
    assert doc["written"] is False
    assert doc["backup"] is None
    assert doc["update"] is None
    assert changed_keys(doc) == ["wsl2.virtiofs", "wsl2.memory"]
    assert "-memory=1GB   # keep it small" in doc["diff"]
    assert "+memory=8GB   # keep it small" in doc["diff"]
    assert doc["plan"]["update"]["needed"] is True
    assert doc["plan"]["update"]["command"] == "wsl --update --pre-release"
    assert machine.calls() == [VERSION, LIST]  # reading the versions and whether WSL runs is all it does
    # And in words, still without touching anything.
    human = machine.run("apply", "--dry-run", "--shutdown")
    assert tree_digest(machine.profile) == before
    assert "+virtiofs=true" in human.stdout
    assert "update WSL: wsl --update --pre-release" in human.stdout
    assert "nothing was changed" in human.stdout
    assert SHUTDOWN not in machine.calls()


def test_dry_run_on_a_missing_file_creates_nothing(machine: Machine) -> None:
    before = tree_digest(machine.profile)
    result, doc = machine.apply("--dry-run")
    assert result.returncode == 1
    assert tree_digest(machine.profile) == before
    assert not machine.config.exists()
    assert changed_keys(doc) == ["wsl2.virtiofs"]


def test_no_update(machine: Machine) -> None:
    machine.write(OLD_CONFIG)
    result, doc = machine.apply("--no-update")
    assert result.returncode == 1  # the versions are still too old
    assert machine.calls() == [VERSION, LIST]
    assert doc["update"] is None
    assert doc["plan"]["update"] == {"needed": True, "reasons": doc["plan"]["update"]["reasons"],
                                     "command": "wsl --update --pre-release", "run": "never", "runs": False,
                                     "skipped": True}
    assert doc["written"] is True
    assert {"kernel-too-old", "devicehost-too-old"} <= codes(doc)


@pytest.mark.parametrize("size", ["1GB", "512MB", "8gb", "lots"])
def test_memory_not_above_the_floor_or_not_a_size_exits_2(machine: Machine, size: str) -> None:
    machine.write(OLD_CONFIG)
    before = tree_digest(machine.profile)
    result = machine.run("apply", "--memory", size)
    assert result.returncode == 2
    assert "--memory" in result.stderr
    assert tree_digest(machine.profile) == before
    assert machine.calls() == []  # refused before wsl.exe ran


def test_memory_option_is_used(machine: Machine) -> None:
    machine.sim(wsl_version=NEWEST)
    machine.write(OLD_CONFIG)
    result, doc = machine.apply("--memory", "6GB")
    assert result.returncode == 0
    assert b"memory=6GB   # keep it small" in machine.config.read_bytes()
    assert [c["reason"] for c in doc["changes"] if c["key"] == "wsl2.memory"] == ["--memory 6GB"]


@pytest.mark.parametrize(("item", "said"), [
    ("wsl2.memory=8gb", "did you mean 8GB?"),
    ("wsl2.networkingMode", "write KEY=VALUE"),
    ("wsl2.nosuchkey=1", "WSL does not read a key named wsl2.nosuchkey"),
    ("wsl2.virtiofs=false", "turns virtiofs off"),
    ("wsl2.processors=four", "wsl2.processors"),
])
def test_bad_set_exits_2_and_writes_nothing(machine: Machine, item: str, said: str) -> None:
    machine.write(OLD_CONFIG)
    before = tree_digest(machine.profile)
    result = machine.run("apply", "--set", "wsl2.swap=0", "--set", item)
    assert result.returncode == 2
    assert said in result.stderr
    assert tree_digest(machine.profile) == before
    assert machine.calls() == []


def test_set_values_are_applied_in_the_one_write(machine: Machine) -> None:
    machine.sim(wsl_version=NEWEST)
    machine.write(OLD_CONFIG)
    result, doc = machine.apply("--set", "wsl2.networkingMode=mirrored", "--set", "experimental.sparseVhd=1")
    assert result.returncode == 0
    assert changed_keys(doc) == ["wsl2.virtiofs", "wsl2.memory", "wsl2.networkingMode", "experimental.sparseVhd"]
    text = machine.config.read_bytes().decode("utf-8")
    assert "networkingMode=Mirrored\r\n" in text
    assert text.endswith("[experimental]\r\nsparseVhd=true\r\n")
    assert len(machine.backups()) == 1  # one write for all four edits


def test_shutdown_runs_once_after_a_warning(machine: Machine) -> None:
    machine.write(OLD_CONFIG)
    result = machine.run("apply", "--shutdown")
    assert result.returncode == 0, result.stderr
    assert SHUTDOWN_WARNING in result.stdout
    assert machine.calls() == [VERSION, UPDATE_PRE, VERSION, LIST, SHUTDOWN]
    assert "restart WSL so" not in result.stdout  # nothing left to do
    # Nothing changed on the next run, and no restart is pending: WSL is not stopped again for nothing.
    machine.reset_calls()
    again, doc = machine.apply("--shutdown")
    assert again.returncode == 0
    assert doc["shutdown"] == {"requested": True, "done": False}
    assert machine.calls() == [VERSION, UPDATE_PRE, VERSION, LIST]


def test_shutdown_in_json_mode(machine: Machine) -> None:
    machine.sim(wsl_version=NEWEST)
    machine.write(OLD_CONFIG)
    result, doc = machine.apply("--shutdown")
    assert result.returncode == 0
    assert doc["shutdown"] == {"requested": True, "done": True}
    assert SHUTDOWN_WARNING in result.stderr  # people's text goes to stderr with --json
    assert "shutdown-required" not in codes(doc)
    assert machine.calls() == [VERSION, UPDATE_PRE, VERSION, LIST, SHUTDOWN]


def test_utf16be_config_is_repaired_then_edited_in_one_write(machine: Machine) -> None:
    # Today's apply repairs what WSL cannot read (it refused with exit 3 before, issue 11.5).
    broken = "\ufeff[wsl2]\r\nmemory=1GB\r\n".encode("utf-16-be")
    machine.write(broken)
    machine.sim(wsl_version="2.9.4.0")
    result = machine.run("apply", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    doc = json.loads(result.stdout)
    assert [c["action"] for c in doc["changes"]] == ["repair", "add", "set"]
    assert machine.config.read_bytes() == b"[wsl2]\r\nmemory=8GB\r\nvirtiofs=true\r\n"
    [backup] = (machine.profile / ".wslconfig-assistant-backups").iterdir()
    assert backup.read_bytes() == broken


# -- policy files -------------------------------------------------------------------------------

POLICY = """\
[memory]
floor = "4GB"
[versions]
min_kernel = "6.18.26.3-1"
[require]
"wsl2.networkingMode" = "mirrored"
wsl2.dnsTunneling = true
"""


def test_policy_requirements_are_applied(machine: Machine, tmp_path: Path) -> None:
    policy = tmp_path / "team.toml"
    policy.write_text(POLICY, encoding="utf-8")
    machine.sim(wsl_version=NEWEST)
    machine.write("[wsl2]\nmemory=4GB\nnetworkingMode=Nat\n")
    check = machine.run("validate", "--json", "--policy", policy)
    assert check.returncode == 1
    required = [f for f in parse_json_doc(check)["findings"] if f["code"] == "required-key"]
    assert [f["fix"] for f in required] == ["wslconfig-assistant set wsl2.dnsTunneling true",
                                            "wslconfig-assistant set wsl2.networkingMode mirrored"]
    result, doc = machine.apply("--policy", policy)
    assert result.returncode == 0, result.stderr
    assert changed_keys(doc) == ["wsl2.virtiofs", "wsl2.memory", "wsl2.networkingMode", "wsl2.dnsTunneling"]
    assert machine.config.read_bytes().decode("utf-8") == (
        "[wsl2]\nmemory=8GB\nnetworkingMode=Mirrored\nvirtiofs=true\ndnsTunneling=true\n")
    assert machine.run("validate", "--policy", policy).returncode == 0


@pytest.mark.parametrize(("policy_text", "said"), [
    ("[memory]\nfloor = 2GB\n", "not valid TOML"),
    ("[memroy]\nfloor = \"2GB\"\n", "[memroy]"),
    ("[memory]\nfloor = true\n", "[memory] floor"),
    ("[require]\n\"wsl2.nosuch\" = 1\n", "wsl2.nosuch"),
    ("[require]\n\"wsl2.networkingMode\" = \"fast\"\n", "wsl2.networkingMode"),
])
def test_policy_errors_exit_2_naming_the_file_and_key(machine: Machine, tmp_path: Path, policy_text: str,
                                                      said: str) -> None:
    policy = tmp_path / "bad.toml"
    policy.write_text(policy_text, encoding="utf-8")
    machine.write(OLD_CONFIG)
    before = tree_digest(machine.profile)
    result = machine.run("apply", "--policy", policy)
    assert result.returncode == 2
    assert str(policy) in result.stderr
    assert said in result.stderr
    assert "fix:" in result.stderr
    assert tree_digest(machine.profile) == before
    assert machine.calls() == []


# -- for people -------------------------------------------------------------------------------

def test_human_summary(machine: Machine) -> None:
    machine.write(OLD_CONFIG)
    result = machine.run("apply")
    assert result.returncode == 0
    out = result.stdout
    assert "+virtiofs=true" in out
    assert "update: WSL was updated from 2.7.3.0 to 2.9.4.0" in out
    assert "Summary" in out
    assert "restart  no: no WSL 2 distro is running" in out  # the simulated VM is not running
    assert f"backup   {machine.backups()[0]}" in out
    assert "result   complies" in out
    ours = [line for line in out.splitlines()
            if str(machine.tmp) not in line and not line.startswith(("+", "-", " memory", " processors", "@@"))]
    assert all(len(line) <= 80 for line in ours), [line for line in ours if len(line) > 80]


@posix_only
def test_live_update_output_on_a_terminal_and_no_prompt(machine: Machine) -> None:
    """On a terminal wsl.exe's output is shown as it comes; stdin (a terminal too) is never read."""

    machine.write(OLD_CONFIG)
    code, printed = run_in_pty(["apply"], cli_env(machine.env()), timeout=30)
    assert code == 0
    shown = printed.decode("utf-8", "replace")
    assert "Checking for updates." in shown  # wsl.exe's own words, streamed
    assert "result   complies" in shown
