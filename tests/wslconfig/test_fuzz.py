"""Byte-level fuzz of the shared corpus (issue 5, item 3).

Every corpus file (../shared/corpus/wslconfig; skipped when absent) is mutated: bit flips,
byte inserts and deletes, hostile sequences (NUL, CR, Ctrl-Z, U+FFFF in UTF-8, BOMs, lone
surrogates in UTF-16, invalid UTF-8), splices of two corpus files and UTF-16 re-encoding.
For each mutant: no exception, an exact byte round trip, and findings that do not depend
on the order they are read in. That last phrase is checked in three precise senses:

1. no hidden state between reads: in one process, every file's findings and values are the
   same whether the files are analysed in corpus order or shuffled (and the same as a fresh
   process gives, through the CLI);
2. a canonical finding order: the list is sorted by ``findings.sort_key`` with no ties
   between different findings, so the order the checks discover them in cannot show;
3. whole sections that share no key can be permuted without changing the findings (code,
   severity, key) or any effective value; only line numbers move. This is what holds for
   WSL's reader: each key's value is its FIRST valid occurrence (first wins), and a line
   belongs to the nearest valid header above it. So a key set in two sections is order
   dependent by design (test_a_key_in_two_sections_is_first_wins shows it), and so are a
   Ctrl-Z or an invalid macAddress (WSL stops reading there) and a section whose last
   line runs into the next header (no line break, or a trailing backslash): those are left
   out, and the keys above the first header stay first.

Counts (CI budget): 78 corpus files x ~189 systematic mutants each (14,742), plus the
Hypothesis budgets below; 300 mutants through the CLI in-process (json) plus 60 in the
other formats, and 20 through real processes. The opt-in long run (``-m slow``) draws
100,000 random mutation chains of the corpus.
"""

from __future__ import annotations

import collections
import contextlib
import io
import itertools
import json
import random
import re
import subprocess
from pathlib import Path

import pytest
from conftest import CORPUS_DIR, parse_json_doc, run_cli
from hypothesis import given
from hypothesis import strategies as st

from wslconfig_assistant.cli import main as cli
from wslconfig_assistant.core import policy
from wslconfig_assistant.core.errors import ConfigUnreadableError, WriteRefusedError
from wslconfig_assistant.core.findings import Finding
from wslconfig_assistant.wslconfig import reencode, schema
from wslconfig_assistant.wslconfig.document import ConfigDocument
from wslconfig_assistant.wslconfig.encoding import dominant_newline

try:
    from tests import strategies as wst
except ImportError:  # tests/ itself is on sys.path (rootdir-less "prepend" import mode)
    import strategies as wst

HOST_MEMORY = 16 << 30  # conftest.HOST_MEMORY, which the CLI processes get
STRICT = policy.Policy(strict=True)
CORPUS_FILES = wst.corpus_files()
NO_CORPUS = f"no corpus at {CORPUS_DIR}"
needs_corpus = pytest.mark.skipif(not CORPUS_FILES, reason=NO_CORPUS)

SYSTEMATIC_PER_FILE_MIN = 150  # every corpus file gets at least this many fixed mutants
CLI_IN_PROCESS = 300
CLI_OTHER_FORMATS = 60
CLI_PROCESSES = 20


def corpus_params() -> list[object]:
    if not CORPUS_FILES:
        return [pytest.param(None, marks=pytest.mark.skip(reason=NO_CORPUS))]
    return [pytest.param(i, id=path.name) for i, path in enumerate(CORPUS_FILES)]


def mutants_of(index: int) -> list[tuple[str, bytes]]:
    other = wst.CORPUS[(index + 1) % len(wst.CORPUS)]  # spliced with the next file
    return wst.systematic_mutations(wst.CORPUS[index], other)


def all_mutants() -> list[tuple[str, bytes]]:
    return [(f"{CORPUS_FILES[i].name}:{label}", raw)
            for i in range(len(CORPUS_FILES)) for label, raw in mutants_of(i)]


def first_absent_key(doc: ConfigDocument) -> schema.KeySpec | None:
    return next((spec for spec in schema.KEYS if spec.id not in doc.evaluation.occurrences), None)


