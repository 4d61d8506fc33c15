"""A faithful wsl.exe stand-in, for ``demo``, for tests, and for trying the tool anywhere.

Run it as ``wslconfig-assistant-wsl-sim ARGS`` or ``python -m wslconfig_assistant.wsl.simulator ARGS``
and pass it as ``--wsl-exe``. It speaks like the real one (wsl-source.md §3-6, NOTES-update.md):

- its own messages are UTF-16LE without a BOM, with CRLF; UTF-8 (still CRLF) only when
  ``WSL_UTF8`` is exactly "1". Output of a Linux command (``-e``) is raw UTF-8 with LF: wsl.exe
  passes it through;
- labels and sentences come from the shared table ``wsltext``, in the state's language (English
  where the table has no translation, as on real localised machines);
- failures exit 255: wsl.exe returns -1, which Python on Windows reports as 4294967295 and a POSIX
  exit status can only carry as its low byte (-1 & 0xFF). ``--help`` exits -1 too, like the real one.

State: a JSON file, ``$WSLCONFIG_ASSISTANT_SIM_STATE``, else ``<profile>/.wsl-sim.json`` with
profile = ``$WSLCONFIG_ASSISTANT_PROFILE``. A missing file means all defaults. Fields:

``language``         a ``translations.VERSION_LABELS`` key (default "en-US")
``wsl_version``      the installed WSL package, 4 parts (default "2.7.3.0")
``inbox``            behave like the Windows-image wsl.exe: ``--version`` is an invalid option
``update_failure``   null, or how ``--update`` fails: "elevation" (MSI 1603, E_ABORT), "elevation-1925"
                     (1603 and nothing else: the 2.0.0 client), "network" (the 403 line only),
                     "msi" (1603, ERROR_INSTALL_FAILURE), "busy" (1618, another install runs),
                     "hang" (never ends), "flood" (prints megabytes), "garbage" (random bytes, odd
                     count). The MSI failures only happen when there is something to install.
``reboot_required``  a successful update prints the "reboot required" sentence (MSI 3010), exit 0
``update_applies``   false: "Updating ..." and exit 0, but nothing changes (microsoft/WSL#12081)
``stable_release``   what ``--update`` without ``--pre-release`` installs (default 2.9.4.0)
``pre_release``      what ``--update --pre-release`` installs (default 2.9.4.0, the newest fully known
                     release; any release of the table works, e.g. "2.9.11.0" or "3.0.1.0")
``vm_running``       the utility VM is up (an update stops it: the MSI stops WSLService)
``running_kernel``   ``uname -r`` of the running VM, set at boot
``booted_config``    what the VM booted with: virtiofs, memory (bytes), kernel (custom path or
                     null), swiotlb (the hv_pci bounce-buffer pool WSL asked for, bytes),
                     wsl_version, booted_at (Unix time; ``cat /proc/uptime`` counts from it)
``config_path``      the .wslconfig read at boot (default ``<profile>/.wslconfig``, else the one
                     beside the state file)
``calls``            every invocation's arguments (argv without the program), oldest first
``distros``          the registered distros, the default first (default ["Ubuntu"]); all WSL 2
``running_distros``  the distros running now (left out: the default one when ``vm_running``); a
                     distro starts with the VM (``-e``, ``-d NAME``), ``--shutdown`` stops them all.
                     ``--list [--verbose|--quiet] [--running] [--all]`` shows them as the real one
                     does: the ``--verbose`` table untranslated, the messages translated.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, NamedTuple, TypeAlias

from wslconfig_assistant.wsl import translations

STATE_ENV = "WSLCONFIG_ASSISTANT_SIM_STATE"
PROFILE_ENV = "WSLCONFIG_ASSISTANT_PROFILE"  # the same variable as locate.PROFILE_ENV
STATE_NAME = ".wsl-sim.json"
FAIL = 255  # wsl.exe's -1, as a POSIX exit status carries it
ENGLISH = "en-US"
GB = 1 << 30
MB = 1 << 20

UPDATE_FAILURES = ("elevation", "elevation-1925", "network", "msi", "busy", "hang", "flood", "garbage")


class Release(NamedTuple):
    first: str  # the first WSL tag this row applies to (up to the next row)
    kernel: str  # Microsoft.WSL.Kernel package: `wsl --version` line 2
    devicehost: str  # Microsoft.WSL.DeviceHost package (nothing prints it)
    wslg: str


# What GitHub's release list offers (--update): stable tags; --pre-release adds nothing newer.
STABLE_CHAIN = ("2.6.3.0", "2.7.3.0", "2.8.8.0", "2.8.11.0", "2.9.4.0")
NEWEST = STABLE_CHAIN[-1]  # the default target of both channels: the newest release with every package confirmed
# The releases after it that the release table knows (releases.py): a state can install or run any of them.
# Where the table confirms no kernel (2.9.9, 2.9.10) the simulated `wsl --version` prints the table's lower
# bound, the newest confirmed earlier kernel; a real machine prints its own.
LATER_RELEASES = ("2.9.9.0", "2.9.10.0", "2.9.11.0", "3.0.1.0")

# The rest of `wsl --version`: real values from the corpus (a 24H2 machine).
MSRDC, DIRECT3D = "1.2.6353", "1.611.1-81528511"
DXCORE, WINDOWS = "10.0.26100.1-240331-1435.ge-release", "10.0.26100.4652"

# The WSL release from which wsl2.virtiofs mounts drives over virtiofs. Every release this
# simulator installs knows the key (it is in 2.5.8's table; #14301 shows virtiofs on 2.7.0).
VIRTIOFS_SINCE = (2, 5, 8)
SWIOTLB_SINCE = (2, 8, 9)  # experimental.swiotlb and the automatic 64 MB pool (commit c4ef2c7dd)
PATCHED_KERNEL = (6, 18, 26, 3)  # the first kernel publishing hv_pci swiotlb_{base,size}
PATCHED_DEVICEHOST = (1, 2, 29)  # device-side SWIOTLB aperture support
SWIOTLB_DEFAULT = 64 * MB
SWIOTLB_MIN_MEMORY = GB + 64 * MB  # below this WSL asks for no pool
SWIOTLB_BASE = 0xF4000000  # where the guest maps it (the corpus' "software IO TLB: mapped [mem 0xf4000000-...]")
CUSTOM_KERNEL = "6.18.8-microsoft-standard-WSL2-dirty"  # a self-built kernel from the corpus, without the patch
LOG_FILE = "C:\\Users\\User\\AppData\\Local\\Temp\\wsl-install-logs.txt"
HANG_SECONDS = 7200  # longer than any timeout the tool uses
FLOOD_BYTES = 24 * MB
GARBAGE_BYTES = 40_001  # odd on purpose
PROGRESS_STEPS = (0.0, 2.5, 25.0, 50.0, 75.0, 100.0)
PROGRESS_WIDTH = 58  # inside the brackets, as in the corpus: [=      2,5%       ]
DECIMAL_COMMA = ("de-DE", "fr-FR", "es-ES", "pt-BR", "it-IT", "nl-NL", "ru-RU")


class SimError(Exception):
    """The simulator itself cannot run (no state, a broken state file)."""


class Booted(NamedTuple):
    virtiofs: bool  # drives over virtiofs (wsl2.virtiofs, unless virtio=false or safeMode=true)
    memory: int  # the VM's memory in bytes, after WSL's default (half the host) and clamping
    kernel: str | None  # wsl2.kernel: a custom kernel's path; None for the bundled one
    swiotlb: int  # the hv_pci bounce-buffer pool WSL asked for, in bytes (0 = none)
    wsl_version: str  # the WSL that booted it
    booted_at: float = 0.0  # Unix time of the boot: /proc/uptime counts from it


class SimState(NamedTuple):
    language: str = ENGLISH
    wsl_version: str = "2.7.3.0"
    inbox: bool = False
    update_failure: str | None = None
    reboot_required: bool = False
    update_applies: bool = True
    stable_release: str = NEWEST
    pre_release: str = NEWEST
    vm_running: bool = False
    running_kernel: str | None = None
    booted_config: Booted | None = None
    config_path: str | None = None
    calls: tuple[tuple[str, ...], ...] = ()
    distros: tuple[str, ...] = ("Ubuntu",)
    running_distros: tuple[str, ...] = ()


Part: TypeAlias = bytes | float  # bytes to write, or seconds to wait before the next part


class Reply(NamedTuple):
    code: int
    out: Iterable[Part] = ()
    err: Iterable[Part] = ()


class Voice(NamedTuple):
    """How wsl.exe's own text is written: UTF-16LE unless WSL_UTF8=1, CRLF line ends."""

    utf8: bool
    language: str

    def lines(self, *lines: str) -> bytes:
        return self.raw("".join(line + "\r\n" for line in lines))

    def raw(self, text: str) -> bytes:
        return text.encode("utf-8" if self.utf8 else "utf-16-le")

    def update_text(self, key: str, **values: str) -> str:
        table = translations.UPDATE_TEXT.get(self.language, translations.UPDATE_TEXT[ENGLISH])
        return table[key].format(**values)

    def pick(self, table: dict[str, str]) -> str:
        return table.get(self.language, table[ENGLISH])


