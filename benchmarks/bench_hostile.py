"""Wall time and peak RSS of the CLI on each hostile file (10 MB, a 1 MB line, 100k continuations,
10k duplicates, 10k sections, NULs, invalid UTF-8, controls), per command.

The files and the capped launcher are the ones tests/test_hostile.py proves bounds with (a 1 GiB
address-space cap and a 60 s timeout per process); this script runs that matrix serially on an
idle machine and prints the figures it records. Run from the repository root:

    python benchmarks/bench_hostile.py [-k EXPR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-k", default="test_hostile_file", help="which tests of test_hostile.py to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = Path(folder) / "figures.txt"
        env = dict(os.environ, WSLCONFIG_HOSTILE_FIGURES=str(figures))
        # -n 0: one process at a time, so the figures are not shared with a second worker.
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "tests/test_hostile.py", "-k", args.k, "-n", "0", "-q",
             "-p", "no:cacheprovider"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        )
        if run.returncode != 0:
            print(run.stdout[-3000:], run.stderr[-2000:], sep="\n")
            return run.returncode
        print(f"{'file':<22} {'command':<40} {'result':<8} {'wall':>8} {'peak RSS':>10}")
        print(figures.read_text(encoding="utf-8") if figures.exists() else "(no figures recorded)", end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
