"""Lossless edits, in process: exact before/after bytes for every editing rule.

``ConfigDocument(None, raw)`` reads bytes as WSL would; ``with_value`` and
``without_key`` return a new document whose bytes are compared byte for byte.
"""

from __future__ import annotations

import codecs
from functools import partial

import pytest
from editcheck import undo_is_exact

from wslconfig_assistant.core.errors import ConfigUnreadableError, UsageError, WriteRefusedError
from wslconfig_assistant.core.policy import Policy
from wslconfig_assistant.wslconfig import reader, splice
from wslconfig_assistant.wslconfig.document import ConfigDocument, DecodingWouldChangeError, resolve_key
from wslconfig_assistant.wslconfig.schema import KeySpec

BOM8 = codecs.BOM_UTF8
BOM16 = codecs.BOM_UTF16_LE


def doc(raw: bytes | None) -> ConfigDocument:
    return ConfigDocument(None, raw)


def set_bytes(raw: bytes | None, key: str, value: str) -> bytes:
    edited, _change = doc(raw).with_value(resolve_key(key), value)
    return edited.to_bytes()


def unset_bytes(raw: bytes | None, key: str) -> bytes:
    edited, _change = doc(raw).without_key(resolve_key(key))
    return edited.to_bytes()


def value_of(raw: bytes, key: str) -> object:
    setting = doc(raw).settings.get(resolve_key(key).id)
    return None if setting is None else setting.value


def utf16(text: str) -> bytes:
    return BOM16 + text.encode("utf-16-le")


GIB = 1 << 30

# (id, before, key, value, after): each rule of README "set writes values ..." / splice.py.
SET_CASES = [
    ("crlf-kept", b"[wsl2]\r\nswap=0\r\n", "wsl2.virtiofs", "true", b"[wsl2]\r\nswap=0\r\nvirtiofs=true\r\n"),
    ("lf-kept", b"[wsl2]\nswap=0\n", "wsl2.virtiofs", "true", b"[wsl2]\nswap=0\nvirtiofs=true\n"),
    ("no-final-newline-lf", b"[wsl2]\nswap=0", "wsl2.virtiofs", "true", b"[wsl2]\nswap=0\nvirtiofs=true"),
    (
        "no-final-newline-crlf", b"[wsl2]\r\nswap=0", "wsl2.virtiofs", "true",
        b"[wsl2]\r\nswap=0\r\nvirtiofs=true",
    ),
    (
        "no-final-newline-replace", b"[wsl2]\r\nmemory=4GB", "wsl2.memory", "8GB", b"[wsl2]\r\nmemory=8GB",
    ),
    (
        "inline-comment-and-quotes", b'[wsl2]\r\nmemory = "4GB" # half\r\n', "wsl2.memory", "8GB",
        b'[wsl2]\r\nmemory = "8GB" # half\r\n',
    ),
    (
        "comment-without-blank", b"[wsl2]\nmemory=4GB# half\n", "wsl2.memory", "8GB",
        b"[wsl2]\nmemory=8GB# half\n",
    ),
    ("key-spelling-kept", b"[wsl2]\nMEMORY=4GB\n", "wsl2.memory", "8GB", b"[wsl2]\nMEMORY=8GB\n"),
    ("key-spelling-kept-camel", b"[wsl2]\nVirtioFS=false\n", "wsl2.virtiofs", "true", b"[wsl2]\nVirtioFS=true\n"),
    (
        "upper-section-reused", b"[WSL2]\r\nswap=0\r\n\r\n[experimental]\r\nsparseVhd=true\r\n",
        "wsl2.virtiofs", "true", b"[WSL2]\r\nswap=0\r\nvirtiofs=true\r\n\r\n[experimental]\r\nsparseVhd=true\r\n",
    ),
    (
        "mixed-case-section-reused", b"[Wsl2]\nswap=0\n", "wsl2.memory", "8GB", b"[Wsl2]\nswap=0\nmemory=8GB\n",
    ),
    (
        "indent-and-equals-style-copied", b"[wsl2]\n  swap = 0\n", "wsl2.virtiofs", "true",
        b"[wsl2]\n  swap = 0\n  virtiofs = true\n",
    ),
    (
        "after-last-key-of-section", b"[wsl2]\nswap=0\n# note\n\n[experimental]\nsparseVhd=true\n",
        "wsl2.virtiofs", "true", b"[wsl2]\nswap=0\nvirtiofs=true\n# note\n\n[experimental]\nsparseVhd=true\n",
    ),
    ("empty-section", b"[wsl2]\r\n", "wsl2.virtiofs", "true", b"[wsl2]\r\nvirtiofs=true\r\n"),
    (
        "empty-section-with-comment", b"[wsl2] # mine\r\n", "wsl2.virtiofs", "true",
        b"[wsl2] # mine\r\nvirtiofs=true\r\n",
    ),
    (
        "first-wsl2-section-used", b"[wsl2]\nswap=0\n[experimental]\nsparseVhd=true\n[wsl2]\nprocessors=2\n",
        "wsl2.virtiofs", "true",
        b"[wsl2]\nswap=0\nvirtiofs=true\n[experimental]\nsparseVhd=true\n[wsl2]\nprocessors=2\n",
    ),
    (
        "never-above-first-header", b"memory=4GB\r\n[wsl2]\r\nswap=0\r\n", "wsl2.memory", "8GB",
        b"memory=4GB\r\n[wsl2]\r\nswap=0\r\nmemory=8GB\r\n",
    ),
    (
        "new-section-appended-at-end", b"# top\r\n[experimental]\r\nsparseVhd=true\r\n", "wsl2.virtiofs", "true",
        b"# top\r\n[experimental]\r\nsparseVhd=true\r\n\r\n[wsl2]\r\nvirtiofs=true\r\n",
    ),
    (
        "new-section-no-final-newline", b"[experimental]\nsparseVhd=true", "wsl2.virtiofs", "true",
        b"[experimental]\nsparseVhd=true\n\n[wsl2]\nvirtiofs=true",
    ),
    ("empty-file", b"", "wsl2.virtiofs", "true", b"[wsl2]\r\nvirtiofs=true\r\n"),
    (
        "never-uncomments", b"[wsl2]\r\n# virtiofs=true\r\nswap=0\r\n", "wsl2.virtiofs", "true",
        b"[wsl2]\r\n# virtiofs=true\r\nswap=0\r\nvirtiofs=true\r\n",
    ),
    (
        "never-uncomments-top", b"#virtiofs=true\n[wsl2]\n#memory=4GB\n", "wsl2.virtiofs", "true",
        b"#virtiofs=true\n[wsl2]\nvirtiofs=true\n#memory=4GB\n",
    ),
    (
        "first-duplicate-edited", b"[wsl2]\nmemory=4GB\nmemory=2GB\n", "wsl2.memory", "8GB",
        b"[wsl2]\nmemory=8GB\nmemory=2GB\n",
    ),
    (
        "invalid-first-duplicate-edited", b"[wsl2]\nmemory=4 GB\nmemory=2GB\n", "wsl2.memory", "8GB",
        b"[wsl2]\nmemory=8GB\nmemory=2GB\n",
    ),
    (
        "effective-alias-edited", b"[experimental]\nnetworkingMode=nat\n[wsl2]\nnetworkingMode=Mirrored\n",
        "wsl2.networkingMode", "mirrored",
        b"[experimental]\nnetworkingMode=Mirrored\n[wsl2]\nnetworkingMode=Mirrored\n",
    ),
    ("utf8-bom-kept", BOM8 + b"[wsl2]\r\nswap=0\r\n", "wsl2.virtiofs", "true",
     BOM8 + b"[wsl2]\r\nswap=0\r\nvirtiofs=true\r\n"),
    ("utf16le-bom-kept", utf16("[wsl2]\r\nmemory=4GB\r\n"), "wsl2.memory", "8GB", utf16("[wsl2]\r\nmemory=8GB\r\n")),
    ("utf16le-bom-add", utf16("[wsl2]\r\nswap=0\r\n"), "wsl2.virtiofs", "true",
     utf16("[wsl2]\r\nswap=0\r\nvirtiofs=true\r\n")),
    (
        "non-ascii-comment-kept", "# メモリ\n[wsl2]\nmemory=4GB # 半分\n".encode(), "wsl2.memory", "8GB",
        "# メモリ\n[wsl2]\nmemory=8GB # 半分\n".encode(),
    ),
    # canonical spelling of the new value
    ("size-canonical", b"[wsl2]\nmemory=4GB\n", "wsl2.memory", "8192MB", b"[wsl2]\nmemory=8GB\n"),
    ("size-canonical-g", b"[wsl2]\nmemory=4GB\n", "wsl2.memory", "16G", b"[wsl2]\nmemory=16GB\n"),
    ("bool-canonical", b"[wsl2]\nvirtiofs=0\n", "wsl2.virtiofs", "TRUE", b"[wsl2]\nvirtiofs=true\n"),
    ("bool-one", b"[wsl2]\nvirtiofs=false\n", "wsl2.virtiofs", "1", b"[wsl2]\nvirtiofs=true\n"),
    ("enum-canonical", b"[wsl2]\nswap=0\n", "wsl2.networkingMode", "MIRRORED",
     b"[wsl2]\nswap=0\nnetworkingMode=Mirrored\n"),
    ("int-canonical", b"[wsl2]\nprocessors=2\n", "wsl2.processors", "0x10", b"[wsl2]\nprocessors=16\n"),
    (
        "path-doubled-backslashes", b"[wsl2]\r\nswap=0\r\n", "wsl2.kernel", "C:\\wsl\\kernel",
        b"[wsl2]\r\nswap=0\r\nkernel=C:\\\\wsl\\\\kernel\r\n",
    ),
    (
        "path-replaced", b"[wsl2]\nkernel=C:\\temp\\bzImage\n", "wsl2.kernel", "C:\\temp\\bzImage",
        b"[wsl2]\nkernel=C:\\\\temp\\\\bzImage\n",
    ),
    (
        "hash-quoted", b"[wsl2]\nswap=0\n", "wsl2.kernelCommandLine", "a # b",
        b'[wsl2]\nswap=0\nkernelCommandLine="a # b"\n',
    ),
    (
        "leading-blanks-quoted", b"[wsl2]\nswap=0\n", "wsl2.kernelCommandLine", "  lead",
        b'[wsl2]\nswap=0\nkernelCommandLine="  lead"\n',
    ),
    (
        "existing-quotes-not-doubled", b'[wsl2]\nkernelCommandLine = "a b" # c\n', "wsl2.kernelCommandLine",
        "x # y", b'[wsl2]\nkernelCommandLine = "x # y" # c\n',
    ),
    (
        "inner-quote-escaped", b"[wsl2]\n", "wsl2.kernelCommandLine", 'say "hi"',
        b'[wsl2]\nkernelCommandLine=say \\"hi\\"\n',
    ),
    ("experimental-key", b"[experimental]\r\nsparseVhd=true\r\n", "experimental.sparseVhd", "false",
     b"[experimental]\r\nsparseVhd=false\r\n"),
    (
        "empty-value-filled", b"[wsl2]\nmemory=\nswap=0\n", "wsl2.memory", "8GB", b"[wsl2]\nmemory=8GB\nswap=0\n",
    ),
    # An empty quoted value is still the user's quotes: "" keeps them around the new value.
    ("empty-quotes-kept", b'[wsl2]\nmemory=""\n', "wsl2.memory", "8GB", b'[wsl2]\nmemory="8GB"\n'),
    # `key=#note`: WSL reads an empty value and a comment; the new value must not run into the `#`
    # (`8GB#note` would still read right, but the comment keeps a blank apart from it).
    ("empty-value-before-comment", b"[wsl2]\nmemory=#note\n", "wsl2.memory", "8GB", b"[wsl2]\nmemory=8GB #note\n"),
    ("empty-value-before-spaced-comment", b"[wsl2]\nmemory= # note\n", "wsl2.memory", "8GB",
     b"[wsl2]\nmemory= 8GB # note\n"),
]


