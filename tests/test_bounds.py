"""Inputs bounded in size, nesting and digits (issue 10, items 2, 5, 7 and 11).

- Whole numbers of any length (beyond Python's 4,300-digit int() limit): in the .wslconfig they
  read exactly as WSL's C parser reads them (strtol / strtoull saturation, size x unit wrap);
  anywhere else (arguments, policy, `wsl --version`, DSC stdin) they are refused with the
  documented exit code. Never a traceback, and no int() of thousands of digits.
- DSC input on stdin: nesting and size capped (exit 2, a DSC error line).
- Policy files: pathological keys (30,000 parts), nesting, numbers refused before any TOML
  parser sees them, so time and memory stay bounded by the file's size.
- `--wsl-version-file`: the policy file's size cap, regular files only (no /dev/zero, no FIFO).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import HOST_MEMORY, cli_env, parse_json_doc, run_cli

from wslconfig_assistant.compliance import tomlguard
from wslconfig_assistant.wslconfig import values

DIGITS = "9" * 5000  # beyond sys.get_int_max_str_digits() (4,300)
INT_MAX, INT_MIN = (1 << 31) - 1, -(1 << 31)
U64 = 1 << 64
GB = 1 << 30
EXIT_CODES = {0, 1, 2, 3, 4, 5, 130}


def _clean(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode in EXIT_CODES, result.returncode
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stdout[:100000]


# -- item 2: numbers in the file read as WSL's C code reads them -----------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (DIGITS, INT_MAX),  # strtol saturates at LONG_MAX (32-bit on Windows)
        ("-" + DIGITS, INT_MIN),
        ("+" + DIGITS, INT_MAX),
        ("0x" + "f" * 5000, INT_MAX),  # base 0: hex
        ("0" + "7" * 5000, INT_MAX),  # base 0: octal
        ("0" * 5000 + "12", 10),  # octal too: leading zeros cost nothing and change nothing
        ("0x" + "0" * 5000 + "10", 16),
        ("  " + "0" * 4999 + "4", 4),
    ],
)
def test_parse_int_of_thousands_of_digits_is_strtol(text: str, expected: int) -> None:
    assert values.parse_int(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (DIGITS, U64 - 1),  # strtoull saturates at ULLONG_MAX
        (DIGITS + "GB", ((U64 - 1) * GB) % U64),  # then value x unit wraps (unchecked in WSL)
        ("-" + DIGITS, U64 - 1),  # saturation wins over the sign
        ("0" * 5000 + "8GB", 8 * GB),
        (DIGITS + "B", U64 - 1),
    ],
)
def test_parse_size_of_thousands_of_digits_is_strtoull(text: str, expected: int) -> None:
    assert values.parse_size(text) == expected


def test_ports_of_thousands_of_digits_are_dropped_like_stoi_out_of_range() -> None:
    assert values.parse_ports(f"{DIGITS},22,-{DIGITS}") == ([22], [DIGITS, "-" + DIGITS])


def test_size_suggestion_of_thousands_of_digits_is_none() -> None:
    with pytest.raises(values.InvalidValueError) as caught:
        values.parse_size(DIGITS + " GB")
    assert caught.value.suggestion is None
    assert len(caught.value.reason) < 300  # the value is cut in the message


def _huge_file(config: Path) -> None:
    config.write_bytes(
        (f"[wsl2]\r\nmemory={DIGITS}GB\r\nprocessors={DIGITS}\r\nswap={DIGITS}\r\n"
         f"vmIdleTimeout=-{DIGITS}\r\n[experimental]\r\nswiotlb=0x{DIGITS}\r\n").encode()
    )


@pytest.mark.parametrize(
    "command",
    [
        ["show"], ["show", "--all"], ["show", "--json"],
        ["get", "wsl2.memory"], ["get", "wsl2.processors", "--json"], ["get", "wsl2.swap", "--json"],
        ["validate", "--offline"], ["validate", "--offline", "--format", "json"],
        ["validate", "--offline", "--format", "junit"], ["validate", "--offline", "--format", "github"],
        ["apply", "--dry-run", "--no-update"],
    ],
)
def test_a_file_with_thousands_of_digits_reads_as_wsl_reads_it(command: list[str], tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    _huge_file(config)
    result = run_cli("--config", config, *command)
    _clean(result)
    assert result.returncode in (0, 1, 4), result.stderr


def test_the_values_of_a_file_with_thousands_of_digits(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    _huge_file(config)
    doc = parse_json_doc(run_cli("--config", config, "show", "--json"))
    taken = {key: v["value"] for key, v in doc["values"].items()}
    assert taken["wsl2.memory"] == ((U64 - 1) * GB) % U64
    assert taken["wsl2.processors"] == INT_MAX
    assert taken["wsl2.swap"] == U64 - 1
    assert taken["wsl2.vmidletimeout"] == INT_MIN


# -- item 2: anywhere else, a refusal with the documented exit code ----------------------------------

@pytest.mark.parametrize(
    "args",
    [
        ["set", "wsl2.memory", DIGITS + "GB"],
        ["set", "wsl2.memory", "17179869184GB"],  # 2^64 bytes: WSL would wrap it to 0
        ["set", "wsl2.swap", DIGITS],
        ["set", "wsl2.processors", DIGITS],
        ["set", "wsl2.processors", "2147483648"],  # one above LONG_MAX: WSL would saturate
        ["set", "wsl2.vmIdleTimeout", "-" + DIGITS],
        ["set", "wsl2.processors", "0x" + DIGITS],
        ["set", "wsl2.localhostForwardingPorts", DIGITS],
        ["apply", "--dry-run", "--no-update", "--memory", DIGITS + "GB"],
        ["apply", "--dry-run", "--no-update", "--set", f"wsl2.swap={DIGITS}"],
        ["apply", "--dry-run", "--no-update", "--set", f"wsl2.processors={DIGITS}"],
    ],
)
def test_arguments_of_thousands_of_digits_are_refused(args: list[str], tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\n")
    result = run_cli("--config", config, *args)
    _clean(result)
    assert result.returncode == 2, result.stderr
    assert "fix: " in result.stderr
    assert len(result.stderr) < 1500, "the digits are cut in the message"
    assert config.read_bytes() == b"[wsl2]\r\nvirtiofs=true\r\n"


def test_a_size_argument_just_below_the_wrap_is_written(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    result = run_cli("--config", config, "set", "wsl2.memory", "17179869183GB")
    assert result.returncode == 0, result.stderr
    assert b"memory=17179869183GB" in config.read_bytes()


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (f"[memory]\nfloor = {DIGITS}\n", "5000 characters"),
        (f'[memory]\nfloor = "{DIGITS}GB"\n', "beyond the largest size"),
        (f'[memory]\nfloor = "{DIGITS}"\n', "beyond the largest size"),
        (f'[versions]\nmin_devicehost = "{DIGITS}.1.1-0"\n', "not a DeviceHost version"),
        (f'[versions]\nmin_kernel = "6.18.26.3-{DIGITS}"\n', "not a kernel version"),
        (f'[require]\n"wsl2.processors" = {DIGITS}\n', "5000 characters"),
        (f'[require]\n"wsl2.processors" = "{DIGITS}"\n', "out of range"),
        (f'[require]\n"wsl2.memory" = "{DIGITS}GB"\n', "beyond the largest size"),
    ],
)
@pytest.mark.parametrize("command", ["validate", "policy init"])
def test_policy_numbers_of_thousands_of_digits_are_refused(policy: str, expected: str, command: str,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_text(policy, encoding="utf-8")
    config = tmp_path / ".wslconfig"
    if command == "validate":
        result = run_cli("--config", config, "validate", "--offline", "--policy", path)
    else:
        result = run_cli("policy", "init", path, cwd=tmp_path)
    _clean(result)
    assert result.returncode == 2, result.stderr
    assert f"policy file {path}" in result.stderr
    assert expected in result.stderr
    assert "fix: " in result.stderr
    assert path.read_text(encoding="utf-8") == policy


@pytest.mark.parametrize(
    "text",
    [
        f"Versión de WSL: {DIGITS}.1.1.0\r\nVersión de kernel: 6.18.26.3-1\r\n",
        f"WSL version: 2.8.9.0\r\nKernel version: {DIGITS}.1-1\r\n",
        f"WSL version: 2.8.9.0\r\nKernel version: 6.18.26.3-{DIGITS}\r\n",
        f"WSL version: 2.{DIGITS}\r\nKernel version: 6.18.26.3-1\r\n",
    ],
)
@pytest.mark.parametrize("command", ["validate", "versions", "apply"])
def test_wsl_version_output_of_thousands_of_digits_is_refused(text: str, command: str, tmp_path: Path) -> None:
    """From a captured file (--wsl-version-file) and from a wsl.exe that prints it (UTF-16LE)."""
    capture = tmp_path / "wsl-version.txt"
    capture.write_bytes(text.encode("utf-16-le"))
    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n")
    if command == "apply":
        wsl = tmp_path / "wsl.exe"
        wsl.write_text(f"#!/bin/sh\ncat '{capture}'\n", encoding="utf-8")
        wsl.chmod(0o755)
        if sys.platform == "win32":
            pytest.skip("a /bin/sh wsl.exe")
        result = run_cli("--config", config, "--wsl-exe", wsl, "apply", "--dry-run")
    else:
        result = run_cli("--config", config, command, "--wsl-version-file", capture)
    _clean(result)
    if command == "apply":  # unreadable (exit 4) or unknown (exit 1): nothing changed either way
        assert result.returncode in (1, 4), result.stderr
        assert "nothing was changed" in result.stdout
    else:  # unknown versions: the check fails closed
        assert result.returncode == 1, result.stderr
        assert "version-unknown" in result.stdout + result.stderr
    assert len(result.stderr) + len(result.stdout) < 30000, "the digits are not echoed in every line"


@pytest.mark.parametrize(
    "request_text",
    [
        f'{{"memory": {DIGITS}}}',
        f'{{"memory": "{DIGITS}GB"}}',
        f'{{"settings": {{"wsl2.processors": {DIGITS}}}}}',
        f'{{"settings": {{"wsl2.processors": "{DIGITS}"}}}}',
        f'{{"settings": {{"wsl2.processors": -{DIGITS}}}}}',
    ],
)
@pytest.mark.parametrize("operation", ["get", "test", "set"])
def test_dsc_numbers_of_thousands_of_digits_are_refused(request_text: str, operation: str, tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\n")
    result = run_cli("--config", config, "dsc", operation, input=request_text)
    _clean(result)
    if operation == "get" and "settings" not in request_text and '"' + DIGITS not in request_text:
        pass
    assert result.returncode == 2 or (operation == "get" and result.returncode == 0), result.stderr
    if result.returncode == 2:
        errors = [json.loads(line) for line in result.stderr.splitlines() if line.startswith('{"error"')]
        assert errors, result.stderr
        assert len(errors[0]["error"]) < 1000
    assert config.read_bytes() == b"[wsl2]\r\nvirtiofs=true\r\n"


# -- item 5: nested DSC input ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "request_text",
    [
        "[" * 100_000,
        "[" * 100_000 + "]" * 100_000,
        '{"settings": ' * 50_000 + "{}" + "}" * 50_000,
        '{"memory": "8GB", "x": ' + "[" * 33 + "]" * 33 + "}",
        "{" * 100_000,
    ],
    ids=["open-arrays", "closed-arrays", "nested-objects", "33-deep", "open-objects"],
)
@pytest.mark.parametrize("operation", ["get", "test", "set"])
def test_dsc_refuses_deeply_nested_input(request_text: str, operation: str, tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\n")
    result = run_cli("--config", config, "dsc", operation, input=request_text)
    _clean(result)
    assert result.returncode == 2, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert any("nested more than 32 deep" in line.get("error", "") for line in lines), result.stderr
    assert result.stdout == ""
    assert config.read_bytes() == b"[wsl2]\r\nvirtiofs=true\r\n"


def test_dsc_accepts_nesting_within_the_cap(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    config.write_bytes(b"[wsl2]\r\nvirtiofs=true\r\n")
    # Brackets inside strings are text, not nesting.
    result = run_cli("--config", config, "dsc", "get", input='{"_note": "' + "[" * 1000 + '"}')
    assert result.returncode == 0, result.stderr


def test_dsc_refuses_input_beyond_the_policy_size_cap(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    result = run_cli("--config", config, "dsc", "get", input='{"_note": "' + "x" * (2 << 20) + '"}')
    _clean(result)
    assert result.returncode == 2
    assert "larger than 1 MB" in result.stderr


# -- item 7: pathological policy files -----------------------------------------------------------------

PATHOLOGICAL = {
    "30000-part-key": "[require]\n" + ".".join(["a"] * 30_000) + " = 1\n",
    "30000-part-header": "[" + ".".join(["a"] * 30_000) + "]\n",
    "30000-part-inline-key": "[require]\nx = {" + ".".join(["a"] * 30_000) + " = 1}\n",
    "quoted-parts": "[require]\n" + ".".join(['"a"'] * 20_000) + " = 1\n",
    "long-key": "[require]\n\"" + "k" * 10_000 + "\" = 1\n",
    "deep-arrays": "[require]\nx = " + "[" * 40 + "]" * 40 + "\n",
    "many-keys": "[require]\n" + "".join(f"k{i} = 1\n" for i in range(5000)),
    "many-tables": "".join(f"[t{i}]\n" for i in range(5000)),
    "many-items": "[require]\nx = [" + "1," * 20_000 + "]\n",
    "many-tokens": "[require]\nx = \"" + '" "'.join(["a"] * 30_000) + "\"\n",
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_the_guard_refuses_pathological_toml_quickly(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(tomlguard.PathologicalTomlError) as caught:
        tomlguard.check(text)
    assert time.perf_counter() - start < 5  # a guard against a hang, not a speed target
    assert caught.value.line >= 1


@pytest.mark.parametrize("command", ["validate", "policy init"])
def test_a_30000_part_key_is_refused_before_tomllib_and_tomlkit(command: str, tmp_path: Path) -> None:
    """The issue's case: 60 KB, one dotted key of 30,000 parts (20 s and 5 GB inside tomllib)."""
    path = tmp_path / "team.toml"
    text = PATHOLOGICAL["30000-part-key"]
    path.write_text(text, encoding="utf-8")
    # An address-space cap makes "5 GB" a failure, not a slow pass (POSIX).
    launcher = ("import resource, runpy, sys\n"
                "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
                "runpy.run_module('wslconfig_assistant', run_name='__main__', alter_sys=True)\n")
    argv = (["--config", str(tmp_path / ".wslconfig"), "validate", "--offline", "--policy", str(path)]
            if command == "validate" else ["policy", "init", str(path)])
    if sys.platform == "win32":
        result = run_cli(*argv)
    else:
        result = subprocess.run([sys.executable, "-c", launcher, *argv], capture_output=True, text=True,
                                env=cli_env(), timeout=30, check=False, cwd=tmp_path)
    _clean(result)
    assert result.returncode == 2, result.stderr
    assert "line 2: not a policy: a dotted key of more than 8 parts" in result.stderr
    assert path.read_text(encoding="utf-8") == text


