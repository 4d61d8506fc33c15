"""Hypothesis strategies for .wslconfig files: arbitrary bytes, and "wslconfig-like" files
built from a line grammar of what people (and tools) really write, quirks included.

A generated file is kept as a ``Layout`` (preamble lines, then sections, each a header
and body units) so that properties can rearrange whole sections; ``render`` joins the
physical lines with their line endings and encodes them.

Also here: edit requests (a key, a value as a user types it, and the value WSL must
read back), written from the grammars in wsl-source.md / wsl-reader-surprises.md,
independently of ``canonical.py``; byte-level mutations of the shared corpus (bit flips,
byte inserts and deletes, hostile byte sequences, splices of two corpus files, UTF-16
re-encoding); and the fuzz budgets (``budget``), one place for every Hypothesis count.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from wslconfig_assistant.core.findings import Finding, sort_key
from wslconfig_assistant.wslconfig import schema
from wslconfig_assistant.wslconfig.schema import KeySpec

try:
    from conftest import CORPUS_DIR
except ImportError:  # imported as tests.strategies from outside pytest
    from tests.conftest import CORPUS_DIR

# -- budgets ---------------------------------------------------------------------------

#: Every property runs its CI budget (the ``budget(n)`` next to it, counted in TESTING.md);
#: this variable raises every one of them at once, e.g. WSLCONFIG_FUZZ_EXAMPLES=5000.
FUZZ_ENV = "WSLCONFIG_FUZZ_EXAMPLES"
#: The opt-in long runs (``-m slow``) draw at least this many inputs each.
SLOW_EXAMPLES = 100_000


def examples(ci: int) -> int:
    """How many examples a property with CI budget ``ci`` draws in this run."""
    override = os.environ.get(FUZZ_ENV)
    return int(override) if override else ci


def budget(ci: int) -> settings:
    """Hypothesis settings for one property: ``ci`` examples unless $WSLCONFIG_FUZZ_EXAMPLES says more."""
    return settings(
        max_examples=examples(ci),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def canonically_ordered(found: Sequence[Finding]) -> bool:
    """Sorted by ``findings.sort_key`` with no ties between different findings: then every
    permutation of the list (any order the checks discover them in) sorts to this one list."""
    return all(sort_key(a) < sort_key(b) or a == b for a, b in itertools.pairwise(found))


def slow_budget() -> settings:
    """The long opt-in run: at least SLOW_EXAMPLES inputs (more when $WSLCONFIG_FUZZ_EXAMPLES says so)."""
    return settings(
        max_examples=max(SLOW_EXAMPLES, int(os.environ.get(FUZZ_ENV) or 0)),
        deadline=None,
        derandomize=False,  # the long run explores; the quick one repeats (conftest's profile)
        suppress_health_check=list(HealthCheck),
    )


# -- arbitrary bytes -------------------------------------------------------------------

BOMS = (b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

#: Bytes that steer the decoder and the reader: line ends, NUL (BOM-less UTF-16
#: detection), Ctrl-Z (end of file for WSL), stray UTF-8 continuation bytes, '\\', '"'.
_INTERESTING_BYTES = b"\r\n\x00\x1a\x80\xbf\xc3\xe9\xff\xfe\\\"#;=[] \tamwsl2"


@st.composite
def arbitrary_bytes(draw: st.DrawFn, max_size: int = 300) -> bytes:
    """Any bytes: uniform noise, or noise biased to the bytes that matter, after an optional BOM."""
    bom = draw(st.sampled_from(BOMS))
    if draw(st.booleans()):
        body = draw(st.binary(max_size=max_size))
    else:
        body = bytes(draw(st.lists(st.sampled_from(_INTERESTING_BYTES), max_size=max_size)))
    return bom + body


# -- the line grammar ------------------------------------------------------------------

VALID_HEADERS = ("wsl2", "WSL2", "Wsl2", "experimental", "Experimental", "general", "boot")
REJECTED_HEADER_LINES = (
    "[wsl2-vm]",
    "[wsl2] x",
    "[wsl2_settings]",
    "[system-distro-env]",
    "[ab-c]",
    "[2wsl]",
    "[]",
    "[wsl2",
    "[ wsl2]",
)
UNKNOWN_KEYS = ("memroy", "foo", "virtiofs2", "enabled", "root", "automount", "x1")
GARBAGE_LINES = (
    "just text",
    "=value",
    "[",
    "]",
    "memory",
    "memory 8GB",
    "\u00e9=1",
    "swap=4GB\x00junk",  # NUL ends a value
    "swap=4GB\uffffprocessors=2",  # U+FFFF is a silent line break for WSL
    "#\uffffswap=1GB",
    "\t\x0b\x0c",
)
INVALID_KEY_TEXTS = ("networking_mode", "wsl2.memory", "vm-idle-timeout", "m\u00e9mory", "1memory")

_SIZE_VALUES = ("8GB", "4gb", "512MB", "0", "-1", "8 GB", "8.5GB", "007GB", "00", "16G", "1T", "17179869184GB",
                '" 8GB"', '"8GB "', "2048", "1TB")
_BOOL_VALUES = ("true", "TRUE", "False", "1", "0", "yes", "on", '"true "', "tRuE")
_INT_VALUES = ("4", "060000", "08", "+4", "99999999999", "0xFF", '"  5"', "-1", "0")
_PATH_VALUES = (
    r"C:\\wsl\\kernel",
    r"C:\wsl\kernel",  # \w: invalid escape, the line is dropped
    r"C:\temp\\swap.vhdx",  # \t: a TAB, silently
    r"C:\new\bzImage",  # \n and \b: control characters, silently
    r'"C:\\Program Files\\wsl\\k"',
    "C:/wsl/k",
    r"D:\\",
    r"\\\\server\\share\\x",
    r"C:\\Users\\Jos\u00e9\\k",
)
_ENUM_VALUES = ("mirrored", "NAT", "VirtioProxy", "dropcache", "gradual", "mirror", "Mirrored ", "none")
_OTHER_VALUES = (
    "00:15:5D:01:02:03",
    "00-15-5d-01-02-03",
    "00:15:5D:01:02",
    "10.255.255.254",
    "010.1.1.1",
    "3000,8080",
    "80abc,1.5",
    "0x50",
    "console=ttyS0 loglevel=7",
    'a"b c"d',
    '"a # b"',
    '"a""b"',
    "Jos\u00e9",
    "\u65e5\u672c",
    "",
    '"',
    '"abc',  # unterminated quote: the line is dropped
    "x\\\\y",
)
_FREE_VALUE = st.text(
    alphabet=st.sampled_from('abcXYZ019 \t.:,/\\"=#-_[]\u00e9'), max_size=12
)
VALUE = st.one_of(
    st.sampled_from(_SIZE_VALUES),
    st.sampled_from(_BOOL_VALUES),
    st.sampled_from(_INT_VALUES),
    st.sampled_from(_PATH_VALUES),
    st.sampled_from(_ENUM_VALUES),
    st.sampled_from(_OTHER_VALUES),
    _FREE_VALUE,
)
BLANKS = st.sampled_from(("", "", "", " ", "  ", "\t", " \t "))
COMMENT_TEXT = st.sampled_from(
    ("", " note", " memory=2GB", "memory=2GB", " C:\\Users\\[user_name] \u65e5\u672c\u8a9e", " \u00e9t\u00e9", "#",
     " ;x")
)


def mixed_case(word: str, mask: int) -> str:
    """``word`` with the letters whose bit is set in ``mask`` case-swapped."""
    return "".join(ch.swapcase() if mask >> i & 1 else ch for i, ch in enumerate(word))


@st.composite
def key_names(draw: st.DrawFn, pool: Sequence[str] | None = None) -> str:
    if pool is None:
        kind = draw(st.sampled_from(("known", "known", "known", "unknown", "invalid")))
        if kind == "invalid":
            return draw(st.sampled_from(INVALID_KEY_TEXTS))
        pool = [spec.key for spec in schema.KEYS] if kind == "known" else list(UNKNOWN_KEYS)
    key = draw(st.sampled_from(list(pool)))
    style = draw(st.sampled_from(("as-is", "as-is", "lower", "upper", "random")))
    mask = {"as-is": 0, "lower": 0, "upper": 0}.get(style) if style != "random" else None
    if mask is None:
        mask = draw(st.integers(0, (1 << len(key)) - 1))
    key = key.lower() if style == "lower" else key.upper() if style == "upper" else key
    return mixed_case(key, mask)


@st.composite
def key_line(
    draw: st.DrawFn, pool: Sequence[str] | None = None, *, continuation: bool = True
) -> tuple[str, ...]:
    """One key unit: ``key = value # comment``, or a value continued on the next physical line."""
    indent = draw(BLANKS)
    key = draw(key_names(pool))
    sep = draw(BLANKS) + "=" + draw(BLANKS)
    value = draw(VALUE)
    if (len(value) - len(value.rstrip("\\"))) % 2:
        value += "x"  # an odd trailing backslash would continue the line: that is the continuation case
    comment = draw(BLANKS) + "#" + draw(COMMENT_TEXT) if draw(st.integers(0, 3)) == 0 else ""
    first = f"{indent}{key}{sep}{value}{comment}"
    if continuation and not comment and draw(st.integers(0, 9)) == 0:
        rest = draw(st.sampled_from(("    loglevel=7", "XB", "# y", "GB", "")))
        return (f"{first} \\" if draw(st.booleans()) else f"{first}\\", rest)
    return (first,)


