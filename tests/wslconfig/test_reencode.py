"""Files WSL cannot read as written get repaired, not refused (issue 11.5).

Each case starts from the text a person MEANT (CRLF, comments, non-ASCII), breaks it the way
real tools do (UTF-16BE, BOM-less UTF-16, Latin-1/ANSI bytes, PowerShell's `>>` mixing two
encodings, half a UTF-16 code unit), and checks through real processes on real files that:

- `repair` writes exactly the meant text as UTF-8 (a UTF-8 BOM kept), backed up, with a diff;
- the repaired file gives the effective values the meant text gives (both re-read by the
  reader, in separate processes: `show --json`);
- `restore` gives the broken bytes back;
- `set` refuses (exit 3) and names the exact repair command, `--config` included, which works
  as printed; validate's fix is that same command;
- `apply` repairs first and says so (JSON `changes[0].action == "repair"`, the backup id);
- a file WSL reads (stray Latin-1 bytes it shows as U+FFFD) is edited losslessly instead.

Plus Hypothesis properties over generated files and the shared corpus: whenever the tool
decides a file needs a repair, the repair gives back exactly what the person wrote.
"""

from __future__ import annotations

import codecs
import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import strategies as wst
from conftest import CliResult, parse_json_doc, run_cli
from hypothesis import given
from hypothesis import strategies as st

from wslconfig_assistant.wslconfig import encoding, reencode
from wslconfig_assistant.wslconfig.document import ConfigDocument

LE, BE, U8 = codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8
BACKUPS = ".wslconfig-assistant-backups"

MEANT = (
    "# Paramètres WSL de l’équipe (Notepad, CRLF)\r\n"
    "[wsl2]\r\n"
    "memory=6GB   # 6 Go, c’est assez\r\n"
    "processors=4\r\n"
    "\r\n"
    "[experimental]\r\n"
    "sparseVhd=true  # “disque” clairsemé\r\n"
)
HEAD, TAIL = MEANT[: MEANT.index("\r\n[experimental]") + 2], MEANT[MEANT.index("[experimental]"):]


def _chunk_lost() -> tuple[str, bytes]:
    """A Latin-1 file whose first 2048-byte read ends on the stray byte of '°': WSL reads nothing."""
    head = "[wsl2]\r\nmemory=6GB\r\nvirtiofs=true\r\n# 20"
    text = head + "x" * (2047 - len(head)) + "°C, très bien\r\n"
    raw = text.encode("cp1252")
    assert raw[2047] == 0xB0
    return text, raw


class Case(NamedTuple):
    name: str
    meant: str
    raw: bytes
    kind: str
    target_bom: bytes = b""


CHUNK_TEXT, CHUNK_RAW = _chunk_lost()
CASES = [
    Case("utf16be-with-bom", MEANT, BE + MEANT.encode("utf-16-be"), encoding.UTF16BE_WITH_BOM),
    Case("utf16le-without-bom", MEANT, MEANT.encode("utf-16-le"), encoding.UTF16_WITHOUT_BOM),
    Case("utf16be-without-bom", MEANT, MEANT.encode("utf-16-be"), encoding.UTF16_WITHOUT_BOM),
    Case("ansi-chunk-lost", CHUNK_TEXT, CHUNK_RAW, encoding.CHUNK_LOST),
    # Windows PowerShell 5.1: `>>` appends UTF-16LE (with a BOM) to a UTF-8 file
    Case("utf8-then-utf16le", MEANT, HEAD.encode() + LE + TAIL.encode("utf-16-le"), encoding.UTF8_THEN_UTF16),
    Case("utf8-bom-then-utf16le", MEANT, U8 + HEAD.encode() + LE + TAIL.encode("utf-16-le"),
         encoding.UTF8_THEN_UTF16, U8),
    # PowerShell 7: `>>` appends UTF-8 to the UTF-16LE file Windows PowerShell's `>` made
    Case("utf16le-then-utf8", MEANT, LE + HEAD.encode("utf-16-le") + TAIL.encode(), encoding.UTF16_THEN_UTF8),
    # cmd's `echo >>` appends in the ANSI code page
    Case("utf16le-then-ansi", MEANT, LE + HEAD.encode("utf-16-le") + TAIL.encode("cp1252"),
         encoding.UTF16_THEN_UTF8),
    Case("utf16le-odd-length", MEANT + "\n", LE + MEANT.encode("utf-16-le") + b"\n", encoding.UTF16_ODD_LENGTH),
    # WSL reads this one (as U+FFFD): `repair` still re-encodes it on request
    Case("cp1252-readable", MEANT, MEANT.encode("cp1252"), encoding.READABLE),
]


