"""`setup`: the interactive wizard.

It shows where the machine stands (the config's findings and one `wsl --version`), then asks
about each change `apply` would make (planning.py decides what they are; the wizard only
lets a person take or leave each one), shows the diff, and asks before writing, before
updating and before `wsl --shutdown`. Every answer is collected FIRST and only then does
anything happen, so Ctrl-C at any prompt leaves the file untouched (no write, no backup)
and exits 130. Enter at every prompt takes the defaults, which end compliant.

No terminal (stdin or stdout redirected, or CI set) is a usage error pointing to `apply`:
the wizard never hangs on a pipe and never draws prompts into a file. On a machine that is
not Windows, with no --config and no simulated profile, it runs in demo's sandbox.

Every line it prints fits 80 columns (the prompts are short; long paths are broken at
their separators); colours follow the console (NO_COLOR, --no-color).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NamedTuple

from wslconfig_assistant.cli.commands.context import Context
from wslconfig_assistant.cli.prompts import NoTerminalError, Prompter, can_prompt, no_terminal_reason
from wslconfig_assistant.compliance import planning
from wslconfig_assistant.compliance.gates import gate_line
from wslconfig_assistant.core import shellcommand
from wslconfig_assistant.core.errors import ExitCode, UsageError, WslError
from wslconfig_assistant.core.findings import Finding, sort_key
from wslconfig_assistant.core.policy import DEFAULT, Policy
from wslconfig_assistant.system.hostmemory import host_memory
from wslconfig_assistant.wslconfig import values
from wslconfig_assistant.wslconfig.document import resolve_key

if TYPE_CHECKING:
    from wslconfig_assistant.cli.output import Console
    from wslconfig_assistant.compliance.gates import Gate
    from wslconfig_assistant.core.policy import Requirement
    from wslconfig_assistant.storage.safewrite import Backup
    from wslconfig_assistant.wsl.queries import Wsl
    from wslconfig_assistant.wsl.restart import Pending
    from wslconfig_assistant.wsl.update_runner import UpdateReport
    from wslconfig_assistant.wsl.version_report import VersionReport
    from wslconfig_assistant.wslconfig.document import ConfigDocument
    from wslconfig_assistant.wslconfig.reencode import Repair
    from wslconfig_assistant.wslconfig.schema import KeySpec

PROG = "wslconfig-assistant"
WIDTH = 80

# The questions, as the prompts show them (the tests expect on these words).
Q_VIRTIOFS = "Turn on virtiofs?"
Q_MEMORY = "Give the VM more memory?"
Q_MEMORY_SIZE = "Memory for the VM:"
Q_REQUIRED = "Set {key} = {value}?"
Q_REPAIR = "Repair the file (re-encode it as UTF-8; a backup is kept)?"
Q_WRITE = "Write this to the .wslconfig (a backup is kept)?"
Q_UPDATE = "Update WSL now?"
Q_SHUTDOWN = "Restart WSL now (running distros stop)?"

SIMULATED = "No Windows here: setup runs in demo's simulated Windows profile."
INTERRUPTED = "interrupted; nothing was written"

_VIRTIOFS_KEYS = frozenset({"wsl2.virtiofs", "wsl2.virtio", "wsl2.safemode"})
_VERSION_CODES = frozenset({"kernel-too-old", "devicehost-too-old", "version-unknown"})


def setup(*, console: Console, config: str | None, wsl_exe: str | None, policy: Policy = DEFAULT,
          json_mode: bool = False, prompter: Prompter | None = None) -> int:
    """The `setup` command (and a bare call on a terminal). ``prompter``: tests pass a scripted one."""
    if json_mode:
        raise UsageError("setup asks questions, so it prints no JSON",
                         fix=f"for a JSON report use `{shellcommand.ours('apply', '--json')}` "
                         "(with --dry-run it changes nothing)")
    if prompter is None and not can_prompt():
        raise NoTerminalError(no_terminal_reason())
    if config is None and _no_windows_profile():
        from wslconfig_assistant.wsl.sandbox import sandbox  # noqa: PLC0415 - only off Windows

        Screen(console).say(SIMULATED, "bold")
        with sandbox() as path:
            ctx = Context(str(path), console, False, wsl_exe)
            code = wizard(ctx, policy=policy, prompter=prompter or _terminal(console))
            Screen(console).say("(the simulated profile is removed now; try `wslconfig-assistant demo` "
                                "for the whole story)", "dim")
            return code
    from wslconfig_assistant.storage.locate import config_path  # noqa: PLC0415

    ctx = Context(config_path(config), console, False, wsl_exe)
    return wizard(ctx, policy=policy, prompter=prompter or _terminal(console))


def _terminal(console: Console) -> Prompter:
    from wslconfig_assistant.cli.prompts import TerminalPrompter  # noqa: PLC0415

    return TerminalPrompter(color=console.color)


def _no_windows_profile() -> bool:
    """Not Windows, not inside WSL (where interop finds the profile), and no simulated profile."""
    from wslconfig_assistant.storage.locate import PROFILE_ENV  # noqa: PLC0415
    from wslconfig_assistant.system.hostmemory import running_inside_wsl  # noqa: PLC0415

    return sys.platform != "win32" and not os.environ.get(PROFILE_ENV) and not running_inside_wsl()


# -- output that fits 80 columns ------------------------------------------------------------

def fit(text: str, width: int = WIDTH) -> list[str]:
    """One line of text as lines of at most ``width`` terminal columns (columns.fit)."""
    from wslconfig_assistant.cli.columns import fit as fit_columns  # noqa: PLC0415

    return fit_columns(text, width)


class Screen:
    """Prints through the console, every line fitted to 80 columns and then painted."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def say(self, text: str = "", style: str | None = None) -> None:
        from wslconfig_assistant.cli.columns import terminal_width  # noqa: PLC0415

        width = terminal_width(self.console.stream)
        for raw in text.split("\n"):
            for line in fit(raw, width):
                self.console.print(self.console.paint(line, style) if style and line else line)

    def heading(self, text: str) -> None:
        self.console.print()
        self.say(text, "bold")


