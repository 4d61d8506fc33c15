"""The version gates: WSL, kernel and DeviceHost against the policy's minimums, each with
where its version came from. Pure: the caller brings the facts (one `wsl --version`,
the config's ``kernel=``, optionally the running kernel). Undecidable means failing
closed: ``ok`` is None and the finding is ``version-unknown``, an error.
"""

from __future__ import annotations

from typing import NamedTuple

from wslconfig_assistant.core import shellcommand
from wslconfig_assistant.core.findings import Finding
from wslconfig_assistant.core.policy import Policy


def update_fix() -> str:
    return (f"{shellcommand.ours('apply')} (or: {shellcommand.wsl('--update', '--pre-release')}, "
            f"then {shellcommand.wsl('--shutdown')})")


class Gate(NamedTuple):
    name: str  # wsl | kernel | devicehost | running-kernel
    version: str | None
    source: str
    minimum: str | None
    ok: bool | None  # None: no minimum, or cannot be decided

    def as_json(self) -> dict[str, object]:
        return {"version": self.version, "source": self.source, "minimum": self.minimum, "ok": self.ok}


GATE_NAMES = {"wsl": "WSL", "kernel": "kernel", "devicehost": "DeviceHost", "running-kernel": "running kernel"}


def verdict(gate: Gate) -> tuple[str, str | None]:
    """How a gate reads for people, and its colour style (None: plain)."""
    if gate.minimum is None:
        return "", None
    if gate.ok is True:
        return f">= {gate.minimum} ok", "ok"
    if gate.ok is False:
        return f"< {gate.minimum} too old", "error"
    return f"? {gate.minimum} cannot tell", "error"


def gate_line(gate: Gate, *, name_width: int = 11, version_width: int = 20) -> tuple[str, str, str | None]:
    """(name and version columns, verdict, verdict style): one line per gate, for every command."""
    text, style = verdict(gate)
    left = f"  {GATE_NAMES.get(gate.name, gate.name):<{name_width}} {gate.version or 'unknown':<{version_width}} "
    return left, text, style


class GateFacts(NamedTuple):
    wsl: str | None
    kernel: str | None  # the bundled kernel package from `wsl --version`
    source: str  # "wsl --version", or the captured file
    custom_kernel: str | None = None  # the config's kernel= path, when set
    running_kernel: str | None = None  # `uname -r`, only when asked for
    kernel_patch_warning: str | None = None  # the wsl.exe call whose output carried MessageSwiotlbKernelUnsupported


def _meets(found: str | None, minimum: str, parse_name: str) -> bool | None:
    if found is None:
        return None
    from wslconfig_assistant.wsl import package_version  # noqa: PLC0415 - only the online commands compare versions

    parse = getattr(package_version, parse_name)
    try:
        return package_version.meets(parse(found), parse(minimum))
    except package_version.InvalidVersionError:
        return None


def evaluate_gates(facts: GateFacts, policy: Policy) -> tuple[list[Gate], list[Finding]]:
    from wslconfig_assistant.wsl.devicehost import resolve  # noqa: PLC0415

    gates = [Gate("wsl", facts.wsl, facts.source, None, None)]
    findings: list[Finding] = []

    # Kernel: with a custom kernel the bundled one is irrelevant; only the running kernel tells.
    if facts.custom_kernel:
        if facts.running_kernel:
            ok = _meets(facts.running_kernel, policy.min_kernel, "parse_kernel")
            gates.append(Gate("kernel", facts.running_kernel, "running custom kernel (uname -r)",
                              policy.min_kernel, ok))
        else:
            ok = None
            gates.append(Gate("kernel", None, f"custom kernel {facts.custom_kernel}: version unknown until "
                              "WSL runs it", policy.min_kernel, None))
    else:
        ok = _meets(facts.kernel, policy.min_kernel, "parse_kernel")
        gates.append(Gate("kernel", facts.kernel, f"{facts.source} (the bundled kernel package)",
                          policy.min_kernel, ok))
    findings.extend(_kernel_findings(gates[-1], facts))
    if facts.kernel_patch_warning:
        findings.append(kernel_patch_finding(facts))

    devicehost = resolve(facts.wsl)
    dh_ok = _meets(devicehost.version, policy.min_devicehost, "parse_devicehost")
    gates.append(Gate("devicehost", devicehost.version, devicehost.source, policy.min_devicehost, dh_ok))
    kernel_ok = any(g.name == "kernel" and g.ok for g in gates)
    findings.extend(_devicehost_findings(gates[-1], facts, kernel_ok=kernel_ok))

    if policy.require_virtiofs and facts.wsl:  # known bugs of the fast path matter when it is the goal
        from wslconfig_assistant.wsl import advisories  # noqa: PLC0415

        met = all(g.ok for g in gates if g.minimum is not None)
        installed = advisories.Installed(facts.wsl, devicehost.version, devicehost.inferred)
        findings.extend(advisories.findings(installed, policy.advisories, minimums_met=met))

    if facts.running_kernel and not facts.custom_kernel:
        gates.append(Gate("running-kernel", facts.running_kernel, "wsl -e uname -r", None, None))
        from wslconfig_assistant.wsl.restart import stale_kernel  # noqa: PLC0415 - the one rule, with the restart's

        if stale_kernel(facts.running_kernel, facts.kernel):
            findings.append(
                Finding.make(
                    "shutdown-required",
                    f"WSL still runs kernel {facts.running_kernel}, but {facts.kernel} is installed: "
                    "the new kernel (and any .wslconfig change) applies only after WSL restarts",
                    shellcommand.wsl("--shutdown")
                    + "   (running distros stop; wait a few seconds before starting one)",
                )
            )
    return gates, findings


