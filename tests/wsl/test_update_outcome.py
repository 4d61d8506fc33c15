"""classify_update: every `wsl --update` paste of shared/corpus/wsl-update, and synthetic output
in every language of translations.UPDATE_TEXT.

The expected outcome of each corpus file was written by hand from NOTES-update.md, SOURCES.tsv
and the file itself, never from the classifier's output. The exit code and the before/after
versions are what the paste shows; where it shows none, a comment says what was assumed.
"""

from __future__ import annotations

import random
from typing import NamedTuple

import pytest
from conftest import SHARED  # also right under mutmut, whose copy of the tests sits one folder deeper

from wslconfig_assistant.wsl import translations, update_outcome
from wslconfig_assistant.wsl.update_outcome import UpdateOutcome, classify_update

CORPUS = SHARED / "corpus" / "wsl-update"
OK_KINDS = {"updated", "already-latest", "reboot-required"}
FAIL = -1  # the lifted wsl.exe exits -1 on any failure (wsl-source.md §3)


class Case(NamedTuple):
    kind: str
    exit_code: int = 0
    target: str | None = None
    msi: int | None = None
    error: str | None = None
    before: str | None = None
    after: str | None = None


EXPECTED: dict[str, Case] = {
    # A. Already up to date: the checking sentence and the "latest" one, per language.
    "001.txt": Case("already-latest"),
    "002.txt": Case("already-latest"),  # blank line after every line, trailing blanks
    "003.txt": Case("already-latest"),  # tab indentation
    "004.txt": Case("already-latest"),  # fr, followed by a French --version
    "005.txt": Case("already-latest"),  # de, inside a .bat session
    "006.txt": Case("already-latest"),  # es: not in wsltext yet (update_outcome.py carries it)
    "007.txt": Case("already-latest"),  # ru, followed by a --install session
    "008.txt": Case("already-latest"),  # ja
    # Inbox stub of 24H2 installs WSL 2.4.12, then the lifted client checks: its word is the last.
    "009.txt": Case("already-latest"),
    "010.txt": Case("already-latest"),  # zh, run from inside WSL
    "011.txt": Case("already-latest"),  # zh with ASCII "." for "。"
    "012.txt": Case("already-latest"),  # zh, trailing double blank
    # Auto-install, VirtualMachinePlatform enabled, the system reboot sentence, then "latest":
    # the reboot is what the user must still do.
    "013.txt": Case("reboot-required"),
    # "Updating … 2.5.9." and --version is 2.0.0.0 before and after (both in the paste).
    "014.txt": Case("not-applied", 0, "2.5.9", before="2.0.0.0", after="2.0.0.0"),
    # `; echo $?` printed False: a non-zero exit (1 assumed); --version after shows 2.0.0.0.
    "015.txt": Case("not-applied", 1, "2.0.4", after="2.0.0.0"),
    # Updating, no versions pasted: "updated" (unverified) is all the text can say.
    "016.txt": Case("updated", 0, "2.6.3"),  # ja 2.6.x: version after a colon, then 。
    "017.txt": Case("updated", 0, "2.7.3"),  # ja 2.7.x: version mid-sentence
    "018.txt": Case("updated", 0, None),  # ja 1.1.x: no version in the sentence at all
    "019.txt": Case("updated", 0, "2.6.3"),  # ko 2.6.3(으)로 inside **bold**
    # it, progress bar with a decimal comma. The issue says it did not apply; only the caller's
    # versions can show that (test_020_with_unchanged_version_is_not_applied).
    "020.txt": Case("updated", 0, "2.3.22"),
    # MSI failures: 1603 counts as needs-elevation (generic, most often not elevated).
    "021.txt": Case("needs-elevation", FAIL, "2.0.4", 1603, "Wsl/UpdatePackage/E_ABORT"),
    "022.txt": Case("needs-elevation", FAIL, "2.0.3", 1603, "Wsl/UpdatePackage/E_ABORT"),
    "023.txt": Case("needs-elevation", FAIL, "2.0.4", 1603),  # no Log/Error lines (2.0.0)
    "024.txt": Case("busy", FAIL, "2.2.2", 1618, "Wsl/UpdatePackage/0x80070652"),
    "025.txt": Case("needs-elevation", FAIL, "2.5.9", 1603, "Wsl/UpdatePackage/ERROR_INSTALL_FAILURE"),
    # The log blamed a full disk; the text cannot know, 1603 is still read as needs-elevation.
    "026.txt": Case("needs-elevation", FAIL, "2.6.3", 1603, "Wsl/UpdatePackage/ERROR_INSTALL_FAILURE"),
    "027.txt": Case("needs-elevation", FAIL, "2.0.14", 1603, "Wsl/UpdatePackage/E_ABORT"),  # it
    "028.txt": Case("needs-elevation", FAIL, "2.5.10", 1603, "Wsl/UpdatePackage/ERROR_INSTALL_FAILURE"),  # zh
    # ko; the checking line was not pasted, so the target comes from the ko sentence.
    "029.txt": Case("needs-elevation", FAIL, "2.6.1", 1603, "Wsl/UpdatePackage/ERROR_INSTALL_FAILURE"),
    "030.txt": Case("needs-elevation", FAIL, "2.7.3", None, "Wsl/UpdatePackage/E_ACCESSDENIED"),  # sudo pwsh
    "031.txt": Case("needs-elevation", FAIL, None, 1603, "Wsl/CallMsi/E_ABORT"),  # finishing an upgrade
    "032.txt": Case("needs-elevation", FAIL, None, 1603, "Wsl/CallMsi/Install/ERROR_INSTALL_FAILURE"),
    # Damaged install with a repair prompt: no kind fits but "other" (its fix says: repair).
    "033.txt": Case("other", FAIL, None, None, "Wsl/CallMsi/Install/REGDB_E_CLASSNOTREG"),
    # Store RPC failure: decided NOT network (update_outcome.py docstring); "other" with --web-download.
    "034.txt": Case("other", FAIL, None, None, "Wsl/UpdatePackage/RPC_S_CALL_FAILED"),
    # B. The inbox wsl.exe, whatever its own update did.
    "035.txt": Case("inbox", FAIL, error="0x8024500c"),  # it, WU blocked by policy
    "036.txt": Case("inbox", FAIL, error="0x80245006"),  # fr, proxy
    "037.txt": Case("inbox", 0),  # zh, a whole screen collapsed onto one line
    "038.txt": Case("inbox", 0),  # "No updates are available."
    "039.txt": Case("inbox", 0),  # inbox kernel update that worked
    "040.txt": Case("inbox", FAIL),  # "Fatal error during installation."
    "041.txt": Case("inbox", FAIL),  # "Element not found." over the progress bar
    "042.txt": Case("inbox", FAIL, error="0x80240066"),
    "043.txt": Case("inbox", FAIL),  # de "Installation: Windows-Subsystem für Linux"
    "044.txt": Case("inbox", FAIL, error="0x80d02002"),  # a markdown image inside the output
    "045.txt": Case("inbox", FAIL),  # "--update: unrecognized option: pre-release"
    # Download blocked: the only line, exit 4294967295 as the CI runner printed it.
    "046.txt": Case("network", 4294967295),
    "047.txt": Case("network", FAIL),  # after the "must be updated" prompt, and again
    # UTF-16LE shown with a blank for every NUL, run as SYSTEM: E_ACCESSDENIED's text.
    "048.txt": Case("needs-elevation", FAIL),
    # Docker's wrapper; the Russian usage text of an inbox wsl.exe, each UTF-16 unit cut to a byte.
    "049.txt": Case("inbox", 4294967295),
    # An option the lifted 2.7.12 does not know: "other", with a fix that says so.
    "050.txt": Case("other", FAIL, None, None, "Wsl/UpdatePackage/E_INVALIDARG"),
}