# -- the wizard -----------------------------------------------------------------------------

class Versions(NamedTuple):
    wsl: Wsl | None = None
    before: VersionReport | None = None
    gates: list[Gate] | None = None
    findings: list[Finding] = []  # noqa: RUF012 - a NamedTuple default, never mutated
    reasons: list[str] = []  # noqa: RUF012 - why an update is needed (empty: it is not)
    error: WslError | None = None
    restart: Pending | None = None  # is a restart of WSL pending already (restart.py)

    @property
    def restart_pending(self) -> bool:
        return self.restart is not None and self.restart.pending


class Answers(NamedTuple):
    plan: planning.ConfigPlan  # the accepted edits only
    declined: list[str]  # what the person said no to, for the summary
    write: bool
    update: bool
    shutdown: bool


class Outcome(NamedTuple):
    backup: Backup | None = None
    written: bool = False
    update: UpdateReport | None = None
    gates: list[Gate] | None = None
    gate_findings: list[Finding] = []  # noqa: RUF012 - a NamedTuple default, never mutated
    shutdown: bool = False
    error: WslError | None = None

    @property
    def updated(self) -> bool:
        report = self.update
        return report is not None and report.after is not None and report.after.wsl != report.before.wsl


def wizard(ctx: Context, *, policy: Policy, prompter: Prompter, show_state: bool = True) -> int:
    """Ask everything, then act, then sum up. ``show_state``: demo has just shown it."""
    screen = Screen(ctx.console)
    host, _source = host_memory()
    try:
        doc = ctx.load()
        versions = _read_versions(ctx, doc, policy)
        if show_state:
            _show_state(screen, ctx, doc, policy=policy, host=host, versions=versions)
        answers = _ask(screen, prompter, doc, policy=policy, host=host, versions=versions)
    except KeyboardInterrupt:
        ctx.console.print()
        ctx.console.error(f"{PROG}: {INTERRUPTED}")
        return ExitCode.INTERRUPTED
    outcome = _act(screen, ctx, policy, answers, versions)
    return _summary(screen, ctx, doc, policy=policy, host=host, answers=answers, versions=versions,
                    outcome=outcome)


