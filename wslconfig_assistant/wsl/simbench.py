"""The simulator's answer to `bench`'s guest script: fixed, plainly labelled SIMULATED figures.

The simulated guest prints what guest_script.SCRIPT prints, plus ``BENCH simulated``, which `bench`
shows as "SIMULATED figures" and saves as ``"simulated": true``: `demo` tells the whole before/after
story on any OS, and nobody mistakes these numbers for a measurement. The shares are round, made-up
figures in the direction WSL's own notes give (virtiofs with its DMA pool well ahead of 9p); they are
not a claim about any machine.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["NATIVE", "SHARES", "answer"]

# Per second on the distro's own disk: operations for the small-file phases, MiB for the large file.
NATIVE = {"create": 20000.0, "stat": 150000.0, "read": 60000.0, "delete": 40000.0, "write": 900.0, "readbig": 3000.0}
# The Windows drive's share of that, per transport.
SHARES = {
    "9p": {"create": 0.31, "stat": 0.25, "read": 0.2, "delete": 0.3, "write": 0.45, "readbig": 0.35},
    "virtiofs": {"create": 0.6, "stat": 0.55, "read": 0.55, "delete": 0.6, "write": 0.5, "readbig": 0.45},
    "virtiofs+pool": {"create": 0.82, "stat": 0.7, "read": 0.75, "delete": 0.8, "write": 0.85, "readbig": 0.8},
}
_MB = 1024 * 1024


def _linux_path(folder: str) -> str:
    if len(folder) >= 2 and folder[1] == ":" and folder[0].isalpha():
        return f"/mnt/{folder[0].lower()}{folder[2:].replace(chr(92), '/')}"
    return folder


def answer(args: Sequence[str], *, virtiofs: bool, pool: bool, kernel: str, mounts: str,
           swiotlb: tuple[str, str]) -> str:
    """The output for ``sh -c SCRIPT sh FILES MB FOLDER BUDGET TOKEN [NATIVE]`` (``args``: after ``sh``)."""
    files, megabytes, folder = int(args[0]), int(args[1]), args[2]
    shares = SHARES["virtiofs+pool" if virtiofs and pool else "virtiofs" if virtiofs else "9p"]
    lines = ["BENCH simulated", "BENCH clock ns", f"BENCH windir {_linux_path(folder)}", f"BENCH kernel {kernel}",
             f"BENCH swiotlb {swiotlb[0]} {swiotlb[1]}"]
    lines += [f"BENCH mounts {line}" for line in mounts.splitlines()]
    for where in ("windows", "native"):
        for phase, rate in NATIVE.items():
            speed = rate * (shares[phase] if where == "windows" else 1.0)
            count = files if phase in ("create", "stat", "read", "delete") else megabytes * _MB
            amount = count if phase in ("create", "stat", "read", "delete") else megabytes
            lines.append(f"BENCH phase {where} {phase} {count} {round(amount / speed * 1e9)}")
    lines.append("BENCH done")
    return "".join(line + "\n" for line in lines)