@pytest.fixture(autouse=True)
def _fresh_patterns() -> None:
    """The sentence patterns are built once and cached (update_outcome._patterns); each test builds them anew
    (about 1 ms), so that a change to how they are built is seen by every test, under mutmut too."""
    update_outcome._patterns.cache_clear()


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not here ({CORPUS})")


def _read(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def _classify(text: str, case: Case) -> UpdateOutcome:
    return classify_update(text, case.exit_code, before=case.before, after=case.after)


def _check(outcome: UpdateOutcome, case: Case) -> None:
    got = (outcome.kind, outcome.target_version, outcome.msi_code, outcome.error_code)
    assert got == (case.kind, case.target, case.msi, case.error), outcome.message
    assert outcome.ok is (case.kind in OK_KINDS)
    assert outcome.message
    assert "\n" not in outcome.message
    assert outcome.fix


@needs_corpus
def test_every_corpus_file_has_an_expectation() -> None:
    names = {p.name for p in CORPUS.glob("*.txt")}
    assert names == set(EXPECTED)


@needs_corpus
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str) -> None:
    _check(_classify(_read(name), EXPECTED[name]), EXPECTED[name])


@needs_corpus
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_with_crlf(name: str) -> None:
    text = _read(name).replace("\n", "\r\n")
    _check(_classify(text, EXPECTED[name]), EXPECTED[name])


@needs_corpus
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_after_utf16_round_trip(name: str) -> None:
    data = _read(name).replace("\n", "\r\n").encode("utf-16-le")  # what wsl.exe writes
    _check(_classify(data.decode("utf-16-le"), EXPECTED[name]), EXPECTED[name])


@needs_corpus
@pytest.mark.parametrize(
    "name", [n for n in sorted(EXPECTED) if CORPUS.is_dir() and (CORPUS / n).read_bytes().isascii()]
)
def test_ascii_corpus_file_read_as_single_bytes(name: str) -> None:
    # UTF-16LE output read by something that expected one byte per character: NULs everywhere.
    data = _read(name).replace("\n", "\r\n").encode("utf-16-le")
    _check(_classify(data.decode("latin-1"), EXPECTED[name]), EXPECTED[name])


@needs_corpus
def test_corpus_kind_counts() -> None:
    counts: dict[str, int] = {}
    for name, case in EXPECTED.items():
        kind = _classify(_read(name), case).kind
        counts[kind] = counts.get(kind, 0) + 1
    assert counts == {
        "already-latest": 12,
        "reboot-required": 1,
        "not-applied": 2,
        "updated": 5,
        "needs-elevation": 12,
        "busy": 1,
        "other": 3,
        "inbox": 12,
        "network": 2,
    }


@needs_corpus
def test_014_without_versions_is_only_an_unverified_update() -> None:
    outcome = classify_update(_read("014.txt"), 0)
    assert outcome.kind == "updated"
    assert "not verified" in outcome.message


@needs_corpus
def test_020_with_unchanged_version_is_not_applied() -> None:
    outcome = classify_update(_read("020.txt"), 0, before="2.3.17.0", after="2.3.17.0")
    assert (outcome.kind, outcome.ok, outcome.target_version) == ("not-applied", False, "2.3.22")
    assert "12081" in outcome.fix


@needs_corpus
def test_015_fails_without_the_version_too() -> None:
    # No versions, but "Updating…" with a failing exit and no error text never counts as updated.
    assert classify_update(_read("015.txt"), 1).kind == "not-applied"


@needs_corpus
def test_1603_message_says_it_is_generic_and_names_the_log() -> None:
    outcome = classify_update(_read("021.txt"), FAIL)
    assert "generic" in outcome.message
    assert r"C:\Users\jrmar\AppData\Local\Temp\wsl-install-logs.txt" in outcome.message


# --- synthetic output in every language of the shared table --------------------------------

