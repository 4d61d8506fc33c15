"""The command line: the only module that knows argparse. ``main(argv) -> int``.

Commands are imported only when chosen, so `validate` does not pay for the others.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from wslconfig_assistant import __version__
from wslconfig_assistant.core import shellcommand
from wslconfig_assistant.core.errors import AssistantError, ExitCode, InterruptedAfterWrite, UsageError

PROG = shellcommand.PROG

EXAMPLES = {
    "show": "wslconfig-assistant show\n  wslconfig-assistant show --all --json",
    "get": "wslconfig-assistant get wsl2.memory",
    "set": "wslconfig-assistant set wsl2.virtiofs true\n  wslconfig-assistant set wsl2.memory 8GB",
    "unset": "wslconfig-assistant unset wsl2.safeMode",
    "repair": "wslconfig-assistant repair --dry-run\n  wslconfig-assistant repair",
    "validate": "wslconfig-assistant validate\n"
    "  wslconfig-assistant validate --offline --format github --strict\n"
    "  wslconfig-assistant validate --wsl-version-file wsl.txt --format junit",
    "versions": "wslconfig-assistant versions\n  wslconfig-assistant versions --running-kernel --json",
    "verify": "wsl --shutdown; wslconfig-assistant verify\n  wslconfig-assistant verify --bench",
    "bench": "wslconfig-assistant bench\n  wslconfig-assistant bench --distro Ubuntu --files 5000 --json",
    "backups": "wslconfig-assistant backups",
    "restore": "wslconfig-assistant restore            # the newest backup\n"
    "  wslconfig-assistant restore 20261125T1823",
    "demo": "wslconfig-assistant demo\n  wslconfig-assistant demo --non-interactive",
    "setup": "wslconfig-assistant setup\n  wslconfig-assistant            # the same, on a terminal",
    "apply": "wslconfig-assistant apply --dry-run\n"
    "  wslconfig-assistant apply --shutdown\n"
    "  wslconfig-assistant apply --policy team.toml --set wsl2.swap=0 --json",
    "policy": "wslconfig-assistant policy init\n  wslconfig-assistant policy init team.toml",
    "dsc": "'{\"memory\": \"8GB\"}' | wslconfig-assistant dsc test\n"
    "  dsc resource set -r WslconfigAssistant/WslConfig --input '{\"updateWsl\": true}'",
    "completion": "wslconfig-assistant completion powershell | Out-String | Invoke-Expression\n"
    "  source <(wslconfig-assistant completion bash)",
}

# The examples of the second-level commands (`policy init`, `dsc get`, ...).
SUB_EXAMPLES = {
    ("policy", "init"): "wslconfig-assistant policy init team.toml",
    ("dsc", "get"): "'{}' | wslconfig-assistant dsc get",
    ("dsc", "test"): "'{\"memory\": \"8GB\", \"policy\": \"team.toml\"}' | wslconfig-assistant dsc test",
    ("dsc", "set"): "'{\"memory\": \"8GB\", \"updateWsl\": true}' | wslconfig-assistant dsc set",
    ("dsc", "manifest"): "$dir = Split-Path (Get-Command wslconfig-assistant).Source\n"
    "  wslconfig-assistant dsc manifest --output $dir",
}


def _width() -> int:
    """What argparse asks shutil for, without importing shutil (~4 ms) on every run."""
    try:
        return int(os.environ["COLUMNS"]) - 2
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns - 2  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):
        return 78


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.HelpFormatter(prog, width=_width())


class _LinesFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of a description and of the examples in the epilog, and wraps each
    line to the width (a one-line description of 135 columns did not fit 80)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap  # noqa: PLC0415 - only for --help

        lines = []
        for line in text.splitlines():
            lead = indent + line[: len(line) - len(line.lstrip(" "))]
            more = "  " if lead != indent else ""  # an example's continuation stands out; prose does not
            lines.extend(textwrap.wrap(line.strip(), width, initial_indent=lead, subsequent_indent=lead + more,
                                       break_long_words=False, break_on_hyphens=False) or [""])
        return "\n".join(lines)


def _raw_formatter(prog: str) -> argparse.HelpFormatter:
    return _LinesFormatter(prog, width=_width())


class _Parser(argparse.ArgumentParser):
    """Every parser of the program (subparsers and parents too: they are built with this class).

    No abbreviations: `--js` would give JSON on success, but the error path looks for the option
    as written (`_wants_json`) and would leave stdout empty; an abbreviation could also change
    meaning when a later version adds an option sharing its prefix."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        # A usage error must still honour --json and the documented exit code 2.
        raise UsageError(f"{message}", fix=f"see `{self.prog} --help`")


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    flag_default = argparse.SUPPRESS if suppress else False
    parser.add_argument("--config", metavar="PATH", default=default,
                        help="the .wslconfig to work on (default: %%USERPROFILE%%\\.wslconfig)")
    parser.add_argument("--wsl-exe", metavar="PATH", default=default, help="the wsl.exe to run")
    parser.add_argument("--json", action="store_true", default=flag_default,
                        help="one JSON document on stdout; human text goes to stderr")
    parser.add_argument("--no-color", action="store_true", default=flag_default,
                        help="plain text (NO_COLOR is honoured too)")


