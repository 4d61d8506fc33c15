"""Reading the guest for ``verify``: how /mnt/c is mounted, the hv_pci swiotlb pool, ``uname -r``.

The mount shapes are those of shared/corpus/NOTES-update.md §2 (wsl-guest pastes). The one
rule that fits all of them: a drive is on the fast path exactly when its filesystem type is
``virtiofs``. The source is no guide: WSL's automount names it ``drvfsC0``, fstab users
whatever they like, wslc ``drvfs``, and WSL 2.7.8+ uses GUID tags that no paste shows yet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, NamedTuple

__all__ = [
    "DriveAccess",
    "DriveKind",
    "Mount",
    "SwiotlbPool",
    "classify_drive_mount",
    "drive_mount",
    "parse_mounts",
    "parse_swiotlb",
    "parse_uname",
]

DriveKind = Literal["virtiofs", "9p", "drvfs-wsl1", "missing", "other"]


class Mount(NamedTuple):
    source: str
    target: str
    fstype: str
    options: str  # comma-separated, as the kernel shows them


class DriveAccess(NamedTuple):
    kind: DriveKind
    detail: str


class SwiotlbPool(NamedTuple):
    base: int | None  # None: the file was missing or unreadable
    size: int | None
    present: bool  # usable: both files there and both non-zero


# `mount` (util-linux or busybox): "C:\ on /mnt/c type 9p (rw,noatime,…)".
_MOUNT_CMD = re.compile(r"^(?P<source>\S.*?) on (?P<target>/\S*) type (?P<fstype>\S+) \((?P<options>.*)\)$")
# /proc/self/mountinfo: "772 691 0:185 / /mnt/c rw,noatime [optional fields] - 9p C:\134 rw,aname=…".
_MOUNTINFO_HEAD = re.compile(r"^\d+ \d+ \d+:\d+ ")
_OCTAL = re.compile(r"\\([0-7]{3})")


def _unescape(field: str) -> str:
    """Undo the kernel's escapes in /proc/mounts and mountinfo: ``\\134`` is ``\\``, ``\\040`` a space."""
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), field)


def _clean(line: str) -> str:
    # Pastes quote lines as markdown ("> C: /mnt/c drvfs …", guest 005) or wrap them in backticks.
    line = line.strip().strip("`").strip()
    return line.removeprefix(">").strip()


def _merge_options(per_mount: str, per_super: str) -> str:
    """mountinfo splits options in two; /proc/mounts shows them as one list, with the mount's
    own ro/rw (a read-only bind of a read-write filesystem is ro)."""
    supers = [opt for opt in per_super.split(",") if opt not in ("ro", "rw")]
    seen: list[str] = []
    for opt in [*per_mount.split(","), *supers]:
        if opt and opt not in seen:
            seen.append(opt)
    return ",".join(seen)


def _parse_line(line: str) -> Mount | None:
    line = _clean(line)
    fields = line.split()
    # mountinfo: id, parent, major:minor, root, mount point, options, optional fields, "-",
    # type, source, super options.
    if _MOUNTINFO_HEAD.match(line) and "-" in fields[6:]:
        sep = fields.index("-", 6)
        if len(fields) >= sep + 3:
            super_opts = fields[sep + 3] if len(fields) > sep + 3 else ""
            fstype, source, target = fields[sep + 1], fields[sep + 2], fields[4]
            options = _merge_options(fields[5], super_opts)
            return Mount(*(_unescape(f) for f in (source, target, fstype, options)))
    m = _MOUNT_CMD.match(line)
    if m:
        # mount(8) prints decoded text already; busybox prints the kernel's escapes. Decoding both
        # ways is safe: a real "\134" in a path name is far less likely than an escape.
        return Mount(*(_unescape(m.group(g)) for g in ("source", "target", "fstype", "options")))
    # /proc/mounts and /etc/mtab: six fields, the last two (dump, pass) numbers. df has six fields
    # too, but its fifth is "29%" and its sixth the mount point, so it never gets here.
    if len(fields) == 6 and fields[4].isdigit() and fields[5].isdigit() and fields[1].startswith("/"):
        return Mount(*(_unescape(f) for f in fields[:4]))
    return None


def parse_mounts(text: str) -> list[Mount]:
    """Every mount in /proc/mounts, /proc/self/mountinfo or ``mount`` output, in order.

    Lines that are none of these (prompts, df, dmesg, stat) are skipped, so a paste with
    surrounding noise parses too. ``df`` output has no filesystem type, so it yields nothing:
    it cannot tell 9p from virtiofs (corpus guest 009-011).
    """
    mounts = []
    for line in text.replace("\r\n", "\n").split("\n"):
        mount = _parse_line(line)
        if mount is not None:
            mounts.append(mount)
    return mounts


