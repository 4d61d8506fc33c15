"""`dsc get|test|set`: a DSC v3 command-based resource, and `dsc manifest`, its resource manifest.

DSC (and `winget configure`, which runs it) calls this with the instance's JSON on stdin
(``input: stdin``) and reads JSON Lines on stdout:

* ``get``  - one line: the actual state;
* ``test`` - the actual state with ``_inDesiredState``, then a line listing the properties out of
  the desired state (``return: stateAndDiff``);
* ``set``  - the state after the change, then a line listing the properties that changed
  (``return: stateAndDiff``). ``set`` is apply's own core (``apply.run_apply``): the same plan,
  one lossless write with a backup, idempotent, so it tests before it changes anything
  (``implementsPretest``).

Messages for people go to stderr as JSON lines DSC understands (``{"info": "..."}``,
``{"warn": ...}``, ``{"error": ...}``). DSC treats every non-zero exit code as a failure, so
``get`` and ``test`` exit 0 whatever they find (``test`` says ``_inDesiredState: false``);
``set`` exits 1 when the instance is still not in the desired state afterwards. Other exit
codes are the contract's (CONTRACT.md) and are listed in the manifest's ``exitCodes``.
``get`` and ``test`` never write anything; none of them starts the WSL VM.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO, cast

from wslconfig_assistant import __version__
from wslconfig_assistant.core import shellcommand
from wslconfig_assistant.core.errors import AssistantError, ExitCode, UsageError, WslError
from wslconfig_assistant.system.streams import is_terminal

if TYPE_CHECKING:
    from wslconfig_assistant.cli.commands.apply import WslSteps
    from wslconfig_assistant.cli.commands.context import Context
    from wslconfig_assistant.compliance import planning
    from wslconfig_assistant.compliance.gates import Gate
    from wslconfig_assistant.core.findings import Finding
    from wslconfig_assistant.core.policy import Policy
    from wslconfig_assistant.wsl.version_report import VersionReport
    from wslconfig_assistant.wslconfig.document import ConfigDocument

RESOURCE_TYPE = "WslconfigAssistant/WslConfig"
MANIFEST_NAME = "wslconfig-assistant.dsc.resource.json"
MANIFEST_SCHEMA = "https://aka.ms/dsc/schemas/v3/bundled/resource/manifest.json"
IN_DESIRED_STATE_REF = "https://raw.githubusercontent.com/PowerShell/DSC/main/schemas/v3/resource/properties/inDesiredState.json"
EXECUTABLE = "wslconfig-assistant"
OPERATIONS = ("get", "test", "set")

EXIT_CODES = {
    "0": "Success (get and test: whatever the state; set: the instance is in the desired state)",
    "1": "set ran, but the instance is still not in the desired state (see the findings)",
    "2": "Invalid input: a bad property, KEY or VALUE, or an unreadable policy file",
    "3": "The .wslconfig cannot be read or decoded safely; nothing was written",
    "4": "wsl.exe is missing, failed or timed out",
    "5": "A write was refused or failed; the original .wslconfig is intact",
    "130": "Interrupted; nothing half-written",
}

# DSC's own schema of `_inDesiredState` (PowerShell/DSC schemas/v3/resource/properties/inDesiredState.json),
# embedded under $defs with its $id, as DSC's PSScript resource does: DSC compiles resource schemas
# with a validator that retrieves nothing over the network (jsonschema crate, default features off;
# PowerShell/DSC#1033), so a $ref to a web address it was not given fails every get/test/set.
IN_DESIRED_STATE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": IN_DESIRED_STATE_REF,
    "title": "Instance is in the Desired State",
    "description": "Indicates whether the instance is in the desired state. This property is only returned by "
    "the `test` method.",
    "type": ["boolean", "null"],
    "readOnly": True,
}
_SETTING_VALUE = {"type": ["string", "boolean", "integer"]}
_VERSION = {"type": ["string", "null"], "readOnly": True}

# The instance schema (DSC validates input and output against it).
INSTANCE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "WSL .wslconfig (wslconfig-assistant)",
    "description": "The .wslconfig as WSL reads it, made to comply with a policy: virtiofs on, memory above "
    "the floor, required keys, and optionally WSL updated.",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "configPath": {"type": "string",
                       "description": "The .wslconfig to manage (default: %USERPROFILE%\\.wslconfig)."},
        "virtiofs": {"type": "boolean", "description": "wsl2.virtiofs effectively on (default: as the policy, "
                     "which requires it)."},
        "memory": {"type": ["string", "null"], "description": "wsl2.memory, e.g. 8GB (WSL's size grammar); "
                   "left out: raised only when at or below the policy's floor."},
        "settings": {"type": "object", "description": "Further keys: section.key -> value, as `set` takes them.",
                     "propertyNames": {"pattern": "^[A-Za-z][A-Za-z0-9]*\\.[A-Za-z][A-Za-z0-9]*$"},
                     "additionalProperties": {"anyOf": [_SETTING_VALUE, {"type": "null"}]}},
        "policy": {"type": ["string", "null"], "description": "A TOML policy file (`policy init` writes one)."},
        "updateWsl": {"type": ["boolean", "null"], "description": "Left out: set runs `wsl --update` as the "
                      "policy's [update] run says (default always, also when the versions comply). false: never. "
                      "true: at least when the kernel or DeviceHost is too old. Unless false, the versions count "
                      "for the desired state. test never updates."},
        "shutdown": {"type": "boolean", "default": False, "description": "set runs `wsl --shutdown` when a "
                     "restart is pending or it changed something (running distros stop); test then counts a "
                     "pending restart as out of the desired state."},
        "restartPending": {"type": ["boolean", "null"], "readOnly": True, "description": "WSL's VM runs on an "
                           "older .wslconfig or kernel (null: cannot tell). Found without starting the VM."},
        "compliant": {"type": "boolean", "readOnly": True, "description": "The whole policy holds, as "
                      "`validate` judges it (configuration and versions)."},
        "wslVersion": _VERSION,
        "kernelVersion": _VERSION,
        "deviceHostVersion": _VERSION,
        "findings": {"type": "array", "readOnly": True, "items": {
            "type": "object",
            "required": ["code", "severity", "message", "fix"],
            "properties": {
                "code": {"type": "string"},
                "severity": {"enum": ["error", "warning", "info"]},
                "key": {"type": ["string", "null"]},
                "line": {"type": ["integer", "null"]},
                "message": {"type": "string"},
                "fix": {"type": "string"},
            },
        }},
        "_inDesiredState": {"$ref": IN_DESIRED_STATE_REF},
    },
    "$defs": {IN_DESIRED_STATE_REF: IN_DESIRED_STATE_SCHEMA},
}

# Properties a request sets (the others are read-only results, ignored on input).
_WRITABLE = ("configPath", "virtiofs", "memory", "settings", "policy", "updateWsl", "shutdown")
_READ_ONLY = ("compliant", "wslVersion", "kernelVersion", "deviceHostVersion", "restartPending", "findings",
              "_inDesiredState")


def manifest() -> dict[str, Any]:
    """The resource manifest DSC discovers (dsc/wslconfig-assistant.dsc.resource.json is this, written out)."""

    def op(name: str, **extra: object) -> dict[str, object]:
        return {"executable": EXECUTABLE, "args": ["dsc", name], "input": "stdin", **extra}

    return {
        "$schema": MANIFEST_SCHEMA,
        "type": RESOURCE_TYPE,
        "version": __version__,
        "description": "Keeps %USERPROFILE%\\.wslconfig on WSL's fast virtiofs path, losslessly, "
        "and WSL new enough for it.",
        "tags": ["WSL", "wslconfig", "virtiofs", "Windows"],
        "get": op("get"),
        "test": op("test", **{"return": "stateAndDiff"}),
        "set": op("set", implementsPretest=True, **{"return": "stateAndDiff"}),
        "exitCodes": EXIT_CODES,
        "schema": {"embedded": INSTANCE_SCHEMA},
    }


def manifest_text() -> str:
    return json.dumps(manifest(), indent=2) + "\n"


# -- the request -----------------------------------------------------------------------------

class Request(NamedTuple):
    config_path: str | None
    virtiofs: bool | None  # None: as the policy says
    memory: str | None
    settings: dict[str, str]  # key as given -> value as `set` takes it
    policy_path: str | None
    update_wsl: bool | None  # None: the policy's [update] run decides
    shutdown: bool

    def sets(self) -> list[str]:
        sets = [f"{key}={value}" for key, value in self.settings.items()]
        if self.virtiofs is False:
            sets.append("wsl2.virtiofs=false")
        return sets


def read_request(stream: Any = None) -> Request:
    """One JSON object from stdin; empty (or a terminal) means ``{}``. UsageError (2) for anything else."""
    stream = sys.stdin if stream is None else stream
    from wslconfig_assistant.cli import jsoninput  # noqa: PLC0415
    from wslconfig_assistant.compliance.policy_toml import MAX_BYTES  # noqa: PLC0415 - the same cap as a policy file

    raw = b""
    if stream is not None and not is_terminal(stream):
        buffer = getattr(stream, "buffer", None)
        # One byte more than the cap tells "too big" from "exactly the cap", without reading a flood whole.
        data = buffer.read(MAX_BYTES + 1) if buffer is not None else stream.read(MAX_BYTES + 1)
        raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape")
    if len(raw) > MAX_BYTES:
        raise UsageError(f"the DSC input on stdin is larger than {MAX_BYTES >> 20} MB",
                         fix='send one JSON object, e.g. {"memory": "8GB"}')
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError("the DSC input on stdin is not UTF-8", fix="send one JSON object, UTF-8 encoded") from None
    if not text.strip():
        return parse_request({})
    try:
        data = jsoninput.loads(text)
    except jsoninput.JsonInputError as exc:
        raise UsageError(f"the DSC input on stdin is not accepted: {exc.message}",
                         fix='send one flat JSON object, e.g. {"memory": "8GB"}') from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"the DSC input on stdin is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                         fix='send one JSON object, e.g. {"memory": "8GB"}') from None
    if not isinstance(data, dict):
        raise UsageError("the DSC input on stdin must be one JSON object", fix='e.g. {"virtiofs": true}')
    return parse_request(data)


def parse_request(data: Mapping[str, object]) -> Request:
    for name in data:
        if name not in _WRITABLE and name not in _READ_ONLY and not name.startswith("_"):
            from wslconfig_assistant.compliance.policy_toml import _did_you_mean  # noqa: PLC0415

            raise UsageError(f"DSC input: unknown property {name!r}",
                             fix=_did_you_mean(name, _WRITABLE, f"the properties are: {', '.join(_WRITABLE)}"))
    settings: dict[str, str] = {}
    raw_settings = data.get("settings")
    if raw_settings is not None:
        if not isinstance(raw_settings, dict):
            raise UsageError("DSC input: settings must be an object of section.key -> value",
                             fix='e.g. "settings": {"wsl2.networkingMode": "Mirrored"}')
        for key, value in raw_settings.items():
            if value is None:
                continue
            _check_setting_key(str(key))
            settings[str(key)] = _setting_text(f"settings.{key}", value)
    return Request(
        config_path=_optional_str(data, "configPath"),
        virtiofs=_optional_bool(data, "virtiofs"),
        memory=_optional_str(data, "memory"),
        settings=settings,
        policy_path=_optional_str(data, "policy"),
        update_wsl=_optional_bool(data, "updateWsl"),
        shutdown=bool(_optional_bool(data, "shutdown")),
    )


def _check_setting_key(key: str) -> None:
    """A key of ``settings`` must be one WSL reads: there is no `--allow-unknown` in DSC."""
    from wslconfig_assistant.wslconfig import schema  # noqa: PLC0415
    from wslconfig_assistant.wslconfig.document import resolve_key  # noqa: PLC0415

    try:
        resolve_key(key, allow_unknown=True)  # refuses only a malformed name or a key in the wrong section
    except UsageError as exc:
        raise UsageError(f"DSC input: settings: {exc.message}", fix=exc.fix) from None
    if schema.lookup(key) is None:
        guess = schema.suggest(key)
        raise UsageError(f"DSC input: settings: WSL does not read a key named {json.dumps(key)}",
                         fix=(f"did you mean {guess}? " if guess else "")
                         + "settings takes the keys WSL reads (list them: wslconfig-assistant show --all)")


def _dsc_memory_label(value: str) -> str:
    return f"DSC property memory ({json.dumps(value)})"


def _dsc_setting_label(key: str, value: str) -> str:
    return f"DSC property settings.{key} ({json.dumps(value)})"


def request_names() -> planning.RequestNames:
    """How planning's messages name a DSC request: by its properties, never apply's options."""
    from wslconfig_assistant.compliance import planning  # noqa: PLC0415

    return planning.RequestNames(memory=_dsc_memory_label, setting=_dsc_setting_label,
                                 ask_memory=lambda value: f'"memory": "{value}"')


def _setting_text(where: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    raise UsageError(f"DSC input: {where} must be a string, a boolean or an integer, not {type(value).__name__}",
                     fix=f'e.g. "{where.split(".", 1)[1]}": "value"')


def _optional_str(data: Mapping[str, object], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise UsageError(f"DSC input: {name} must be a non-empty string", fix=f'e.g. "{name}": "..."')
    return value


def _optional_bool(data: Mapping[str, object], name: str) -> bool | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise UsageError(f"DSC input: {name} must be true or false, not {json.dumps(value)}",
                         fix=f'e.g. "{name}": true')
    return value


def request_policy(request: Request) -> Policy:
    from wslconfig_assistant.core.policy import DEFAULT  # noqa: PLC0415

    policy = DEFAULT
    if request.policy_path is not None:
        from wslconfig_assistant.compliance.policy_toml import load_policy  # noqa: PLC0415

        policy = load_policy(request.policy_path)
    if request.virtiofs is not None:
        policy = policy._replace(require_virtiofs=request.virtiofs)
    if request.update_wsl is False:
        policy = policy._replace(update_run="never")
    elif request.update_wsl is True and policy.update_run == "never":
        policy = policy._replace(update_run="when-behind")  # asked for: at least when a version is behind
    return policy


# -- messages for DSC -------------------------------------------------------------------------

class TraceStream(io.TextIOBase):
    """A text stream whose lines go to stderr as DSC trace messages: ``{"info": "line"}``."""

    def __init__(self, level: str = "info", sink: Any = None) -> None:
        super().__init__()
        self.level = level
        self.sink = sink
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        while "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            emit(self.level, line, self.sink)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            emit(self.level, self._pending, self.sink)
            self._pending = ""


def emit(level: str, message: str, sink: Any = None) -> None:
    if message.strip():
        (sink or sys.stderr).write(json.dumps({level: message.rstrip()}) + "\n")


def _print_lines(*docs: object) -> None:
    from wslconfig_assistant.cli.output import write_machine  # noqa: PLC0415

    for doc in docs:
        write_machine(json.dumps(doc, separators=(",", ":")) + "\n")


# -- state -----------------------------------------------------------------------------------

class Versions(NamedTuple):
    gates: list[Gate]
    findings: list[Finding]
    known: bool  # wsl --version answered
    reasons: list[str]  # why an update is needed (empty: it is not)
    restart: bool | None = None  # a restart is pending (None: cannot tell, or not asked)


def _versions(ctx: Context, doc: ConfigDocument, policy: Policy) -> Versions:
    """One `wsl --version` (never starts the VM); a failing wsl.exe fails closed, with a warning."""
    from wslconfig_assistant.cli.commands.versions import collect  # noqa: PLC0415
    from wslconfig_assistant.compliance import planning  # noqa: PLC0415

    try:
        gates, findings = collect(ctx, doc, version_file=None, running_kernel=False, policy=policy)
    except WslError as exc:
        emit("warn", f"the versions are unknown: {exc.message}")
        return _unknown_versions(policy, f"wsl.exe failed: {exc.message}")
    reasons = planning.update_reasons(gates, custom=planning.custom_kernel(doc) is not None)
    return Versions(gates, findings, True, reasons)


def _unknown_versions(policy: Policy, source: str) -> Versions:
    from wslconfig_assistant.compliance.gates import GateFacts, evaluate_gates  # noqa: PLC0415

    gates, findings = evaluate_gates(GateFacts(None, None, source), policy)
    return Versions(gates, findings, False, ["versions unknown"])


def _with_restart(ctx: Context, doc: ConfigDocument, versions: Versions) -> Versions:
    """restart.decide, as apply takes it (never starts the VM); unknown when wsl.exe failed."""
    if not versions.known:
        return versions
    from wslconfig_assistant.cli.commands.apply import check_restart  # noqa: PLC0415
    from wslconfig_assistant.wsl.queries import Wsl  # noqa: PLC0415

    try:
        wsl = Wsl(ctx.wsl_exe)
    except WslError:
        return versions
    by_name = {gate.name: gate.version for gate in versions.gates}
    pending = check_restart(wsl, ctx.config, None, doc, installed_kernel=by_name.get("kernel"))
    return versions._replace(restart=None if pending.state == "unknown" else pending.pending)


def state(doc: ConfigDocument, request: Request, versions: Versions, findings: list[Finding]) -> dict[str, Any]:
    """The instance as it is: what the request asked about, plus the read-only results."""
    from wslconfig_assistant.wslconfig.document import resolve_key  # noqa: PLC0415

    settings = doc.settings
    memory = settings.get("wsl2.memory")
    asked: dict[str, object] = {}
    for key in request.settings:
        try:
            spec = resolve_key(key, allow_unknown=True)
        except UsageError:
            asked[key] = None
            continue
        found = doc.occurrences_of(spec)
        asked[key] = doc.file.text[found[0].value_start : found[0].value_end] if found else None
    by_name = {gate.name: gate.version for gate in versions.gates}
    return {
        "configPath": str(doc.path),
        "virtiofs": _virtiofs_on(doc),
        "memory": memory.text if memory is not None else None,
        "settings": asked,
        "policy": request.policy_path,
        "updateWsl": request.update_wsl,
        "shutdown": request.shutdown,
        "compliant": not any(f.severity == "error" for f in findings),
        "wslVersion": by_name.get("wsl"),
        "kernelVersion": by_name.get("kernel"),
        "deviceHostVersion": by_name.get("devicehost"),
        "restartPending": versions.restart,
        "findings": [f.as_json() for f in findings],
    }


def _virtiofs_on(doc: ConfigDocument) -> bool:
    """virtiofs as WSL will run it: opted in, and not switched off again by virtio=false or safeMode=true."""
    settings = doc.settings

    def value(key: str) -> object:
        setting = settings.get(key)
        return None if setting is None else setting.value

    return value("wsl2.virtiofs") is True and value("wsl2.virtio") is not False and value("wsl2.safemode") is not True


_VIRTIOFS_KEYS = frozenset({"wsl2.virtiofs", "wsl2.virtio", "wsl2.safemode"})


def _out_of_state(doc: ConfigDocument, request: Request, policy: Policy, host: int | None,
                  versions: Versions) -> list[str]:
    """The properties not in the desired state (empty: in it): what apply's plan would still edit,
    config errors no edit can fix, and (with updateWsl) versions that need an update. Pure."""
    from wslconfig_assistant.compliance import planning  # noqa: PLC0415

    plan = planning.plan_config(doc, policy, host, memory=request.memory, sets=request.sets(),
                                names=request_names())
    out: list[str] = []
    for edit in plan.edits:
        key = edit.change.key.lower()
        out.append("virtiofs" if key in _VIRTIOFS_KEYS else "memory" if key == "wsl2.memory" else "settings")
    if plan.repair is not None or any(f.severity == "error" for f in plan.after.findings(policy, host)):
        out.append("findings")  # a file WSL cannot read as written is out of state until repaired
    if policy.update_run != "never" and versions.reasons:
        out.extend(("kernelVersion", "deviceHostVersion"))
    if request.shutdown and versions.restart:
        out.append("restartPending")
    return list(dict.fromkeys(out))


# -- the operations --------------------------------------------------------------------------

def dsc(operation: str, *, config: str | None, wsl_exe: str | None, stdin: Any = None) -> int:
    """Run one DSC operation; errors become a DSC error line on stderr and the contract's exit code."""
    try:
        request = read_request(stdin)
        ctx = _context(request, config, wsl_exe)
        if operation == "get":
            return _get(ctx, request)
        if operation == "test":
            return _test(ctx, request)
        return _set(ctx, request)
    except AssistantError as exc:
        emit("error", f"{exc.message}" + (f" (fix: {exc.fix})" if exc.fix else ""))
        return int(exc.exit_code)


