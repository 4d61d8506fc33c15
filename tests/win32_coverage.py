"""The share of the product's win32 branches that the Linux suite runs (TESTING.md, "Windows").

    python tests/win32_coverage.py            # the tests that run code as win32 (see win32_tests)
    python tests/win32_coverage.py tests/...  # or these

A win32 branch is a block of code that runs only when ``sys.platform == "win32"``, found in the
package's syntax tree:
- the body of ``if ... sys.platform == "win32" ...:`` (alone or joined with ``and``);
- for ``if sys.platform != "win32" ...:`` (alone or joined with ``or``), its ``else``, or, when its body
  ends in return/raise, the statements after it;
- one-line forms (``a if sys.platform == "win32" else b``, ``return sys.platform != "win32" and ...``) are
  listed apart: line coverage cannot tell which side of one line ran.
winapi.py is left out: its bodies are the raw Win32 calls (``# pragma: no cover``), which only a Windows
runner runs (tests/system/test_windows.py).

The tests run under coverage.py (branch coverage), in process and in the processes tests/fakewin.py
starts as win32 (COVERAGE_PROCESS_START); a block counts as run when its first statement ran. Prints
the blocks run / all, the statements run / all, and each block not run.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "wslconfig_assistant"
# The tests that run code with sys.platform as "win32": those using the fake, or patching the platform.
_MARKS = ("fake_windows", "run_cli_as_windows", '"platform", "win32"')


def win32_tests() -> list[str]:
    return sorted(str(p.relative_to(REPO)) for p in (REPO / "tests").rglob("test_*.py")
                  if p.name != "test_windows.py" and any(m in p.read_text(encoding="utf-8") for m in _MARKS))


class Block(NamedTuple):
    path: Path
    first: int  # first line of the block's first statement
    last: int
    what: str


def _is_platform(node: ast.AST, op: type[ast.cmpop]) -> bool:
    return (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], op)
            and ast.unparse(node.left) == "sys.platform"
            and isinstance(node.comparators[0], ast.Constant) and node.comparators[0].value == "win32")


def _mentions(test: ast.expr, op: type[ast.cmpop], joiner: type[ast.boolop]) -> bool:
    if _is_platform(test, op):
        return True
    return (isinstance(test, ast.BoolOp) and isinstance(test.op, joiner)
            and any(_is_platform(v, op) for v in test.values))


def _span(body: list[ast.stmt]) -> tuple[int, int]:
    return body[0].lineno, max(getattr(s, "end_lineno", s.lineno) or s.lineno for s in body)


def find_blocks(path: Path) -> tuple[list[Block], list[tuple[Path, int, str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    blocks: list[Block] = []
    one_line: list[tuple[Path, int, str]] = []
    for parent in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(parent, field, None)
            if not isinstance(body, list):
                continue
            for i, stmt in enumerate(body):
                if not isinstance(stmt, ast.If):
                    continue
                what = f"if {ast.unparse(stmt.test)}"
                if _mentions(stmt.test, ast.Eq, ast.And):
                    blocks.append(Block(path, *_span(stmt.body), what))
                elif _mentions(stmt.test, ast.NotEq, ast.Or):
                    if stmt.orelse:
                        blocks.append(Block(path, *_span(stmt.orelse), f"else of {what}"))
                    elif isinstance(stmt.body[-1], ast.Return | ast.Raise) and body[i + 1 :]:
                        blocks.append(Block(path, *_span(body[i + 1 :]), f"after {what}"))
    for node in ast.walk(tree):
        if isinstance(node, ast.IfExp | ast.BoolOp) and any(
                _is_platform(n, ast.Eq) or _is_platform(n, ast.NotEq) for n in ast.walk(node)):
            one_line.append((path, node.lineno, ast.unparse(node)[:80]))
    outermost = {line: (p, line, text) for p, line, text in sorted(one_line, key=lambda x: -len(x[2]))[::-1]}
    return blocks, sorted(outermost.values(), key=lambda x: x[1])


def run_suite(tests: list[str], data: Path) -> None:
    rc = data.parent / ".coveragerc"
    rc.write_text(f"[run]\nbranch = true\nsource = {PACKAGE}\nparallel = true\ndata_file = {data}\n",
                  encoding="utf-8")
    env = {**os.environ, "COVERAGE_PROCESS_START": str(rc), "COVERAGE_RCFILE": str(rc)}
    subprocess.run([sys.executable, "-m", "coverage", "run", "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
                    *tests], cwd=REPO, env=env, check=False)
    subprocess.run([sys.executable, "-m", "coverage", "combine", "-q"], cwd=REPO, env=env, check=True)


def main(argv: list[str]) -> int:
    import coverage

    tests = argv or win32_tests()
    print("tests:", " ".join(tests))
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / ".coverage"
        run_suite(tests, data)
        cov = coverage.Coverage(data_file=str(data))
        cov.load()
        blocks: list[Block] = []
        one_line: list[tuple[Path, int, str]] = []
        for path in sorted(PACKAGE.rglob("*.py")):
            if path.name == "winapi.py":
                continue
            found, lines = find_blocks(path)
            blocks += found
            one_line += lines
        entered = statements = ran = 0
        missed: list[str] = []
        for block in blocks:
            _, stmts, _excluded, missing, _ = cov.analysis2(str(block.path))
            inside = [n for n in stmts if block.first <= n <= block.last]
            not_run = [n for n in missing if block.first <= n <= block.last]
            statements += len(inside)
            ran += len(inside) - len(not_run)
            rel = block.path.relative_to(REPO)
            if inside and inside[0] not in not_run:
                entered += 1
            else:
                missed.append(f"  {rel}:{block.first}  {block.what}")
            for n in not_run:
                if inside and inside[0] not in not_run:
                    missed.append(f"  {rel}:{n}  (a statement inside {block.what}, line {block.first})")
    print(f"win32 blocks run: {entered} of {len(blocks)} ({100 * entered / max(len(blocks), 1):.0f}%)")
    print(f"statements in them run: {ran} of {statements} ({100 * ran / max(statements, 1):.0f}%)")
    if missed:
        print("not run:")
        print("\n".join(missed))
    print(f"one-line win32 conditions (not measurable by line): {len(one_line)}")
    for path, line, text in one_line:
        print(f"  {path.relative_to(REPO)}:{line}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