# What real policies look like must pass the guard untouched.
GOOD_POLICIES = [
    '[virtiofs]\nrequire = true\n[memory]\nfloor = "1GB"\n[versions]\nmin_kernel = "6.18.26.3-1"\n'
    'min_devicehost = "1.2.29-0"\n[update]\nchannel = "pre-release"\n[require]\n'
    '"wsl2.networkingMode" = "Mirrored"\nwsl2.processors = 4\n',
    "[require.wsl2]\nlocalhostForwardingPorts = [3000, 8080,\n  9000]  # trailing comment\n",
    "# only a comment\n\n\n",
    "[require]\n\"wsl2.kernelCommandLine\" = '''\nquiet.a.b.c.d.e.f.g.h.i.j\n'''\n",
    '[require]\n"wsl2.kernelCommandLine" = "a.b.c.d.e.f.g.h.i.j = [[[["\n',
    "[memory]\r\nfloor = 1073741824\r\n",
]


@pytest.mark.parametrize("text", GOOD_POLICIES)
def test_the_guard_passes_real_policies(text: str) -> None:
    tomlguard.check(text)


# -- item 11: --wsl-version-file is bounded --------------------------------------------------------------

@pytest.mark.posix_only
@pytest.mark.parametrize("command", ["validate", "versions"])
def test_version_file_dev_zero_is_refused(command: str, tmp_path: Path) -> None:
    result = run_cli("--config", tmp_path / ".wslconfig", command, "--wsl-version-file", "/dev/zero")
    _clean(result)
    assert result.returncode == 2, result.stderr
    assert "/dev/zero" in result.stderr
    assert "not a regular file" in result.stderr