@pytest.mark.parametrize(("before", "key", "value", "after"), [c[1:] for c in SET_CASES],
                         ids=[c[0] for c in SET_CASES])
def test_set_exact_bytes(before: bytes, key: str, value: str, after: bytes) -> None:
    assert set_bytes(before, key, value) == after


@pytest.mark.parametrize(("before", "key", "value", "after"), [c[1:] for c in SET_CASES],
                         ids=[c[0] for c in SET_CASES])
def test_set_reads_back_and_is_idempotent(before: bytes, key: str, value: str, after: bytes) -> None:
    spec = resolve_key(key)
    edited, change = doc(before).with_value(spec, value)
    assert change.action in ("set", "add")
    setting = edited.settings[spec.id]
    expected = doc(after).settings[spec.id].value
    assert setting.value == expected
    # set twice == set once: the second call is a no-op that hands back the same document.
    again, change2 = edited.with_value(spec, value)
    assert again is edited
    assert change2.action == "unchanged"
    assert again.to_bytes() == after


def test_set_of_current_value_is_unchanged() -> None:
    raw = b"[wsl2]\r\nmemory=8192MB # same thing\r\n"
    d = doc(raw)
    edited, change = d.with_value(resolve_key("wsl2.memory"), "8GB")
    assert edited is d
    assert change.action == "unchanged"
    assert edited.to_bytes() == raw


def test_set_on_missing_file_is_crlf_utf8_without_bom() -> None:
    assert set_bytes(None, "wsl2.virtiofs", "true") == b"[wsl2]\r\nvirtiofs=true\r\n"


def test_other_values_unchanged_by_set() -> None:
    raw = b"[wsl2]\r\nmemory=4GB\r\nswap=0\r\nprocessors=4 # cores\r\n[experimental]\r\nsparseVhd=true\r\n"
    edited, _ = doc(raw).with_value(resolve_key("wsl2.virtiofs"), "true")
    before = {k: s.value for k, s in doc(raw).settings.items()}
    after = {k: s.value for k, s in edited.settings.items() if k != "wsl2.virtiofs"}
    assert before == after
    assert edited.settings["wsl2.virtiofs"].value is True


