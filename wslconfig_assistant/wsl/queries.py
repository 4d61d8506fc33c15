"""What the commands learn from wsl.exe, each fact in as few calls as possible.

This is where call counts are decided (and reported in the README):
- `validate` (online) and `versions`: exactly one call, `wsl --version` (zero with
  ``--wsl-version-file``). DeviceHost needs no call (devicehost.py).
- `versions --running-kernel`: one more, `wsl -e uname -r`, which starts the VM.
- `verify`: `--version`, `uname -r`, `/proc/uptime`, `/proc/mounts`, and the two
  swiotlb files: six calls, all on request, since it starts the VM.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TextIO

from wslconfig_assistant.core.errors import WslError

if TYPE_CHECKING:
    from wslconfig_assistant.wsl.version_report import VersionReport
    from wslconfig_assistant.wsl.wslexe import WslResult

SWIOTLB_BASE = "/sys/bus/vmbus/drivers/hv_pci/swiotlb_base"
SWIOTLB_SIZE = "/sys/bus/vmbus/drivers/hv_pci/swiotlb_size"


class Wsl:
    """One wsl.exe, found once, with every call going through wslexe.run_wsl."""

    def __init__(self, explicit_exe: str | None) -> None:
        from wslconfig_assistant.wsl import wslexe  # noqa: PLC0415 - only commands that run wsl.exe

        self._wslexe = wslexe
        self.exe = wslexe.find_wsl_exe(explicit_exe)
        if not explicit_exe and not os.environ.get(wslexe.EXE_ENV):
            _refuse_the_inbox_stub(self.exe)
        # The service's kernel-patch warning, seen in the output of any call (servicewarnings.py):
        # the command of the call that carried it, None while no call did.
        self.kernel_patch_warning: str | None = None

    def run(self, *args: str, timeout: float | None = None, stream: TextIO | None = None) -> WslResult:
        if timeout is None:
            timeout = self._wslexe.DEFAULT_TIMEOUT
        result = self._wslexe.run_wsl(self.exe, list(args), timeout=timeout, stream=stream)
        if self.kernel_patch_warning is None:
            from wslconfig_assistant.wsl.servicewarnings import kernel_patch_missing  # noqa: PLC0415

            # stderr first: the service writes it there; stdout too, for a call that merges them.
            if kernel_patch_missing(result.errors) or kernel_patch_missing(result.output + result.tail):
                self.kernel_patch_warning = self._wslexe.format_command(("wsl", *args))
        return result

    def version_report(self) -> VersionReport:
        from wslconfig_assistant.wsl.version_report import WslNotInstalledError, parse_version_output  # noqa: PLC0415

        result = self.run("--version")
        try:
            report = parse_version_output(result.output + result.errors)
        except WslNotInstalledError:
            raise  # the inbox wsl.exe: the parser recognised its answer and says what to do
        except WslError:
            if result.failed:
                self._wslexe.raise_for(result)
            raise
        if result.failed:
            self._wslexe.raise_for(result)
        return report

    def guest(self, *command: str) -> WslResult:
        """Run a Linux command in the default distro (starts the VM if it is not running)."""
        return self.run("-e", *command)

    def guest_text(self, *command: str) -> str | None:
        """The command's output, or None when it failed (e.g. a file that does not exist)."""
        result = self.guest(*command)
        return None if result.failed else result.output


def _refuse_the_inbox_stub(exe: str) -> None:
    """On Windows with nothing that says WSL is installed (installation.inbox_only), the System32 wsl.exe is
    the inbox stub: it has no --version and can sit at "Press any key to install" until our timeout.
    Say so at once, without running it (issue 12.6)."""
    from wslconfig_assistant.wsl import installation  # noqa: PLC0415

    if not installation.inbox_only():
        return
    from wslconfig_assistant.wsl.update_outcome import FIX_INBOX  # noqa: PLC0415
    from wslconfig_assistant.wsl.version_report import WslNotInstalledError  # noqa: PLC0415

    raise WslNotInstalledError(
        f"WSL is not installed: no {installation.SHOWN_KEY} key, no %ProgramFiles%\\WSL, no Store app; {exe} is "
        "the inbox wsl.exe of the Windows image, which can only offer to install WSL (not run)",
        fix=FIX_INBOX,
    )


def version_report_from_file(path: str) -> VersionReport:
    from wslconfig_assistant.wsl.version_report import read_version_file  # noqa: PLC0415

    return read_version_file(path)