def _comment_line(draw: st.DrawFn) -> tuple[str, ...]:
    return (draw(BLANKS) + draw(st.sampled_from(("#", "#", ";"))) + draw(COMMENT_TEXT),)


@st.composite
def body_unit(draw: st.DrawFn, pool: Sequence[str] | None = None, *, rejected_headers: bool = True) -> tuple[str, ...]:
    kind = draw(
        st.sampled_from(
            ("key", "key", "key", "key", "comment", "blank", "garbage")
            + (("rejected-header",) if rejected_headers else ())
        )
    )
    if kind == "key":
        return draw(key_line(pool))
    if kind == "comment":
        return _comment_line(draw)
    if kind == "blank":
        return (draw(BLANKS),)
    if kind == "garbage":
        return (draw(st.sampled_from(GARBAGE_LINES)),)
    return (draw(st.sampled_from(REJECTED_HEADER_LINES)),)


@st.composite
def header_line(draw: st.DrawFn, names: Sequence[str] = VALID_HEADERS) -> str:
    name = draw(st.sampled_from(list(names)))
    trailer = draw(st.sampled_from(("", "", " ", "\t", " # wsl2 settings", "#x")))
    return f"{draw(BLANKS)}[{name}]{trailer}"


class Section(NamedTuple):
    header: str
    body: tuple[tuple[str, ...], ...]  # units; a unit is one or more physical lines

    def lines(self) -> list[str]:
        return [self.header, *(line for unit in self.body for line in unit)]


