"""encoding.decode: bytes to text and back, byte for byte, and what WSL's
``_wfopen(path, L"rt,ccs=UTF-8")`` makes of the bytes (wsl-source.md §0/§2,
wsl-reader-surprises.md "Encodings and line ends").

All inputs are built as bytes here.
"""

from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wslconfig_assistant import encoding
from wslconfig_assistant.document import ConfigDocument
from wslconfig_assistant.encoding import decode, new_file
from wslconfig_assistant.errors import ConfigUnreadableError
from wslconfig_assistant.schema import lookup

CONFIG = "# settings\r\n[wsl2]\r\nmemory=4GB\r\nvirtiofs=true\r\n"
UTF8_BOM = codecs.BOM_UTF8
LE_BOM = codecs.BOM_UTF16_LE
BE_BOM = codecs.BOM_UTF16_BE
GB = 1 << 30

FAST = settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def values(raw: bytes) -> dict[str, object]:
    return ConfigDocument(None, raw).values_json()


def finding_codes(raw: bytes) -> list[tuple[str, int | None]]:
    return [(f.code, f.line) for f in ConfigDocument(None, raw).evaluation.findings]


def assert_round_trip(raw: bytes) -> None:
    tf = decode(raw)
    assert tf.raw == raw
    if tf.lossless:
        assert tf.encode(tf.text) == raw
    assert ConfigDocument(None, raw).to_bytes() == raw


