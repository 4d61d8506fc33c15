"""`apply`: make the .wslconfig comply with the policy, update WSL, check again, and restart
WSL when a restart is pending. Non-interactive: it never prompts and never reads stdin.

Order (planning.py decides the edits):

1. the config edits, all in memory, then ONE write (backup + atomic, safewrite.py); nothing
   is written when nothing changes, so a second run leaves the file (and its mtime) alone;
2. `wsl --version`; then `wsl --update [--pre-release]` (the policy's channel) and `wsl --version`
   again, by default also when the versions comply (newer releases carry virtiofs fixes past the
   minimums); the policy's `[update] run` ("when-behind", "never") or --no-update choose otherwise;
3. whether a restart is pending (restart.py: the VM runs on an older file or kernel; found
   without starting the VM: `wsl --list --verbose`, plus one read in a running distro);
4. with --shutdown, when a restart is pending or this run changed something, `wsl --shutdown`.

A failing update does not undo the config edits; the report says what worked and what did
not. wsl.exe missing, failing or timing out is exit 4, and the report still says whether
the config edits were written. --dry-run shows the diff and the plan and writes nothing,
updates nothing, restarts nothing (it reads `wsl --version`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from wslconfig_assistant.cli import output
from wslconfig_assistant.cli.commands.context import Context
from wslconfig_assistant.compliance import planning
from wslconfig_assistant.compliance.gates import gate_line
from wslconfig_assistant.core import shellcommand
from wslconfig_assistant.core.errors import AssistantError, ExitCode, InterruptedAfterWrite, WslError
from wslconfig_assistant.core.findings import Finding, sort_key
from wslconfig_assistant.core.policy import DEFAULT, Policy
from wslconfig_assistant.system.hostmemory import host_memory
from wslconfig_assistant.system.streams import is_terminal

if TYPE_CHECKING:
    from wslconfig_assistant.compliance.gates import Gate
    from wslconfig_assistant.storage.safewrite import Backup
    from wslconfig_assistant.wsl.queries import Wsl
    from wslconfig_assistant.wsl.restart import Pending
    from wslconfig_assistant.wsl.update_runner import UpdateReport
    from wslconfig_assistant.wsl.version_report import VersionReport
    from wslconfig_assistant.wslconfig.document import ConfigDocument

WIDTH = 80


class WslSteps(NamedTuple):
    """What the wsl.exe part of the run found and did."""

    before: VersionReport | None = None
    gates: list[Gate] | None = None  # the latest: after the update when there was one
    gate_findings: list[Finding] = []  # noqa: RUF012 - a NamedTuple default, never mutated
    reasons: list[str] = []  # noqa: RUF012 - why an update is needed (empty: it is not)
    update: UpdateReport | None = None
    runs_update: bool = False  # this run runs (or, dry, would run) `wsl --update`
    restart: Pending | None = None  # is a restart pending (after the write and the update)
    shutdown: bool = False  # `wsl --shutdown` ran and succeeded
    error: AssistantError | None = None  # wsl.exe missing, failed or timed out

    @property
    def updated(self) -> bool:
        """WSL's version changed (the update installed something)."""
        report = self.update
        return report is not None and report.after is not None and report.after.wsl != report.before.wsl

    def needs_restart(self, changed: bool) -> bool:
        """WSL must restart for this run's changes or an earlier one's. ``changed``: this run wrote the
        file. A VM known to be stopped needs none: it reads the file and kernel when it next starts."""
        if self.restart is not None and self.restart.state != "unknown":
            return self.restart.pending
        return changed or self.updated


class ApplyRun(NamedTuple):
    """What one run of apply's core did: the plan, the wsl.exe steps, the findings at the end."""

    plan: planning.ConfigPlan
    steps: WslSteps
    findings: list[Finding]
    code: int  # apply's exit code
    backup: Backup | None


def apply(ctx: Context, *, policy: Policy = DEFAULT, memory: str | None = None, sets: Sequence[str] = (),
          dry_run: bool = False, no_update: bool = False, shutdown: bool = False,
          update_timeout: float | None = None) -> int:
    run = run_apply(ctx, policy=policy, memory=memory, sets=sets, dry_run=dry_run, no_update=no_update,
                    shutdown=shutdown, update_timeout=update_timeout)
    _report(ctx, policy, run.plan, run.steps, run.findings, code=run.code, backup=run.backup, dry_run=dry_run,
            no_update=no_update, shutdown=shutdown)
    return run.code