class Layout(NamedTuple):
    preamble: tuple[tuple[str, ...], ...]
    sections: tuple[Section, ...]

    def lines(self) -> list[str]:
        return [line for unit in self.preamble for line in unit] + [
            line for section in self.sections for line in section.lines()
        ]


class Rendering(NamedTuple):
    eol_mode: str  # "uniform" or "mixed"
    eols: tuple[str, ...]  # one per physical line (the last may be unused)
    final_newline: bool
    encoding: str  # "utf-8", "utf-8-sig" or "utf-16-le-bom"


ENCODINGS = ("utf-8", "utf-8-sig", "utf-16-le-bom")
EOLS = ("\r\n", "\n", "\r")


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(encoding)


def join_lines(lines: Sequence[str], eols: Sequence[str], final_newline: bool) -> str:
    parts = []
    for i, line in enumerate(lines):
        parts.append(line)
        if i < len(lines) - 1 or final_newline:
            parts.append(eols[i])
    return "".join(parts)


@st.composite
def renderings(draw: st.DrawFn, n_lines: int, eol_choices: Sequence[str] = EOLS) -> Rendering:
    if draw(st.booleans()):
        eol = draw(st.sampled_from(list(eol_choices)))
        mode, eols = "uniform", (eol,) * n_lines
    else:
        mode = "mixed"
        eols = tuple(draw(st.lists(st.sampled_from(list(eol_choices)), min_size=n_lines, max_size=n_lines)))
    return Rendering(mode, eols, draw(st.booleans()), draw(st.sampled_from(ENCODINGS)))


