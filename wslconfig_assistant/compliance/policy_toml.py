"""The policy file: a TOML document that changes what "comply" means (``--policy FILE``).

It is data only. It is read with tomllib and each value is checked against a fixed schema
(FIELDS, plus the free ``[require]`` table): nothing in it is evaluated, imported or run.
Whatever is wrong (TOML syntax, an unknown table or key, a wrong type, a key WSL does not
read, a value WSL would reject, a requirement that contradicts the policy's own checks)
is a UsageError (exit 2) that names the file, the place and the fix.

Shape (README, "Policy file")::

    [virtiofs]
    require = true                 # wsl2.virtiofs must be effectively on
    [memory]
    floor = "1GB"                  # the VM's memory must be strictly above this
    [versions]
    min_kernel = "6.18.26.3-1"
    min_devicehost = "1.2.29-0"
    [update]
    channel = "pre-release"        # or "stable"
    run = "always"                 # or "when-behind", "never"
    [require]                      # further keys, as "section.key" = value
    "wsl2.networkingMode" = "Mirrored"

Every table and key is optional: what is left out keeps the contract's default.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from typing import NamedTuple

from wslconfig_assistant.core.errors import UsageError
from wslconfig_assistant.core.policy import CHANNELS, DEFAULT, UPDATE_RUNS, Policy, Requirement
from wslconfig_assistant.storage.openfile import SMALL_FILE_CAP

REQUIRE = "require"
INIT_FIX = "compare with the template: wslconfig-assistant policy init NEW.toml"


class Field(NamedTuple):
    table: str
    key: str
    kind: str  # bool | size | kernel | devicehost | channel | run | level
    default: object  # as written in TOML by `policy init`
    comment: tuple[str, ...]  # the lines above it in the template


FIELDS: tuple[Field, ...] = (
    Field("virtiofs", "require", "bool", DEFAULT.require_virtiofs, (
        "true: wsl2.virtiofs must be effectively on (and not undone by",
        "virtio=false or safeMode=true). false: do not check it.",
    )),
    Field("memory", "floor", "size", "1GB", (
        "The VM's memory must be strictly ABOVE this. WSL's size grammar:",
        "a whole number and B, KB, MB, GB or TB, upper case (1GB, 1536MB).",
        "An unset memory means half the host's RAM, judged against the host.",
    )),
    Field("versions", "min_kernel", "kernel", DEFAULT.min_kernel, (
        "Oldest WSL kernel package accepted (`wsl --version`, second line).",
    )),
    Field("versions", "min_devicehost", "devicehost", DEFAULT.min_devicehost, (
        "Oldest DeviceHost package accepted (bundled with the WSL release).",
    )),
    Field("update", "channel", "channel", DEFAULT.channel, (
        '"pre-release": wsl --update --pre-release;  "stable": wsl --update.',
    )),
    Field("update", "run", "run", DEFAULT.update_run, (
        'When apply, setup and dsc set run the update: "always" (newer releases',
        'carry virtiofs fixes past the minimums), "when-behind" (only when a',
        'version is below its minimum) or "never".',
    )),
    Field("advisories", "level", "level", DEFAULT.advisories, (
        'Known virtiofs bugs of the installed WSL/DeviceHost (finding known-issue):',
        '"warning", "error" (fails validate) or "off".',
    )),
)

TABLE_COMMENTS: dict[str, tuple[str, ...]] = {
    "virtiofs": ("Windows drives over virtiofs, the fast path.",),
    "versions": ("Minimum versions; `apply` updates WSL when one is older.",),
    REQUIRE: (
        "Further keys the .wslconfig must set, as \"section.key\" = value,",
        "checked like `wslconfig-assistant set` checks them, e.g.:",
        '"wsl2.networkingMode" = "Mirrored"',
        '"wsl2.processors" = 4',
    ),
}

TABLES = ("virtiofs", "memory", "versions", "update", "advisories", REQUIRE)


def load_policy(path: str) -> Policy:
    """The policy in ``path``; UsageError (exit 2) naming the file for anything wrong."""
    return parse_policy(_toml(path), path)


MAX_BYTES = SMALL_FILE_CAP  # a policy is a few hundred bytes (openfile.SMALL_FILE_CAP says why)


def read_bytes(path: str) -> bytes | None:
    """A policy file's bytes, None when it does not exist; UsageError when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise UsageError(f"policy file {path} is a folder", fix="name a .toml file") from None
    except OSError as exc:
        raise UsageError(f"cannot read the policy file {path}: {exc.strerror or exc}",
                         fix="check the path and its permissions") from None
    if len(data) > MAX_BYTES:
        raise UsageError(f"policy file {path} is larger than {MAX_BYTES >> 20} MB: a policy is a short TOML file",
                         fix="check the path; `wslconfig-assistant policy init NEW.toml` writes a template")
    return data


