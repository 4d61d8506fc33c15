"""How long a person waits for the setup wizard's first question, against a bare interpreter.

    python benchmarks/bench_wizard.py [--runs 15]

Each run starts `python -m wslconfig_assistant setup` in a fresh 80x24 pseudo-terminal
(pexpect), on the demo's sample .wslconfig with the shipped wsl.exe simulator, and stops the
clock when the first question is drawn; then Ctrl-C ends it (nothing is written). The bare
run is `python -c pass` in the same kind of terminal, timed to its exit. Runs are interleaved
so drift hits both alike. Printed: both medians, their ratio, and what the wizard does before
the question that the bare start does not (one `wsl --version`, here the simulator, itself a
Python process; and the questionary/prompt_toolkit imports).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from wslconfig_assistant.cli.commands.setup import Q_VIRTIOFS  # noqa: E402
from wslconfig_assistant.wsl.sandbox import SAMPLE  # noqa: E402 - after the path is set


def child_env(tmp: Path, profile: Path, sim: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WSLCONFIG_ASSISTANT_") and k != "CI"}
    env.update({
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p),
        "PYTHONPYCACHEPREFIX": str(tmp / "pycache"),  # bytecode cached, as an installed package has it
        "WSLCONFIG_ASSISTANT_PROFILE": str(profile),
        "WSLCONFIG_ASSISTANT_WSL_EXE": sim,
        "WSLCONFIG_ASSISTANT_HOST_MEMORY": "16GB",
        "TERM": "xterm-256color",
        "NO_COLOR": "1",
        # pexpect does not answer the cursor position request a real terminal answers at once.
        "PROMPT_TOOLKIT_NO_CPR": "1",
    })
    for name in ("PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE", "PYTHONSTARTUP"):
        env.pop(name, None)
    return env


def first_prompt(python: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    child = pexpect.spawn(python, ["-m", "wslconfig_assistant", "setup"], env=env, dimensions=(24, 80), timeout=60)
    child.expect_exact(Q_VIRTIOFS)
    elapsed = time.perf_counter() - start
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    if child.exitstatus != 130:
        raise SystemExit(f"setup exited {child.exitstatus} after Ctrl-C, not 130: not a normal run")
    return elapsed


def bare(python: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    child = pexpect.spawn(python, ["-c", "pass"], env=env, dimensions=(24, 80), timeout=60)
    child.expect(pexpect.EOF)
    elapsed = time.perf_counter() - start
    child.close()
    return elapsed


def simulator_call(sim: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sim, "--version"], env=env, capture_output=True, check=True)
    return time.perf_counter() - start


def import_ms(python: str, env: dict[str, str], module: str) -> float:
    proc = subprocess.run([python, "-X", "importtime", "-c", f"import {module}"], env=env, capture_output=True,
                          text=True, check=True)
    for line in proc.stderr.splitlines():
        if line.rstrip().endswith(f"| {module}"):
            return int(line.split("|")[1]) / 1000
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="runs of each (>= 10)")
    parser.add_argument("--python", default=sys.executable, help="interpreter to measure (default: this one)")
    args = parser.parse_args()
    runs = max(args.runs, 10)
    python = args.python
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        profile = tmp / "Users" / "me"
        profile.mkdir(parents=True)
        config = profile / ".wslconfig"
        state = profile / ".wsl-sim.json"
        sim = shutil.which("wslconfig-assistant-wsl-sim")
        if sim is None:
            wrapper = tmp / "wsl.exe"
            wrapper.write_text(f'#!/bin/sh\nexec "{python}" -m wslconfig_assistant.wsl.simulator "$@"\n',
                               encoding="utf-8")
            wrapper.chmod(0o755)
            sim = str(wrapper)
        env = child_env(tmp, profile, sim)
        wizard_times: list[float] = []
        bare_times: list[float] = []
        sim_times: list[float] = []
        for i in range(runs + 1):  # the first round warms the caches and is not counted
            config.write_bytes(SAMPLE.encode("utf-8"))
            state.write_text(json.dumps({"wsl_version": "2.7.3.0"}), encoding="utf-8")
            w, b, s = first_prompt(python, env), bare(python, env), simulator_call(sim, env)
            if i:
                wizard_times.append(w)
                bare_times.append(b)
                sim_times.append(s)
            if config.read_bytes() != SAMPLE.encode("utf-8"):
                raise SystemExit("the .wslconfig changed: Ctrl-C at the first prompt must write nothing")
        q_ms = import_ms(python, env, "questionary")
    w, b, s = (statistics.median(t) for t in (wizard_times, bare_times, sim_times))
    version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True,
                             text=True, check=False).stdout.strip()
    print(f"{python} ({version}) on {sys.platform}, {os.cpu_count()} CPUs, {runs} interleaved runs each, 80x24 pty")
    print(f"median start -> first question drawn : {w * 1000:8.1f} ms  (min {min(wizard_times) * 1000:.1f}, "
          f"max {max(wizard_times) * 1000:.1f})")
    print(f"median bare `python -c pass`         : {b * 1000:8.1f} ms  (min {min(bare_times) * 1000:.1f})")
    print(f"ratio first question / bare          : {w / b:8.2f}")
    print("  of which, before the question:")
    print(f"    one `wsl --version` (the simulator, a Python process): {s * 1000:.1f} ms median")
    print(f"    import questionary (+prompt_toolkit), -X importtime    : {q_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
