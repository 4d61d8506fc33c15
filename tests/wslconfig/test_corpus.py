"""The real-world corpus: 78 .wslconfig files from public repositories (shared/corpus).

The corpus lives next to the repository, never inside it; a plain clone has no
corpus and this module is skipped. Files are read where they are, never copied.

Diff budget of the two fast-path edits (``set wsl2.virtiofs true``, ``set wsl2.memory 8GB``),
counted as lines removed + added by difflib on the decoded text (line content, so a
line that only gains the line break it lacked is not counted; the byte-level check
below proves that the edit is a pure splice anyway):

- at most 2 when the file has a ``[wsl2]`` section (a replaced value is 1 removed + 1 added;
  a new key is 1 added);
- at most 3 when the tool must append a new ``[wsl2]`` section: the key line plus its
  header plus the one blank separator line (files 012, 044, 060 have no ``[wsl2]``).
"""

from __future__ import annotations

import difflib
import io
import json
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED
from editcheck import undo_is_exact

from wslconfig_assistant.core.policy import DEFAULT
from wslconfig_assistant.wslconfig.document import ConfigDocument, resolve_key

CORPUS = SHARED / "corpus" / "wslconfig"

if not CORPUS.is_dir():
    pytest.skip(f"the shared corpus is not here ({CORPUS})", allow_module_level=True)

FILES = sorted(CORPUS.glob("*.wslconfig"))
NAMES = [p.name for p in FILES]
GIB = 1 << 30
EDITS = [("wsl2.virtiofs", "true", True), ("wsl2.memory", "8GB", 8 * GIB)]


def load(name: str) -> tuple[bytes, ConfigDocument]:
    raw = (CORPUS / name).read_bytes()
    return raw, ConfigDocument(None, raw)


def changed_lines(before: str, after: str) -> int:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return sum(1 for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---")))


def common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def has_wsl2_header(d: ConfigDocument) -> bool:
    assert d.parsed is not None
    return any(h.valid and h.name.lower() == "wsl2" for h in d.parsed.headers)


def test_corpus_is_present() -> None:
    assert len(FILES) == 78


@pytest.mark.parametrize("name", NAMES)
def test_round_trip_is_byte_for_byte(name: str) -> None:
    raw, d = load(name)
    assert d.to_bytes() == raw
    assert d.file.encode(d.file.text) == raw
    assert d.file.lossless
    assert d.file.problem is None  # every corpus file is UTF-8 that WSL reads


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(("key", "value", "typed"), EDITS, ids=["virtiofs", "memory"])
def test_fast_path_edit_is_minimal(name: str, key: str, value: str, typed: object) -> None:
    raw, d = load(name)
    spec = resolve_key(key)
    edited, change = d.with_value(spec, value)
    new_raw = edited.to_bytes()

    # reads back with the new value
    reread = ConfigDocument(None, new_raw)
    assert reread.settings[spec.id].value == typed

    # every other effective value is unchanged
    others_before = {k: s.value for k, s in d.settings.items() if k != spec.id}
    others_after = {k: s.value for k, s in reread.settings.items() if k != spec.id}
    assert others_after == others_before

    # no new problem appears (the edit only removes findings about this key)
    def problems(doc: ConfigDocument) -> set[tuple[str, str | None]]:
        return {(f.code, f.key) for f in doc.evaluation.findings if f.key is None or f.key.lower() != spec.id}

    assert problems(reread) <= problems(d)

    # a small diff
    budget = 2 if has_wsl2_header(d) else 3
    if change.action == "unchanged":
        assert new_raw == raw
        return
    assert changed_lines(d.file.text, edited.file.text) <= budget

    # and a pure splice: the old bytes are all still there, around one changed span
    old, new = d.file.text, edited.file.text
    prefix = common_prefix(old, new)
    suffix = common_prefix(old[prefix:][::-1], new[prefix:][::-1])
    removed = old[prefix : len(old) - suffix]
    if change.action == "add":
        assert removed == ""
    else:
        assert change.old is not None
        assert removed in change.old

    # and set twice == set once
    again, change2 = reread.with_value(spec, value)
    assert change2.action == "unchanged"
    assert again.to_bytes() == new_raw


@pytest.mark.parametrize("name", NAMES)
def test_both_edits_make_the_file_comply(name: str) -> None:
    _raw, d = load(name)
    for key, value, _ in EDITS:
        d, _change = d.with_value(resolve_key(key), value)
    assert d.settings["wsl2.virtiofs"].value is True
    assert d.settings["wsl2.memory"].value == 8 * GIB
    # the two policy checks now pass (other errors of the file, e.g. wrong-section, may remain)
    codes = {f.code for f in d.findings(DEFAULT, 16 * GIB)}
    assert not codes & {"virtiofs-disabled", "virtiofs-overridden", "memory-too-low", "memory-invalid",
                        "memory-no-swiotlb"}


_ROUND_TRIP = NAMES


@pytest.mark.parametrize("name", _ROUND_TRIP)
def test_set_then_unset_of_a_new_key_gives_back_the_bytes(name: str) -> None:
    raw, d = load(name)
    for key, value in (("wsl2.virtiofs", "true"), ("wsl2.memory", "8GB"), ("experimental.swiotlb", "128MB")):
        spec = resolve_key(key)
        if spec.id in d.evaluation.occurrences:
            continue
        added, _ = d.with_value(spec, value)
        removed, change = added.without_key(spec)
        assert change.action == "unset"
        assert undo_is_exact(raw, removed.to_bytes(), spec.section), key


def test_every_corpus_file_through_the_cli_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file through main() once (in process: 78 process starts would be slow)."""
    from wslconfig_assistant.cli.main import main

    monkeypatch.setenv("WSLCONFIG_ASSISTANT_HOST_MEMORY", "16GB")
    monkeypatch.setenv("NO_COLOR", "1")
    outcomes = {}
    for path in FILES:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["--config", str(path), "validate", "--offline", "--format", "json"])
        doc = json.loads(out.getvalue())
        assert doc["exit_code"] == code, path.name
        assert doc["command"] == "validate"
        assert doc["config"] == str(path)
        assert code in (0, 1), (path.name, err.getvalue())
        assert (code == 0) is doc["ok"]
        outcomes[path.name] = code
    # Only 031 sets virtiofs=true: everything else fails the default policy.
    assert [name for name, code in outcomes.items() if code == 0] == ["031.wslconfig"]


REPRESENTATIVE = {
    "001.wslconfig": set(),  # Japanese comments, CRLF, no final newline
    "003.wslconfig": {"escape-in-path"},  # kernel=C:\temp\bzImage
    "006.wslconfig": {"wrong-section"},  # wsl.conf sections
    "012.wslconfig": {"wrong-section"},  # [wsl] instead of [wsl2]
    "031.wslconfig": set(),  # the one compliant file
    "060.wslconfig": {"invalid-value"},  # `true // comment`
}


@pytest.mark.parametrize("name", sorted(REPRESENTATIVE))
def test_representative_files_through_a_real_process(name: str, cli: Callable[..., Any],
                                                     json_doc: Callable[..., Any], tmp_path: Path) -> None:
    path = CORPUS / name
    before = path.read_bytes()
    result = cli("--config", path, "validate", "--offline", "--format", "json", cwd=tmp_path)
    doc = json_doc(result)
    assert result.returncode == (0 if name == "031.wslconfig" else 1)
    codes = {f["code"] for f in doc["findings"]}
    assert REPRESENTATIVE[name] <= codes
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == []
