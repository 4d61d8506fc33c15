"""Every key WSL reads from .wslconfig, as data: one table drives validation, `show`,
`set` and the docs.

Source: WslCoreConfig.h / WslCoreConfig.cpp at microsoft/WSL 3e27a6a (wsl-source.md §1).
``since`` is the first release that reads the key: "2.5.8" means "in the first
open-source tag" (older Store builds may know it too); None means "master only,
in no release yet".
"""

from __future__ import annotations

from typing import Literal, NamedTuple

ValueType = Literal["bool", "int", "size", "enum", "path", "string", "mac", "ipv4", "ports"]

NETWORKING_MODES = ("None", "Nat", "Bridged", "Mirrored", "Consomme", "VirtioProxy")
MEMORY_RECLAIM_MODES = ("Disabled", "Gradual", "DropCache")

# Sections of /etc/wsl.conf (the per-distro file) that people paste into .wslconfig.
WSL_CONF_SECTIONS = frozenset({"boot", "automount", "network", "interop", "user", "filesystem", "gpu", "time"})


class KeySpec(NamedTuple):
    section: str
    key: str
    type: ValueType
    default: str  # WSL's default, in words
    doc: str
    since: str | None = "2.5.8"
    aliases: tuple[str, ...] = ()  # other full names WSL accepts for the same setting
    choices: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """Canonical full name, as WSL spells it: ``wsl2.networkingMode``."""
        return f"{self.section}.{self.key}"

    @property
    def id(self) -> str:
        """Lowercase full name: the contract's key for JSON ``values``."""
        return self.name.lower()


def _k(section: str, key: str, type_: ValueType, default: str, doc: str, **kw: object) -> KeySpec:
    return KeySpec(section, key, type_, default, doc, **kw)  # type: ignore[arg-type]


