"""`bench`: how fast the distro reaches the Windows drive, next to its own file system, and what changed.

One wsl.exe call runs guest_script.SCRIPT in the distro (the VM starts if it is not running); the figures
come from the guest's clock. The run is saved in the history (history.py) and compared with the last
run under another transport or configuration. When wsl.exe is stopped (Ctrl-C, timeout) one more call
removes this run's folders, by their token, in case the guest's own trap did not get to run.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import secrets
import sys
from typing import TYPE_CHECKING, Any, NamedTuple

from wslconfig_assistant.bench import figures, guest_script
from wslconfig_assistant.cli.commands.context import Context
from wslconfig_assistant.core import shellcommand
from wslconfig_assistant.core.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from wslconfig_assistant.wsl.queries import Wsl

# (default, lowest, highest): the defaults finish in seconds on a laptop, the highest in a few minutes.
FILES = (1000, 10, 20000)
MEGABYTES = (64, 1, 1024)
BUDGET = (30, 5, 300)
_EXTRA_SECONDS = 60  # on top of the budget for wsl.exe: the VM's start and the last phase running over
_CLEANUP_SECONDS = 30.0


def check_bounds(name: str, value: int, bounds: tuple[int, int, int]) -> int:
    if not bounds[1] <= value <= bounds[2]:
        raise UsageError(f"{name} {value} is out of range", fix=f"pass a number from {bounds[1]} to {bounds[2]}")
    return value


def default_windows_folder() -> str:
    """The user's Windows temp folder (%TEMP%, as GetTempPath gives it); off Windows, where only the
    simulator answers, C:\\Windows\\Temp."""
    if sys.platform == "win32":
        import tempfile  # noqa: PLC0415

        return tempfile.gettempdir()
    return "C:\\Windows\\Temp"


class Measured(NamedTuple):
    result: figures.BenchResult
    run: dict[str, Any]  # as saved and printed by --json
    before: dict[str, Any] | None  # the last run under another transport or configuration
    comparison: str | None
    saved: str | None  # the history file


def bench(ctx: Context, *, distro: str | None = None, files: int = FILES[0], megabytes: int = MEGABYTES[0],
          budget: int = BUDGET[0], windows_folder: str | None = None, save: bool = True) -> int:
    check_bounds("--files", files, FILES)
    check_bounds("--megabytes", megabytes, MEGABYTES)
    check_bounds("--budget", budget, BUDGET)
    measured = run_bench(ctx, None, distro=distro, files=files, megabytes=megabytes, budget=budget,
                         windows_folder=windows_folder, save=save)
    if ctx.json:
        from wslconfig_assistant.cli import output  # noqa: PLC0415

        output.print_json(output.envelope("bench", ExitCode.OK, ctx.config, [], bench=measured.run,
                                          before=measured.before, comparison=measured.comparison,
                                          history=measured.saved))
        return ExitCode.OK
    print_measured(ctx, measured)
    return ExitCode.OK


def run_bench(ctx: Context, wsl: Wsl | None, *, distro: str | None = None, files: int = FILES[0],
              megabytes: int = MEGABYTES[0], budget: int = BUDGET[0], windows_folder: str | None = None,
              save: bool = True) -> Measured:
    """Measure, save and compare; ``wsl``: the caller's (verify --bench), else a new one."""
    from wslconfig_assistant.bench import history  # noqa: PLC0415
    from wslconfig_assistant.cli.commands.versions import collect  # noqa: PLC0415
    from wslconfig_assistant.core.policy import DEFAULT  # noqa: PLC0415
    from wslconfig_assistant.wsl.queries import Wsl  # noqa: PLC0415

    folder = windows_folder or default_windows_folder()
    doc = ctx.load()
    wsl = wsl or Wsl(ctx.wsl_exe)
    gates, _ = collect(ctx, doc, version_file=None, running_kernel=False, policy=DEFAULT, wsl=wsl)
    versions = {gate.name: gate.version for gate in gates}
    if not ctx.json:
        ctx.console.print(f"measuring {files} small files and a {megabytes} MB file in {folder}, "
                          "then on the distro's own disk ...")
    result = measure(wsl, distro, folder, files=files, megabytes=megabytes, budget=budget)
    run = as_record(result, distro=distro, versions=versions, config_bytes=doc.raw)
    before = history.previous(ctx.config, run) if save else None
    saved = str(history.record(ctx.config, run)) if save else None
    comparison = comparison_line(before, run) if before else None
    return Measured(result, run, before, comparison, saved)