# -- versions -------------------------------------------------------------------------------

def version_tuple(version: str) -> tuple[int, ...]:
    """"6.18.26.3-1" -> (6, 18, 26, 3); anything not a number reads as 0."""
    parts = version.split("-", maxsplit=1)[0].split(".")
    return tuple(int(p) if p.isdigit() else 0 for p in parts)


def release_of(wsl_version: str) -> Release:
    """The packages bundled with a WSL version, from the product's own release table
    (releases.py); a version older than the table gets the table's oldest row."""
    from wslconfig_assistant.wsl import releases  # noqa: PLC0415 - only commands that print versions need it

    found = releases.bundled(wsl_version)
    if found.kernel is None or found.devicehost is None:
        found = releases.bundled(min(releases.TABLE, key=version_tuple))
    kernel, devicehost = found.kernel or "", found.devicehost or ""  # the table's rows are full
    # WSLg gates nothing; where the table does not pin it, print the newest known.
    return Release(tag(wsl_version), kernel, devicehost, found.wslg or "1.0.79")


def kernel_release(package: str) -> str:
    """The kernel package version as ``uname -r`` shows it: 6.18.26.3-1 -> 6.18.26.3-microsoft-standard-WSL2."""
    return package.split("-", maxsplit=1)[0] + "-microsoft-standard-WSL2"


