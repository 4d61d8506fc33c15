"""Properties of reading and editing .wslconfig, checked by Hypothesis.

1. round trip: any bytes come back byte for byte; nothing in reading ever raises;
2. get after set returns the typed value WSL will use;
3. set twice equals set once;
4. an edit leaves every untouched line byte-identical;
5. set + unset of a key the file does not set restores the exact bytes;
6. findings do not depend on the order they are produced (nor on the order of
   independent sections);
7. an edit of one key leaves every other effective setting as it was;
plus a byte-mutation fuzz of the shared corpus.

The CI budget is small (the whole file runs in about 20 s): each property's count is the
``budget(n)`` above it. Raise them all with ``WSLCONFIG_FUZZ_EXAMPLES=5000 python -m pytest
tests/wslconfig/test_properties.py``; the 100k-example run is opt-in: ``python -m pytest
tests/wslconfig/test_properties.py -m slow``. The corpus fuzz and the order-independence checks on
real files are in test_fuzz.py.
"""

from __future__ import annotations

import collections
import contextlib
import re
import warnings
from collections.abc import Callable

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from wslconfig_assistant.core import policy
from wslconfig_assistant.core.errors import ConfigUnreadableError, UsageError, WriteRefusedError
from wslconfig_assistant.wslconfig import reader, schema
from wslconfig_assistant.wslconfig.document import ConfigDocument
from wslconfig_assistant.wslconfig.encoding import decode, dominant_newline
from wslconfig_assistant.wslconfig.schema import KeySpec

try:
    from tests import strategies as wst
    from tests.editcheck import undo_is_exact
except ImportError:  # tests/ is on sys.path itself (pytest's rootdir-less "prepend" import mode)
    import strategies as wst
    from editcheck import undo_is_exact

# Hypothesis imports its patch writer (and through it libcst, when installed) only after a
# test has failed, inside pytest's `filterwarnings = error`; libcst's own DeprecationWarning
# would then turn the failure report into an INTERNALERROR. Import it now, quietly.
with warnings.catch_warnings(), contextlib.suppress(ImportError):
    warnings.simplefilter("ignore", DeprecationWarning)
    import hypothesis.extra._patching  # noqa: F401

HOST_MEMORY = 16 << 30
budget = wst.budget  # every property's CI example count sits next to it; see TESTING.md


def spec_of(name: str) -> KeySpec:
    spec = schema.lookup(name)
    assert spec is not None
    return spec


MEMORY = spec_of("wsl2.memory")
VIRTIOFS = spec_of("wsl2.virtiofs")
KERNEL = spec_of("wsl2.kernel")
EDITS = st.one_of(wst.edit_requests(wst.COMMON_SPECS), wst.edit_requests())
CORPUS = wst.CORPUS


def editable(doc: ConfigDocument) -> bool:
    """Plain edits work on what WSL reads as written (stray bytes it reads as U+FFFD included)."""
    return doc.file.lossless and not doc.file.needs_repair


def stops_early(doc: ConfigDocument) -> bool:
    """WSL reads nothing after a Ctrl-Z or an invalid macAddress: a key put there is never read.

    ``set`` rightly refuses (self-check) to write a key WSL would not read, so the
    properties that expect a successful edit leave such files out.
    """
    if doc.parsed is None or doc.parsed.ignored_from is not None:
        return True
    # The first macAddress line is the one WSL takes; when it is invalid, it is not a setting.
    return bool(doc.evaluation.occurrences.get("wsl2.macaddress")) and "wsl2.macaddress" not in doc.settings


_TRAILING_BACKSLASH = re.compile(r"(?<!\\)(?:\\\\)*\\\Z")


def ends_in_backslash(text: str) -> bool:
    """The file ends with a single backslash: WSL drops that last line (invalid escape at EOF).

    A known, safe limitation: any line break written after it would turn the backslash
    into a continuation and revive the dropped line, so ``set`` of a key that must go at
    the end is refused by the self-check (test_set_refuses_to_revive_a_dropped_last_line).
    """
    return _TRAILING_BACKSLASH.search(text) is not None