def decode(path: str, data: bytes) -> str:
    """TOML is UTF-8; a BOM (Notepad's) is dropped."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (len(data) > 1 and 0 in data[:2]):
        # Windows PowerShell 5.1's `>` and Out-File write UTF-16.
        raise UsageError(
            f"policy file {path}: UTF-16 text, but TOML files are UTF-8",
            fix="save it as UTF-8, e.g. in PowerShell: (Get-Content FILE) | Set-Content -Encoding utf8 FILE",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UsageError(
            f"policy file {path}: line {line}: byte 0x{data[exc.start]:02X} is not UTF-8: TOML files are UTF-8",
            fix="save the file as UTF-8 (Notepad: File > Save as > Encoding: UTF-8)",
        ) from None


def _toml(path: str) -> dict[str, object]:
    data = read_bytes(path)
    if data is None:
        raise UsageError(f"policy file {path} does not exist",
                         fix=f"create one: {_render('policy', 'init', path)}")
    return loads(path, decode(path, data))


def loads(path: str, text: str) -> dict[str, object]:
    """The TOML data of a policy file's text (tomllib: data only, nothing is evaluated)."""
    import tomllib  # noqa: PLC0415 - only with --policy: validate must start fast

    guard(path, text)
    try:
        table: dict[str, object] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"policy file {path}: not valid TOML: {exc}",
                         fix="fix the syntax there (strings need quotes: floor = \"2GB\"); " + INIT_FIX) from None
    except RecursionError:  # arrays or inline tables nested thousands deep: tomllib recurses
        raise UsageError(f"policy file {path}: not valid for a policy: values nested too deeply",
                         fix="a policy's values are strings, numbers and true/false; " + INIT_FIX) from None
    except ValueError as exc:  # int() of a number tomllib took (the guard should have refused it first)
        raise UsageError(f"policy file {path}: a value TOML cannot hold: {exc}",
                         fix="a policy's values are short strings, numbers and true/false; " + INIT_FIX) from None
    return table


def guard(path: str, text: str) -> None:
    """Refuse, before any TOML parser sees it, a file shaped to cost them far more than its size."""
    from wslconfig_assistant.compliance.tomlguard import PathologicalTomlError, check  # noqa: PLC0415

    try:
        check(text)
    except PathologicalTomlError as exc:
        raise UsageError(f"policy file {path}: line {exc.line}: not a policy: {exc.message}",
                         fix="check the path; " + INIT_FIX) from None


def parse_policy(data: Mapping[str, object], source: str) -> Policy:
    """A Policy from a policy file's TOML data (tomllib's or tomlkit's unwrapped dict)."""
    policy = DEFAULT._replace(source=source)
    for table, body in data.items():
        if table not in TABLES:
            tables = "tables: " + ", ".join(f"[{t}]" for t in TABLES)
            if not isinstance(body, Mapping):
                raise _bad(source, _shown_key(table), "a key outside every table: the policy file has none",
                           f"put keys under their table; {tables}")
            raise _bad(source, f"[{_shown_key(table)}]", "is not a table of the policy file",
                       _did_you_mean(table, TABLES, tables))
        if not isinstance(body, Mapping):
            raise _bad(source, table, f"must be a table ([{table}]), not {_type(body)}",
                       f"write it as a table: [{table}] on its own line, its keys below")
        if table == REQUIRE:
            continue  # after the fields: requirements are checked against the final policy
        known = [f for f in FIELDS if f.table == table]
        for key, value in body.items():
            field = next((f for f in known if f.key == key), None)
            if field is None:
                names = [f.key for f in known]
                raise _bad(source, f"[{table}] {_shown_key(key)}", "is not a key of this table",
                           _did_you_mean(key, names, "keys: " + ", ".join(names)))
            policy = _set_field(policy, field, value, source)
    requirements = data.get(REQUIRE)
    if isinstance(requirements, Mapping):
        policy = policy._replace(required=_requirements(requirements, policy, source))
    return policy


