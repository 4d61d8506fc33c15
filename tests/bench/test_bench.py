"""`bench`: the guest script run for REAL in this machine's POSIX sh (and busybox sh when installed) on a
real temp folder standing in for the Windows drive; its output parsed; clean-up on failure, SIGINT, SIGTERM
and SIGKILL (then the host's clean-up script); the comparison; the command end to end through the simulator.
No timing assertions: only that figures exist and are positive."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import parse_json_doc, run_cli

from wslconfig_assistant.bench import figures, guest_script
from wslconfig_assistant.bench import history as benchhistory
from wslconfig_assistant.cli.commands import bench as bench_command

SHELLS = [["sh"]] + ([["busybox", "sh"]] if shutil.which("busybox") else [])
TOKEN = "0123456789abcdef"  # noqa: S105 - a run token, no secret


def run_script(shell: list[str], win: Path, native: Path, *, files: int = 50, mb: int = 2,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    argv = guest_script.guest_argv(files, mb, str(win), 30, token=TOKEN, native_parent=str(native))
    return subprocess.run([*shell, *argv[1:]], capture_output=True, text=True, timeout=120, check=False,
                          env=env)


def folders(tmp_path: Path) -> tuple[Path, Path]:
    win, native = tmp_path / "C" / "Temp", tmp_path / "native"
    win.mkdir(parents=True)
    native.mkdir()
    return win, native


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_the_guest_script_runs_for_real_and_leaves_nothing(shell: list[str], tmp_path: Path) -> None:
    win, native = folders(tmp_path)
    done = run_script(shell, win, native)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = figures.parse_output(done.stdout)
    assert result.complete
    assert result.windows_folder == str(win)
    assert set(result.phases) == {(w, p) for w in ("windows", "native") for p, _, _ in figures.PHASES}
    assert result.phases[("windows", "create")][0] == 50
    assert result.phases[("native", "write")][0] == 2 * 1024 * 1024
    assert all(elapsed > 0 for _, elapsed in result.phases.values())
    assert all(rate.windows and rate.native for rate in figures.rates(result))
    assert result.access.kind != "missing"  # the folder's own mount, found in the real /proc/mounts
    assert list(win.iterdir()) == []
    assert list(native.iterdir()) == []


def test_a_windows_path_becomes_the_automount_path(tmp_path: Path) -> None:
    script = guest_script.LINUX_PATH + '\nlinux_path "$1"'
    def convert(path: str) -> str:
        env = {"PATH": _path_without(tmp_path, "wslpath")}
        argv = [shutil.which("sh") or "/bin/sh", "-c", script, "sh", path]
        return subprocess.run(argv, capture_output=True, text=True, check=True, env=env).stdout.strip()
    assert convert("C:\\Users\\John Doe\\AppData\\Local\\Temp") == "/mnt/c/Users/John Doe/AppData/Local/Temp"
    assert convert("D:/scratch") == "/mnt/d/scratch"
    assert convert("/home/me") == "/home/me"


def _path_without(tmp_path: Path, *names: str, extra: dict[str, str] | None = None) -> str:
    """A PATH of links to the tools the script uses, minus ``names``, plus scripts in ``extra``."""
    tools = tmp_path / "tools"
    tools.mkdir(exist_ok=True)
    for tool in ("sh", "mktemp", "rm", "cat", "dd", "stat", "date", "cut", "tr", "uname", "printf"):
        found = shutil.which(tool)
        if tool not in names and found and not (tools / tool).exists():
            (tools / tool).symlink_to(found)
    for name, text in (extra or {}).items():
        (tools / name).write_text(text, encoding="utf-8")
        (tools / name).chmod(0o755)
    return str(tools)


def test_a_missing_tool_is_named_and_nothing_runs(tmp_path: Path) -> None:
    win, native = folders(tmp_path)
    done = run_script([shutil.which("sh") or "sh"], win, native, env={"PATH": _path_without(tmp_path, "dd")})
    assert done.returncode == 3
    with pytest.raises(figures.BenchError, match="lacks dd") as err:
        figures.parse_output(done.stdout)
    assert err.value.exit_code == 4
    assert list(win.iterdir()) == []


def test_a_date_without_nanoseconds_falls_back_to_proc_uptime(tmp_path: Path) -> None:
    # busybox date built without nanoseconds prints "%N" as it is.
    real = shutil.which("date")
    fake = f'#!/bin/sh\ncase "$*" in *%N*) echo "1733360000%N"; exit 0;; esac\nexec {real} "$@"\n'
    win, native = folders(tmp_path)
    done = run_script([shutil.which("sh") or "sh"], win, native,
                      env={"PATH": _path_without(tmp_path, "date", extra={"date": fake})})
    assert done.returncode == 0, done.stderr
    result = figures.parse_output(done.stdout)
    assert result.clock == "uptime"
    assert len(result.phases) == 12
    assert all(elapsed % 10_000_000 == 0 for _, elapsed in result.phases.values())  # hundredths of a second


def test_the_drive_not_mounted_is_exit_4_with_the_fix(tmp_path: Path) -> None:
    win, native = tmp_path / "no-such-drive", tmp_path / "native"
    native.mkdir()
    done = run_script(["sh"], win, native)
    assert done.returncode == 4
    with pytest.raises(figures.BenchError, match="not mounted") as err:
        figures.parse_output(done.stdout)
    assert "automount" in (err.value.fix or "")
    assert list(native.iterdir()) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_mid_run_leaves_nothing(sig: signal.Signals, tmp_path: Path) -> None:
    win, native = folders(tmp_path)
    argv = guest_script.guest_argv(20000, 1, str(win), 300, token=TOKEN, native_parent=str(native))
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(p.iterdir() for p in win.iterdir()):
        time.sleep(0.01)
    assert any(p.iterdir() for p in win.iterdir()), "the run never got to its small files"
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == (130 if sig == signal.SIGINT else 143)
    assert "BENCH done" not in out
    assert list(win.iterdir()) == []
    assert list(native.iterdir()) == []


def test_after_sigkill_the_hosts_clean_up_removes_this_runs_folders_only(tmp_path: Path) -> None:
    win, native = folders(tmp_path)
    other = win / f"{guest_script.FOLDER_PREFIX}ffffffffffffffff.abcdef"  # another run, at the same time
    other.mkdir()
    mine_look_alike = win / f"{guest_script.FOLDER_PREFIX}{TOKEN}-not-ours"
    mine_look_alike.mkdir()
    argv = guest_script.guest_argv(20000, 1, str(win), 300, token=TOKEN, native_parent=str(native))
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(list(win.iterdir())) < 3:
        time.sleep(0.01)
    proc.kill()  # no trap runs: this is what a killed wsl.exe can leave
    proc.wait(timeout=30)
    assert len(list(win.iterdir())) == 3
    subprocess.run(guest_script.cleanup_argv(str(win), TOKEN, str(native)), check=True, timeout=60)
    assert sorted(win.iterdir()) == sorted([other, mine_look_alike])
    assert list(native.iterdir()) == []


def test_the_clean_up_refuses_a_token_that_is_not_hex(tmp_path: Path) -> None:
    win, native = folders(tmp_path)
    (win / "keep").mkdir()
    done = subprocess.run(guest_script.cleanup_argv(str(win), "*", str(native)), check=False, timeout=60)
    assert done.returncode == 2
    assert (win / "keep").exists()


class _InterruptedWsl:
    """Ctrl-C during the measurement: the host must make one more call, the clean-up, with the same token."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def run(self, *args: str, timeout: float | None = None) -> Any:
        self.calls.append(args)
        if len(self.calls) == 1:
            raise KeyboardInterrupt
        return None


