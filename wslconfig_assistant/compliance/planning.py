"""What `apply` will do: the config edits that make a .wslconfig comply with a policy, then
the update if a version gate fails, then the checks. Pure: the caller reads the file, runs
wsl.exe and writes; nothing here touches the disk or starts a process.

The config edits, in this order (each through ConfigDocument.with_value, so each is the
same minimal, self-checked edit `set` makes; all of them in memory, then one write):

1. virtiofs effectively on: ``wsl2.virtiofs true``, and ``wsl2.virtio true`` /
   ``wsl2.safeMode false`` where those would switch it off again;
2. memory strictly above the floor: ``--memory SIZE`` when given (refused, exit 2, unless it
   is above the floor), else, when the explicit value is too low or rejected by WSL, or
   unset on a host too small (or so small that WSL gives virtiofs no DMA pool),
   ``checks.suggested_memory(host)`` (raised to the next GB above the floor when needed);
3. each ``--set KEY=VALUE``, validated like `set` (exit 2 for a bad one);
4. each key the policy file requires.

A request that contradicts the policy (``--set wsl2.virtiofs=false`` while virtiofs is
required, ``--memory`` at or below the floor, ``--set`` of a required key to another
value) is a usage error: apply would otherwise end non-compliant by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from wslconfig_assistant.core.errors import UsageError
from wslconfig_assistant.core.findings import visible
from wslconfig_assistant.core.policy import SWIOTLB_MIN_MEMORY, Policy
from wslconfig_assistant.wslconfig import values
from wslconfig_assistant.wslconfig.checks import suggested_memory
from wslconfig_assistant.wslconfig.document import Change, ConfigDocument, DecodingWouldChangeError, resolve_key
from wslconfig_assistant.wslconfig.reader import Entry
from wslconfig_assistant.wslconfig.schema import KeySpec

if TYPE_CHECKING:
    from wslconfig_assistant.compliance.gates import Gate
    from wslconfig_assistant.core.findings import Finding
    from wslconfig_assistant.wsl.version_report import VersionReport
    from wslconfig_assistant.wslconfig.reencode import Repair

_MIN_CLAMP = 256 << 20  # WSL raises an explicit memory below 256 MB to 256 MB


class Want(NamedTuple):
    spec: KeySpec
    value: str  # as `set KEY VALUE` takes it
    reason: str  # for people: why this edit
    explicit: bool = False  # the user asked for it (--set, --memory)


class PlannedEdit(NamedTuple):
    change: Change
    reason: str
    diff: str  # this edit alone, as a unified diff

    def as_json(self) -> dict[str, object]:
        return self.change.as_json() | {"reason": self.reason, "diff": self.diff}


class ConfigPlan(NamedTuple):
    before: ConfigDocument  # the file as read
    after: ConfigDocument  # before with every edit applied (the bytes that would be written)
    edits: list[PlannedEdit]  # only real changes: a value already right is no edit
    repair: Repair | None = None  # the re-encoding made first, when WSL cannot read the file as written

    @property
    def changed(self) -> bool:
        if self.repair is not None:
            return True
        return bool(self.edits) and self.after.to_bytes() != self.before.to_bytes()

    def diff(self) -> str:
        """The repair (what WSL reads now against the repaired file), then the edits."""
        if not self.changed:
            return ""
        if self.repair is None:
            return self.before.diff(self.after)
        return self.repair.diff + (self.repair.after.diff(self.after) if self.edits else "")


# -- config edits ------------------------------------------------------------------------

class RequestNames(NamedTuple):
    """How messages name the parts of a request: apply's options, or the DSC properties of `dsc set`
    (a DSC user cannot pass `--memory`)."""

    memory: Callable[[str], str]  # the memory asked for -> its label, and how to ask for another
    setting: Callable[[str, str], str]  # key, value -> its label
    ask_memory: Callable[[str], str] | None = None  # how to ask for a memory, when not as its label


CLI_NAMES = RequestNames(memory=lambda value: f"--memory {value}", setting=lambda key, value: f"--set {key}={value}")


def plan_config(doc: ConfigDocument, policy: Policy, host_memory: int | None, *,
                memory: str | None = None, sets: Sequence[str] = (), names: RequestNames = CLI_NAMES,
                repair: bool = True) -> ConfigPlan:
    """The edits that make ``doc`` comply; UsageError (2) for a bad or contradicting request.

    A file WSL cannot read as written is repaired first (``reencode.py``), and so is a file
    whose stray bytes an edit would move where WSL then ignores the whole file; with
    ``repair=False`` such a file is ConfigUnreadableError (3) / DecodingWouldChangeError (5).
    """
    explicit = _explicit_wants(memory, sets, names)
    _refuse_contradictions(explicit, policy, host_memory, names)
    fixed = _repaired(doc) if repair and doc.file.needs_repair else None
    try:
        return _plan_on(doc, fixed, explicit, policy, host_memory)
    except DecodingWouldChangeError:
        if fixed is not None or not repair:
            raise
        return _plan_on(doc, _repaired(doc), explicit, policy, host_memory)


def _repaired(doc: ConfigDocument) -> Repair:
    from wslconfig_assistant.wslconfig.reencode import repair  # noqa: PLC0415 - only files WSL cannot read

    return repair(doc)


def _plan_on(doc: ConfigDocument, fixed: Repair | None, explicit: list[Want], policy: Policy,
             host_memory: int | None) -> ConfigPlan:
    plan = _wants_on(fixed.after if fixed is not None else doc, explicit, policy, host_memory)
    return plan._replace(before=doc, repair=fixed)


def _wants_on(doc: ConfigDocument, explicit: list[Want], policy: Policy, host_memory: int | None) -> ConfigPlan:
    doc.require_editable()
    taken = {want.spec.id for want in explicit}
    wants: list[Want] = []
    for want in _virtiofs_wants(doc, policy):
        if want.spec.id not in taken:
            wants.append(want)
    required_ids = {req.id for req in policy.required}
    memory_want = next((w for w in explicit if w.spec.id == "wsl2.memory"), None)
    if memory_want is None and "wsl2.memory" not in required_ids:
        memory_want = _memory_want(doc, policy, host_memory)
    if memory_want is not None:
        wants.append(memory_want)
    wants.extend(w for w in explicit if w.spec.id != "wsl2.memory")
    planned = {want.spec.id for want in wants}
    by = f"required by the policy {policy.source}" if policy.source else "required by the policy"
    for req in policy.required:
        if req.id not in planned:
            wants.append(Want(resolve_key(req.key), req.raw, by))
    return _apply_wants(doc, wants)


def _apply_wants(doc: ConfigDocument, wants: list[Want]) -> ConfigPlan:
    current = doc
    edits: list[PlannedEdit] = []
    for want in wants:
        edited, change = current.with_value(want.spec, want.value)
        if change.action == "unchanged":
            continue
        edits.append(PlannedEdit(change, want.reason, current.diff(edited)))
        current = edited
    return ConfigPlan(doc, current, edits)


def _explicit_wants(memory: str | None, sets: Sequence[str], names: RequestNames) -> list[Want]:
    from wslconfig_assistant.wslconfig.canonical import canonical  # noqa: PLC0415

    wants: list[Want] = []
    seen: dict[str, tuple[str, object]] = {}
    requests = [(names.setting(*pair), *pair) for pair in map(_split_set, sets)]
    if memory is not None:
        requests.append((names.memory(memory), "wsl2.memory", memory))
    for shown, key, value in requests:
        # Arguments may carry line breaks or ESC: never echo them raw.
        label = visible(shown)
        if len(label) > 80:  # thousands of digits would bury the message
            label = f"{label[:60]}... ({len(label)} characters)"
        try:
            spec = resolve_key(key)
            _text, typed = canonical(spec, value)
        except UsageError as exc:
            raise UsageError(f"{label}: {exc.message}", fix=exc.fix) from None
        if spec.id in seen and seen[spec.id][1] != typed:
            raise UsageError(f"{label} contradicts {seen[spec.id][0]}", fix=f"ask for one value of {spec.name}")
        seen[spec.id] = (label, typed)
        wants.append(Want(spec, value, label, explicit=True))
    return wants


def _split_set(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"--set {item!r}: write KEY=VALUE", fix="for example: --set wsl2.networkingMode=Mirrored")
    return key.strip(), value


def _refuse_contradictions(wants: list[Want], policy: Policy, host_memory: int | None, names: RequestNames) -> None:
    from wslconfig_assistant.wslconfig.canonical import canonical  # noqa: PLC0415

    off = {"wsl2.virtiofs": False, "wsl2.virtio": False, "wsl2.safemode": True}
    required = {req.id: req for req in policy.required}
    for want in wants:
        _text, typed = canonical(want.spec, want.value)
        if policy.require_virtiofs and want.spec.id in off and typed == off[want.spec.id]:
            raise UsageError(f"{want.reason}: this turns virtiofs off, and the policy requires it on",
                             fix=f"leave {want.spec.name} out, or use a policy with [virtiofs] require = false")
        if want.spec.id == "wsl2.memory" and isinstance(typed, int):
            effective = _effective_memory(typed, host_memory)
            if effective is not None and effective <= policy.memory_floor:
                floor = values.format_size(policy.memory_floor)
                ask = names.ask_memory or names.memory
                raise UsageError(
                    f"{want.reason}: the VM would get {_size(effective)}; the policy needs more than {floor}",
                    fix=f"ask for more than {floor}, e.g. {ask(values.format_size(_target(policy, host_memory)))}",
                )
        req = required.get(want.spec.id)
        if req is not None and typed != req.value:
            raise UsageError(f"{want.reason}: the policy requires {req.key} = {req.text}",
                             fix=f"leave {want.spec.name} out (apply sets {req.text}), or change the policy")


def _virtiofs_wants(doc: ConfigDocument, policy: Policy) -> list[Want]:
    if not policy.require_virtiofs:
        return []
    wants = []
    if doc.read_back(resolve_key("wsl2.virtiofs")) is not True:
        wants.append(Want(resolve_key("wsl2.virtiofs"), "true", "virtiofs is opt-in: turn it on"))
    if doc.read_back(resolve_key("wsl2.virtio")) is False:
        wants.append(Want(resolve_key("wsl2.virtio"), "true", "virtio=false turns virtiofs off"))
    if doc.read_back(resolve_key("wsl2.safeMode")) is True:
        wants.append(Want(resolve_key("wsl2.safeMode"), "false", "safeMode=true turns virtiofs off"))
    return wants


def _effective_memory(configured: int, host_memory: int | None) -> int | None:
    """What the VM gets (WSL's rule); None when unset-or-0 on an unknown host."""
    if configured == 0:
        return None if host_memory is None else host_memory // 2
    effective = max(configured, _MIN_CLAMP)
    return effective if host_memory is None else min(effective, host_memory)


def _target(policy: Policy, host_memory: int | None) -> int:
    """checks.suggested_memory, raised to the next whole GB above the floor when it is not above it."""
    return suggested_memory(host_memory, policy.memory_floor)


def _memory_want(doc: ConfigDocument, policy: Policy, host_memory: int | None) -> Want | None:
    spec = resolve_key("wsl2.memory")
    setting = doc.settings.get(spec.id)
    occurrences = doc.occurrences_of(spec)
    target = values.format_size(_target(policy, host_memory))
    if setting is None and occurrences:
        return Want(spec, target, f"WSL rejects memory={_text(doc, occurrences[0])} on line {occurrences[0].line}")
    configured = setting.value if setting is not None else 0
    assert isinstance(configured, int)  # noqa: S101 - sizes parse to int
    effective = _effective_memory(configured, host_memory)
    if effective is None:
        return None  # unset on an unknown host: WSL takes half of it, nothing to judge
    now = f"memory={setting.text}" if setting is not None and configured else "unset memory"
    if effective <= policy.memory_floor:
        return Want(spec, target, f"{now} gives the VM {_size(effective)}, "
                    f"not more than {_size(policy.memory_floor)}")
    swiotlb = doc.settings.get("experimental.swiotlb")
    if effective < SWIOTLB_MIN_MEMORY and (swiotlb is None or swiotlb.value == 0):
        return Want(spec, target, f"{now} gives the VM {_size(effective)}: below 1GB + 64MB "
                    "virtiofs gets no DMA pool")
    return None


def _text(doc: ConfigDocument, entry: Entry) -> str:
    return doc.file.text[entry.value_start : entry.value_end]


def _size(n: int) -> str:
    return values.format_size(n) if n % (1 << 20) == 0 else f"{n} bytes"


# -- versions and the update ----------------------------------------------------------------

def version_gates(report: VersionReport, doc: ConfigDocument, policy: Policy,
                  source: str = "wsl --version", *,
                  kernel_warning: str | None = None) -> tuple[list[Gate], list[Finding]]:
    """The version gates from one `wsl --version` (the config's kernel= decides the kernel gate).
    ``kernel_warning``: the wsl.exe call that printed the service's kernel-patch warning."""
    from wslconfig_assistant.compliance.gates import GateFacts, evaluate_gates  # noqa: PLC0415
    from wslconfig_assistant.wsl.versionaware import checks  # noqa: PLC0415

    facts = GateFacts(report.wsl, report.kernel, source, custom_kernel(doc), None, kernel_warning)
    gates, findings = evaluate_gates(facts, policy)
    stable = stable_channel_finding(policy, gates, custom=facts.custom_kernel is not None)
    return gates, findings + ([stable] if stable is not None else []) + checks(doc.settings, report.wsl, source)


# The stable channel (`wsl --update`; WinGet's Microsoft.WSL) carries only the 2.7 line today (2.7.12 to
# 2.7.14, shared/research/wsl-after-2.9.4.md), and 2.7 has no swiotlb code at all: the per-device DMA pool
# arrived in 2.8.9 (commit c4ef2c7dd), the first release with the fast path's kernel and DeviceHost. So a
# machine behind the minimums cannot get there on the stable channel; only the pre-release channel can.
STABLE_LINE = "2.7"
FIRST_FAST_PATH_RELEASE = "2.8.9"


def stable_channel_finding(policy: Policy, gates: list[Gate], *, custom: bool) -> Finding | None:
    """`stable-channel`: the policy updates on the stable channel, and a version is behind, which no
    stable release can fix today. Said before any update (apply, setup, dsc), with the fix."""
    if policy.channel != "stable" or not update_reasons(gates, custom=custom):
        return None
    from wslconfig_assistant.core.findings import Finding  # noqa: PLC0415

    where = f"in {policy.source}" if policy.source else "in the policy file"
    return Finding.make(
        "stable-channel",
        f'the policy\'s update channel is "stable" (`wsl --update`), which carries only WSL {STABLE_LINE}.x today, '
        f"and {STABLE_LINE} has no swiotlb code: no stable release reaches the fast path (it needs WSL "
        f"{FIRST_FAST_PATH_RELEASE} or newer, a pre-release)",
        f'set [update] channel = "pre-release" {where}, then run apply again (it runs wsl --update --pre-release)',
    )


def custom_kernel(doc: ConfigDocument) -> str | None:
    setting = doc.settings.get("wsl2.kernel")
    return str(setting.value) if setting is not None and setting.value else None


def update_reasons(gates: list[Gate], *, custom: bool) -> list[str]:
    """Why WSL needs an update: each kernel/DeviceHost gate that fails or cannot be decided.

    A custom kernel's version is unknown until WSL runs it, and no update changes it:
    that gate alone never asks for an update.
    """
    reasons = []
    for gate in gates:
        if gate.name not in ("kernel", "devicehost") or gate.ok is True:
            continue
        if gate.name == "kernel" and custom:
            continue
        name = "kernel" if gate.name == "kernel" else "DeviceHost"
        if gate.ok is False:
            reasons.append(f"{name} {gate.version} < {gate.minimum}")
        else:
            reasons.append(f"{name} version unknown (needs >= {gate.minimum})")
    return reasons


def update_args(policy: Policy) -> list[str]:
    return ["--update", "--pre-release"] if policy.channel == "pre-release" else ["--update"]