def _read_versions(ctx: Context, doc: ConfigDocument, policy: Policy) -> Versions:
    """One `wsl --version`; a missing or failing wsl.exe leaves the config questions possible."""
    from wslconfig_assistant.wsl.queries import Wsl  # noqa: PLC0415

    try:
        wsl = Wsl(ctx.wsl_exe)
        before = wsl.version_report()
    except WslError as exc:
        return Versions(error=exc)
    from wslconfig_assistant.cli.commands.apply import check_restart  # noqa: PLC0415

    gates, findings = planning.version_gates(before, doc, policy, kernel_warning=wsl.kernel_patch_warning)
    reasons = planning.update_reasons(gates, custom=planning.custom_kernel(doc) is not None)
    return Versions(wsl, before, gates, findings, reasons, restart=check_restart(wsl, ctx.config, before, doc))


def _show_state(screen: Screen, ctx: Context, doc: ConfigDocument, *, policy: Policy, host: int | None,
                versions: Versions) -> None:
    screen.say("wslconfig-assistant setup", "bold")
    screen.say(f"File: {ctx.config}" + ("" if doc.exists else "  (not there yet: WSL uses its defaults)"))
    if host is not None:
        screen.say(f"This PC has {values.readable_size(host)} of RAM.", "dim")
    findings = sorted(doc.findings(policy, host), key=sort_key)
    screen.heading("What WSL makes of the file today")
    if not findings:
        screen.say("  no problems")
    for line, style in _finding_lines(findings):
        screen.say(line, style)
    screen.heading("Versions (wsl --version)")
    if versions.error is not None:
        screen.say(f"  unknown: {versions.error.message}", "error")
        if versions.error.fix:
            screen.say(f"    fix: {versions.error.fix}", "dim")
    else:
        assert versions.gates is not None  # noqa: S101 - read together with the report
        for line, style in _gate_lines(versions.gates):
            screen.say(line, style)
        # What the gate lines cannot say: a known bug of this version, WSL's kernel-patch warning, a key or
        # value newer than this WSL.
        for line, style in _finding_lines(sorted((f for f in versions.findings if f.code not in _VERSION_CODES),
                                                 key=sort_key)):
            screen.say(line, style)
        if versions.restart_pending:
            assert versions.restart is not None  # noqa: S101 - restart_pending says so
            screen.say(f"  restart pending: {versions.restart.reason}", "warning")


def _finding_lines(findings: list[Finding]) -> list[tuple[str, str | None]]:
    lines: list[tuple[str, str | None]] = []
    for f in findings:
        where = f" (line {f.line})" if f.line else ""
        lines.append((f"  {f.severity} [{f.code}]{where}", f.severity))
        lines.append((f"    {f.message}", None))
        lines.append((f"    fix: {f.fix}", "dim"))
    return lines


def _gate_lines(gates: list[Gate]) -> list[tuple[str, str | None]]:
    lines: list[tuple[str, str | None]] = []
    for gate in gates:
        left, text, style = gate_line(gate)
        lines.append(((left + text).rstrip(), style))
    return lines


# -- the questions ----------------------------------------------------------------------------

class _Want(NamedTuple):
    spec: KeySpec
    value: str  # as `set KEY VALUE` takes it
    reason: str


