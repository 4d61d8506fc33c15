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

from wslconfig_assistant.core.errors import ConfigUnreadableError
from wslconfig_assistant.wslconfig import encoding
from wslconfig_assistant.wslconfig.document import ConfigDocument
from wslconfig_assistant.wslconfig.encoding import decode, new_file
from wslconfig_assistant.wslconfig.schema import lookup

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


# ---------------------------------------------------------------------------------------
# Rules pinned one by one (mutation testing, issue 16): codec, BOM, label, problem kind and
# line, what WSL reads (wsl_text), byte for byte. wsl-source.md §0/§2, wsl-reader-surprises.md.
# ---------------------------------------------------------------------------------------

STRAY = b"# caf\xe9\n"  # a Latin-1 byte mid-file: the file is invalid UTF-8 but WSL reads it


def kind(raw: bytes) -> str | None:
    problem = decode(raw).problem
    return None if problem is None else problem.kind


@pytest.mark.parametrize(
    ("raw", "label", "message"),
    [
        (
            b"[wsl2]\r\n# 20\xb0",
            "UTF-8, with invalid bytes",
            "the file is not UTF-8 (byte 0xB0 on line 2 ends a 2048-byte read on a stray continuation byte); "
            "WSL cannot read it at all and silently uses every default",
        ),
        (
            b"[wsl2]\r\n# caf\xe9\r\n",
            "UTF-8, with invalid bytes",
            "the file is not valid UTF-8 (first bad byte 0xE9 on line 2, e.g. Latin-1 text); WSL reads each such "
            "byte as U+FFFD, and would ignore the whole file if an edit moved one to the end of a 2048-byte read",
        ),
        (
            BE_BOM + CONFIG.encode("utf-16-be"),
            "UTF-16BE with BOM",
            "the file is UTF-16 big-endian; WSL cannot open it and uses every default",
        ),
        (
            CONFIG.encode("utf-16-le"),
            "UTF-16LE without BOM",
            "the file is UTF-16LE without BOM; WSL reads a file without a BOM as UTF-8, so it sees only garbage",
        ),
        (
            CONFIG.encode("utf-16-be"),
            "UTF-16BE without BOM",
            "the file is UTF-16BE without BOM; WSL reads a file without a BOM as UTF-8, so it sees only garbage",
        ),
        (
            b"[wsl2]\r\n" + "virtiofs=true\r\n".encode("utf-16-le"),
            "UTF-8 with a UTF-16 tail",
            "the file mixes two encodings: UTF-8 up to line 2, then UTF-16 (as Windows PowerShell's `>>` appends); "
            "WSL reads everything from that line as garbage",
        ),
        (
            LE_BOM + "[wsl2]\r\n".encode("utf-16-le") + b"virtiofs=true\r\n",
            "UTF-16LE with BOM and a UTF-8 tail",
            "the file mixes two encodings: UTF-16 up to line 2, then UTF-8 (as PowerShell's `>>` appends); "
            "WSL reads everything from that line as garbage",
        ),
        (
            LE_BOM + CONFIG.encode("utf-16-le") + b"x",
            "UTF-16LE with BOM",
            "the file is UTF-16 with an odd number of bytes (truncated or mixed); WSL reads its end as garbage",
        ),
    ],
    ids=["chunk-lost", "invalid-bytes", "utf16be-bom", "utf16le-no-bom", "utf16be-no-bom", "utf8-then-utf16",
         "utf16-then-utf8", "utf16-odd"],
)
def test_each_problem_names_its_byte_line_and_consequence(raw: bytes, label: str, message: str) -> None:
    """The label and message users see for each kind, in full (they name the byte, line and what WSL does)."""
    tf = decode(raw)
    assert tf.label == label
    assert tf.problem is not None
    assert tf.problem.message == message