class GeneratedFile(NamedTuple):
    layout: Layout
    rendering: Rendering
    text: str
    raw: bytes


@st.composite
def layouts(draw: st.DrawFn, max_sections: int = 4, max_units: int = 6) -> Layout:
    preamble = tuple(draw(st.lists(body_unit(), max_size=2)))
    sections = []
    for _ in range(draw(st.integers(0, max_sections))):
        header = draw(st.one_of(header_line(), header_line(), header_line(), st.sampled_from(REJECTED_HEADER_LINES)))
        body = tuple(draw(st.lists(body_unit(), max_size=max_units)))
        sections.append(Section(header, body))
    return Layout(preamble, tuple(sections))


@st.composite
def wslconfig_files(draw: st.DrawFn, max_sections: int = 4, max_units: int = 6) -> GeneratedFile:
    """A "wslconfig-like" file: mostly valid, with every quirk people write by mistake."""
    layout = draw(layouts(max_sections, max_units))
    lines = layout.lines()
    rendering = draw(renderings(len(lines)))
    text = join_lines(lines, rendering.eols, rendering.final_newline)
    return GeneratedFile(layout, rendering, text, encode(text, rendering.encoding))


# -- section-shuffle files (property 6) -------------------------------------------------

# Keys WSL reads with an order-dependent effect across sections are left out of the pool:
# an invalid macAddress stops the reader; dnsTunnelingIpAddress/dnsTunneling interact.
_ORDER_FREE_KEYS = tuple(
    spec.key
    for spec in schema.KEYS
    if spec.key.lower() not in {"macaddress", "dnstunnelingipaddress", "dnstunneling"}
) + UNKNOWN_KEYS


class ShuffleCase(NamedTuple):
    preamble_text: str
    section_texts: tuple[str, ...]  # each ends with LF or CRLF
    encoding: str

    def raw(self, order: Sequence[int]) -> bytes:
        text = self.preamble_text + "".join(self.section_texts[i] for i in order)
        return encode(text, self.encoding)


@st.composite
def shuffle_cases(draw: st.DrawFn) -> ShuffleCase:
    """Sections that each start with a valid header and end with a real line break.

    A section whose last line ends with a lone CR, or with a backslash, would run into
    the next section (WSL's reader joins them), which is order dependence by design.
    """
    def block(units: Sequence[tuple[str, ...]], header: str | None) -> str:
        lines = ([header] if header is not None else []) + [line for unit in units for line in unit]
        if not lines:
            return ""
        eols = list(draw(renderings(len(lines))).eols)
        eols[-1] = draw(st.sampled_from(("\r\n", "\n")))
        if len(lines) > 1 and lines[-1] == "" and eols[-2] == "\r":
            eols[-2] = "\r\n"  # CR, an empty line, LF: that is one CRLF, and the line before would run on
        return join_lines(lines, eols, final_newline=True)

    preamble = block(draw(st.lists(body_unit(_ORDER_FREE_KEYS, rejected_headers=False), max_size=2)), None)
    sections = []
    for _ in range(draw(st.integers(2, 5))):
        units = draw(st.lists(body_unit(_ORDER_FREE_KEYS), max_size=5))
        sections.append(block(units, draw(header_line())))
    return ShuffleCase(preamble, tuple(sections), draw(st.sampled_from(ENCODINGS)))


# -- edit requests ---------------------------------------------------------------------


class EditRequest(NamedTuple):
    spec: KeySpec
    user_value: str  # as typed on the command line
    expected: object  # what WSL must read back


_SIZE_FACTORS = {"": 1, "B": 1, "K": 1 << 10, "KB": 1 << 10, "M": 1 << 20, "MB": 1 << 20,
                 "G": 1 << 30, "GB": 1 << 30, "T": 1 << 40, "TB": 1 << 40}
_SAFE_STRING = st.text(alphabet=st.sampled_from("abcKLM09 .:/\\-_#\"=,"), max_size=16)