# ---------------------------------------------------------------------------------------
# Encodings WSL reads
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "codec", "bom", "label"),
    [
        (CONFIG.encode("utf-8"), "utf-8", b"", "UTF-8"),
        (UTF8_BOM + CONFIG.encode("utf-8"), "utf-8", UTF8_BOM, "UTF-8 with BOM"),
        (LE_BOM + CONFIG.encode("utf-16-le"), "utf-16-le", LE_BOM, "UTF-16LE with BOM"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom"],
)
def test_supported_encodings(raw: bytes, codec: str, bom: bytes, label: str) -> None:
    tf = decode(raw)
    assert (tf.codec, tf.bom, tf.label) == (codec, bom, label)
    assert tf.text == CONFIG
    assert tf.wsl_text == CONFIG
    assert tf.problem is None
    assert tf.lossless
    assert tf.trusted_chars is None
    assert tf.encode(tf.text) == raw
    assert values(raw) == {
        "wsl2.memory": {"value": 4 * GB, "line": 3, "text": "4GB"},
        "wsl2.virtiofs": {"value": True, "line": 4, "text": "true"},
    }
    assert finding_codes(raw) == []


def test_utf16le_with_bom_and_non_ascii_is_not_mistaken_for_a_mixed_file() -> None:
    for text, line in (
        ("# 日本語のコメント\r\n[wsl2]\r\nmemory=4GB\r\n", 3),
        ("[wsl2]\r\nmemory=4GB\r\n# 日本語のコメント", 2),
        ("[wsl2]\r\nmemory=4GB\r\n# コメント😀\r\n", 2),
    ):
        raw = LE_BOM + text.encode("utf-16-le")
        tf = decode(raw)
        assert (tf.label, tf.problem, tf.lossless) == ("UTF-16LE with BOM", None, True), text
        assert tf.encode(tf.text) == raw
        assert values(raw)["wsl2.memory"] == {"value": 4 * GB, "line": line, "text": "4GB"}


def test_utf8_with_non_ascii_comments() -> None:
    raw = "# 日本語 ’quotes’ é\n[wsl2]\nmemory=4GB\n".encode()
    tf = decode(raw)
    assert (tf.label, tf.problem, tf.lossless) == ("UTF-8", None, True)
    assert values(raw) == {"wsl2.memory": {"value": 4 * GB, "line": 3, "text": "4GB"}}


def test_empty_files() -> None:
    for raw in (b"", UTF8_BOM, LE_BOM):
        tf = decode(raw)
        assert tf.text == ""
        assert tf.wsl_text == ""
        assert tf.problem is None
        assert tf.lossless
        assert tf.encode("") == raw
        assert values(raw) == {}


def test_a_second_utf8_bom_is_text() -> None:
    raw = UTF8_BOM + UTF8_BOM + b"[wsl2]\nmemory=4GB\n"
    tf = decode(raw)
    assert tf.text.startswith("\ufeff[wsl2]")
    assert tf.encode(tf.text) == raw
    # WSL skips only the first BOM: the header line is an invalid key, memory is outside [wsl2].
    assert finding_codes(raw) == [("invalid-line", 1), ("key-outside-section", 2)]


# ---------------------------------------------------------------------------------------
# Encodings WSL cannot read
# ---------------------------------------------------------------------------------------


def test_utf16be_with_bom_cannot_be_opened() -> None:
    raw = BE_BOM + CONFIG.encode("utf-16-be")
    tf = decode(raw)
    assert tf.codec == "utf-16-be"
    assert tf.text == CONFIG
    assert tf.wsl_text is None  # _wfopen fails: WSL uses every default
    assert tf.problem is not None
    assert tf.problem.kind == encoding.UTF16BE_WITH_BOM
    assert tf.needs_repair
    assert tf.lossless
    assert tf.encode(tf.text) == raw
    doc = ConfigDocument(None, raw)
    assert doc.parsed is None
    assert doc.values_json() == {}
    assert finding_codes(raw) == [("encoding-unsupported", None)]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_reads_as_garbage(codec: str) -> None:
    raw = CONFIG.encode(codec)
    tf = decode(raw)
    assert tf.codec == codec
    assert tf.text == CONFIG  # we can still show and convert it
    assert tf.problem is not None
    assert tf.trusted_chars == 0
    assert tf.wsl_text is not None
    assert "\x00" in tf.wsl_text  # WSL reads the bytes as UTF-8, NULs and all
    assert tf.lossless
    assert tf.encode(tf.text) == raw
    assert values(raw) == {}
    assert finding_codes(raw) == [("encoding-unsupported", None)]


def test_utf16le_with_bom_and_a_utf8_tail_powershell7_append() -> None:
    head = "[wsl2]\r\nmemory=4GB\r\n"
    raw = LE_BOM + head.encode("utf-16-le") + b"virtiofs=true\r\n"
    tf = decode(raw)
    assert not tf.lossless
    assert tf.problem is not None
    assert tf.problem.line == 3
    assert tf.text == head
    assert tf.trusted_chars == len(head)
    assert tf.wsl_text is not None
    assert tf.wsl_text.startswith(head)
    assert "virtiofs" not in tf.wsl_text  # WSL pairs the UTF-8 bytes into garbage units
    assert values(raw) == {"wsl2.memory": {"value": 4 * GB, "line": 2, "text": "4GB"}}
    assert finding_codes(raw) == [("encoding-unsupported", 3)]
    assert ConfigDocument(None, raw).to_bytes() == raw


def test_utf8_with_a_utf16le_tail_windows_powershell_append() -> None:
    head = "# Notepad wrote this part\r\n[wsl2]\r\nmemory=8GB\r\nprocessors=6\r\nswap=2GB\r\nguiApplications=false\r\n"
    raw = head.encode() + LE_BOM + "virtiofs=true\r\n".encode("utf-16-le")
    tf = decode(raw)
    assert tf.codec == "utf-8"
    assert not tf.lossless
    assert tf.problem is not None
    assert tf.problem.line == 7
    assert tf.text == head
    assert tf.trusted_chars == len(head)
    assert set(values(raw)) == {"wsl2.memory", "wsl2.processors", "wsl2.swap", "wsl2.guiapplications"}
    assert finding_codes(raw) == [("encoding-unsupported", 7)]


def test_utf8_with_a_utf16le_tail_without_bom() -> None:
    head = "# Notepad wrote this part\r\n[wsl2]\r\nmemory=8GB\r\nprocessors=6\r\nswap=2GB\r\nguiApplications=false\r\n"
    raw = head.encode() + "virtiofs=true\r\n".encode("utf-16-le")
    tf = decode(raw)
    assert (tf.codec, tf.lossless, tf.text) == ("utf-8", False, head)
    assert tf.problem is not None
    assert tf.problem.line == 7
    assert "wsl2.virtiofs" not in values(raw)


def test_short_utf8_head_with_a_utf16le_tail() -> None:
    head = "[wsl2]\r\nmemory=4GB\r\n"
    raw = head.encode() + LE_BOM + "[wsl2]\r\nvirtiofs=true\r\n".encode("utf-16-le")
    tf = decode(raw)
    assert (tf.codec, tf.text, tf.trusted_chars) == ("utf-8", head, len(head))
    assert tf.problem is not None
    assert tf.problem.line == 3
    # WSL reads the head as UTF-8 like any other file: memory=4GB is in force.
    assert values(raw) == {"wsl2.memory": {"value": 4 * GB, "line": 2, "text": "4GB"}}


@pytest.mark.parametrize("text", ["[wsl2]\r\nmemory=4GB\r\n# 学字", "[wsl2]\r\nmemory=4GB # 字存"])
def test_utf16le_file_ending_in_cjk_without_newline_is_plain_utf16(text: str) -> None:
    # 学字 is U+5B66 U+5B57: bytes "f[W[", printable ASCII with no NUL, yet plain UTF-16LE.
    raw = LE_BOM + text.encode("utf-16-le")
    tf = decode(raw)
    assert (tf.label, tf.problem, tf.lossless) == ("UTF-16LE with BOM", None, True)
    assert finding_codes(raw) == []


@pytest.mark.parametrize(
    "raw",
    [b"[wsl2]\r\nmemory=4GB\r\n\x00", b"[wsl2]\r\nmemory=4GB\r\nswap=\x002GB\r\n"],
    ids=["trailing-nul", "nul-in-last-value"],
)
def test_utf8_with_a_stray_nul_near_the_end_is_plain_utf8(raw: bytes) -> None:
    # WSL reads these as UTF-8: a NUL is one more character (it ends a value or makes an invalid line).
    tf = decode(raw)
    assert (tf.label, tf.lossless, tf.problem) == ("UTF-8", True, None)
    assert "encoding-unsupported" not in [code for code, _ in finding_codes(raw)]
    assert values(raw)["wsl2.memory"] == {"value": 4 * GB, "line": 2, "text": "4GB"}


def test_utf8_with_nul_padding_is_plain_utf8() -> None:
    # A file cut short by a crash is often padded with NULs. WSL reads the padding as
    # one invalid line (a NUL cannot start a key); the settings above it apply.
    raw = b"[wsl2]\r\nmemory=4GB\r\n" + bytes(16)
    tf = decode(raw)
    assert (tf.label, tf.lossless, tf.problem) == ("UTF-8", True, None)
    assert finding_codes(raw) == [("invalid-line", 3)]


def test_odd_length_utf16_is_not_lossless() -> None:
    raw = LE_BOM + CONFIG.encode("utf-16-le") + b"x"
    tf = decode(raw)
    assert not tf.lossless
    assert tf.problem is not None
    assert ConfigDocument(None, raw).to_bytes() == raw


def test_invalid_utf8_mid_file_is_flagged_but_lossless() -> None:
    raw = b"[wsl2]\r\n# caf\xe9\r\nmemory=4GB\r\n"
    tf = decode(raw)
    assert tf.lossless
    assert tf.encode(tf.text) == raw
    assert tf.problem is not None
    assert tf.problem.line == 2
    assert values(raw) == {"wsl2.memory": {"value": 4 * GB, "line": 3, "text": "4GB"}}
    # WSL reads every line (the stray byte as U+FFFD): a warning, and edits stay possible.
    assert (tf.problem.kind, tf.needs_repair) == (encoding.READABLE, False)
    assert finding_codes(raw) == [("encoding-invalid-bytes", 2)]
    assert [f.severity for f in ConfigDocument(None, raw).evaluation.findings] == ["warning"]


def test_invalid_utf8_mid_value_reads_as_replacement_character() -> None:
    raw = b"[wsl2]\nvmSwitch=caf\xe9-switch\n"
    assert values(raw)["wsl2.vmswitch"]["value"] == "caf\ufffd-switch"  # type: ignore[index]


def test_trailing_lone_lead_byte_is_dropped() -> None:
    raw = b"[wsl2]\r\nvmSwitch=caf\xe9"
    assert values(raw)["wsl2.vmswitch"]["value"] == "caf"  # type: ignore[index]


def test_latin1_file_ending_in_a_continuation_byte_vanishes() -> None:
    raw = b"[wsl2]\r\nmemory=4GB\r\n# 20\xb0"
    problem = decode(raw).problem
    assert problem is not None
    assert problem.kind == encoding.CHUNK_LOST
    assert values(raw) == {}
    assert finding_codes(raw) == [("encoding-unsupported", 3)]


def test_utf8_with_bom_and_a_utf16le_tail_is_mixed() -> None:
    # Windows PowerShell 5.1's `Out-File -Encoding utf8` writes a BOM; its `>>` then appends UTF-16LE.
    head = "[wsl2]\r\nmemory=4GB\r\n"
    raw = UTF8_BOM + head.encode() + "virtiofs=true\r\n".encode("utf-16-le")
    tf = decode(raw)
    assert (tf.label, tf.text, tf.lossless, tf.trusted_chars) == ("UTF-8 with BOM and a UTF-16 tail", head, False,
                                                                  len(head))
    assert tf.problem is not None
    assert (tf.problem.kind, tf.problem.line) == (encoding.UTF8_THEN_UTF16, 3)
    assert values(raw) == {"wsl2.memory": {"value": 4 * GB, "line": 2, "text": "4GB"}}


def test_utf16le_with_an_ansi_tail_is_mixed() -> None:
    # cmd's `echo >>` appends in the ANSI code page: a Latin-1 letter must not hide the tail.
    head = "[wsl2]\r\nmemory=4GB\r\n"
    raw = LE_BOM + head.encode("utf-16-le") + "# café\r\nvirtiofs=true\r\n".encode("cp1252")
    tf = decode(raw)
    assert tf.problem is not None
    assert (tf.problem.kind, tf.text) == (encoding.UTF16_THEN_UTF8, head)


def test_lone_low_surrogate_in_utf16_value_keeps_its_low_byte() -> None:
    raw = LE_BOM + "[wsl2]\r\nvmSwitch=\u00c3\udca9\r\n".encode("utf-16-le", "surrogatepass")
    # Units 00C3 DCA9 become the bytes C3 A9, which WSL then decodes as UTF-8 "é".
    assert values(raw)["wsl2.vmswitch"]["value"] == "é"  # type: ignore[index]


def test_edits_are_refused_when_not_lossless() -> None:
    raw = LE_BOM + "[wsl2]\r\nmemory=4GB\r\n".encode("utf-16-le") + b"virtiofs=true\r\n"
    doc = ConfigDocument(None, raw)
    spec = lookup("wsl2.memory")
    assert spec is not None
    with pytest.raises(ConfigUnreadableError):
        doc.with_value(spec, "8GB")
    with pytest.raises(ConfigUnreadableError):
        doc.without_key(spec)


# ---------------------------------------------------------------------------------------
# Writing back
# ---------------------------------------------------------------------------------------


def test_new_file_is_utf8_without_bom() -> None:
    tf = new_file()
    assert (tf.raw, tf.text, tf.codec, tf.bom, tf.lossless, tf.wsl_text, tf.problem) == (
        b"",
        "",
        "utf-8",
        b"",
        True,
        "",
        None,
    )
    assert tf.encode("[wsl2]\r\n") == b"[wsl2]\r\n"


@pytest.mark.parametrize(
    ("raw", "newline"),
    [
        (b"[wsl2]\nmemory=4GB\n", "\n"),
        (b"[wsl2]\r\nmemory=4GB\r\n", "\r\n"),
        (b"", "\r\n"),
        (b"[wsl2]", "\r\n"),
        (b"[wsl2]\nmemory=4GB\r\nswap=0\n", "\n"),
        (LE_BOM + "[wsl2]\r\n".encode("utf-16-le"), "\r\n"),
    ],
)
def test_newline(raw: bytes, newline: str) -> None:
    assert decode(raw).newline == newline


@pytest.mark.parametrize(
    "raw",
    [UTF8_BOM + b"[wsl2]\r\n", LE_BOM + "[wsl2]\r\n".encode("utf-16-le"), b"[wsl2]\r\n"],
    ids=["utf8-bom", "utf16le-bom", "utf8"],
)
def test_encode_keeps_the_encoding_and_bom(raw: bytes) -> None:
    tf = decode(raw)
    new = tf.encode(tf.text + "memory=8GB\r\n")
    assert new.startswith(raw)
    again = decode(new)
    assert (again.codec, again.bom, again.text) == (tf.codec, tf.bom, tf.text + "memory=8GB\r\n")


def test_encode_keeps_stray_bytes_and_lone_surrogates() -> None:
    raw8 = b"# \xe9\xff\xed\xa0\x80\r\n[wsl2]\r\n"
    raw16 = LE_BOM + b"#\x00\x00\xd8\r\x00\n\x00"
    for raw in (raw8, raw16):
        tf = decode(raw)
        assert tf.lossless
        assert tf.encode(tf.text) == raw


# ---------------------------------------------------------------------------------------
# The promise: for ANY bytes, encode(text) == raw whenever lossless
# ---------------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        *(b"", b"\x00", b"\xff", b"\xfe", UTF8_BOM, LE_BOM, BE_BOM, b"a", b"=", b"\n", b"\r", b"\xd8", b"\xdc"),
        *(b"\xed\xa0\x80", b"\xc3", b"\xa9", b"[", b"\x1a", "é".encode(), "[wsl2]\r\n".encode("utf-16-le")),
    ]
)
_PREFIX = st.sampled_from([b"", UTF8_BOM, LE_BOM, BE_BOM])


