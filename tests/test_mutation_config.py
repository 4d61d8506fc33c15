"""The opt-in mutation run's configuration and score (TESTING.md, "Mutation score").

The run itself is not part of CI; these tests keep what it reads consistent (every mutated module has
its table of equivalents, every reason is written out, every selected test file exists) and check
tools/mutation_score.py's arithmetic on mutmut's result files.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))
MUTMUT = PYPROJECT["tool"]["mutmut"]
EQUIVALENTS = tomllib.loads((REPO_ROOT / "mutation-equivalents.toml").read_text("utf-8"))


def test_every_mutated_module_has_a_table_of_equivalents_and_nothing_else_does() -> None:
    modules = {Path(path).stem for path in MUTMUT["only_mutate"]}
    assert set(EQUIVALENTS) == modules
    for path in MUTMUT["only_mutate"]:
        assert (REPO_ROOT / path).is_file(), path


def test_every_equivalent_mutant_has_a_reason() -> None:
    for module, entries in EQUIVALENTS.items():
        for name, reason in entries.items():
            assert name.startswith("x"), (module, name)
            assert "__mutmut_" in name, (module, name)
            assert isinstance(reason, str), (module, name)
            assert len(reason.split()) >= 4, (module, name, reason)


def test_every_selected_test_file_exists() -> None:
    for path in MUTMUT["pytest_add_cli_args_test_selection"]:
        assert (REPO_ROOT / path).is_file(), path


def _score(tmp_path: Path, codes: dict[str, int | None], equivalents: str) -> subprocess.CompletedProcess[str]:
    # The tool reads ROOT/mutants and ROOT/mutation-equivalents.toml: run a copy of it in a scratch root.
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "mutation_score.py").write_bytes((REPO_ROOT / "tools" / "mutation_score.py").read_bytes())
    meta = tmp_path / "mutants" / "wslconfig_assistant" / "values.py.meta"
    meta.parent.mkdir(parents=True)
    keyed = {f"wslconfig_assistant.wslconfig.values.{name}": code for name, code in codes.items()}
    meta.write_text(json.dumps({"exit_code_by_key": keyed}), "utf-8")
    (tmp_path / "mutation-equivalents.toml").write_text(equivalents, "utf-8")
    return subprocess.run([sys.executable, str(tmp_path / "tools" / "mutation_score.py"), "--survivors"],
                          capture_output=True, text=True, check=False)


def test_the_score_leaves_out_listed_equivalents_and_counts_no_tests_against_the_module(tmp_path: Path) -> None:
    # 40 killed (a failed test, a timeout, the type checker), 1 survivor, 1 with no test, 1 equivalent
    codes: dict[str, int | None] = {f"x_f__mutmut_{n}": 1 for n in range(1, 38)}
    codes |= {"x_f__mutmut_38": 36, "x_f__mutmut_39": 37, "x_f__mutmut_40": 3}
    codes |= {"x_g__mutmut_1": 0, "x_g__mutmut_2": 33, "x_g__mutmut_3": 0}
    done = _score(tmp_path, codes, '[values]\n"x_g__mutmut_3" = "the default is always overridden"\n')
    row = next(line for line in done.stdout.splitlines() if line.startswith("values"))
    assert row.split() == ["values", "43", "1", "40", "1", "1", "0", "95.2%"]
    assert "values.x_g__mutmut_1  (survived)" in done.stdout
    assert "values.x_g__mutmut_2  (no tests)" in done.stdout
    assert done.returncode == 0


def test_a_module_under_95_percent_fails(tmp_path: Path) -> None:
    codes: dict[str, int | None] = {f"x_f__mutmut_{n}": 1 for n in range(1, 19)} | {"x_f__mutmut_19": 0}
    done = _score(tmp_path, codes, "[values]\n")  # 18 of 19 = 94.7%
    assert "94.7%" in done.stdout
    assert done.returncode == 1


def test_a_stale_equivalent_is_refused(tmp_path: Path) -> None:
    # A listed mutant that a test now kills (or that is gone) would hide a future regression of that line.
    codes: dict[str, int | None] = {f"x_f__mutmut_{n}": 1 for n in range(1, 21)}
    done = _score(tmp_path, codes, '[values]\n"x_f__mutmut_3" = "said to be equivalent once"\n'
                                   '"x_h__mutmut_1" = "a function that no longer exists"\n')
    assert "x_f__mutmut_3 is listed as equivalent but is killed" in done.stdout
    assert "x_h__mutmut_1 is listed as equivalent but is gone" in done.stdout
    assert done.returncode == 1


def test_a_module_mutmut_has_not_run_is_shown_as_such_and_does_not_fail(tmp_path: Path) -> None:
    # `mutmut run "wslconfig_assistant.wslconfig.values.*"` makes every module's mutants but runs one module's only.
    codes: dict[str, int | None] = {f"x_f__mutmut_{n}": None for n in range(1, 5)}
    done = _score(tmp_path, codes, '[values]\n"x_f__mutmut_3" = "listed before the module was run"\n')
    assert done.stdout.splitlines()[1].split() == ["values", "4", "not", "run"]
    assert "listed as equivalent" not in done.stdout
    assert done.returncode == 0
