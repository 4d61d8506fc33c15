"""`validate`: the read-only compliance check for CI. Never writes, never prompts."""

from __future__ import annotations

from wslconfig_assistant import output
from wslconfig_assistant.commands.context import Context
from wslconfig_assistant.errors import ExitCode
from wslconfig_assistant.hostinfo import host_memory
from wslconfig_assistant.policy import DEFAULT, Policy

FORMATS = ("text", "json", "junit", "github")


def validate(ctx: Context, *, offline: bool, fmt: str, strict: bool, policy: Policy = DEFAULT,
             version_file: str | None = None) -> int:
    """Configuration checks, plus (unless --offline) the version gates from one `wsl --version`.

    Never writes, never updates, never starts the WSL VM.
    """
    if ctx.json:
        fmt = "json"
    doc = ctx.load()
    memory, _source = host_memory()
    if strict:
        policy = policy._replace(strict=True)
    findings = doc.findings(policy, memory)
    versions: dict[str, object] | None = None
    if not offline or version_file is not None:
        from wslconfig_assistant.commands.versions import collect, gates_json  # noqa: PLC0415
        from wslconfig_assistant.findings import sort_key  # noqa: PLC0415

        gates, gate_findings = collect(ctx, doc, version_file=version_file, running_kernel=False, policy=policy)
        if strict:
            gate_findings = [f.escalated() for f in gate_findings]
        findings = sorted(findings + gate_findings, key=sort_key)
        versions = gates_json(gates)
    errors = any(f.severity == "error" for f in findings)
    code = ExitCode.NOT_COMPLIANT if errors else ExitCode.OK
    path = str(ctx.config)
    if fmt == "json":
        output.print_json(output.envelope("validate", code, path, findings, versions=versions))
    elif fmt == "junit":
        output.write_machine(output.junit(path, findings))
    elif fmt == "github":
        output.write_machine(output.github(path, findings))
    else:
        con = ctx.console
        for line in output.finding_lines(con, path, findings):
            con.print(line)
        con.print(output.summary(con, findings))
    return code