def test_new_file_label_is_utf8() -> None:
    assert new_file().label == "UTF-8"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (LE_BOM + CONFIG.encode("utf-16-le") + b"x", encoding.UTF16_ODD_LENGTH),
        (CONFIG.encode("utf-16-le"), encoding.UTF16_WITHOUT_BOM),
        (CONFIG.encode("utf-16-be"), encoding.UTF16_WITHOUT_BOM),
        (b"[wsl2]\r\n" + "virtiofs=true\r\n".encode("utf-16-le"), encoding.UTF8_THEN_UTF16),
    ],
)
def test_problem_kinds(raw: bytes, expected: str) -> None:
    assert kind(raw) == expected


def test_mixed_files_keep_the_codec_and_bom_of_their_head() -> None:
    """An edit of a mixed file would re-encode the head as it is: its own codec and BOM, nothing else."""
    tf = decode(LE_BOM + "[wsl2]\r\n".encode("utf-16-le") + b"virtiofs=true\r\n")
    assert (tf.codec, tf.bom) == ("utf-16-le", LE_BOM)
    tf = decode(b"[wsl2]\r\n" + "virtiofs=true\r\n".encode("utf-16-le"))
    assert (tf.codec, tf.bom, tf.text, tf.trusted_chars) == ("utf-8", b"", "[wsl2]\r\n", 8)


# --- The CRT's 2048-byte reads (wsl-reader-surprises.md, "Legacy 8-bit files can vanish") -------------------
# A read chunk that ends on a continuation byte 0x80-0xBF without its lead byte fails with EILSEQ: WSL uses
# every default. A chunk that ends inside a valid (complete or incomplete) sequence is fine: the CRT keeps the
# incomplete bytes for the next read, and drops them at the end of the file.


@pytest.mark.parametrize(
    ("ending", "expected"),
    [
        (b"\xb0", encoding.CHUNK_LOST),  # ANSI degree sign
        (b"\x80", encoding.CHUNK_LOST),  # cp1252 euro: the lowest continuation byte
        (b"\xbf", encoding.CHUNK_LOST),  # the highest continuation byte
        (b"\xc0", encoding.READABLE),  # never a continuation byte: no EILSEQ
        (b"\xc3\xa9", encoding.READABLE),  # a complete é
        (b"\xc2\xa0", encoding.READABLE),  # a complete NBSP: C2 is the lowest 2-byte lead
        (b"\xdf\xbf", encoding.READABLE),  # DF is the highest 2-byte lead
        (b"\xc3\xa9\xa9", encoding.CHUNK_LOST),  # one continuation byte too many for a 2-byte lead
        (b"\xe2\x82", encoding.READABLE),  # an incomplete euro sign: kept for the next read
        (b"\xe2\x80", encoding.READABLE),  # an incomplete ’ (E2 80 99)
        (b"\xef\xbf", encoding.READABLE),  # an incomplete U+FFFD: EF is the highest 3-byte lead
        (b"\xe2\x82\xac", encoding.READABLE),  # a complete euro sign
        (b"\xe0\xa0\x80", encoding.READABLE),  # U+0800: E0 is the lowest 3-byte lead
        (b"\xef\xbf\xbd", encoding.READABLE),  # U+FFFD
        (b"\xe2\x82\xac\x80", encoding.CHUNK_LOST),  # one too many for a 3-byte lead
        (b"\xe0\xc0\x80", encoding.CHUNK_LOST),  # C0 is no continuation: the 80 has no lead
        (b"\xf0\x9f\x98\x80", encoding.READABLE),  # a complete emoji: F0 is the lowest 4-byte lead
        (b"\xf4\x8f\xbf\xbf", encoding.READABLE),  # U+10FFFF: F4 is the highest 4-byte lead
        (b"\xf5\x80\x80\x80", encoding.CHUNK_LOST),  # F5 is no lead byte
    ],
)
def test_crt_read_fails_only_on_a_continuation_byte_without_its_lead(ending: bytes, expected: str) -> None:
    """The last byte of the file ends the last CRT read: EILSEQ only for a stray continuation byte."""
    assert kind(STRAY + b"[wsl2]\nmemory=4GB\n# " + ending) == expected


def test_a_file_of_one_stray_continuation_byte_cannot_be_read() -> None:
    assert kind(b"\xb0") == encoding.CHUNK_LOST


