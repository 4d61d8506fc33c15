"""Version strings of WSL, its kernel and its DeviceHost, and the "is it new enough" test.

Three shapes occur (wsl-source.md §3, §5; corpus NOTES.md "Value shapes"):

- WSL package: plain dotted numbers, ``2.8.9.0`` (4 parts as printed) or ``2.8.9`` (tag).
- Kernel: the ``Microsoft.WSL.Kernel`` NuGet version ``6.18.26.3-1`` (the line-2 value of
  ``wsl --version``), a bare ``5.15.90.1`` (older releases), or the running kernel from
  ``uname -r``: ``6.18.26.3-microsoft-standard-WSL2``.
- DeviceHost: the ``Microsoft.WSL.DeviceHost`` NuGet version, ``1.2.29-0`` or the early
  date-stamped ``1.0.0-20241009.4``.

Why ``packaging.version`` is used for WSL versions only (libraries.md §3): for plain
dotted numbers PEP 440 ordering is exactly WSL's (numeric, zero-padded: ``2.6.1.0 ==
2.6.1``). For the ``-N`` package revision of kernel and DeviceHost it is not: ``X-N``
parses only because PEP 440 reads ``-N`` as a post-release, so ``6.18.26.3-0``
normalises to ``6.18.26.3.post0`` and sorts ABOVE the bare ``6.18.26.3``; a ``-pre``
tag silently becomes a release candidate (``2.7.0rc0``); a DeviceHost revision
``-20241009.4`` is not valid PEP 440 at all; and the uname form
``6.18.26.3-microsoft-standard-WSL2`` raises ``InvalidVersion``. Those numbers would
come out right by accident of borrowed semantics, so kernel and DeviceHost use the small
grammar below: a release tuple, an optional numeric revision, an optional flavour.

``meets`` answers ``None`` when it cannot decide; callers must fail closed on it.
"""

from __future__ import annotations

import re
from itertools import zip_longest
from typing import NamedTuple

from wslconfig_assistant.core import errors

__all__ = [
    "MIN_DEVICEHOST",
    "MIN_KERNEL",
    "InvalidVersionError",
    "PackageVersion",
    "compare",
    "meets",
    "parse_devicehost",
    "parse_kernel",
    "parse_wsl",
]

# The virtiofs fast path needs both (wsl-source.md §5, commit c4ef2c7dd in WSL 2.8.9):
# the first kernel that publishes the hv_pci swiotlb pool, and the DeviceHost with
# device-side SWIOTLB aperture support.
MIN_KERNEL = "6.18.26.3-1"
MIN_DEVICEHOST = "1.2.29-0"

_RELEASE = r"\d+(?:\.\d+)+"
# release, then an optional numeric package revision, then (uname only) a flavour such
# as "microsoft-standard-WSL2" or a custom build's "microsoft-standard-WSL2+".
_KERNEL_RE = re.compile(rf"({_RELEASE})(?:-(\d+(?:\.\d+)*))?(?:-([A-Za-z][0-9A-Za-z._+-]*))?")
_DEVICEHOST_RE = re.compile(rf"({_RELEASE})(?:-(\d+(?:\.\d+)*))?")
# WSL versions have 2 to 4 numeric parts and nothing else; PEP 440 would also take
# "v2.8", "2.8rc1", "1!2.8" or "2.8+local", none of which WSL ever prints.
_WSL_RE = re.compile(r"\d+(?:\.\d+){1,3}")
# No part of a real version comes near this (the longest are date stamps such as 20241009).
# Longer parts are refused before any int() sees them: Python refuses over 4,300 digits.
MAX_PART_DIGITS = 18


class InvalidVersionError(errors.UsageError, ValueError):
    """A version string that is not in the expected shape (exit 2 if it escapes: in
    practice it comes from a policy file or a command-line minimum)."""


class PackageVersion(NamedTuple):
    raw: str  # as given, for messages
    release: tuple[int, ...]
    revision: tuple[int, ...] | None  # the "-N" part; (20241009, 4) for "-20241009.4"
    flavour: str | None  # "microsoft-standard-WSL2" of a running kernel (uname -r)


