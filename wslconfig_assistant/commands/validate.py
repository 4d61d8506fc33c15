"""`validate`: the read-only compliance check for CI. Never writes, never prompts."""

from __future__ import annotations

import sys

from wslconfig_assistant import output
from wslconfig_assistant.commands.context import Context
from wslconfig_assistant.errors import ExitCode, UsageError
from wslconfig_assistant.hostinfo import host_memory
from wslconfig_assistant.policy import DEFAULT, Policy

FORMATS = ("text", "json", "junit", "github")


def validate(ctx: Context, *, offline: bool, fmt: str, strict: bool, policy: Policy = DEFAULT) -> int:
    if not offline:
        raise UsageError(
            "validate without --offline also checks the WSL, kernel and DeviceHost versions, "
            "which this build cannot do yet",
            fix="run `wslconfig-assistant validate --offline` (configuration checks only)",
        )
    if ctx.json:
        fmt = "json"
    doc = ctx.load()
    memory, _source = host_memory()
    if strict:
        policy = policy._replace(strict=True)
    findings = doc.findings(policy, memory)
    errors = any(f.severity == "error" for f in findings)
    code = ExitCode.NOT_COMPLIANT if errors else ExitCode.OK
    path = str(ctx.config)
    if fmt == "json":
        output.print_json(output.envelope("validate", code, path, findings, versions=None))
    elif fmt == "junit":
        sys.stdout.write(output.junit(path, findings))
    elif fmt == "github":
        sys.stdout.write(output.github(path, findings))
    else:
        con = ctx.console
        for line in output.finding_lines(con, path, findings):
            con.print(line)
        con.print(output.summary(con, findings))
    return code
