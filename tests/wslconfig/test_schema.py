"""schema: the key table against wsl-source.md §1 (keys, types, aliases, versions)."""

from __future__ import annotations

import pytest

from wslconfig_assistant.core.errors import UsageError
from wslconfig_assistant.wslconfig import schema
from wslconfig_assistant.wslconfig.document import resolve_key

# wsl-source.md §1, transcribed: full name -> type. "string" covers the plain
# string keys (kernelCommandLine, vmSwitch, loadKernelModules).
RESEARCH_KEYS: dict[str, str] = {
    "wsl2.kernel": "path",
    "wsl2.kernelCommandLine": "string",
    "wsl2.kernelModules": "path",
    "wsl2.memory": "size",
    "wsl2.processors": "int",
    "wsl2.debugConsole": "bool",
    "wsl2.earlyBootLogging": "bool",
    "wsl2.swap": "size",
    "wsl2.swapFile": "path",
    "wsl2.localhostForwarding": "bool",
    "wsl2.nestedVirtualization": "bool",
    "wsl2.virtio9p": "bool",
    "wsl2.virtiofs": "bool",
    "wsl2.kernelDebugPort": "int",
    "wsl2.gpuSupport": "bool",
    "wsl2.guiApplications": "bool",
    "wsl2.systemDistro": "path",
    "wsl2.telemetry": "bool",
    "wsl2.vmIdleTimeout": "int",
    "wsl2.debugConsoleLogFile": "path",
    "wsl2.kernelBootTimeout": "int",
    "wsl2.distributionStartTimeout": "int",
    "wsl2.virtio": "bool",
    "wsl2.hostFileSystemAccess": "bool",
    "wsl2.mountDeviceTimeout": "int",
    "wsl2.hardwarePerformanceCounters": "bool",
    "wsl2.networkingMode": "enum",
    "wsl2.vmSwitch": "string",
    "wsl2.macAddress": "mac",
    "wsl2.dhcp": "bool",
    "wsl2.dhcpTimeout": "int",
    "wsl2.ipv6": "bool",
    "wsl2.dnsProxy": "bool",
    "wsl2.safeMode": "bool",
    "wsl2.defaultVhdSize": "size",
    "wsl2.crashDumpFolder": "path",
    "wsl2.maxCrashDumpCount": "int",
    "wsl2.dnsTunneling": "bool",
    "wsl2.firewall": "bool",
    "wsl2.autoProxy": "bool",
    "wsl2.loadKernelModules": "string",
    "wsl2.loadDefaultKernelModules": "bool",
    "wsl2.isolateDistroCgroup": "bool",
    "experimental.autoMemoryReclaim": "enum",
    "experimental.sparseVhd": "bool",
    "experimental.bestEffortDnsParsing": "bool",
    "experimental.dnsTunnelingIpAddress": "ipv4",
    "experimental.initialAutoProxyTimeout": "int",
    "experimental.ignoredPorts": "ports",
    "experimental.hostAddressLoopback": "bool",
    "experimental.setVersionDebug": "bool",
    "experimental.swiotlb": "size",
    "experimental.virtioFsAggregateShares": "bool",
    "general.distributionInstallPath": "path",
    "general.instanceIdleTimeout": "int",
}

RESEARCH_ALIASES = {
    "experimental.networkingMode": "wsl2.networkingMode",
    "experimental.dnsTunneling": "wsl2.dnsTunneling",
    "experimental.firewall": "wsl2.firewall",
    "experimental.autoProxy": "wsl2.autoProxy",
}


def test_every_key_wsl_reads_is_in_the_schema_with_its_type() -> None:
    assert {spec.name: spec.type for spec in schema.KEYS} == RESEARCH_KEYS


def test_names_are_unique_and_ids_are_lowercase_names() -> None:
    names = [spec.name for spec in schema.KEYS]
    assert len(names) == len(set(names))
    ids = [spec.id for spec in schema.KEYS]
    assert len(ids) == len(set(ids))
    for spec in schema.KEYS:
        assert spec.id == spec.name.lower() == f"{spec.section}.{spec.key}".lower()
        assert spec.key[0].isalpha()
        assert spec.key.isascii()
        assert spec.key.isalnum()  # WSL's name grammar [A-Za-z][A-Za-z0-9]*
        assert spec.doc
        assert spec.default


def test_sections() -> None:
    assert frozenset({"wsl2", "experimental", "general"}) == schema.SECTIONS