Adder = Callable[[str, str], argparse.ArgumentParser]


def _show(add: Adder) -> None:
    p = add("show", "the configuration as WSL will read it, with every problem")
    p.add_argument("--all", action="store_true", help="list every key WSL knows, with defaults")


def _get(add: Adder) -> None:
    p = add("get", "print one key's value as WSL reads it (exit 1 when the file does not set it)")
    p.add_argument("key", metavar="KEY", help="section.key, e.g. wsl2.memory")


def _set(add: Adder) -> None:
    p = add("set", "set one key, changing nothing else in the file")
    p.add_argument("key", metavar="KEY", help="section.key, e.g. wsl2.memory")
    p.add_argument("value", metavar="VALUE", help="the value as WSL should read it, e.g. 8GB")
    p.add_argument("--allow-unknown", action="store_true", help="write a key this tool does not know")
    p.add_argument("--dry-run", action="store_true", help="show the diff, write nothing")


def _unset(add: Adder) -> None:
    p = add("unset", "remove one key's lines, changing nothing else")
    p.add_argument("key", metavar="KEY", help="section.key, e.g. wsl2.safeMode")
    p.add_argument("--dry-run", action="store_true", help="show the diff, write nothing")


def _repair(add: Adder) -> None:
    p = add("repair", "re-encode a file WSL cannot read as written (UTF-16, mixed by `>>`, Latin-1) as UTF-8, "
            "keeping every line")
    p.add_argument("--dry-run", action="store_true", help="show the diff, write nothing")


def _version_file(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wsl-version-file", metavar="FILE",
                   help="read a captured `wsl --version` (UTF-16 or UTF-8) instead of running wsl.exe")


def _policy_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--policy", metavar="FILE", dest="policy_file",
                   help="a TOML policy file (`policy init` writes one); default: the contract's policy")


def _validate(add: Adder) -> None:
    p = add("validate", "read-only compliance check for CI: never writes, never starts the WSL VM")
    p.add_argument("--offline", action="store_true", help="configuration checks only: run no wsl.exe")
    p.add_argument("--format", choices=("text", "json", "junit", "github"), default="text",
                   help="text for people (default), json, junit (Azure Pipelines, GitLab) or github (annotations)")
    p.add_argument("--strict", action="store_true", help="treat every warning as an error")
    _version_file(p)
    _policy_option(p)


def _versions(add: Adder) -> None:
    p = add("versions", "WSL, kernel and DeviceHost versions, where each came from, and the minimums")
    p.add_argument("--running-kernel", action="store_true",
                   help="also ask the running VM (`wsl -e uname -r`): this starts WSL")
    _version_file(p)
    _policy_option(p)


def _verify(add: Adder) -> None:
    p = add("verify", "prove the fast path is on after a restart (starts the WSL VM)")
    p.add_argument("--bench", action="store_true", help="then measure the Windows drive's speed (as `bench`)")
    _policy_option(p)