def run_apply(ctx: Context, *, policy: Policy = DEFAULT, memory: str | None = None, sets: Sequence[str] = (),
              dry_run: bool = False, no_update: bool = False, shutdown: bool = False,
              update_timeout: float | None = None, names: planning.RequestNames = planning.CLI_NAMES) -> ApplyRun:
    """apply's core, without the report: `apply` and `dsc set` both run exactly this.

    With ``ctx.json`` nothing goes to stdout (progress goes to ``ctx.console``). ``names``: how
    messages name the request's parts (`dsc set` names its DSC properties).
    """
    host, _source = host_memory()
    with ctx.write_lock(dry_run=dry_run):  # read, plan and write as one; wsl.exe runs after, unlocked
        doc = ctx.load()
        plan = planning.plan_config(doc, policy, host, memory=memory, sets=sets, names=names)
        backup = None if dry_run else _write(ctx, plan)
    if dry_run:
        steps = _wsl_steps(ctx, policy, plan, dry_run=True, allow_update=False, want_shutdown=False,
                           timeout=update_timeout)
        findings = sorted(doc.findings(policy, host) + steps.gate_findings, key=sort_key)
        return ApplyRun(plan, steps, findings, _exit_code(findings, steps), None)
    if plan.changed and not ctx.json:  # shown now: the update may take minutes
        con = ctx.console
        con.print(plan.diff().rstrip("\n"))
        if plan.repair is not None:
            con.print(f"repaired: {plan.repair.summary()}")
        con.print(con.paint(f"written: {ctx.config}", "ok"))
    try:
        steps = _wsl_steps(ctx, policy, plan, dry_run=False, allow_update=not no_update,
                           want_shutdown=shutdown, timeout=update_timeout)
    except KeyboardInterrupt as exc:
        if plan.changed:
            raise InterruptedAfterWrite(_written_text(ctx, backup)) from exc
        raise
    findings = plan.after.findings(policy, host) + steps.gate_findings
    if steps.needs_restart(plan.changed) and not steps.shutdown:
        findings.append(_restart_finding(steps))
    findings.sort(key=sort_key)
    return ApplyRun(plan, steps, findings, _exit_code(findings, steps), backup)


def _restart_finding(steps: WslSteps) -> Finding:
    from wslconfig_assistant.wsl.restart import pending_finding, shutdown_fix  # noqa: PLC0415

    if steps.restart is not None and steps.restart.pending:
        return pending_finding(steps.restart)
    return Finding.make("shutdown-required", "WSL reads .wslconfig and runs a new kernel only when its VM starts: "
                        "the changes take effect after WSL restarts", shutdown_fix())


def update_runs(policy: Policy, reasons: list[str], *, no_update: bool) -> bool:
    """Whether `wsl --update` runs: --no-update never; else the policy's `[update] run`."""
    if no_update or policy.update_run == "never":
        return False
    return policy.update_run == "always" or bool(reasons)


def _written_text(ctx: Context, backup: Backup | None) -> str:
    """What an interrupt after the write leaves: the edits are in the file, the update may be half-run."""
    undo = (f"backup {backup.id}; undo: {shellcommand.ours('restore', backup.id)}" if backup is not None
            else "there was no file before")
    return (f"{ctx.config} was written before the interrupt ({undo}); the WSL update or restart did not "
            f"finish: check with `{shellcommand.wsl('--version')}`, or run the same apply again")


def _exit_code(findings: list[Finding], steps: WslSteps) -> int:
    if steps.error is not None:
        return int(steps.error.exit_code)
    if any(f.severity == "error" for f in findings):
        return ExitCode.NOT_COMPLIANT
    return ExitCode.OK


def _write(ctx: Context, plan: planning.ConfigPlan) -> Backup | None:
    """The one write (WriteRefusedError, exit 5, leaves the original intact and stops the run)."""
    if not plan.changed:
        return None
    from pathlib import Path  # noqa: PLC0415 - only writers need it

    from wslconfig_assistant.storage.safewrite import write_file  # noqa: PLC0415

    keys = ", ".join((["repair"] if plan.repair is not None else []) + [edit.change.key for edit in plan.edits])
    result = write_file(Path(ctx.config), plan.after.to_bytes(), expected=plan.before.raw,
                        reason=f"apply ({keys})")
    return result.backup