def _set_field(policy: Policy, field: Field, value: object, source: str) -> Policy:
    where = f"[{field.table}] {field.key}"
    if field.kind == "bool":
        if not isinstance(value, bool):
            raise _bad(source, where, f"must be true or false, not {_type(value)}", f"{field.key} = true")
        return policy._replace(require_virtiofs=value)
    if field.kind == "size":
        return policy._replace(memory_floor=_size(value, where, source))
    if not isinstance(value, str):
        raise _bad(source, where, f"must be a string, not {_type(value)}", f'{field.key} = "{field.default}"')
    if field.kind == "level":
        from wslconfig_assistant.wsl.advisories import LEVELS  # noqa: PLC0415

        if value not in LEVELS:
            raise _bad(source, where, f"{value!r} is not an advisory level",
                       _did_you_mean(value, LEVELS, 'use "warning", "error" or "off"'))
        return policy._replace(advisories=value)
    if field.kind == "channel":
        if value not in CHANNELS:
            raise _bad(source, where, f"{value!r} is not an update channel",
                       _did_you_mean(value, CHANNELS, 'use "pre-release" or "stable"'))
        return policy._replace(channel=value)
    if field.kind == "run":
        if value not in UPDATE_RUNS:
            raise _bad(source, where, f"{value!r} is not when to update",
                       _did_you_mean(value, UPDATE_RUNS, 'use "always", "when-behind" or "never"'))
        return policy._replace(update_run=value)
    from wslconfig_assistant.wsl import package_version  # noqa: PLC0415

    parse = package_version.parse_kernel if field.kind == "kernel" else package_version.parse_devicehost
    try:
        parse(value)
    except package_version.InvalidVersionError as exc:
        raise _bad(source, where, exc.message, exc.fix or f'{field.key} = "{field.default}"') from None
    if field.kind == "kernel":
        return policy._replace(min_kernel=value.strip())
    return policy._replace(min_devicehost=value.strip())


def _size(value: object, where: str, source: str) -> int:
    from wslconfig_assistant.wslconfig import values  # noqa: PLC0415

    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _bad(source, where, f"must be a size such as \"1GB\", not {_type(value)}", 'floor = "1GB"')
    if isinstance(value, int):
        if value < 0:
            raise _bad(source, where, "a size cannot be negative", 'floor = "1GB"')
        if value >= 1 << 63:  # beyond TOML's 64-bit integers (tomllib does not check)
            raise _bad(source, where, "the number is larger than any memory WSL can give", 'floor = "1GB"')
        return value
    try:
        return values.parse_size(value, exact=True)
    except values.InvalidValueError as exc:
        fix = f'floor = "{exc.suggestion}"' if exc.suggestion else 'floor = "1GB" (or "1536MB")'
        raise _bad(source, where, exc.reason, fix) from None


def _requirements(table: Mapping[str, object], policy: Policy, source: str) -> tuple[Requirement, ...]:
    found: dict[str, Requirement] = {}
    for name, value in _flatten(table):
        req = _requirement(name, value, source)
        if req.id in found:
            raise _bad(source, f'[require] "{name}"', f"{found[req.id].key} is already required",
                       "keep one line for each key")
        _refuse_contradiction(req, policy, source)
        found[req.id] = req
    return tuple(found.values())