def _bench(add: Adder) -> None:
    from wslconfig_assistant.cli.commands.bench import BUDGET, FILES, MEGABYTES  # noqa: PLC0415

    p = add("bench", "measure file I/O on the Windows drive against the distro's own disk (starts the WSL VM)")
    p.add_argument("--distro", metavar="NAME", help="the distro to measure in (default: the default distro)")
    p.add_argument("--files", metavar="N", type=int, default=FILES[0],
                   help=f"small files to create, stat, read and delete ({FILES[1]}-{FILES[2]}, default {FILES[0]})")
    p.add_argument("--megabytes", metavar="MB", type=int, default=MEGABYTES[0],
                   help=f"size of the large file ({MEGABYTES[1]}-{MEGABYTES[2]}, default {MEGABYTES[0]})")
    p.add_argument("--budget", metavar="SECONDS", type=int, default=BUDGET[0],
                   help=f"stop after the phase that passes this time ({BUDGET[1]}-{BUDGET[2]}, default {BUDGET[0]})")
    p.add_argument("--windows-folder", metavar="PATH",
                   help="where on the Windows drive to work (default: your Windows temp folder, %%TEMP%%)")
    p.add_argument("--no-save", action="store_true", help="do not save the result in the history")


def _positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return seconds


def _apply(add: Adder) -> None:
    p = add("apply", "make the config comply, update WSL if needed, check again; never prompts")
    p.add_argument("--dry-run", action="store_true", help="show the diff and the plan; change nothing")
    p.add_argument("--no-update", action="store_true", help="do not run `wsl --update`")
    p.add_argument("--memory", metavar="SIZE", help="the VM's memory, e.g. 8GB (must be above the policy's floor)")
    p.add_argument("--set", metavar="KEY=VALUE", action="append", default=[], dest="sets",
                   help="also set this key (repeatable), e.g. wsl2.networkingMode=Mirrored")
    p.add_argument("--shutdown", action="store_true",
                   help="run `wsl --shutdown` when something changed, so it takes effect (stops running distros)")
    p.add_argument("--update-timeout", metavar="SECONDS", type=_positive_seconds,
                   help="stop `wsl --update` after this long (default 1800)")
    _policy_option(p)


def _actions(p: argparse.ArgumentParser, command: str, dest: str,
             actions: Sequence[tuple[str, str]]) -> dict[str, argparse.ArgumentParser]:
    """Second-level commands (`policy init`, `dsc get`), each with the global options and an example."""
    common = _Parser(add_help=False, formatter_class=_formatter)
    _global_options(common, suppress=True)
    sub = p.add_subparsers(dest=dest, metavar="ACTION", parser_class=_Parser, required=True)
    return {
        name: sub.add_parser(name, parents=[common], formatter_class=_raw_formatter, help=help_text,
                             description=help_text, epilog=f"example:\n  {SUB_EXAMPLES[(command, name)]}")
        for name, help_text in actions
    }


def _policy(add: Adder) -> None:
    p = add("policy", "policy files: `policy init [PATH]` writes or updates a commented template")
    init = _actions(p, "policy", "policy_command", [
        ("init", "write a commented policy template, or add what an existing one lacks (values and comments kept)"),
    ])["init"]
    init.add_argument("path", metavar="PATH", nargs="?", help="default: ./wslconfig-policy.toml")


def _dsc(add: Adder) -> None:
    p = add("dsc", "a DSC v3 resource (for WinGet configuration and `dsc`): JSON in, JSON lines out")
    parsers = _actions(p, "dsc", "dsc_command", [
        ("get", "the instance's actual state; never writes"),
        ("test", "the actual state with _inDesiredState, then the properties out of the desired state; "
                 "never writes"),
        ("set", "apply's core: make the instance comply (one lossless write, with a backup), then its state "
                "and the properties that changed"),
        ("manifest", "print the resource manifest, or write it where DSC finds it (a folder on PATH)"),
    ])
    parsers["manifest"].add_argument("--output", metavar="DIR",
                                     help="write wslconfig-assistant.dsc.resource.json into this folder")


def _completion(add: Adder) -> None:
    p = add("completion", "print a shell completion script (PowerShell, or bash inside WSL)")
    p.add_argument("shell", metavar="SHELL", choices=("powershell", "bash"), help="powershell or bash")


def _backups(add: Adder) -> None:
    add("backups", "list the backups taken before each write")


def _restore(add: Adder) -> None:
    p = add("restore", "put a backup back (the newest by default); itself undoable")
    p.add_argument("backup_id", metavar="ID", nargs="?", help="a backup id or a unique prefix of one")


def _demo(add: Adder) -> None:
    p = add("demo", "the whole flow against a throwaway simulated Windows profile (any OS)")
    p.add_argument("--non-interactive", action="store_true",
                   help="run `apply --shutdown` instead of the setup wizard, even on a terminal")


def _setup(add: Adder) -> None:
    p = add("setup", "interactive wizard: asks about each change, shows the diff, then writes, "
            "updates and restarts WSL (needs a terminal; scripts use apply)")
    _policy_option(p)