def _ask(screen: Screen, prompter: Prompter, doc: ConfigDocument, *, policy: Policy, host: int | None,
         versions: Versions) -> Answers:
    """Every question; nothing is done yet."""
    default = planning.plan_config(doc, policy, host)  # what apply would do: the defaults
    required = {req.id: req for req in policy.required}
    wants: list[_Want] = []
    declined: list[str] = []
    edits = list(default.edits)
    from wslconfig_assistant.cli.commands.apply import update_runs  # noqa: PLC0415

    offer_update = versions.wsl is not None and update_runs(policy, versions.reasons, no_update=False)
    if not default.changed and not offer_update and not versions.restart_pending:
        screen.heading("Nothing to change: the plan for this machine is empty.")
        return Answers(default, [], write=False, update=False, shutdown=False)
    repair = default.repair
    if repair is not None and not _ask_repair(screen, prompter, repair):
        # Nothing can be edited in a file WSL cannot read as written: the edits go with the repair.
        declined.append("the repair (so no edit either)")
        repair, edits = None, []
    virtiofs = [e for e in edits if e.change.key.lower() in _VIRTIOFS_KEYS]
    if virtiofs:
        screen.heading("virtiofs, the fast file path")
        for edit in virtiofs:
            screen.say(f"  {edit.change.key} = {edit.change.new}  ({edit.reason})")
        # The "before" figure must be taken before anything changes: nothing has yet (answers come first).
        screen.say(f"  to see the speed-up, measure now, before the change: {shellcommand.ours('bench')}", "dim")
        if prompter.confirm(Q_VIRTIOFS, default=True):
            wants.extend(_Want(resolve_key(e.change.key), _value_of(default, e, required), e.reason)
                         for e in virtiofs)
        else:
            declined.append("virtiofs")
    memory = next((e for e in edits if e.change.key.lower() == "wsl2.memory" and "wsl2.memory" not in required),
                  None)
    if memory is not None:
        wants.extend(_ask_memory(screen, prompter, doc, policy=policy, host=host, default=default, edit=memory,
                                 declined=declined))
    for edit in edits:
        if edit is memory or edit in virtiofs:
            continue
        value = _value_of(default, edit, required)
        screen.heading(f"Required: {edit.change.key}")
        screen.say(f"  {edit.reason}")
        if prompter.confirm(Q_REQUIRED.format(key=edit.change.key, value=value), default=True):
            wants.append(_Want(resolve_key(edit.change.key), value, edit.reason))
        else:
            declined.append(edit.change.key)
    plan = _plan(doc, wants, repair)
    write = False
    if plan.changed:
        screen.heading("The change to the file")
        if plan.repair is not None:
            screen.say("  the repair shown above" + (", then:" if plan.edits else ""))
        shown = plan.diff() if plan.repair is None else plan.repair.after.diff(plan.after) if plan.edits else ""
        for line in shown.splitlines():
            screen.say(line, _diff_style(line))
        write = prompter.confirm(Q_WRITE, default=True)
        if not write:
            declined.append("writing the file")
    update = False
    if offer_update:
        if versions.reasons:
            screen.heading("WSL needs an update")
        else:
            screen.heading("Update WSL: the versions comply, and newer releases carry virtiofs fixes past them")
        for reason in versions.reasons:
            screen.say(f"  {reason}")
        for finding in versions.findings:
            if finding.code == "stable-channel":  # before the update: it cannot reach the fast path
                screen.say(f"  warning: {finding.message}", "warning")
                screen.say(f"    fix: {finding.fix}", "dim")
        command = "wsl " + " ".join(planning.update_args(policy))
        screen.say(f"  {command} downloads and installs it (this can take minutes)", "dim")
        update = prompter.confirm(Q_UPDATE, default=True)
        if not update:
            declined.append("the update")
    shutdown = False
    # An update the versions do not need ("always") installs at most a newer release, and its MSI
    # stops the VM: no restart to ask about for it alone.
    needed_update = update and bool(versions.reasons)
    if versions.wsl is not None and ((write and plan.changed) or needed_update or versions.restart_pending):
        from wslconfig_assistant.wsl.update_runner import SHUTDOWN_WARNING  # noqa: PLC0415

        screen.heading("Restart WSL, so that it reads the new settings")
        if versions.restart_pending and versions.restart is not None:
            screen.say(f"  {versions.restart.reason}")
        screen.say(f"  warning: {SHUTDOWN_WARNING}", "warning")
        shutdown = prompter.confirm(Q_SHUTDOWN, default=True)
        if not shutdown:
            declined.append("the restart")
    return Answers(plan, declined, write, update, shutdown)