def check_file(raw: bytes) -> ConfigDocument:
    """No exception anywhere on the read path, and the exact bytes back."""
    doc = ConfigDocument(None, raw)
    assert doc.to_bytes() == raw
    tf = doc.file
    if tf.lossless:
        assert tf.encode(tf.text) == raw  # the text the editor works on encodes back to the same bytes
    for pol, memory in ((policy.DEFAULT, HOST_MEMORY), (STRICT, None)):
        found = doc.findings(pol, memory)
        assert all(isinstance(f, Finding) and f.code and f.message for f in found)
    json.dumps(doc.values_json())  # what --json prints is serialisable
    spec = first_absent_key(doc)
    if spec is None:
        return doc
    if tf.problem is not None:
        check_repair(doc)
    if not tf.lossless or tf.needs_repair:
        with pytest.raises(ConfigUnreadableError):  # never edit what WSL cannot read as written
            doc.with_value(spec, "1")
        return doc
    # A lossless edit and its undo: the original bytes (or only the header `set` appended).
    value = {"bool": "true", "size": "8GB", "int": "4", "enum": spec.choices[0] if spec.choices else "x",
             "mac": "00:15:5D:01:02:03", "ipv4": "10.0.0.1", "ports": "80"}.get(spec.type, "x")
    try:
        added, change = doc.with_value(spec, value)
    except WriteRefusedError:
        return doc  # the self-check refused (e.g. after a Ctrl-Z): refusing is the safe answer
    assert change.action == "add"
    assert ConfigDocument(None, added.to_bytes()).settings[spec.id].value == added.settings[spec.id].value
    if tf.problem is not None:  # stray bytes WSL reads as U+FFFD: kept exactly, and so is the warning
        assert added.file.problem is not None
        assert added.file.problem.kind == tf.problem.kind
        assert _stray_bytes(added.to_bytes()) == _stray_bytes(raw)
    removed, _ = added.without_key(spec)
    assert only_a_header_inserted(doc.file.text, removed.file.text, spec.section)
    return doc


def _stray_bytes(raw: bytes) -> list[int]:
    """The bytes that are not UTF-8, in order."""
    text = raw.decode("utf-8", "surrogateescape")
    return [ord(ch) - 0xDC00 for ch in text if "\udc80" <= ch <= "\udcff"]


def check_repair(doc: ConfigDocument) -> None:
    """A repair gives plain UTF-8 WSL reads as written, or is refused by its own self-check."""
    try:
        fixed = reencode.repair(doc)
    except WriteRefusedError:
        return
    after = ConfigDocument(None, fixed.after.to_bytes())
    assert after.file.problem is None
    assert after.file.lossless
    assert after.file.text == fixed.after.file.text
    assert after.file.wsl_text == after.file.text  # WSL reads exactly the decided text
    # every whole line (line ending included) of the text as decoded is still there, in place,
    # unless a byte in it was not a character (it gets the character it shows as, or U+FFFD)
    before_lines = doc.file.text.splitlines(keepends=True)
    after_lines = after.file.text.splitlines(keepends=True)
    for old, new in zip(before_lines[:-1], after_lines, strict=False):
        if not any("\ud800" <= ch <= "\udfff" for ch in old):
            assert new == old


def only_a_header_inserted(before: str, after: str, section: str) -> bool:
    """``after`` is ``before``, or ``before`` with one run of line breaks and ``[section]``
    inserted at one place: what set + unset of a new key leaves (the header stays, README).

    A text-level check, unlike editcheck.undo_is_exact's line diff: before a Ctrl-Z on the
    first line, the section goes in mid-line (it must come before the Ctrl-Z to be read).
    """
    if after == before:
        return True
    size = len(after) - len(before)
    head = next((i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b), len(before))
    pattern = re.compile(rf"[\r\n]*\[{re.escape(section)}\][\r\n]*")
    # Every place the insert could sit (repeated text around it makes several fit).
    return size > 0 and any(
        after[:at] + after[at + size:] == before and pattern.fullmatch(after[at : at + size])
        for at in range(max(0, head - size), head + 1)
    )


