"""Start-up cost of `validate --offline` on a typical .wslconfig, against a bare interpreter.

    python benchmarks/bench_startup.py [--runs 30]

Prints the median wall time of each (interleaved runs, same interpreter), their ratio
(TARGET <= 2.0), and the ten most expensive imports of the validate run by cumulative
time (``python -X importtime``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
TARGET = 2.0

# A realistic file: what a developer on a 16 GB laptop keeps (15 lines, CRLF, UTF-8).
TYPICAL = (
    "# Settings for WSL 2 (see https://learn.microsoft.com/windows/wsl/wsl-config)\r\n"
    "[wsl2]\r\n"
    "memory=8GB\r\n"
    "processors=4\r\n"
    "swap=4GB\r\n"
    "swapFile=C:\\\\temp\\\\wsl-swap.vhdx\r\n"
    "localhostForwarding=true\r\n"
    "virtiofs=true\r\n"
    "networkingMode=mirrored  # needs Windows 11 22H2\r\n"
    "guiApplications=false\r\n"
    "\r\n"
    "[experimental]\r\n"
    "autoMemoryReclaim=gradual\r\n"
    "sparseVhd=true\r\n"
    "hostAddressLoopback=true\r\n"
)


def child_env(pycache: str) -> dict[str, str]:
    """The environment of every run: this checkout's package, a fixed host, and bytecode caching on.

    An installed package ships compiled bytecode; with PYTHONDONTWRITEBYTECODE set (as in
    some containers) every run would compile the package from source instead. The cache
    goes to a temporary folder, not into the tree.
    """
    env = dict(os.environ)
    env["WSLCONFIG_ASSISTANT_HOST_MEMORY"] = "16GB"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONPYCACHEPREFIX"] = pycache
    for name in ("PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE", "PYTHONSTARTUP"):
        env.pop(name, None)
    return env


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          check=False)
    return time.perf_counter() - start, proc.returncode


def import_times(cmd: list[str], env: dict[str, str], top: int = 10) -> tuple[list[tuple[int, int, str]], int]:
    """The ``top`` most expensive imports (cumulative us, self us, module indented as nested) that
    the run itself makes, and the cumulative us of ``site`` (which every interpreter start pays,
    including whatever .pth files import; left out of the list)."""
    proc = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], env=env, cwd=REPO_ROOT,
                          capture_output=True, text=True, check=False)
    rows: list[tuple[int, int, str]] = []
    group: list[tuple[int, int, str]] = []
    site_us = 0
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        name = name.rstrip()[1:]
        group.append((int(cumulative_us), int(self_us), name))
        if not name.startswith(" "):  # a top-level import: it comes after everything it imported
            if name == "site":
                site_us += int(cumulative_us)
            else:
                rows.extend(group)
            group = []
    return sorted(rows, reverse=True)[:top], site_us


def hotspots(cmd: list[str], env: dict[str, str], out: Path, top: int = 25) -> str:
    """cProfile of one run (imports included), the top functions by cumulative time."""
    import io
    import pstats

    subprocess.run([cmd[0], "-m", "cProfile", "-o", str(out), *cmd[1:]], env=env, cwd=REPO_ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    buf = io.StringIO()
    pstats.Stats(str(out), stream=buf).sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


def medians(commands: list[list[str]], env: dict[str, str], runs: int) -> list[list[float]]:
    """Wall times of each command, run in turn ``runs`` times (interleaved, so drift hits all alike)."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for cmd, bucket in zip(commands, times, strict=True):
            bucket.append(timed(cmd, env)[0])
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30, help="runs of each command (>= 20)")
    parser.add_argument("--profile", action="store_true", help="also print cProfile hotspots of one validate run")
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter to measure (default: this one), e.g. a fresh venv's python")
    args = parser.parse_args()
    python = args.python
    runs = max(args.runs, 20)
    with tempfile.TemporaryDirectory() as tmp:
        env = child_env(str(Path(tmp) / "pycache"))
        config = Path(tmp) / ".wslconfig"
        config.write_bytes(TYPICAL.encode("utf-8"))
        args_ = ["-m", "wslconfig_assistant", "--config", str(config), "validate", "--offline"]
        validate, bare = [python, *args_], [python, "-c", "pass"]
        # The same pair without `site` (-S): what is left when no .pth file runs at start-up
        # (some environments import certifi and importlib.resources from a .pth file).
        validate_s, bare_s = [python, "-S", *args_], [python, "-S", "-c", "pass"]
        _, code = timed(validate, env)  # warm the file cache and bytecode; check it runs
        if code not in (0, 1) or timed(validate_s, env)[1] != code:
            print(f"validate exited {code}: the benchmark is not measuring a normal run", file=sys.stderr)
            return 1
        validate_times, bare_times, validate_s_times, bare_s_times = medians(
            [validate, bare, validate_s, bare_s], env, runs
        )
        imports, site_us = import_times(validate, env)
        v, b = statistics.median(validate_times), statistics.median(bare_times)
        profile = hotspots(validate, env, Path(tmp) / "validate.prof") if args.profile or v / b > TARGET else ""

    vs, bs = statistics.median(validate_s_times), statistics.median(bare_s_times)
    ratio = v / b
    verdict = "met" if ratio <= TARGET else "MISSED"
    version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True,
                             text=True, check=False).stdout.strip()
    print(f"{python} ({version}) on {sys.platform}, {os.cpu_count()} CPUs, {runs} interleaved runs each")
    print(f"validate --offline exit code     : {code}")
    print(f"median validate --offline        : {v * 1000:8.1f} ms  (min {min(validate_times) * 1000:.1f})")
    print(f"median bare `python -c pass`     : {b * 1000:8.1f} ms  (min {min(bare_times) * 1000:.1f})")
    print(f"ratio validate / bare            : {ratio:8.2f}   TARGET <= {TARGET}: {verdict}")
    print(f"  without site (-S), for comparison: validate {vs * 1000:.1f} ms, bare {bs * 1000:.1f} ms, "
          f"ratio {vs / bs:.2f}; package cost {(v - b) * 1000:.1f} ms with site, {(vs - bs) * 1000:.1f} ms without")
    print()
    print(f"`site` at start-up (every run pays it, .pth files included): {site_us / 1000:.1f} ms")
    print("top 10 imports of the validate run itself by cumulative time (python -X importtime; indent = nesting):")
    print(f"{'cumulative ms':>14} {'self ms':>8}  module")
    for cumulative, self_us, name in imports:
        print(f"{cumulative / 1000:14.2f} {self_us / 1000:8.2f}  {name}")
    if profile:
        print()
        print("hotspots of one validate run (cProfile, imports included, by cumulative time):")
        print(profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
