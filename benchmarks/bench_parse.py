"""Reading and checking big .wslconfig files in-process: does the cost stay linear, and small?

    python benchmarks/bench_parse.py [--runs 5] [--big-runs 3] [--profile]

Generates realistic 1 MB and 10 MB files (CRLF, UTF-8; many [wsl2] / [experimental] /
[general] sections with comments, inline comments, quoted values, doubled backslashes,
the odd typo, `;` line and wsl.conf section), then times
``ConfigDocument(None, raw)`` + ``.findings(policy.DEFAULT, 16 GB)``.

Prints (TARGETS): 10 MB time / 1 MB time (<= 12), 1 MB time / bare interpreter start
(<= 10), and the peak traced memory (tracemalloc) of the 10 MB run. ``--profile`` adds
the top functions of the 1 MB run by cumulative time (cProfile).
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import gc
import io
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from wslconfig_assistant.core import policy  # noqa: E402 - after the path set-up, so a checkout runs
from wslconfig_assistant.wslconfig.document import ConfigDocument  # noqa: E402

MB = 1 << 20
HOST_MEMORY = 16 << 30
TARGET_SCALING = 12.0
TARGET_VS_START = 10.0

_SIZES = ("4GB", "6GB", "8GB", "12GB", "16GB", "512MB", "2048MB")
_COMMENTS = (
    "# Settings for WSL 2 -- see https://learn.microsoft.com/windows/wsl/wsl-config",
    "# memory: leave half of the RAM to Windows",
    "# C:\\Users\\[user_name]\\.wslconfig -- keep a copy in the dotfiles repo",
    "#virtiofs=false   (old setting, kept for reference)",
    "# Netzwerk: gespiegelter Modus, braucht Windows 11 22H2",
)


def profile_block(rng: random.Random, n: int) -> list[str]:
    """One machine profile: what people paste into .wslconfig, with its usual mistakes."""
    lines = [f"# ---- profile {n} ({rng.choice(('laptop', 'workstation', 'build agent', 'VDI'))}) ----"]
    lines.append(rng.choice(_COMMENTS))
    lines += [
        "[wsl2]",
        f"memory={rng.choice(_SIZES)}",
        f"processors={rng.randint(2, 16)}",
        f"swap={rng.choice(('0', '2GB', '4GB', '8GB'))}",
        f"swapFile=C:\\\\temp\\\\wsl-swap-{n}.vhdx",
        "localhostForwarding=true",
        f'kernelCommandLine = "cgroup_no_v1=all loglevel={rng.randint(3, 7)}"   # debugging',
        "virtiofs=true",
        f"networkingMode={rng.choice(('mirrored', 'NAT', 'Mirrored'))}",
        f"vmIdleTimeout={rng.choice(('60000', '120000', '-1'))}",
        "guiApplications=false",
        "",
        "[experimental]",
        f"autoMemoryReclaim={rng.choice(('gradual', 'dropCache', 'disabled'))}",
        "sparseVhd=true",
        f"ignoredPorts={rng.randint(1000, 9000)},{rng.randint(1000, 9000)}",
        "#dnsTunnelingIpAddress=10.255.255.254",
        "",
        "[general]",
        f"instanceIdleTimeout={rng.choice(('15000', '30000'))}",
    ]
    roll = rng.random()
    if roll < 0.05:
        lines.insert(6, "memroy=8GB")  # a typo: unknown-key with a did-you-mean
    elif roll < 0.10:
        lines.insert(4, "; processors=8")  # `;` is not a comment for WSL
    elif roll < 0.13:
        lines += ["", "[boot]", "systemd=true"]  # wsl.conf pasted into .wslconfig
    lines.append("")
    return lines


def generate(size: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    out: list[str] = []
    total, n = 0, 0
    while total < size:
        block = "\r\n".join(profile_block(rng, n)) + "\r\n"
        out.append(block)
        total += len(block)
        n += 1
    return "".join(out).encode("utf-8")


def check(raw: bytes) -> int:
    doc = ConfigDocument(None, raw)
    return len(doc.findings(policy.DEFAULT, HOST_MEMORY))


def time_check(raw: bytes, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        check(raw)
        times.append(time.perf_counter() - start)
    return times


def bare_start(python: str, runs: int = 20, *flags: str) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([python, *flags, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_memory(raw: bytes, top: int = 6) -> tuple[int, list[str]]:
    """Peak traced memory of one run, and the allocation sites that hold the most at the end of it."""
    gc.collect()
    tracemalloc.start()
    try:
        doc = ConfigDocument(None, raw)
        found = doc.findings(policy.DEFAULT, HOST_MEMORY)
        peak = tracemalloc.get_traced_memory()[1]
        snapshot = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    del doc, found
    stats = snapshot.filter_traces([tracemalloc.Filter(True, str(REPO_ROOT / "wslconfig_assistant" / "*"))])
    sites = [
        f"{stat.size / MB:8.1f} MiB {stat.count:>9,} blocks  {Path(frame.filename).name}:{frame.lineno}"
        for stat in stats.statistics("lineno")[:top]
        for frame in stat.traceback[:1]
    ]
    return peak, sites


def hotspots(raw: bytes, top: int = 20) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    check(raw)
    profiler.disable()
    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs on the 1 MB file (>= 5)")
    parser.add_argument("--big-runs", type=int, default=3, help="runs on the 10 MB file (>= 3)")
    parser.add_argument("--profile", action="store_true", help="print cProfile hotspots of the 1 MB run")
    parser.add_argument("--bare-python", default=sys.executable,
                        help="interpreter whose bare start is the yardstick (default: this one)")
    args = parser.parse_args()

    one, ten = generate(MB), generate(10 * MB)
    doc = ConfigDocument(None, one)
    codes = collections.Counter(f.code for f in doc.findings(policy.DEFAULT, HOST_MEMORY))
    assert doc.parsed is not None
    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs")
    lf = b"\n"
    print(f"1 MB file : {len(one):>10,} bytes, {one.count(lf):>7,} lines, {len(doc.parsed.entries):>7,} "
          f"key lines, findings: {dict(codes.most_common())}")
    print(f"10 MB file: {len(ten):>10,} bytes, {ten.count(lf):>7,} lines")

    start, start_no_site = bare_start(args.bare_python), bare_start(args.bare_python, 20, "-S")
    small = time_check(one, max(args.runs, 5))
    big = time_check(ten, max(args.big_runs, 3))
    t1, t10 = statistics.median(small), statistics.median(big)
    scaling, vs_start = t10 / t1, t1 / start
    peak, sites = peak_memory(ten)

    print(f"median bare interpreter start : {start * 1000:9.1f} ms  (without site, -S: {start_no_site * 1000:.1f} ms;"
          f" {args.bare_python})")
    print(f"median 1 MB  read + findings  : {t1 * 1000:9.1f} ms  ({len(small)} runs, min {min(small) * 1000:.1f})")
    print(f"median 10 MB read + findings  : {t10 * 1000:9.1f} ms  ({len(big)} runs, min {min(big) * 1000:.1f})")
    print(f"10MB / 1MB                    : {scaling:9.2f}   TARGET <= {TARGET_SCALING:g}: "
          f"{'met' if scaling <= TARGET_SCALING else 'MISSED'}   (ratio of the minimums: {min(big) / min(small):.2f})")
    print(f"1MB / bare start              : {vs_start:9.2f}   TARGET <= {TARGET_VS_START:g}: "
          f"{'met' if vs_start <= TARGET_VS_START else 'MISSED'}   (against a start without site: "
          f"{t1 / start_no_site:.2f})")
    print(f"peak traced memory, 10 MB     : {peak / MB:9.1f} MiB ({peak / len(ten):.1f} x the file size); "
          "still held at the end, by allocation site:")
    for site in sites:
        print(f"    {site}")
    if args.profile or scaling > TARGET_SCALING or vs_start > TARGET_VS_START:
        print()
        print("hotspots of the 1 MB run (cProfile, by cumulative time):")
        print(hotspots(one))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