def _wsl_steps(ctx: Context, policy: Policy, plan: planning.ConfigPlan, *, dry_run: bool, allow_update: bool,
               want_shutdown: bool, timeout: float | None) -> WslSteps:
    from wslconfig_assistant.wsl.queries import Wsl  # noqa: PLC0415

    doc = plan.after
    steps = WslSteps()
    try:
        wsl = Wsl(ctx.wsl_exe)
        before = wsl.version_report()
        gates, gate_findings = planning.version_gates(before, doc, policy, kernel_warning=wsl.kernel_patch_warning)
        reasons = planning.update_reasons(gates, custom=planning.custom_kernel(doc) is not None)
        runs = update_runs(policy, reasons, no_update=not allow_update)
        steps = steps._replace(before=before, gates=gates, gate_findings=gate_findings, reasons=reasons,
                               runs_update=runs)
        if dry_run:
            return steps._replace(restart=check_restart(wsl, ctx.config, before, doc))
        if runs:
            steps = _update(ctx, policy, wsl, steps, doc, timeout)
        if steps.error is None:
            latest = steps.update.after if steps.update is not None else before
            steps = steps._replace(restart=check_restart(wsl, ctx.config, latest, doc))
        if want_shutdown and (plan.changed or steps.updated or steps.needs_restart(False)):
            from wslconfig_assistant.wsl.update_runner import SHUTDOWN_WARNING, shutdown  # noqa: PLC0415

            _say(ctx, ctx.console.paint(f"warning: {SHUTDOWN_WARNING}", "warning"))
            shutdown(wsl)
            steps = steps._replace(shutdown=True)
    except WslError as exc:
        steps = steps._replace(error=exc)
    return steps


def check_restart(wsl: Wsl, config: str, report: VersionReport | None, doc: ConfigDocument, *,
                  installed_kernel: str | None = None) -> Pending:
    """restart.decide on this machine, never starting the VM; a failing wsl.exe makes it "unknown".
    The installed kernel comes from ``report`` (a `wsl --version`), else ``installed_kernel``."""
    from wslconfig_assistant.wsl import restart  # noqa: PLC0415

    try:
        vm = restart.observe_vm(wsl)
    except WslError as exc:
        vm = restart.VmFacts(None, f"whether WSL runs is unknown: {exc.message}")
    return restart.decide(vm, changed_at=restart.config_changed_at(config),
                          installed_kernel=report.kernel if report is not None else installed_kernel,
                          custom_kernel=planning.custom_kernel(doc))


def _update(ctx: Context, policy: Policy, wsl: Wsl, steps: WslSteps, doc: ConfigDocument,  # noqa: PLR0917
            timeout: float | None) -> WslSteps:
    from wslconfig_assistant.compliance.gates import GateFacts, evaluate_gates  # noqa: PLC0415
    from wslconfig_assistant.wsl.update_runner import run_update  # noqa: PLC0415

    assert steps.before is not None  # noqa: S101 - read by the caller
    command = "wsl " + " ".join(planning.update_args(policy))
    stable = planning.stable_channel_finding(policy, steps.gates or [], custom=planning.custom_kernel(doc) is not None)
    if stable is not None:  # said before the update: it cannot reach the fast path
        for line in _wrap(f"warning: {stable.message}", "  ", first=""):
            _say(ctx, ctx.console.paint(line, "warning"))
        for line in _wrap(f"fix: {stable.fix}", "  "):
            _say(ctx, ctx.console.paint(line, "dim"))
    _say(ctx, f"updating WSL: {command}")
    _say(ctx, ctx.console.paint("  (downloads and installs; this can take minutes)", "dim"))
    live = not ctx.json and is_terminal(sys.stdout)
    report = run_update(wsl, channel=policy.channel, stream=sys.stdout if live else None,
                        before=steps.before, timeout=timeout)
    steps = steps._replace(update=report)
    if report.error is not None:  # timed out: reported in `update`, and exit 4
        facts = GateFacts(None, None, "unknown: `wsl --update` was stopped before it finished")
        gates, gate_findings = evaluate_gates(facts, policy)
        return steps._replace(gates=gates, gate_findings=gate_findings, error=report.error)
    if report.after is None:
        facts = GateFacts(None, None, "wsl --version failed after the update")
        gates, gate_findings = evaluate_gates(facts, policy)
        error = WslError("`wsl --version` failed after the update, so the new versions are unknown",
                         fix="the installer may still be finishing: run `wsl --version` in a minute, "
                         "then apply again")
        return steps._replace(gates=gates, gate_findings=gate_findings, error=error)
    gates, gate_findings = planning.version_gates(report.after, doc, policy,
                                                        kernel_warning=wsl.kernel_patch_warning)
    return steps._replace(gates=gates, gate_findings=gate_findings)