@pytest.mark.parametrize(
    ("key", "value", "what"),
    [
        ("wsl2.memory", "8gb", "8GB"),
        ("wsl2.memory", "8 GB", "8GB"),
        ("wsl2.memory", "0.5GB", "512MB"),
        ("wsl2.memory", "8GB\n[x]", "control characters"),
        ("wsl2.memory", "8GB\r", "control characters"),
        ("wsl2.kernelCommandLine", "a\tb", "control characters"),
        ("wsl2.kernel", "C:\\Users\\José\\k", "non-ASCII"),
        ("wsl2.virtiofs", "yes", "true"),
        ("wsl2.networkingMode", "bridge", "Bridged"),
        ("wsl2.processors", "08", "8"),
        ("wsl2.memory", "-1GB", "sign"),
    ],
)
def test_set_refuses_what_wsl_rejects(key: str, value: str, what: str) -> None:
    raw = b"[wsl2]\r\nmemory=4GB\r\n"
    with pytest.raises(UsageError) as info:
        doc(raw).with_value(resolve_key(key), value)
    assert what in f"{info.value.message} {info.value.fix}"


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("wsl2.memory=1", "section.key"),
        ("memory", "write the section too: wsl2.memory"),
        ("wsl2.mem_ory", "section.key"),
        ("wsl2.memroy", "did you mean wsl2.memory"),
        ("experimental.memory", "use wsl2.memory"),
        ("wsl2..memory", "section.key"),
        ("", "section.key"),
    ],
)
def test_resolve_key_refuses_bad_names(key: str, hint: str) -> None:
    with pytest.raises(UsageError) as info:
        resolve_key(key)
    assert hint in f"{info.value.message} {info.value.fix}"


def test_resolve_key_is_case_insensitive_and_folds_aliases() -> None:
    assert resolve_key("WSL2.MEMORY").id == "wsl2.memory"
    assert resolve_key("experimental.networkingMode").id == "wsl2.networkingmode"
    assert resolve_key("Experimental.SparseVhd").id == "experimental.sparsevhd"


UNEDITABLE = [
    ("utf16be", codecs.BOM_UTF16_BE + "[wsl2]\r\nmemory=4GB\r\n".encode("utf-16-be")),
    ("utf16le-with-utf8-tail", utf16("[wsl2]\r\nmemory=4GB\r\n") + b"virtiofs=true\r\n"),
    ("utf8-with-utf16-tail", b"[wsl2]\r\nmemory=4GB\r\nswap=0\r\nprocessors=4\r\n"
     + "virtiofs=true\r\n".encode("utf-16-le")),
    ("utf16le-without-bom", "[wsl2]\r\nmemory=4GB\r\n".encode("utf-16-le")),
    ("utf16le-odd-length", utf16("[wsl2]\r\nmemory=4GB\r\n") + b"x"),
]


@pytest.mark.parametrize("raw", [c[1] for c in UNEDITABLE], ids=[c[0] for c in UNEDITABLE])
def test_unsafe_encodings_are_not_edited(raw: bytes) -> None:
    d = doc(raw)
    assert d.to_bytes() == raw  # still read losslessly
    assert any(f.code == "encoding-unsupported" for f in d.evaluation.findings)
    with pytest.raises(ConfigUnreadableError):
        d.with_value(resolve_key("wsl2.virtiofs"), "true")
    with pytest.raises(ConfigUnreadableError):
        d.without_key(resolve_key("wsl2.memory"))


def latin1_near_a_read_boundary(shift: int) -> bytes:
    """A Latin-1 comment whose stray byte 0xB0 sits ``shift`` bytes before the end of the CRT's
    first 2048-byte read: WSL reads it today (as U+FFFD); moved onto the boundary, the read fails."""
    head = b"[wsl2]\r\nmemory=4GB\r\n# 20"
    stray = 2047 - shift
    return head + b"x" * (stray - len(head)) + b"\xb0C and more text" + b"y" * 100 + b"\r\n"


def test_an_edit_that_would_change_how_the_file_decodes_is_refused() -> None:
    # `set wsl2.virtiofs true` inserts 15 bytes above the comment: its stray byte would end the
    # first 2048-byte read, and WSL would silently use every default. The self-check refuses and
    # names the one way out, the repair; nothing changes.
    raw = latin1_near_a_read_boundary(len(b"virtiofs=true\r\n"))
    d = doc(raw)
    assert d.file.problem is not None
    assert d.file.problem.kind == "invalid-bytes"
    assert d.settings["wsl2.memory"].value == 4 << 30  # WSL reads it
    with pytest.raises(DecodingWouldChangeError, match="would no longer read as UTF-8, with invalid bytes") as info:
        d.with_value(resolve_key("wsl2.virtiofs"), "true")
    assert info.value.fix is not None
    command = info.value.fix.split("   (")[0]  # the options that chose the file come from the invocation
    assert command.startswith("wslconfig-assistant ")
    assert command.endswith(" repair")
    assert info.value.exit_code == 5
    # one byte further away, the same edit is lossless: the stray byte stays, and so does the warning
    edited, _ = doc(latin1_near_a_read_boundary(16)).with_value(resolve_key("wsl2.virtiofs"), "true")
    assert b"\xb0C and more" in edited.to_bytes()
    assert [f.code for f in edited.evaluation.findings] == ["encoding-invalid-bytes"]


def test_utf8_text_inside_a_utf16_file_is_a_mixed_file_and_is_not_edited() -> None:
    # Found by the corpus fuzzer: UTF-8 text after a UTF-16 line (behind a U+FFFF) used to pass as
    # UTF-16 (it reads as CJK) until an edit tipped the mixed-encoding check. The 8-bit tail is now
    # found up front (ANSI bytes count as 8-bit text): set refuses (exit 3) and names the repair.
    raw = (b"\xff\xfe" + "[wsl2]\r\nkernel=C:\\\\PathTo\\\\v".encode("utf-16-le") + b"\xff\xff"
           + b"m[wsl2]\nnetworkingMode=mirrored\ndnsTunneling=true\n")
    d = doc(raw)
    assert d.file.needs_repair
    with pytest.raises(ConfigUnreadableError, match="mixes two encodings"):
        d.with_value(resolve_key("wsl2.memory"), "8GB")


def test_plain_edits_of_a_file_with_stray_bytes_keep_them_exactly() -> None:
    raw = b"# caf\xe9 au lait\r\n[wsl2]\r\nmemory=4GB\r\nvmSwitch=caf\xe9\r\n"
    d = doc(raw)
    edited, _ = d.with_value(resolve_key("wsl2.memory"), "8GB")
    assert edited.to_bytes() == raw.replace(b"4GB", b"8GB")
    found = [(f.code, f.line) for f in edited.evaluation.findings]
    assert found == [("encoding-invalid-bytes", 1), ("non-ascii-value", 4)]
    added, _ = edited.with_value(resolve_key("wsl2.virtiofs"), "true")
    assert added.to_bytes() == raw.replace(b"4GB", b"8GB") + b"virtiofs=true\r\n"
    # the last stray bytes may go with their line (unset): the file is then plain UTF-8
    removed, _ = d.without_key(resolve_key("wsl2.vmSwitch"))
    assert removed.to_bytes() == b"# caf\xe9 au lait\r\n[wsl2]\r\nmemory=4GB\r\n"


