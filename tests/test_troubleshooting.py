"""docs/troubleshooting.md against the product: for each problem, the input it describes makes the tool show
exactly what the page's "wslconfig-assistant shows" line says (finding codes, update kinds, exit codes).

The page and this file are tied both ways: every section must have a case here, and the codes a case expects
must be the codes its section names (so neither can drift without a failing test).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from conftest import REPO_ROOT, CliResult, run_cli

from wslconfig_assistant.core import findings

PAGE = REPO_ROOT / "docs" / "troubleshooting.md"
ALL_CODES = findings.ERROR_CODES | findings.WARNING_CODES | findings.INFO_CODES
UPDATE_KINDS = {"needs-elevation", "network", "busy", "not-applied"}
GOOD = "[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n"


def utf16(text: str, *, bom: bytes = b"\xff\xfe", codec: str = "utf-16-le") -> bytes:
    return bom + text.encode(codec)


class Case(NamedTuple):
    files: tuple[bytes, ...]  # each must show every code
    codes: frozenset[str]


CASES: dict[str, Case] = {
    "the-file-is-utf-16-or-two-encodings-at-once": Case((
        # Windows PowerShell 5.1 `>>` appending UTF-16LE to a UTF-8 file (#11151), with or without its BOM
        GOOD.encode() + "swap=0\r\n".encode("utf-16-le"),
        GOOD.encode() + utf16("swap=0\r\n"),
        utf16(GOOD, bom=b"\xfe\xff", codec="utf-16-be"),  # UTF-16BE
        GOOD.encode("utf-16-le"),  # UTF-16LE without a BOM
    ), frozenset({"encoding-unsupported"})),
    "accented-letters-in-a-latin-1-ansi-file": Case((
        ("# Réglages de l’équipe\r\n" + GOOD).encode("cp1252"),
        (GOOD + "# 20°C\r\n").encode("latin-1"),
    ), frozenset({"encoding-invalid-bytes"})),
    "a-whole-file-on-one-line": Case((b"[wsl2] memory=48GB\r\n",), frozenset({"invalid-line"})),
    "-comments": Case((GOOD.encode() + b"; 16GB for docker\r\n",), frozenset({"semicolon-comment"})),
    "memory-written-the-wrong-way": Case(
        tuple(f"[wsl2]\r\nvirtiofs=true\r\nmemory={m}\r\n".encode() for m in ("8 GB", "8gb", "0.5GB")),
        frozenset({"memory-invalid"})),
    "the-key-is-in-the-wrong-section": Case((
        (GOOD + "hostAddressLoopback=true\r\n").encode(),  # #10965
        (GOOD + "[boot]\r\nsystemd=true\r\n").encode(),  # wsl.conf's section (#10510)
        b"[wsl2]\r\nvirtiofs=true\r\n[wsl]\r\nmemory=8GB\r\n",
    ), frozenset({"wrong-section"})),
    "keys-above-the-first-section": Case((("memory=8589934592\r\n" + GOOD).encode(),),
                                         frozenset({"key-outside-section"})),
    "a-value-wsl-rejects": Case((
        (GOOD + "networkingMode=\r\n").encode(),  # #12745
        (GOOD + "[experimental]\r\nhostAddressLoopback=true // see docs\r\n").encode(),
    ), frozenset({"invalid-value"})),
    "typos-and-duplicates": Case(((GOOD + "memroy=4GB\r\nmemory=4GB\r\n").encode(),),
                                 frozenset({"unknown-key", "duplicate-key"})),
    "windows-paths-with-single-backslashes": Case((
        (GOOD + "kernel=C:\\temp\\bzImage\r\n").encode(),
        (GOOD + "swapFile=C:\\Users\\me\\swap.vhdx\r\n").encode(),
    ), frozenset()),  # one code each: checked separately below
    "virtiofs-is-on-and-still-off": Case(((GOOD + "safeMode=true\r\n").encode(),
                                          (GOOD + "virtio=false\r\n").encode()),
                                         frozenset({"virtiofs-overridden"})),
}
SEPARATE = {  # sections checked by their own tests below, with the codes or kinds their "shows" line names
    "windows-paths-with-single-backslashes": {"escape-in-path", "invalid-escape"},
    "changes-have-no-effect-the-8-second-rule": {"shutdown-required"},
    "wsl---update-fails": UPDATE_KINDS,
    "which-version-do-i-have": {"kernel-too-old", "devicehost-too-old", "version-unknown"},
}


def slug(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def sections() -> dict[str, set[str]]:
    """Each section's slug -> the finding codes and update kinds named on its "shows" line."""
    found = {}
    for title, body in re.findall(r"^## ([^\n]+)\n(.*?)(?=^## |\Z)", PAGE.read_text(encoding="utf-8"), re.S | re.M):
        shows = body.split("**wslconfig-assistant shows:**", 1)
        assert len(shows) == 2, f"section {title!r} has no 'wslconfig-assistant shows' line"
        named = set(re.findall(r"`([a-z0-9-]+)`", shows[1]))
        found[slug(title)] = named & (ALL_CODES | UPDATE_KINDS)
    return found