def custom_kernel_fix(path: str) -> str:
    """What helps a custom kernel that lacks the fast path's patch: never `wsl --update`, which does
    not touch a kernel WSL did not ship."""
    return (f"replace the custom kernel {path} with one built from WSL's kernel 6.18.26.3 or newer (it has the "
            f"hv_pci swiotlb patch), or remove kernel= to run WSL's own: {shellcommand.ours('unset', 'wsl2.kernel')}; "
            f"then: {shellcommand.wsl('--shutdown')}")


def kernel_patch_finding(facts: GateFacts) -> Finding:
    """`kernel-patch-missing`: the service itself said the running kernel has no swiotlb pool."""
    said = f"`{facts.kernel_patch_warning}` printed WSL's warning that the running kernel is missing the patch " \
        "that gives virtio devices their DMA (swiotlb) pool"
    if facts.custom_kernel:
        return Finding.make("kernel-patch-missing", f"{said}: the custom kernel {facts.custom_kernel} lacks it, so "
                            "virtiofs runs without the speed-up", custom_kernel_fix(facts.custom_kernel),
                            key="wsl2.kernel")
    return Finding.make("kernel-patch-missing", f"{said}, so virtiofs runs without the speed-up",
                        update_fix())


def _kernel_findings(gate: Gate, facts: GateFacts) -> list[Finding]:
    if gate.ok is True:
        return []
    if gate.ok is None:
        if facts.custom_kernel:
            return [Finding.make(
                "version-unknown",
                f"a custom kernel ({facts.custom_kernel}) is set, so the kernel WSL runs cannot be "
                f"checked against {gate.minimum} without starting WSL",
                f"run `{shellcommand.ours('verify')}` (it starts WSL), or delete kernel= to use WSL's kernel",
                key="wsl2.kernel",
            )]
        found = f"the kernel version {gate.version!r}" if gate.version else "the kernel version (none found)"
        return [Finding.make(
            "version-unknown",
            f"{found} from {facts.source} cannot be compared with {gate.minimum}",
            f"run `{shellcommand.wsl('--version')}` and check the second line; update with " + update_fix(),
        )]
    if facts.custom_kernel:
        return [Finding.make(
            "kernel-too-old",
            f"the custom kernel {facts.custom_kernel} runs {gate.version}, older than {gate.minimum}, the first "
            "with the hv_pci swiotlb support virtiofs needs for its DMA pool (updating WSL does not change it)",
            custom_kernel_fix(facts.custom_kernel),
            key="wsl2.kernel",
        )]
    return [Finding.make(
        "kernel-too-old",
        f"kernel {gate.version} is older than {gate.minimum}, the first with the hv_pci swiotlb support "
        "virtiofs needs for its DMA pool",
        update_fix(),
    )]


def _devicehost_findings(gate: Gate, facts: GateFacts, *, kernel_ok: bool) -> list[Finding]:
    if gate.ok is True:
        return []
    if gate.ok is None:
        return [Finding.make(
            "version-unknown",
            f"the DeviceHost version cannot be determined ({gate.source})",
            "update WSL to a release this tool knows: " + update_fix(),
        )]
    why = ""
    if kernel_ok and facts.wsl:
        # e.g. the 2.7.8-2.7.11 line: kernel 6.18.33.x, but DeviceHost 1.2.14-0
        why = f" (WSL {facts.wsl} has a new enough kernel but not the DeviceHost)"
    return [Finding.make(
        "devicehost-too-old",
        f"DeviceHost {gate.version} is older than {gate.minimum}, the first with device-side SWIOTLB "
        f"support{why}",
        update_fix(),
    )]