def _ask_repair(screen: Screen, prompter: Prompter, repair: Repair) -> bool:
    problem = repair.before.file.problem
    screen.heading("WSL cannot read the file as written: it needs a repair first")
    if problem is not None:
        screen.say(f"  {problem.message}")
    for line in repair.diff.splitlines():
        screen.say(line, _diff_style(line))
    screen.say(f"  {repair.summary()}", "dim")
    for note in repair.notes:
        screen.say(f"  note: {note}", "dim")
    return prompter.confirm(Q_REPAIR, default=True)


def _ask_memory(screen: Screen, prompter: Prompter, doc: ConfigDocument, *, policy: Policy, host: int | None,
                default: planning.ConfigPlan, edit: planning.PlannedEdit, declined: list[str]) -> list[_Want]:
    spec = resolve_key("wsl2.memory")
    suggested = default.after.read_back(spec)
    assert isinstance(suggested, int)  # noqa: S101 - planning wrote a size
    target = values.format_size(suggested)
    floor = values.format_size(policy.memory_floor)
    screen.heading(f"The VM's memory (the fast path needs more than {floor})")
    screen.say(f"  {edit.reason}")
    if not prompter.confirm(Q_MEMORY, default=True):
        declined.append("more memory")
        return []
    half = f"half of this PC's {values.readable_size(host)}, in whole GB" if host is not None else "a safe guess"
    screen.say(f"  Suggested: {target} ({half}).", "dim")
    screen.say("  WSL's size grammar: a whole number and an upper-case unit, no space:", "dim")
    screen.say("  8GB, 12GB, 6144MB.", "dim")

    def check(text: str) -> str | None:
        return _memory_problem(doc, policy, host, text, target)

    answer = prompter.text(Q_MEMORY_SIZE, default=target, validate=check)
    from wslconfig_assistant.wslconfig.canonical import canonical  # noqa: PLC0415

    written, _typed = canonical(spec, answer.strip())
    return [_Want(spec, written, f"memory {written}, chosen in setup")]


def _memory_problem(doc: ConfigDocument, policy: Policy, host: int | None, text: str, target: str) -> str | None:
    """Why WSL or the policy would not take this memory size (None: it is fine). Short: one line."""
    from wslconfig_assistant.wslconfig.canonical import canonical  # noqa: PLC0415

    shown = text if len(text) <= 16 else text[:15] + "..."
    try:
        canonical(resolve_key("wsl2.memory"), text.strip())
    except UsageError as exc:
        hint = exc.fix if exc.fix and exc.fix.startswith("did you mean") else f"write it like {target}"
        return f"{shown!r} is not a size WSL reads: {hint}"
    try:
        planning.plan_config(doc, policy, host, memory=text.strip())  # the policy's rules, not ours
    except UsageError:
        return f"the VM needs more than {values.format_size(policy.memory_floor)}: try {target}"
    return None


def _value_of(plan: planning.ConfigPlan, edit: planning.PlannedEdit, required: dict[str, Requirement]) -> str:
    """The value `set` would take to make this planned edit again."""
    req = required.get(edit.change.key.lower())
    if req is not None:
        return req.raw
    value = plan.after.read_back(resolve_key(edit.change.key))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _plan(doc: ConfigDocument, wants: list[_Want], repair: Repair | None = None) -> planning.ConfigPlan:
    """The accepted edits, made the way plan_config makes them (each a minimal, self-checked edit),
    on the repaired file when the repair was accepted."""
    current = repair.after if repair is not None else doc
    edits: list[planning.PlannedEdit] = []
    for want in wants:
        edited, change = current.with_value(want.spec, want.value)
        if change.action == "unchanged":
            continue
        edits.append(planning.PlannedEdit(change, want.reason, current.diff(edited)))
        current = edited
    return planning.ConfigPlan(doc, current, edits, repair)


def _diff_style(line: str) -> str | None:
    if line.startswith(("+++", "---")):
        return "bold"
    if line.startswith("+"):
        return "ok"
    if line.startswith("-"):
        return "error"
    if line.startswith("@@"):
        return "info"
    return None