def test_an_incomplete_sequence_from_the_first_byte_is_not_stray() -> None:
    # The walk back to the lead byte reaches offset 0: E2 82 is an incomplete euro sign, not a stray 82.
    assert kind(b"\xe2\x82") == encoding.READABLE
    assert decode(b"\xe2\x82").wsl_text == ""  # the CRT drops the incomplete sequence at the end of the file


def test_crt_chunks_are_2048_bytes_each() -> None:
    """Only the byte at the end of each 2048-byte read (and of the file) can fail the read."""
    head = b"[wsl2]\nmemory=4GB\n"
    # A stray byte mid-chunk: U+FFFD, the file reads.
    mid = head + b"#" * 2500 + b"\xb0" + b"#" * 1000 + b"\n"
    assert kind(mid) == encoding.READABLE
    # The same byte as the 2048th byte of the file, with lines after it: the read fails on its line.
    body = head + b"#" * (2047 - len(head)) + b"\xb0\n" + b"[wsl2]\nswap=0\n" * 10
    assert body[2047] == 0xB0
    problem = decode(body).problem
    assert problem is not None
    assert (problem.kind, problem.line) == (encoding.CHUNK_LOST, 3)
    # One byte earlier, it is mid-chunk again.
    early = head + b"#" * (2046 - len(head)) + b"\xb0#\n" + b"[wsl2]\nswap=0\n" * 10
    assert kind(early) == encoding.READABLE


def test_problem_lines_count_a_leading_line_break() -> None:
    problem = decode(b"\n# caf\xe9\n").problem
    assert problem is not None
    assert (problem.kind, problem.line) == (encoding.READABLE, 2)
    problem = decode(b"\n[wsl2]\n# 20\xb0").problem
    assert problem is not None
    assert (problem.kind, problem.line) == (encoding.CHUNK_LOST, 3)


def test_chunk_loss_is_modelled_for_files_without_a_bom() -> None:
    # wsl-reader-surprises.md: the chunk loss hits legacy ANSI/Latin-1 files (which have no BOM). A file
    # with a UTF-8 BOM and a stray byte at its end is modelled as readable (U+FFFD), like one mid-file.
    tf = decode(UTF8_BOM + b"[wsl2]\r\n# 20\xb0")
    assert tf.problem is not None
    assert (tf.problem.kind, tf.label) == (encoding.READABLE, "UTF-8 with BOM, with invalid bytes")
    assert tf.wsl_text == "[wsl2]\r\n# 20\udcb0"


@pytest.mark.parametrize(
    ("ending", "seen"),
    [
        (b"\xc3", ""),  # a lone lead byte is dropped
        (b"\xc2", ""),  # C2: the lowest lead byte
        (b"\xf4", ""),  # F4: the highest lead byte
        (b"\xc1", "\udcc1"),  # C1 is no lead byte: a U+FFFD, kept
        (b"\xf5", "\udcf5"),  # F5 neither
        (b"\xe2\x82", ""),  # an incomplete 3-byte sequence (2 of 3)
        (b"\xe2\x80", ""),  # its continuation byte is 80, the lowest
        (b"\xef\xbf", ""),  # its continuation byte is BF, the highest
        (b"\xe0\xa0", ""),  # E0 starts a 3-byte sequence
        (b"\xe2\xc0", "\udce2\udcc0"),  # C0 is no continuation: two invalid bytes, kept
        (b"\xf0\x9f\x98", ""),  # an incomplete 4-byte sequence (3 of 4)
        (b"\xc3\xa9", "é"),  # complete sequences are read
        (b"\xdf\xbf", "\u07ff"),  # DF starts a 2-byte sequence
        (b"\xe2\x82\xac", "€"),
        (b"\xef\xbf\xbd", "\ufffd"),  # EF starts a 3-byte sequence
        (b"\xf0\x9f\x98\x80", "😀"),
    ],
)
def test_crt_drops_an_incomplete_sequence_at_the_end_of_the_file(ending: bytes, seen: str) -> None:
    """wsl-reader-surprises.md: "A trailing lone lead byte is just dropped: vmSwitch=caf\\xE9 gives caf"."""
    tf = decode(STRAY + b"x=" + ending)
    assert tf.problem is not None
    assert tf.problem.kind == encoding.READABLE
    assert tf.wsl_text == "# caf\udce9\nx=" + seen