LANGS = sorted(translations.UPDATE_TEXT)
LOG = r"C:\Users\me\AppData\Local\Temp\wsl-install-logs.txt"


def _text(lang: str, key: str, **values: object) -> str:
    return translations.UPDATE_TEXT[lang][key].format(**values)


def _variants(text: str) -> list[str]:
    """The text as LF, as CRLF, and after wsl.exe's UTF-16LE there and back."""
    crlf = text.replace("\n", "\r\n")
    return [text, crlf, crlf.encode("utf-16-le").decode("utf-16-le")]


@pytest.mark.parametrize("lang", LANGS)
def test_latest(lang: str) -> None:
    text = _text(lang, "checking") + "\n" + _text(lang, "latest") + "\n"
    for variant in _variants(text):
        _check(classify_update(variant, 0), Case("already-latest"))


@pytest.mark.parametrize("lang", LANGS)
def test_latest_with_a_failing_exit_is_not_latest(lang: str) -> None:
    text = _text(lang, "checking") + "\n" + _text(lang, "latest") + "\n"
    outcome = classify_update(text, FAIL)
    assert (outcome.kind, outcome.ok) == ("other", False)


@pytest.mark.parametrize("lang", LANGS)
def test_updating_verified_by_versions(lang: str) -> None:
    text = _text(lang, "checking") + "\n" + _text(lang, "updating", version="2.9.4") + "\n"
    for variant in _variants(text):
        _check(
            classify_update(variant, 0, before="2.8.9.0", after="2.9.4.0"),
            Case("updated", target="2.9.4"),
        )
        # The exit code is not trusted: 0 and the same version is an update that did not happen.
        _check(
            classify_update(variant, 0, before="2.8.9.0", after="2.8.9.0"),
            Case("not-applied", target="2.9.4"),
        )
        # Only the version after: compared with the target.
        _check(classify_update(variant, 0, after="2.9.4.0"), Case("updated", target="2.9.4"))
        _check(classify_update(variant, 0, after="2.8.9.0"), Case("not-applied", target="2.9.4"))
        _check(classify_update(variant, FAIL), Case("not-applied", target="2.9.4"))


@pytest.mark.parametrize("lang", LANGS)
def test_updating_without_checking_line(lang: str) -> None:
    # The localised sentence alone still yields the version (corpus 029 lost its checking line).
    text = _text(lang, "updating", version="2.10.1") + "\n"
    _check(classify_update(text, 0, before="2.9.4.0", after="2.10.1.0"), Case("updated", target="2.10.1"))


FAILURES = [
    (1603, "Wsl/UpdatePackage/E_ABORT", "needs-elevation"),
    (1603, "Wsl/UpdatePackage/ERROR_INSTALL_FAILURE", "needs-elevation"),
    (1925, "Wsl/UpdatePackage/ERROR_INSTALL_FAILURE", "needs-elevation"),
    (1618, "Wsl/UpdatePackage/0x80070652", "busy"),
    (1619, "Wsl/UpdatePackage/ERROR_INSTALL_PACKAGE_OPEN_FAILED", "other"),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("msi", "error", "kind"), FAILURES)
def test_msi_failure(lang: str, msi: int, error: str, kind: str) -> None:
    text = "\n".join(
        [
            _text(lang, "checking"),
            _text(lang, "updating", version="2.9.4"),
            _text(lang, "failed", code=msi),
            _text(lang, "log", path=LOG),
            _text(lang, "error_code", code=error),
        ]
    )
    for variant in _variants(text):
        outcome = classify_update(variant, FAIL, before="2.8.9.0", after="2.8.9.0")
        _check(outcome, Case(kind, FAIL, "2.9.4", msi, error))
        if kind == "needs-elevation":
            assert "Administrator" in outcome.fix
            assert "https://github.com/microsoft/WSL/releases" in outcome.fix


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "error",
    ["Wsl/UpdatePackage/E_ACCESSDENIED", "Wsl/UpdatePackage/E_ABORT", "Wsl/CallMsi/Install/ERROR_INSTALL_FAILURE"],
)
def test_error_code_without_msi_code(lang: str, error: str) -> None:
    text = _text(lang, "checking") + "\n" + _text(lang, "error_code", code=error) + "\n"
    _check(classify_update(text, FAIL), Case("needs-elevation", FAIL, error=error))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "error",
    ["Wsl/UpdatePackage/WININET_E_NAME_NOT_RESOLVED", "Wsl/UpdatePackage/0x80072ee7", "Wsl/UpdatePackage/0x80072EFD"],
)
def test_network_error_code(lang: str, error: str) -> None:
    text = _text(lang, "checking") + "\nThe server name or address could not be resolved\n"
    text += _text(lang, "error_code", code=error) + "\n"
    for variant in _variants(text):
        outcome = classify_update(variant, FAIL)
        _check(outcome, Case("network", FAIL, error=error))
        assert "GitHubUrlOverride" in outcome.fix
        assert r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Lxss" in outcome.fix
        assert "proxy" in outcome.fix
        assert "https://github.com/microsoft/WSL/releases" in outcome.fix


def test_forbidden_is_network_never_no_update() -> None:
    for variant in _variants(translations.FORBIDDEN + "\n"):
        outcome = classify_update(variant, 4294967295)
        _check(outcome, Case("network"))
        assert "403" in outcome.message


def test_name_resolution_sentence_alone_is_network() -> None:
    text = "Downloading: Windows Subsystem for Linux 2.5.7\nThe server name or address could not be resolved\n"
    assert classify_update(text, FAIL).kind == "network"


@pytest.mark.parametrize("lang", sorted(translations.REBOOT_REQUIRED))
def test_reboot_required(lang: str) -> None:
    for variant in _variants(translations.REBOOT_REQUIRED[lang] + "\n"):
        _check(classify_update(variant, 0), Case("reboot-required"))