# -- set then unset of a new key gives back the original bytes ---------------------------

_SHAPES = {
    "empty": "",
    "section": "[wsl2]\nswap=0\n",
    "section-no-final-newline": "[wsl2]\nswap=0",
    "section-then-other": "[wsl2]\nswap=0\n\n[experimental]\nsparseVhd=true\n",
    "indented-section": "[WSL2]\n  swap = 0 # none\n",
    "other-section-only": "[experimental]\nsparseVhd=true\n",
    "other-section-no-final-newline": "[experimental]\nsparseVhd=true",
    "other-section-trailing-blank": "[experimental]\nsparseVhd=true\n\n",
    "comment-only": "# nothing yet\n",
    "comment-only-no-final-newline": "# nothing yet",
    "blank-line": "\n",
    "key-before-any-section": "swap=0\n",
    "commented-key": "[wsl2]\n# virtiofs=true\n",
    "empty-section-with-comment": "[wsl2] # keep me\n",
    "empty-section-then-other": "[wsl2]\n[experimental]\nsparseVhd=true\n",
}
_ROUND_TRIP = [
    pytest.param(text.replace("\n", eol).encode(), id=f"{name}-{eol_name}")
    for name, text in _SHAPES.items()
    for eol, eol_name in (("\n", "lf"), ("\r\n", "crlf"))
] + [
    pytest.param(BOM8 + b"[wsl2]\r\nswap=0\r\n", id="utf8-bom"),
    pytest.param(BOM8, id="utf8-bom-only"),
    pytest.param(utf16("[wsl2]\r\nswap=0\r\n"), id="utf16le"),
    pytest.param(utf16("[experimental]\r\nsparseVhd=true"), id="utf16le-new-section"),
    pytest.param(b"[wsl2]\n", id="header-only-lf"),
    pytest.param(b"[wsl2]", id="header-only-no-newline"),
    pytest.param(b"[wsl2]\nswap=0\r", id="lone-cr-at-end"),
    pytest.param(b"[wsl2]\r\nswap=0\r\n\x1a junk", id="ctrl-z-tail"),
]
_NEW_KEYS = [("wsl2.virtiofs", "true"), ("wsl2.memory", "8GB"), ("experimental.sparseVhd", "false"),
             ("general.instanceIdleTimeout", "5000")]


@pytest.mark.parametrize("raw", _ROUND_TRIP)
def test_set_then_unset_of_a_new_key_restores_the_bytes(raw: bytes) -> None:
    """Exactly the original bytes when the key's section exists. When `set` had to append
    the section, `unset` keeps the (now empty) header: the only difference is that header
    and its blank separator, inserted. (No rule could do better: the file with its own
    empty header and the file without it are identical after `set`.)"""
    failures = []
    for key, value in _NEW_KEYS:
        spec = resolve_key(key)
        if spec.id in doc(raw).evaluation.occurrences:
            continue  # not a new key for this shape
        added = set_bytes(raw, key, value)
        assert added != raw
        assert value_of(added, key) == doc(set_bytes(b"", key, value)).settings[spec.id].value
        back = unset_bytes(added, key)
        if not undo_is_exact(raw, back, spec.section):
            failures.append((key, added, back))
    assert failures == []


def test_set_then_unset_on_a_missing_file_keeps_only_the_header() -> None:
    added = set_bytes(None, "wsl2.virtiofs", "true")
    assert unset_bytes(added, "wsl2.virtiofs") == b"[wsl2]\r\n"


# -- unset ---------------------------------------------------------------------------------

UNSET_CASES = [
    (
        "every-occurrence-and-alias",
        b"[wsl2]\r\nnetworkingMode=Mirrored\r\nswap=0\r\n[experimental]\r\nnetworkingMode=Nat\r\nsparseVhd=true\r\n",
        "wsl2.networkingMode", b"[wsl2]\r\nswap=0\r\n[experimental]\r\nsparseVhd=true\r\n",
    ),
    (
        "alias-named-key", b"[experimental]\nnetworkingMode=nat\nsparseVhd=true\n", "experimental.networkingMode",
        b"[experimental]\nsparseVhd=true\n",
    ),
    ("duplicates", b"[wsl2]\nmemory=4GB\nswap=0\nMemory=2GB\n", "wsl2.memory", b"[wsl2]\nswap=0\n"),
    ("invalid-value-too", b"[wsl2]\nmemory=8 GB\nswap=0\n", "wsl2.memory", b"[wsl2]\nswap=0\n"),
    ("last-line-without-newline", b"[wsl2]\nswap=0\nmemory=4GB", "wsl2.memory", b"[wsl2]\nswap=0"),
    ("inline-comment-line", b"[wsl2]\r\nmemory=4GB # half\r\nswap=0\r\n", "wsl2.memory", b"[wsl2]\r\nswap=0\r\n"),
    ("commented-lines-untouched", b"[wsl2]\n# memory=2GB\nmemory=4GB\n", "wsl2.memory", b"[wsl2]\n# memory=2GB\n"),
    (
        "continued-line", b"[wsl2]\nkernelCommandLine=a \\\nb\nswap=0\n", "wsl2.kernelCommandLine",
        b"[wsl2]\nswap=0\n",
    ),
    ("indented", b"[wsl2]\n  swap = 0\n  memory = 4GB\n", "wsl2.memory", b"[wsl2]\n  swap = 0\n"),
    ("utf16le", utf16("[wsl2]\r\nmemory=4GB\r\nswap=0\r\n"), "wsl2.memory", utf16("[wsl2]\r\nswap=0\r\n")),
    ("bom", BOM8 + b"[wsl2]\r\nswap=0\r\nmemory=4GB\r\n", "wsl2.memory", BOM8 + b"[wsl2]\r\nswap=0\r\n"),
]


@pytest.mark.parametrize(("before", "key", "after"), [c[1:] for c in UNSET_CASES], ids=[c[0] for c in UNSET_CASES])
def test_unset_exact_bytes(before: bytes, key: str, after: bytes) -> None:
    assert unset_bytes(before, key) == after
    assert resolve_key(key).id not in doc(after).evaluation.occurrences


@pytest.mark.parametrize(
    "raw",
    [b"", b"[wsl2]\r\nswap=0\r\n", b"[wsl2]\n# memory=4GB\n", b"[wsl]\nmemory=4GB\n", b"memory=4GB\n[wsl2]\n"],
)
def test_unset_of_a_missing_key_is_a_no_op(raw: bytes) -> None:
    d = doc(raw)
    edited, change = d.without_key(resolve_key("wsl2.memory"))
    assert edited is d
    assert change.action == "unchanged"
    assert edited.to_bytes() == raw


def test_unset_of_missing_key_on_missing_file() -> None:
    d = doc(None)
    edited, change = d.without_key(resolve_key("wsl2.memory"))
    assert change.action == "unchanged"
    assert edited.to_bytes() == b""


def test_unset_keeps_a_header_the_user_wrote() -> None:
    # `set` on an empty file writes CRLF, so this LF file was not made by `set`:
    # the section header is the user's and must stay.
    assert unset_bytes(b"[wsl2]\nswap=0\n", "wsl2.swap") == b"[wsl2]\n"


