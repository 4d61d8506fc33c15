"""`verify`: proof, after a restart, that the fast path is really on.

It walks the chain that has to hold, link by link, and gives each broken link its fix:
config (virtiofs on, memory above the floor) → versions (kernel, DeviceHost) →
restart (the VM booted after the last .wslconfig change, on the installed kernel) →
mount (/mnt/c is virtiofs, not 9p) → pool (the guest's hv_pci swiotlb pool is non-zero).
It starts the WSL VM, so it runs only when asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from wslconfig_assistant.cli import output
from wslconfig_assistant.cli.commands.context import Context
from wslconfig_assistant.cli.commands.versions import collect, gate_lines, gates_json
from wslconfig_assistant.compliance import planning
from wslconfig_assistant.compliance.gates import GateFacts, custom_kernel_fix, kernel_patch_finding
from wslconfig_assistant.compliance.planning import custom_kernel
from wslconfig_assistant.core import shellcommand
from wslconfig_assistant.core.errors import ExitCode
from wslconfig_assistant.core.policy import DEFAULT, Policy
from wslconfig_assistant.system.hostmemory import host_memory
from wslconfig_assistant.wsl.queries import SWIOTLB_BASE, SWIOTLB_SIZE, Wsl

if TYPE_CHECKING:
    from wslconfig_assistant.cli.commands.bench import Measured
    from wslconfig_assistant.compliance.gates import Gate

_CONFIG_CODES = {"virtiofs-disabled", "virtiofs-overridden", "memory-too-low", "memory-invalid",
                 "encoding-unsupported"}


class Link(NamedTuple):
    name: str
    ok: bool | None  # None: could not be checked
    detail: str
    fix: str | None

    def as_json(self) -> dict[str, object]:
        return self._asdict()


def verify(ctx: Context, *, policy: Policy = DEFAULT, bench: bool = False) -> int:
    from wslconfig_assistant.wsl import guest  # noqa: PLC0415

    doc = ctx.load()
    memory, _ = host_memory()
    config_findings = [f for f in doc.findings(policy, memory) if f.code in _CONFIG_CODES]
    links = [Link(
        "config",
        not config_findings,
        "virtiofs is on and the VM gets enough memory" if not config_findings
        else "; ".join(f.message for f in config_findings),
        config_findings[0].fix if config_findings else None,
    )]
    wsl = Wsl(ctx.wsl_exe)
    gates, gate_findings = collect(ctx, doc, version_file=None, running_kernel=True, policy=policy, wsl=wsl)
    needed = [g for g in gates if g.minimum is not None]
    errors = [f for f in gate_findings if f.severity == "error"]
    links.append(Link(
        "versions",
        all(g.ok for g in needed) and not errors,
        ", ".join(f"{g.name} {g.version or 'unknown'}" for g in needed),
        errors[0].fix if errors else None,
    ))
    links.append(_restart_link(ctx, wsl, gates, planning.custom_kernel(doc)))
    mounts = guest.parse_mounts(wsl.guest_text("cat", "/proc/mounts") or "")
    access = guest.classify_drive_mount(guest.drive_mount(mounts))
    links.append(Link(
        "mount",
        access.kind == "virtiofs",
        f"/mnt/c is {access.kind}: {access.detail}",
        None if access.kind == "virtiofs" else "fix the links above, then: " + shellcommand.wsl("--shutdown"),
    ))
    pool = guest.parse_swiotlb(wsl.guest_text("cat", SWIOTLB_BASE), wsl.guest_text("cat", SWIOTLB_SIZE))
    custom = custom_kernel(doc)
    if wsl.kernel_patch_warning and not any(f.code == "kernel-patch-missing" for f in gate_findings):
        # A later call started the VM (it stopped meanwhile): the warning came with that one.
        gate_findings.append(kernel_patch_finding(GateFacts(None, None, "", custom, None, wsl.kernel_patch_warning)))
    if pool.present:
        pool_fix = None
    elif custom:  # no update changes a kernel WSL did not ship
        pool_fix = custom_kernel_fix(custom)
    else:
        pool_fix = ("the kernel or DeviceHost lacks the DMA pool, or memory is below 1GB + 64MB: "
                    "fix the links above, then: " + shellcommand.wsl("--shutdown"))
    said = "; WSL warned that the running kernel is missing the patch" if wsl.kernel_patch_warning else ""
    links.append(Link(
        "pool",
        pool.present,
        f"hv_pci swiotlb pool: base {_hex(pool.base)}, size {_hex(pool.size)}{said}",
        pool_fix,
    ))
    code = ExitCode.OK if all(link.ok for link in links) else ExitCode.NOT_COMPLIANT
    findings = config_findings + gate_findings
    if ctx.json:
        measured = _bench(ctx, wsl) if bench else None
        extra = {} if measured is None else {"bench": measured.run, "comparison": measured.comparison}
        output.print_json(output.envelope("verify", code, ctx.config, findings, versions=gates_json(gates),
                                          chain=[link.as_json() for link in links], **extra))
        return code
    con = ctx.console
    for line in gate_lines(ctx, gates):
        con.print(line)
    for link in links:
        mark = con.paint("ok  ", "ok") if link.ok else con.paint("FAIL", "error") if link.ok is False else "??  "
        con.print(f"{mark} {link.name:<9} {link.detail}")
        if not link.ok and link.fix:
            con.print(con.paint(f"     fix: {link.fix}", "dim"))
    verdict = "the fast path is on" if code == ExitCode.OK else "the fast path is NOT on"
    con.print(con.paint(verdict, "ok" if code == ExitCode.OK else "error"))
    if bench:  # after the chain: people see the verdict first
        from wslconfig_assistant.cli.commands.bench import print_measured  # noqa: PLC0415

        print_measured(ctx, _bench(ctx, wsl))
    return code


def _bench(ctx: Context, wsl: Wsl) -> Measured:
    from wslconfig_assistant.cli.commands.bench import run_bench  # noqa: PLC0415

    return run_bench(ctx, wsl)


def _hex(value: int | None) -> str:
    return "missing" if value is None else hex(value)


def _restart_link(ctx: Context, wsl: Wsl, gates: list[Gate], custom_kernel: str | None = None) -> Link:
    """restart.decide, the decision apply, setup and dsc take too, on what verify has read: verify has
    started the VM (uname -r), so it runs; the guest's uptime, with the host's sleep, says when it booted."""
    from wslconfig_assistant.wsl import restart  # noqa: PLC0415
    from wslconfig_assistant.wsl.vmboot import boot_window  # noqa: PLC0415

    by_name = {gate.name: gate.version for gate in gates}
    running = by_name.get("kernel") if custom_kernel else by_name.get("running-kernel")
    window = boot_window(wsl.guest_text("cat", "/proc/uptime"))
    vm = restart.VmFacts(True, "verify started WSL", boot=window, running_kernel=running)
    pending = restart.decide(vm, changed_at=restart.config_changed_at(ctx.config),
                             installed_kernel=None if custom_kernel else by_name.get("kernel"),
                             custom_kernel=custom_kernel)
    if pending.state == "unknown":
        if window is None:
            return Link("restart", None, "could not read the VM's uptime", None)
        return Link("restart", None, pending.reason, shellcommand.wsl("--shutdown") + ", then verify again")
    return Link("restart", not pending.pending, pending.reason,
                shellcommand.wsl("--shutdown") if pending.pending else None)
