"""Concurrent writers of one .wslconfig, as real processes: the stress test (tests/storage/test_concurrency.py) and
benchmarks/bench_concurrency.py both run this.

Each writer is a process that runs the real `set` command (wslconfig_assistant.cli.main.main, in a loop, so a
round costs a write, not an interpreter start) on a key of its own, with a value that grows each round.
Nobody else touches that key, so after a `set` that returned 0 the writer's next read must show its value:
if it shows an older one, another writer's rename replaced the file with content read before this edit,
and the edit reported as written is lost. At the end the parent checks each writer's last written value
once more. All writers start at the same wall-clock instant and stop after a bounded time.

    python tests/writers.py CONFIG WRITERS SECONDS   (prints the figures as JSON)
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

# (key, value for round n): integer keys, so every round writes a new value.
KEYS = [
    ("wsl2.processors", "{n}"),
    ("wsl2.vmIdleTimeout", "{n}"),
    ("wsl2.swap", "{n}MB"),
    ("wsl2.memory", "{n}MB"),
]
START = b"[wsl2]\r\nprocessors=0\r\nvmIdleTimeout=0\r\nswap=0MB\r\nmemory=0MB\r\n"
REPO_ROOT = Path(__file__).resolve().parents[1]


def value_in(raw: bytes, key: str) -> str | None:
    name = key.split(".", 1)[1]
    match = re.search(rb"(?m)^" + re.escape(name.encode()) + rb"=([^\r\n]*)", raw)
    return match[1].decode() if match else None


def worker(config: str, index: int, seconds: float, start_at: float) -> dict[str, Any]:
    from wslconfig_assistant.cli.main import main  # the real command, in this process

    key, pattern = KEYS[index]
    counts = {"written": 0, "refused": 0, "lost": 0, "other": 0, "last": None}
    first_other = ""
    time.sleep(max(0.0, start_at - time.time()))
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        value = pattern.format(n=n)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--config", config, "set", key, value])
        if code == 0:
            counts["written"] += 1
            counts["last"] = value
        elif code == 5:
            counts["refused"] += 1
        else:
            counts["other"] += 1
            first_other = first_other or f"exit {code}: {err.getvalue()[-300:]}"
        seen = value_in(Path(config).read_bytes(), key)
        if counts["last"] is not None and seen != counts["last"]:
            counts["lost"] += 1  # our reported edit is gone
            counts["last"] = seen  # count each loss once
    counts["first_other"] = first_other
    return counts


def run(config: Path, writers: int, seconds: float) -> dict[str, Any]:
    """Start ``writers`` processes on ``config`` (START is written first); totals of their figures."""
    config.write_bytes(START)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env["WSLCONFIG_ASSISTANT_HOST_MEMORY"] = "16GB"
    env.pop("WSLCONFIG_ASSISTANT_FAULT", None)
    start_at = time.time() + 1.5  # every writer has imported the package by then
    procs = [
        subprocess.Popen([sys.executable, __file__, "--worker", str(config), str(i), str(seconds), str(start_at)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
        for i in range(writers)
    ]
    totals: dict[str, Any] = {"writers": writers, "seconds": seconds, "written": 0, "refused": 0, "lost": 0,
                              "other": 0, "first_other": ""}
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=seconds + 120)
        if proc.returncode != 0:
            raise RuntimeError(f"writer crashed (exit {proc.returncode}): {err.decode(errors='replace')[-2000:]}")
        results.append(json.loads(out))
    final = config.read_bytes()
    for i, counts in enumerate(results):
        for name in ("written", "refused", "lost", "other"):
            totals[name] += counts[name]
        totals["first_other"] = totals["first_other"] or counts["first_other"]
        if counts["last"] is not None and value_in(final, KEYS[i][0]) != counts["last"]:
            totals["lost"] += 1  # the last edit, lost after the writer's own last look
    return totals


if __name__ == "__main__":
    if sys.argv[1] == "--worker":
        config, index, seconds, start_at = sys.argv[2:6]
        print(json.dumps(worker(config, int(index), float(seconds), float(start_at))))
    else:
        print(json.dumps(run(Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))))