@st.composite
def user_values(draw: st.DrawFn, spec: KeySpec) -> tuple[str, object]:
    """(value as typed, value WSL uses) for a value ``set`` must accept."""
    kind = spec.type
    if kind == "bool":
        word = draw(st.sampled_from(("true", "false", "1", "0")))
        return mixed_case(word, draw(st.integers(0, 31))), word in ("true", "1")
    if kind == "int":
        n = draw(st.integers(-(1 << 31), (1 << 31) - 1))
        form = draw(st.sampled_from(("dec", "dec", "hex", "oct")))
        if form == "hex" and n >= 0:
            return f"0x{n:x}", n
        if form == "oct" and n > 0:
            return f"0{n:o}", n
        return str(n), n
    if kind == "size":
        n = draw(st.integers(1, 4096))
        unit = draw(st.sampled_from(list(_SIZE_FACTORS)))
        return f"{n}{unit}", n * _SIZE_FACTORS[unit]
    if kind == "enum":
        choice = draw(st.sampled_from(list(spec.choices)))
        return mixed_case(choice, draw(st.integers(0, (1 << len(choice)) - 1))), choice
    if kind == "mac":
        sep = draw(st.sampled_from(":-"))
        octets = draw(st.lists(st.integers(0, 255), min_size=6, max_size=6))
        text = sep.join(f"{o:02X}" if draw(st.booleans()) else f"{o:02x}" for o in octets)
        return text, text
    if kind == "ipv4":
        text = ".".join(str(o) for o in draw(st.lists(st.integers(0, 255), min_size=4, max_size=4)))
        return text, text
    if kind == "ports":
        ports = draw(st.lists(st.integers(1, 65535), min_size=1, max_size=4))
        return ",".join(map(str, ports)), ports
    if kind == "path":
        parts = draw(st.lists(st.text(alphabet="abcXYZ019 ._-#", min_size=1, max_size=6), min_size=1, max_size=3))
        sep = draw(st.sampled_from(("\\", "/")))
        text = draw(st.sampled_from(("C:", "D:", ""))) + sep + sep.join(parts)
        return text, text
    text = draw(_SAFE_STRING)
    return text, text


@st.composite
def edit_requests(draw: st.DrawFn, specs: Sequence[KeySpec] = schema.KEYS) -> EditRequest:
    spec = draw(st.sampled_from(list(specs)))
    text, expected = draw(user_values(spec))
    return EditRequest(spec, text, expected)


#: Specs the grammar writes most often, so that edits hit existing keys as well as new ones.
COMMON_SPECS = tuple(
    spec for spec in schema.KEYS
    if spec.id in {"wsl2.memory", "wsl2.virtiofs", "wsl2.kernel", "wsl2.swap", "wsl2.processors",
                   "wsl2.networkingmode", "experimental.sparsevhd", "experimental.automemoryreclaim",
                   "general.instanceidletimeout", "wsl2.kernelcommandline"}
)


# -- corpus mutations ------------------------------------------------------------------


def corpus_files() -> list[Path]:
    return sorted(CORPUS_DIR.glob("*.wslconfig")) if CORPUS_DIR.is_dir() else []


CORPUS: list[bytes] = [path.read_bytes() for path in corpus_files()]

UTF16LE_BOM = b"\xff\xfe"
#: Byte sequences that steer the decoder or the reader, inserted whole: NUL (BOM-less
#: UTF-16 detection, ends a value), CR alone, Ctrl-Z (end of file for WSL), U+FFFF in
#: UTF-8 (a silent line break for WSL), the three BOMs in the middle of a file, lone
#: UTF-16 surrogates (both byte orders; meaningful after a ``utf16`` mutation), a UTF-8
#: encoded surrogate and an overlong NUL (invalid UTF-8), a backslash at a line end,
#: a stray quote, and a header on a line of its own.
HOSTILE: tuple[bytes, ...] = (
    b"\x00",
    b"\x00\x00",
    b"\r",
    b"\x1a",
    "\uffff".encode(),
    b"\xef\xbb\xbf",
    UTF16LE_BOM,
    b"\xfe\xff",
    b"\x00\xd8",  # U+D800, UTF-16LE
    b"\x00\xdc",  # U+DC00, UTF-16LE
    b"\xd8\x00",  # U+D800, UTF-16BE
    b"\xed\xa0\x80",  # U+D800 "in UTF-8" (CESU): invalid
    b"\xc0\x80",  # overlong NUL: invalid
    b"\\\r\n",
    b"\"",
    b"\r\n[wsl2]\r\n",
)