def test_every_section_has_a_case_naming_the_same_codes() -> None:
    page = sections()
    assert len(page) >= 10
    for name, named in page.items():
        if name in SEPARATE:
            assert named == SEPARATE[name], name
        else:
            assert name in CASES, f"no test for the section {name!r}"
            assert named == CASES[name].codes, name
    assert set(CASES) | set(SEPARATE) == set(page)


def validate(config: Path, data: bytes) -> dict[str, Any]:
    config.write_bytes(data)
    result = run_cli("--config", config, "validate", "--offline", "--json")
    assert result.returncode in (0, 1), result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.codes])
def test_the_described_input_shows_the_named_findings(name: str, config: Path) -> None:
    for data in CASES[name].files:
        doc = validate(config, data)
        codes = {f["code"] for f in doc["findings"]}
        assert CASES[name].codes <= codes, (name, data, codes)
        if any(findings.default_severity(c) == "error" for c in CASES[name].codes):
            assert doc["exit_code"] == 1


def test_single_backslashes(config: Path) -> None:
    kernel, swapfile = CASES["windows-paths-with-single-backslashes"].files
    assert "escape-in-path" in {f["code"] for f in validate(config, kernel)["findings"]}  # \t and \b
    assert "invalid-escape" in {f["code"] for f in validate(config, swapfile)["findings"]}  # \U and \m
    # The fix the page gives: `set` writes the doubled form.
    config.write_bytes(b"[wsl2]\r\n")
    assert run_cli("--config", config, "set", "wsl2.kernel", "C:\\temp\\bzImage").returncode == 0
    assert config.read_bytes() == b"[wsl2]\r\nkernel=C:\\\\temp\\\\bzImage\r\n"


def test_an_unsupported_encoding_is_never_edited(config: Path) -> None:
    data = GOOD.encode() + "swap=0\r\n".encode("utf-16-le")
    config.write_bytes(data)
    assert run_cli("--config", config, "set", "wsl2.memory", "16GB").returncode == 3
    assert config.read_bytes() == data


def test_wrong_memory_spelling_is_refused_with_the_right_one(config: Path) -> None:
    result = run_cli("--config", config, "set", "wsl2.memory", "8gb")
    assert result.returncode == 2
    assert "did you mean 8GB?" in result.stderr
    assert not config.exists()


Sim = Callable[..., CliResult]


@pytest.fixture
def on_sim(profile: Path, sim: str, config: Path) -> Sim:
    def go(*args: object, state: dict[str, object] | None = None) -> CliResult:
        if state is not None:
            (profile / ".wsl-sim.json").write_text(json.dumps(state), encoding="utf-8")
        return run_cli("--config", config, *args,
                       env={"WSLCONFIG_ASSISTANT_PROFILE": str(profile), "WSLCONFIG_ASSISTANT_WSL_EXE": sim})

    return go