@pytest.mark.parametrize("lang", sorted(translations.REBOOT_REQUIRED))
def test_reboot_after_a_real_update_is_still_reboot_required(lang: str) -> None:
    text = "\n".join(
        [
            _text(lang, "checking"),
            _text(lang, "updating", version="2.9.4"),
            translations.REBOOT_REQUIRED[lang],
        ]
    )
    outcome = classify_update(text, 0, before="2.8.9.0", after="2.9.4.0")
    _check(outcome, Case("reboot-required", target="2.9.4"))
    assert "2.9.4.0" in outcome.message


def test_msi_3010_is_reboot_required() -> None:
    text = "Checking for updates.\nUpdating Windows Subsystem for Linux to version: 2.9.4.\n"
    text += "Update failed (exit code: 3010).\n"
    _check(classify_update(text, 0), Case("reboot-required", 0, "2.9.4", 3010))


@pytest.mark.parametrize("lang", sorted(translations.INBOX_INVALID_OPTION))
def test_inbox_invalid_option(lang: str) -> None:
    text = translations.INBOX_INVALID_OPTION[lang].format(option="--update") + "\n"
    for variant in _variants(text):
        outcome = classify_update(variant, FAIL)
        _check(outcome, Case("inbox", FAIL))
        assert "wsl --install" in outcome.fix


@pytest.mark.parametrize(
    "text",
    [
        "--update: unrecognized option: pre-release\n",
        "Checking for updates...\nNo updates are available.\nKernel version: 5.10.102.1\n",
    ],
)
def test_inbox_shapes(text: str) -> None:
    assert classify_update(text, 0).kind == "inbox"


def test_lifted_invalid_argument_is_other() -> None:
    first, second = translations.INVALID_ARGUMENT["en-US"]
    text = f"{first.format(argument='--inbox')}\n{second}\nError code: Wsl/UpdatePackage/E_INVALIDARG\n"
    outcome = classify_update(text, FAIL)
    assert (outcome.kind, outcome.error_code) == ("other", "Wsl/UpdatePackage/E_INVALIDARG")


# --- the rules around the text ----------------------------------------------------------------


@pytest.mark.parametrize("exit_code", [FAIL, 1, 4294967295])
@pytest.mark.parametrize("line", ["Element not found.", "Something else went wrong.", "Checking for updates."])
def test_one_unknown_line_with_failing_exit_is_a_failure(line: str, exit_code: int) -> None:
    outcome = classify_update(line + "\r\n", exit_code)
    assert (outcome.kind, outcome.ok) == ("other", False)
    assert "-1" in outcome.message or "exit code 1" in outcome.message


@pytest.mark.parametrize("exit_code", [0, FAIL])
def test_nothing_printed_is_not_success(exit_code: int) -> None:
    outcome = classify_update("", exit_code)
    assert (outcome.kind, outcome.ok) == ("other", False)


def test_a_higher_version_after_is_updated_whatever_the_text() -> None:
    outcome = classify_update("", FAIL, before="2.8.9.0", after="2.8.10.0")  # 10 > 9 as numbers
    assert (outcome.kind, outcome.ok) == ("updated", True)
    outcome = classify_update("Update failed (exit code: 1603).\n", FAIL, before="2.9.4", after="2.10.0.0")
    assert (outcome.kind, outcome.msi_code) == ("updated", 1603)


def test_progress_bar_redrawn_with_carriage_returns() -> None:
    text = (
        "Checking for updates.\r\nUpdating Windows Subsystem for Linux to version: 2.9.4.\r\n"
        "[====          25.0%          ]\r[==========   100.0%          ]\r\n"
    )
    _check(classify_update(text, 0, before="2.8.9.0", after="2.9.4.0"), Case("updated", target="2.9.4"))


def test_version_token_shapes() -> None:
    cases = {
        "Updating Windows Subsystem for Linux to version: 2.5.9.": "2.5.9",  # the dot ends the sentence
        "正在更新适用于 Linux 的 Windows 子系统: 2.5.10。": "2.5.10",
        "Linux 用 Windows サブシステムをバージョン 2.7.3 に更新しています。": "2.7.3",
        "Linux용 Windows 하위 시스템 버전을 2.6.3(으)로 업데이트하는 중입니다.": "2.6.3",
        "Windows-Subsystem für Linux wird auf Version 2.9.4 aktualisiert.": "2.9.4",
    }
    for line, version in cases.items():
        assert classify_update(line, 0).target_version == version


def test_version_output_after_the_update_is_not_the_target() -> None:
    # 014's shape: --version printed after "Updating…"; its 4-part numbers must not be read as targets.
    text = "Checking for updates.\nThe most recent version of Windows Subsystem for Linux is already installed.\n"
    text += "WSL version: 2.9.4.0\nKernel version: 6.18.35.2-1\n"
    outcome = classify_update(text, 0)
    assert (outcome.kind, outcome.target_version) == ("already-latest", None)


def test_a_flood_of_progress_bars() -> None:
    bar = "[=                          2.5%                           ]"
    text = "Checking for updates.\r\n" + f"{bar}\r\n" * 50_000 + "Update failed (exit code: 1603).\r\n"
    outcome = classify_update(text, FAIL)
    assert (outcome.kind, outcome.msi_code) == ("needs-elevation", 1603)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-8", "latin-1"])
def test_garbage_is_other_with_a_short_printable_message(encoding: str) -> None:
    data = random.Random(12081).randbytes(40_001)  # noqa: S311 - test data, not secrets
    outcome = classify_update(data.decode(encoding, errors="replace"), FAIL)
    assert (outcome.kind, outcome.ok) == ("other", False)
    assert outcome.message.isprintable()
    assert len(outcome.message) < 200


# --- every decision, pinned whole: kind, codes, message and the fix's commands -----------------
# (the mutation run of update_outcome.py showed which of them no test held; each row names its rule)