def tag(version: str) -> str:
    """A release as --update names it (the GitHub tag): 2.9.4.0 -> 2.9.4."""
    return version.removesuffix(".0") if version.count(".") == 3 else version


# -- state ----------------------------------------------------------------------------------

def state_path() -> str:
    explicit = os.environ.get(STATE_ENV)
    if explicit:
        return explicit
    profile = os.environ.get(PROFILE_ENV)
    if profile:
        return os.path.join(profile, STATE_NAME)
    raise SimError(
        f"wsl.exe simulator: no state to work on: set {STATE_ENV} to a JSON file, "
        f"or {PROFILE_ENV} to a simulated profile folder"
    )


def default_config_path(path_of_state: str) -> str:
    profile = os.environ.get(PROFILE_ENV)
    folder = profile if profile else os.path.dirname(os.path.abspath(path_of_state))
    return os.path.join(folder, ".wslconfig")


def load_state(path: str) -> SimState:
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read().decode("utf-8"))
    except FileNotFoundError:
        return SimState()
    except (OSError, ValueError) as exc:
        raise SimError(f"wsl.exe simulator: cannot read its state {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise SimError(f"wsl.exe simulator: {path} must hold a JSON object")
    return state_from_json(data, path)


def state_from_json(data: dict[str, object], path: str = "state") -> SimState:
    """A state from its JSON object: a missing field (or null where null means nothing) is the default."""
    field = _Fields(data, path)
    d = SimState()
    state = SimState(
        language=field.text("language", d.language),
        wsl_version=field.text("wsl_version", d.wsl_version),
        inbox=field.flag("inbox", d.inbox),
        update_failure=field.optional_text("update_failure"),
        reboot_required=field.flag("reboot_required", d.reboot_required),
        update_applies=field.flag("update_applies", d.update_applies),
        stable_release=field.text("stable_release", d.stable_release),
        pre_release=field.text("pre_release", d.pre_release),
        vm_running=field.flag("vm_running", d.vm_running),
        running_kernel=field.optional_text("running_kernel"),
        booted_config=_booted_from_json(data.get("booted_config"), path),
        config_path=field.optional_text("config_path"),
        calls=tuple(tuple(call) for call in field.lists("calls")),
        distros=tuple(field.strings("distros", d.distros)),
    )
    # A hand-written state with a running VM but no list: the default distro is what runs in it.
    implied = state.distros[:1] if state.vm_running else ()
    state = state._replace(running_distros=tuple(field.strings("running_distros", implied)))
    if state.language not in translations.VERSION_LABELS:
        raise SimError(f"wsl.exe simulator: {path}: language must be one of {', '.join(translations.VERSION_LABELS)}")
    if state.update_failure is not None and state.update_failure not in UPDATE_FAILURES:
        raise SimError(f"wsl.exe simulator: {path}: update_failure must be null or one of {', '.join(UPDATE_FAILURES)}")
    return state


class _Fields:
    """Typed reads of the state's JSON object; a wrong type is an error that names the field."""

    def __init__(self, data: dict[str, object], path: str) -> None:
        self.data = data
        self.path = path

    def _wrong(self, name: str, what: str) -> SimError:
        return SimError(f"wsl.exe simulator: {self.path}: {name} must be {what}")

    def text(self, name: str, default: str) -> str:
        value = self.optional_text(name)
        return default if value is None else value

    def optional_text(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is not None and not isinstance(value, str):
            raise self._wrong(name, "a string")
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.data.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._wrong(name, "true or false")
        return value

    def strings(self, name: str, default: Sequence[str]) -> list[str]:
        value = self.data.get(name)
        if value is None:
            return list(default)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._wrong(name, "a list of strings")
        return [str(item) for item in value]

    def lists(self, name: str) -> list[list[str]]:
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, list) for item in value):
            raise self._wrong(name, "a list of argument lists")
        return [[str(arg) for arg in item] for item in value]


