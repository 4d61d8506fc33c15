"""Messages that send the user the right way (issue 11.3): each names a step that works."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import WINDOWS, cli_env, run_cli, simulator_exe

OLD = "2.7.3.0"  # kernel and DeviceHost both too old


def _sim(tmp_path: Path, **state: object) -> tuple[str, dict[str, str]]:
    path = tmp_path / "sim.json"
    path.write_text(json.dumps({"wsl_version": OLD, **state}), encoding="utf-8")
    return simulator_exe(tmp_path), {"WSLCONFIG_ASSISTANT_SIM_STATE": str(path)}


def test_unknown_key_offers_allow_unknown_only_where_it_exists(config: Path) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=8GB\r\n")
    got = run_cli("--config", config, "get", "wsl2.memroy")
    assert got.returncode == 2
    assert "did you mean wsl2.memory?" in got.stderr
    assert "--allow-unknown" not in got.stderr
    applied = run_cli("--config", config, "apply", "--dry-run", "--no-update",
                      "--set", "wsl2.memroy=8GB")
    assert applied.returncode == 2
    assert "did you mean wsl2.memory?" in applied.stderr
    assert "--allow-unknown" not in applied.stderr
    written = run_cli("--config", config, "set", "wsl2.memroy", "8GB")
    assert written.returncode == 2
    assert "--allow-unknown" in written.stderr  # set has it, and says so


@pytest.mark.parametrize(("typed", "meant"), [("virtiofs", "wsl2.virtiofs"), ("SWIOTLB", "experimental.swiotlb")])
def test_a_bare_key_name_suggests_its_section(config: Path, typed: str, meant: str) -> None:
    result = run_cli("--config", config, "set", typed, "true")
    assert result.returncode == 2
    assert f"write the section too: {meant}" in result.stderr
    assert "not a key name" not in result.stderr


def test_a_folder_as_config_suggests_the_file_in_it_and_every_command_exits_3(tmp_path: Path) -> None:
    folder = tmp_path / "Users" / "me"
    folder.mkdir(parents=True)
    for args in (("show",), ("backups",), ("validate", "--offline"), ("set", "wsl2.memory", "8GB")):
        result = run_cli("--config", folder, *args)
        assert result.returncode == 3, (args, result.stdout, result.stderr)
        assert f"--config {folder / '.wslconfig'}" in result.stderr, result.stderr
        assert "move or rename" not in result.stderr


@pytest.mark.skipif(WINDOWS, reason="sends SIGINT to the process, as Ctrl-C does in a POSIX terminal")
def test_ctrl_c_during_the_update_says_what_was_written(config: Path, tmp_path: Path) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=8GB\r\n")
    before = config.read_bytes()
    sim, env = _sim(tmp_path, update_failure="hang")
    proc = subprocess.Popen([sys.executable, "-m", "wslconfig_assistant", "--config", str(config), "--wsl-exe", sim,
                             "apply"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            env=cli_env(env), text=True)
    try:
        deadline = time.monotonic() + 30
        while config.read_bytes() == before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert config.read_bytes() != before, "apply never wrote"
        calls: list[list[str]] = []
        while ["--update", "--pre-release"] not in calls and time.monotonic() < deadline:
            time.sleep(0.05)
            calls = json.loads(Path(env["WSLCONFIG_ASSISTANT_SIM_STATE"]).read_text(encoding="utf-8")).get("calls", [])
        time.sleep(0.3)  # the update hangs; the interrupt comes while apply waits for it
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "nothing was half-written" not in err
    assert f"{config} was written before the interrupt" in err
    assert f"undo: wslconfig-assistant --config {config} restore " in err
    assert b"virtiofs=true" in config.read_bytes()


@pytest.mark.parametrize("ci", [{"CI": "true"}, {"TF_BUILD": "True"}, {}])
def test_the_memory_fix_does_not_depend_on_the_machine_running_the_check(config: Path, ci: dict[str, str]) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=1GB\r\nvirtiofs=true\r\n")
    env = cli_env(ci)
    env.pop("WSLCONFIG_ASSISTANT_HOST_MEMORY")  # the agent's own RAM (/proc/meminfo here) is all there is
    result = subprocess.run([sys.executable, "-m", "wslconfig_assistant", "--config", str(config), "validate",
                             "--offline", "--json"], capture_output=True, text=True, env=env, check=False)
    [memory] = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "memory-too-low"]
    assert memory["fix"].endswith("set wsl2.memory 4GB")


def test_the_memory_fix_is_above_the_policy_floor(config: Path, tmp_path: Path) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=1GB\r\nvirtiofs=true\r\n")
    policy = tmp_path / "p.toml"
    policy.write_text('[memory]\nfloor = "8GB"\n', encoding="utf-8")
    result = run_cli("--config", config, "validate", "--offline", "--json", "--policy", policy,
                     env={"CI": "true", "WSLCONFIG_ASSISTANT_HOST_MEMORY": ""})
    [memory] = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "memory-too-low"]
    assert memory["fix"].endswith("set wsl2.memory 9GB")


def test_an_update_failure_is_told_in_words(config: Path, tmp_path: Path) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=8GB\r\nvirtiofs=true\r\n")
    sim, env = _sim(tmp_path, update_failure="elevation")
    result = run_cli("--config", config, "--wsl-exe", sim, "apply", env=env)
    assert result.returncode == 1, result.stderr
    assert "needs-elevation" not in result.stdout
    assert "the update needs an elevated terminal (Administrator): still 2.7.3.0" in result.stdout


def test_show_says_what_zero_means(config: Path) -> None:
    config.write_bytes(b"[wsl2]\r\nswap=0\r\nmemory=0\r\n")
    result = run_cli("--config", config, "show")
    assert "wsl2.swap   = 0  (0 = no swap file; line 2)" in result.stdout, result.stdout
    assert "wsl2.memory = 0  (0 = WSL's default: half the host's RAM; line 3)" in result.stdout
    assert "(default) = 0 bytes" not in result.stdout
    config.write_bytes(b"[wsl2]\r\nmemory=4GB\r\nswap=4096MB\r\n")
    result = run_cli("--config", config, "show")
    assert "wsl2.memory = 4GB  (4294967296 bytes; line 2)" in result.stdout, result.stdout
    assert "wsl2.swap   = 4096MB  (4GB = 4294967296 bytes; line 3)" in result.stdout


def test_a_rejected_virtiofs_value_is_not_called_unset(config: Path) -> None:
    config.write_bytes(b"[wsl2]\r\nvirtiofs=ture\r\nmemory=8GB\r\n")
    result = run_cli("--config", config, "validate", "--offline", "--json")
    by_code = {f["code"]: f for f in json.loads(result.stdout)["findings"]}
    disabled = by_code["virtiofs-disabled"]
    assert "not set" not in disabled["message"]
    assert disabled["message"].startswith("virtiofs=ture on line 2 is not a value WSL accepts")
    assert disabled["line"] == 2


def test_kernel_comes_before_devicehost_everywhere(config: Path, tmp_path: Path) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=8GB\r\nvirtiofs=true\r\n")
    sim, env = _sim(tmp_path)
    validate = run_cli("--config", config, "--wsl-exe", sim, "validate", env=env)
    versions = run_cli("--config", config, "--wsl-exe", sim, "versions", env=env)
    dsc = run_cli("--config", config, "--wsl-exe", sim, "dsc", "test", input="{}", env=env)
    for out in (validate.stdout, versions.stdout, dsc.stdout):
        assert 0 < out.index("kernel-too-old" if "kernel-too-old" in out else "kernel ") < out.index(
            "devicehost-too-old" if "devicehost-too-old" in out else "DeviceHost "), out


def test_the_utf16_refusal_says_it_once(config: Path) -> None:
    config.write_bytes("[wsl2]\r\nmemory=8GB\r\n".encode("utf-16-le"))
    result = run_cli("--config", config, "set", "wsl2.virtiofs", "true")
    assert result.returncode == 3
    assert result.stderr.count("UTF-16LE without BOM") == 1, result.stderr


def test_show_get_and_validate_agree_on_exit_codes(config: Path) -> None:
    config.write_bytes(b"[wsl2]\r\nvirtiofs=ture\r\nmemory=8GB\r\n")
    assert run_cli("--config", config, "show").returncode == 1  # WSL drops a line: an error
    assert run_cli("--config", config, "show", "--json").returncode == 1
    assert run_cli("--config", config, "get", "wsl2.virtiofs").returncode == 1
    assert run_cli("--config", config, "validate", "--offline").returncode == 1
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n;x=1\r\n")
    assert run_cli("--config", config, "show").returncode == 0  # a warning only
    assert run_cli("--config", config, "get", "wsl2.virtiofs").returncode == 0
    assert run_cli("--config", config, "validate", "--offline").returncode == 0


def test_no_text_output_names_line_zero(config: Path) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=1GB\r\n")
    for args in (("validate", "--offline"), ("show",)):
        result = run_cli("--config", config, *args)
        assert f"{config}:0" not in result.stdout
        assert f"{config}: error [virtiofs-disabled]" in result.stdout or args == ("show",)