def run(config: Path, *args: object) -> CliResult:
    return run_cli("--config", config, *args)


def values_of(config: Path) -> dict[str, Any]:
    """What WSL takes from the file, read back by the reader in a separate process."""
    result = run(config, "show", "--json")
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = parse_json_doc(result)["values"]
    return values


def meant_values(tmp_path: Path, meant: str) -> dict[str, Any]:
    clean = tmp_path / "meant.wslconfig"
    clean.write_bytes(meant.encode("utf-8"))
    return values_of(clean)


@pytest.fixture
def profile_config(tmp_path: Path) -> Path:
    folder = tmp_path / "Users" / "me"
    folder.mkdir(parents=True)
    return folder / ".wslconfig"


# -- repair, by hand --------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_repair_writes_what_was_meant_as_utf8(case: Case, profile_config: Path, tmp_path: Path) -> None:
    config = profile_config
    config.write_bytes(case.raw)
    problem = encoding.decode(case.raw).problem
    assert problem is not None
    assert problem.kind == case.kind

    dry = run(config, "repair", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "dry run: nothing was written" in dry.stdout
    assert "(repaired)" in dry.stdout  # the diff
    assert config.read_bytes() == case.raw
    assert not (config.parent / BACKUPS).exists()

    done = run(config, "--json", "repair")
    assert done.returncode == 0, done.stderr
    doc = parse_json_doc(done)
    repaired = config.read_bytes()
    assert repaired == case.target_bom + case.meant.encode("utf-8")  # every comment and line ending
    assert doc["written"] is True
    assert doc["changes"][0]["action"] == "repair"
    assert doc["repair"]["to"] == ("UTF-8 with BOM" if case.target_bom else "UTF-8")
    backup = Path(doc["backup"])
    assert backup.read_bytes() == case.raw
    assert doc["backup_id"]
    assert backup.name.startswith(doc["backup_id"])
    # the values the person meant, both files re-read by the reader
    assert values_of(config) == meant_values(tmp_path, case.meant)
    assert values_of(config)  # not vacuous: the meant text sets something
    validate = run(config, "validate", "--offline", "--format", "json")
    codes = {f["code"] for f in parse_json_doc(validate)["findings"]}
    assert not codes & {"encoding-unsupported", "encoding-invalid-bytes"}

    again = run(config, "repair")
    assert again.returncode == 0
    assert "nothing to repair" in again.stdout
    assert config.read_bytes() == repaired

    back = run(config, "restore", doc["backup_id"])
    assert back.returncode == 0, back.stderr
    assert config.read_bytes() == case.raw


def test_repair_text_output_names_the_problem_the_diff_and_the_backup(profile_config: Path) -> None:
    config = profile_config
    config.write_bytes(HEAD.encode() + LE + TAIL.encode("utf-16-le"))
    result = run(config, "repair")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "the file mixes two encodings: UTF-8 up to line 6, then UTF-16" in out
    assert f"--- {config} (what WSL reads before the garbage)" in out
    assert f"+++ {config} (repaired)" in out
    assert "+[experimental]" in out
    assert "re-encoded as UTF-8 (it was UTF-8 up to line 6, then UTF-16LE)" in out
    backup_line = next(line for line in out.splitlines() if line.startswith("backup: "))
    assert f"--config {config} restore {Path(backup_line.split()[1]).name.split('-')[0]}" in backup_line


def test_nothing_to_repair(profile_config: Path) -> None:
    missing = run(profile_config, "repair")
    assert (missing.returncode, "there is no file" in missing.stdout) == (0, True)
    profile_config.write_bytes(MEANT.encode())
    fine = run(profile_config, "--json", "repair")
    doc = parse_json_doc(fine)
    assert (doc["changes"], doc["repair"], doc["written"]) == ([], None, False)
    assert profile_config.read_bytes() == MEANT.encode()
    assert not (profile_config.parent / BACKUPS).exists()


# -- the fixes name the repair, exactly ---------------------------------------------------------------

def _run_printed(command: str, cwd: Path) -> CliResult:
    words = shlex.split(command)
    assert words[0] == "wslconfig-assistant"
    return run_cli(*words[1:], cwd=cwd)


@pytest.mark.parametrize("case", [*CASES[:4], CASES[6]], ids=lambda c: c.name)
def test_set_refuses_and_names_the_repair_command_which_works_as_printed(case: Case, tmp_path: Path) -> None:
    # a relative --config with a blank in it: the printed command must carry it, quoted
    folder = tmp_path / "dev box"
    folder.mkdir()
    config = folder / "team.wslconfig"
    config.write_bytes(case.raw)
    refused = run_cli("--config", "dev box/team.wslconfig", "set", "wsl2.virtiofs", "true", cwd=tmp_path)
    assert refused.returncode == 3
    assert config.read_bytes() == case.raw
    fix = next(line for line in refused.stderr.splitlines() if line.strip().startswith("fix: "))
    command = fix.strip().removeprefix("fix: ").split("   (")[0]
    assert command == "wslconfig-assistant --config 'dev box/team.wslconfig' repair"
    # validate's fix is the same command
    validate = run_cli("--config", "dev box/team.wslconfig", "validate", "--offline", "--format", "json",
                       cwd=tmp_path)
    fixes = {f["fix"] for f in parse_json_doc(validate)["findings"] if f["code"] == "encoding-unsupported"}
    assert fixes == {command}
    assert _run_printed(command, tmp_path).returncode == 0
    assert config.read_bytes() == case.target_bom + case.meant.encode()
    again = run_cli("--config", "dev box/team.wslconfig", "set", "wsl2.virtiofs", "true", cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_default_file_fix_has_no_config_option(tmp_path: Path) -> None:
    profile = tmp_path / "Users" / "me"
    profile.mkdir(parents=True)
    (profile / ".wslconfig").write_bytes(BE + MEANT.encode("utf-16-be"))
    env = {"WSLCONFIG_ASSISTANT_PROFILE": str(profile)}
    result = run_cli("validate", "--offline", "--format", "github", env=env)
    assert "title=encoding-unsupported::" in result.stdout
    assert "Fix: wslconfig-assistant repair\n" in result.stdout


# -- where WSL reads the file: lossless edits, the warning stays ---------------------------------------

def test_set_on_a_file_wsl_reads_keeps_the_stray_bytes_and_the_warning(profile_config: Path) -> None:
    config = profile_config
    raw = b"# caf\xe9 cr\xe8me\r\n[wsl2]\r\nmemory=1GB\r\n"
    config.write_bytes(raw)
    result = run(config, "set", "wsl2.memory", "8GB")
    assert result.returncode == 0, result.stderr
    assert config.read_bytes() == raw.replace(b"1GB", b"8GB")
    validate = parse_json_doc(run(config, "validate", "--offline", "--format", "json"))
    warning = next(f for f in validate["findings"] if f["code"] == "encoding-invalid-bytes")
    assert (warning["severity"], warning["line"]) == ("warning", 1)
    assert warning["fix"] == f"wslconfig-assistant --config {config} repair"
    unset = run(config, "unset", "wsl2.memory")
    assert unset.returncode == 0
    assert config.read_bytes() == b"# caf\xe9 cr\xe8me\r\n[wsl2]\r\n"


# -- apply repairs, and says so -------------------------------------------------------------------------

@pytest.mark.parametrize("case", [CASES[0], CASES[3], CASES[6]], ids=lambda c: c.name)
def test_apply_repairs_then_edits_in_one_write(case: Case, profile_config: Path, sim: str) -> None:
    config = profile_config
    config.write_bytes(case.raw)
    env = {"WSLCONFIG_ASSISTANT_WSL_EXE": sim, "WSLCONFIG_ASSISTANT_SIM_STATE": str(config.parent / "sim.json")}
    plan = run_cli("--config", config, "apply", "--dry-run", env=env)
    assert "repair the .wslconfig (WSL cannot read it as written)" in plan.stdout
    assert config.read_bytes() == case.raw
    result = run_cli("--config", config, "apply", "--json", "--no-update", env=env)
    doc = parse_json_doc(result)
    assert doc["changes"][0]["action"] == "repair"
    assert doc["plan"]["repair"] is True
    assert doc["repair"]["from"] == doc["changes"][0]["old"]
    backups = list((config.parent / BACKUPS).iterdir())
    assert len(backups) == 1  # one write: the repair and the edits together
    assert backups[0].read_bytes() == case.raw
    assert doc["backup_id"]
    assert backups[0].name.startswith(doc["backup_id"])
    after = config.read_bytes()
    text = after.decode("utf-8")  # plain UTF-8 now
    assert text.startswith(case.meant.split("\r\n")[0])
    assert encoding.decode(after).problem is None
    values = values_of(config)
    assert values["wsl2.virtiofs"]["value"] is True
    meant = ConfigDocument(None, case.meant.encode()).values_json()
    for key, setting in meant.items():  # what the person wrote still holds, except what apply fixed
        if key not in ("wsl2.memory", "wsl2.virtiofs"):
            assert (values[key]["value"], values[key]["text"]) == (setting["value"], setting["text"])
    # text output says so too, with the backup id; a second run has nothing to repair
    config.write_bytes(case.raw)
    human = run_cli("--config", config, "apply", "--no-update", env=env)
    assert "repaired: re-encoded as UTF-8" in human.stdout
    assert f"repaired {config} (WSL could not read it as written)" in human.stdout
    assert re.search(r"\(undo: wslconfig-assistant .*restore \d{8}T\d{6}", human.stdout)  # the backup id
    quiet = parse_json_doc(run_cli("--config", config, "apply", "--json", "--no-update", env=env))
    assert quiet["changes"] == []
    assert quiet["repair"] is None


def test_apply_repairs_a_readable_file_only_when_an_edit_would_hide_it(profile_config: Path, sim: str) -> None:
    from test_splice import latin1_near_a_read_boundary

    env = {"WSLCONFIG_ASSISTANT_WSL_EXE": sim, "WSLCONFIG_ASSISTANT_SIM_STATE": str(profile_config.parent / "s.json")}
    readable = b"# caf\xe9\r\n[wsl2]\r\nmemory=8GB\r\n"
    profile_config.write_bytes(readable)
    doc = parse_json_doc(run_cli("--config", profile_config, "apply", "--json", "--no-update", env=env))
    assert doc["repair"] is None
    assert profile_config.read_bytes() == readable + b"virtiofs=true\r\n"  # the stray byte stays
    fragile = latin1_near_a_read_boundary(len(b"virtiofs=true\r\n")).replace(b"4GB", b"8GB")
    profile_config.write_bytes(fragile)
    doc = parse_json_doc(run_cli("--config", profile_config, "apply", "--json", "--no-update", env=env))
    assert doc["repair"] is not None
    assert encoding.decode(profile_config.read_bytes()).problem is None
    assert values_of(profile_config)["wsl2.virtiofs"]["value"] is True


# -- properties: whenever a repair is decided, it gives back what was written -------------------------

BREAKS: dict[str, Callable[[str], bytes | None]] = {
    "utf16be-bom": lambda t: BE + t.encode("utf-16-be", "surrogatepass"),
    "utf16le-no-bom": lambda t: t.encode("utf-16-le", "surrogatepass"),
    "utf16be-no-bom": lambda t: t.encode("utf-16-be", "surrogatepass"),
    "cp1252": lambda t: _cp1252(t),  # noqa: PLW0108 - defined below
}


def _cp1252(text: str) -> bytes | None:
    """``text`` as Windows-1252 (Notepad's "ANSI"), when it fits and no two bytes happen to form
    valid UTF-8 (like "Ã©"): such bytes read as UTF-8, a documented limit of the repair."""
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError:
        return None
    accidental = any(not ch.isascii() and not "\udc80" <= ch <= "\udcff"
                     for ch in raw.decode("utf-8", "surrogateescape"))
    return None if accidental else raw


def _mixed(text: str, at: int, *, utf16_first: bool, bom: bool) -> bytes:
    lines = text.splitlines(keepends=True)
    head, tail = "".join(lines[:at]), "".join(lines[at:])
    if utf16_first:
        return LE + head.encode("utf-16-le", "surrogatepass") + tail.encode("utf-8", "surrogatepass")
    return head.encode("utf-8", "surrogatepass") + (LE if bom else b"") + tail.encode("utf-16-le", "surrogatepass")


def check_repair_gives_back(text: str, raw: bytes) -> bool:
    """If the tool decides ``raw`` needs a repair, the repair is ``text`` as UTF-8, read by WSL as
    the clean UTF-8 file of ``text`` is read. Returns whether a repair was decided."""
    doc = ConfigDocument(None, raw)
    if doc.file.problem is None:
        return False
    fixed = reencode.repair(doc)
    assert fixed.after.file.text == text
    assert fixed.after.to_bytes() == text.encode("utf-8")
    clean = ConfigDocument(None, text.encode("utf-8"))
    assert fixed.after.values_json() == clean.values_json()
    assert [(f.code, f.line) for f in fixed.after.evaluation.findings] == [
        (f.code, f.line) for f in clean.evaluation.findings]
    return True


def _plain(text: str) -> bool:
    """Text a person writes in a .wslconfig (no NUL, no surrogate, no BOM character, no Ctrl-Z)."""
    return not any(ch in text for ch in "\x00\ufeff\x1a\uffff") and not any(
        "\ud800" <= ch <= "\udfff" for ch in text)


@wst.budget(150)
@given(wst.wslconfig_files(), st.sampled_from(sorted(BREAKS)))
def test_repair_of_generated_files_gives_back_the_text(f: wst.GeneratedFile, how: str) -> None:
    if not _plain(f.text) or not f.text:
        return
    raw = BREAKS[how](f.text)
    if raw is None:
        return
    decided = check_repair_gives_back(f.text, raw)
    if how == "utf16be-bom":
        assert decided  # WSL can never open these: always repaired


@wst.budget(150)
@given(wst.wslconfig_files(), st.integers(1, 30), st.booleans(), st.booleans())
def test_repair_of_mixed_generated_files_gives_back_the_text(f: wst.GeneratedFile, at: int, utf16_first: bool,
                                                            bom: bool) -> None:
    # What `>>` makes: whole lines (each with its line break) after whole lines, the appended
    # part holding a key or a header, as PowerShell appends them.
    text = f.text if f.text.endswith("\n") else f.text + "\r\n"
    lines = text.splitlines(keepends=True)
    at = 1 + at % max(len(lines) - 1, 1)
    head, tail = "".join(lines[:at]), "".join(lines[at:])
    if not (_plain(text) and head.endswith("\n") and tail.endswith("\n") and ("=" in tail or "[" in tail)):
        return
    if not utf16_first and (sum(ch.isascii() for ch in tail) < 0.9 * len(tail) or len(head.encode()) < 4):
        return  # a UTF-16 append is told apart by its NUL bytes: mostly ASCII, after a few bytes
    assert check_repair_gives_back(text, _mixed(text, at, utf16_first=utf16_first, bom=bom))


CORPUS = [(p.name, p.read_bytes()) for p in wst.corpus_files()]


@pytest.mark.skipif(not CORPUS, reason="no corpus at ../shared/corpus/wslconfig")
@pytest.mark.parametrize("how", [*BREAKS, "ps51-append", "ps7-append"])
def test_every_corpus_file_broken_and_repaired_reads_as_written(how: str) -> None:
    decided = 0
    for name, raw in CORPUS:
        text = raw.decode("utf-8-sig")
        appended = "\r\n[wsl2]\r\nvirtiofs=true\r\n"
        broken: bytes | None
        if how == "ps51-append":  # Windows PowerShell 5.1's `>>`: UTF-16LE with a BOM after UTF-8
            broken = text.encode() + LE + appended.encode("utf-16-le")
            text += appended
        elif how == "ps7-append":  # PowerShell 7's `>>`: UTF-8 after UTF-16LE
            broken = LE + text.encode("utf-16-le") + appended.encode()
            text += appended
        else:
            broken = BREAKS[how](text)
        if broken is None:
            continue
        try:
            decided += check_repair_gives_back(text, broken)
        except AssertionError as exc:
            raise AssertionError(f"{name} ({how})") from exc
    # every corpus file is broken this way and repaired (cp1252: those that fit in the code page
    # and have something beyond ASCII to go wrong)
    fits = [r for _n, r in CORPUS if _cp1252(r.decode("utf-8-sig")) is not None and not r.isascii()]
    expected = {"cp1252": len(fits)}
    assert decided == expected.get(how, len(CORPUS)), how


def test_json_documents_of_repair_match_the_schema(profile_config: Path) -> None:
    import jsonschema
    from conftest import REPO_ROOT

    schema = json.loads((REPO_ROOT / "docs" / "wslconfig-assistant.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    profile_config.write_bytes(CASES[0].raw)
    for args in (("repair", "--dry-run"), ("repair",), ("repair",)):
        doc = parse_json_doc(run(profile_config, "--json", *args))
        assert not list(validator.iter_errors(doc)), doc
