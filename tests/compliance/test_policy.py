"""Policy files: reading (policy_toml.py), the required-key finding, --policy on the read-only
commands, and `policy init` (a commented template, updated style-preservingly)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO_ROOT, cli_env, parse_json_doc, run_cli

from wslconfig_assistant.cli.commands import policy_init
from wslconfig_assistant.compliance import policy_toml
from wslconfig_assistant.core.errors import UsageError
from wslconfig_assistant.core.policy import DEFAULT, GIB, Policy, Requirement


def write(tmp_path: Path, text: str, name: str = "policy.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- the default and the schema ---------------------------------------------------------------

def test_default_is_the_contracts() -> None:
    assert Policy(True, GIB, "6.18.26.3-1", "1.2.29-0", "pre-release", False) == DEFAULT
    assert DEFAULT.update_run == "always"  # apply updates also when the versions comply
    assert DEFAULT.required == ()
    assert DEFAULT.source is None


def test_empty_file_is_the_default(tmp_path: Path) -> None:
    path = write(tmp_path, "# nothing but a comment\n")
    assert policy_toml.load_policy(path) == DEFAULT._replace(source=path)


def test_every_setting(tmp_path: Path) -> None:
    path = write(tmp_path, """
[virtiofs]
require = false
[memory]
floor = "2GB"
[versions]
min_kernel = "6.18.35.1-1"
min_devicehost = "1.2.36-0"
[update]
channel = "stable"
run = "when-behind"
[require]
"wsl2.networkingMode" = "mirrored"
wsl2.processors = 4
[require.experimental]
sparseVhd = true
ignoredPorts = [3000, 8080]
""")
    policy = policy_toml.load_policy(path)
    assert policy._replace(required=()) == Policy(False, 2 * GIB, "6.18.35.1-1", "1.2.36-0", "stable", False,
                                                  (), path, update_run="when-behind")
    assert policy.required == (
        Requirement("wsl2.networkingMode", "mirrored", "Mirrored", "Mirrored"),
        Requirement("wsl2.processors", "4", "4", 4),
        Requirement("experimental.sparseVhd", "true", "true", True),
        Requirement("experimental.ignoredPorts", "3000,8080", "3000,8080", [3000, 8080]),
    )


def test_floor_as_bytes_and_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf[memory]\nfloor = 2147483648\n")
    assert policy_toml.load_policy(str(path)).memory_floor == 2 * GIB


BAD = [
    # (policy text, what the message must name)
    ("[memory]\nfloor = 2GB\n", "not valid TOML"),
    ("[memory\n", "not valid TOML"),
    ("[memroy]\nfloor = \"2GB\"\n", "[memroy]: is not a table"),
    ("memory = 3\n", "memory: must be a table"),
    ("[memory]\nfloor = \"2gb\"\n", "[memory] floor: '2gb' is not a size"),
    ("[memory]\nfloor = 1.5\n", "[memory] floor: must be a size"),
    ("[memory]\nfloor = -1\n", "[memory] floor: a size cannot be negative"),
    ("[memory]\nminimum = \"2GB\"\n", "[memory] minimum: is not a key"),
    ("[virtiofs]\nrequire = \"yes\"\n", "[virtiofs] require: must be true or false"),
    ("[versions]\nmin_kernel = \"latest\"\n", "[versions] min_kernel: 'latest' is not a kernel version"),
    ("[versions]\nmin_devicehost = 1\n", "[versions] min_devicehost: must be a string"),
    ("[update]\nchannel = \"preview\"\n", "[update] channel: 'preview' is not an update channel"),
    ("[update]\nrun = \"sometimes\"\n", "[update] run: 'sometimes' is not when to update"),
    ("[update]\nupdate = \"always\"\n", "[update] update: is not a key of this table"),
    ("[require]\n\"wsl2.nosuch\" = 1\n", "[require] \"wsl2.nosuch\": WSL does not read a key named wsl2.nosuch"),
    ("[require]\n\"boot.systemd\" = true\n", "[require] \"boot.systemd\""),
    ("[require]\n\"wsl2.memory\" = \"8gb\"\n", "[require] \"wsl2.memory\": '8gb' is not a size"),
    ("[require]\n\"wsl2.memory\" = \"1GB\"\n", "is not above the policy's memory floor"),
    ("[require]\n\"wsl2.networkingMode\" = \"fast\"\n", "[require] \"wsl2.networkingMode\""),
    ("[require]\n\"wsl2.virtiofs\" = false\n", "turns virtiofs off"),
    ("[require]\n\"wsl2.safeMode\" = true\n", "turns virtiofs off"),
    ("[require]\n\"wsl2.swap\" = 1.5\n", "must be a string, a number or true/false"),
    ("[require]\n\"wsl2.networkingMode\" = \"Nat\"\n\"experimental.networkingMode\" = \"Nat\"\n",
     "is already required"),
    ("[require]\n\"wsl2.kernelCommandLine\" = \"a\\nb\"\n", "control characters"),
]


@pytest.mark.parametrize(("text", "said"), BAD, ids=[b[1][:40] for b in BAD])
def test_bad_policy_names_the_file_the_key_and_a_fix(tmp_path: Path, text: str, said: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(UsageError) as caught:
        policy_toml.load_policy(path)
    error = caught.value
    assert error.exit_code == 2
    assert error.message.startswith(f"policy file {path}")
    assert said in error.message
    assert error.fix


def test_virtiofs_may_be_required_off_when_the_policy_does_not_require_it(tmp_path: Path) -> None:
    path = write(tmp_path, "[virtiofs]\nrequire = false\n[require]\n\"wsl2.virtiofs\" = false\n")
    assert policy_toml.load_policy(path).required[0].value is False


def test_missing_folder_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist") as caught:
        policy_toml.load_policy(str(tmp_path / "nope.toml"))
    assert caught.value.fix is not None
    assert "policy init" in caught.value.fix
    with pytest.raises(UsageError, match="is a folder"):
        policy_toml.load_policy(str(tmp_path))
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b"# caf\xe9\n")
    with pytest.raises(UsageError, match="not UTF-8"):
        policy_toml.load_policy(str(latin))


def test_a_policy_file_is_data_only(tmp_path: Path) -> None:
    """Strings that look like code stay strings: nothing is evaluated or imported."""
    marker = tmp_path / "ran"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    for text in (f'[versions]\nmin_kernel = "{code}"\n', f'[require]\n"wsl2.kernelCommandLine" = "{code}"\n'):
        path = write(tmp_path, text.replace("\\", "\\\\"))
        try:
            policy = policy_toml.load_policy(path)
        except UsageError:
            continue
        assert policy.required[0].raw == code  # kept as text, to be written quoted
    assert not marker.exists()


# -- --policy on the commands -------------------------------------------------------------------

def test_validate_with_a_policy(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\nmemory=2GB\r\n")
    policy = write(tmp_path, '[memory]\nfloor = "2GB"\n[require]\n"wsl2.networkingMode" = "mirrored"\n')
    assert run_cli("--config", config, "validate", "--offline").returncode == 0
    result = run_cli("--config", config, "validate", "--offline", "--json", "--policy", policy)
    assert result.returncode == 1
    doc = parse_json_doc(result)
    by_code = {f["code"]: f for f in doc["findings"]}
    assert by_code["memory-too-low"]["severity"] == "error"
    required = by_code["required-key"]
    assert required["severity"] == "error"
    assert required["key"] == "wsl2.networkingMode"
    assert required["fix"] == f"wslconfig-assistant --config {config} set wsl2.networkingMode mirrored"
    assert policy in required["message"]
    # The fix it names, then the memory, and the policy is met.
    assert run_cli("--config", config, "set", "wsl2.networkingMode", "mirrored").returncode == 0
    assert run_cli("--config", config, "set", "wsl2.memory", "3GB").returncode == 0
    assert run_cli("--config", config, "validate", "--offline", "--policy", policy).returncode == 0


def test_required_key_set_to_another_value_and_to_a_rejected_one(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    policy = write(tmp_path, '[require]\n"wsl2.processors" = 4\n')
    for text, said in (("processors=2", "sets 2 on line 3"), ("processors=four", "rejects the value on line 3")):
        config.write_text(f"[wsl2]\nvirtiofs=true\n{text}\n", encoding="utf-8")
        doc = parse_json_doc(run_cli("--config", config, "validate", "--offline", "--json", "--policy", policy))
        [found] = [f for f in doc["findings"] if f["code"] == "required-key"]
        assert said in found["message"]
        assert found["line"] == 3


def test_versions_with_a_policy(tmp_path: Path) -> None:
    sim = shutil.which("wslconfig-assistant-wsl-sim")
    if sim is None:
        pytest.skip("the simulator's console script is not installed")
    env = {"WSLCONFIG_ASSISTANT_SIM_STATE": str(tmp_path / "sim.json"), "WSLCONFIG_ASSISTANT_WSL_EXE": sim}
    config = tmp_path / ".wslconfig"
    assert run_cli("--config", config, "versions", env=env).returncode == 1  # 2.7.3.0 is too old
    lenient = write(tmp_path, '[versions]\nmin_kernel = "6.6.0.0-1"\nmin_devicehost = "1.2.0-0"\n')
    result = run_cli("--config", config, "versions", "--json", "--policy", lenient, env=env)
    assert result.returncode == 0
    assert parse_json_doc(result)["versions"]["kernel"]["minimum"] == "6.6.0.0-1"


@pytest.mark.parametrize("command", [["validate", "--offline"], ["versions"], ["verify"], ["apply", "--dry-run"]])
def test_bad_policy_exits_2_on_every_command(tmp_path: Path, command: list[str]) -> None:
    config = tmp_path / ".wslconfig"
    policy = write(tmp_path, "[memory]\nfloor = \"lots\"\n")
    result = run_cli("--config", config, *command, "--json", "--policy", policy)
    assert result.returncode == 2
    doc = parse_json_doc(result)
    assert policy in doc["error"]["message"]
    assert "[memory] floor" in doc["error"]["message"]
    assert f"{policy}" in result.stderr


def test_validate_without_a_policy_imports_no_toml_reader(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_text("[wsl2]\nvirtiofs=true\n", encoding="utf-8")
    probe = (
        "import sys\n"
        "from wslconfig_assistant.cli.main import main\n"
        f"code = main(['--config', {str(config)!r}, 'validate', '--offline'])\n"
        "print('LOADED', sorted(m for m in ('tomllib', 'tomlkit', 'wslconfig_assistant.compliance.policy_toml') "
        "if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=cli_env(),
                            cwd=REPO_ROOT, check=False, timeout=60)
    assert "LOADED []" in result.stdout, result.stdout + result.stderr


# -- policy init --------------------------------------------------------------------------------

def test_template_is_the_default_policy_with_every_key() -> None:
    text = policy_init.render_template()
    data = policy_toml.loads("template", text)
    assert policy_toml.parse_policy(data, "t") == DEFAULT._replace(source="t")
    for field in policy_toml.FIELDS:
        assert field.key in data[field.table]  # type: ignore[operator]
        assert f"# {field.comment[0]}" in text
    assert "[require]" in text
    assert all(len(line) <= 80 for line in text.splitlines())


def test_init_creates_then_updates_keeping_the_users_edits(tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    created = run_cli("policy", "init", path, "--json")
    assert created.returncode == 0, created.stderr
    doc = parse_json_doc(created)
    assert doc["command"] == "policy init"
    assert doc["created"] is True
    assert doc["backup"] is None
    assert {c["key"] for c in doc["changes"]} >= {"memory.floor", "versions.min_kernel", "update.channel",
                                                  "update.run"}
    template = path.read_text(encoding="utf-8")
    assert 'run = "always"\n' in template

    # The user edits a value, comments it, removes a key and a whole table.
    edited = (template.replace('floor = "1GB"', 'floor = "2GB"   # our laptops have 16GB')
              .replace('channel = "pre-release"\n', "")
              .replace("# Minimum versions", "# Minimum versions (pinned by IT)"))
    start = edited.index("[versions]")
    end = edited.index("[update]")
    edited = "# Team policy\n" + edited[:start] + edited[end:]
    path.write_text(edited, encoding="utf-8")

    updated = run_cli("policy", "init", path, "--json")
    assert updated.returncode == 0, updated.stderr
    doc = parse_json_doc(updated)
    assert doc["created"] is False
    assert doc["written"] is True
    assert [c["key"] for c in doc["changes"]] == ["versions.min_kernel", "versions.min_devicehost", "update.channel"]
    assert "+channel = \"pre-release\"" in doc["diff"]
    backup = Path(doc["backup"])
    assert backup.read_text(encoding="utf-8") == edited
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Team policy\n")
    assert 'floor = "2GB"   # our laptops have 16GB\n' in text
    # Only additions: every line of the user's file is still there, in order.
    lines = iter(text.splitlines())
    assert all(any(line == mine for line in lines) for mine in edited.splitlines())
    # The added key sits in its table, with its comment once.
    update_table = text[text.index("[update]"):text.index("[require]")]
    assert update_table.count("# \"pre-release\"") == 1
    assert 'channel = "pre-release"\n' in update_table
    policy = policy_toml.load_policy(str(path))
    assert policy.memory_floor == 2 * GIB
    assert policy.min_kernel == DEFAULT.min_kernel

    # Nothing left to add: no write at all.
    mtime = path.stat().st_mtime_ns
    time.sleep(0.02)
    again = run_cli("policy", "init", path)
    assert again.returncode == 0
    assert "nothing to add" in again.stdout
    assert path.stat().st_mtime_ns == mtime
    assert len(list(backup.parent.iterdir())) == 1


def test_init_default_path_and_crlf(tmp_path: Path) -> None:
    result = run_cli("policy", "init", cwd=tmp_path)
    assert result.returncode == 0
    path = tmp_path / policy_init.DEFAULT_PATH
    text = path.read_bytes().decode("utf-8").replace("\n", "\r\n")
    start, end = text.index("min_devicehost"), text.index("[update]")
    path.write_bytes(text[:start].encode() + text[end:].encode())
    assert run_cli("policy", "init", cwd=tmp_path).returncode == 0
    data = path.read_bytes()
    assert b"min_devicehost = \"1.2.29-0\"\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line still ends in CRLF


@pytest.mark.parametrize(("text", "said"), [
    ("[memory]\nfloor = 2GB\n", "not valid TOML"),
    ("[memory]\nfloor = \"2gb\"\n", "[memory] floor"),
    ("[extra]\nx = 1\n", "[extra]"),
])
def test_init_refuses_to_update_a_broken_policy(tmp_path: Path, text: str, said: str) -> None:
    path = write(tmp_path, text)
    result = run_cli("policy", "init", path)
    assert result.returncode == 2
    assert said in result.stderr
    assert Path(path).read_text(encoding="utf-8") == text
    assert not (tmp_path / ".wslconfig-assistant-backups").exists()


def test_a_policy_backup_is_never_taken_for_a_wslconfig_backup(tmp_path: Path) -> None:
    """Backups name their file: `backups` and `restore` of .wslconfig never see the policy's."""
    profile = tmp_path / "me"
    profile.mkdir()
    original = b"[wsl2]\r\nvirtiofs=true\r\n"
    (profile / ".wslconfig").write_bytes(original)
    env = {"WSLCONFIG_ASSISTANT_PROFILE": str(profile)}
    assert run_cli("policy", "init", env=env, cwd=profile).returncode == 0  # creating backs nothing up
    path = profile / policy_init.DEFAULT_PATH
    text = path.read_text(encoding="utf-8").replace('channel = "pre-release"\n', "")
    path.write_text(text, encoding="utf-8")
    assert run_cli("policy", "init", env=env, cwd=profile).returncode == 0
    assert 'channel = "pre-release"' in path.read_text(encoding="utf-8")
    [backup] = (profile / ".wslconfig-assistant-backups").iterdir()
    assert backup.name.endswith(".wslconfig-policy.toml")
    assert backup.read_text(encoding="utf-8") == text
    listing = json.loads(run_cli("backups", "--json", env=env).stdout)
    assert listing["backups"] == []
    assert run_cli("restore", env=env).returncode == 2  # no .wslconfig backup to restore
    assert (profile / ".wslconfig").read_bytes() == original


def test_init_of_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("policy", "init", tmp_path, "--json")
    assert result.returncode == 2
    assert "is a folder" in json.loads(result.stdout)["error"]["message"]


def test_policy_without_an_action_is_a_usage_error() -> None:
    assert run_cli("policy").returncode == 2