def _same_path(a: str, b: str) -> bool:
    return (a.rstrip("/") or "/") == (b.rstrip("/") or "/")


def drive_mount(mounts: Iterable[Mount], target: str = "/mnt/c") -> Mount | None:
    """The mount that is visible at ``target``: the last one there, as the kernel stacks them."""
    found = None
    for mount in mounts:
        if _same_path(mount.target, target):
            found = mount
    return found


def _option(options: str, name: str) -> str | None:
    """The value of ``name=`` in a kernel option list. 9p's aname carries ``;``-joined
    sub-options (``aname=drvfs;path=C:\\;uid=1000``), so those split too."""
    for opt in re.split(r"[,;]", options):
        key, eq, value = opt.partition("=")
        if eq and key == name:
            return value
    return None


def _describe_9p(m: Mount) -> str:
    opts = m.options.split(",")
    trans = _option(m.options, "trans")
    aname = _option(m.options, "aname")
    if trans == "virtio":
        shape = "Plan 9 over virtio (virtio9p; WSL now turns it off)"
    elif "cache=5" in opts or _option(m.options, "cache") == "5":
        shape = f"Plan 9 over {'a socket' if trans == 'fd' else trans or 'an unknown transport'} (the WSL 2.x default)"
    elif "mmap" in opts or "dirsync" in opts:
        shape = "Plan 9 over a socket (the 2019-2022 shape)"
    else:
        shape = "Plan 9"
    share = f", share {aname}" if aname else ""
    return f"{m.source} mounted as 9p: {shape}{share}; not the virtiofs fast path"


def classify_drive_mount(m: Mount | None) -> DriveAccess:
    """How a Windows drive reaches the guest, from the mount at its folder.

    virtiofs is recognised by the filesystem type alone: its line has no ``aname=drvfs``
    and no ``path=``, so filters keyed on those miss it (NOTES-update.md §2).
    """
    if m is None:
        return DriveAccess(
            "missing",
            "nothing is mounted there: automount is off in /etc/wsl.conf, or (with virtiofs=true) one drive "
            "that cannot be shared stopped the automount of every drive, quietly (microsoft/WSL#40773)",
        )
    fstype = m.fstype.lower()
    if fstype == "virtiofs":
        # WSL's automount uses noatime (002); fstab, a hand mount or wslc give relatime (020, 021).
        how = "WSL's automount" if "noatime" in m.options.split(",") else "not WSL's automount"
        return DriveAccess("virtiofs", f"{m.source} mounted as virtiofs, the fast path ({how}; options {m.options})")
    if fstype == "9p":
        return DriveAccess("9p", _describe_9p(m))
    if fstype == "drvfs":
        return DriveAccess(
            "drvfs-wsl1",
            f"{m.source} mounted as drvfs: this distro runs as WSL 1, which has no VM and so no virtiofs; "
            "convert it with `wsl --set-version <distro> 2`",
        )
    return DriveAccess("other", f"{m.source} mounted as {m.fstype}, which is not how WSL shares a Windows drive")


def _parse_number(text: str | None) -> int | None:
    """A sysfs number: ``0x…`` hex, plain decimal, or bare hex with a letter in it; None otherwise."""
    if text is None:
        return None
    s = text.strip().strip("\0").strip()
    try:
        if s[:2].lower() == "0x":
            return int(s[2:], 16)
        if s.isdigit():
            return int(s, 10)
        if s and all(c in "0123456789abcdefABCDEF" for c in s):
            return int(s, 16)
    except ValueError:
        return None
    return None


def parse_swiotlb(base_text: str | None, size_text: str | None) -> SwiotlbPool:
    """The guest's hv_pci swiotlb pool, from the contents of
    ``/sys/bus/vmbus/drivers/hv_pci/swiotlb_base`` and ``…/swiotlb_size`` (None: file missing).

    WSL's init reads the same two files (``UtilReadHvPciSwiotlbPool``) and treats zero or
    missing as "the kernel lacks the patch" (wsl-source.md §5-6): the pool is usable only
    when both exist and are non-zero. No paste of these files exists in the corpus (kernels
    from 6.18.26.3 on have them), so the format is taken loosely: hex with ``0x``, decimal,
    or bare hex, surrounded by any whitespace.
    """
    base, size = _parse_number(base_text), _parse_number(size_text)
    return SwiotlbPool(base, size, bool(base) and bool(size))


def parse_uname(text: str | None) -> str | None:
    """The kernel release from ``uname -r`` output: its first non-empty line, e.g.
    ``6.18.26.3-microsoft-standard-WSL2``; None when there is none."""
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return None
