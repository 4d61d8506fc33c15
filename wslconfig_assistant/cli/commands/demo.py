"""`demo`: the whole flow on any OS, in a throwaway simulated Windows machine.

It shows a newcomer what the assistant does on Windows: what WSL would make of a
real-looking .wslconfig and which versions are installed; then the setup wizard (on a
terminal) or `apply --shutdown` (otherwise, or with --non-interactive / --json) makes the
edits with a backup, updates WSL through wsl.exe and restarts it; then `verify` proves
that /mnt/c is virtiofs with a DMA pool. The wsl.exe is the shipped simulator; nothing
outside the sandbox folder is touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import sys
import sysconfig
import tempfile
from collections.abc import Iterator

from wslconfig_assistant.cli import output
from wslconfig_assistant.cli.commands import backups
from wslconfig_assistant.cli.commands.bench import bench
from wslconfig_assistant.cli.commands.context import Context
from wslconfig_assistant.cli.commands.validate import validate
from wslconfig_assistant.cli.commands.verify import verify
from wslconfig_assistant.cli.output import Console
from wslconfig_assistant.core.policy import DEFAULT
from wslconfig_assistant.storage.locate import PROFILE_ENV
from wslconfig_assistant.system.hostmemory import HOST_MEMORY_ENV, host_memory
from wslconfig_assistant.wsl.devicehost import INSTALL_DIR_ENV
from wslconfig_assistant.wsl.wslexe import EXE_ENV
from wslconfig_assistant.wslconfig import values

# A file like the ones in the wild (shared/corpus): CRLF, a comment after a value,
# a ';' line WSL rejects, and exactly 1GB of memory, the edge the fast path needs above.
SAMPLE = (
    "# WSL 2 settings (Notepad, CRLF)\r\n"
    "[wsl2]\r\n"
    "memory=1GB   # keep the VM small\r\n"
    "processors=4\r\n"
    "swap = 0\r\n"
    "; old-style comment: WSL rejects this line\r\n"
    "\r\n"
    "[experimental]\r\n"
    "sparseVhd=true\r\n"
)
SIMULATED_HOST_MEMORY = "16GB"
SIMULATED_WSL = "2.7.3.0"  # a release whose kernel and DeviceHost are both too old


def demo(*, console: Console, json_mode: bool, interactive: bool = True) -> int:
    """``interactive``: run the setup wizard when stdin and stdout are terminals (never with --json)."""
    with sandbox() as config:
        return _run(config, console, json_mode, interactive=interactive and not json_mode)


@contextlib.contextmanager
def sandbox() -> Iterator[pathlib.Path]:
    """A simulated Windows profile in a temporary folder (removed afterwards), holding the
    sample .wslconfig, with the host's RAM and a wsl.exe stand-in set in the environment
    for as long as it is in use. Yields the .wslconfig's path. `setup` uses it off Windows."""
    with tempfile.TemporaryDirectory(prefix="wslconfig-demo-") as folder:
        profile = pathlib.Path(folder) / "Users" / "demo"
        profile.mkdir(parents=True)
        config = profile / ".wslconfig"
        config.write_bytes(SAMPLE.encode("utf-8"))
        # A simulated Windows: the host's RAM, the WSL install folder (for DeviceHost) and a
        # wsl.exe that answers like the real one, all inside the sandbox.
        (profile / ".wsl-sim.json").write_text(json.dumps({"wsl_version": SIMULATED_WSL}), encoding="utf-8")
        simulated = {
            HOST_MEMORY_ENV: SIMULATED_HOST_MEMORY,
            PROFILE_ENV: str(profile),
            EXE_ENV: _simulator_exe(pathlib.Path(folder)),
            SIM_PYTHON_ENV: sys.executable,
            # An empty install folder: on a real Windows machine the demo must not read the
            # real wsldevicehost.dll, only the simulated versions.
            INSTALL_DIR_ENV: str(pathlib.Path(folder) / "Program Files" / "WSL"),
        }
        saved = {name: os.environ.get(name) for name in simulated}
        os.environ.update(simulated)
        try:
            yield config
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


SIM_PYTHON_ENV = "WSLCONFIG_ASSISTANT_SIM_PYTHON"  # the Python the Windows wrapper starts (see below)
# The .cmd wrapper names the Python through the environment, never in its own text: cmd.exe reads a
# batch file in the console's OEM code page, so a profile path such as C:\Users\Jürgen written into
# the file would be misread, and a "%" in it would be taken for a variable. The variable's value is
# expanded from the (Unicode) environment and not expanded again. Pure ASCII, so any code page reads it.
CMD_WRAPPER = f'@"%{SIM_PYTHON_ENV}%" -m wslconfig_assistant.wsl.simulator %*\r\n'