# -- acting -------------------------------------------------------------------------------------

def _act(screen: Screen, ctx: Context, policy: Policy, answers: Answers, versions: Versions) -> Outcome:
    """Write, update, restart, in that order, as agreed. A refused write (exit 5) stops here."""
    outcome = Outcome(gates=versions.gates, gate_findings=versions.findings)
    plan = answers.plan
    if answers.write and plan.changed:
        from pathlib import Path  # noqa: PLC0415 - only writers need it

        from wslconfig_assistant.storage.safewrite import write_file  # noqa: PLC0415

        keys = ", ".join((["repair"] if plan.repair is not None else []) + [e.change.key for e in plan.edits])
        result = write_file(Path(ctx.config), plan.after.to_bytes(), expected=plan.before.raw,
                            reason=f"setup ({keys})")
        outcome = outcome._replace(backup=result.backup, written=True)
        screen.heading("Written")
        screen.say(f"  {ctx.config}", "ok")
    wsl = versions.wsl
    if wsl is None:
        return outcome
    try:
        if answers.update:
            outcome = _update(screen, ctx, policy, wsl, answers, versions, outcome)
        if answers.shutdown and (outcome.written or outcome.updated or versions.restart_pending):
            from wslconfig_assistant.wsl.update_runner import shutdown  # noqa: PLC0415

            screen.heading("Restarting WSL: wsl --shutdown")
            shutdown(wsl)
            outcome = outcome._replace(shutdown=True)
            screen.say("  done: WSL starts anew, with the new settings, when it is next used", "ok")
    except WslError as exc:
        outcome = outcome._replace(error=exc)
    return outcome


def _update(screen: Screen, ctx: Context, policy: Policy, wsl: Wsl, answers: Answers,  # noqa: PLR0917
            versions: Versions, outcome: Outcome) -> Outcome:
    from wslconfig_assistant.wsl.update_runner import run_update  # noqa: PLC0415

    assert versions.before is not None  # noqa: S101 - read with the Wsl
    screen.heading("Updating WSL: wsl " + " ".join(planning.update_args(policy)))
    screen.say("  (wsl.exe's own progress follows)", "dim")
    ctx.console.stream.flush()
    # The terminal itself is the stream: wsl.exe's progress shows as it comes.
    report = run_update(wsl, channel=policy.channel, stream=ctx.console.stream, before=versions.before)
    outcome = outcome._replace(update=report)
    outcome_style = "ok" if report.outcome.ok else "error"
    screen.say(f"  {report.outcome.message}", outcome_style)
    if report.after is None:
        from wslconfig_assistant.compliance.gates import GateFacts, evaluate_gates  # noqa: PLC0415

        gates, gate_findings = evaluate_gates(GateFacts(None, None, "wsl --version failed after the update"),
                                              policy)
        error = WslError("`wsl --version` failed after the update, so the new versions are unknown",
                         fix="the installer may still be finishing: run `wsl --version` in a minute, "
                         "then `wslconfig-assistant validate`")
        return outcome._replace(gates=gates, gate_findings=gate_findings, error=error)
    doc = answers.plan.after if outcome.written else answers.plan.before
    gates, gate_findings = planning.version_gates(report.after, doc, policy,
                                                        kernel_warning=wsl.kernel_patch_warning)
    return outcome._replace(gates=gates, gate_findings=gate_findings)


# -- the summary ----------------------------------------------------------------------------------