def measure(wsl: Wsl, distro: str | None, folder: str, *, files: int, megabytes: int,
            budget: int) -> figures.BenchResult:
    from wslconfig_assistant.wsl import wslexe  # noqa: PLC0415

    token = secrets.token_hex(8)
    where = ["-d", distro] if distro else []
    argv = [*where, "-e", *guest_script.guest_argv(files, megabytes, folder, budget, token=token)]
    try:
        result = wsl.run(*argv, timeout=float(budget + _EXTRA_SECONDS))
    except BaseException:  # Ctrl-C or timeout: wsl.exe was stopped, the guest's trap may not have run
        with contextlib.suppress(Exception):
            wsl.run(*where, "-e", *guest_script.cleanup_argv(folder, token), timeout=_CLEANUP_SECONDS)
        raise
    text = result.output
    if result.failed and "BENCH " not in text:
        wslexe.raise_for(result)
    return figures.parse_output(text)


def as_record(result: figures.BenchResult, *, distro: str | None, versions: dict[str, str | None],
              config_bytes: bytes | None) -> dict[str, Any]:
    """The run as saved in the history and printed by --json (docs/reference.md, "bench")."""
    phases = {}
    for rate in figures.rates(result):
        phases[rate.phase] = {"unit": f"{rate.unit}/s", "windows": _round(rate.windows), "native": _round(rate.native),
                              "share": None if rate.share is None else round(rate.share, 3)}
    return {
        "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "simulated": result.simulated,
        "distro": distro,
        "windows_folder": result.windows_folder,
        "transport": result.access.kind,
        "pool": result.pool.present,
        "clock": result.clock,
        "complete": result.complete,
        "wsl": versions.get("wsl"),
        "kernel": versions.get("kernel"),
        "running_kernel": result.kernel,
        "devicehost": versions.get("devicehost"),
        "config_sha256": None if config_bytes is None else hashlib.sha256(config_bytes).hexdigest(),
        "phases": phases,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def describe_setup(run: dict[str, Any]) -> str:
    transport = str(run.get("transport"))
    if transport == "virtiofs":
        return "virtiofs with its DMA pool" if run.get("pool") else "virtiofs without its DMA pool"
    return transport


def comparison_line(before: dict[str, Any], now: dict[str, Any]) -> str:
    """"before: 9p, small-file creates 1,850/s (31% of native); now: virtiofs with its DMA pool, 4,900/s
    (82%): 2.6x faster", on small-file creates (the figure virtiofs changes most)."""
    old = _phase(before, "create")
    new = _phase(now, "create")
    when = str(before.get("time", ""))[:16].replace("T", " ")
    same_setup = describe_setup(before) == describe_setup(now)
    changed = " (another configuration)" if same_setup else ""
    head = (f"before ({when}): {describe_setup(before)}{changed}, "
            f"small-file creates {_count(old)} ({_pct(old)} of native)")
    tail = f"now: {describe_setup(now)}, {_count(new)} ({_pct(new)})"
    ratio = figures.compare({"create": old.get("windows")}, {"create": new.get("windows")})["create"]
    if ratio is None:
        return f"{head}; {tail}"
    verdict = f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"
    return f"{head}; {tail}: {verdict}"


def _phase(run: dict[str, Any], name: str) -> dict[str, Any]:
    phases = run.get("phases")
    entry = phases.get(name) if isinstance(phases, dict) else None
    return entry if isinstance(entry, dict) else {}


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None


def _count(entry: dict[str, Any]) -> str:
    value = _number(entry.get("windows"))
    return "n/a" if value is None else f"{value:,.0f}/s"


def _pct(entry: dict[str, Any]) -> str:
    share = _number(entry.get("share"))
    return "n/a" if share is None else f"{share:.0%}"


def print_measured(ctx: Context, measured: Measured) -> None:
    con = ctx.console
    result, comparison, saved = measured.result, measured.comparison, measured.saved
    if result.simulated:
        con.print(con.paint("SIMULATED figures: the simulator's wsl.exe answered, nothing was measured", "warning"))
    pool = "DMA pool present" if result.pool.present else "no DMA pool"
    con.print(f"Windows drive: {result.windows_folder} over {result.access.kind}, {pool}")
    con.print(f"{'phase':<20} {'Windows drive':>15} {'native':>15} {'share':>6}")
    for rate in figures.rates(result):
        con.print(f"{rate.label:<20} {figures.format_rate(rate.windows, rate.unit):>15} "
                  f"{figures.format_rate(rate.native, rate.unit):>15} {figures.format_share(rate.share):>6}")
    if not result.complete:
        con.print(con.paint(f"the time budget ran out: the phases marked n/a did not run (raise it with "
                            f"{shellcommand.ours('bench', '--budget', str(BUDGET[2]))})", "warning"))
    if result.clock != "ns":
        con.print(con.paint("the distro's date has no nanoseconds: timed with /proc/uptime (hundredths of a "
                            "second)" if result.clock == "uptime" else "timed in whole seconds", "dim"))
    if comparison:
        con.print(comparison)
    if saved:
        con.print(con.paint(f"saved in {saved}", "dim"))