def _flatten(table: Mapping[str, object]) -> list[tuple[str, object]]:
    """``"wsl2.memory" = …``, ``wsl2.memory = …`` (a dotted key) and ``[require.wsl2]`` alike."""
    pairs: list[tuple[str, object]] = []
    for name, value in table.items():
        if isinstance(value, Mapping):
            pairs.extend((f"{name}.{key}", inner) for key, inner in value.items())
        else:
            pairs.append((name, value))
    return pairs


def _requirement(name: str, value: object, source: str) -> Requirement:
    from wslconfig_assistant.wslconfig.document import ConfigDocument, resolve_key  # noqa: PLC0415

    where = f'[require] "{name}"'
    if isinstance(value, bool):
        raw = "true" if value else "false"
    elif isinstance(value, int | str):
        raw = str(value)
    elif isinstance(value, list) and value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raw = ",".join(str(v) for v in value)  # localhostForwardingPorts-style lists
    else:
        raise _bad(source, where, f"must be a string, a number or true/false, not {_type(value)}",
                   f'"{name}" = "VALUE"')
    try:
        spec = resolve_key(name)
    except UsageError as exc:
        from wslconfig_assistant.wslconfig import schema  # noqa: PLC0415

        guess = schema.suggest(name)
        fix = f"did you mean {guess}? " if guess else ""
        if exc.fix and exc.fix.startswith("use "):  # a known key in another section
            fix = exc.fix + "; "
        raise _bad(source, where, exc.message, fix + "`wslconfig-assistant show --all` lists every key") from None
    try:
        # Written into an empty file and read back: exactly what `set` would write and WSL read.
        edited, change = ConfigDocument(None, None).with_value(spec, raw)
    except UsageError as exc:
        message = exc.message.removeprefix(f"{spec.name}: ")
        raise _bad(source, where, message, exc.fix or "see `wslconfig-assistant show --all`") from None
    return Requirement(spec.name, raw, change.new or "", edited.read_back(spec))


def _refuse_contradiction(req: Requirement, policy: Policy, source: str) -> None:
    """A requirement the policy's own checks would fail can never be met: refuse it now."""
    where = f'[require] "{req.key}"'
    if policy.require_virtiofs and req.id in _VIRTIOFS_OFF and req.value == _VIRTIOFS_OFF[req.id]:
        raise _bad(source, where, f"{req.key} = {req.text} turns virtiofs off, which [virtiofs] requires",
                   "remove this requirement, or set [virtiofs] require = false")
    if req.id == "wsl2.memory" and isinstance(req.value, int) and 0 < req.value <= policy.memory_floor:
        from wslconfig_assistant.wslconfig.values import format_size  # noqa: PLC0415

        raise _bad(source, where, f"{req.text} is not above the policy's memory floor "
                   f"({format_size(policy.memory_floor)})", "require more memory, or lower [memory] floor")


# Values that switch virtiofs off (checks.py, virtiofs-disabled / virtiofs-overridden).
_VIRTIOFS_OFF: dict[str, object] = {"wsl2.virtiofs": False, "wsl2.virtio": False, "wsl2.safemode": True}


def _render(*args: str) -> str:
    from wslconfig_assistant.core.shellcommand import PROG, render  # noqa: PLC0415

    return render([PROG, *args])


def _bad(source: str, where: str, message: str, fix: str) -> UsageError:
    from wslconfig_assistant.core.findings import visible  # noqa: PLC0415

    # Keys and values come from the file: they print as plain text, whatever they hold.
    return UsageError(visible(f"policy file {source}: {where}: {message}"), fix=visible(fix))


def _shown_key(name: str) -> str:
    """A TOML key as the user wrote it, made safe to print (quoted when it is not a bare key)."""
    if name and all(c.isascii() and (c.isalnum() or c in "_-") for c in name):
        return name
    shown = name if len(name) <= 60 else name[:57] + "..."
    return '"' + shown.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'


def _type(value: object) -> str:
    names = {bool: "true/false", int: "a number", float: "a number with a fraction", str: "a string",
             list: "an array", dict: "a table"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__  # dates and times


def _did_you_mean(word: str, choices: tuple[str, ...] | list[str], otherwise: str) -> str:
    import difflib  # noqa: PLC0415 - only on the unhappy path

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {match[0]}? ({otherwise})" if match else otherwise