def _context(request: Request, config: str | None, wsl_exe: str | None) -> Context:
    from wslconfig_assistant.cli.commands.context import Context  # noqa: PLC0415
    from wslconfig_assistant.cli.output import Console  # noqa: PLC0415
    from wslconfig_assistant.storage.locate import config_path  # noqa: PLC0415

    console = Console(json_mode=True, no_color=True, stream=cast("TextIO", TraceStream("info")))
    # The commands DSC's trace prints name the file, wsl.exe and policy the request chose.
    shellcommand.remember(shellcommand.Invocation(request.config_path or config, wsl_exe, request.policy_path))
    return Context(config_path(request.config_path or config), console, True, wsl_exe)


class _Observed(NamedTuple):
    """What `get` and `test` read: the file, the policy, the host's RAM and the versions."""

    doc: ConfigDocument
    policy: Policy
    host: int | None
    versions: Versions
    findings: list[Finding]


def _observe(ctx: Context, request: Request) -> _Observed:
    from wslconfig_assistant.core.findings import sort_key  # noqa: PLC0415
    from wslconfig_assistant.system.hostmemory import host_memory  # noqa: PLC0415

    policy = request_policy(request)
    host, _source = host_memory()
    doc = ctx.load()
    versions = _with_restart(ctx, doc, _versions(ctx, doc, policy))
    findings = sorted(doc.findings(policy, host) + versions.findings, key=sort_key)
    return _Observed(doc, policy, host, versions, findings)