def test_crt_view_with_a_bom_and_a_continuation_byte_after_ascii() -> None:
    # With a BOM the stray byte at the end stays (U+FFFD); the byte before it is no lead.
    assert decode(UTF8_BOM + b"x=\xa9").wsl_text == "x=\udca9"
    assert decode(UTF8_BOM + b"x=\xc3\xa9\xa9").wsl_text == "x=é\udca9"
    assert decode(UTF8_BOM + b"x=\xf0\x9f\x98\x80\x80").wsl_text == "x=😀\udc80"
    assert decode(UTF8_BOM + b"\xe2\x82\xac\x80").wsl_text == "€\udc80"


# --- UTF-16 without a BOM: found by where the NUL bytes sit ---------------------------------------------------


def units(ascii_units: int, cjk_units: int, codec: str = "utf-16-le", nul_low: int = 0) -> bytes:
    """ASCII code units (one NUL byte each, the high one), CJK units (no NUL), U+0100 units (NUL low byte)."""
    return ("a" * ascii_units + "日" * cjk_units + "\u0100" * nul_low).encode(codec)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_bomless_utf16_needs_30_percent_of_units_with_a_nul_high_byte(codec: str) -> None:
    """UTF-16 without BOM: >= 30% of the code units hold a NUL high byte, < 10% as many a NUL low byte."""
    label = "UTF-16LE without BOM" if codec == "utf-16-le" else "UTF-16BE without BOM"
    exactly_30 = units(6, 14, codec)  # 6 of 20 units
    assert (decode(exactly_30).label, kind(exactly_30)) == (label, encoding.UTF16_WITHOUT_BOM)
    # Half a unit more does not raise the bar: 20 whole units.
    assert (decode(exactly_30 + b"x").label, decode(exactly_30 + b"x").lossless) == (label, False)
    below = units(4, 16, codec)  # 4 of 20 units: plain UTF-8 with NULs in it
    assert (decode(below).codec, decode(below).label) == ("utf-8", "UTF-8, with invalid bytes")
    # 10 high-NUL units and 1 low-NUL unit: 1 is not below 10% of 10, so not UTF-16.
    mixed_nuls = units(10, 9, codec, nul_low=1)
    assert decode(mixed_nuls).codec == "utf-8"
    assert decode(units(10, 9, codec)).label == label


def test_a_three_byte_utf8_head_before_a_bomless_utf16_append() -> None:
    # The first NUL is the 5th byte: a UTF-8 head ("#\r\n") and then UTF-16LE, not UTF-16BE.
    raw = b"#\r\n" + "[wsl2]\r\nmemory=4GB\r\n".encode("utf-16-le")
    assert raw.find(b"\x00") == 4
    tf = decode(raw)
    assert tf.problem is not None
    assert (tf.problem.kind, tf.problem.line, tf.text, tf.label) == (
        encoding.UTF8_THEN_UTF16, 2, "#\r\n", "UTF-8 with a UTF-16 tail"
    )


# --- UTF-16LE appended to UTF-8 (Windows PowerShell's `>>`) -----------------------------------------------------


@pytest.mark.parametrize("tail_bom", [LE_BOM, b""], ids=["append-with-bom", "append-without-bom"])
def test_utf16_appended_to_an_empty_utf8_bom_file(tail_bom: bytes) -> None:
    """The append starts at the first byte after the UTF-8 BOM: nothing of the file is read as intended."""
    raw = UTF8_BOM + tail_bom + "[wsl2]\r\nmemory=4GB\r\n".encode("utf-16-le")
    tf = decode(raw)
    assert tf.problem is not None
    assert (tf.problem.kind, tf.problem.line, tf.text, tf.trusted_chars) == (encoding.UTF8_THEN_UTF16, 1, "", 0)
    assert (tf.codec, tf.bom, tf.label) == ("utf-8", UTF8_BOM, "UTF-8 with BOM and a UTF-16 tail")


