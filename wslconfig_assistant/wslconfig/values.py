"""WSL's value grammars, exactly as its C code parses them, and the canonical way to write each.

Parsing works on the value as WSL's ``char`` buffer holds it (``wsl_cstring``): every
UTF-16 unit cut to its low byte, up to the first NUL. Sources: wsl-source.md §1
(``ParseMemorySize``, ``ParseBool``, ``strtol``) and wsl-reader-surprises.md.
"""

from __future__ import annotations

import re

__all__ = [
    "SIZE_UNITS",
    "InvalidValueError",
    "format_size",
    "parse_bool",
    "parse_enum",
    "parse_int",
    "parse_ipv4",
    "parse_mac",
    "parse_ports",
    "parse_size",
    "quote_value",
    "readable_size",
    "wsl_cstring",
    "wsl_string",
]

_U64 = 1 << 64
_C_SPACE = " \t\n\v\f\r"  # C isspace in the "C" locale
SIZE_UNITS = (("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1))
_INT_MIN, _INT_MAX = -(1 << 31), (1 << 31) - 1


class InvalidValueError(ValueError):
    """WSL rejects the value; ``reason`` says why in words a user can act on."""

    def __init__(self, reason: str, suggestion: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.suggestion = suggestion


def wsl_cstring(value: str, *, from_utf8: bool = True) -> str:
    """The value as WSL's char buffer holds it, one character per byte (latin-1 view).

    ``from_utf8``: the text was decoded from a UTF-8 file, where U+DC80..U+DCFF stand for
    bytes that were not UTF-8 (surrogateescape) and the CRT read them as U+FFFD. In a
    UTF-16 file the same code points are real (lone) code units.
    """
    if value.isascii():
        cut = value.find("\0")
        return value if cut < 0 else value[:cut]
    units = bytearray()
    for ch in value:
        cp = ord(ch)
        if from_utf8 and 0xDC80 <= cp <= 0xDCFF:
            cp = 0xFFFD
        if cp > 0xFFFF:  # two UTF-16 units, each cut to its low byte
            cp -= 0x10000
            units.append((0xD800 + (cp >> 10)) & 0xFF)
            units.append((0xDC00 + (cp & 0x3FF)) & 0xFF)
            continue
        units.append(cp & 0xFF)
    cut = units.find(0)
    return (units if cut < 0 else units[:cut]).decode("latin-1")


def wsl_string(value: str, *, from_utf8: bool = True) -> str:
    """A string or path value as WSL finally uses it (its bytes decoded as UTF-8)."""
    cstr = wsl_cstring(value, from_utf8=from_utf8)
    if cstr.isascii():
        return cstr
    return cstr.encode("latin-1").decode("utf-8", "replace")


def parse_bool(s: str) -> bool:
    if s == "1" or (s.isascii() and s.lower() == "true"):
        return True
    if s == "0" or (s.isascii() and s.lower() == "false"):
        return False
    raise InvalidValueError(
        f"{s!r} is not a boolean WSL accepts (only true, false, 1 or 0)", _bool_suggestion(s)
    )


def _bool_suggestion(s: str) -> str | None:
    low = s.strip().strip("'\"").lower()
    if low in {"yes", "on", "t", "y", "enabled", "enable", "true"}:
        return "true"
    if low in {"no", "off", "f", "n", "disabled", "disable", "false"}:
        return "false"
    return None


def _strtol_digits(s: str, i: int, base: int) -> int:
    """Index just past the digits of ``base`` starting at ``i``."""
    digits = "0123456789abcdef"[:base]
    while i < len(s) and s[i].lower() in digits and s[i].isascii():
        i += 1
    return i


def digits_value(digits: str, base: int = 10, *, cap: int) -> int:
    """The value of a run of ``base`` digits, or ``cap`` when it is ``cap`` or more.

    Never converts more digits than a ``cap`` can have: Python refuses to turn over 4,300
    decimal digits into an int (and would spend quadratic time on it), while C's strtol and
    strtoull simply saturate. Leading zeros are free, as in C.
    """
    significant = digits.lstrip("0")
    if len(significant) > _max_digits(cap, base):
        return cap
    return min(int(significant or "0", base), cap)


def _max_digits(cap: int, base: int) -> int:
    """How many digits of ``base`` a number below ``cap`` can have (one more is surely above)."""
    digits, limit = 1, base
    while limit <= cap:
        digits, limit = digits + 1, limit * base
    return digits


def _shown(s: str) -> str:
    """A value for a message: thousands of digits would bury the message itself."""
    return repr(s) if len(s) <= 40 else repr(s[:20]) + f"... ({len(s)} characters)"


def parse_int(s: str, *, exact: bool = False) -> int:
    """C ``strtol(s, &end, 0)`` on Windows (32-bit long: out of range saturates), whole string.

    ``exact``: refuse a number WSL would saturate (a value typed by the user must be what WSL reads).
    """
    i = 0
    while i < len(s) and s[i] in _C_SPACE:
        i += 1
    negative = i < len(s) and s[i] == "-"
    if i < len(s) and s[i] in "+-":
        i += 1
    base = 10
    if s[i : i + 2].lower() == "0x" and i + 2 < len(s) and s[i + 2] in "0123456789abcdefABCDEF":
        base, i = 16, i + 2
    elif s[i : i + 1] == "0":
        base = 8
    end = _strtol_digits(s, i, base)
    if end == i or end != len(s):
        hint = None
        if base == 8 and end != len(s) and s[end : end + 1] in "89":
            # The digits as the decimal number the user meant (never empty: an 8 or 9 follows the zeros).
            hint = ("-" if negative else "") + s[i:].lstrip("0")
        raise InvalidValueError(
            f"{_shown(s)} is not an integer WSL accepts"
            + (" (a leading 0 makes it octal)" if base == 8 and end != len(s) else ""),
            hint,
        )
    # Saturates on overflow (strtol's LONG_MAX / LONG_MIN), whatever the number of digits.
    number = digits_value(s[i:end], base, cap=_INT_MAX + 2)
    number = -number if negative else number
    if exact and not _INT_MIN <= number <= _INT_MAX:
        raise InvalidValueError(
            f"{_shown(s)} is out of range: WSL would read {_INT_MIN if negative else _INT_MAX} "
            f"(it takes {_INT_MIN} to {_INT_MAX})"
        )
    return max(_INT_MIN, min(_INT_MAX, number))


def parse_size(s: str, *, exact: bool = False) -> int:
    """WSL's ``ParseMemorySize``: strtoull base 10 plus an optional case-sensitive unit.

    ``exact``: refuse a size WSL would saturate or wrap around (beyond 2^64 - 1 bytes).
    """
    i = 0
    while i < len(s) and s[i] in _C_SPACE:
        i += 1
    negative = i < len(s) and s[i] == "-"
    j = i + 1 if i < len(s) and s[i] in "+-" else i
    end = j
    while end < len(s) and "0" <= s[end] <= "9":
        end += 1
    if end == j:  # no digits: strtoull reads nothing, and WSL refuses the value
        raise InvalidValueError(_size_reason(s), _size_suggestion(s))
    value = digits_value(s[j:end], cap=_U64)
    if exact and value >= _U64:
        raise _too_big(s)
    # strtoull saturates on overflow (whatever the sign) and negates otherwise.
    value = _U64 - 1 if value >= _U64 else (-value) % _U64 if negative else value
    if value == 0 and (not s.startswith("0") or end != 1):
        raise InvalidValueError(_size_reason(s), _size_suggestion(s))
    unit = s[end:]
    if not unit:
        return value
    for suffix, factor in SIZE_UNITS:
        if unit in (suffix, suffix[0]):
            if exact and value * factor >= _U64:
                raise _too_big(s)
            return (value * factor) % _U64
    raise InvalidValueError(_size_reason(s), _size_suggestion(s))


def _too_big(s: str) -> InvalidValueError:
    return InvalidValueError(
        f"{_shown(s)} is beyond the largest size WSL can hold (2^64 - 1 bytes, about 16 EB): "
        "WSL would read a different number"
    )


def _size_reason(s: str) -> str:
    return (
        f"{_shown(s)} is not a size WSL accepts: whole number plus B, K/KB, M/MB, G/GB or T/TB, "
        "upper case, no space (no unit means bytes)"
    )


_LOOSE_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)


def _size_suggestion(s: str) -> str | None:
    m = _LOOSE_SIZE.match(s.strip("'\""))
    if m is None:
        return None
    number, unit = m.group(1), m.group(2).upper()
    if len(number) > 40:  # no memory is that big: nothing sensible to suggest
        return None
    factor = dict(SIZE_UNITS)[f"{unit}B"]  # "" + "B" is bytes
    if "." in number:
        whole, frac = number.split(".")
        total = int(whole) * factor + int(frac) * factor // 10 ** len(frac)
        return format_size(total)
    return f"{int(number)}{unit}B"


def format_size(n: int) -> str:
    """The canonical way to write a size: the largest exact unit (``8GB``, ``512MB``)."""
    if n == 0:
        return "0"
    for suffix, factor in SIZE_UNITS:
        if n % factor == 0:
            return f"{n // factor}{suffix}"
    return f"{n}B"


def readable_size(n: int) -> str:
    """A size for people: exact when it is whole MB (``8GB``, ``6144MB`` stays ``6GB``), else in GB
    with one decimal (a host's RAM, 25275551744 bytes, is ``23.5GB``, not ``24683156KB``)."""
    if n % (1 << 20) == 0:
        return format_size(n)
    return f"{n / (1 << 30):.1f}GB"


def parse_enum(s: str, choices: tuple[str, ...]) -> str:
    """Case-insensitive (ASCII) match; returns the canonical spelling."""
    for choice in choices:
        if s.isascii() and s.lower() == choice.lower():
            return choice
    raise InvalidValueError(
        f"{s!r} is not one of {', '.join(sorted(choices))} (any case)",
        _closest(s, choices),
    )


def _closest(s: str, choices: tuple[str, ...]) -> str | None:
    low = s.lower()
    for choice in choices:
        if choice.lower().startswith(low[:3]) and len(low) >= 3:
            return choice
    return None


def parse_mac(s: str) -> str:
    """A MAC address: six hex pairs separated by ':' or '-' (the separator of the third character)."""
    if re.fullmatch(r"[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}", s) is None:
        raise InvalidValueError(
            f"{s!r} is not a MAC address (six hex pairs such as 00:15:5D:01:02:03); "
            "WSL refuses to start the VM with an invalid one"
        )
    return s


def parse_ipv4(s: str) -> str:
    """``inet_pton(AF_INET)``: four decimal octets 0-255, no leading zeros, nothing else."""
    parts = s.split(".")
    ok = len(parts) == 4 and all(
        p.isascii() and p.isdigit() and len(p) <= 3 and (p == "0" or not p.startswith("0")) and int(p) <= 255
        for p in parts
    )
    if not ok:
        raise InvalidValueError(f"{s!r} is not an IPv4 address (such as 10.255.255.254)")
    return s


def _stoi_prefix(entry: str) -> int | None:
    """``std::stoi``: leading blanks, a sign, then as many decimal digits as there are."""
    i = 0
    while i < len(entry) and entry[i] in _C_SPACE:
        i += 1
    j = i + 1 if i < len(entry) and entry[i] in "+-" else i
    end = j
    while end < len(entry) and "0" <= entry[end] <= "9":
        end += 1
    if end == j:
        return None
    magnitude = digits_value(entry[j:end], cap=_INT_MAX + 2)
    number = -magnitude if entry[i] == "-" else magnitude
    if not _INT_MIN <= number <= _INT_MAX:  # std::stoi throws out_of_range: the entry is dropped
        return None
    return number


def parse_ports(s: str) -> tuple[list[int], list[str]]:
    """``ignoredPorts``: comma list; each entry read leniently; bad entries are skipped, not fatal."""
    ports: list[int] = []
    bad: list[str] = []
    for entry in s.split(","):
        if not entry:
            continue  # WSL's Split drops empty entries
        number = _stoi_prefix(entry)
        if number is None or not 0 < number <= 65535:
            bad.append(entry)
        else:
            ports.append(number)
    return ports, bad


def quote_value(value: str, *, quoted: bool = False) -> str:
    """Write a string so WSL reads back exactly ``value``.

    Backslashes and quotes are escaped; a value with a ``#`` or leading/trailing blanks
    is put in double quotes. ``quoted`` keeps quotes the user already had.
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    if quoted or "#" in value or value != value.strip(" \t"):
        return f'"{escaped}"'
    return escaped