def _simulator_exe(sandbox: pathlib.Path) -> str:
    """The shipped wsl.exe simulator as one executable path (what --wsl-exe takes)."""
    from wslconfig_assistant.wsl.wslexe import find_program  # noqa: PLC0415

    name = "wslconfig-assistant-wsl-sim"
    # Installed console scripts sit next to python on POSIX venvs, in Scripts\ on Windows; then PATH.
    # Never the current folder (find_program says why).
    here = list(dict.fromkeys((sysconfig.get_path("scripts"), os.path.dirname(sys.executable))))
    installed = find_program(name, here) or find_program(name)
    if installed:
        return installed
    # Running from a source tree: a wrapper that starts the simulator with this Python.
    if sys.platform == "win32":
        wrapper = sandbox / "wsl.cmd"
        wrapper.write_bytes(CMD_WRAPPER.encode("ascii"))
    else:
        wrapper = sandbox / "wsl.exe"
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m wslconfig_assistant.wsl.simulator "$@"\n',
                           encoding="utf-8")
        wrapper.chmod(0o755)
    return str(wrapper)


def _run(config: pathlib.Path, console: Console, json_mode: bool, *, interactive: bool) -> int:
    # In JSON mode the steps' own documents would break "one JSON document on stdout",
    # so the steps print for people (to stderr, wsl.exe's progress too) and one summary
    # document ends the run.
    step_console = Console(json_mode=True, no_color=not console.color) if json_mode else console
    ctx = Context(str(config), step_console, json=False)
    with contextlib.redirect_stdout(sys.stderr) if json_mode else contextlib.nullcontext():
        before, flow, changed, after = _steps(ctx, config, interactive=interactive)
    if json_mode:
        output.print_json(
            output.envelope("demo", int(after), str(config), [], before_exit_code=int(before),
                            flow=flow, flow_exit_code=int(changed), after_exit_code=int(after))
        )
    return int(after)


def _steps(ctx: Context, config: pathlib.Path, *, interactive: bool) -> tuple[int, str, int, int]:
    """(validate's exit code, the flow that made the changes, its exit code, verify's exit code)."""
    con = ctx.console
    say = con.print
    paint = con.paint
    memory, _ = host_memory()
    wizard = interactive and _terminal()

    say(paint("wslconfig-assistant demo", "bold") + " - a simulated Windows machine, nothing real is touched")
    say(f"On Windows the file is %USERPROFILE%\\.wslconfig; here it is {config}")
    say(f"(simulated: {values.format_size(memory or 0)} of RAM, WSL {SIMULATED_WSL}, and a wsl.exe stand-in)\n")
    say(paint("1. What WSL would make of this file today, and the versions installed", "bold"))
    say("   (on Windows: your .wslconfig, read as WSL reads it, and one `wsl --version`)")
    for line in config.read_text(encoding="utf-8").splitlines():
        say(paint(f"   | {line}", "dim"))
    before = validate(ctx, offline=False, fmt="text", strict=False)
    say(paint("\n   How fast the distro reaches the Windows drive today (the simulator's figures: SIMULATED)", "bold"))
    say("   (on Windows: `wslconfig-assistant bench`; it starts the VM and measures for real)")
    bench(ctx)
    if wizard:
        from wslconfig_assistant.cli.commands.setup import wizard as run_wizard  # noqa: PLC0415
        from wslconfig_assistant.cli.prompts import TerminalPrompter  # noqa: PLC0415

        say(paint("\n2. The setup wizard: it asks, then edits, updates and restarts WSL", "bold"))
        say("   (on Windows: `wslconfig-assistant setup`; press Enter to take each default)")
        changed = run_wizard(ctx, policy=DEFAULT, prompter=TerminalPrompter(color=con.color), show_state=False)
        if changed == 130:  # Ctrl-C at a prompt: nothing was written, stop here
            return before, "setup", changed, changed
    else:
        from wslconfig_assistant.cli.commands.apply import apply  # noqa: PLC0415

        say(paint("\n2. apply --shutdown: edit (with a backup), update WSL, restart it", "bold"))
        say("   (on Windows: `wslconfig-assistant apply --shutdown`, for scripts; it never asks)")
        changed = apply(ctx, shutdown=True)
    say(paint("\n3. Prove the fast path is on: /mnt/c is virtiofs, with a DMA (swiotlb) pool", "bold"))
    say("   (on Windows: `wslconfig-assistant verify --bench` after the restart; it starts the VM)")
    after = verify(ctx, bench=True)
    say(paint("\n4. Every write kept a backup", "bold"))
    say("   (on Windows: `wslconfig-assistant backups`; `restore` puts one back)")
    backups.backups(ctx)
    return before, "setup" if wizard else "apply", changed, after


def _terminal() -> bool:
    from wslconfig_assistant.cli.prompts import can_prompt  # noqa: PLC0415 - no questionary here

    return can_prompt()
