"""`demo`: the whole flow on any OS, in a throwaway simulated Windows machine.

It shows a newcomer what the assistant does on Windows: what WSL would make of a
real-looking .wslconfig and which versions are installed, the two edits that put WSL on
the fast path (each a minimal diff with a backup), the update through wsl.exe, the
restart, and the proof that /mnt/c is virtiofs with a DMA pool. The wsl.exe is the
shipped simulator; nothing outside the sandbox folder is touched.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import sys
import tempfile

from wslconfig_assistant import output, values
from wslconfig_assistant.checks import suggested_memory
from wslconfig_assistant.commands import backups, edit
from wslconfig_assistant.commands.context import Context
from wslconfig_assistant.commands.validate import validate
from wslconfig_assistant.commands.verify import verify
from wslconfig_assistant.hostinfo import HOST_MEMORY_ENV, host_memory
from wslconfig_assistant.locate import PROFILE_ENV
from wslconfig_assistant.output import Console
from wslconfig_assistant.updating import SHUTDOWN_WARNING, run_update, shutdown
from wslconfig_assistant.wslexe import EXE_ENV
from wslconfig_assistant.wslfacts import Wsl

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


def demo(*, console: Console, json_mode: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="wslconfig-demo-") as sandbox:
        profile = pathlib.Path(sandbox) / "Users" / "demo"
        profile.mkdir(parents=True)
        config = profile / ".wslconfig"
        config.write_bytes(SAMPLE.encode("utf-8"))
        # A simulated Windows: the host's RAM, the WSL install folder (for DeviceHost) and a
        # wsl.exe that answers like the real one, all inside the sandbox.
        (profile / ".wsl-sim.json").write_text(json.dumps({"wsl_version": SIMULATED_WSL}), encoding="utf-8")
        simulated = {
            HOST_MEMORY_ENV: SIMULATED_HOST_MEMORY,
            PROFILE_ENV: str(profile),
            EXE_ENV: _simulator_exe(pathlib.Path(sandbox)),
        }
        saved = {name: os.environ.get(name) for name in simulated}
        os.environ.update(simulated)
        try:
            return _run(config, console, json_mode)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _simulator_exe(sandbox: pathlib.Path) -> str:
    """The shipped wsl.exe simulator as one executable path (what --wsl-exe takes)."""
    name = "wslconfig-assistant-wsl-sim"
    installed = shutil.which(name, path=os.path.dirname(sys.executable)) or shutil.which(name)
    if installed:
        return installed
    # Running from a source tree: a wrapper that starts the simulator with this Python.
    if sys.platform == "win32":  # pragma: win32 cover
        wrapper = sandbox / "wsl.cmd"
        wrapper.write_text(f'@"{sys.executable}" -m wslconfig_assistant.simulator %*\r\n', encoding="utf-8")
    else:
        wrapper = sandbox / "wsl.exe"
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m wslconfig_assistant.simulator "$@"\n',
                           encoding="utf-8")
        wrapper.chmod(0o755)
    return str(wrapper)


def _run(config: pathlib.Path, console: Console, json_mode: bool) -> int:
    # In JSON mode the steps' own documents would break "one JSON document on stdout",
    # so the steps print for people (to stderr) and one summary document ends the run.
    step_console = Console(json_mode=True, no_color=not console.color) if json_mode else console
    ctx = Context(str(config), step_console, json=False)
    say = step_console.print
    paint = step_console.paint
    memory, _ = host_memory()
    target = values.format_size(suggested_memory(memory))

    say(paint("wslconfig-assistant demo", "bold") + " - a simulated Windows machine, nothing real is touched")
    say(f"On Windows the file is %USERPROFILE%\\.wslconfig; here it is {config}")
    say(f"(simulated: {values.format_size(memory or 0)} of RAM, WSL {SIMULATED_WSL}, and a wsl.exe stand-in)\n")
    say(paint("1. What WSL would make of this file today, and the versions installed", "bold"))
    for line in config.read_text(encoding="utf-8").splitlines():
        say(paint(f"   | {line}", "dim"))
    before = validate(ctx, offline=False, fmt="text", strict=False)
    say(paint("\n2. Turn on virtiofs (one line added, nothing else touched)", "bold"))
    edit.set_key(ctx, "wsl2.virtiofs", "true")
    say(paint(f"\n3. Give the VM more than 1 GB: half the host's RAM, {target}", "bold"))
    edit.set_key(ctx, "wsl2.memory", target)
    say(paint("\n4. Update WSL: wsl --update --pre-release (its output streams live)", "bold"))
    wsl = Wsl(None)
    report = run_update(wsl, channel="pre-release", stream=step_console.stream)
    after_version = report.after.wsl if report.after else "unknown"
    say(f"   {report.outcome.kind}: WSL {report.before.wsl} -> {after_version}. {report.outcome.message}")
    say(paint("\n5. Restart WSL so the VM reads the new .wslconfig", "bold"))
    say(f"   {SHUTDOWN_WARNING}")
    shutdown(wsl)
    say("   wsl --shutdown: done")
    say(paint("\n6. Prove the fast path is on (starts the VM, reads /proc/mounts and the swiotlb pool)", "bold"))
    after = verify(ctx)
    say(paint("\n7. Every write kept a backup", "bold"))
    backups.backups(ctx)
    if json_mode:
        output.print_json(
            output.envelope("demo", int(after), str(config), [], before_exit_code=int(before),
                            after_exit_code=int(after), update=report.as_json())
        )
    return int(after)