RELEASES = "https://github.com/microsoft/WSL/releases"
FIX_ELEVATION = (
    "run the terminal as Administrator (the WSL MSI installs per machine), "
    f"or install the MSI from {RELEASES} by hand"
)
FIX_NETWORK = (
    "WSL downloads from api.github.com and github.com: set up the proxy, or point the registry value "
    rf"GitHubUrlOverride under HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Lxss at a mirror, or download the MSI "
    f"from {RELEASES} and install it by hand"
)
FIX_BUSY = (
    "wait for the other installation (Windows Update, another MSI) to finish, or restart Windows, "
    "then run `wsl --update` again"
)
FIX_INBOX = f"install WSL from the Store or MSI: `wsl --install` / the MSI from GitHub releases ({RELEASES})"
FIX_NOT_APPLIED = (
    "the new version was not installed (microsoft/WSL#12081; a declined or unseen UAC prompt is the usual cause): "
    f"run the terminal as Administrator and accept the prompt, or install the MSI from {RELEASES} by hand; "
    "then check `wsl --version`"
)
FIX_RESTART = "restart WSL so the new version runs: `wsl --shutdown`"
FIX_REBOOT = "restart Windows, then run `wsl --update` again to confirm"
FIX_OTHER = (
    f"run `wsl --update` in a terminal to read the whole message; if it keeps failing, install the MSI from "
    f"{RELEASES} by hand"
)
FIX_LATEST = "none needed; for builds not yet marked latest: `wsl --update --pre-release`"
NOT_ELEVATED_1603 = (
    "wsl --update failed: the WSL installer failed with MSI error 1603; 1603 is generic, and a terminal that is not "
    "elevated is its most common cause"
)
DENIED = "wsl --update failed: access was denied (seen even from `sudo` and from SYSTEM or remote-run agents)"
CANCELLED = "wsl --update failed: the installation was cancelled, usually by a declined UAC prompt"
CODE = "Error code: Wsl/UpdatePackage/"


class Whole(NamedTuple):
    rule: str
    output: str
    exit_code: int
    kind: str
    msi: int | None
    error: str | None
    message: str
    fix: str


