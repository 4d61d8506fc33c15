"""Mutation score of the engine, per module, from mutmut's last run (TESTING.md, "Mutation score").

    mutmut run "wslconfig_assistant.wslconfig.values.*"  # one module (the names in pyproject.toml, [tool.mutmut])
    python tools/mutation_score.py                 # the table: every module mutmut has results for
    python tools/mutation_score.py --survivors     # ... and each surviving mutant not listed as equivalent

Score = killed / (mutants - listed equivalents). A mutant counts as killed when a test failed, timed out or
the type checker caught it; "survived" and "no tests" both count against the module. Equivalent mutants are
listed, each with its reason, in mutation-equivalents.toml beside pyproject.toml. Exit 1 when a module is
under the target, or when an entry of that file names a mutant that no longer survives (a stale entry would
hide a future regression).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.95
KILLED = {1, 3, 36, 37, 24, -24, 152, 255}  # mutmut's stats.status_by_exit_code: killed, timeout, type check
SURVIVED = {0}
NO_TESTS = {5, 33}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants too")
    args = parser.parse_args(argv)
    equivalents = tomllib.loads((ROOT / "mutation-equivalents.toml").read_text("utf-8"))
    metas = sorted((ROOT / "mutants").rglob("*.py.meta"))
    failed = False
    print(f"{'module':<16}{'mutants':>8}{'equiv.':>8}{'killed':>8}{'survived':>9}{'no test':>8}{'unrun':>7}  score")
    for meta in metas:
        module = meta.name.removesuffix(".py.meta")
        codes: dict[str, int | None] = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        if not codes:
            continue
        listed: dict[str, str] = equivalents.get(module, {})
        short = {name.rpartition(".")[2]: code for name, code in codes.items()}
        if all(code is None for code in short.values()):
            print(f"{module:<16}{len(short):>8}  not run")  # mutmut made its mutants, another module was run
            continue
        for name, reason in listed.items():
            if not str(reason).strip():
                print(f"  {module}: {name} is listed as equivalent without a reason")
                failed = True
            if name in short and short[name] is None:
                continue  # not run yet: counted as unrun below
            if short.get(name, "gone") not in SURVIVED | NO_TESTS:
                print(f"  {module}: {name} is listed as equivalent but is {'gone' if name not in short else 'killed'}")
                failed = True
        counted = {name: code for name, code in short.items() if name not in listed}
        killed = sum(code in KILLED for code in counted.values())
        survived = [name for name, code in counted.items() if code in SURVIVED]
        no_tests = [name for name, code in counted.items() if code in NO_TESTS]
        unrun = sum(code is None for code in counted.values())
        score = killed / len(counted) if counted else 1.0
        failed |= score < TARGET or unrun > 0
        print(f"{module:<16}{len(short):>8}{len(listed):>8}{killed:>8}{len(survived):>9}{len(no_tests):>8}"
              f"{unrun:>7}  {score:6.1%}")
        if args.survivors:
            for name in sorted(survived + no_tests):
                print(f"    {module}.{name}  ({'survived' if name in survived else 'no tests'})")
    return 1 if failed else 0


if __name__ == "__main__":
    if hasattr(signal, "SIGPIPE"):  # `... --survivors | head`: end quietly, as other command-line tools do
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
