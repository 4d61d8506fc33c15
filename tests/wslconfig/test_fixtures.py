"""Every fixture in fixtures/: values, findings and byte-exact round trips.

Each ``<name>.wslconfig`` has a ``<name>.expected.json`` computed by hand (see
fixtures/README.md). Findings are read from ``ConfigDocument(None, raw).evaluation``
only (no policy checks). The round trip must hold for every file, known bugs included.
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
from types import ModuleType

import pytest

from wslconfig_assistant.wslconfig.document import ConfigDocument
from wslconfig_assistant.wslconfig.encoding import decode

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures"
SUFFIX = ".wslconfig"
NAMES = sorted(path.name[: -len(SUFFIX)] for path in FIXTURES.glob(f"*{SUFFIX}"))

# Fixtures whose expectations are WSL's behaviour and the package's differ (strict xfails).
KNOWN_BUGS: dict[str, str] = {}


def _finding_key(finding: list[object]) -> tuple[int, str]:
    line, code = finding[1], finding[0]
    return (line if isinstance(line, int) else 0, str(code))


def load(name: str) -> tuple[bytes, dict[str, object]]:
    raw = (FIXTURES / f"{name}{SUFFIX}").read_bytes()
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    return raw, expected


def _params() -> list[object]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name]))
        if name in KNOWN_BUGS
        else name
        for name in NAMES
    ]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_enough_fixtures_and_each_has_its_expectations() -> None:
    assert len(NAMES) >= 25
    expected_files = sorted(path.name[: -len(".expected.json")] for path in FIXTURES.glob("*.expected.json"))
    assert expected_files == NAMES
    assert set(KNOWN_BUGS) <= set(NAMES)


def test_fixture_files_match_the_generator() -> None:
    built = _generator().build()
    on_disk = {path.name for path in FIXTURES.iterdir() if path.name.endswith((SUFFIX, ".expected.json"))}
    assert set(built) == on_disk
    for name, data in built.items():
        assert (FIXTURES / name).read_bytes() == data, name


def test_readme_lists_every_fixture() -> None:
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    assert readme == _generator().readme()
    for name in NAMES:
        assert f"`{name}{SUFFIX}`" in readme


@pytest.mark.parametrize("name", _params())
def test_fixture_values_and_findings(name: str) -> None:
    raw, expected = load(name)
    doc = ConfigDocument(None, raw)
    actual_values = json.loads(json.dumps(doc.values_json()))
    actual_findings = sorted(([f.code, f.line] for f in doc.evaluation.findings), key=_finding_key)
    expected_findings = expected["findings"]
    assert isinstance(expected_findings, list)
    assert (actual_values, actual_findings) == (expected["values"], sorted(expected_findings, key=_finding_key))
    assert doc.file.lossless is expected["lossless"]


@pytest.mark.parametrize("name", NAMES)
def test_fixture_round_trip(name: str) -> None:
    raw, _ = load(name)
    assert ConfigDocument(None, raw).to_bytes() == raw
    tf = decode(raw)
    if tf.lossless:  # the promise; whether it *should* be lossless is checked with the values
        assert tf.encode(tf.text) == raw