def test_a_new_key_after_a_comment_ended_by_a_lone_cr_gets_a_whole_crlf() -> None:
    # WSL: a lone CR does not end a comment (it runs to the LF), so `swap=0 #c<CR>` is the last line,
    # unterminated. A bare LF after it would fuse with the CR into one CRLF; a whole CRLF keeps it.
    assert set_bytes(b"[wsl2]\nswap=0 #c\r", "wsl2.virtiofs", "true") == b"[wsl2]\nswap=0 #c\r\r\nvirtiofs=true"


def test_a_new_key_copies_the_line_end_of_the_line_it_follows() -> None:
    # The anchor line's own LF, not the CRLF that ends the file (nor the file's usual one).
    before = b"[wsl2]\nswap=0\n[x]\nk=1\r\n"
    assert set_bytes(before, "wsl2.virtiofs", "true") == b"[wsl2]\nswap=0\nvirtiofs=true\n[x]\nk=1\r\n"
    before = b"[wsl2]\r\nswap=0\r\n[x]\nk=1\nz=2\n"
    assert set_bytes(before, "wsl2.virtiofs", "true") == b"[wsl2]\r\nswap=0\r\nvirtiofs=true\r\n[x]\nk=1\nz=2\n"


@pytest.mark.parametrize(("text", "after"), [("\r\nk=1", ""), ("\nk=1", ""), ("\rk=1", "\r"), ("j=0\nk=1", "j=0")])
def test_removing_a_last_line_without_a_break_takes_the_break_before_it(text: str, after: str) -> None:
    # At the very start of the text too (offset 1 or 2). A lone CR before it is no line break to
    # WSL's comments and invalid lines, so it stays.
    last = reader.parse(text).entries[-1]
    assert splice.remove_entries(text, [last]) == after


def test_round_trip_of_parse_is_lossless() -> None:
    for raw in (b"", b"\r", b"[wsl2]\r\n\tmemory = 4GB ; x\r\n;c\n", b"\xff\xfe", b"a\x00b", b"\xe9t\xe9\n",
                utf16("[wsl2]\r\n"), BOM8):
        assert doc(raw).to_bytes() == raw


@pytest.mark.parametrize("value", ["10.0.0.1", None], ids=["set", "unset"])
def test_fixing_an_invalid_dns_tunneling_address(value: str | None) -> None:
    # The invalid address switches DNS tunneling off; the fix the finding asks for
    # (a valid address, or no line) switches it back on, which is the point of the fix.
    raw = b"[wsl2]\r\ndnsTunneling=true\r\n[experimental]\r\ndnsTunnelingIpAddress=10.0.0.256\r\n"
    d = doc(raw)
    assert any(f.code == "invalid-value" for f in d.evaluation.findings)
    spec = resolve_key("experimental.dnsTunnelingIpAddress")
    edited, _ = d.with_value(spec, value) if value is not None else d.without_key(spec)
    expected = b"dnsTunnelingIpAddress=10.0.0.1\r\n" if value else b""
    assert edited.to_bytes() == b"[wsl2]\r\ndnsTunneling=true\r\n[experimental]\r\n" + expected


# ---------------------------------------------------------------------------------------
# ConfigDocument around the edits: findings, the self-check's refusal, the diff, KEY names.
# ---------------------------------------------------------------------------------------


def test_findings_suggest_memory_from_this_host_unless_told_it_is_not_the_target() -> None:
    # memory=1GB is too low; the fix suggests half of this host's 16 GB (8GB) by default, and the
    # fixed 4GB when the file is checked for another machine (validate in CI).

    d = doc(b"[wsl2]\nvirtiofs=true\nmemory=1GB\n")
    fixes = [(f.code, f.fix) for f in d.findings(Policy(), 16 * GIB)]
    assert fixes == [("memory-too-low", "wslconfig-assistant set wsl2.memory 8GB")]
    fixes = [(f.code, f.fix) for f in d.findings(Policy(), 16 * GIB, suggest_from_host=False)]
    assert fixes == [("memory-too-low", "wslconfig-assistant set wsl2.memory 4GB")]


def test_findings_of_a_file_wsl_cannot_open_judge_the_defaults() -> None:
    # UTF-16BE: _wfopen fails, so WSL runs on defaults (wsl-reader-surprises.md): memory=1GB in it
    # does not count, virtiofs is off by default.

    raw = codecs.BOM_UTF16_BE + "[wsl2]\r\nmemory=1GB\r\n".encode("utf-16-be")
    found = [(f.code, f.severity, f.key, f.fix) for f in doc(raw).findings(Policy(), 16 * GIB)]
    assert found == [
        ("encoding-unsupported", "error", None, "wslconfig-assistant repair"),
        ("virtiofs-disabled", "error", "wsl2.virtiofs", "wslconfig-assistant set wsl2.virtiofs true"),
    ]


def test_strict_policy_turns_warnings_into_errors() -> None:

    d = doc(b"[wsl2]\nvirtiofs=true\nmemory=8GB\nfoo=1\n")
    assert [(f.code, f.severity, f.line) for f in d.findings(Policy(), 16 * GIB)] == [("unknown-key", "warning", 4)]
    assert [(f.code, f.severity, f.line) for f in d.findings(Policy(strict=True), 16 * GIB)] == [
        ("unknown-key", "error", 4)
    ]


def test_an_edit_that_would_bring_a_dropped_line_to_life_is_refused() -> None:
    # A backslash at the very end of the file is invalid-escape: WSL drops `sparseVhd=true\`. Appending
    # [wsl2] puts a line break after it, which makes it a line continuation that WSL reads. The
    # self-check refuses (exit 5), names the key that would start to count, and points to validate.
    raw = b"[experimental]\nsparseVhd=true\\"
    with pytest.raises(WriteRefusedError) as info:
        doc(raw).with_value(resolve_key("wsl2.virtiofs"), "true")
    assert info.value.exit_code == 5
    assert "wsl2.virtiofs" in info.value.message
    assert "experimental.sparseVhd on line 3" in info.value.message
    assert info.value.fix is not None
    assert "`wslconfig-assistant validate --offline`" in info.value.fix


def test_unset_of_a_key_that_is_not_there_is_an_unchanged_change() -> None:
    d = doc(b"[wsl2]\n")
    edited, change = d.without_key(resolve_key("wsl2.memory"))
    assert edited is d
    assert tuple(change) == ("wsl2.memory", "unchanged", None, None, None)
    assert change.as_json() == {"key": "wsl2.memory", "action": "unchanged", "old": None, "new": None, "line": None}


def test_diff_of_an_edit_names_the_file_and_escapes_what_cannot_be_shown() -> None:
    # Line ends are not shown (CRLF or LF), trailing blanks are, and so is an ESC as \x1b.
    before = ConfigDocument("C:\\Users\\me\\.wslconfig", b"[wsl2]\r\nswap=0 \r\nk=\x1b[31m\r\n")
    after, _ = before.with_value(resolve_key("wsl2.virtiofs"), "true")
    assert before.diff(after) == (
        "--- C:\\Users\\me\\.wslconfig (before)\n+++ C:\\Users\\me\\.wslconfig (after)\n"
        "@@ -1,3 +1,4 @@\n [wsl2]\n swap=0 \n k=\\x1b[31m\n+virtiofs=true\n"
    )