def settable(doc: ConfigDocument) -> bool:
    """Files on which ``set`` must succeed (the known, deliberate refusals assumed away)."""
    return not stops_early(doc) and not ends_in_backslash(doc.file.text)


# -- 1. round trip ---------------------------------------------------------------------


def check_round_trip(raw: bytes) -> ConfigDocument:
    doc = ConfigDocument(None, raw)
    assert doc.to_bytes() == raw
    tf = decode(raw)
    if tf.lossless:
        assert tf.encode(tf.text) == raw
    reader.parse(tf.text)
    if tf.wsl_text is not None:
        reader.parse(tf.wsl_text)
    doc.findings(policy.DEFAULT, HOST_MEMORY)
    doc.findings(policy.Policy(strict=True), None)
    doc.values_json()
    return doc


@budget(400)
@given(wst.arbitrary_bytes())
@example(b"")
@example(b"\xff\xfe")  # a bare UTF-16LE BOM
@example(b"\xff\xfe[\x00")  # UTF-16LE, odd byte count
@example(b"\xfe\xff\x00[")  # UTF-16BE
@example(b"[wsl2]\r\nmemory=4GB\x1a junk")  # Ctrl-Z
@example(b"\xff\xfe[\x00w\x00]\x00\n\x00memory=8GB\n")  # UTF-16 then a UTF-8 tail
@example(b"[wsl2]\nm=\xe9\n\x00")  # stray Latin-1 byte, then a NUL
def test_round_trip_arbitrary_bytes(raw: bytes) -> None:
    check_round_trip(raw)


@budget(120)
@given(wst.wslconfig_files())
def test_round_trip_wslconfig_like(f: wst.GeneratedFile) -> None:
    doc = check_round_trip(f.raw)
    assert editable(doc)
    assert doc.file.text == f.text


# -- 2. get after set ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "typed", "expected"),
    [
        (MEMORY, "8GB", 8 << 30),
        (MEMORY, "512M", 512 << 20),
        (VIRTIOFS, "true", True),
        (VIRTIOFS, "TRUE", True),
        (KERNEL, "C:\\wsl\\k", "C:\\wsl\\k"),
        (KERNEL, "C:\\my #1\\k ", "C:\\my #1\\k "),
        (spec_of("wsl2.networkingMode"), "mirrored", "Mirrored"),
        (spec_of("wsl2.vmIdleTimeout"), "060000", 24576),
        (spec_of("experimental.ignoredPorts"), "80,443", [80, 443]),
    ],
)
def test_get_after_set_examples(spec: KeySpec, typed: str, expected: object) -> None:
    for raw in (None, b"", b"[wsl2]\r\nmemory=4GB\r\n", b"# c\n[experimental]\nsparseVhd=true"):
        new, _ = ConfigDocument(None, raw).with_value(spec, typed)
        assert new.settings[spec.id].value == expected


@budget(120)
@given(wst.wslconfig_files(), EDITS)
def test_get_after_set(f: wst.GeneratedFile, req: wst.EditRequest) -> None:
    doc = ConfigDocument(None, f.raw)
    assume(settable(doc))
    new, _ = doc.with_value(req.spec, req.user_value)
    assert new.settings[req.spec.id].value == req.expected
    assert ConfigDocument(None, new.to_bytes()).settings[req.spec.id].value == req.expected


def test_regression_set_after_trailing_backslash_cr() -> None:
    new, _ = ConfigDocument(None, b"[wsl2]\na=\\\r").with_value(MEMORY, "8GB")
    assert new.settings["wsl2.memory"].value == 8 << 30


def test_set_refuses_to_revive_a_dropped_last_line() -> None:
    doc = ConfigDocument(None, b"[wsl2]\nswap=0\\")
    assert "wsl2.swap" not in doc.settings  # a backslash at the end of the file drops the line
    with pytest.raises(WriteRefusedError, match="start to count"):
        doc.with_value(spec_of("experimental.sparseVhd"), "true")
    new, _ = doc.with_value(MEMORY, "8GB")  # a key that goes above that line is fine
    assert "wsl2.swap" not in new.settings