def _say(ctx: Context, text: str) -> None:
    """Progress for people: stdout normally, stderr with --json."""
    ctx.console.print(text)


# -- reporting -------------------------------------------------------------------------------

def _report(ctx: Context, policy: Policy, plan: planning.ConfigPlan, steps: WslSteps, findings: list[Finding],
            *, code: int, backup: Backup | None, dry_run: bool, no_update: bool, shutdown: bool) -> None:
    todo = _next_steps(policy, plan, steps, findings, dry_run=dry_run, no_update=no_update, shutdown=shutdown)
    if ctx.json:
        written = plan.changed and not dry_run
        doc = output.envelope(
            "apply", code, str(ctx.config), findings,
            changes=_changes_json(plan, written=written),
            repair=plan.repair.as_json() if plan.repair is not None else None,
            diff=plan.diff(),
            written=written,
            backup=str(backup.path) if backup else None,
            backup_id=backup.id if backup else None,
            update=steps.update.as_json() if steps.update else None,
            versions={gate.name: gate.as_json() for gate in steps.gates} if steps.gates is not None else None,
            dry_run=dry_run,
            plan=_plan_json(policy, plan, steps, no_update=no_update, shutdown=shutdown),
            shutdown={"requested": shutdown, "done": steps.shutdown},
            restart=steps.restart.as_json() if steps.restart is not None else None,
            next_steps=todo,
        )
        if steps.error is not None:
            doc["error"] = {"message": steps.error.message, "fix": steps.error.fix,
                            "config_written": written}
        output.print_json(doc)
        return
    if dry_run:
        _human_dry_run(ctx, policy, plan, steps, findings, code=code, no_update=no_update, shutdown=shutdown)
    else:
        _human_summary(ctx, plan, steps, findings, code, backup=backup, todo=todo)


def _changes_json(plan: planning.ConfigPlan, *, written: bool) -> list[dict[str, object]]:
    """The repair first (key null, action "repair"), then each edit: a repair alone is a change too."""
    changes = [edit.as_json() | {"written": written} for edit in plan.edits]
    if plan.repair is None:
        return changes
    from wslconfig_assistant.cli.commands.repair import change_json  # noqa: PLC0415

    return [change_json(plan.repair, written=written), *changes]


def _plan_json(policy: Policy, plan: planning.ConfigPlan, steps: WslSteps, *, no_update: bool,
               shutdown: bool) -> dict[str, object]:
    return {
        "repair": plan.repair is not None,
        "edits": len(plan.edits),
        "update": {
            "needed": bool(steps.reasons),
            "reasons": steps.reasons,
            "command": "wsl " + " ".join(planning.update_args(policy)),
            "run": "never" if no_update else policy.update_run,
            "runs": steps.runs_update,
            "skipped": bool(steps.reasons) and not steps.runs_update,
        },
        "shutdown": shutdown,
    }


def _next_steps(policy: Policy, plan: planning.ConfigPlan, steps: WslSteps, findings: list[Finding], *,
                dry_run: bool, no_update: bool, shutdown: bool) -> list[str]:
    todo: list[str] = []
    if dry_run:
        if plan.changed or steps.runs_update or (shutdown and steps.needs_restart(False)):
            todo.append("run the same command without --dry-run")
        elif steps.needs_restart(False):
            todo.append("restart WSL so the earlier changes take effect: "
                        f"{shellcommand.wsl('--shutdown')} (or apply --shutdown)")
        return todo
    if steps.error is not None:
        todo.append(steps.error.fix or steps.error.message)
    outcome = steps.update.outcome if steps.update is not None else None
    still_old = any(f.code in _VERSION_CODES for f in steps.gate_findings)
    if outcome is not None and not outcome.ok:
        todo.append(outcome.fix)
    elif outcome is not None and still_old:
        if policy.channel == "stable":
            todo.append('the stable channel has no WSL new enough yet: use [update] channel = "pre-release" '
                        "in the policy, or wait for a stable release")
        else:
            todo.append("no WSL release new enough is out yet, not even a pre-release: wait for one")
    elif steps.reasons and not steps.runs_update:
        how = "apply without --no-update" if no_update else '[update] run = "when-behind" in the policy'
        todo.append(f"update WSL: {shellcommand.wsl(*planning.update_args(policy))} (or {how})")
    if outcome is not None and outcome.kind == "reboot-required":
        todo.append("restart Windows: the update needs it")
    if steps.needs_restart(plan.changed) and not steps.shutdown:
        why = "the changes take effect" if plan.changed or steps.updated else "the earlier changes take effect"
        todo.append(f"restart WSL so {why}: {shellcommand.wsl('--shutdown')} (or apply --shutdown)")
    for finding in findings:
        if finding.severity == "error" and finding.fix not in todo and finding.code not in _VERSION_CODES:
            todo.append(finding.fix)
    return todo