def test_diff_of_a_new_file_is_from_dev_null() -> None:
    new = doc(None)
    after, _ = new.with_value(resolve_key("wsl2.virtiofs"), "true")
    assert new.diff(after) == "--- /dev/null\n+++ .wslconfig (after)\n@@ -0,0 +1,2 @@\n+[wsl2]\n+virtiofs=true\n"


def test_a_long_bad_key_is_shown_quoted_and_cut_at_60_characters() -> None:
    with pytest.raises(UsageError) as info:
        resolve_key("x" * 58)  # its repr is 60 characters: shown whole
    assert info.value.message.startswith(repr("x" * 58) + " is not a key name")
    with pytest.raises(UsageError) as info:
        resolve_key("x" * 59)
    assert info.value.message.startswith("'" + "x" * 55 + "...' (59 characters) is not a key name")


def test_an_invalid_mac_address_stops_wsl_so_edits_below_it_are_refused() -> None:
    # wsl-reader-surprises.md: an invalid macAddress is fatal; WSL reads no key after it.
    d = doc(b"[wsl2]\nmacAddress=zz\nswap=0\n")
    with pytest.raises(WriteRefusedError) as info:
        d.with_value(resolve_key("wsl2.memory"), "8GB")
    assert info.value.exit_code == 5
    assert "line 2" in info.value.message
    assert info.value.message.endswith("; nothing was written")
    assert info.value.fix == "fix that line first: wslconfig-assistant unset wsl2.macAddress"
    # A valid macAddress stops nothing.
    _, change = doc(b"[wsl2]\nmacAddress=00:15:5d:01:02:03\nswap=0\n").with_value(resolve_key("wsl2.memory"), "8GB")
    assert tuple(change) == ("wsl2.memory", "add", None, "8GB", 4)


def test_the_printed_fix_for_an_invalid_mac_address_runs() -> None:
    # Bug found by the mutation run: `unset wsl2.macAddress` (the fix printed above) and setting a
    # valid address were refused by the self-check, because the keys below the bad line start to
    # count. That is the point of the fix: WSL reads on past the line once it is valid or gone.
    raw = b"[wsl2]\nmacAddress=zz\nswap=0\n"
    edited, change = doc(raw).without_key(resolve_key("wsl2.macAddress"))
    assert edited.to_bytes() == b"[wsl2]\nswap=0\n"
    assert tuple(change) == ("wsl2.macAddress", "unset", "zz", None, 2)
    assert edited.settings["wsl2.swap"].value == 0
    edited, change = doc(raw).with_value(resolve_key("wsl2.macAddress"), "00:15:5d:01:02:03")
    assert edited.to_bytes() == b"[wsl2]\nmacAddress=00:15:5d:01:02:03\nswap=0\n"
    assert tuple(change) == ("wsl2.macAddress", "set", "zz", "00:15:5d:01:02:03", 2)
    # Keys above the bad line are still guarded: nothing else may change.
    assert unset_bytes(b"[wsl2]\nswap=0\nmacAddress=zz\nmemory=4GB\n", "wsl2.macAddress") == (
        b"[wsl2]\nswap=0\nmemory=4GB\n"
    )


def test_unset_change_names_the_old_value_and_its_line() -> None:
    _, change = doc(b"[wsl2]\nswap=0\nmemory=4GB # x\nmemory=2GB\n").without_key(resolve_key("wsl2.memory"))
    assert tuple(change) == ("wsl2.memory", "unset", "4GB", None, 3)


def test_an_unknown_key_reads_back_as_the_first_occurrence_wsl_keeps() -> None:
    # set --allow-unknown: WSL keeps the first of duplicated keys, so setting it to that value
    # changes nothing, and a new key is added then reads back the same.
    spec = resolve_key("wsl2.foo", allow_unknown=True)
    d = doc(b"[wsl2]\nfoo=a\nfoo=b\n")
    assert tuple(d.with_value(spec, "a")[1]) == ("wsl2.foo", "unchanged", "a", "a", 2)
    assert tuple(d.with_value(spec, "b")[1]) == ("wsl2.foo", "set", "a", "b", 2)
    edited, change = doc(b"[wsl2]\n").with_value(spec, "x")
    assert tuple(change) == ("wsl2.foo", "add", None, "x", 2)
    assert tuple(edited.with_value(spec, "x")[1]) == ("wsl2.foo", "unchanged", "x", "x", 2)


# ---------------------------------------------------------------------------------------
# KEY arguments (resolve_key): the refusal, its exit code (2) and the fix, pinned whole.
# ---------------------------------------------------------------------------------------

SHOW_ALL = "check the spelling against `wslconfig-assistant show --all`"
KEY_REFUSALS = [
    # A bare key name WSL knows: WSL only reads keys under their section, so name it.
    ("bare-known-key", "memory", {}, "'memory' names no section: WSL reads it as wsl2.memory",
     "write the section too: wsl2.memory"),
    ("bare-known-key-any-case", "KERNELCOMMANDLINE", {},
     "'KERNELCOMMANDLINE' names no section: WSL reads it as wsl2.kernelCommandLine",
     "write the section too: wsl2.kernelCommandLine"),
    ("bare-known-key-for-removal", "memory", {"for_removal": True},
     "'memory' names no section: WSL reads it as wsl2.memory", "write the section too: wsl2.memory"),
    # Not `section.key` of ASCII letters and digits: no line WSL reads could hold it.
    ("bare-unknown-key", "foo", {}, "'foo' is not a key name: write section.key with letters and digits only",
     "for example: wsl2.memory, wsl2.virtiofs, experimental.sparseVhd"),
    ("with-a-value", "wsl2.memory=1", {},
     "'wsl2.memory=1' is not a key name: write section.key with letters and digits only",
     "for example: wsl2.memory, wsl2.virtiofs, experimental.sparseVhd"),
    ("empty", "", {"for_removal": True}, "'' is not a key name: write section.key with letters and digits only",
     "for example: wsl2.memory, wsl2.virtiofs, experimental.sparseVhd"),
    # A known key name in a section WSL does not read it from (allow_unknown does not let it through:
    # WSL would ignore the line).
    ("wrong-section", "experimental.memory", {}, "experimental.memory is not where WSL reads memory",
     "use wsl2.memory"),
    ("wrong-section-allow-unknown", "Experimental.Memory", {"allow_unknown": True},
     "Experimental.Memory is not where WSL reads Memory", "use wsl2.memory"),
    ("wrong-section-60", "e" * 53 + ".memory", {}, "e" * 53 + ".memory is not where WSL reads memory",
     "use wsl2.memory"),
    ("wrong-section-long", "e" * 54 + ".memory", {},
     "'" + "e" * 54 + "....' (61 characters) is not where WSL reads memory", "use wsl2.memory"),
    # An unknown key: a did-you-mean when one is close, else the list of keys; then the caller's hint.
    ("misspelt", "wsl2.memroy", {}, "WSL does not read a key named wsl2.memroy", "did you mean wsl2.memory?"),
    ("misspelt-with-hint", "wsl2.memroy", {"unknown_hint": "(or --allow-unknown)"},
     "WSL does not read a key named wsl2.memroy", "did you mean wsl2.memory? (or --allow-unknown)"),
    ("unknown", "wsl2.zzzzzzzz", {}, "WSL does not read a key named wsl2.zzzzzzzz", SHOW_ALL),
    ("unknown-with-hint", "wsl2.zzzzzzzz", {"unknown_hint": "(or --allow-unknown)"},
     "WSL does not read a key named wsl2.zzzzzzzz", SHOW_ALL + " (or --allow-unknown)"),
    ("unknown-60", "z" * 55 + ".zzzz", {}, "WSL does not read a key named " + "z" * 55 + ".zzzz", SHOW_ALL),
    ("unknown-long", "z" * 56 + ".zzzz", {},
     "WSL does not read a key named '" + "z" * 55 + "...' (61 characters)", SHOW_ALL),
]