# -- 3. set twice equals set once -----------------------------------------------------


@budget(80)
@given(wst.wslconfig_files(), EDITS)
def test_set_is_idempotent(f: wst.GeneratedFile, req: wst.EditRequest) -> None:
    doc = ConfigDocument(None, f.raw)
    assume(settable(doc))
    once, _ = doc.with_value(req.spec, req.user_value)
    twice, change = once.with_value(req.spec, req.user_value)
    assert twice.to_bytes() == once.to_bytes()
    assert change.action == "unchanged"


# -- 4. untouched lines stay byte-identical -------------------------------------------

_LINE = re.compile("[^\r\n\uffff]*(?:\r\n|\n|\r|\uffff)|[^\r\n\uffff]+\\Z")


def physical_lines(text: str) -> list[tuple[int, str]]:
    """(offset, line with its terminator) for each line; a lone CR and U+FFFF (WEOF for WSL) end one too."""
    return [(m.start(), m.group()) for m in _LINE.finditer(text)]


def lines_touching(lines: list[tuple[int, str]], start: int, stop: int) -> set[int]:
    return {i for i, (at, line) in enumerate(lines) if at < max(stop, start + 1) and at + len(line) > start}


def explains(
    old: list[str],
    new: list[str],
    *,
    deletable: set[int],
    insertable: Callable[[str], bool],
    may_gain_eol: int | None = None,
    may_lose_eol: frozenset[int] = frozenset(),
) -> bool:
    """Can ``new`` be made from ``old`` by deleting only ``deletable`` lines, inserting only
    ``insertable`` ones, and (at the given indices) adding or dropping a line break?

    Every other old line must reappear byte for byte, in order. A search over all
    alignments, so that repeated lines (blank lines, comments) cannot fool it the way a
    single difflib alignment can.
    """
    memo: dict[tuple[int, int], bool] = {}

    def ok(i: int, j: int) -> bool:
        key = (i, j)
        if key not in memo:
            memo[key] = step(i, j)
        return memo[key]

    def step(i: int, j: int) -> bool:
        if i == len(old):
            return all(insertable(line) for line in new[j:])
        if i in deletable and ok(i + 1, j):
            return True
        if i in may_lose_eol and old[i].strip("\r\n") == "" and ok(i + 1, j):
            return True  # a blank line that loses its line break is no line at all
        if j == len(new):
            return False
        if insertable(new[j]) and ok(i, j + 1):
            return True
        same = old[i] == new[j]
        if not same and i == may_gain_eol:  # an unterminated last line gets a line break
            same = new[j].startswith(old[i]) and new[j][len(old[i]):] in ("\r\n", "\n")
        if not same and i in may_lose_eol:  # the line before a removed unterminated last line
            same = old[i].rstrip("\r\n") == new[j] or old[i][:-1] == new[j]
        return same and ok(i + 1, j + 1)

    return ok(0, 0)


def key_line_pattern(spec: KeySpec) -> re.Pattern[str]:
    return re.compile(rf"[ \t]*{re.escape(spec.key)}[ \t]*=[^\r\n]*(?:\r\n|\n|\r)?")