WHOLE = [
    Whole("HTTP 403 is network; on CI runners it is GitHub's rate limit", "Forbidden (403).", FAIL, "network",
          None, None,
          "wsl --update could not download the update: HTTP 403 (on CI runners a 403 is usually GitHub's API rate "
          "limit)", FIX_NETWORK),
    Whole("HTTP 407 (proxy authentication) is network", "Proxy Authentication Required (407).", FAIL, "network",
          None, None, "wsl --update could not download the update: HTTP 407", FIX_NETWORK),
    Whole("HTTP 429 (rate limited) is network", "Too Many Requests (429).", FAIL, "network", None, None,
          "wsl --update could not download the update: HTTP 429", FIX_NETWORK),
    Whole("a WinINet HRESULT as Wsl/... leaf is network", CODE + "0x80072ee7", FAIL, "network", None,
          "Wsl/UpdatePackage/0x80072ee7",
          "wsl --update could not download the update: Wsl/UpdatePackage/0x80072ee7", FIX_NETWORK),
    Whole("a WinINet HRESULT after 'Error:' (any case) is network even from the inbox client",
          "Error: 0x80072EFD", FAIL, "network", None, "0x80072EFD",
          "wsl --update could not download the update: 0x80072EFD", FIX_NETWORK),
    Whole("MSI 1618 is busy", "Update failed (exit code: 1618).\n" + CODE + "0x80070652", FAIL, "busy", 1618,
          "Wsl/UpdatePackage/0x80070652",
          "wsl --update failed: another installation is running (MSI 1618) (MSI exit code 1618, error code "
          "Wsl/UpdatePackage/0x80070652)", FIX_BUSY),
    Whole("ERROR_INSTALL_ALREADY_RUNNING without an MSI code is busy", CODE + "ERROR_INSTALL_ALREADY_RUNNING", FAIL,
          "busy", None, "Wsl/UpdatePackage/ERROR_INSTALL_ALREADY_RUNNING",
          "wsl --update failed: another installation is running (MSI 1618) (error code "
          "Wsl/UpdatePackage/ERROR_INSTALL_ALREADY_RUNNING)", FIX_BUSY),
    Whole("MSI 1641 (the installer restarts Windows) is reboot-required", "Update failed (exit code: 1641).", 0,
          "reboot-required", 1641, None,
          "the WSL installer finished and asks for a restart of Windows (MSI 1641)", FIX_REBOOT),
    Whole("MSI 1603 is generic; the log is named", "Update failed (exit code: 1603).\nLog file: " + LOG + "\n"
          + CODE + "E_ABORT", FAIL, "needs-elevation", 1603, "Wsl/UpdatePackage/E_ABORT",
          f"{NOT_ELEVATED_1603}; the log {LOG} names the real cause (MSI exit code 1603, error code "
          "Wsl/UpdatePackage/E_ABORT)", FIX_ELEVATION),
    Whole("HRESULT_FROM_WIN32(1603) is MSI 1603", CODE + "0x80070643", FAIL, "needs-elevation", None,
          "Wsl/UpdatePackage/0x80070643", f"{NOT_ELEVATED_1603} (error code Wsl/UpdatePackage/0x80070643)",
          FIX_ELEVATION),
    Whole("ERROR_INSTALL_FAILURE is MSI 1603 by name", CODE + "ERROR_INSTALL_FAILURE", FAIL, "needs-elevation",
          None, "Wsl/UpdatePackage/ERROR_INSTALL_FAILURE",
          f"{NOT_ELEVATED_1603} (error code Wsl/UpdatePackage/ERROR_INSTALL_FAILURE)", FIX_ELEVATION),
    Whole("E_ACCESSDENIED as a HRESULT", CODE + "0x80070005", FAIL, "needs-elevation", None,
          "Wsl/UpdatePackage/0x80070005", f"{DENIED} (error code Wsl/UpdatePackage/0x80070005)", FIX_ELEVATION),
    Whole("E_ACCESSDENIED by name", CODE + "E_ACCESSDENIED", FAIL, "needs-elevation", None,
          "Wsl/UpdatePackage/E_ACCESSDENIED", f"{DENIED} (error code Wsl/UpdatePackage/E_ACCESSDENIED)",
          FIX_ELEVATION),
    Whole("E_ACCESSDENIED's text alone (048, as SYSTEM)", "Access is denied.", FAIL, "needs-elevation", None, None,
          DENIED, FIX_ELEVATION),
    Whole("E_ACCESSDENIED's zh-CN text alone", "拒绝访问。", FAIL, "needs-elevation", None, None, DENIED,
          FIX_ELEVATION),
    Whole("MSI 1602 is a cancelled install", "Update failed (exit code: 1602).", FAIL, "needs-elevation", 1602, None,
          f"{CANCELLED} (MSI exit code 1602)", FIX_ELEVATION),
    Whole("ERROR_CANCELLED (a declined UAC prompt)", CODE + "ERROR_CANCELLED", FAIL, "needs-elevation", None,
          "Wsl/UpdatePackage/ERROR_CANCELLED", f"{CANCELLED} (error code Wsl/UpdatePackage/ERROR_CANCELLED)",
          FIX_ELEVATION),
    Whole("HRESULT_FROM_WIN32(ERROR_CANCELLED)", CODE + "0x800704C7", FAIL, "needs-elevation", None,
          "Wsl/UpdatePackage/0x800704C7", f"{CANCELLED} (error code Wsl/UpdatePackage/0x800704C7)", FIX_ELEVATION),
    Whole("ERROR_INSTALL_USEREXIT (MSI 1602 by name)", CODE + "ERROR_INSTALL_USEREXIT", FAIL, "needs-elevation",
          None, "Wsl/UpdatePackage/ERROR_INSTALL_USEREXIT",
          f"{CANCELLED} (error code Wsl/UpdatePackage/ERROR_INSTALL_USEREXIT)", FIX_ELEVATION),
    Whole("HRESULT_FROM_WIN32(1602)", CODE + "0x80070642", FAIL, "needs-elevation", None,
          "Wsl/UpdatePackage/0x80070642", f"{CANCELLED} (error code Wsl/UpdatePackage/0x80070642)", FIX_ELEVATION),
    Whole("MSI 1925: no privileges to install for all users", "Update failed (exit code: 1925).", FAIL,
          "needs-elevation", 1925, None,
          "wsl --update failed: the installer lacks the privileges to install for all users (MSI 1925) (MSI exit "
          "code 1925)", FIX_ELEVATION),
    Whole("E_ABORT on 2.0.x is a refused per-machine install", CODE + "E_ABORT", FAIL, "needs-elevation", None,
          "Wsl/UpdatePackage/E_ABORT",
          "wsl --update failed: the WSL installer was aborted, which on WSL 2.0.x means it was not elevated (error "
          "code Wsl/UpdatePackage/E_ABORT)", FIX_ELEVATION),
    Whole("RPC_S_CALL_FAILED is the Store's install service, not network (microsoft/WSL#10147)",
          CODE + "RPC_S_CALL_FAILED", FAIL, "other", None, "Wsl/UpdatePackage/RPC_S_CALL_FAILED",
          "wsl --update failed: the call to the Microsoft Store's install service failed (not a network error)",
          "retry with `wsl --update --web-download` (downloads from GitHub instead of the Store), "
          f"or install the MSI from {RELEASES} by hand"),
    Whole("REGDB_E_CLASSNOTREG: a damaged install that wsl.exe offers to repair",
          "Error code: Wsl/CallMsi/Install/REGDB_E_CLASSNOTREG", FAIL, "other", None,
          "Wsl/CallMsi/Install/REGDB_E_CLASSNOTREG",
          "WSL's installation is damaged (a COM class is not registered) and wsl.exe offers to repair it",
          f"let wsl.exe repair it (press a key at its prompt), or reinstall the MSI from {RELEASES}"),
    Whole("E_INVALIDARG: the option is rejected; the first line is shown",
          "Invalid command line argument: --inbox\n" + CODE + "E_INVALIDARG", FAIL, "other", None,
          "Wsl/UpdatePackage/E_INVALIDARG",
          "wsl --update rejected an option: Invalid command line argument: --inbox",
          "run `wsl --update` or `wsl --update --pre-release` without other options"),
    Whole("another MSI code is a failure that names the log", "Update failed (exit code: 1619).\nLog file: " + LOG,
          FAIL, "other", 1619, None, f"wsl --update failed (MSI exit code 1619); see the log {LOG}", FIX_OTHER),
    Whole("another Wsl/... code is a failure", CODE + "ERROR_FOO", FAIL, "other", None, "Wsl/UpdatePackage/ERROR_FOO",
          "wsl --update failed (error code Wsl/UpdatePackage/ERROR_FOO)", FIX_OTHER),
    Whole("an inbox Windows Update HRESULT keeps its meaning", "Errore: 0x8024500c", FAIL, "inbox", None,
          "0x8024500c",
          "this is the inbox wsl.exe of the Windows image, and its update failed with 0x8024500c (Windows Update is "
          "blocked by policy)", FIX_INBOX),
    Whole("an inbox HRESULT's meaning is looked up whatever its case", "Erreur : 0x80D02002", FAIL, "inbox", None,
          "0x80D02002",
          "this is the inbox wsl.exe of the Windows image, and its update failed with 0x80D02002 (the download "
          "timed out)", FIX_INBOX),
    Whole("an unknown inbox HRESULT", "Error: 0x80240066", FAIL, "inbox", None, "0x80240066",
          "this is the inbox wsl.exe of the Windows image, and its update failed with 0x80240066 (an error of "
          "Windows Update or the Store)", FIX_INBOX),
    Whole("a WinINet sentence alone is network", "A connection with the server could not be established", FAIL,
          "network", None, None,
          "wsl --update could not download the update: A connection with the server could not be established",
          FIX_NETWORK),
    Whole("the inbox client's own sentences", "Checking for updates...\nNo updates are available.", 0, "inbox",
          None, None,
          "this is the inbox wsl.exe of the Windows image, which cannot update to the WSL that has virtiofs",
          FIX_INBOX),
    Whole("'latest' with exit 0", "Checking for updates.\n" + translations.UPDATE_TEXT["en-US"]["latest"], 0,
          "already-latest", None, None, "the most recent version of WSL is already installed", FIX_LATEST),
    Whole("'latest' with a failing exit is a failure", translations.UPDATE_TEXT["en-US"]["latest"], 4294967295, "other",
          None, None, "wsl --update said the latest version is installed but exited with -1", FIX_OTHER),
    Whole("the system's reboot sentence", translations.REBOOT_REQUIRED["en-US"], 0, "reboot-required", None, None,
          "the update went through; Windows must restart before the change takes effect", FIX_REBOOT),
    Whole("an unknown line and a failing exit", "Element not found.", 4294967295, "other", None, None,
          "wsl --update failed with exit code -1: Element not found.", FIX_OTHER),
    Whole("an unknown line and exit 0: the last line is shown", "Something\nElement not found.", 0, "other", None,
          None, "wsl --update printed something this tool does not know: Element not found.", FIX_OTHER),
    Whole("nothing at all and exit 0", "", 0, "other", None, None,
          "wsl --update printed something this tool does not know and printed nothing", FIX_OTHER),
]


