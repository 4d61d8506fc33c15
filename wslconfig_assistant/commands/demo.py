"""`demo`: the flow on any OS, in a throwaway simulated Windows profile.

It shows a newcomer what the assistant does to a real-looking .wslconfig: what WSL
would make of it, the two edits that put WSL on the fast path (each a minimal diff
with a backup), and the check that passes afterwards. Nothing outside the sandbox
folder is touched.
"""

from __future__ import annotations

import os
import pathlib
import tempfile

from wslconfig_assistant import output, values
from wslconfig_assistant.checks import suggested_memory
from wslconfig_assistant.commands import backups, edit
from wslconfig_assistant.commands.context import Context
from wslconfig_assistant.commands.validate import validate
from wslconfig_assistant.hostinfo import HOST_MEMORY_ENV, host_memory
from wslconfig_assistant.output import Console

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


def demo(*, console: Console, json_mode: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="wslconfig-demo-") as sandbox:
        profile = pathlib.Path(sandbox) / "Users" / "demo"
        profile.mkdir(parents=True)
        config = profile / ".wslconfig"
        config.write_bytes(SAMPLE.encode("utf-8"))
        saved = os.environ.get(HOST_MEMORY_ENV)
        os.environ.setdefault(HOST_MEMORY_ENV, SIMULATED_HOST_MEMORY)
        try:
            return _run(config, console, json_mode)
        finally:
            if saved is None:
                os.environ.pop(HOST_MEMORY_ENV, None)


def _run(config: pathlib.Path, console: Console, json_mode: bool) -> int:
    # In JSON mode the steps' own documents would break "one JSON document on stdout",
    # so the steps print for people (to stderr) and one summary document ends the run.
    step_console = Console(json_mode=True, no_color=not console.color) if json_mode else console
    ctx = Context(str(config), step_console, json=False)
    say = step_console.print
    paint = step_console.paint
    memory, _ = host_memory()
    target = values.format_size(suggested_memory(memory))

    say(paint("wslconfig-assistant demo", "bold") + " - a simulated Windows profile, nothing real is touched")
    say(f"On Windows the file is %USERPROFILE%\\.wslconfig; here it is {config}")
    say(f"(simulated host RAM: {values.format_size(memory or 0)})\n")
    say(paint("1. What WSL would make of this file today", "bold"))
    for line in config.read_text(encoding="utf-8").splitlines():
        say(paint(f"   | {line}", "dim"))
    before = validate(ctx, offline=True, fmt="text", strict=False)
    say(paint("\n2. Turn on virtiofs (one line added, nothing else touched)", "bold"))
    edit.set_key(ctx, "wsl2.virtiofs", "true")
    say(paint(f"\n3. Give the VM more than 1 GB: half the host's RAM, {target}", "bold"))
    edit.set_key(ctx, "wsl2.memory", target)
    say(paint("\n4. Check again", "bold"))
    after = validate(ctx, offline=True, fmt="text", strict=False)
    say(paint("\n5. Every write kept a backup", "bold"))
    backups.backups(ctx)
    say(paint("\nOn a real Windows machine, next:", "bold"))
    say("   wsl --update --pre-release   (kernel >= 6.18.26.3-1, DeviceHost >= 1.2.29-0)")
    say("   wsl --shutdown               (WSL reads .wslconfig when its VM starts)")
    if json_mode:
        output.print_json(
            output.envelope("demo", int(after), str(config), [], before_exit_code=int(before),
                            after_exit_code=int(after))
        )
    return int(after)