COMMANDS: dict[str, Callable[[Adder], None]] = {
    "setup": _setup, "show": _show, "get": _get, "set": _set, "unset": _unset, "repair": _repair,
    "validate": _validate,
    "versions": _versions, "verify": _verify, "bench": _bench, "backups": _backups, "restore": _restore, "demo": _demo,
    "apply": _apply, "policy": _policy, "dsc": _dsc, "completion": _completion,
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that command's subparser (each costs ~2 ms to build)."""
    parser = _Parser(
        prog=PROG,
        description="Put WSL 2 on its fast virtiofs path and keep it there: a lossless, WSL-exact "
        ".wslconfig editor and checker.",
        epilog="Exit codes: 0 complies, 1 does not comply, 2 usage, 3 unreadable .wslconfig, "
        "4 wsl.exe failed, 5 write refused, 130 interrupted.",
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _global_options(parser, suppress=False)
    common = _Parser(add_help=False, formatter_class=_formatter)
    _global_options(common, suppress=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name, help=help_text, description=help_text, parents=[common],
            epilog=f"example:\n  {EXAMPLES[name]}", formatter_class=_raw_formatter,
        )

    for name, builder in COMMANDS.items():
        if only is None or name == only:
            builder(add)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The command named in argv, found without building the parser."""
    takes_value = False
    for arg in argv:
        if takes_value:
            takes_value = False
        elif arg in ("--config", "--wsl-exe"):
            takes_value = True
        elif arg in ("-h", "--help"):
            return None
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def _dispatch(args: argparse.Namespace) -> int:
    from wslconfig_assistant.cli.output import Console  # noqa: PLC0415

    # Every command printed from here on carries the options that chose the file (shellcommand.py).
    shellcommand.remember(shellcommand.Invocation(args.config, args.wsl_exe, getattr(args, "policy_file", None)))

    console = Console(json_mode=args.json, no_color=args.no_color)
    if args.command == "demo":
        from wslconfig_assistant.cli.commands.demo import demo  # noqa: PLC0415

        return demo(console=console, json_mode=args.json, interactive=not args.non_interactive)
    if args.command == "completion":
        from wslconfig_assistant.cli.commands.completion import completion  # noqa: PLC0415

        return completion(args.shell, build_parser())
    if args.command == "dsc":
        from wslconfig_assistant.cli.commands import dsc  # noqa: PLC0415

        if args.dsc_command == "manifest":
            return dsc.write_manifest(args.output)
        return dsc.dsc(args.dsc_command, config=args.config, wsl_exe=args.wsl_exe)
    if args.command == "policy":
        from wslconfig_assistant.cli.commands.policy_init import policy_init  # noqa: PLC0415

        return policy_init(console=console, json_mode=args.json, path=args.path, config=args.config)
    from wslconfig_assistant.cli.commands.context import Context  # noqa: PLC0415
    from wslconfig_assistant.core.policy import DEFAULT  # noqa: PLC0415
    from wslconfig_assistant.storage.locate import config_path  # noqa: PLC0415

    policy = DEFAULT
    if getattr(args, "policy_file", None):
        from wslconfig_assistant.compliance.policy_toml import load_policy  # noqa: PLC0415

        policy = load_policy(args.policy_file)
    if args.command == "setup":
        from wslconfig_assistant.cli.commands.setup import setup  # noqa: PLC0415

        # Before the config path is resolved: off Windows setup may run in demo's sandbox.
        return setup(console=console, config=args.config, wsl_exe=args.wsl_exe, policy=policy,
                     json_mode=args.json)
    ctx = Context(config_path(args.config), console, args.json, args.wsl_exe)
    if args.command == "validate":
        from wslconfig_assistant.cli.commands.validate import validate  # noqa: PLC0415

        return validate(ctx, offline=args.offline, fmt=args.format, strict=args.strict,
                        version_file=args.wsl_version_file, policy=policy)
    if args.command == "versions":
        from wslconfig_assistant.cli.commands.versions import versions  # noqa: PLC0415

        return versions(ctx, running_kernel=args.running_kernel, version_file=args.wsl_version_file,
                        policy=policy)
    if args.command == "verify":
        from wslconfig_assistant.cli.commands.verify import verify  # noqa: PLC0415

        return verify(ctx, policy=policy, bench=args.bench)
    if args.command == "bench":
        from wslconfig_assistant.cli.commands.bench import bench  # noqa: PLC0415

        return bench(ctx, distro=args.distro, files=args.files, megabytes=args.megabytes, budget=args.budget,
                     windows_folder=args.windows_folder, save=not args.no_save)
    if args.command == "apply":
        from wslconfig_assistant.cli.commands.apply import apply  # noqa: PLC0415

        return apply(ctx, policy=policy, memory=args.memory, sets=args.sets, dry_run=args.dry_run,
                     no_update=args.no_update, shutdown=args.shutdown, update_timeout=args.update_timeout)
    if args.command == "show":
        from wslconfig_assistant.cli.commands.show import show  # noqa: PLC0415

        return show(ctx, all_keys=args.all)
    if args.command in ("get", "set", "unset"):
        from wslconfig_assistant.cli.commands import edit  # noqa: PLC0415

        if args.command == "get":
            return edit.get(ctx, args.key)
        if args.command == "set":
            return edit.set_key(ctx, args.key, args.value, allow_unknown=args.allow_unknown,
                                dry_run=args.dry_run)
        return edit.unset_key(ctx, args.key, dry_run=args.dry_run)
    if args.command == "repair":
        from wslconfig_assistant.cli.commands.repair import repair  # noqa: PLC0415

        return repair(ctx, dry_run=args.dry_run)
    from wslconfig_assistant.cli.commands import backups  # noqa: PLC0415

    if args.command == "backups":
        return backups.backups(ctx)
    return backups.restore(ctx, args.backup_id)


def _bare_call(parser: argparse.ArgumentParser, args: argparse.Namespace, json_mode: bool) -> None:
    """A bare call runs setup on a terminal; anywhere else it is a usage error (CONTRACT.md)."""
    from wslconfig_assistant.cli.prompts import can_prompt  # noqa: PLC0415 - questionary is not imported

    if not json_mode and can_prompt():
        args.command = "setup"
        args.policy_file = None
        return
    parser.print_usage(sys.stderr)
    raise UsageError(
        "name a command (a bare call runs the setup wizard only when stdin and stdout are terminals)",
        fix=f"see `{PROG} --help`; scripts use `{PROG} apply`",
    )


def _report_error(exc: AssistantError, json_mode: bool, command: str | None, config: str | None,
                  report_format: str | None = None) -> None:
    from wslconfig_assistant.core.findings import visible  # noqa: PLC0415

    # Messages quote the user's arguments, the file and wsl.exe's last lines: escape controls so
    # none reaches the terminal raw, keeping the line breaks the message is made of.
    def shown(text: str) -> str:
        return "\n".join(visible(line) for line in text.split("\n"))

    sys.stderr.write(f"{PROG}: error: {shown(exc.message)}\n")
    if exc.fix:
        sys.stderr.write(f"  fix: {shown(exc.fix)}\n")
    if json_mode:
        from wslconfig_assistant.cli.output import envelope, print_json  # noqa: PLC0415

        doc = envelope(command or "", int(exc.exit_code), config, [],
                       error={"message": exc.message, "fix": exc.fix})
        print_json(doc)
    elif report_format in ("junit", "github"):
        # CI reads stdout: a report that says why the check stopped, not an empty file (publishers reject
        # it) or a failed step with no annotation.
        from wslconfig_assistant.cli.output import write_machine  # noqa: PLC0415

        if report_format == "junit":
            from wslconfig_assistant.cli import junitxml  # noqa: PLC0415

            write_machine(junitxml.tool_error(config, exc.message, exc.fix, int(exc.exit_code),
                                              junitxml.this_run(0.0)))
        else:
            from wslconfig_assistant.cli.github_annotations import tool_error  # noqa: PLC0415

            write_machine(tool_error(config, exc.message, exc.fix, int(exc.exit_code)))


def _config_in(argv: Sequence[str]) -> str | None:
    """The config path the command meant, for error reports (without raising)."""
    for i, arg in enumerate(argv):
        if arg == "--config" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--config="):
            return arg.split("=", 1)[1]
    from wslconfig_assistant.storage.locate import config_path  # noqa: PLC0415

    try:
        return config_path(None)
    except AssistantError:
        return None


def _report_format(argv: Sequence[str], command: str | None) -> str | None:
    """`validate --format X`'s X, read without the parser (which may be what failed)."""
    if command != "validate":
        return None
    for i, arg in enumerate(argv):
        if arg.startswith("--format="):
            return arg.split("=", 1)[1]
        if arg == "--format" and i + 1 < len(argv):
            return argv[i + 1]
    return None


def _wants_json(argv: Sequence[str]) -> bool:
    """``--json``, or ``validate --format json``: a pipeline reading stdout then gets a JSON
    document for a failure too (exit 2-5), not an empty file."""
    if "--json" in argv or "--format=json" in argv:
        return True
    at = argv.index("--format") + 1 if "--format" in argv else 0
    return 0 < at < len(argv) and argv[at] == "json"


def _safe_streams() -> None:
    # A .wslconfig can hold any character (or undecodable bytes): never crash on printing, mark what
    # can't be shown. On Windows, redirected text is written in what its reader decodes
    # (output.human_encoding); machine formats are UTF-8 bytes whatever this says (output.write_machine).
    from wslconfig_assistant.cli.output import human_encoding  # noqa: PLC0415

    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            encoding = human_encoding(stream)
            if encoding is None:
                reconfigure(errors="backslashreplace")
            else:
                reconfigure(encoding=encoding, errors="backslashreplace")


def main(argv: Sequence[str] | None = None, *, _exiting: bool = False) -> int:
    """The CLI; ``_exiting``: the process ends right after (entry), so a Ctrl-C that comes once the
    work is done is ignored rather than left to Python's default handler (a traceback at exit)."""
    try:
        from wslconfig_assistant.system import interrupts, streams  # noqa: PLC0415

        # A reader that hangs up (`| head -1`) or a closed stdout (`>&-`) changes nothing the command
        # does, nor its exit code: printing stops, the work goes on (streams.py).
        streams.guard()
        previous = interrupts.install()
        try:
            return _main(argv)
        finally:
            interrupts.restore(previous, ignore=_exiting)
            streams.settle()
    except KeyboardInterrupt:  # before _main's own handler is in place, or during the clean-up
        return _interrupted()


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    json_mode = _wants_json(argv)
    command = _command_in(argv)
    try:
        _safe_streams()
        parser = build_parser(command)
        args = parser.parse_args(argv)
        if args.command is None:
            _bare_call(parser, args, json_mode)
        return _dispatch(args)
    except AssistantError as exc:
        _report_error(exc, json_mode, command, _config_in(argv), _report_format(argv, command))
        return exc.exit_code
    except InterruptedAfterWrite as exc:
        # apply knows more than _interrupted()'s generic record: what it wrote, the undo command and
        # what did not finish ("nothing was half-written" would read as "nothing was written").
        from wslconfig_assistant.system.streams import escaped  # noqa: PLC0415

        sys.stderr.write(f"{PROG}: interrupted; {escaped(exc.written)}\n")
        return ExitCode.INTERRUPTED
    except KeyboardInterrupt:
        return _interrupted()
    except Exception:
        from wslconfig_assistant.system import interrupts  # noqa: PLC0415

        if interrupts.received():  # e.g. a lock broken by the KeyboardInterrupt: still Ctrl-C
            return _interrupted()
        raise


def _interrupted() -> int:
    # Every write is atomic (safewrite.py): a file is the old bytes or the new, never a mix. What
    # was written in full before the Ctrl-C is said, so that nobody believes it was not.
    safewrite = sys.modules.get("wslconfig_assistant.storage.safewrite")
    written = list(getattr(safewrite, "WRITTEN", []))
    from wslconfig_assistant.core.findings import visible  # noqa: PLC0415

    for result in written:
        kept = f" (the previous content is in {visible(str(result.backup.path))})" if result.backup else ""
        sys.stderr.write(f"{PROG}: {visible(str(result.path))} had been written in full{kept}\n")
    sys.stderr.write(f"{PROG}: interrupted; nothing was half-written\n")
    return ExitCode.INTERRUPTED


def entry() -> NoReturn:
    code = main(_exiting=True)
    if code == ExitCode.INTERRUPTED:
        # CPython remembers a KeyboardInterrupt raised inside a string eval() (namedtuple builds
        # its classes that way, so a Ctrl-C during a lazy import can land there) as "unhandled",
        # even once caught, and then ends the process by SIGINT instead of exit 130. Everything is
        # flushed and settled (main's finally); nothing is left for the interpreter's finalization.
        os._exit(code)
    sys.exit(code)
