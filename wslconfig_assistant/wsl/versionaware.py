"""What the installed WSL knows of the file: values and keys newer than it.

The schema (schema.py) describes the newest WSL; an older one rejects a value it has no name for and
ignores a key it does not read. Facts (wsl-after-2.9.4.md "Values and keys"):

- ``networkingMode=Consomme`` exists from 2.9.0; before that the same mode is called ``VirtioProxy``
  (2.9.0 on keeps ``VirtioProxy`` as an alias). On 2.8.x, ``Consomme`` is a value WSL rejects.
- A key whose first release is unconfirmed (``since=None`` in the schema: ``isolateDistroCgroup``,
  ``virtioFsAggregateShares``) arrived after 2.9.4: unknown to 2.9.4 and older, undecided after.
- A key with a confirmed first release (``experimental.swiotlb``, 2.8.9) is unknown before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from wslconfig_assistant.core import shellcommand
from wslconfig_assistant.core.findings import Finding

if TYPE_CHECKING:
    from wslconfig_assistant.wslconfig.effective import Setting


class RenamedValue(NamedTuple):
    key: str  # the setting's id (lower case)
    new: str  # the name WSL uses from ``since`` on
    old: str  # the name of the same value before ``since`` (kept as an alias after)
    since: str


RENAMED: tuple[RenamedValue, ...] = (RenamedValue("wsl2.networkingmode", "Consomme", "VirtioProxy", "2.9.0"),)
AFTER_LAST_TAG = "2.9.4"  # what `since=None` means: first release unconfirmed, after this one


def _older(wsl: str, than: str) -> bool | None:
    from wslconfig_assistant.wsl import package_version  # noqa: PLC0415

    try:
        order = package_version.compare(package_version.parse_wsl(wsl), package_version.parse_wsl(than))
    except package_version.InvalidVersionError:
        return None
    return None if order is None else order < 0


def name_in(wsl: str, key_id: str, value: object) -> str | None:
    """How the installed WSL names this enum value, when that differs from how the file writes it:
    ``VirtioProxy`` on 2.9.0 and later is ``Consomme``; ``Consomme`` on 2.8.x has no name (None is
    returned then too: the finding says so)."""
    for renamed in RENAMED:
        if renamed.key == key_id and value == renamed.old and _older(wsl, renamed.since) is False:
            return renamed.new
    return None


def checks(settings: Mapping[str, Setting], wsl: str | None, source: str) -> list[Finding]:
    """`too-new-for-wsl` for each value or key of the file that WSL ``wsl`` (from ``source``) does not
    know. ``settings``: the evaluation's settings (id -> effective.Setting)."""
    if not wsl:
        return []
    from wslconfig_assistant.wslconfig import schema  # noqa: PLC0415

    found: list[Finding] = []
    for key_id, setting in settings.items():
        spec = schema.lookup(key_id)
        line = setting.entry.line
        if spec is None:
            continue
        if spec.since is None:
            newer = _older(AFTER_LAST_TAG, wsl) is False  # wsl <= 2.9.4
            first = f"after {AFTER_LAST_TAG} (first release unconfirmed)"
        else:
            newer = _older(wsl, spec.since) is True
            first = spec.since
        if newer:
            found.append(Finding.make(
                "too-new-for-wsl",
                f"{spec.name} on line {line} is unknown to WSL {wsl} ({source}): the key arrives in {first}, so "
                "this WSL ignores it",
                f"update WSL ({shellcommand.wsl('--update', '--pre-release')}), or remove the key: "
                f"{shellcommand.ours('unset', spec.name)}",
                key=spec.name, line=line,
            ))
            continue
        for renamed in RENAMED:
            if renamed.key == key_id and setting.value == renamed.new and _older(wsl, renamed.since):
                found.append(Finding.make(
                    "too-new-for-wsl",
                    f"{spec.name}={setting.text} on line {line} is a value WSL {wsl} ({source}) rejects: the "
                    f"name {renamed.new} exists from {renamed.since}; this WSL calls the same mode {renamed.old}",
                    shellcommand.ours("set", spec.name, renamed.old),
                    key=spec.name, line=line,
                ))
    return found