class Mutation(NamedTuple):
    """One byte-level change. ``where`` is a fraction of the length, so it fits any file."""

    op: str  # flip | insert | delete | hostile | splice | utf16
    where: float
    byte: int
    payload: bytes = b""  # hostile: the bytes to insert; splice: the other file's tail

    def apply(self, data: bytearray) -> None:
        pos = min(int(self.where * len(data)), len(data))
        if self.op == "insert":
            data.insert(pos, self.byte)
        elif self.op == "hostile":
            if len(self.payload) == 2 and data[:2] in (UTF16LE_BOM, b"\xfe\xff"):
                pos -= pos % 2  # a whole UTF-16 code unit
            data[pos:pos] = self.payload
        elif self.op == "splice":  # this file's head, then another file's tail
            data[pos:] = self.payload
        elif self.op == "utf16":  # as Notepad's "Unicode" saves it, when the bytes are text
            try:
                text = bytes(data).decode("utf-8")
            except UnicodeDecodeError:
                return
            data[:] = UTF16LE_BOM + text.encode("utf-16-le")
        elif data:
            pos = min(pos, len(data) - 1)
            if self.op == "flip":
                data[pos] ^= 1 << (self.byte % 8)
            else:
                del data[pos]


_FRACTION = st.floats(0, 1, allow_nan=False)


def _splice(where: float, other: bytes, cut: float) -> Mutation:
    return Mutation("splice", where, 0, other[int(cut * len(other)):])


MUTATIONS = st.one_of(
    st.builds(
        Mutation,
        st.sampled_from(("flip", "insert", "delete")),
        _FRACTION,
        st.one_of(st.sampled_from(_INTERESTING_BYTES), st.integers(0, 255)),
    ),
    st.builds(Mutation, st.just("hostile"), _FRACTION, st.just(0), st.sampled_from(HOSTILE)),
    st.builds(_splice, _FRACTION, st.sampled_from(CORPUS or [b""]), _FRACTION),
    st.just(Mutation("utf16", 0.0, 0)),
)


def mutate(raw: bytes, mutations: Sequence[Mutation]) -> bytes:
    data = bytearray(raw)
    for mutation in mutations:
        mutation.apply(data)
    return bytes(data)


def systematic_mutations(raw: bytes, other: bytes) -> list[tuple[str, bytes]]:
    """A fixed, countable set of mutants of one corpus file (``other``: the file to splice with).

    At 7 places (start, second byte, thirds, half, last byte, end): every HOSTILE sequence
    inserted, one random-free bit flip per bit, a byte deleted, the file cut short; splices
    with ``other`` at 3x3 cut points; and the file re-encoded as UTF-16LE with a BOM, then
    with a lone surrogate at 3 code-unit boundaries.
    """
    n = len(raw)
    places = sorted({0, min(1, n), n // 3, n // 2, 2 * n // 3, max(n - 1, 0), n})
    out: list[tuple[str, bytes]] = []
    for at in places:
        for i, seq in enumerate(HOSTILE):
            out.append((f"hostile{i}@{at}", raw[:at] + seq + raw[at:]))
        if at < n:
            for bit in range(8):
                out.append((f"flip{bit}@{at}", raw[:at] + bytes([raw[at] ^ 1 << bit]) + raw[at + 1:]))
            out.append((f"delete@{at}", raw[:at] + raw[at + 1:]))
        out.append((f"cut@{at}", raw[:at]))
    for a in (0.25, 0.5, 0.75):
        for b in (0.25, 0.5, 0.75):
            out.append((f"splice{a}:{b}", raw[: int(a * n)] + other[int(b * len(other)):]))
    try:
        wide = UTF16LE_BOM + raw.decode("utf-8").encode("utf-16-le")
    except UnicodeDecodeError:
        return out
    out.append(("utf16", wide))
    for at in (2, len(wide) // 2 - len(wide) // 2 % 2, len(wide)):
        for unit in (b"\x00\xd8", b"\x00\xdc"):
            out.append((f"utf16+{unit.hex()}@{at}", wide[:at] + unit + wide[at:]))
    return out