@pytest.mark.parametrize("case", WHOLE, ids=[c.rule for c in WHOLE])
def test_whole_outcome(case: Whole) -> None:
    outcome = classify_update(case.output + "\r\n", case.exit_code)
    assert outcome == UpdateOutcome(
        case.kind, None, case.msi, case.error, case.message, case.fix, case.kind in OK_KINDS
    ), outcome.message


class Updating(NamedTuple):
    rule: str
    output: str
    exit_code: int
    before: str | None
    after: str | None
    kind: str
    target: str | None
    message: str


UPDATING = "Checking for updates.\nUpdating Windows Subsystem for Linux to version: 2.9.4.\n"
UPDATING_CASES = [
    Updating("the same version before and after: not applied, whatever the exit code", UPDATING, 0,
             "2.8.9.0", "2.8.9.0", "not-applied", "2.9.4",
             "wsl --update said it was updating to 2.9.4, but the installed version is still 2.8.9.0"),
    Updating("only the version after, at the target", UPDATING, 0, None, "2.9.4.0", "updated", "2.9.4",
             "WSL is now at 2.9.4.0"),
    Updating("only the version after, past the target", UPDATING, 0, None, "2.10.0.0", "updated", "2.9.4",
             "WSL is now at 2.10.0.0"),
    Updating("only the version after, below the target", UPDATING, 0, None, "2.8.9.0", "not-applied", "2.9.4",
             "wsl --update said it was updating to 2.9.4, but the installed version is 2.8.9.0"),
    Updating("only the version before: the exit code decides, 0 is an unverified update", UPDATING, 0, "2.8.9.0",
             None, "updated", "2.9.4",
             "wsl --update reports updating to 2.9.4 (not verified: compare `wsl --version` before and after)"),
    Updating("no versions and exit 1: not applied", UPDATING, 1, None, None, "not-applied", "2.9.4",
             "wsl --update said it was updating to 2.9.4, then exited with 1 and no error text"),
    Updating("no versions and exit 4294967295: shown as -1", UPDATING, 4294967295, None, None, "not-applied",
             "2.9.4", "wsl --update said it was updating to 2.9.4, then exited with -1 and no error text"),
    Updating("ja 1.1.x says it is updating with no version (018)", "Linux 用 Windows サブシステムを更新しています。",
             0, None, None, "updated", None,
             "wsl --update reports updating (not verified: compare `wsl --version` before and after)"),
    Updating("ja 1.1.x, failing exit", "Linux 用 Windows サブシステムを更新しています。", FAIL, None, None,
             "not-applied", None, "wsl --update said it was updating, then exited with -1 and no error text"),
    Updating("a higher version after decides, the output's codes are only noted",
             UPDATING + "Update failed (exit code: 1603).\nError code: Wsl/UpdatePackage/E_ABORT", FAIL, "2.8.9.0",
             "2.9.4.0", "updated", "2.9.4",
             "WSL was updated from 2.8.9.0 to 2.9.4.0; the output also reported (MSI exit code 1603, error code "
             "Wsl/UpdatePackage/E_ABORT)"),
    Updating("a higher version after, nothing else to note", UPDATING, 0, "2.8.9.0", "2.9.4.0", "updated", "2.9.4",
             "WSL was updated from 2.8.9.0 to 2.9.4.0"),
    Updating("a higher version after and MSI 3010: Windows must restart", UPDATING + "Update failed (exit code: 3010).",
             0, "2.8.9.0", "2.9.4.0", "reboot-required", "2.9.4",
             "WSL was updated from 2.8.9.0 to 2.9.4.0; Windows must restart before the change takes effect"),
]