def analysis(raw: bytes) -> tuple[object, ...]:
    """Everything a read reports about one file: findings (both policies) and values."""
    doc = ConfigDocument(None, raw)
    return (
        tuple(doc.findings(policy.DEFAULT, HOST_MEMORY)),
        tuple(doc.findings(STRICT, None)),
        json.dumps(doc.values_json(), sort_keys=True, default=repr),
        doc.file.label,
    )


# -- 1. no crash, exact round trip: every corpus file, systematically ---------------------


@pytest.mark.parametrize("index", corpus_params())
def test_every_corpus_file_survives_systematic_mutations(index: int) -> None:
    mutants = mutants_of(index)
    assert len(mutants) >= SYSTEMATIC_PER_FILE_MIN
    check_file(wst.CORPUS[index])
    for _label, raw in mutants:
        check_file(raw)


def test_systematic_mutations_cover_every_kind() -> None:
    """The mutant list is what the docstring promises (on a stand-in file: no corpus needed)."""
    raw = b"[wsl2]\r\nmemory=8GB\r\nvirtiofs=true\r\n"
    labels = [label for label, _ in wst.systematic_mutations(raw, b"[experimental]\nsparseVhd=true\n")]
    kinds = collections.Counter(re.match("[a-z]+", label).group() for label in labels)  # type: ignore[union-attr]
    assert kinds["hostile"] == 7 * len(wst.HOSTILE)
    assert kinds["flip"] == 6 * 8  # 7 places, one of them past the end
    assert kinds["delete"] == 6
    assert kinds["cut"] == 7
    assert kinds["splice"] == 9
    assert kinds["utf"] == 1 + 6  # UTF-16LE, then a lone high or low surrogate at 3 places
    wide = dict(wst.systematic_mutations(raw, b""))["utf16+00d8@2"]
    assert wide.startswith(b"\xff\xfe\x00\xd8[\x00")


@needs_corpus
@wst.budget(300)
@given(st.sampled_from(range(len(CORPUS_FILES)) or [0]), st.lists(wst.MUTATIONS, min_size=1, max_size=8))
def test_random_mutation_chains(index: int, mutations: list[wst.Mutation]) -> None:
    check_file(wst.mutate(wst.CORPUS[index], mutations))


# -- 2. findings do not depend on the order files are read in ----------------------------


@needs_corpus
def test_findings_do_not_depend_on_the_order_files_are_read_in() -> None:
    """One process, the same files in corpus order and in three shuffled orders (one file
    read twice in a row, too): every file's findings and values are the same each time."""
    files = [(path.name, raw) for path, raw in zip(CORPUS_FILES, wst.CORPUS, strict=True)]
    files += all_mutants()[::7]
    assert len(files) > 2000
    reference = {name: analysis(raw) for name, raw in files}
    for seed in (1, 2, 3):
        order = files[:]
        random.Random(seed).shuffle(order)  # noqa: S311 - a reproducible order, not a secret
        order.insert(1, order[0])
        for name, raw in order:
            assert analysis(raw) == reference[name], (seed, name)


@needs_corpus
def test_finding_order_is_canonical() -> None:
    """Sorted with no ties between different findings: any discovery order gives this list."""
    tied = []
    for name, raw in [(p.name, r) for p, r in zip(CORPUS_FILES, wst.CORPUS, strict=True)] + all_mutants():
        doc = ConfigDocument(None, raw)
        for pol, memory in ((policy.DEFAULT, HOST_MEMORY), (STRICT, None)):
            found = doc.findings(pol, memory)
            if not wst.canonically_ordered(found):
                tied.append(name)
    assert not tied, f"{len(tied)} finding lists with ties, e.g. {tied[:3]}"


def test_the_canonical_order_check_can_fail() -> None:
    a = Finding.make("invalid-line", "WSL cannot read the key", "fix", line=6)
    b = Finding.make("invalid-line", "a Ctrl-Z character ends the file", "fix", line=6)
    c = Finding.make("unknown-key", "x", "fix", key="wsl2.x", line=7)
    assert wst.canonically_ordered([a, a, c])
    assert not wst.canonically_ordered([c, a])
    # Two different findings on one line: at most one of their two orders is canonical.
    assert not (wst.canonically_ordered([a, b]) and wst.canonically_ordered([b, a]))


