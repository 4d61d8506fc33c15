"""`versions`: WSL, kernel and DeviceHost, where each came from, and whether each meets
its minimum. One wsl.exe call (none with --wsl-version-file); --running-kernel adds one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wslconfig_assistant.cli import output
from wslconfig_assistant.cli.commands.context import Context
from wslconfig_assistant.compliance.gates import Gate, GateFacts, evaluate_gates, gate_line
from wslconfig_assistant.core.errors import ExitCode, WslError
from wslconfig_assistant.core.findings import Finding
from wslconfig_assistant.core.policy import DEFAULT, Policy
from wslconfig_assistant.wslconfig.document import ConfigDocument

if TYPE_CHECKING:
    from wslconfig_assistant.wsl import queries


def collect(ctx: Context, doc: ConfigDocument, *, version_file: str | None, running_kernel: bool,
            policy: Policy, wsl: queries.Wsl | None = None) -> tuple[list[Gate], list[Finding]]:
    """The version gates for this machine (or for a captured `wsl --version`). ``wsl``: the caller's
    wsl.exe, so that what any of its calls printed (the kernel-patch warning) counts."""
    from wslconfig_assistant.wsl import queries  # noqa: PLC0415

    kernel_setting = doc.settings.get("wsl2.kernel")
    custom = str(kernel_setting.value) if kernel_setting is not None and kernel_setting.value else None
    running = None
    warning = None
    if version_file is not None:
        source = f"captured `wsl --version` ({version_file})"
        try:
            report = queries.version_report_from_file(version_file)
        except WslError as exc:
            # No wsl.exe ran, so this is not exit 4: the versions are unknown and the check fails
            # closed (exit 1) next to the config's own findings, which CI must not lose.
            return _unreadable_capture(version_file, source, exc, policy)
        if report.kernel_patch_warning:
            warning = f"wsl --version (in {version_file})"
    else:
        wsl = wsl or queries.Wsl(ctx.wsl_exe)
        report = wsl.version_report()
        source = "wsl --version"
        if running_kernel:
            from wslconfig_assistant.wsl.guest import parse_uname  # noqa: PLC0415

            running = parse_uname(wsl.guest("uname", "-r").output)
        warning = wsl.kernel_patch_warning
    facts = GateFacts(report.wsl, report.kernel, source, custom, running, warning)
    gates, findings = evaluate_gates(facts, policy)
    from wslconfig_assistant.wsl.versionaware import checks  # noqa: PLC0415

    return gates, findings + checks(doc.settings, report.wsl, source)


def _unreadable_capture(version_file: str, source: str, exc: WslError,
                        policy: Policy) -> tuple[list[Gate], list[Finding]]:
    """The gates of a captured `wsl --version` that holds none (empty, garbage, the inbox wsl.exe's
    answer): every version unknown, and one `version-unknown` finding that says why."""
    gates, _findings = evaluate_gates(GateFacts(None, None, f"{source}: unreadable"), policy)
    finding = Finding.make(
        "version-unknown",
        f"the captured `wsl --version` in {version_file} cannot be read ({exc.message}), so the kernel and "
        "DeviceHost versions are unknown",
        "capture the complete output on the target machine: wsl --version > wsl-version.txt",
    )
    return gates, [finding]


def gates_json(gates: list[Gate]) -> dict[str, object]:
    return {gate.name: gate.as_json() for gate in gates}


def gate_lines(ctx: Context, gates: list[Gate], *, sources: bool = True) -> list[str]:
    con = ctx.console
    lines = []
    for gate in gates:
        left, text, style = gate_line(gate, name_width=15, version_width=22)
        lines.append((left + (con.paint(text, style) if style else text)).rstrip())
        if sources:
            lines.append(con.paint(f"  {'':<15} source: {gate.source}", "dim"))
    return lines


def versions(ctx: Context, *, running_kernel: bool, version_file: str | None, policy: Policy = DEFAULT) -> int:
    doc = ctx.load()
    gates, findings = collect(ctx, doc, version_file=version_file, running_kernel=running_kernel, policy=policy)
    code = ExitCode.NOT_COMPLIANT if any(f.severity == "error" for f in findings) else ExitCode.OK
    if ctx.json:
        output.print_json(output.envelope("versions", code, ctx.config, findings, versions=gates_json(gates)))
        return code
    for line in gate_lines(ctx, gates):
        ctx.console.print(line)
    for line in output.finding_lines(ctx.console, ctx.config, findings):
        ctx.console.print(line)
    return code