@FAST
@given(st.binary(max_size=64))
def test_any_bytes_round_trip_when_lossless(raw: bytes) -> None:
    assert_round_trip(raw)


@FAST
@given(_PREFIX, st.lists(_PIECES, max_size=24))
def test_structured_bytes_round_trip_when_lossless(prefix: bytes, pieces: list[bytes]) -> None:
    raw = prefix + b"".join(pieces)
    assert_round_trip(raw)
    tf = decode(raw)
    assert tf.problem is None or tf.problem.message
    # WSL cannot read a UTF-16BE file, nor a UTF-8 one whose read chunk ends on a stray byte.
    unreadable = tf.problem is not None and "cannot read it at all" in tf.problem.message
    assert (tf.wsl_text is None) == (raw.startswith(BE_BOM) or unreadable)


def test_decode_exposes_the_bom_constants() -> None:
    assert (encoding.UTF8_BOM, encoding.UTF16LE_BOM, encoding.UTF16BE_BOM) == (UTF8_BOM, LE_BOM, BE_BOM)


def test_utf8_appended_after_a_cjk_line_without_a_line_break_splits_after_the_cjk() -> None:
    # PowerShell 7's `>>` after a UTF-16LE file whose last line is a CJK comment: those code units
    # hold no NUL byte, yet they are UTF-16 text; the UTF-8 tail starts where the bytes turn UTF-8.
    head = "[wsl2]\r\nmemory=4GB\r\n# 日本語のコメント"
    raw = LE_BOM + head.encode("utf-16-le") + b"\r\nvirtiofs=true\r\n"
    tf = decode(raw)
    assert tf.problem is not None
    assert (tf.problem.kind, tf.text) == (encoding.UTF16_THEN_UTF8, head)