# -- 3. sections that share no key can be permuted ----------------------------------------


def split_sections(doc: ConfigDocument) -> tuple[str, list[str]] | None:
    """(text above the first valid header, one text per section), each section ending in a
    line break; None when the file is order dependent by WSL's rules (module docstring)."""
    parsed = doc.parsed
    if parsed is None or doc.file.problem is not None or doc.file.wsl_text != doc.file.text:
        return None
    if parsed.ignored_from is not None or "wsl2.macaddress" in doc.evaluation.occurrences:
        return None
    text = doc.file.text
    starts = [h.line_start for h in parsed.headers if h.valid]
    if len(starts) < 2:
        return None
    nl = dominant_newline(text)
    blocks = [text[a:b] for a, b in itertools.pairwise([*starts, len(text)])]
    if not blocks[-1].endswith(("\n", "\r")):
        blocks[-1] += nl
    if any(block.endswith("\r") or block.rstrip("\r\n").endswith("\\") for block in blocks):
        return None  # runs into the next header once moved
    owners: collections.Counter[str] = collections.Counter()
    for block in blocks:
        names = {spec.id for e in ConfigDocument(None, block.encode()).parsed.entries  # type: ignore[union-attr]
                 if (spec := schema.lookup(e.name)) is not None}
        owners.update(names)
    if any(n > 1 for n in owners.values()):
        return None  # first wins across sections: order dependent by design
    return text[: starts[0]], blocks


def section_permutations(raw: bytes) -> list[bytes] | None:
    doc = ConfigDocument(None, raw)
    split = split_sections(doc)
    if split is None:
        return None
    head, blocks = split
    bom = doc.file.bom
    orders = list(itertools.islice(itertools.permutations(range(len(blocks))), 24))
    return [bom + (head + "".join(blocks[i] for i in order)).encode("utf-8") for order in orders]


def order_free_view(raw: bytes) -> tuple[collections.Counter[tuple[str, str, str | None]], dict[str, object]]:
    doc = ConfigDocument(None, raw)
    codes = collections.Counter((f.code, f.severity, f.key) for f in doc.findings(policy.DEFAULT, HOST_MEMORY))
    return codes, {key: setting.value for key, setting in doc.settings.items()}


@needs_corpus
def test_corpus_sections_can_be_permuted() -> None:
    permuted_files = 0
    for path, raw in zip(CORPUS_FILES, wst.CORPUS, strict=True):
        variants = section_permutations(raw)
        if variants is None:
            continue
        permuted_files += 1
        first = order_free_view(variants[0])  # the original order, with a final line break
        for variant in variants[1:]:
            assert order_free_view(variant) == first, path.name
    # At least the files with [wsl2] and [experimental] each setting their own keys.
    assert permuted_files >= 10, permuted_files


def test_a_key_in_two_sections_is_first_wins() -> None:
    """Why sections that share a key are left out: WSL takes the first occurrence."""
    one, two = "[wsl2]\nmemory=512MB\n", "[wsl2]\nmemory=8GB\n"
    a, b = ConfigDocument(None, (one + two).encode()), ConfigDocument(None, (two + one).encode())
    assert a.settings["wsl2.memory"].value == 512 << 20
    assert b.settings["wsl2.memory"].value == 8 << 30
    assert order_free_view((one + two).encode()) != order_free_view((two + one).encode())
    assert section_permutations((one + two).encode()) is None


def test_section_permutation_keeps_findings_on_a_small_file() -> None:
    """The permutation check on a file made for it (runs without the corpus)."""
    raw = b"[wsl2]\r\nmemory=1GB\r\nfoo=1\r\n[experimental]\r\nsparseVhd=maybe\r\n[boot]\r\nsystemd=true"
    variants = section_permutations(raw)
    assert variants is not None
    assert len(variants) == 6
    views = [order_free_view(v) for v in variants]
    assert all(view == views[0] for view in views)
    assert {code for code, _sev, _key in views[0][0]} >= {"memory-too-low", "unknown-key", "invalid-value"}