@budget(120)
@given(wst.wslconfig_files(), EDITS)
def test_set_leaves_other_lines_byte_identical(f: wst.GeneratedFile, req: wst.EditRequest) -> None:
    doc = ConfigDocument(None, f.raw)
    assume(settable(doc))
    new, change = doc.with_value(req.spec, req.user_value)
    old_lines = physical_lines(doc.file.text)
    old = [line for _, line in old_lines]
    new_lines = [line for _, line in physical_lines(new.file.text)]
    if change.action == "unchanged":
        assert new_lines == old
        return
    if change.action == "set":
        entry = doc.evaluation.occurrences[req.spec.id][0]
        # Only the key up to the end of its value is rewritten: a continued value collapses
        # onto one line, and whatever follows the value (a comment, even one holding a
        # lone CR) is kept as it was.
        spanned = lines_touching(old_lines, entry.line_start, max(entry.value_end, entry.key_start + 1))
        assert len(new_lines) == len(old) - len(spanned) + 1
        assert explains(old, new_lines, deletable=spanned, insertable=lambda line: entry.key_text in line)
        return
    assert change.action == "add"
    key_line = key_line_pattern(req.spec)
    header = f"[{req.spec.section}]"
    last_open = len(old) - 1 if old and not old[-1].endswith("\n") else None  # no break, or a lone CR

    def insertable(line: str) -> bool:
        return line.rstrip("\r\n") in ("", header) or key_line.fullmatch(line) is not None

    assert explains(old, new_lines, deletable=set(), insertable=insertable, may_gain_eol=last_open)
    keys_before = sum(1 for line in old if key_line.fullmatch(line))
    assert sum(1 for line in new_lines if key_line.fullmatch(line)) == keys_before + 1
    # The key line; or a blank line, the header and the key line, after a line break that
    # ends a last line left open (a lone CR does not count as one: splice._append_section).
    lone_cr_end = bool(old) and old[-1].endswith("\r")
    assert 1 <= len(new_lines) - len(old) <= 3 + lone_cr_end


@budget(80)
@given(wst.wslconfig_files(), st.sampled_from(wst.COMMON_SPECS + schema.KEYS))
def test_unset_leaves_other_lines_byte_identical(f: wst.GeneratedFile, spec: KeySpec) -> None:
    doc = ConfigDocument(None, f.raw)
    new, change = doc.without_key(spec)
    old_lines = physical_lines(doc.file.text)
    old = [line for _, line in old_lines]
    new_lines = [line for _, line in physical_lines(new.file.text)]
    if change.action == "unchanged":
        assert new_lines == old
        return
    spanned: set[int] = set()
    lose_eol: set[int] = set()
    for entry in doc.evaluation.occurrences[spec.id]:
        lines = lines_touching(old_lines, entry.line_start, entry.line_end)
        spanned |= lines
        if not entry.terminated and min(lines) > 0:  # the line before gives up its line break
            lose_eol.add(min(lines) - 1)
    assert explains(old, new_lines, deletable=spanned, insertable=lambda _line: False,
                    may_lose_eol=frozenset(lose_eol))
    assert len(old) - len(spanned) - len(lose_eol) <= len(new_lines) <= len(old) - len(spanned)


# -- 5. set + unset of a new key is the identity --------------------------------------


@budget(100)
@given(wst.wslconfig_files(), st.data())
def test_set_then_unset_of_a_new_key_restores_the_bytes(f: wst.GeneratedFile, data: st.DataObject) -> None:
    """Exactly the original bytes when the key's section exists. When `set` had to append the
    section, `unset` keeps its header by design (README, splice.py): the original bytes, then
    only line breaks and the bare ``[section]`` line."""
    doc = ConfigDocument(None, f.raw)
    assume(settable(doc))
    candidates = [spec for spec in schema.KEYS if spec.id not in doc.evaluation.occurrences]
    assume(candidates)
    spec = data.draw(st.sampled_from(candidates))
    text, _expected = data.draw(wst.user_values(spec))
    added, change = doc.with_value(spec, text)
    assert change.action == "add"
    removed, _ = added.without_key(spec)
    assert doc.parsed is not None
    if any(h.valid and h.name.lower() == spec.section.lower() for h in doc.parsed.headers):
        assert removed.to_bytes() == f.raw
    else:
        back = removed.to_bytes()
        assert back.startswith(f.raw)
        rest = removed.file.text[len(doc.file.text):]
        nl = re.escape(dominant_newline(doc.file.text))
        assert re.fullmatch(rf"(?:{nl}){{0,2}}\[{re.escape(spec.section)}\](?:{nl})?", rest), rest
        assert undo_is_exact(f.raw, back, spec.section)