def _get(ctx: Context, request: Request) -> int:
    seen = _observe(ctx, request)
    _print_lines(state(seen.doc, request, seen.versions, seen.findings))
    return ExitCode.OK


def _test(ctx: Context, request: Request) -> int:
    seen = _observe(ctx, request)
    out = _out_of_state(seen.doc, request, seen.policy, seen.host, seen.versions)
    current = state(seen.doc, request, seen.versions, seen.findings) | {"_inDesiredState": not out}
    _print_lines(current, out)
    return ExitCode.OK


def _set(ctx: Context, request: Request) -> int:
    from wslconfig_assistant.cli.commands.apply import run_apply  # noqa: PLC0415
    from wslconfig_assistant.core.findings import sort_key  # noqa: PLC0415
    from wslconfig_assistant.system.hostmemory import host_memory  # noqa: PLC0415

    policy = request_policy(request)
    run = run_apply(ctx, policy=policy, memory=request.memory, sets=request.sets(), shutdown=request.shutdown,
                    names=request_names())
    steps, plan = run.steps, run.plan
    if run.backup is not None:
        emit("info", f"written: {ctx.config} (backup {run.backup.id}; undo: "
                     f"{shellcommand.ours('restore', run.backup.id)})")
    host, _source = host_memory()
    before_versions = _report_versions(steps.before, plan.before, policy, steps.error)
    after_versions = _report_versions(_after_report(steps), plan.after, policy, steps.error)
    if steps.restart is not None:
        before_versions = before_versions._replace(restart=None if steps.restart.state == "unknown"
                                                   else steps.restart.pending)
        after_versions = after_versions._replace(restart=steps.needs_restart(plan.changed) and not steps.shutdown)
    before = state(plan.before, request, before_versions, plan.before.findings(policy, host) + before_versions.findings)
    # The state reached, judged exactly as `get` judges it: the file's findings plus the version
    # gates (unknown versions fail closed), plus apply's note that WSL must restart.
    reached = plan.after.findings(policy, host) + after_versions.findings
    reached = sorted(reached + [f for f in run.findings if f.code == "shutdown-required"], key=sort_key)
    after = state(plan.after, request, after_versions, reached)
    # Only what this operation changed: the file's properties, and the versions an update moved.
    changed = [name for name in _CHANGEABLE if after[name] != before.get(name)]
    if steps.error is not None and not (policy.update_run != "never" or request.shutdown):
        emit("warn", f"the versions are unknown: {steps.error.message}")
    for finding in reached:
        if finding.severity == "error" or finding.code == "shutdown-required":
            emit("warn", f"[{finding.code}] {finding.message} (fix: {finding.fix})")
    _print_lines(after, changed)
    if steps.error is not None and (policy.update_run != "never" or request.shutdown):
        emit("error", steps.error.message + (f" (fix: {steps.error.fix})" if steps.error.fix else ""))
        return int(steps.error.exit_code)
    still = _out_of_state(plan.after, request, policy, host, after_versions)
    if still:
        emit("error", "still not in the desired state: " + ", ".join(still))
        return ExitCode.NOT_COMPLIANT
    return ExitCode.OK