def _summary(screen: Screen, ctx: Context, doc: ConfigDocument, *, policy: Policy, host: int | None,
             answers: Answers, versions: Versions, outcome: Outcome) -> int:
    final = answers.plan.after if outcome.written else doc
    findings = final.findings(policy, host) + outcome.gate_findings
    if (outcome.written or outcome.updated or versions.restart_pending) and not outcome.shutdown:
        findings.append(Finding.make(
            "shutdown-required",
            "WSL reads .wslconfig and runs a new kernel only when its VM starts",
            shellcommand.wsl("--shutdown") + "   (running distros stop)",
        ))
    findings.sort(key=sort_key)
    error = outcome.error or versions.error
    if error is not None:
        code = int(error.exit_code)
    elif any(f.severity == "error" for f in findings):
        code = ExitCode.NOT_COMPLIANT
    else:
        code = ExitCode.OK
    screen.heading("Summary")
    if outcome.written and answers.plan.repair is not None:
        screen.say(f"  repaired {answers.plan.repair.summary()}")
    if outcome.written and answers.plan.edits:
        screen.say("  changed  " + "; ".join(_change_text(edit) for edit in answers.plan.edits))
    elif not outcome.written:
        screen.say("  changed  nothing in the .wslconfig")
    if outcome.backup is not None:
        screen.say(f"  backup   {outcome.backup.path}")
        screen.say(f"           undo: {shellcommand.ours('restore', outcome.backup.id)}", "dim")
    screen.say("  WSL      " + _wsl_text(versions, outcome))
    if outcome.shutdown:
        screen.say("  restart  done (wsl --shutdown)")
    if answers.declined:
        screen.say("  skipped  " + ", ".join(answers.declined) + " (you said no)")
    todo = _todo(policy, answers, versions, outcome, findings)
    for i, item in enumerate(todo):
        screen.say(("  to do    " if i == 0 else "           ") + item)
    if not todo and outcome.shutdown:
        screen.say(f"  next     {PROG} verify   (proves the fast path is on; starts WSL)")
        screen.say(f"           {PROG} verify --bench   (also measures the Windows drive and compares)")
    if error is not None:
        screen.say(f"  error    {error.message}", "error")
    if code == ExitCode.OK:
        screen.say("  result   complies", "ok")
    elif code == ExitCode.NOT_COMPLIANT:
        screen.say("  result   does NOT comply yet", "error")
    else:
        written = "the .wslconfig WAS written" if outcome.written else "nothing was written"
        screen.say(f"  result   wsl.exe failed; {written}", "error")
    return code


def _change_text(edit: planning.PlannedEdit) -> str:
    change = edit.change
    return f"{change.key} = {change.new}" if change.old is None else f"{change.key}: {change.old} -> {change.new}"


def _wsl_text(versions: Versions, outcome: Outcome) -> str:
    if versions.before is None:
        return "versions unknown (wsl.exe failed)"
    report = outcome.update
    if report is None:
        if versions.reasons:
            return f"{versions.before.wsl}: needs an update (not run)"
        return f"{versions.before.wsl}: new enough, no update needed"
    after = report.after.wsl if report.after is not None else "unknown"
    if outcome.updated:
        return f"updated {report.before.wsl} -> {after}"
    if report.outcome.kind == "already-latest":
        return f"{after}: already the newest release (wsl --update checked)"
    from wslconfig_assistant.wsl.update_runner import kind_text  # noqa: PLC0415

    return f"the update {kind_text(report.outcome.kind)}: still {after}"


def _todo(policy: Policy, answers: Answers, versions: Versions, outcome: Outcome,
          findings: list[Finding]) -> list[str]:
    todo: list[str] = []

    def add(item: str | None) -> None:
        if item and item not in todo:
            todo.append(item)

    for error in (outcome.error, versions.error):
        if error is not None:
            add(error.fix or error.message)
    report = outcome.update
    if report is not None and not report.outcome.ok:
        add(report.outcome.fix)
    elif report is None and versions.reasons and versions.wsl is not None:
        add(f"update WSL: {shellcommand.wsl(*planning.update_args(policy))}")
    if report is not None and report.outcome.kind == "reboot-required":
        add("restart Windows: the update needs it")
    if (outcome.written or outcome.updated or versions.restart_pending) and not outcome.shutdown:
        add(f"restart WSL so the changes take effect: {shellcommand.wsl('--shutdown')}")
    for finding in findings:
        if finding.severity == "error" and finding.code not in _VERSION_CODES:
            add(finding.fix)
    if not todo and answers.declined:
        add(f"run `{shellcommand.ours('setup')}` again when you are ready")
    return todo
