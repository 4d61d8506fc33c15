"""Concurrent writers of one .wslconfig: does any edit reported as written go missing?

    python benchmarks/bench_concurrency.py [--rounds 100] [--writers 2] [--command set|apply]
    python benchmarks/bench_concurrency.py --loop SECONDS [--writers 2] [--dir /dev/shm]

CLI rounds (the default): each round starts from the same small file and launches WRITERS processes of
the real CLI at once, each changing a different key (`set KEY VALUE`, or `apply --no-update --set KEY=VALUE` against the
shipped wsl.exe simulator), with --json. Then it reads the file once the round is over. Printed:

- rounds, writers per round, the command;
- written: edits a process reported as written ("written": true in its JSON);
- lost: of those, edits missing from the file at the end of the round (must be 0);
- refused: processes that exited 5 (a write refused; the file is as it was for that edit);
- other: any other exit code (must be 0), with the first such stderr shown;
- the wall time per round.

--loop: WRITERS processes run `set` in a loop on one file for SECONDS (tests/writers.py, the stress test's
harness: each writer owns a key and checks after every write that its last written value is still there).
Many more rounds per second than process starts allow; on tmpfs (the default --dir when there is one) no
fsync slows them. Printed: rounds (set runs), edits written, lost, refused, other.

Run it from the repository root; other processes on the same cores move the timings, not the counts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = "[wsl2]\r\nmemory=4GB\r\n\r\n[experimental]\r\nsparseVhd=true\r\n"
# One key per writer, none in START, so a lost edit is a key missing from the file.
EDITS = [
    ("wsl2.swap", "1GB"),
    ("wsl2.processors", "2"),
    ("wsl2.nestedVirtualization", "false"),
    ("experimental.autoMemoryReclaim", "gradual"),
    ("wsl2.guiApplications", "false"),
    ("wsl2.localhostForwarding", "true"),
]


def simulator() -> list[str]:
    found = shutil.which("wslconfig-assistant-wsl-sim")
    return [found] if found else []


def command(kind: str, config: Path, key: str, value: str, wsl_exe: str | None) -> list[str]:
    base = [sys.executable, "-m", "wslconfig_assistant", "--config", str(config), "--json"]
    if kind == "set":
        return [*base, "set", key, value]
    assert wsl_exe is not None
    return [*base, "apply", "--no-update", "--wsl-exe", wsl_exe, "--set", f"{key}={value}"]


def reported_written(stdout: str) -> bool:
    try:
        doc = json.loads(stdout)
    except ValueError:
        return False
    if not isinstance(doc, dict):
        return False
    return bool(doc.get("written")) or any(change.get("written") for change in doc.get("changes") or [])


def present(text: str, key: str, value: str) -> bool:
    name = key.split(".", 1)[1].lower()
    return any(line.replace(" ", "").lower() == f"{name}={value}".lower() for line in text.splitlines())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--writers", type=int, default=2, choices=range(2, len(EDITS) + 1))
    parser.add_argument("--command", choices=("set", "apply"), default="set")
    parser.add_argument("--loop", type=float, metavar="SECONDS", help="writers loop in-process for SECONDS")
    shm = "/dev/shm"  # noqa: S108 - only a place for a private temporary folder
    parser.add_argument("--dir", default=shm if os.path.isdir(shm) else tempfile.gettempdir())
    args = parser.parse_args()
    if args.loop:
        return loop(args.writers, args.loop, Path(args.dir))
    sim = simulator()
    if args.command == "apply" and not sim:
        print("apply needs the wslconfig-assistant-wsl-sim console script (pip install -e .)")
        return 2
    env = dict(os.environ, WSLCONFIG_ASSISTANT_HOST_MEMORY="16GB", NO_COLOR="1")
    env.pop("WSLCONFIG_ASSISTANT_FAULT", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    written = lost = refused = other = 0
    first_other = ""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for number in range(args.rounds):
            profile = Path(folder) / f"round{number}"
            profile.mkdir()
            config = profile / ".wslconfig"
            config.write_bytes(START.encode())
            edits = EDITS[: args.writers]
            procs = [
                subprocess.Popen(command(args.command, config, key, value, sim[0] if sim else None),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                 env=dict(env, WSLCONFIG_ASSISTANT_PROFILE=str(profile)), text=True, encoding="utf-8")
                for key, value in edits
            ]
            results = [(proc, *proc.communicate(timeout=120)) for proc in procs]
            final = config.read_bytes().decode("utf-8", "replace")
            for (key, value), (proc, out, err) in zip(edits, results, strict=True):
                if reported_written(out):  # apply: exit 0 or 1 (findings) with "written": true
                    written += 1
                    lost += not present(final, key, value)
                elif proc.returncode == 5:
                    refused += 1
                else:
                    other += 1
                    first_other = first_other or f"exit {proc.returncode}: {err.strip()[-400:]}"
            shutil.rmtree(profile)
    elapsed = time.perf_counter() - started
    print(f"command: {args.command}, writers per round: {args.writers}")
    print(f"rounds: {args.rounds}")
    print(f"edits written: {written}")
    print(f"edits lost: {lost}")
    print(f"edits refused: {refused}")
    print(f"other outcomes: {other}" + (f" (first: {first_other})" if first_other else ""))
    print(f"wall time per round: {elapsed / max(args.rounds, 1):.2f} s")
    return 1 if lost or other else 0


def loop(count: int, seconds: float, where: Path) -> int:
    sys.path.insert(0, str(ROOT / "tests"))
    import writers

    with tempfile.TemporaryDirectory(dir=where) as folder:
        figures = writers.run(Path(folder) / ".wslconfig", min(count, len(writers.KEYS)), seconds)
    rounds = figures["written"] + figures["refused"] + figures["other"]
    print(f"loop: {figures['writers']} writers x {seconds:g} s in {where}")
    print(f"rounds: {rounds}")
    print(f"edits written: {figures['written']}")
    print(f"edits lost: {figures['lost']}")
    print(f"edits refused: {figures['refused']}")
    print(f"other outcomes: {figures['other']}" + (f" (first: {figures['first_other']})"
                                                   if figures["first_other"] else ""))
    return 1 if figures["lost"] or figures["other"] else 0


if __name__ == "__main__":
    sys.exit(main())