@pytest.mark.parametrize(
    "raw", [b"", b"[experimental]\r\nsparseVhd=true\r\n", b"# c\n[boot]\nsystemd=true", b"\r", b"\r\n\n"]
)
def test_set_unset_of_an_appended_section_keeps_only_its_header(raw: bytes) -> None:
    """When set had to append the section, unset keeps the (empty) header: documented, and the
    only difference from the original (see tests/editcheck.py for why no rule can do better)."""
    added, change = ConfigDocument(None, raw).with_value(MEMORY, "8GB")
    assert change.action == "add"
    removed, _ = added.without_key(MEMORY)
    assert undo_is_exact(raw, removed.to_bytes(), "wsl2")


def test_regression_set_unset_loses_final_lone_cr() -> None:
    raw = b"[wsl2]\na=1#\r"
    added, _ = ConfigDocument(None, raw).with_value(MEMORY, "8GB")
    removed, _ = added.without_key(MEMORY)
    assert removed.to_bytes() == raw


# -- 6. findings do not depend on the order they are produced -------------------------


def finding_tuples(doc: ConfigDocument) -> list[tuple[object, ...]]:
    return [(f.code, f.severity, f.key, f.line, f.message, f.fix) for f in doc.findings(policy.DEFAULT, HOST_MEMORY)]


@budget(150)
@given(st.one_of(wst.arbitrary_bytes(), wst.wslconfig_files().map(lambda f: f.raw)))
def test_findings_are_deterministic(raw: bytes) -> None:
    first, second = ConfigDocument(None, raw), ConfigDocument(None, raw)
    assert first.evaluation.findings == second.evaluation.findings
    assert finding_tuples(first) == finding_tuples(second)


def keys_per_section(case: wst.ShuffleCase) -> list[set[str]]:
    """The known keys (by WSL slot, aliases folded) each section sets."""
    doc = ConfigDocument(None, case.raw(range(len(case.section_texts))))
    assert doc.parsed is not None
    bounds = [len(case.preamble_text)]
    for section in case.section_texts:
        bounds.append(bounds[-1] + len(section))
    owners: list[set[str]] = [set() for _ in case.section_texts]
    for entry in doc.parsed.entries:
        spec = schema.lookup(entry.name)
        if spec is None or entry.line_start < bounds[0]:
            continue
        index = next(i for i in range(len(owners)) if entry.line_start < bounds[i + 1])
        owners[index].add(spec.id)
    return owners


@budget(100)
@given(wst.shuffle_cases(), st.data())
def test_findings_do_not_depend_on_section_order(case: wst.ShuffleCase, data: st.DataObject) -> None:
    owners = keys_per_section(case)
    seen: collections.Counter[str] = collections.Counter(key for keys in owners for key in keys)
    assume(all(n == 1 for n in seen.values()))  # no key set in two sections
    order = data.draw(st.permutations(range(len(case.section_texts))))
    before = ConfigDocument(None, case.raw(range(len(case.section_texts))))
    after = ConfigDocument(None, case.raw(order))

    def codes(doc: ConfigDocument) -> collections.Counter[tuple[str, str | None]]:
        return collections.Counter((f.code, f.key) for f in doc.findings(policy.DEFAULT, HOST_MEMORY))

    assert codes(before) == codes(after)
    assert {k: s.value for k, s in before.settings.items()} == {k: s.value for k, s in after.settings.items()}


# -- 7. an edit leaves every other setting as it was -----------------------------------


def effective_values(doc: ConfigDocument, spec: KeySpec) -> dict[str, object]:
    exempt = {spec.id}
    if spec.id == "experimental.dnstunnelingipaddress":
        exempt.add("wsl2.dnstunneling")  # an invalid address turns DNS tunneling off (wsl-reader-surprises.md)
    return {key: setting.value for key, setting in doc.settings.items() if key not in exempt}