@pytest.mark.parametrize(
    ("key", "options", "message", "fix"), [c[1:] for c in KEY_REFUSALS], ids=[c[0] for c in KEY_REFUSALS]
)
def test_a_key_wsl_would_not_read_is_refused_with_its_fix(
    key: str, options: dict[str, object], message: str, fix: str
) -> None:
    with pytest.raises(UsageError) as info:
        resolve_key(key, **options)  # type: ignore[arg-type]
    assert (info.value.message, info.value.fix, info.value.exit_code) == (message, fix, 2)


@pytest.mark.parametrize("options", [{"for_removal": True}, {"allow_unknown": True}])
def test_an_unknown_key_let_through_is_a_plain_string_key(options: dict[str, bool]) -> None:
    # `unset` removes any well-formed name; `set --allow-unknown` writes one: WSL reads it as a string.
    spec = resolve_key("Wsl2.FooBar", **options)
    assert spec == KeySpec("Wsl2", "FooBar", "string", "unknown to this tool", "", since=None)
    assert (spec.name, spec.id) == ("Wsl2.FooBar", "wsl2.foobar")


def test_a_key_in_the_wrong_section_can_still_be_removed() -> None:
    # WSL ignores `memory` under [experimental]; unset may still delete that line.
    spec = resolve_key("experimental.memory", for_removal=True)
    assert spec == KeySpec("experimental", "memory", "string", "unknown to this tool", "", since=None)
    edited, change = doc(b"[experimental]\nmemory=4GB\n").without_key(spec)
    assert edited.to_bytes() == b"[experimental]\n"
    assert tuple(change) == ("experimental.memory", "unset", "4GB", None, 2)


REPAIR_FIX = "wslconfig-assistant repair   (re-encodes it as UTF-8 with a backup; then run this command again)"


@pytest.mark.parametrize("path", [None, "C:\\Users\\me\\.wslconfig"])
def test_an_unreadable_file_is_refused_naming_the_file_its_encoding_and_the_repair(path: str | None) -> None:
    # Exit 3 (config unreadable), the file's name (.wslconfig when none is given), why WSL cannot read
    # it (the encoding named once), and `repair` as the fix.
    where = path or ".wslconfig"
    utf16be = codecs.BOM_UTF16_BE + "[wsl2]\r\nmemory=4GB\r\n".encode("utf-16-be")
    bomless = "[wsl2]\r\nmemory=4GB\r\n".encode("utf-16-le")
    expected = [
        (utf16be, "UTF-16BE with BOM: the file is UTF-16 big-endian; WSL cannot open it and uses every default"),
        (bomless, "the file is UTF-16LE without BOM; WSL reads a file without a BOM as UTF-8, so it sees only garbage"),
    ]
    for raw, why in expected:
        d = ConfigDocument(path, raw)
        edits = (partial(d.with_value, resolve_key("wsl2.virtiofs"), "true"),
                 partial(d.without_key, resolve_key("wsl2.memory")))
        for edit in edits:
            with pytest.raises(ConfigUnreadableError) as info:
                edit()
            assert info.value.message == (
                f"{where}: refusing to edit a file WSL cannot read as written ({why}); nothing was written"
            )
            assert (info.value.fix, info.value.exit_code) == (REPAIR_FIX, 3)


def test_a_key_with_a_non_ascii_letter_is_not_a_key_name_even_if_it_lowercases_to_one() -> None:
    # WSL's names are [A-Za-z][A-Za-z0-9]* (wsl-reader-surprises.md, "Name rules"): the Kelvin sign
    # U+212A lowercases to an ASCII k, but no line WSL reads can hold it; it is no bare `kernel`.
    for key in ("\u212aernel", "wsl2.\u212aernel"):
        with pytest.raises(UsageError) as info:
            resolve_key(key)
        assert info.value.message == f"{key!r} is not a key name: write section.key with letters and digits only"


def test_an_edit_wsl_would_not_read_back_is_refused() -> None:
    # An invalid dnsTunnelingIpAddress after dnsTunneling=true turns DNS tunneling off (wsl-reader-
    # surprises.md): `set wsl2.dnsTunneling true` writes nothing WSL would use, so the self-check
    # refuses (exit 5) and points to validate, which names the bad address.
    raw = b"[wsl2]\ndnsTunneling=true\n[experimental]\ndnsTunnelingIpAddress=010.1.1.1\n"
    with pytest.raises(WriteRefusedError) as info:
        doc(raw).with_value(resolve_key("wsl2.dnsTunneling"), "true")
    assert info.value.message == (
        "editing wsl2.dnsTunneling was refused by the self-check: the new value does not read back; "
        "nothing was written"
    )
    assert info.value.fix == "run `wslconfig-assistant validate --offline` to see what in the file confuses the edit"
    assert info.value.exit_code == 5


@pytest.mark.parametrize("second", [b"yy", b"00:15:5d:01:02:03"])
def test_the_printed_fix_for_an_invalid_mac_address_runs_when_it_is_written_twice(second: bytes) -> None:
    # Bug found by the mutation run: WSL stops at the first invalid macAddress, so it never reaches a
    # second macAddress line; `unset wsl2.macAddress` (the fix printed when WSL stops there) removed the
    # first line only, WSL would then read the second, and the self-check refused the printed fix. Unset
    # takes every macAddress line, as it does for any duplicated key.
    raw = b"[wsl2]\nmacAddress=zz\nswap=0\nmacAddress=" + second + b"\nmemory=4GB\n"
    with pytest.raises(WriteRefusedError) as info:
        doc(raw).with_value(resolve_key("wsl2.memory"), "8GB")
    assert info.value.fix == "fix that line first: wslconfig-assistant unset wsl2.macAddress"
    edited, change = doc(raw).without_key(resolve_key("wsl2.macAddress"))
    assert edited.to_bytes() == b"[wsl2]\nswap=0\nmemory=4GB\n"
    assert tuple(change) == ("wsl2.macAddress", "unset", "zz", None, 2)
    assert (edited.settings["wsl2.swap"].value, edited.settings["wsl2.memory"].value) == (0, 4 * GIB)
    assert "wsl2.macaddress" not in edited.settings