@pytest.mark.parametrize("case", UPDATING_CASES, ids=[c.rule for c in UPDATING_CASES])
def test_updating_outcome(case: Updating) -> None:
    outcome = classify_update(case.output, case.exit_code, before=case.before, after=case.after)
    fix = {"updated": FIX_RESTART, "not-applied": FIX_NOT_APPLIED, "reboot-required": FIX_REBOOT}[case.kind]
    assert outcome == UpdateOutcome(
        case.kind, case.target, outcome.msi_code, outcome.error_code, case.message, fix, case.kind != "not-applied"
    )


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        ("v2.8.9.0", "v2.9.4.0", "updated"),  # a leading "v" (as in release tags) is read
        ("2.0.4.0", "2.0.5.0", "updated"),  # trailing zeros only are dropped, not inner ones
        ("2.8.0.1", "2.8.0.2", "updated"),
        ("2.9.4.0", "2.9.4.1", "updated"),  # a trailing 1 is a part, not a zero
        ("2.9.4", "2.9.4.0", "not-applied"),  # 2.9.4 == 2.9.4.0
        ("3", "3.0.0.0", "not-applied"),  # 3 == 3.0.0.0
        ("2.9.4.0", "2.9.4.999999999999999999", "updated"),  # 18 digits: still a version (MAX_PART_DIGITS)
        ("2.9.4.0", "2.9.4.9999999999999999999", "unverified"),  # 19 digits: no version wsl.exe printed
        ("10.0.26100.4349", "10.0.26100.4350", "updated"),  # parts of any length up to the cap
    ],
)
def test_versions_compare_as_numbers(before: str, after: str, kind: str) -> None:
    """before/after decide (microsoft/WSL#12081: the exit code is not trusted); compared part by part as numbers."""
    outcome = classify_update(UPDATING, 0, before=before, after=after)
    if kind == "unverified":  # as if no version after had been given
        assert outcome.message == classify_update(UPDATING, 0, before=before).message
    elif kind == "updated":  # decided by the versions, not by the text
        assert outcome.message == f"WSL was updated from {before} to {after}"
    else:
        still = f"wsl --update said it was updating to 2.9.4, but the installed version is still {after}"
        assert outcome.message == still
    assert outcome.kind == kind.replace("unverified", "updated")


def test_target_is_the_version_on_the_line_after_the_checking_line_in_any_language() -> None:
    """NOTES-update.md step 2: a sentence not in the table (here Finnish) still yields the target."""
    for check in ("Checking for updates.", "Checking for updates", "checking for UPDATES."):
        outcome = classify_update(f"{check}\nPäivitetään versioon 2.9.4.", 0)
        assert (outcome.kind, outcome.target_version) == ("updated", "2.9.4"), check


def test_target_after_a_warning_between_checking_and_updating() -> None:
    """The line after the checking line holds no version: the localised "Updating" sentence decides."""
    text = "Checking for updates.\nwsl: a warning printed by the service\n" + UPDATING.split("\n")[1]
    assert classify_update(text, 0).target_version == "2.9.4"


@pytest.mark.parametrize(
    "line",
    [
        "Windows-Subsystem für Linux wird auf Version 2.9.4 aktualisiert",  # paste lost the closing dot
        "Linux 用 Windows サブシステムをバージョン 2.9.4 に更新しています.",  # 。 retyped as . (011)
        "updating windows subsystem for linux to version: 2.9.4",  # retyped, lower case
    ],
)
def test_updating_sentence_alone_whatever_closes_it(line: str) -> None:
    assert classify_update(line, 0).target_version == "2.9.4"


@pytest.mark.parametrize(
    "text",
    [
        "The most recent version of Windows Subsystem for Linux is already installed",  # no closing dot
        "THE MOST RECENT VERSION OF WINDOWS SUBSYSTEM FOR LINUX IS ALREADY INSTALLED.",
    ],
)
def test_latest_sentence_whatever_closes_it_and_its_case(text: str) -> None:
    assert classify_update(text, 0).kind == "already-latest"


def test_reboot_sentence_without_its_closing_dot() -> None:
    text = translations.REBOOT_REQUIRED["en-US"].rstrip(".")
    assert classify_update(text, 0).kind == "reboot-required"


def test_inbox_answer_quoted_with_a_prompt_mark() -> None:
    """A leading ">" (markdown quote, bare prompt) is dropped before the anchored inbox sentences are tried."""
    assert classify_update("> Invalid command line option: --update", FAIL).kind == "inbox"


def test_wsl_code_outranks_a_bare_hresult_elsewhere() -> None:
    """The lifted client's Wsl/... code decides; a "...: 0x80072EFD" on another line is not read beside it."""
    text = "Update failed (exit code: 1603).\nEarlier download failed: 0x80072EFD\n" + CODE + "ERROR_INSTALL_FAILURE"
    outcome = classify_update(text, FAIL)
    assert (outcome.kind, outcome.error_code) == ("needs-elevation", "Wsl/UpdatePackage/ERROR_INSTALL_FAILURE")


def test_shortest_spaced_utf16_line() -> None:
    """UTF-16LE shown with blanks for NULs: 9 characters ("( 4 0 3 )") is the shortest line taken back."""
    assert classify_update("( 4 0 3 )", FAIL).kind == "network"


def test_last_line_shown_after_a_progress_bar_redrawn_with_cr() -> None:
    """041/042: the inbox client's error is printed over its progress bar after a lone CR."""
    outcome = classify_update("[====      25.0%      ]\r`Element not found.`\r\n", FAIL)
    assert outcome.message == "wsl --update failed with exit code -1: Element not found."


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("x" * 100, "x" * 100),
        ("x" * 101, "x" * 100 + "…"),
        ("bad\x1b[31m byte", "bad?[31m byte"),
    ],
)
def test_unknown_line_is_shown_printable_and_at_most_100_characters(line: str, shown: str) -> None:
    outcome = classify_update(line, FAIL)
    assert outcome.message == f"wsl --update failed with exit code -1: {shown}"


def test_exit_codes_shown_signed() -> None:
    """wsl.exe's exit code is a DWORD: 2147483648 and above are negative as signed."""
    assert classify_update("x", 2147483648).message == "wsl --update failed with exit code -2147483648: x"
    assert classify_update("x", 2147483647).message == "wsl --update failed with exit code 2147483647: x"