def _booted_from_json(value: object, path: str) -> Booted | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SimError(f"wsl.exe simulator: {path}: booted_config must be an object")
    try:
        return Booted(
            virtiofs=bool(value["virtiofs"]),
            memory=int(value["memory"]),
            kernel=None if value.get("kernel") is None else str(value["kernel"]),
            swiotlb=int(value.get("swiotlb", 0)),
            wsl_version=str(value.get("wsl_version", "")),
            # A hand-written state may leave it out: then the VM has just started.
            booted_at=float(value.get("booted_at") or time.time()),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SimError(f"wsl.exe simulator: {path}: booted_config: {exc}") from exc


def state_to_json(state: SimState) -> dict[str, object]:
    data: dict[str, object] = state._asdict()
    data["booted_config"] = None if state.booted_config is None else state.booted_config._asdict()
    data["calls"] = [list(call) for call in state.calls]
    data["distros"] = list(state.distros)
    data["running_distros"] = list(state.running_distros)
    return data


def save_state(path: str, state: SimState) -> None:
    """Temp file + os.replace: a concurrent reader sees the old or the new state, never half."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".wsl-sim.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(state_to_json(state), fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


@contextlib.contextmanager
def locked(path: str) -> Iterator[None]:
    """One invocation at a time per state file: every call reads, appends to ``calls`` and writes
    back, so concurrent processes would otherwise lose each other's updates."""
    if sys.platform == "win32":
        from wslconfig_assistant.system import winapi  # noqa: PLC0415 - Windows only

        with open(path + ".lock", "a+b") as fh:
            fh.seek(0)
            winapi.lock_first_byte(fh.fileno())  # retries for 10 s, then raises
            try:
                yield
            finally:
                fh.seek(0)
                winapi.unlock_first_byte(fh.fileno())
        return
    import fcntl  # noqa: PLC0415 - POSIX only

    # The folder is locked, not a lock file: a test that fingerprints the simulated profile
    # then sees only the state file appear. (The state file itself is replaced on every write.)
    fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing lets go of the lock


# -- commands -------------------------------------------------------------------------------

def dispatch(state: SimState, args: Sequence[str], voice: Voice, config_default: str) -> tuple[SimState, Reply]:
    if not args:  # the default distro's shell; its stdin is not a person, so it ends at once
        state, warning = start(state, config_default, voice)
        return state, Reply(0, err=warning)
    first, rest = args[0], args[1:]
    if first in ("-v", "--version"):
        return state, version(state, voice)
    if first == "--status":
        return state, status(state, voice)
    if first in ("-l", "--list"):
        return state, list_distros(state, rest, voice)
    if first == "--shutdown":
        return shutdown(state, rest, voice)
    if first == "--update":
        return update(state, rest, voice)
    if first == "--help":
        return state, Reply(FAIL, [voice.lines(*USAGE)])
    return execute(state, args, voice, config_default)


# Short: wsltext has no usage text, and nothing parses it. Real wsl.exe prints about 100 lines.
USAGE = (
    "Usage: wsl.exe [Argument] [Options...] [CommandLine]",
    "",
    "  --exec, -e <CommandLine>  Execute the specified command without using the default Linux shell.",
    "  --shutdown [--force]      Immediately terminates all running distributions and the WSL 2 VM.",
    "  --status                  Show the status of Windows Subsystem for Linux.",
    "  --update [--pre-release]  Update the Windows Subsystem for Linux package.",
    "  --version, -v             Display version information.",
)


def invalid(argument: str, voice: Voice, *, error_code: str | None = None) -> Reply:
    lines = [line.format(argument=argument) for line in voice_table(translations.INVALID_ARGUMENT, voice)]
    if error_code:
        lines.append(voice.update_text("error_code", code=error_code))
    return Reply(FAIL, [voice.lines(*lines)])


def voice_table(table: dict[str, tuple[str, str]], voice: Voice) -> tuple[str, str]:
    return table.get(voice.language, table[ENGLISH])


def version(state: SimState, voice: Voice) -> Reply:
    if state.inbox:  # the Windows-image wsl.exe predates --version
        return Reply(FAIL, [voice.lines(voice.pick(translations.INBOX_INVALID_OPTION).format(option="--version"))])
    release = release_of(state.wsl_version)
    values = (state.wsl_version, release.kernel, release.wslg, MSRDC, DIRECT3D, DXCORE, WINDOWS)
    labels = translations.VERSION_LABELS[voice.language]
    return Reply(0, [voice.lines(*(label + value for label, value in zip(labels, values, strict=True)))])


def status(state: SimState, voice: Voice) -> Reply:
    distro_label, version_label = translations.STATUS_LABELS.get(voice.language, translations.STATUS_LABELS[ENGLISH])
    lines = [distro_label + state.distros[0]] if state.distros else []  # only when a default exists
    return Reply(0, [voice.lines(*lines, version_label + "2")])


def shutdown(state: SimState, rest: Sequence[str], voice: Voice) -> tuple[SimState, Reply]:
    for arg in rest:
        if arg != "--force":
            return state, invalid(arg, voice)
    return stopped(state), Reply(0)


def stopped(state: SimState) -> SimState:
    return state._replace(vm_running=False, running_kernel=None, booted_config=None, running_distros=())


LIST_OPTIONS = {"--verbose": "verbose", "-v": "verbose", "--quiet": "quiet", "-q": "quiet",
                "--running": "running", "--all": "all"}
REGISTERED_HEADER = "Windows Subsystem for Linux Distributions:"  # MessageRegisteredDistrosHeader (en-US)


def list_distros(state: SimState, rest: Sequence[str], voice: Voice) -> Reply:
    """``wsl --list``: WslClient.cpp ListDistributionsHelper. It asks the service for the distros'
    states and never starts the VM. Output goes through wprintf, so UTF-16LE unless WSL_UTF8=1."""
    options = set()
    for arg in rest:
        if arg not in LIST_OPTIONS:
            return invalid(arg, voice)
        options.add(LIST_OPTIONS[arg])
    if {"quiet", "verbose"} <= options or {"all", "running"} <= options:  # WSL_E_INVALID_USAGE
        return Reply(FAIL, [voice.lines(*USAGE)])
    no_distros = Reply(FAIL, [voice.lines(*voice.pick(translations.NO_DISTROS).split("\n"))])
    if "verbose" in options:
        if not state.distros:
            return no_distros
        width = max(len("NAME"), *(len(name) for name in state.distros)) + 4
        row = "{} {:<%d}{:<16}{}" % width  # noqa: UP031 - wprintf's "%s %-Ns%-16s%s"
        lines = [row.format(" ", "NAME", "STATE", "VERSION")]
        for i, name in enumerate(state.distros):
            running = "Running" if name in state.running_distros else "Stopped"
            lines.append(row.format("*" if i == 0 else " ", name, running, "2"))
        return Reply(0, [voice.lines(*lines)])
    names = list(state.distros)
    if "running" in options:
        names = [name for name in names if name in state.running_distros]
        if not names and "quiet" not in options:
            return Reply(FAIL, [voice.lines(voice.pick(translations.NO_RUNNING_DISTRO))])
    if "quiet" in options:
        return Reply(0, [voice.lines(*names)] if names else [])
    if not names:
        return no_distros
    default = state.distros[0] if state.distros else None
    return Reply(0, [voice.lines(REGISTERED_HEADER,
                                 *(f"{name} (Default)" if name == default else name for name in names))])


UPDATE_OPTIONS = ("--pre-release", "--web-download", "--confirm", "--prompt-before-exit")  # the last 3: no-ops


def update(state: SimState, rest: Sequence[str], voice: Voice) -> tuple[SimState, Reply]:
    for arg in rest:
        if arg not in UPDATE_OPTIONS:
            return state, invalid(arg, voice, error_code="Wsl/UpdatePackage/E_INVALIDARG")
    failure = state.update_failure
    if failure == "network":  # GitHub unreachable: the one line, nothing before it
        return state, Reply(FAIL, [voice.lines(translations.FORBIDDEN)])
    if failure in ("hang", "flood", "garbage"):
        return state, broken_update(failure, voice)
    target = state.pre_release if "--pre-release" in rest else state.stable_release
    checking = voice.update_text("checking")
    if version_tuple(state.wsl_version) >= version_tuple(target):
        return state, Reply(0, [voice.lines(checking, voice.update_text("latest"))])
    updating = voice.lines(checking, voice.update_text("updating", version=tag(target)))
    if failure is not None:
        return state, Reply(FAIL, [updating, *progress(voice), voice.lines(*msi_failure(failure, voice))])
    if not state.update_applies:  # the MSI never ran (UAC declined, #12081): nothing changes
        return state, Reply(0, [updating])
    done = [voice.lines(voice.pick(translations.REBOOT_REQUIRED))] if state.reboot_required else []
    # The MSI stops WSLService on upgrade, which ends the VM.
    return stopped(state._replace(wsl_version=target)), Reply(0, [updating, *progress(voice), *done])


def msi_failure(failure: str, voice: Voice) -> list[str]:
    code, log, error = {
        "elevation": ("1603", True, "Wsl/UpdatePackage/E_ABORT"),
        "elevation-1925": ("1603", False, None),
        "msi": ("1603", True, "Wsl/UpdatePackage/ERROR_INSTALL_FAILURE"),
        "busy": ("1618", False, "Wsl/UpdatePackage/0x80070652"),
    }[failure]
    lines = [voice.update_text("failed", code=code)]
    if log:
        lines.append(voice.update_text("log", path=LOG_FILE))
    if error:
        lines.append(voice.update_text("error_code", code=error))
    return lines


def progress(voice: Voice) -> Iterator[Part]:
    """The download bar, redrawn in place with CR, then a line end."""
    comma = voice.language in DECIMAL_COMMA
    for step, percent in enumerate(PROGRESS_STEPS):
        yield voice.raw(("\r" if step else "") + progress_bar(percent, comma=comma))
        yield 0.01
    yield voice.raw("\r\n")


def progress_bar(percent: float, *, comma: bool = False) -> str:
    label = f"{percent:.1f}%".replace(".", "," if comma else ".")
    filled = round(PROGRESS_WIDTH * percent / 100)
    inner = list("=" * filled + " " * (PROGRESS_WIDTH - filled))
    at = (PROGRESS_WIDTH - len(label)) // 2
    inner[at : at + len(label)] = label
    return "[" + "".join(inner) + "]"


def broken_update(failure: str, voice: Voice) -> Reply:
    checking = voice.lines(voice.update_text("checking"))
    if failure == "hang":
        return Reply(FAIL, [checking, float(HANG_SECONDS)])
    if failure == "flood":
        return Reply(FAIL, flood(voice))
    import random  # noqa: PLC0415 - only for this failure

    return Reply(FAIL, [random.Random(12081).randbytes(GARBAGE_BYTES)])  # noqa: S311 - not security


def flood(voice: Voice) -> Iterator[Part]:
    yield voice.lines(voice.update_text("checking"))
    block = voice.lines(*[progress_bar(2.5)] * 4096)
    for _ in range(FLOOD_BYTES // len(block) + 1):
        yield block
    yield voice.lines(voice.update_text("failed", code="1603"))


# -- the VM ---------------------------------------------------------------------------------

def start(state: SimState, config_default: str, voice: Voice,
          distro: str | None = None) -> tuple[SimState, list[Part]]:
    """Boot if needed, and what the service then says on the calling wsl.exe's stderr: the kernel-patch
    warning (MessageSwiotlbKernelUnsupported, as "wsl: <text>") when WSL asked for a swiotlb pool but the
    kernel publishes none (WslCoreVm.cpp after ReadGuestCapabilities), once per boot."""
    was_running = state.vm_running and state.booted_config is not None and bool(state.running_kernel)
    state = boot(state, config_default, distro)
    booted = state.booted_config
    if was_running or booted is None or not booted.swiotlb or kernel_has_swiotlb_files(state):
        return state, []
    text = voice.pick(translations.SWIOTLB_KERNEL_UNSUPPORTED)
    return state, [voice.lines("wsl: " + text)]


def boot(state: SimState, config_default: str, distro: str | None = None) -> SimState:
    """Start the VM if it is not running (WSL reads .wslconfig exactly then), and the distro in it."""
    distro = distro or (state.distros[0] if state.distros else None)
    if distro is not None and distro not in state.running_distros:
        state = state._replace(running_distros=(*state.running_distros, distro))
    if state.vm_running and state.booted_config is not None and state.running_kernel:
        return state
    booted = read_boot_config(state.config_path or config_default, state.wsl_version)
    kernel = CUSTOM_KERNEL if booted.kernel else kernel_release(release_of(state.wsl_version).kernel)
    return state._replace(vm_running=True, running_kernel=kernel, booted_config=booted)


def read_boot_config(path: str, wsl_version: str) -> Booted:
    from wslconfig_assistant.wslconfig.document import ConfigDocument  # noqa: PLC0415 - only when the VM boots

    try:
        with open(path, "rb") as fh:
            raw: bytes | None = fh.read()
    except OSError:  # missing or unreadable: WSL runs on its defaults
        raw = None
    settings = ConfigDocument(path, raw).settings

    def value(key: str, default: object) -> object:
        setting = settings.get(key)
        return default if setting is None else setting.value

    version = version_tuple(wsl_version)
    virtio = bool(value("wsl2.virtio", True))
    safe = bool(value("wsl2.safemode", False))
    virtiofs = bool(value("wsl2.virtiofs", False)) and virtio and not safe and version >= VIRTIOFS_SINCE
    memory = vm_memory(value("wsl2.memory", 0))
    kernel = None if safe else (str(value("wsl2.kernel", "")) or None)
    networking = str(value("wsl2.networkingmode", "Nat")).lower()
    swiotlb = 0
    if virtio and version >= SWIOTLB_SINCE:
        explicit = value("experimental.swiotlb", 0)
        wants_pool = virtiofs or networking in ("virtioproxy", "consomme")
        if isinstance(explicit, int) and explicit:
            swiotlb = explicit
        elif wants_pool and memory >= SWIOTLB_MIN_MEMORY:
            swiotlb = SWIOTLB_DEFAULT
    return Booted(virtiofs, memory, kernel, swiotlb, wsl_version, time.time())


def vm_memory(configured: object) -> int:
    """WSL's rule: 0 (or unset) is half the host's RAM; anything else is clamped to [256 MB, RAM]."""
    from wslconfig_assistant.system.hostmemory import host_memory  # noqa: PLC0415 - only when the VM boots

    host = host_memory()[0] or 16 * GB
    if not isinstance(configured, int) or configured <= 0:
        return host // 2
    return min(max(configured, 256 * MB), host)


def execute(state: SimState, args: Sequence[str], voice: Voice, config_default: str) -> tuple[SimState, Reply]:
    """``[-d DISTRO] [-u USER] [--cd DIR] -e|--exec CMD ARGS...``: run a Linux command in the VM."""
    i = 0
    distro = None
    while i < len(args) and args[i] in ("-d", "--distribution", "-u", "--user", "--cd"):
        if i + 1 >= len(args):
            return state, invalid(args[i], voice)
        if args[i] in ("-d", "--distribution"):
            distro = args[i + 1]
        i += 2  # which user does not change what this guest answers
    if distro is not None and distro not in state.distros:
        code = voice.update_text("error_code", code="Wsl/Service/WSL_E_DISTRO_NOT_FOUND")
        return state, Reply(FAIL, [voice.lines(voice.pick(translations.DISTRO_NOT_FOUND), code)])
    if i and i == len(args):  # options only: the shell starts and, without a person, ends
        state, warning = start(state, config_default, voice, distro)
        return state, Reply(0, err=warning)
    if args[i] not in ("-e", "--exec") or i + 1 >= len(args):
        return state, invalid(args[i], voice)
    state, warning = start(state, config_default, voice, distro)
    reply = linux(state, list(args[i + 1 :]))
    return state, reply._replace(err=[*warning, *reply.err])


def linux(state: SimState, command: list[str]) -> Reply:
    """What the guest answers; raw UTF-8 with LF, as wsl.exe passes it through."""
    name = command[0]
    if command == ["uname", "-r"]:
        return Reply(0, [f"{state.running_kernel}\n".encode()])
    if command == ["uname"]:
        return Reply(0, [b"Linux\n"])
    if name == "cat" and len(command) > 1:
        return cat(state, command[1:])
    if name == "sh" and len(command) > 2 and command[1] == "-c" and command[2].startswith(BENCH_MARKER):
        return bench(state, command)
    return Reply(127, err=[f"{name}: command not found\n".encode()])


def cat(state: SimState, files: list[str]) -> Reply:
    out: list[Part] = []
    err: list[Part] = []
    for name in files:
        content = guest_file(state, name)
        if content is None:
            err.append(f"cat: {name}: No such file or directory\n".encode())
        else:
            out.append(content.encode())
    return Reply(1 if err else 0, out, err)


BENCH_MARKER = "# wslconfig-assistant bench"  # guest_script.MARKER: its scripts' first line


def bench(state: SimState, command: list[str]) -> Reply:
    """`bench`'s guest script (simbench.py: SIMULATED figures); its clean-up script removes nothing here."""
    from wslconfig_assistant.wsl import simbench  # noqa: PLC0415 - only bench runs it

    if "clean-up" in command[2].splitlines()[0]:
        return Reply(0)
    booted = state.booted_config
    assert booted is not None  # noqa: S101 - execute() boots first
    base = guest_file(state, SWIOTLB_BASE_FILE)
    size = guest_file(state, SWIOTLB_SIZE_FILE)
    pool = (base or "missing").strip(), (size or "missing").strip()
    present = bool(base and size and int(base, 16) and int(size, 16))
    try:
        text = simbench.answer(command[4:], virtiofs=booted.virtiofs, pool=present,
                               kernel=state.running_kernel or "", mounts=proc_mounts(booted.virtiofs), swiotlb=pool)
    except (IndexError, ValueError):
        return Reply(2, err=[b"sh: bad arguments\n"])
    return Reply(0, [text.encode()])


SWIOTLB_BASE_FILE = "/sys/bus/vmbus/drivers/hv_pci/swiotlb_base"
SWIOTLB_SIZE_FILE = "/sys/bus/vmbus/drivers/hv_pci/swiotlb_size"


def guest_file(state: SimState, name: str) -> str | None:
    booted = state.booted_config
    assert booted is not None  # noqa: S101 - execute() boots first
    if name == "/proc/mounts":
        return proc_mounts(booted.virtiofs)
    if name in (SWIOTLB_BASE_FILE, SWIOTLB_SIZE_FILE):
        if not kernel_has_swiotlb_files(state):
            return None
        pool = booted.swiotlb if devicehost_of(booted.wsl_version) >= PATCHED_DEVICEHOST else 0
        number = (SWIOTLB_BASE if pool else 0) if name == SWIOTLB_BASE_FILE else pool
        return f"0x{number:x}\n"
    if name == "/proc/uptime":  # `verify` compares the boot with the .wslconfig's mtime
        up = max(time.time() - booted.booted_at, 0.0)
        return f"{up:.2f} {up * 1.9:.2f}\n"  # idle time: summed over CPUs, so it can exceed uptime
    if name == "/proc/sys/kernel/osrelease":  # what `uname -r` prints
        return f"{state.running_kernel}\n"
    if name == "/proc/version":
        return f"Linux version {state.running_kernel} (root@wsl) (gcc (GCC) 13.2.0) #1 SMP PREEMPT_DYNAMIC\n"
    return None


def kernel_has_swiotlb_files(state: SimState) -> bool:
    booted = state.booted_config
    if booted is None or booted.kernel is not None:  # a custom kernel: the corpus' one lacks the patch
        return False
    return version_tuple(release_of(booted.wsl_version).kernel) >= PATCHED_KERNEL


def devicehost_of(wsl_version: str) -> tuple[int, ...]:
    return version_tuple(release_of(wsl_version).devicehost)


# /proc/mounts of a WSL 2 Ubuntu, from the corpus (wsl-guest/007.txt, a 6.6-era machine), trimmed.
# The `drivers` line is 9p but not a Windows drive: a check must look at /mnt/c, not at "any 9p".
MOUNTS_HEAD = (
    "none /mnt/wsl tmpfs rw,relatime 0 0",
    "drivers /usr/lib/wsl/drivers 9p ro,nosuid,nodev,noatime,aname=drivers;fmask=222;dmask=222,"
    "cache=5,access=client,msize=65536,trans=fd,rfd=8,wfd=8 0 0",
    "/dev/sdc / ext4 rw,relatime,discard,errors=remount-ro,data=ordered 0 0",
    "none /mnt/wslg tmpfs rw,relatime 0 0",
    "/dev/sdc /mnt/wslg/distro ext4 ro,relatime,discard,errors=remount-ro,data=ordered 0 0",
    "none /usr/lib/wsl/lib overlay rw,nosuid,nodev,noatime,lowerdir=/gpu_lib_packaged:/gpu_lib_inbox,"
    "upperdir=/gpu_lib/rw/upper,workdir=/gpu_lib/rw/work,uuid=on 0 0",
    "rootfs /init rootfs ro,size=8192000k,nr_inodes=2048000 0 0",
    "none /dev devtmpfs rw,nosuid,relatime,size=8192004k,nr_inodes=2048001,mode=755 0 0",
    "sysfs /sys sysfs rw,nosuid,nodev,noexec,noatime 0 0",
    "proc /proc proc rw,nosuid,nodev,noexec,noatime 0 0",
    "devpts /dev/pts devpts rw,nosuid,noexec,noatime,gid=5,mode=620,ptmxmode=000 0 0",
    "none /run tmpfs rw,nosuid,nodev,mode=755 0 0",
    "none /run/lock tmpfs rw,nosuid,nodev,noexec,noatime 0 0",
    "none /run/shm tmpfs rw,nosuid,nodev,noatime 0 0",
    "none /dev/shm tmpfs rw,nosuid,nodev,noatime 0 0",
    "none /run/user tmpfs rw,nosuid,nodev,noexec,noatime,mode=755 0 0",
    "binfmt_misc /proc/sys/fs/binfmt_misc binfmt_misc rw,relatime 0 0",
    "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0",
    "none /tmp/.X11-unix tmpfs ro,relatime 0 0",
)
# /proc/mounts octal-escapes the backslash in the source field (\134) but not in the options.
MOUNT_C_9P = (
    "C:\\134 /mnt/c 9p rw,noatime,aname=drvfs;path=C:\\;uid=1000;gid=1000;symlinkroot=/mnt/,"
    "cache=5,access=client,msize=65536,trans=fd,rfd=6,wfd=6 0 0"
)
MOUNT_C_VIRTIOFS = "drvfsC0 /mnt/c virtiofs rw,noatime 0 0"  # wsl-guest/002.txt: WSL's automount
MOUNTS_TAIL = (
    "hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0",
    "mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime 0 0",
)


def proc_mounts(virtiofs: bool) -> str:
    return "".join(line + "\n" for line in (*MOUNTS_HEAD, MOUNT_C_VIRTIOFS if virtiofs else MOUNT_C_9P, *MOUNTS_TAIL))


# -- the process ----------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    voice = Voice(utf8=os.environ.get("WSL_UTF8") == "1", language=ENGLISH)
    try:
        path = state_path()
        with locked(path):
            state = load_state(path)
            state = state._replace(calls=(*state.calls, tuple(args)))
            voice = voice._replace(language=state.language)
            state, reply = dispatch(state, args, voice, default_config_path(path))
            save_state(path, state)
    except SimError as exc:
        write(sys.stderr.buffer, [voice.lines(str(exc))])
        return FAIL
    except OSError as exc:  # the state's folder is missing or read-only
        write(sys.stderr.buffer, [voice.lines(f"wsl.exe simulator: cannot use its state: {exc}")])
        return FAIL
    # Written after the state is saved and the lock is let go: a hanging or flooding call must
    # not block the next one.
    write(sys.stdout.buffer, reply.out)
    write(sys.stderr.buffer, reply.err)
    return reply.code


def write(stream: IO[bytes], parts: Iterable[Part]) -> None:
    for part in parts:
        if isinstance(part, bytes):
            stream.write(part)
        else:
            stream.flush()  # what came before shows while we wait
            time.sleep(part)
    stream.flush()


def entry() -> None:
    try:
        code = main()
    except BrokenPipeError:  # the reader went away (a killed caller): nothing left to say
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = FAIL
    except KeyboardInterrupt:
        code = FAIL
    raise SystemExit(code)


if __name__ == "__main__":
    entry()
