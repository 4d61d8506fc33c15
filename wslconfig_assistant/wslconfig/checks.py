"""The policy's checks on the configuration: is virtiofs effectively on, and does the VM
get more than the memory floor? Pure functions over an Evaluation.
"""

from __future__ import annotations

from wslconfig_assistant.core import shellcommand
from wslconfig_assistant.core.findings import Finding, visible
from wslconfig_assistant.core.policy import SWIOTLB_MIN_MEMORY, Policy
from wslconfig_assistant.wslconfig import values
from wslconfig_assistant.wslconfig.effective import Evaluation

_MIN_CLAMP = 256 << 20  # WSL raises an explicit memory below 256 MB to 256 MB, silently


def config_checks(evaluation: Evaluation, policy: Policy, host_memory: int | None, *,
                  suggest_from_host: bool = True) -> list[Finding]:
    """``suggest_from_host``: False when this machine is not the one whose WSL reads the file (a CI
    agent): the memory fix then suggests a size that does not depend on it (hostmemory.host_is_target)."""
    findings: list[Finding] = []
    if policy.require_virtiofs:
        findings.extend(_virtiofs(evaluation))
    findings.extend(_memory(evaluation, policy, host_memory, suggest_from_host))
    findings.extend(_required(evaluation, policy))
    return findings


def _required(evaluation: Evaluation, policy: Policy) -> list[Finding]:
    """`required-key`: each key the policy file requires, with the exact `set` that fixes it."""
    found = []
    by = f"the policy {policy.source}" if policy.source else "the policy"
    for req in policy.required:
        setting = evaluation.settings.get(req.id)
        if setting is not None and setting.value == req.value:
            continue
        lines = [entry.line for entry in evaluation.occurrences.get(req.id, [])]
        if setting is not None:
            now = f"the file sets {setting.text} on line {setting.entry.line}"
        elif lines:
            now = f"WSL rejects the value on line {lines[0]}"
        else:
            now = "the file does not set it"
        found.append(Finding.make(
            "required-key",
            f"{by} requires {req.key} = {req.text}, but {now}",
            shellcommand.ours("set", req.key, req.raw),
            key=req.key,
            line=lines[0] if lines else None,
        ))
    return found


def _no_drives(evaluation: Evaluation) -> list[Finding]:
    """`no-windows-drives`: with hostFileSystemAccess=false WSL mounts no Windows drive, so virtiofs (the
    way drives are mounted) has nothing to speed up (WslCoreVm.cpp adds drvfs devices only when
    EnableHostFileSystemAccess)."""
    access = evaluation.settings.get("wsl2.hostfilesystemaccess")
    if access is None or access.value is not False:
        return []
    return [Finding.make(
        "no-windows-drives",
        f"hostFileSystemAccess={access.text} on line {access.entry.line}: WSL mounts no Windows drives, so "
        "virtiofs has nothing to speed up",
        shellcommand.ours("unset", "wsl2.hostFileSystemAccess"),
        key="wsl2.hostFileSystemAccess",
        line=access.entry.line,
    )]


def _virtiofs(evaluation: Evaluation) -> list[Finding]:
    return _virtiofs_on(evaluation) + _no_drives(evaluation)


def _virtiofs_on(evaluation: Evaluation) -> list[Finding]:
    settings = evaluation.settings
    virtiofs = settings.get("wsl2.virtiofs")
    if virtiofs is None or virtiofs.value is not True:
        rejected = evaluation.occurrences.get("wsl2.virtiofs", []) if virtiofs is None else []
        if virtiofs is not None:
            where = f"virtiofs={virtiofs.text} on line {virtiofs.entry.line}"
        elif rejected:  # the invalid-value finding says why WSL drops it; this says what follows
            where = f"virtiofs={visible(rejected[-1].value)} on line {rejected[-1].line} is not a value WSL accepts"
        else:
            where = "virtiofs is not set"
        return [
            Finding.make(
                "virtiofs-disabled",
                f"{where}: Windows drives use the slow 9p path (virtiofs is opt-in, default false)",
                shellcommand.ours("set", "wsl2.virtiofs", "true"),
                key="wsl2.virtiofs",
                line=virtiofs.entry.line if virtiofs else (rejected[-1].line if rejected else None),
            )
        ]
    found = []
    virtio = settings.get("wsl2.virtio")
    if virtio is not None and virtio.value is False:
        found.append(
            Finding.make(
                "virtiofs-overridden",
                f"virtio=false on line {virtio.entry.line} turns virtiofs off again",
                shellcommand.ours("unset", "wsl2.virtio"),
                key="wsl2.virtio",
                line=virtio.entry.line,
            )
        )
    safe_mode = settings.get("wsl2.safemode")
    if safe_mode is not None and safe_mode.value is True:
        found.append(
            Finding.make(
                "virtiofs-overridden",
                f"safeMode=true on line {safe_mode.entry.line} turns virtiofs (and virtio, GPU, GUI) off",
                shellcommand.ours("unset", "wsl2.safeMode"),
                key="wsl2.safeMode",
                line=safe_mode.entry.line,
            )
        )
    return found


def _gb(n: int) -> str:
    return values.readable_size(n)


def suggested_memory(host_memory: int | None, floor: int = 0) -> int:
    """Half the target's RAM in whole GB (what WSL would pick), never less than 2 GB; 4 GB when
    the target's RAM is unknown. Raised to the next whole GB above ``floor`` when it is not above it."""
    host = host_memory
    size = 4 << 30 if host is None else max(2 << 30, (host // 2) >> 30 << 30)
    if size <= floor:
        size = (floor // (1 << 30) + 1) << 30
    return size


def _memory(evaluation: Evaluation, policy: Policy, host_memory: int | None, suggest_from_host: bool) -> list[Finding]:
    setting = evaluation.settings.get("wsl2.memory")
    explicit = setting.value if setting is not None and setting.value != 0 else None
    assert explicit is None or isinstance(explicit, int)  # noqa: S101 - sizes parse to int
    line = setting.entry.line if setting is not None else None
    fix_value = values.format_size(suggested_memory(host_memory if suggest_from_host else None, policy.memory_floor))
    fix = shellcommand.ours("set", "wsl2.memory", fix_value)
    if explicit is not None:
        effective = max(explicit, _MIN_CLAMP)
        if host_memory is not None:
            effective = min(effective, host_memory)
        described = f"memory={setting.text if setting else ''}"
    else:
        if host_memory is None:
            return []  # WSL takes half the host's RAM; with the host unknown there is nothing to judge
        effective = host_memory // 2
        described = f"memory is not set, so WSL gives the VM half of {_gb(host_memory)}"
    if effective <= policy.memory_floor:
        return [
            Finding.make(
                "memory-too-low",
                f"{described}: the VM gets {_gb(effective)}, and the fast path needs more than "
                f"{_gb(policy.memory_floor)}",
                fix,
                key="wsl2.memory",
                line=line,
            )
        ]
    swiotlb = evaluation.settings.get("experimental.swiotlb")
    if effective < SWIOTLB_MIN_MEMORY and (swiotlb is None or swiotlb.value == 0):
        return [
            Finding.make(
                "memory-no-swiotlb",
                f"{described}: below 1GB + 64MB WSL gives virtiofs no DMA (swiotlb) pool, "
                "so the speed-up is lost",
                fix,
                key="wsl2.memory",
                line=line,
            )
        ]
    return []