def test_aliases_share_the_wsl2_key() -> None:
    for alias, canonical in RESEARCH_ALIASES.items():
        spec = schema.lookup(alias)
        assert spec is not None
        assert spec.name == canonical
        assert alias in spec.aliases
    assert sum(len(spec.aliases) for spec in schema.KEYS) == len(RESEARCH_ALIASES)


@pytest.mark.parametrize("name", ["wsl2.memory", "WSL2.MEMORY", "Wsl2.Memory", "wSL2.mEMORY"])
def test_lookup_is_case_insensitive(name: str) -> None:
    spec = schema.lookup(name)
    assert spec is not None
    assert spec.id == "wsl2.memory"


@pytest.mark.parametrize(
    "name", ["memory", "wsl.memory", "experimental.memory", "wsl2.memroy", "", "wsl2", "boot.systemd"]
)
def test_lookup_unknown(name: str) -> None:
    assert schema.lookup(name) is None


def test_enum_choices() -> None:
    networking = schema.lookup("wsl2.networkingMode")
    reclaim = schema.lookup("experimental.autoMemoryReclaim")
    assert networking is not None
    assert reclaim is not None
    assert set(networking.choices) == {"None", "Nat", "Bridged", "Mirrored", "Consomme", "VirtioProxy"}
    assert set(reclaim.choices) == {"Disabled", "Gradual", "DropCache"}
    for spec in schema.KEYS:
        assert bool(spec.choices) == (spec.type == "enum"), spec.name


def test_versions() -> None:
    since = {spec.name: spec.since for spec in schema.KEYS}
    assert since["experimental.swiotlb"] == "2.8.9"
    assert since["experimental.virtioFsAggregateShares"] is None
    assert since["wsl2.isolateDistroCgroup"] is None
    others = {name for name, version in since.items() if version == "2.5.8"}
    assert others == set(RESEARCH_KEYS) - {
        "experimental.swiotlb",
        "experimental.virtioFsAggregateShares",
        "wsl2.isolateDistroCgroup",
    }


def test_virtiofs_is_opt_in() -> None:
    spec = schema.lookup("wsl2.virtiofs")
    assert spec is not None
    assert spec.default == "false"


def test_by_key_name() -> None:
    assert [spec.name for spec in schema.by_key_name("MEMORY")] == ["wsl2.memory"]
    assert [spec.name for spec in schema.by_key_name("sparsevhd")] == ["experimental.sparseVhd"]
    assert schema.by_key_name("systemd") == []


def test_all_names() -> None:
    assert schema.all_names() == [spec.name for spec in schema.KEYS]


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("wsl2.memroy", "wsl2.memory"),
        ("wsl2.virtioFS", "wsl2.virtiofs"),
        ("wsl2.virtiofss", "wsl2.virtiofs"),
        ("experimental.sparseVHD", "experimental.sparseVhd"),
        ("wsl2.networkingmode", "wsl2.networkingMode"),
        ("wsl2.dnsTunne1ing", "wsl2.dnsTunneling"),
        ("networkingmode", "wsl2.networkingMode"),
    ],
)
def test_suggest(typed: str, suggestion: str) -> None:
    assert schema.suggest(typed) == suggestion


def test_suggest_nothing_for_nonsense() -> None:
    assert schema.suggest("boot.systemd") is None
    assert schema.suggest("zzzz") is None


def test_wsl_conf_sections_are_not_wslconfig_sections() -> None:
    assert not (schema.WSL_CONF_SECTIONS & schema.SECTIONS)
    assert {"boot", "automount", "network", "interop"} <= schema.WSL_CONF_SECTIONS


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("wsl2.memory", "wsl2.memory"),
        ("WSL2.VIRTIOFS", "wsl2.virtiofs"),
        ("experimental.networkingMode", "wsl2.networkingMode"),
    ],
)
def test_resolve_key(key: str, name: str) -> None:
    assert resolve_key(key).name == name


@pytest.mark.parametrize("key", ["memory", "wsl2.memory.x", "wsl2.", "wsl2.mem ory", "wsl2.net_mode", "wsl2.memroy"])
def test_resolve_key_refuses_bad_names(key: str) -> None:
    with pytest.raises(UsageError):
        resolve_key(key)


def test_resolve_key_points_to_the_right_section() -> None:
    with pytest.raises(UsageError) as info:
        resolve_key("experimental.memory")
    assert "wsl2.memory" in str(info.value.fix)


def test_resolve_key_allows_unknown_on_request() -> None:
    spec = resolve_key("wsl2.futureKey", allow_unknown=True)
    assert (spec.section, spec.key, spec.type, spec.since) == ("wsl2", "futureKey", "string", None)