def test_ctrl_c_on_the_host_runs_the_clean_up_call() -> None:
    wsl = _InterruptedWsl()
    with pytest.raises(KeyboardInterrupt):
        bench_command.measure(wsl, "Debian", "C:\\Temp", files=10, megabytes=1, budget=5)  # type: ignore[arg-type]
    first, second = wsl.calls
    assert first[:2] == ("-d", "Debian")
    assert second[:2] == ("-d", "Debian")
    assert second[5] == guest_script.CLEANUP
    assert second[-3:-1] == ("C:\\Temp", first[-2])  # the same folder and token


def test_parsing_picks_the_mount_holding_the_folder_and_the_pool() -> None:
    text = "\n".join([
        "Welcome to Ubuntu",  # noise is skipped
        "BENCH clock ns", "BENCH windir /mnt/c/Users/me/AppData/Local/Temp", "BENCH kernel 6.18.26.3-microsoft",
        "BENCH swiotlb 0x7c000000 0x4000000",
        "BENCH mounts none / ext4 rw 0 0",
        "BENCH mounts C:\\134 /mnt/c virtiofs rw,noatime 0 0",
        "BENCH mounts D:\\134 /mnt/cd 9p rw 0 0",  # a prefix of the string, not of the path
        "BENCH phase windows create 1000 500000000", "BENCH phase native create 1000 100000000",
        "BENCH phase windows write 1048576 0",  # too fast for the clock: no rate, no division by zero
        "BENCH phase windows bogus 1 1", "BENCH phase windows read x 1",
        "BENCH budget-exceeded",
    ])
    result = figures.parse_output(text)
    assert result.access.kind == "virtiofs"
    assert result.pool.present
    assert not result.complete
    rates = {rate.phase: rate for rate in figures.rates(result)}
    assert rates["create"].windows == pytest.approx(2000)
    assert rates["create"].share == pytest.approx(0.2)
    assert rates["write"].windows is None
    assert rates["read"].windows is None
    assert figures.format_share(rates["write"].share) == "n/a"