_VERSION_CODES = frozenset({"kernel-too-old", "devicehost-too-old"})  # the update's fix says it


def _wrap(text: str, indent: str = "  ", first: str | None = None) -> list[str]:
    from wslconfig_assistant.cli.columns import fit, terminal_width  # noqa: PLC0415

    # Commands in the text stay whole (columns.py); the width is the terminal's, 80 when unknown.
    return fit((indent if first is None else first) + text, terminal_width(sys.stdout), cont=indent + "  ",
               escape=False)


def _repair_lines(plan: planning.ConfigPlan) -> list[str]:
    if plan.repair is None:
        return []
    lines = _wrap(plan.repair.summary(), "    ")
    for note in plan.repair.notes:
        lines.extend(_wrap(f"note: {note}", "    "))
    return lines


def _edit_lines(plan: planning.ConfigPlan) -> list[str]:
    lines = []
    for edit in plan.edits:
        change = edit.change
        what = (f"{change.key} = {change.new}" if change.old is None
                else f"{change.key}: {change.old} -> {change.new}")
        lines.extend(_wrap(f"{what}  ({edit.reason})", "    "))
    return lines


def _gate_lines(ctx: Context, gates: list[Gate]) -> list[str]:
    con = ctx.console
    lines = []
    for gate in gates:
        left, text, style = gate_line(gate)
        lines.append((left + (con.paint(text, style) if style else text)).rstrip())
    return lines


def _finding_lines(ctx: Context, findings: list[Finding]) -> list[str]:
    con = ctx.console
    lines = []
    for f in findings:
        where = f" (line {f.line})" if f.line else ""
        head = f"  {con.paint(f.severity, f.severity)} [{f.code}]{where}"
        lines.append(head)
        lines.extend(_wrap(f.message, "    "))
        lines.extend(con.paint(line, "dim") for line in _wrap(f"fix: {f.fix}", "    "))
    return lines


def _human_dry_run(ctx: Context, policy: Policy, plan: planning.ConfigPlan, steps: WslSteps,
                   findings: list[Finding], *, code: int, no_update: bool, shutdown: bool) -> None:
    con = ctx.console
    con.print(con.paint("dry run: nothing is written, updated or restarted", "bold"))
    if plan.changed:
        con.print(plan.diff().rstrip("\n"))
    con.print(con.paint("Plan", "bold"))
    n = 1
    if plan.repair is not None:
        con.print(f"  {n}. repair the .wslconfig (WSL cannot read it as written):")
        for line in _repair_lines(plan):
            con.print(line)
        n += 1
    if plan.edits:
        con.print(f"  {n}. edit the .wslconfig (one write, after a backup):")
        for line in _edit_lines(plan):
            con.print(line)
    elif plan.repair is None:
        con.print(f"  {n}. the .wslconfig already complies: no edit")
    n += 1
    command = "wsl " + " ".join(planning.update_args(policy))
    skip = "--no-update" if no_update else f'[update] run = "{policy.update_run}"'
    if steps.error is not None:
        con.print(f"  {n}. update WSL if needed: unknown, wsl.exe failed")
    elif steps.runs_update:
        con.print(f"  {n}. update WSL: {command}")
        for reason in steps.reasons or ["the versions comply; newer releases carry virtiofs fixes past them"]:
            con.print(f"       {reason}")
    elif steps.reasons:
        con.print(f"  {n}. update WSL: {command} (skipped: {skip})")
        for reason in steps.reasons:
            con.print(f"       {reason}")
    else:
        con.print(f"  {n}. no update ({skip}): the kernel and DeviceHost are new enough")
    n += 1
    con.print(f"  {n}. check the versions and the config again")
    n += 1
    if steps.restart is not None:
        for line in _wrap(f"restart pending: {_restart_text(steps.restart)}", "     ", first=f"  {n}. "):
            con.print(line)
        n += 1
    if shutdown:
        con.print(f"  {n}. restart WSL (wsl --shutdown) if a restart is pending or anything changed")
    if steps.gates is not None:
        con.print(con.paint("Versions now", "bold"))
        for line in _gate_lines(ctx, steps.gates):
            con.print(line)
    _print_error(ctx, steps)
    errors = [f for f in findings if f.severity == "error"]
    verdict = "complies now" if code == 0 else "does not comply now" if code == 1 else "cannot tell"
    con.print(con.paint(f"result: {verdict} ({len(errors)} error(s)); nothing was changed",
                        "ok" if code == 0 else "error"))