@pytest.mark.parametrize(
    ("appended", "mixed"),
    [
        ("a=1\n", True),  # 4 code units: the shortest append told apart from a stray NUL
        ("=1\n", False),  # 3 code units: too short
        ("a=1日\n", True),  # 4 of 5 units with a NUL high byte (80%)
        ("a=日日\n", False),  # 3 of 5 (60%): not ASCII appended as UTF-16LE
        ("a=1\u0100\n", True),  # 1 of 5 units with a NUL low byte (20%)
        ("a\u0100\u0100\u0100=1\n\n", False),  # 3 of 8 (more than 20%): NUL padding, not text
    ],
)
def test_utf16le_append_after_utf8_is_ascii_in_code_units(appended: str, mixed: bool) -> None:
    raw = b"[wsl2]\r\n" + appended.encode("utf-16-le")
    tf = decode(raw)
    assert (tf.problem is not None and tf.problem.kind == encoding.UTF8_THEN_UTF16) == mixed
    if mixed:
        assert (tf.text, tf.trusted_chars) == ("[wsl2]\r\n", 8)


# --- UTF-8 appended to UTF-16LE with BOM (PowerShell 7's `>>`) ---------------------------------------------------


def test_utf8_after_a_utf16le_bom_is_an_append_from_the_start() -> None:
    """A UTF-16LE BOM followed by UTF-8 text (no NUL at all): the append starts at the first byte."""
    raw = LE_BOM + b"[wsl2]\r\nmemory=4GB\r\n"
    tf = decode(raw)
    assert tf.problem is not None
    assert (tf.problem.kind, tf.problem.line, tf.text, tf.trusted_chars) == (encoding.UTF16_THEN_UTF8, 1, "", 0)


def test_utf8_append_of_four_bytes_is_told_apart() -> None:
    raw = LE_BOM + "[wsl2]\r\n".encode("utf-16-le") + b"a=1\n"
    tf = decode(raw)
    assert tf.problem is not None
    assert (tf.problem.kind, tf.problem.line, tf.text) == (encoding.UTF16_THEN_UTF8, 2, "[wsl2]\r\n")


def test_an_append_starts_on_a_code_unit_boundary() -> None:
    # U+4E00 is bytes 00 4E: the only NUL is the file's first byte, so what follows starts mid-unit.
    raw = LE_BOM + "一".encode("utf-16-le") + b"\r\n[wsl2]\r\nmemory=4GB\r\n"
    tf = decode(raw)
    assert (tf.label, tf.problem) == ("UTF-16LE with BOM", None)