@pytest.mark.posix_only
def test_version_file_fifo_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "wsl-version.fifo"
    os.mkfifo(fifo)
    result = run_cli("--config", tmp_path / ".wslconfig", "validate", "--wsl-version-file", fifo)
    _clean(result)
    assert result.returncode == 2
    assert "not a regular file" in result.stderr


def test_version_file_beyond_the_policy_cap_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "wsl-version.txt"
    with open(big, "wb") as fh:
        fh.write("WSL version: 2.8.9.0\r\nKernel version: 6.18.26.3-1\r\n".encode("utf-16-le"))
        fh.truncate(100 << 20)  # 100 MB, sparse: the 26 s and 1.5 GB
    result = run_cli("--config", tmp_path / ".wslconfig", "validate", "--wsl-version-file", big)
    _clean(result)
    assert result.returncode == 2
    assert "larger than 1 MB" in result.stderr
    assert str(big) in result.stderr


def test_version_file_within_the_cap_still_reads(tmp_path: Path) -> None:
    capture = tmp_path / "wsl-version.txt"
    capture.write_bytes("WSL version: 2.8.9.0\r\nKernel version: 6.18.26.3-1\r\n".encode("utf-16-le"))
    config = tmp_path / ".wslconfig"
    config.write_bytes(f"[wsl2]\r\nvirtiofs=true\r\nmemory={HOST_MEMORY}\r\n".encode())
    result = run_cli("--config", config, "versions", "--wsl-version-file", capture, "--json")
    assert result.returncode in (0, 1), result.stderr
    assert "2.8.9.0" in result.stdout