def test_no_figures_at_all_is_an_error() -> None:
    with pytest.raises(figures.BenchError, match="no figures"):
        figures.parse_output("sh: 1: Syntax error\n")


def _run(transport: str, pool: bool, create: float, share: float, sha: str = "a") -> dict[str, Any]:
    return {"time": "2026-12-05T00:10:00+00:00", "transport": transport, "pool": pool, "config_sha256": sha,
            "simulated": False, "distro": None,
            "phases": {"create": {"unit": "ops/s", "windows": create, "native": create / share, "share": share}}}


def test_the_comparison_line() -> None:
    line = bench_command.comparison_line(_run("9p", False, 1850, 0.31), _run("virtiofs", True, 4900, 0.82))
    assert line == ("before (2026-12-05 00:10): 9p, small-file creates 1,850/s (31% of native); "
                    "now: virtiofs with its DMA pool, 4,900/s (82%): 2.6x faster")
    slower = bench_command.comparison_line(_run("virtiofs", True, 4000, 0.8), _run("virtiofs", False, 2000, 0.4))
    assert slower.endswith("now: virtiofs without its DMA pool, 2,000/s (40%): 2.0x slower")
    unknown = bench_command.comparison_line({"transport": "9p", "phases": "garbage"}, _run("virtiofs", True, 1, 1))
    assert "n/a" in unknown