def test_utf8_append_with_a_lone_surrogate_in_the_utf16_head() -> None:
    """Lone UTF-16 surrogates in the head survive (surrogatepass) and the garbage WSL reads is kept unit by unit."""
    head = "[wsl2]\r\n# \ud800\r\n"
    # "xy=ب": the Arabic letter's lead byte D8 pairs with "=" into the lone high surrogate D83D.
    tail = "\r\nxy=ب\r\nvirtiofs=true\r\n".encode()
    raw = LE_BOM + head.encode("utf-16-le", "surrogatepass") + tail
    tf = decode(raw)
    assert tf.problem is not None
    assert (tf.problem.kind, tf.text) == (encoding.UTF16_THEN_UTF8, head)
    assert tf.wsl_text == head + tail[: len(tail) // 2 * 2].decode("utf-16-le", "surrogatepass")
    assert "\ud83d" in tf.wsl_text


@pytest.mark.parametrize(
    ("appended", "mixed"),
    [
        (b"\r\n[wsl2]\r\n", True),  # a header and no key
        (b"\r\n# note\r\n", False),  # neither a key nor a header: not a PowerShell append of a setting
        (b"\r\nx = 1  \r\n", True),  # spaces count as text
        (b"\r\nx=~~~~~~~~\r\n", True),  # so does "~"
    ],
)
def test_utf8_append_is_a_line_with_a_key_or_header(appended: bytes, mixed: bool) -> None:
    raw = LE_BOM + "[wsl2]\r\nmemory=4GB\r\n".encode("utf-16-le") + appended
    tf = decode(raw)
    assert (tf.problem is not None and tf.problem.kind == encoding.UTF16_THEN_UTF8) == mixed


@pytest.mark.parametrize(
    ("cjk", "head_ends_with"),
    [
        ("\u0370日", "\u0370日"),  # U+0370, the first Greek unit, is a script letter
        ("日\u1fff", "日\u1fff"),  # U+1FFF, the last unit of the Greek-to-Indic range
        ("\ud801", ""),  # a lone surrogate is no letter: the append starts after the last NUL
    ],
)
def test_utf8_append_after_script_letters_on_the_same_line(cjk: str, head_ends_with: str) -> None:
    head = "[wsl2]\r\nmemory=4GB\r\n# "
    raw = LE_BOM + (head + cjk).encode("utf-16-le", "surrogatepass") + b"\r\nvirtiofs=true\r\n"
    tf = decode(raw)
    assert tf.problem is not None
    assert (tf.problem.kind, tf.text) == (encoding.UTF16_THEN_UTF8, head + head_ends_with)


@pytest.mark.parametrize(
    "appended",
    ["\r\nvirtiofs=true # 日本語のコメント\r\n", "\r\n# 日本語のコメント\r\nvirtiofs=true\r\n"],
    ids=["even-length", "odd-length"],
)
def test_utf8_append_with_a_cjk_comment_is_found(appended: str) -> None:
    """A UTF-8 append is found though most of its characters are CJK: WSL reads all of it as garbage units.

    (Until issue 16, only ASCII counted as text in a UTF-8 append: this file passed as plain UTF-16LE.)
    """
    head = "[wsl2]\r\nmemory=4GB\r\n"
    raw = LE_BOM + head.encode("utf-16-le") + appended.encode()
    tf = decode(raw)
    assert tf.problem is not None
    assert (tf.problem.kind, tf.problem.line, tf.text, tf.lossless) == (encoding.UTF16_THEN_UTF8, 3, head, False)
    assert values(raw) == {"wsl2.memory": {"value": 4 * GB, "line": 2, "text": "4GB"}}
    assert finding_codes(raw) == [("encoding-unsupported", 3)]


@pytest.mark.parametrize(
    ("appended", "mixed"),
    [
        (b"\r\nabc=1\x01\r\n", True),  # 9 of 10 characters are text: the 90% bar
        (b"\x01\x01\x01\x01\r\nx=1\n", False),  # 6 of 10: not text appended by PowerShell
        (b"\r\nx=1\xa0\xa0\xa0\xa0\xa0\xa0\r\n", True),  # ANSI: Latin-1 letters from U+00A0 count
        (b"\r\nx=1\x92\x92\x92\x92\x92\x92\r\n", False),  # Latin-1 C1 controls (cp1252 quotes) do not
        (b"\x01\x01\r\n# caf\xe9\r\nx=1\r\n", False),  # control characters do not, in ANSI either
    ],
)
def test_utf8_or_ansi_append_is_90_percent_text(appended: bytes, mixed: bool) -> None:
    raw = LE_BOM + "[wsl2]\r\nmemory=4GB\r\n".encode("utf-16-le") + appended
    tf = decode(raw)
    assert (tf.problem is not None and tf.problem.kind == encoding.UTF16_THEN_UTF8) == mixed


def test_utf16le_append_after_utf8_with_half_a_unit_at_its_end() -> None:
    # 5 whole code units and a stray byte: 4 of 5 units with a NUL high byte is 80%; the half unit does not count.
    raw = b"[wsl2]\r\n" + "a=1日\n".encode("utf-16-le") + b"x"
    tf = decode(raw)
    assert tf.problem is not None
    assert (tf.problem.kind, tf.text) == (encoding.UTF8_THEN_UTF16, "[wsl2]\r\n")