KEYS: tuple[KeySpec, ...] = (
    # [wsl2]
    _k("wsl2", "kernel", "path", "the bundled kernel", "Path to a custom Linux kernel (use \\\\ in paths)."),
    _k("wsl2", "kernelCommandLine", "string", "empty", "Extra kernel command-line arguments."),
    _k("wsl2", "kernelModules", "path", "empty", "Path to a modules VHD for a custom kernel (needs kernel=)."),
    _k("wsl2", "memory", "size", "50% of the host's RAM", "Memory of the VM; clamped to [256MB, host RAM]."),
    _k("wsl2", "processors", "int", "all logical processors", "Virtual processors; <= 0 means all."),
    _k("wsl2", "debugConsole", "bool", "false", "Open a console window with the VM's dmesg."),
    _k("wsl2", "earlyBootLogging", "bool", "false (true with debugConsole)", "Log early kernel boot."),
    _k("wsl2", "swap", "size", "25% of memory, rounded up to whole GB", "Swap size; 0 means no swap."),
    _k("wsl2", "swapFile", "path", "%TEMP%\\<VM id>\\swap.vhdx", "Path of the swap VHD."),
    _k("wsl2", "localhostForwarding", "bool", "true", "Forward wildcard/localhost ports to the host."),
    _k("wsl2", "nestedVirtualization", "bool", "true on x64 Windows 11", "Nested virtualization."),
    _k("wsl2", "virtio9p", "bool", "false", "Obsolete: WSL forces it off and warns."),
    _k("wsl2", "virtiofs", "bool", "false", "Use virtiofs instead of 9p for Windows drives (the fast path)."),
    _k("wsl2", "kernelDebugPort", "int", "0", "Kernel debugger port."),
    _k("wsl2", "gpuSupport", "bool", "true", "GPU paravirtualization."),
    _k("wsl2", "guiApplications", "bool", "true", "WSLg GUI apps."),
    _k("wsl2", "systemDistro", "path", "the bundled system distro", "Path to a custom system distro VHD."),
    _k("wsl2", "telemetry", "bool", "true", "Send telemetry."),
    _k("wsl2", "vmIdleTimeout", "int", "60000 (ms)", "Idle time before the VM shuts down; < 0 never."),
    _k("wsl2", "debugConsoleLogFile", "path", "empty", "File that receives the debug console."),
    _k("wsl2", "kernelBootTimeout", "int", "30000 (ms)", "Kernel boot timeout."),
    _k("wsl2", "distributionStartTimeout", "int", "60000 (ms)", "Distribution start timeout."),
    _k(
        "wsl2", "virtio", "bool", "true (false on arm64 before Windows 11)",
        "virtio devices; false also disables virtiofs.",
    ),
    _k("wsl2", "hostFileSystemAccess", "bool", "true", "Access to Windows drives."),
    _k("wsl2", "mountDeviceTimeout", "int", "5000 (ms)", "Device mount timeout."),
    _k("wsl2", "hardwarePerformanceCounters", "bool", "true on x64", "Expose hardware performance counters."),
    _k(
        "wsl2", "networkingMode", "enum", "Nat", "Networking mode.",
        aliases=("experimental.networkingMode",), choices=NETWORKING_MODES,
    ),
    _k("wsl2", "vmSwitch", "string", "empty", "Hyper-V switch for Bridged networking."),
    _k("wsl2", "macAddress", "mac", "random in Bridged mode", "VM MAC address; invalid stops the VM starting."),
    _k("wsl2", "dhcp", "bool", "true", "Use DHCP in the VM."),
    _k("wsl2", "dhcpTimeout", "int", "5000 (ms)", "DHCP timeout."),
    _k("wsl2", "ipv6", "bool", "false", "IPv6 in the VM."),
    _k("wsl2", "dnsProxy", "bool", "true", "DNS proxy in NAT mode."),
    _k("wsl2", "safeMode", "bool", "false", "Safe mode: turns off virtio, virtiofs, GPU, GUI and more."),
    _k("wsl2", "defaultVhdSize", "size", "1TB", "Maximum size of new distro VHDs."),
    _k("wsl2", "crashDumpFolder", "path", "%TEMP%\\wsl-crashes", "Where crash dumps go."),
    _k("wsl2", "maxCrashDumpCount", "int", "10", "Crash dumps kept; < 0 disables them."),
    _k("wsl2", "dnsTunneling", "bool", "true", "DNS tunneling.", aliases=("experimental.dnsTunneling",)),
    _k("wsl2", "firewall", "bool", "true", "Hyper-V firewall.", aliases=("experimental.firewall",)),
    _k("wsl2", "autoProxy", "bool", "true", "Use the Windows HTTP proxy.", aliases=("experimental.autoProxy",)),
    _k("wsl2", "loadKernelModules", "string", "empty", "Comma list of extra kernel modules to load."),
    _k("wsl2", "loadDefaultKernelModules", "bool", "true", "Load tun, ip_tables and br_netfilter."),
    _k("wsl2", "isolateDistroCgroup", "bool", "true", "Isolate each distro's cgroup.", since=None),
    # [experimental]
    _k(
        "experimental", "autoMemoryReclaim", "enum", "DropCache", "Give memory back to Windows.",
        choices=MEMORY_RECLAIM_MODES,
    ),
    _k("experimental", "sparseVhd", "bool", "false", "Create new VHDs as sparse."),
    _k("experimental", "bestEffortDnsParsing", "bool", "false", "Tolerate DNS records Windows cannot parse."),
    _k(
        "experimental", "dnsTunnelingIpAddress", "ipv4", "10.255.255.254",
        "DNS tunneling listener address; an invalid one turns DNS tunneling off.",
    ),
    _k("experimental", "initialAutoProxyTimeout", "int", "1000 (ms)", "Wait for the proxy settings at start."),
    _k("experimental", "ignoredPorts", "ports", "empty", "Ports mirrored mode does not bind (comma list)."),
    _k("experimental", "hostAddressLoopback", "bool", "false", "Reach the host by its address (mirrored)."),
    _k("experimental", "setVersionDebug", "bool", "false", "Debug `wsl --set-version`."),
    _k(
        "experimental", "swiotlb", "size", "0 = automatic (64MB with virtiofs)",
        "DMA bounce-buffer pool for virtio devices.", since="2.8.9",
    ),
    _k("experimental", "virtioFsAggregateShares", "bool", "true", "One virtiofs device for all drives.", since=None),
    # [general]
    _k("general", "distributionInstallPath", "path", "%LOCALAPPDATA%\\wsl", "Where new distros install."),
    _k("general", "instanceIdleTimeout", "int", "15000 (ms)", "Idle time before a distro stops."),
)

SECTIONS = frozenset(spec.section for spec in KEYS)

_BY_NAME: dict[str, KeySpec] = {}
for _spec in KEYS:
    _BY_NAME[_spec.name.lower()] = _spec
    for _alias in _spec.aliases:
        _BY_NAME[_alias.lower()] = _spec
_BY_KEY: dict[str, list[KeySpec]] = {}
for _spec in KEYS:
    _BY_KEY.setdefault(_spec.key.lower(), []).append(_spec)


def lookup(full_name: str) -> KeySpec | None:
    """The key WSL matches for a full name (case-insensitive, aliases included)."""
    return _BY_NAME.get(full_name.lower())


def by_key_name(key: str) -> list[KeySpec]:
    """Known keys with this bare name, in any section."""
    return _BY_KEY.get(key.lower(), [])


def all_names() -> list[str]:
    return [spec.name for spec in KEYS]


def suggest(full_name: str) -> str | None:
    """A did-you-mean for an unknown full name or bare key."""
    import difflib  # noqa: PLC0415 - only on the unhappy path, keeps startup lean

    wanted = full_name.lower()
    names = {spec.name.lower(): spec.name for spec in KEYS}
    names.update({alias.lower(): alias for spec in KEYS for alias in spec.aliases})
    key_part = wanted.rsplit(".", 1)[-1]
    keys = {spec.key.lower(): spec.name for spec in KEYS}
    match = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.75)
    if match:
        return names[match[0]]
    match = difflib.get_close_matches(key_part, list(keys), n=1, cutoff=0.75)
    return keys[match[0]] if match else None
