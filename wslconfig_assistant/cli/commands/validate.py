"""`validate`: the read-only compliance check for CI. Never writes, never prompts."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from wslconfig_assistant.cli import output
from wslconfig_assistant.cli.commands.context import Context
from wslconfig_assistant.core.errors import ExitCode
from wslconfig_assistant.core.policy import DEFAULT, Policy
from wslconfig_assistant.system.hostmemory import host_is_target, host_memory

if TYPE_CHECKING:
    from wslconfig_assistant.wslconfig.document import ConfigDocument

FORMATS = ("text", "json", "junit", "github")


def validate(ctx: Context, *, offline: bool, fmt: str, strict: bool, policy: Policy = DEFAULT,
             version_file: str | None = None) -> int:
    """Configuration checks, plus (unless --offline) the version gates from one `wsl --version`.

    Never writes, never updates, never starts the WSL VM.
    """
    start = time.perf_counter()
    if ctx.json:
        fmt = "json"
    doc = ctx.load()
    memory, _source = host_memory()
    if strict:
        policy = policy._replace(strict=True)
    # CI judges a file for another machine: its fixes must not depend on the agent's RAM.
    findings = doc.findings(policy, memory, suggest_from_host=host_is_target())
    versions: dict[str, object] | None = None
    if not offline or version_file is not None:
        from wslconfig_assistant.cli.commands.versions import collect, gates_json  # noqa: PLC0415
        from wslconfig_assistant.core.findings import sort_key  # noqa: PLC0415

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
        from wslconfig_assistant.cli import junitxml  # noqa: PLC0415

        run = junitxml.this_run(time.perf_counter() - start)
        output.write_machine(junitxml.junit(path, findings, run, lines=_editor_lines(doc)))
    elif fmt == "github":
        from wslconfig_assistant.cli.github_annotations import github  # noqa: PLC0415

        listing = _list_all(offline=offline, strict=strict, version_file=version_file)
        output.write_machine(github(path, findings, lines=_editor_lines(doc), list_all=listing))
    else:
        con = ctx.console
        for line in output.finding_lines(con, path, findings):
            con.print(line)
        con.print(output.summary(con, findings))
    return code


def _editor_lines(doc: ConfigDocument) -> dict[int, int]:
    from wslconfig_assistant.wslconfig.linenumbers import lf_lines  # noqa: PLC0415

    text = doc.file.wsl_text
    return lf_lines(text, doc.parsed) if text is not None else {}


def _list_all(*, offline: bool, strict: bool, version_file: str | None) -> str:
    """The same check in text format: it lists every finding (for the 11th annotation and after).
    shellcommand.ours adds the --config, --wsl-exe and --policy this run was given, quoted for the shell."""
    from wslconfig_assistant.core.shellcommand import ours  # noqa: PLC0415

    args = ["--offline"] if offline else []
    args += ["--strict"] if strict else []
    args += ["--wsl-version-file", version_file] if version_file else []
    return ours("validate", *args, "--format", "text")
