"""A value from the command line, checked against WSL's grammar and written the way WSL
reads it best: ``8GB``, ``true``, ``C:\\\\wsl\\\\kernel``, ``Mirrored``.

Anything WSL would reject is refused here (exit 2), and so is anything that could
smuggle a line break, a section or another key into the file.
"""

from __future__ import annotations

from wslconfig_assistant.core.errors import UsageError
from wslconfig_assistant.wslconfig import values
from wslconfig_assistant.wslconfig.schema import KeySpec


def canonical(spec: KeySpec, raw: str) -> tuple[str, object]:
    """(text to write, value WSL will use) for ``raw`` as the user typed it."""
    _refuse_unsafe(spec, raw)
    try:
        return _canonical(spec, raw)
    except values.InvalidValueError as exc:
        hint = f"did you mean {exc.suggestion}?" if exc.suggestion else _example(spec)
        raise UsageError(f"{spec.name}: {exc.reason}", fix=hint) from None


def _refuse_unsafe(spec: KeySpec, raw: str) -> None:
    bad = sorted({f"U+{ord(c):04X}" for c in raw if ord(c) < 32 or ord(c) == 127})
    if bad:
        why = ("a line break would start a new line, section or key in the file" if "\n" in raw or "\r" in raw
               else "WSL would take them into the value, where nobody can see them")
        raise UsageError(
            f"{spec.name}: the value contains control characters ({', '.join(bad)}); {why}",
            fix="pass the value on one line, without control characters",
        )
    if not raw.isascii():
        raise UsageError(
            f"{spec.name}: WSL mangles non-ASCII characters in values (each becomes its low byte): "
            f"it would read {values.wsl_string(raw)!r}",
            fix="use ASCII only, e.g. a folder such as C:\\wsl instead of one under a non-ASCII user name",
        )


def _canonical(spec: KeySpec, raw: str) -> tuple[str, object]:
    kind = spec.type
    if kind == "bool":
        flag = values.parse_bool(raw)
        return ("true" if flag else "false"), flag
    if kind == "int":
        number = values.parse_int(raw, exact=True)
        return str(number), number
    if kind == "size":
        if raw.lstrip().startswith(("-", "+")):
            raise values.InvalidValueError(f"{raw!r}: a size has no sign", _unsigned_size(raw))
        size = values.parse_size(raw, exact=True)
        return values.format_size(size), size
    if kind == "enum":
        choice = values.parse_enum(raw, spec.choices)
        return choice, choice
    if kind == "mac":
        return values.parse_mac(raw), raw
    if kind == "ipv4":
        return values.parse_ipv4(raw), raw
    if kind == "ports":
        ports, bad = values.parse_ports(raw)
        if bad or not ports:
            raise values.InvalidValueError(f"{raw!r} is not a comma list of port numbers 1-65535")
        return ",".join(map(str, ports)), ports
    return values.quote_value(raw), raw


def _unsigned_size(raw: str) -> str | None:
    """The size without its sign, written the way WSL reads it (``-8gb`` suggests ``8GB``, not ``8gb``)."""
    unsigned = raw.strip().lstrip("+-")
    try:
        return values.format_size(values.parse_size(unsigned, exact=True))
    except values.InvalidValueError as exc:
        return exc.suggestion


def _example(spec: KeySpec) -> str:
    """The fix when WSL's parser has no closer suggestion; only the types it can refuse are here."""
    return {
        "bool": "use true or false",
        "int": "use a whole number, e.g. 4",
        "size": "use a size such as 8GB or 512MB",
        "enum": f"use one of {', '.join(spec.choices)}",
        "mac": "use six hex pairs, e.g. 00:15:5D:01:02:03",
        "ipv4": "use an IPv4 address, e.g. 10.255.255.254",
        "ports": "use port numbers separated by commas, e.g. 3000,8080",
    }[spec.type]