def test_changes_need_a_restart(on_sim: Sim, config: Path, sim: str) -> None:
    config.write_bytes(b"[wsl2]\r\nmemory=1GB\r\n")
    booted = {"virtiofs": False, "memory": 8 << 30, "kernel": None, "swiotlb": 0, "wsl_version": "2.9.4.0",
              "booted_at": 1.0}  # a VM that has run since long before the edit
    running_vm = {"wsl_version": "2.9.4.0", "vm_running": True, "booted_config": booted,
                  "running_kernel": "6.18.35.2-microsoft-standard-WSL2"}
    applied = json.loads(on_sim("apply", "--json", "--no-update", state=running_vm).stdout)
    assert applied["exit_code"] == 0
    assert "shutdown-required" in {f["code"] for f in applied["findings"]}
    # The VM keeps running the old kernel after an update until WSL restarts.
    config.write_bytes(GOOD.encode())
    on_sim("versions", "--running-kernel", state={"wsl_version": "2.7.3.0"})  # starts the VM on 2.7.3's kernel
    old = json.loads((config.parent / ".wsl-sim.json").read_text(encoding="utf-8"))
    old.update(wsl_version="2.9.4.0")  # updated underneath the running VM
    running = on_sim("versions", "--running-kernel", "--json", state=old)
    assert "shutdown-required" in {f["code"] for f in json.loads(running.stdout)["findings"]}
    # verify: a .wslconfig edited after the VM started is not in effect yet.
    # `apply --shutdown` restarts it although nothing is left to edit: the restart is pending.
    restarted = json.loads(on_sim("apply", "--json", "--no-update", "--shutdown").stdout)
    assert restarted["restart"]["pending"] is True
    assert restarted["shutdown"]["done"] is True
    verified = on_sim("verify")
    assert verified.returncode == 0, verified.stdout
    assert on_sim("set", "wsl2.processors", "2").returncode == 0
    chain = {link["name"]: link for link in json.loads(on_sim("verify", "--json").stdout)["chain"]}
    assert chain["restart"]["ok"] is False
    assert chain["restart"]["fix"] == "wsl --shutdown"


@pytest.mark.parametrize(
    ("state", "kind"),
    [
        ({"update_failure": "elevation"}, "needs-elevation"),  # 1603, E_ABORT
        ({"update_failure": "elevation-1925"}, "needs-elevation"),  # 1603 and nothing else
        ({"update_failure": "network"}, "network"),  # Forbidden (403).
        ({"update_failure": "busy"}, "busy"),  # 1618
        ({"update_applies": False}, "not-applied"),  # "Updating ..." and nothing changed
    ],
)
def test_update_failures(on_sim: Sim, config: Path, state: dict[str, object], kind: str) -> None:
    config.write_bytes(GOOD.encode())
    result = on_sim("apply", "--json", state={"wsl_version": "2.7.3.0", **state})
    doc = json.loads(result.stdout)
    assert result.returncode == 1
    assert doc["update"]["kind"] == kind
    assert doc["update"]["ok"] is False
    assert doc["update"]["fix"]


def test_inbox_wsl_exe(on_sim: Sim, config: Path) -> None:
    config.write_bytes(GOOD.encode())
    result = on_sim("apply", state={"inbox": True})
    assert result.returncode == 4
    assert "WSL is not installed from the Store or MSI" in result.stdout + result.stderr


def test_version_gates(on_sim: Sim, config: Path) -> None:
    config.write_bytes(GOOD.encode())
    old = json.loads(on_sim("validate", "--json", state={"wsl_version": "2.7.3.0", "language": "ja-JP"}).stdout)
    assert {"kernel-too-old", "devicehost-too-old"} <= {f["code"] for f in old["findings"]}
    custom = (GOOD + "kernel=C:\\\\wsl\\\\bzImage\r\n").encode()
    config.write_bytes(custom)
    unknown = json.loads(on_sim("validate", "--json", state={"wsl_version": "2.9.4.0"}).stdout)
    assert "version-unknown" in {f["code"] for f in unknown["findings"]}