def _print_error(ctx: Context, steps: WslSteps, *, fix: bool = True) -> None:
    if steps.error is None:
        return
    con = ctx.console
    first, *rest = steps.error.message.splitlines() or [""]
    for line in _wrap(f"error: {first}", "  ", first=""):
        con.print(con.paint(line, "error"))
    for line in rest:
        con.print(line)
    if steps.error.fix and fix:
        for line in _wrap(f"fix: {steps.error.fix}", "  "):
            con.print(con.paint(line, "dim"))


def _human_summary(ctx: Context, plan: planning.ConfigPlan, steps: WslSteps, findings: list[Finding],
                   code: int, *, backup: Backup | None, todo: list[str]) -> None:
    con = ctx.console
    if steps.update is not None:
        outcome = steps.update.outcome
        for line in _wrap(f"update: {outcome.message}", ""):
            con.print(con.paint(line, "ok" if outcome.ok else "error"))
    if steps.gates is not None:
        con.print(con.paint("Versions", "bold"))
        for line in _gate_lines(ctx, steps.gates):
            con.print(line)
    # The versions above show the version findings; the summary says what to restart.
    shown = [f for f in findings if f.code not in _VERSION_CODES and f.code != "shutdown-required"]
    if shown:
        con.print(con.paint("Findings", "bold"))
        for line in _finding_lines(ctx, shown):
            con.print(line)
    _print_error(ctx, steps, fix=False)  # the summary's "to do" has the fix
    con.print(con.paint("Summary", "bold"))
    if plan.repair is not None:
        con.print(f"  repaired {ctx.config} (WSL could not read it as written):")
        for line in _repair_lines(plan):
            con.print(line)
    if plan.edits:
        con.print(f"  changed  {ctx.config}:")
        for line in _edit_lines(plan):
            con.print(line)
    elif plan.repair is None:
        con.print("  changed  nothing in the .wslconfig (it already complied)")
    if backup is not None:
        con.print(f"  backup   {backup.path}")
        con.print(f"           (undo: {shellcommand.ours('restore', backup.id)})")
    con.print("  WSL      " + _wsl_line(steps))
    if steps.shutdown:
        con.print("  restart  done: WSL was shut down, it starts anew")
    elif steps.restart is not None:
        for line in _wrap(_restart_text(steps.restart), "           ", first="  restart  "):
            con.print(line)
    for i, item in enumerate(todo):
        for line in _wrap(item, "           ", first="  to do    " if i == 0 else "           "):
            con.print(line)
    if code == 0:
        con.print(con.paint("  result   complies", "ok"))
    elif code == 1:
        con.print(con.paint("  result   does NOT comply yet", "error"))
    else:
        written = "the config edits WERE written" if plan.changed else "nothing was written"
        con.print(con.paint(f"  result   wsl.exe failed; {written}", "error"))


def _restart_text(pending: Pending) -> str:
    word = {"pending": "yes", "none": "no", "unknown": "cannot tell"}[pending.state]
    return f"{word}: {pending.reason}"


def _wsl_line(steps: WslSteps) -> str:
    if steps.before is None:
        return "not checked (wsl.exe failed)"
    if steps.update is None:
        if steps.reasons:
            return f"{steps.before.wsl}: needs an update (not run)"
        return f"{steps.before.wsl}: versions are new enough, no update"
    report = steps.update
    after = report.after.wsl if report.after is not None else "unknown"
    if steps.updated:
        return f"updated {report.before.wsl} -> {after}"
    if report.outcome.kind == "already-latest":
        return f"{after}: already the newest release (wsl --update checked)"
    from wslconfig_assistant.wsl.update_runner import kind_text  # noqa: PLC0415

    return f"the update {kind_text(report.outcome.kind)}: still {after}"