# The self-check itself, on chosen before/after pairs: WSL's reader leaves few ways for a real edit
# to change another key, so the rule is checked on documents that do.
def test_the_self_check_refuses_an_edit_that_changes_or_drops_another_key() -> None:
    before = doc(b"[wsl2]\nswap=0\nmemory=4GB\nprocessors=2\n")
    swap = resolve_key("wsl2.swap")
    for after, changed in [
        (doc(b"[wsl2]\nswap=1GB\nmemory=8GB\nprocessors=2\n"), "wsl2.memory"),  # changed
        (doc(b"[wsl2]\nswap=1GB\nprocessors=2\n"), "wsl2.memory"),  # no longer read
        (doc(b"[wsl2]\nswap=1GB\nmemory=4GB\nprocessors=3\n"), "wsl2.processors"),  # the last one checked too
    ]:
        with pytest.raises(WriteRefusedError) as info:
            before._check_others_unchanged(after, swap)
        assert info.value.message == (
            f"editing wsl2.swap was refused by the self-check: {changed} would change too; nothing was written"
        )
    before._check_others_unchanged(doc(b"[wsl2]\nswap=1GB\nmemory=4GB\nprocessors=2\n"), swap)  # its own key may


def test_the_self_check_lets_keys_below_an_invalid_mac_count_only_when_the_mac_is_fixed() -> None:
    # wsl-reader-surprises.md: WSL reads nothing after an invalid macAddress. Fixing that line lets the
    # keys below it count (the point of the fix); an edit of any other key may not.
    before = doc(b"[wsl2]\nmacAddress=zz\nswap=0\n")
    after = doc(b"[wsl2]\nmacAddress=00:15:5d:01:02:03\nswap=0\n")
    before._check_others_unchanged(after, resolve_key("wsl2.macAddress"))
    with pytest.raises(WriteRefusedError) as info:
        before._check_others_unchanged(after, resolve_key("wsl2.memory"))
    assert "wsl2.macAddress on line 2 would start to count" in info.value.message


def test_the_self_check_refuses_an_edit_that_changes_the_encoding() -> None:
    # A lossless UTF-8 file must not come back as another encoding, even one WSL reads.
    before = doc(b"[wsl2]\nswap=0\n")
    after = doc(utf16("[wsl2]\r\nswap=0\r\n"))
    with pytest.raises(DecodingWouldChangeError) as info:
        before._check_decoding(after, resolve_key("wsl2.swap"))
    assert info.value.message == (
        "editing wsl2.swap was refused by the self-check: the file would no longer read as UTF-8 but as "
        "UTF-16LE with BOM; nothing was written"
    )
    assert (info.value.fix, info.value.exit_code) == (REPAIR_FIX, 5)


def test_an_edit_that_moves_a_stray_byte_onto_the_read_boundary_names_why() -> None:
    raw = latin1_near_a_read_boundary(len(b"virtiofs=true\r\n"))
    with pytest.raises(DecodingWouldChangeError) as info:
        doc(raw).with_value(resolve_key("wsl2.virtiofs"), "true")
    assert info.value.message == (
        "editing wsl2.virtiofs was refused by the self-check: the file would no longer read as UTF-8, with "
        "invalid bytes (the file is not UTF-8 (byte 0xB0 on line 4 ends a 2048-byte read on a stray continuation "
        "byte); WSL cannot read it at all and silently uses every default); nothing was written"
    )


def test_the_diff_hides_nothing_a_line_holds() -> None:
    # Only the line end goes: a value ending in X stays whole, a form feed (which Python's splitlines
    # breaks at) stays visible as \x0c. The edited document keeps the file's name.
    before = ConfigDocument("C:\\Users\\me\\.wslconfig", b"[wsl2]\r\nk=ValX\r\nj=a\x0cb\r\n")
    after, _ = before.with_value(resolve_key("wsl2.virtiofs"), "true")
    assert after.path == "C:\\Users\\me\\.wslconfig"
    assert before.diff(after) == (
        "--- C:\\Users\\me\\.wslconfig (before)\n+++ C:\\Users\\me\\.wslconfig (after)\n"
        "@@ -2,3 +2,4 @@\n k=ValX\n j=a\\x0c\n b\n+virtiofs=true\n"
    )
    again, _ = after.without_key(resolve_key("wsl2.virtiofs"))
    assert after.diff(again).startswith("--- C:\\Users\\me\\.wslconfig (before)\n")


def test_a_key_that_is_not_there_has_no_lines_and_reads_back_as_nothing() -> None:
    d = doc(b"[wsl2]\nswap=0\n")
    unknown = resolve_key("wsl2.foo", allow_unknown=True)
    assert d.occurrences_of(resolve_key("wsl2.memory")) == []
    assert d.occurrences_of(unknown) == []
    assert d.read_back(resolve_key("wsl2.memory")) is None
    assert d.read_back(unknown) is None


def test_an_unknown_key_reads_back_as_wsl_decodes_its_bytes() -> None:
    # wsl-reader-surprises.md, "Non-ASCII in values is mangled": in a UTF-8 file a stray byte reads as
    # U+FFFD (its low byte 0xFD then breaks the UTF-8 after it); in a UTF-16 file a lone low surrogate
    # is a real code unit, cut to its low byte 0xC3, which with the next one (0xA9) decodes as é.
    spec = resolve_key("wsl2.foo", allow_unknown=True)
    assert doc(b"[wsl2]\nfoo=\xc3\xc2\xa9\n").read_back(spec) == "\ufffd\ufffd"
    assert doc(BOM16 + "[wsl2]\r\nfoo=\udcc3\u00a9\r\n".encode("utf-16-le", "surrogatepass")).read_back(spec) == "é"


def test_an_unset_that_moves_a_stray_byte_onto_the_read_boundary_is_refused() -> None:
    # Removing memory=4GB\r\n (12 bytes) pulls the stray 0xB0 back onto the end of the CRT's first
    # 2048-byte read: WSL would ignore the whole file. Refused (exit 5); one byte further, it is fine.
    with pytest.raises(DecodingWouldChangeError) as info:
        doc(latin1_near_a_read_boundary(-12)).without_key(resolve_key("wsl2.memory"))
    assert info.value.message.startswith(
        "editing wsl2.memory was refused by the self-check: the file would no longer read as UTF-8, with invalid bytes"
    )
    assert info.value.exit_code == 5
    edited, change = doc(latin1_near_a_read_boundary(-11)).without_key(resolve_key("wsl2.memory"))
    assert tuple(change) == ("wsl2.memory", "unset", "4GB", None, 2)
    assert b"\xb0C and more" in edited.to_bytes()


def test_an_unset_above_an_invalid_mac_address_removes_only_what_wsl_reads() -> None:
    # WSL reads swap=0 (line 2), stops at the invalid macAddress, and never reaches swap=1: unset
    # wsl2.swap removes the line WSL reads; the one below the fatal line stays as written.
    edited, change = doc(b"[wsl2]\nswap=0\nmacAddress=zz\nswap=1\n").without_key(resolve_key("wsl2.swap"))
    assert edited.to_bytes() == b"[wsl2]\nmacAddress=zz\nswap=1\n"
    assert tuple(change) == ("wsl2.swap", "unset", "0", None, 2)
