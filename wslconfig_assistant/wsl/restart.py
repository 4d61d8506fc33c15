"""The one decision "a restart of WSL is pending", shared by verify, apply, setup and dsc.

WSL reads .wslconfig, and loads its kernel, only when its utility VM starts. So a restart is
pending exactly when the VM runs AND either it started before the file's last change, or it
runs another kernel than the one installed (an update installed a new one while it ran).
A stopped VM has nothing pending: it reads the file and the kernel at its next start.

Finding out must not start the VM (that would read the new file and hide the answer):

1. ``wsl --list --verbose`` asks the service for each distro's state, and never creates an
   instance (WslClient.cpp ListDistributionsHelper: EnumerateDistributions only). Its table
   is not translated ("NAME", "STATE", "VERSION", "Running", "Stopped" are fixed strings in
   wsl.h / WslClient.cpp); it is UTF-16LE unless WSL_UTF8=1. With no distro registered it
   fails (-1) with the translated MessageNoDefaultDistro, whose "'wsl.exe --list --online'"
   is locked against translation in every language: then no VM can run a distro.
2. Only when a WSL 2 distro is Running (so the VM is up) does one call read that distro's
   ``/proc/uptime`` (when the VM booted) and ``/proc/sys/kernel/osrelease`` (``uname -r``).
   ``-d NAME`` picks the running distro, so no other distro is started either.

Known limit: after its last distro stops, the VM idles for ``wsl2.vmIdleTimeout`` (60 s by
default) before it stops; in that window the list shows no running distro, so the decision
is "not running". `apply --shutdown` still restarts after its own change, which closes it.

The boot is an input (``VmFacts.boot``, vmboot.BootWindow): the guest's uptime undercounts after the
host slept, so the boot is a window, and a change inside it cannot be ordered ("unknown", said so).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Literal, NamedTuple

from wslconfig_assistant.core.findings import Finding

if TYPE_CHECKING:
    from wslconfig_assistant.wsl.queries import Wsl
    from wslconfig_assistant.wsl.vmboot import BootWindow

__all__ = [
    "Distro",
    "Pending",
    "VmFacts",
    "config_changed_at",
    "decide",
    "observe_vm",
    "parse_distro_list",
    "pending_finding",
    "stale_kernel",
]

LIST_ARGS = ("--list", "--verbose")
# /proc/sys/kernel/osrelease is what `uname -r` prints: one call reads the boot and the kernel.
GUEST_FILES = ("/proc/uptime", "/proc/sys/kernel/osrelease")
_NO_DISTROS_TOKEN = "--list --online"  # noqa: S105 - not a password; locked in MessageNoDefaultDistro of every language

PendingState = Literal["pending", "none", "unknown"]


class Distro(NamedTuple):
    name: str
    state: str  # Running, Stopped, Installing, Uninstalling, Converting, Exporting (never translated)
    version: int  # 1 or 2; only a WSL 2 distro runs in the VM
    default: bool


class VmFacts(NamedTuple):
    """What is known about the WSL VM right now, found without starting it."""

    running: bool | None  # None: could not tell
    detail: str  # for people: how it was found out
    distro: str | None = None  # a running WSL 2 distro, the one that was asked
    boot: BootWindow | None = None  # when the VM started (None: could not be read)
    running_kernel: str | None = None  # `uname -r` of the VM


class Pending(NamedTuple):
    state: PendingState
    reason: str  # one sentence for people, also when nothing is pending
    vm: VmFacts

    @property
    def pending(self) -> bool:
        return self.state == "pending"

    def as_json(self) -> dict[str, object]:
        return {"pending": None if self.state == "unknown" else self.pending, "reason": self.reason,
                "vm_running": self.vm.running, "distro": self.vm.distro,
                "running_kernel": self.vm.running_kernel}


# -- facts -----------------------------------------------------------------------------------

def parse_distro_list(text: str) -> list[Distro] | None:
    """The rows of ``wsl --list --verbose``; None when the text is not that table.

    The format is ``"%s %-Ns%-16s%s\\n"`` (default mark, name, state, version) under a header
    of the same columns; names hold no blanks (WSL allows letters, digits, ``.``, ``_``, ``-``).
    """
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line.strip()]
    if not lines or lines[0].split() != ["NAME", "STATE", "VERSION"]:
        return None
    distros = []
    for line in lines[1:]:
        default = line.startswith("*")
        fields = line.lstrip("* ").split()
        if len(fields) != 3 or not fields[2].isdigit():
            return None
        distros.append(Distro(fields[0], fields[1], int(fields[2]), default))
    return distros


def observe_vm(wsl: Wsl) -> VmFacts:
    """Whether the VM runs, and if so when it booted and which kernel it runs. Never starts it:
    one ``wsl --list --verbose``, plus one call into an already running WSL 2 distro."""
    listed = wsl.run(*LIST_ARGS)
    text = listed.output + listed.errors
    distros = parse_distro_list(listed.output)
    if listed.failed or distros is None:
        if _NO_DISTROS_TOKEN in text:
            return VmFacts(False, "no distro is registered (wsl --list --verbose), so the VM is not running")
        return VmFacts(None, "`wsl --list --verbose` failed, so whether WSL runs is unknown")
    running = [d for d in distros if d.state == "Running" and d.version == 2]
    if not running:
        return VmFacts(False, "no WSL 2 distro is running (wsl --list --verbose), so the VM is not running")
    distro = next((d for d in running if d.default), running[0])
    read = wsl.run("--distribution", distro.name, "--exec", "cat", *GUEST_FILES)
    parts = read.output.split("\n")  # what cat printed, even when one file failed
    uptime = parts[0] if parts else None
    kernel = parts[1].strip() if len(parts) > 1 and parts[1].strip() else None
    from wslconfig_assistant.wsl.vmboot import boot_window  # noqa: PLC0415

    return VmFacts(True, f"distro {distro.name} is running, so the VM is up", distro.name,
                   boot_window(uptime), running_kernel=kernel)


def config_changed_at(path: str) -> float | None:
    """The .wslconfig's last change (its mtime); None when it is not there."""
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def stale_kernel(running: str | None, installed: str | None) -> bool:
    """The VM runs another kernel than the installed package: `6.18.26.3-microsoft-standard-WSL2`
    runs package `6.18.26.3-1`, so the release numbers before the first ``-`` are compared."""
    if not running or not installed:
        return False
    return running.split("-", 1)[0] != installed.split("-", 1)[0]