def test_history_compares_with_the_last_other_setup_and_survives_garbage(tmp_path: Path) -> None:
    config = str(tmp_path / ".wslconfig")
    assert benchhistory.previous(config, _run("9p", False, 1, 1)) is None
    benchhistory.record(config, _run("9p", False, 1850, 0.31))
    benchhistory.record(config, _run("virtiofs", True, 4900, 0.82))
    now = _run("virtiofs", True, 5000, 0.83)
    found = benchhistory.previous(config, now)
    assert found is not None
    assert found["transport"] == "9p"  # the same setup is skipped
    changed_config = benchhistory.previous(config, _run("virtiofs", True, 1, 1, sha="b"))
    assert changed_config is not None
    assert changed_config["phases"]["create"]["windows"] == 4900
    path = benchhistory.history_path(config)
    path.write_bytes(b"{not json")
    assert benchhistory.previous(config, now) is None
    benchhistory.record(config, now)
    assert len(json.loads(path.read_text())["runs"]) == 1
    for _ in range(benchhistory.MAX_RUNS + 5):
        benchhistory.record(config, now)
    assert len(json.loads(path.read_text())["runs"]) == benchhistory.MAX_RUNS
    assert [p.name for p in path.parent.iterdir()] == [benchhistory.FILE_NAME]  # no temp or lock left


def test_bench_end_to_end_through_the_simulator(profile: Path, sim: str, config: Path) -> None:
    env = {"WSLCONFIG_ASSISTANT_PROFILE": str(profile), "WSLCONFIG_ASSISTANT_WSL_EXE": sim}
    (profile / ".wsl-sim.json").write_text(json.dumps({"wsl_version": "2.9.4.0"}), encoding="utf-8")
    config.write_bytes(b"[wsl2]\r\nmemory=8GB\r\n")
    before = run_cli("--config", config, "bench", env=env)
    assert before.returncode == 0, before.stderr
    assert "SIMULATED figures" in before.stdout
    assert "over 9p, no DMA pool" in before.stdout
    assert "before" not in before.stdout
    config.write_bytes(b"[wsl2]\r\nmemory=8GB\r\nvirtiofs=true\r\n")
    assert run_cli("--config", config, "--wsl-exe", sim, "apply", "--shutdown", "--no-update", env=env).returncode == 0
    after = run_cli("--config", config, "bench", "--json", env=env)
    assert after.returncode == 0, after.stderr
    doc = parse_json_doc(after)
    assert doc["bench"]["simulated"] is True
    assert doc["bench"]["transport"] == "virtiofs"
    assert doc["bench"]["pool"] is True
    assert doc["before"]["transport"] == "9p"
    assert doc["comparison"].endswith("2.6x faster")
    history = json.loads((profile / ".wslconfig-assistant-backups" / "bench-history.json").read_text())
    assert [run["transport"] for run in history["runs"]] == ["9p", "virtiofs"]
    assert history["runs"][1]["devicehost"]
    assert history["runs"][1]["config_sha256"]


def test_bench_options_are_bounded(profile: Path, sim: str, config: Path) -> None:
    env = {"WSLCONFIG_ASSISTANT_PROFILE": str(profile), "WSLCONFIG_ASSISTANT_WSL_EXE": sim}
    done = run_cli("--config", config, "bench", "--files", "5", env=env)
    assert done.returncode == 2
    assert "--files 5 is out of range" in done.stderr
    unknown = run_cli("--config", config, "bench", "--distro", "Nope", env=env)
    assert unknown.returncode == 4
    assert not (profile / ".wslconfig-assistant-backups" / "bench-history.json").exists()



def test_apply_never_benchmarks_and_demo_tells_the_story(profile: Path, sim: str, config: Path) -> None:
    env = {"WSLCONFIG_ASSISTANT_PROFILE": str(profile), "WSLCONFIG_ASSISTANT_WSL_EXE": sim}
    config.write_bytes(b"[wsl2]\r\nmemory=8GB\r\n")
    assert run_cli("--config", config, "apply", "--shutdown", env=env).returncode in (0, 1)
    calls = json.loads((profile / ".wsl-sim.json").read_text())["calls"]
    assert not any("sh" in call for call in calls)
    demo = run_cli("demo", "--non-interactive")
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.count("SIMULATED figures") == 2
    assert "over 9p, no DMA pool" in demo.stdout
    assert "now: virtiofs with its DMA pool, 16,400/s (82%): 2.6x faster" in demo.stdout
