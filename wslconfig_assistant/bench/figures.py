"""`bench`'s figures: the guest script's output (guest_script.py) parsed, turned into rates, and compared.

Pure functions on text and numbers: no wsl.exe, no files, so every rule here is tested directly.
"""

from __future__ import annotations

from typing import NamedTuple

from wslconfig_assistant.core.errors import WslError
from wslconfig_assistant.wsl import guest

__all__ = ["PHASES", "BenchError", "BenchResult", "Rate", "compare", "parse_output", "rates"]

# (name, label, unit): the order the script runs them in.
PHASES = (
    ("create", "small-file creates", "ops"),
    ("stat", "small-file stats", "ops"),
    ("read", "small-file reads", "ops"),
    ("delete", "small-file deletes", "ops"),
    ("write", "large-file write", "MB"),
    ("readbig", "large-file read", "MB"),
)
_LABELS = {name: label for name, label, _ in PHASES}
_UNITS = {name: unit for name, _, unit in PHASES}
_MB = 1024 * 1024


class BenchError(WslError):
    """The guest could not run the workload (exit 4, like every wsl.exe failure)."""


class BenchResult(NamedTuple):
    clock: str  # ns | uptime (hundredths of a second) | seconds
    windows_folder: str
    kernel: str | None
    pool: guest.SwiotlbPool
    access: guest.DriveAccess
    phases: dict[tuple[str, str], tuple[int, int]]  # (windows|native, phase) -> (count or bytes, ns)
    complete: bool  # every phase ran (False: the time budget ran out)
    simulated: bool  # the figures came from the simulator (simulator.py), not a real machine


class Rate(NamedTuple):
    phase: str
    label: str
    unit: str  # "ops" (per second) or "MB" (MiB per second)
    windows: float | None  # None: not run, or too fast for the clock to time
    native: float | None

    @property
    def share(self) -> float | None:
        if self.windows is None or not self.native:
            return None
        return self.windows / self.native


def _folder_mount(mounts: list[guest.Mount], folder: str) -> guest.Mount | None:
    """The mount that holds ``folder``: the longest mount point that is a prefix of it (the last one wins)."""
    best: guest.Mount | None = None
    for mount in mounts:
        target = mount.target.rstrip("/") or "/"
        inside = folder == target or folder.startswith(target + "/") or target == "/"
        if inside and (best is None or len(target) >= len(best.target.rstrip("/") or "/")):
            best = mount
    return best


def parse_output(text: str) -> BenchResult:
    """The facts on the script's ``BENCH`` lines; anything else (a login banner, say) is ignored.

    Raises BenchError with the fix when the script says a tool is missing, the Windows folder is not
    there (the drive is not mounted) or it could not create its folders, and when there is no output.
    """
    clock = "ns"
    folder = ""
    kernel = None
    base = size = None
    mount_lines: list[str] = []
    phases: dict[tuple[str, str], tuple[int, int]] = {}
    done = simulated = False
    for raw in text.replace("\r\n", "\n").split("\n"):
        if not raw.startswith("BENCH "):
            continue
        key, _, rest = raw[6:].partition(" ")
        if key == "missing":
            raise BenchError(
                f"the distro lacks {', '.join(rest.split())}, which the benchmark needs (a POSIX sh with "
                "mktemp, rm, cat, dd, stat, date, cut and tr)",
                fix="install coreutils (or busybox) in the distro, or pick another with --distro NAME",
            )
        if key == "error":
            code, _, detail = rest.partition(" ")
            raise _error(code, detail)
        if key == "clock":
            clock = rest.strip()
        elif key == "windir":
            folder = rest
        elif key == "kernel":
            kernel = rest.strip() or None
        elif key == "swiotlb":
            parts = rest.split()
            base, size = [*parts, "missing", "missing"][:2]
        elif key == "mounts":
            mount_lines.append(rest)
        elif key == "phase":
            _add_phase(phases, rest)
        elif key == "done":
            done = True
        elif key == "simulated":
            simulated = True
    if not phases:
        raise BenchError("the benchmark printed no figures", fix="run it again; if it keeps failing, "
                         "run `wsl -e sh -c 'echo ok'` to check that the distro starts")
    pool = guest.parse_swiotlb(None if base == "missing" else base, None if size == "missing" else size)
    access = guest.classify_drive_mount(_folder_mount(guest.parse_mounts("\n".join(mount_lines)), folder))
    return BenchResult(clock, folder, kernel, pool, access, phases, done, simulated)


def _add_phase(phases: dict[tuple[str, str], tuple[int, int]], rest: str) -> None:
    parts = rest.split()
    if len(parts) != 4 or parts[0] not in ("windows", "native") or parts[1] not in _LABELS:
        return
    try:
        count, elapsed = int(parts[2]), int(parts[3])
    except ValueError:
        return
    if 0 <= count <= 1 << 40 and 0 <= elapsed <= 1 << 62:
        phases[(parts[0], parts[1])] = (count, elapsed)


def _error(code: str, detail: str) -> BenchError:
    if code == "no-windows-folder":
        return BenchError(
            f"the Windows drive is not mounted in the distro: {detail} does not exist",
            fix="check that automount is on in the distro's /etc/wsl.conf ([automount] enabled = true) and "
            "that `verify` shows the mount, then: wsl --shutdown",
        )
    if code == "cannot-create":
        return BenchError(f"the benchmark cannot create its temporary folder in {detail}",
                          fix="make sure the folder is writable from the distro, or pass another with --windows-folder")
    return BenchError(f"the benchmark failed in the guest: {code} {detail}".strip(), fix=None)


def _per_second(count: int, elapsed_ns: int, unit: str) -> float | None:
    if elapsed_ns <= 0:
        return None  # faster than the clock ticks (the /proc/uptime fallback counts hundredths)
    amount = count / _MB if unit == "MB" else count
    return amount * 1e9 / elapsed_ns


def rates(result: BenchResult) -> list[Rate]:
    out = []
    for name, label, unit in PHASES:
        figures = {}
        for where in ("windows", "native"):
            entry = result.phases.get((where, name))
            figures[where] = None if entry is None else _per_second(*entry, unit)
        out.append(Rate(name, label, unit, figures["windows"], figures["native"]))
    return out


def format_rate(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f} {unit}/s" if unit == "ops" or value >= 100 else f"{value:,.1f} {unit}/s"


def format_share(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.0%}"


def compare(before: dict[str, float | None], now: dict[str, float | None]) -> dict[str, float | None]:
    """Per phase, how many times faster ``now`` is than ``before`` (Windows-drive rates; None: not both)."""
    out: dict[str, float | None] = {}
    for name, value in now.items():
        old = before.get(name)
        out[name] = value / old if value and old else None
    return out