# restartPending: a set with shutdown that restarted WSL changed it from true to false.
_CHANGEABLE = ("virtiofs", "memory", "settings", "wslVersion", "kernelVersion", "deviceHostVersion", "restartPending")


def _after_report(steps: WslSteps) -> VersionReport | None:
    """The last `wsl --version` apply read: after the update when one ran."""
    if steps.update is not None:
        return steps.update.after
    return steps.before


def _report_versions(report: VersionReport | None, doc: ConfigDocument, policy: Policy,
                     error: AssistantError | None) -> Versions:
    """The gates of one `wsl --version` apply already read (no further wsl.exe call); unknown, as
    `get` says it, when wsl.exe failed."""
    from wslconfig_assistant.compliance import planning  # noqa: PLC0415

    if report is None:
        return _unknown_versions(policy, f"wsl.exe failed: {error.message}" if error else "wsl --version failed")
    gates, findings = planning.version_gates(report, doc, policy)
    reasons = planning.update_reasons(gates, custom=planning.custom_kernel(doc) is not None)
    return Versions(gates, findings, True, reasons)


def write_manifest(output_dir: str | None) -> int:
    """`dsc manifest`: print the manifest, or write it into a folder DSC searches (PATH, DSC_RESOURCE_PATH)."""
    text = manifest_text()
    if output_dir is None:
        from wslconfig_assistant.cli.output import write_machine  # noqa: PLC0415

        write_machine(text)
        return ExitCode.OK
    import os  # noqa: PLC0415

    from wslconfig_assistant.core.errors import WriteRefusedError  # noqa: PLC0415

    if not os.path.isdir(output_dir):
        raise UsageError(f"{output_dir}: not a folder", fix="pass an existing folder, e.g. the one holding "
                         "wslconfig-assistant.exe")
    path = os.path.join(output_dir, MANIFEST_NAME)
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        raise WriteRefusedError(f"{path}: {exc.strerror or exc}", fix="choose a folder you can write to") from None
    from wslconfig_assistant.system.streams import escaped  # noqa: PLC0415

    sys.stderr.write(escaped(f"wrote {path}") + "\n")
    return ExitCode.OK
