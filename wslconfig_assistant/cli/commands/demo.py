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
import pathlib
import sys

from wslconfig_assistant.cli import output
from wslconfig_assistant.cli.commands import backups
from wslconfig_assistant.cli.commands.bench import bench
from wslconfig_assistant.cli.commands.context import Context
from wslconfig_assistant.cli.commands.validate import validate
from wslconfig_assistant.cli.commands.verify import verify
from wslconfig_assistant.cli.output import Console
from wslconfig_assistant.core.policy import DEFAULT
from wslconfig_assistant.system.hostmemory import host_memory
from wslconfig_assistant.wsl.sandbox import SIMULATED_WSL, sandbox
from wslconfig_assistant.wslconfig import values


def demo(*, console: Console, json_mode: bool, interactive: bool = True) -> int:
    """``interactive``: run the setup wizard when stdin and stdout are terminals (never with --json)."""
    with sandbox() as config:
        return _run(config, console, json_mode, interactive=interactive and not json_mode)


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