# -- the decision ------------------------------------------------------------------------------

def decide(vm: VmFacts, *, changed_at: float | None, installed_kernel: str | None,
           custom_kernel: str | None = None) -> Pending:
    """Pure: is a restart pending? ``custom_kernel``: a ``kernel=`` path, whose version the
    installed package does not tell, so only the file's change counts."""
    if vm.running is None:
        return Pending("unknown", vm.detail, vm)
    if not vm.running:
        return Pending("none", f"{vm.detail}: it reads the .wslconfig and the kernel when it next starts", vm)
    if not custom_kernel and stale_kernel(vm.running_kernel, installed_kernel):
        return Pending("pending", f"WSL still runs kernel {vm.running_kernel}, but {installed_kernel} is "
                       "installed: the new kernel (and any .wslconfig change) applies only after WSL restarts", vm)
    if vm.boot is None:
        return Pending("unknown", f"{vm.detail}, but when it started could not be read", vm)
    order = "before" if changed_at is None else vm.boot.change_was(changed_at)
    if order == "after":
        return Pending("pending", "the .wslconfig changed after the WSL VM started, so the VM runs without "
                       "the change", vm)
    if order == "unknown":
        slept = "for an unknown time" if vm.boot.slept is None else f"{vm.boot.slept:.0f} s"
        return Pending("unknown", f"the host slept {slept} since the VM started and the VM's clock stops while it "
                       "sleeps, so whether it started before or after the last .wslconfig change cannot be told", vm)
    return Pending("none", f"the VM started {int(vm.boot.uptime)} s ago (running time), after the last .wslconfig "
                   "change", vm)


def shutdown_fix() -> str:
    from wslconfig_assistant.core import shellcommand  # noqa: PLC0415

    return shellcommand.wsl("--shutdown") + "   (running distros stop; or run apply with --shutdown)"


def pending_finding(pending: Pending) -> Finding:
    """The `shutdown-required` warning for a pending restart."""
    return Finding.make("shutdown-required", pending.reason, shutdown_fix())
