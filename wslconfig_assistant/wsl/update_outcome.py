"""What ``wsl --update [--pre-release]`` did, read from its output in any language.

The reading follows shared/corpus/NOTES-update.md ("How to classify"):

1. language-independent tokens first: ``Error code: Wsl/…`` (whatever the label's
   language), ``Error: 0x…``, the digits of ``(exit code: N)`` and its translations,
   ``Forbidden (403).``;
2. then the dotted version on the line after the "checking" line (``2.5.9.``: the dot
   ends the sentence; ko ``2.6.3(으)로``; ja mid-sentence ``バージョン 2.7.3 に``);
3. only then the localised sentences, taken from the shared table in translations.py.

The process exit code is not trusted (microsoft/WSL#12081: "Updating…" then exit 0 and
nothing installed). The caller reads ``wsl --version`` before and after and passes both;
they outrank anything the output says.

Decisions the corpus left open, and why:

- MSI 1603 is the installer's generic failure. A non-elevated run is its most common cause
  (Error 1925 in the log, microsoft/WSL#10591), so 1603 counts as needs-elevation and the
  message says it is generic and where the log is.
- ``Wsl/UpdatePackage/RPC_S_CALL_FAILED`` (034) is NOT network: 1.x clients updated through
  the Microsoft Store, and it is the local RPC to the Store's install service that failed;
  ``--web-download`` (straight from GitHub) worked for the reporter (microsoft/WSL#10147).
  It is "other" with that fix.
- Every output of the inbox (Windows-image) wsl.exe is "inbox", Windows Update errors
  included (``Error: 0x8024500c``): that client can never reach virtiofs, so the fix is
  the lifted WSL whatever its own update tried. Network error codes are the exception:
  they are "network" in any client, because the manual MSI is in that fix too.
- The inbox stub of Windows 11 24H2 installs the lifted WSL and then hands over to it
  (009, 013): the lifted client's last word decides.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple

from wslconfig_assistant.wsl import translations

__all__ = ["UpdateKind", "UpdateOutcome", "classify_update"]

UpdateKind = Literal[
    "updated",
    "already-latest",
    "reboot-required",
    "needs-elevation",
    "network",
    "busy",
    "not-applied",
    "inbox",
    "other",
    "timed-out",  # stopped by apply's --update-timeout (wslexe killed its process tree)
]

RELEASES_URL = "https://github.com/microsoft/WSL/releases"
LXSS_KEY = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Lxss"

FIX_ELEVATION = (
    "run the terminal as Administrator (the WSL MSI installs per machine), "
    f"or install the MSI from {RELEASES_URL} by hand"
)
FIX_NETWORK = (
    "WSL downloads from api.github.com and github.com: set up the proxy, or point the registry value "
    f"GitHubUrlOverride under {LXSS_KEY} at a mirror, or download the MSI from {RELEASES_URL} "
    "and install it by hand"
)
FIX_BUSY = (
    "wait for the other installation (Windows Update, another MSI) to finish, or restart Windows, "
    "then run `wsl --update` again"
)
FIX_INBOX = f"install WSL from the Store or MSI: `wsl --install` / the MSI from GitHub releases ({RELEASES_URL})"
FIX_NOT_APPLIED = (
    "the new version was not installed (microsoft/WSL#12081; a declined or unseen UAC prompt is the usual cause): "
    f"run the terminal as Administrator and accept the prompt, or install the MSI from {RELEASES_URL} by hand; "
    "then check `wsl --version`"
)
FIX_RESTART = "restart WSL so the new version runs: `wsl --shutdown`"
FIX_REBOOT = "restart Windows, then run `wsl --update` again to confirm"
FIX_OTHER = (
    f"run `wsl --update` in a terminal to read the whole message; if it keeps failing, install the MSI from "
    f"{RELEASES_URL} by hand"
)


class UpdateOutcome(NamedTuple):
    kind: UpdateKind
    target_version: str | None  # the X of "Updating … to version X"
    msi_code: int | None  # the N of "(exit code: N)": the installer's code, not wsl.exe's
    error_code: str | None  # "Wsl/UpdatePackage/E_ABORT", or the hex of "Error: 0x8024500c"
    message: str  # one line for people
    fix: str
    ok: bool


# --- reading the text ---------------------------------------------------------------------

# The installer's code inside parentheses after a label in any language, ASCII or full-width:
# "(exit code: 1603)", "(codice di uscita: 1603)", "(退出代码: 1603)", "(종료 코드: 1603)".
_MSI_CODE = re.compile(r"[(（][^()（）\d:：]{1,40}[:：]\s*(\d{1,10})\s*[)）]")
# WSL's own error code: context path plus code, e.g. Wsl/UpdatePackage/0x80070652.
_WSL_CODE = re.compile(r"\b(Wsl(?:/[A-Za-z0-9_]+)+)")
# "Error: 0x8024500c", "Errore: …", "Erreur : …", "Error : …" (a label, a colon, a HRESULT).
# The lifted client never prints a bare HRESULT after a label: it prints Wsl/…/0x….
_HEX_ERROR = re.compile(r"[:：]\s*(0[xX][0-9A-Fa-f]{8})(?![0-9A-Fa-f])")
_HTTP_STATUS = re.compile(r"\((40[37]|429)\)")
# A WSL release: three or four dotted integers, never part of a longer number.
_VERSION = re.compile(r"(?<![\d.])(\d+\.\d+\.\d+(?:\.\d+)?)(?!\d)")
_LOG_PATH = re.compile(r"[A-Za-z]:\\\S*\.(?:txt|log)\b")
_MARKUP = re.compile(r"\*\*|`")

# Win32/HRESULT codes (as the leaf of Wsl/… or as "Error: 0x…") that mean a download failed.
_NETWORK_CODES = frozenset(
    {
        "0x80072ee7",  # WININET_E_NAME_NOT_RESOLVED
        "0x80072efd",  # WININET_E_CANNOT_CONNECT
        "0x80072ee2",  # WININET_E_TIMEOUT
        "0x80072efe",  # WININET_E_CONNECTION_ABORTED
        "0x80072eff",  # WININET_E_CONNECTION_RESET
        "0x80072f8f",  # ERROR_INTERNET_SECURE_FAILURE: TLS inspection by a proxy
        "0x80072f7d",  # ERROR_INTERNET_SECURITY_CHANNEL_ERROR
        "0x80190193",  # HTTP_E_STATUS_FORBIDDEN (403)
        "0x80190197",  # HTTP_E_STATUS_PROXY_AUTH_REQ (407)
        "wininet_e_name_not_resolved",
        "wininet_e_cannot_connect",
        "wininet_e_timeout",
        "wininet_e_connection_aborted",
        "wininet_e_connection_reset",
        "http_e_status_forbidden",
        "http_e_status_proxy_auth_req",
    }
)
_ELEVATION_CODES = frozenset(
    {
        "e_abort",  # 2.0.x reports a refused per-machine MSI as E_ABORT (021, 022, 027, 031)
        "e_accessdenied",  # 030, even from `sudo pwsh`
        "0x80070005",  # E_ACCESSDENIED
        "error_install_failure",  # the name of MSI 1603
        "0x80070643",  # HRESULT_FROM_WIN32(1603)
        "error_cancelled",  # a declined UAC prompt
        "0x800704c7",  # HRESULT_FROM_WIN32(ERROR_CANCELLED)
        "error_install_userexit",  # MSI 1602: the install was cancelled
        "0x80070642",  # HRESULT_FROM_WIN32(1602)
    }
)
_BUSY_CODES = frozenset({"0x80070652", "error_install_already_running"})  # MSI 1618
_MSI_ELEVATION = frozenset({1602, 1603, 1925})
_MSI_BUSY = frozenset({1618})
_MSI_REBOOT = frozenset({1641, 3010})

# What the few hex codes seen from the inbox client mean (message text only).
_HEX_MEANING = {
    "0x8024500c": "Windows Update is blocked by policy",
    "0x80245006": "Windows Update got an invalid answer, typical behind a proxy",
    "0x80d02002": "the download timed out",
}

# Older clients' wordings, beside the current ones in translations.UPDATE_TEXT.
_EXTRA_UPDATING = ("Linux 用 Windows サブシステムをバージョンに更新しています: {version}。",)  # ja-JP 2.6.x, 016
_UPDATING_NO_VERSION = ("Linux 用 Windows サブシステムを更新しています。",)  # ja-JP 1.1.x, 018

# The inbox wsl.exe (Windows image, 2020-2023), NOTES-update.md §1.B.
_INBOX_SENTENCES = (
    "Checking for updates...",
    "Ricerca aggiornamenti in corso...",
    "Recherche de mises à jour en cours...",
    "正在检查更新...",
    "No updates are available.",
    "Downloading updates...",
    "Installing updates...",
    "Fatal error during installation.",
    "unrecognized option:",
    "[Argument] [Options...]",  # its usage text, shown for an option it does not know (049)
)
# "Installing: Windows Subsystem for Linux" and its translations: the inbox client installing
# the Store package (041-045) or the 24H2 stub installing the MSI (009, 013, with a version).
_PRODUCT_NAMES = (
    "Windows Subsystem for Linux",
    "Windows-Subsystem für Linux",
    "Sous-système Windows pour Linux",
    "Subsistema de Windows para Linux",
    "sottosistema Windows per Linux",
    "Linux 用 Windows サブシステム",
    "Linux용 Windows 하위 시스템",
    "适用于 Linux 的 Windows 子系统",
)
_ACCESS_DENIED = ("Access is denied.", "拒绝访问。")  # the text of E_ACCESSDENIED (048 as SYSTEM, 030)
_NETWORK_SENTENCES = (
    "The server name or address could not be resolved",
    "A connection with the server could not be established",
    "The operation timed out",
    "rate limit exceeded",
)


def _lines(output: str) -> list[str]:
    """The non-blank lines, with the damage that pastes and pipes do undone where it can be."""
    # UTF-16LE read as single bytes leaves a NUL after every ASCII character.
    text = output.replace("\0", "")
    # CRLF is wsl.exe's line end; a lone CR is a progress bar redrawn over (041, 042).
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned: dict[str, str] = {}  # a redrawn progress bar repeats one line thousands of times
    lines = []
    for raw in text.split("\n"):
        line = cleaned.get(raw)
        if line is None:
            line = _MARKUP.sub("", _unspace(raw.strip())).strip()
            line = cleaned[raw] = line.removeprefix(">").strip()  # markdown quote or a bare prompt
        if line:
            lines.append(line)
    return lines


def _unspace(line: str) -> str:
    """``A c c e s s   i s   d e n i e d .`` (048): the NULs of UTF-16LE shown as blanks."""
    if len(line) >= 9 and set(line[1::2]) == {" "}:
        return line[::2]
    return line


def _words(text: str) -> str:
    """A regex for the text with any run of blanks where it has one (pastes double them)."""
    return r"\s+".join(re.escape(w) for w in text.split())


def _sentence(text: str) -> re.Pattern[str]:
    """A sentence anywhere in a line, whatever closes it (011 retyped 。 as ., 018 added "..")."""
    return re.compile(_words(text.strip().rstrip(".。")), re.IGNORECASE)


def _checking(text: str) -> re.Pattern[str]:
    """The lifted client's checking sentence: its closing ./。 optional but never followed by more
    dots, because "Checking for updates." is the lifted client and "Checking for updates..." the inbox one."""
    body = text.strip().rstrip(".。")
    return re.compile(_words(body) + r"\s*[.。]?(?![.。…])", re.IGNORECASE)


def _template(text: str) -> re.Pattern[str]:
    """A sentence with ``{version}`` in it, the version captured."""
    before, _, after = text.partition("{version}")
    after = after.strip().rstrip(".。")
    return re.compile(
        _words(before) + r"\s*(\d+\.\d+\.\d+(?:\.\d+)?)(?![\d])\s*" + _words(after), re.IGNORECASE
    )


class _Patterns(NamedTuple):
    # One alternation per kind of sentence: a long output (progress bars) is searched once a line.
    checking: re.Pattern[str]
    latest: re.Pattern[str]
    updating: tuple[re.Pattern[str], ...]  # each captures the version, so they stay apart
    updating_no_version: re.Pattern[str]
    reboot: re.Pattern[str]
    inbox: re.Pattern[str]
    access_denied: re.Pattern[str]
    network: re.Pattern[str]


def _either(patterns: Iterable[re.Pattern[str]]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)


def _texts(key: str) -> list[str]:
    return sorted({texts[key] for texts in translations.UPDATE_TEXT.values()})


@functools.cache
def _patterns() -> _Patterns:
    # Built on first use, not at import: only the update path pays for it.
    inbox = [re.compile(_words(s), re.IGNORECASE) for s in _INBOX_SENTENCES]
    inbox += [
        re.compile("^" + _words(s.partition("{option}")[0]), re.IGNORECASE)
        for s in translations.INBOX_INVALID_OPTION.values()
    ]
    names = "|".join(_words(n) for n in _PRODUCT_NAMES)
    inbox.append(re.compile(rf"^[^:：]{{1,30}}[:：]\s*(?:{names})(?:\s+\d+(?:\.\d+)+)?\s*$", re.IGNORECASE))
    return _Patterns(
        checking=_either(_checking(s) for s in _texts("checking")),
        latest=_either(_sentence(s) for s in _texts("latest")),
        updating=tuple(_template(s) for s in [*_texts("updating"), *_EXTRA_UPDATING]),
        updating_no_version=_either(_sentence(s) for s in _UPDATING_NO_VERSION),
        reboot=_either(_sentence(s) for s in translations.REBOOT_REQUIRED.values()),
        inbox=_either(inbox),
        access_denied=_either(_sentence(s) for s in _ACCESS_DENIED),
        network=_either(_sentence(s) for s in _NETWORK_SENTENCES),
    )


def _any(lines: Iterable[str], pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(line) for line in lines)


def _first(lines: Iterable[str], pattern: re.Pattern[str]) -> str | None:
    for line in lines:
        m = pattern.search(line)
        if m:
            return m.group(1)
    return None


def _target_version(lines: Sequence[str], unique: Sequence[str], p: _Patterns) -> str | None:
    """The version wsl.exe said it was updating to.

    Language-independent first: the lifted client prints the checking sentence and then
    either "latest" or "Updating … X", so a version on the next line is the target. The
    last check decides (a later run replaces an earlier one). When no check line is
    followed by a version (029 lost its check line) the localised "Updating" sentences decide.
    """
    checks = {line for line in unique if p.checking.search(line)}
    checked = False
    target = None
    for i, line in enumerate(lines[:-1]):
        if line in checks:
            checked = True
            m = _VERSION.search(lines[i + 1])
            target = m.group(1) if m else None
    if checked and target:
        return target
    for line in unique:
        for pattern in p.updating:
            m = pattern.search(line)
            if m:
                return m.group(1)
    return None


def _version_key(text: str | None) -> tuple[int, ...] | None:
    """``2.0.0.0`` -> (2, 0, 0); trailing zeros dropped so 2.0.4 == 2.0.4.0. None if no version."""
    if text is None:
        return None
    m = re.match(r"\s*v?(\d+(?:\.\d+)*)", text)
    if not m:
        return None
    from wslconfig_assistant.wsl.package_version import MAX_PART_DIGITS  # noqa: PLC0415

    if any(len(x) > MAX_PART_DIGITS for x in m.group(1).split(".")):
        return None  # not a version wsl.exe printed; never int() thousands of digits
    parts = [int(x) for x in m.group(1).split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _shown(line: str, limit: int = 100) -> str:
    """A line of output fit for a one-line message: printable, and short (it may be garbage)."""
    text = "".join(c if c.isprintable() else "?" for c in line[:limit])
    return text + "…" if len(line) > limit else text


def _signed(code: int) -> int:
    """4294967295 (how Python and CI runners show wsl.exe's -1) back to -1."""
    return code - (1 << 32) if code >= 1 << 31 else code


def _leaf(error_code: str | None) -> str | None:
    return error_code.rsplit("/", 1)[-1].lower() if error_code else None


# --- the outcomes -------------------------------------------------------------------------


class _Tokens(NamedTuple):
    """What was read from the output, before any decision."""

    lines: list[str]
    unique: list[str]  # the same, each distinct line once: a progress bar floods the output
    target: str | None
    msi: int | None
    error: str | None  # Wsl/…/CODE
    hex_error: str | None  # the HRESULT of "Error: 0x…" (inbox client), when there is no Wsl/… code
    log: str | None  # the MSI log path of "Log file: …"

    @property
    def code(self) -> str | None:
        return self.error or self.hex_error


def _read(output: str, p: _Patterns) -> _Tokens:
    lines = _lines(output)
    unique = list(dict.fromkeys(lines))
    msi_text = _first(unique, _MSI_CODE)
    error = _first(unique, _WSL_CODE)
    log = next((m.group(0) for line in unique if (m := _LOG_PATH.search(line))), None)
    return _Tokens(
        lines=lines,
        unique=unique,
        target=_target_version(lines, unique, p),
        msi=int(msi_text) if msi_text else None,
        error=error,
        hex_error=None if error else _first(unique, _HEX_ERROR),
        log=log,
    )


def _outcome(kind: UpdateKind, t: _Tokens, message: str, fix: str) -> UpdateOutcome:
    ok = kind in ("updated", "already-latest", "reboot-required")
    return UpdateOutcome(kind, t.target, t.msi, t.code, message, fix, ok)


def _codes_text(t: _Tokens) -> str:
    """`` (MSI exit code 1603, error code Wsl/…)``, or nothing."""
    parts = [f"MSI exit code {t.msi}"] if t.msi is not None else []
    parts += [f"error code {t.code}"] if t.code else []
    return f" ({', '.join(parts)})" if parts else ""


def _elevation_message(t: _Tokens) -> str:
    leaf = _leaf(t.error)
    if t.msi == 1603 or leaf in ("error_install_failure", "0x80070643"):
        why = (
            "the WSL installer failed with MSI error 1603; 1603 is generic, and a terminal that is not "
            "elevated is its most common cause"
        )
    elif leaf in ("e_accessdenied", "0x80070005") or (t.msi is None and t.error is None):
        why = "access was denied (seen even from `sudo` and from SYSTEM or remote-run agents)"
    elif t.msi == 1602 or leaf in ("error_cancelled", "0x800704c7", "error_install_userexit", "0x80070642"):
        why = "the installation was cancelled, usually by a declined UAC prompt"
    elif t.msi == 1925:
        why = "the installer lacks the privileges to install for all users (MSI 1925)"
    else:
        why = "the WSL installer was aborted, which on WSL 2.0.x means it was not elevated"
    where = f"; the log {t.log} names the real cause" if t.log else ""
    return f"wsl --update failed: {why}{where}{_codes_text(t)}"


def _by_code(t: _Tokens) -> UpdateOutcome | None:
    """Step 1: the outcome the language-independent tokens decide, if they decide one."""
    leaf = _leaf(t.error)
    http = _first(t.unique, _HTTP_STATUS)
    hex_code = t.hex_error.lower() if t.hex_error else None
    if http or leaf in _NETWORK_CODES or hex_code in _NETWORK_CODES:
        what = f"HTTP {http}" if http else t.code
        hint = " (on CI runners a 403 is usually GitHub's API rate limit)" if http == "403" else ""
        return _outcome("network", t, f"wsl --update could not download the update: {what}{hint}", FIX_NETWORK)
    if t.msi in _MSI_BUSY or leaf in _BUSY_CODES:
        message = f"wsl --update failed: another installation is running (MSI 1618){_codes_text(t)}"
        return _outcome("busy", t, message, FIX_BUSY)
    if t.msi in _MSI_REBOOT:
        message = f"the WSL installer finished and asks for a restart of Windows (MSI {t.msi})"
        return _outcome("reboot-required", t, message, FIX_REBOOT)
    if t.msi in _MSI_ELEVATION or leaf in _ELEVATION_CODES:
        return _outcome("needs-elevation", t, _elevation_message(t), FIX_ELEVATION)
    if leaf == "rpc_s_call_failed":
        return _outcome(
            "other",
            t,
            "wsl --update failed: the call to the Microsoft Store's install service failed (not a network error)",
            "retry with `wsl --update --web-download` (downloads from GitHub instead of the Store), "
            f"or install the MSI from {RELEASES_URL} by hand",
        )
    if leaf == "regdb_e_classnotreg":
        return _outcome(
            "other",
            t,
            "WSL's installation is damaged (a COM class is not registered) and wsl.exe offers to repair it",
            f"let wsl.exe repair it (press a key at its prompt), or reinstall the MSI from {RELEASES_URL}",
        )
    if leaf == "e_invalidarg":
        return _outcome(
            "other",
            t,
            f"wsl --update rejected an option: {_shown(t.lines[0])}",
            "run `wsl --update` or `wsl --update --pre-release` without other options",
        )
    if t.msi is not None or t.error is not None:
        log = f"; see the log {t.log}" if t.log else ""
        return _outcome("other", t, f"wsl --update failed{_codes_text(t)}{log}", FIX_OTHER)
    if t.hex_error:
        meaning = _HEX_MEANING.get(t.hex_error.lower(), "an error of Windows Update or the Store")
        message = (
            f"this is the inbox wsl.exe of the Windows image, and its update failed with {t.hex_error} ({meaning})"
        )
        return _outcome("inbox", t, message, FIX_INBOX)
    return None


def _by_failure_sentence(t: _Tokens, p: _Patterns) -> UpdateOutcome | None:
    """Step 3a: failures that only a (system) sentence names, with no code beside it."""
    if _any(t.unique, p.access_denied):
        return _outcome("needs-elevation", t, _elevation_message(t), FIX_ELEVATION)
    said = next((line for line in t.unique if p.network.search(line)), None)
    if said:
        return _outcome("network", t, f"wsl --update could not download the update: {_shown(said)}", FIX_NETWORK)
    return None


def _updating(t: _Tokens, before: str | None, after: str | None, exit_code: int) -> UpdateOutcome:
    """wsl.exe said "Updating…": whether that happened is for the versions to say, not the exit code."""
    to = f" to {t.target}" if t.target else ""
    b, a, goal = _version_key(before), _version_key(after), _version_key(t.target)
    if b is not None and a is not None:  # after > before was decided earlier
        message = f"wsl --update said it was updating{to}, but the installed version is still {after}"
        return _outcome("not-applied", t, message, FIX_NOT_APPLIED)
    if a is not None and goal is not None:
        if a >= goal:
            return _outcome("updated", t, f"WSL is now at {after}", FIX_RESTART)
        message = f"wsl --update said it was updating{to}, but the installed version is {after}"
        return _outcome("not-applied", t, message, FIX_NOT_APPLIED)
    if exit_code != 0:
        message = f"wsl --update said it was updating{to}, then exited with {_signed(exit_code)} and no error text"
        return _outcome("not-applied", t, message, FIX_NOT_APPLIED)
    message = f"wsl --update reports updating{to} (not verified: compare `wsl --version` before and after)"
    return _outcome("updated", t, message, FIX_RESTART)


def classify_update(
    output: str, exit_code: int, *, before: str | None = None, after: str | None = None
) -> UpdateOutcome:
    """Classify one run of ``wsl --update [--pre-release]``.

    ``output`` is its stdout+stderr as text (CRLF or LF, decoded from UTF-16LE or UTF-8;
    leftover NULs are tolerated), ``exit_code`` the wsl.exe process exit code (4294967295
    and -1 alike). ``before``/``after`` are the WSL versions (``2.8.9.0``) that ``wsl
    --version`` printed before and after the run; when both are given, "updated" needs
    after > before, and after > before is "updated" whatever the output says.
    """
    p = _patterns()
    t = _read(output, p)

    b, a = _version_key(before), _version_key(after)
    if b is not None and a is not None and a > b:
        if _any(t.unique, p.reboot) or t.msi in _MSI_REBOOT:  # updated, but Windows must restart first
            message = f"WSL was updated from {before} to {after}; Windows must restart before the change takes effect"
            return _outcome("reboot-required", t, message, FIX_REBOOT)
        noise = f"; the output also reported{_codes_text(t)}" if _codes_text(t) else ""
        return _outcome("updated", t, f"WSL was updated from {before} to {after}{noise}", FIX_RESTART)

    decided = _by_code(t) or _by_failure_sentence(t, p)
    if decided is not None:
        return decided
    if _any(t.unique, p.reboot):
        message = "the update went through; Windows must restart before the change takes effect"
        return _outcome("reboot-required", t, message, FIX_REBOOT)
    if t.target or _any(t.unique, p.updating_no_version):
        return _updating(t, before, after, exit_code)
    if _any(t.unique, p.latest):
        if exit_code == 0:
            return _outcome(
                "already-latest",
                t,
                "the most recent version of WSL is already installed",
                "none needed; for builds not yet marked latest: `wsl --update --pre-release`",
            )
        message = f"wsl --update said the latest version is installed but exited with {_signed(exit_code)}"
        return _outcome("other", t, message, FIX_OTHER)
    if _any(t.unique, p.inbox):
        message = "this is the inbox wsl.exe of the Windows image, which cannot update to the WSL that has virtiofs"
        return _outcome("inbox", t, message, FIX_INBOX)
    # Nothing recognised. Never "no update": a line and a failing exit code is a failure (046).
    said = f": {_shown(t.lines[-1])}" if t.lines else " and printed nothing"
    if exit_code != 0:
        return _outcome("other", t, f"wsl --update failed with exit code {_signed(exit_code)}{said}", FIX_OTHER)
    return _outcome("other", t, f"wsl --update printed something this tool does not know{said}", FIX_OTHER)