@budget(100)
@given(wst.wslconfig_files(), EDITS)
def test_set_changes_no_other_setting(f: wst.GeneratedFile, req: wst.EditRequest) -> None:
    doc = ConfigDocument(None, f.raw)
    assume(settable(doc))
    new, _ = doc.with_value(req.spec, req.user_value)
    assert effective_values(new, req.spec) == effective_values(doc, req.spec)


def test_an_edit_that_would_revive_a_dropped_line_is_refused() -> None:
    """A backslash at the very end of the file is an invalid escape (WSL drops the line); any
    line break written after it would make it a continuation, so the self-check refuses."""
    doc = ConfigDocument(None, b"[wsl2]\nswap=0\\")
    assert "wsl2.swap" not in doc.settings
    with pytest.raises(WriteRefusedError, match="would start to count"):
        doc.with_value(spec_of("experimental.sparseVhd"), "true")


@budget(80)
@given(wst.wslconfig_files(), st.sampled_from(wst.COMMON_SPECS + schema.KEYS))
def test_unset_changes_no_other_setting(f: wst.GeneratedFile, spec: KeySpec) -> None:
    doc = ConfigDocument(None, f.raw)
    new, _ = doc.without_key(spec)
    assert spec.id not in new.settings or spec.id == "wsl2.dnstunneling"
    assert effective_values(new, spec) == effective_values(doc, spec)


# -- corpus mutation fuzz --------------------------------------------------------------


def check_edits_fail_cleanly(raw: bytes, requests: list[wst.EditRequest]) -> None:
    """Edits either work or raise an AssistantError; files WSL cannot read as written are refused."""
    doc = ConfigDocument(None, raw)
    for req in requests:
        if not editable(doc):
            with pytest.raises(ConfigUnreadableError):
                doc.with_value(req.spec, req.user_value)
            with pytest.raises(ConfigUnreadableError):
                doc.without_key(req.spec)
            continue
        with contextlib.suppress(WriteRefusedError, UsageError):
            doc.with_value(req.spec, req.user_value)
        with contextlib.suppress(WriteRefusedError):
            doc.without_key(req.spec)


@pytest.mark.skipif(not CORPUS, reason="no corpus at ../shared/corpus/wslconfig")
@budget(150)
@given(
    st.sampled_from(CORPUS or [b""]),
    st.lists(wst.MUTATIONS, min_size=1, max_size=8),
    st.lists(EDITS, min_size=1, max_size=3),
)
def test_mutated_corpus(original: bytes, mutations: list[wst.Mutation], requests: list[wst.EditRequest]) -> None:
    raw = wst.mutate(original, mutations)
    check_round_trip(raw)
    check_edits_fail_cleanly(raw, requests)


# -- the long opt-in run ---------------------------------------------------------------

ANY_FILE = st.one_of(
    wst.arbitrary_bytes(max_size=2000),
    wst.wslconfig_files(max_sections=6, max_units=10).map(lambda f: f.raw),
    st.builds(wst.mutate, st.sampled_from(CORPUS or [b""]), st.lists(wst.MUTATIONS, min_size=1, max_size=8)),
)


@wst.slow_budget()
@given(ANY_FILE, st.lists(EDITS, min_size=1, max_size=2))
def _slow_fuzz(raw: bytes, requests: list[wst.EditRequest]) -> None:
    doc = check_round_trip(raw)
    found = doc.findings(policy.DEFAULT, HOST_MEMORY)
    assert wst.canonically_ordered(found), found  # whatever order the checks found them in
    assert finding_tuples(ConfigDocument(None, raw)) == finding_tuples(doc)
    check_edits_fail_cleanly(raw, requests)


@pytest.mark.slow
def test_slow_fuzz(request: pytest.FixtureRequest) -> None:
    """100k files of every kind: round trip, findings deterministic and in canonical order, and
    edits that fail only with an AssistantError."""
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("opt-in: run with -m slow")
    _slow_fuzz()