def parse_wsl(s: str) -> PackageVersion:
    """A WSL package version: ``2.8.9.0`` or ``2.8.9``."""
    text = s.strip()
    if not _WSL_RE.fullmatch(text) or _too_long(text):
        raise _invalid("WSL", s, "2.8.9.0")
    # Plain dotted numbers are exactly PEP 440 release segments, so packaging is the
    # right reader here (imported lazily: it costs ~14 ms, libraries.md §5).
    from packaging.version import InvalidVersion, Version  # noqa: PLC0415 - lazy on purpose

    try:
        release = Version(text).release
    except InvalidVersion as exc:  # unreachable after the regex; kept so a change there fails loudly
        raise _invalid("WSL", s, "2.8.9.0") from exc
    return PackageVersion(s, tuple(release), None, None)


def parse_kernel(s: str) -> PackageVersion:
    """A kernel version: package ``6.18.26.3-1``, bare ``5.15.90.1``, or running
    ``6.18.26.3-microsoft-standard-WSL2`` (``uname -r``)."""
    m = _KERNEL_RE.fullmatch(s.strip())
    if not m or _too_long(m.group(1)) or _too_long(m.group(2) or ""):
        raise _invalid("kernel", s, "6.18.26.3-1 or 6.18.26.3-microsoft-standard-WSL2")
    return PackageVersion(s, _ints(m.group(1)), _opt_ints(m.group(2)), m.group(3))


def parse_devicehost(s: str) -> PackageVersion:
    """A DeviceHost package version: ``1.2.29-0`` or ``1.0.0-20241009.4``."""
    m = _DEVICEHOST_RE.fullmatch(s.strip())
    if not m or _too_long(m.group(1)) or _too_long(m.group(2) or ""):
        raise _invalid("DeviceHost", s, "1.2.29-0")
    return PackageVersion(s, _ints(m.group(1)), _opt_ints(m.group(2)), None)


def compare(a: PackageVersion | str | None, b: PackageVersion | str | None) -> int | None:
    """-1, 0 or 1 as ``a`` is below, equal to or above ``b``; ``None`` when undecidable.

    Strings are read with the kernel grammar, which is a superset of the other two.
    Release tuples are zero-padded (``2.6.1.0 == 2.6.1``); then the revision, where a
    missing one sorts below any (``6.18.26.3 < 6.18.26.3-0``). A flavoured (uname)
    version has no package revision, so at an equal release nothing can be said.
    """
    pa, pb = _coerce(a), _coerce(b)
    if pa is None or pb is None:
        return None
    order = _cmp(*_padded(pa.release, pb.release))
    if order != 0:
        return order
    if pa.flavour is not None or pb.flavour is not None:
        return None
    if pa.revision is None or pb.revision is None:
        # A bare release is what comes before any packaging of it.
        return int(pa.revision is not None) - int(pb.revision is not None)
    return _cmp(*_padded(pa.revision, pb.revision))


def meets(found: PackageVersion | str | None, minimum: PackageVersion | str | None) -> bool | None:
    """``found >= minimum``; ``None`` = cannot decide (unparseable, or a uname kernel at the
    minimum's release). Callers treat ``None`` as not compliant."""
    order = compare(found, minimum)
    return None if order is None else order >= 0


def _coerce(v: PackageVersion | str | None) -> PackageVersion | None:
    if v is None or isinstance(v, PackageVersion):
        return v
    try:
        return parse_kernel(v)
    except InvalidVersionError:
        return None


def _padded(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    pairs = list(zip_longest(a, b, fillvalue=0))
    return tuple(x for x, _ in pairs), tuple(y for _, y in pairs)


def _cmp(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    return int(a > b) - int(a < b)


def _too_long(dotted: str) -> bool:
    return any(len(part) > MAX_PART_DIGITS for part in dotted.split("."))


def _ints(dotted: str) -> tuple[int, ...]:
    return tuple(int(p) for p in dotted.split("."))


def _opt_ints(dotted: str | None) -> tuple[int, ...] | None:
    return None if dotted is None else _ints(dotted)


def _invalid(what: str, s: str, example: str) -> InvalidVersionError:
    shown = s if len(s) <= 60 else s[:57] + "..."
    why = f"; no part has more than {MAX_PART_DIGITS} digits" if _too_long_anywhere(s) else ""
    return InvalidVersionError(f"{shown!r} is not a {what} version (expected a form like {example}{why})")


def _too_long_anywhere(s: str) -> bool:
    return re.search(rf"\d{{{MAX_PART_DIGITS + 1}}}", s) is not None