# -- 4. the CLI on mutated files ------------------------------------------------------------


@pytest.fixture
def cli_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """What conftest.cli_env gives the processes, for in-process main() calls."""
    for name in ("WSLCONFIG_ASSISTANT_PROFILE", "WSLCONFIG_ASSISTANT_FAULT", "WSLCONFIG_ASSISTANT_WSL_EXE",
                 "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WSLCONFIG_ASSISTANT_HOST_MEMORY", "16GB")
    monkeypatch.setenv("NO_COLOR", "1")


def run_in_process(*args: str) -> subprocess.CompletedProcess[str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def essentials(findings: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(f["code"], f["severity"], f["key"], f["line"]) for f in findings]


def expected_findings(raw: bytes) -> list[tuple[object, ...]]:
    found = ConfigDocument(None, raw).findings(policy.DEFAULT, HOST_MEMORY)
    return essentials([f.as_json() for f in found])


def cli_sample(n: int, seed: int) -> list[tuple[str, bytes]]:
    mutants = all_mutants()
    return random.Random(seed).sample(mutants, min(n, len(mutants)))  # noqa: S311 - reproducible


@needs_corpus
@pytest.mark.usefixtures("cli_environment")
def test_validate_in_process_on_mutated_files(tmp_path: Path) -> None:
    config = tmp_path / ".wslconfig"
    for label, raw in cli_sample(CLI_IN_PROCESS, seed=11):
        config.write_bytes(raw)
        result = run_in_process("--config", str(config), "validate", "--offline", "--format", "json")
        assert "Traceback" not in result.stderr, label
        doc = parse_json_doc(result)
        assert result.returncode in (0, 1), label
        assert essentials(doc["findings"]) == expected_findings(raw), label
        assert config.read_bytes() == raw, label
    for fmt in ("text", "junit", "github"):
        for label, raw in cli_sample(CLI_OTHER_FORMATS // 3, seed=12):
            config.write_bytes(raw)
            result = run_in_process("--config", str(config), "validate", "--offline", "--format", fmt)
            assert "Traceback" not in result.stderr, label
            has_error = any(sev == "error" for _code, sev, _key, _line in expected_findings(raw))
            assert result.returncode == (1 if has_error else 0), (fmt, label)
            assert result.stdout, (fmt, label)
            assert config.read_bytes() == raw, label


@needs_corpus
@pytest.mark.usefixtures("cli_environment")
def test_validate_in_real_processes_matches_in_process(tmp_path: Path) -> None:
    """A fresh process per file reports exactly what the long-lived process did: no state
    carried from one read to the next."""
    config = tmp_path / ".wslconfig"
    sample = [*cli_sample(CLI_PROCESSES - 1, seed=13), ("utf16+surrogate", b"\xff\xfe[\x00\x00\xd8]\x00")]
    for label, raw in sample:
        config.write_bytes(raw)
        args = ("--config", str(config), "validate", "--offline", "--format", "json")
        fresh = run_cli(*args)
        assert "Traceback" not in fresh.stderr, label
        doc = parse_json_doc(fresh)
        assert doc == json.loads(run_in_process(*args).stdout), label
        assert config.read_bytes() == raw, label


# -- the long opt-in run ------------------------------------------------------------------


@wst.slow_budget()
@given(st.sampled_from(range(len(CORPUS_FILES)) or [0]), st.lists(wst.MUTATIONS, min_size=1, max_size=8))
def _slow_corpus_fuzz(index: int, mutations: list[wst.Mutation]) -> None:
    raw = wst.mutate(wst.CORPUS[index], mutations)
    doc = check_file(raw)
    assert analysis(raw) == analysis(raw)
    assert wst.canonically_ordered(doc.findings(policy.DEFAULT, HOST_MEMORY))


@pytest.mark.slow
@needs_corpus
def test_slow_corpus_fuzz(request: pytest.FixtureRequest) -> None:
    """100k random mutation chains of the corpus: no crash, exact round trip, deterministic
    findings in canonical order."""
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("opt-in: run with -m slow")
    _slow_corpus_fuzz()
