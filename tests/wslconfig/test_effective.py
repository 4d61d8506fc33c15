"""effective.evaluate: what WSL will use from the file, and every problem it warns
about (or silently gets wrong), with CONTRACT.md finding codes and lines.

Inputs are bytes; documents are built with ConfigDocument(None, raw), whose
``evaluation`` is effective.evaluate(decode(raw), reader.parse(wsl_text)).
"""

from __future__ import annotations

import pytest

from wslconfig_assistant.core import policy
from wslconfig_assistant.core.findings import ERROR_CODES, WARNING_CODES, Finding
from wslconfig_assistant.wslconfig import effective, reader
from wslconfig_assistant.wslconfig.document import ConfigDocument
from wslconfig_assistant.wslconfig.encoding import decode, new_file

GB = 1 << 30
MB = 1 << 20


def doc(raw: bytes | str) -> ConfigDocument:
    return ConfigDocument(None, raw.encode() if isinstance(raw, str) else raw)


def found(raw: bytes | str) -> list[tuple[str, int | None]]:
    return sorted(((f.code, f.line) for f in doc(raw).evaluation.findings), key=lambda f: (f[1] or 0, f[0]))


def findings_of(raw: bytes | str, code: str) -> list[Finding]:
    return [f for f in doc(raw).evaluation.findings if f.code == code]


def value(raw: bytes | str, key: str) -> object:
    setting = doc(raw).settings.get(key)
    return None if setting is None else setting.value


def values(raw: bytes | str) -> dict[str, object]:
    return doc(raw).values_json()


# ---------------------------------------------------------------------------------------
# Duplicates and aliases: first wins, even when invalid
# ---------------------------------------------------------------------------------------


def test_first_occurrence_wins_even_when_invalid() -> None:
    raw = "[wsl2]\nmemory=4gb\nmemory=4GB\n"
    assert found(raw) == [("memory-invalid", 2), ("duplicate-key", 3)]
    assert "wsl2.memory" not in values(raw)


def test_first_valid_occurrence_wins() -> None:
    raw = "[wsl2]\nmemory=4GB\nMemory=8GB\n"
    assert values(raw) == {"wsl2.memory": {"value": 4 * GB, "line": 2, "text": "4GB"}}
    (dup,) = findings_of(raw, "duplicate-key")
    assert (dup.line, dup.key, dup.severity) == (3, "wsl2.memory", "warning")
    assert "line 2" in dup.message


def test_aliases_share_one_slot() -> None:
    raw = "[experimental]\nnetworkingMode=mirrored\n[wsl2]\nnetworkingMode=nat\n"
    assert values(raw) == {"wsl2.networkingmode": {"value": "Mirrored", "line": 2, "text": "mirrored"}}
    assert found(raw) == [("duplicate-key", 4)]


def test_alias_slot_with_an_invalid_first_keeps_the_default() -> None:
    raw = "[wsl2]\nfirewall=notabool\n[experimental]\nfirewall=true\n"
    assert found(raw) == [("invalid-value", 2), ("duplicate-key", 4)]
    assert values(raw) == {}


@pytest.mark.parametrize("key", ["dnsTunneling", "firewall", "autoProxy", "networkingMode"])
def test_legacy_experimental_spellings_fold_into_wsl2(key: str) -> None:
    raw_value = "nat" if key == "networkingMode" else "false"
    result = values(f"[experimental]\n{key}={raw_value}\n")
    assert list(result) == [f"wsl2.{key.lower()}"]


def test_occurrences_list_every_entry_of_a_key_in_order() -> None:
    ev = doc("[experimental]\nnetworkingMode=mirrored\n[wsl2]\nnetworkingMode=nat\nNETWORKINGMODE=none\n").evaluation
    assert [e.line for e in ev.occurrences["wsl2.networkingmode"]] == [2, 4, 5]


# ---------------------------------------------------------------------------------------
# Sections and names
# ---------------------------------------------------------------------------------------


def test_rejected_header_with_the_same_prefix_still_sets_wsl2_memory() -> None:
    raw = "[wsl2]\n[wsl2_settings]\nmemory=4GB\n"
    assert values(raw) == {"wsl2.memory": {"value": 4 * GB, "line": 3, "text": "4GB"}}
    assert found(raw) == [("invalid-line", 2)]


def test_garbled_prefix_gives_unknown_key_wsl2() -> None:
    raw = "[experimental]\n[wsl2-vm]\nmemory=4GB\n"
    assert values(raw) == {}
    assert found(raw) == [("invalid-line", 2), ("unknown-key", 3)]
    (unknown,) = findings_of(raw, "unknown-key")
    assert unknown.key == "wsl2"
    assert "line 2" in unknown.message


def test_garbled_prefix_gives_unknown_key_ab() -> None:
    raw = "[general]\n[ab-c]\nmemory=4GB\n"
    (unknown,) = findings_of(raw, "unknown-key")
    assert (unknown.key, unknown.line) == ("ab", 3)


def test_wslg_section_breaks_the_header() -> None:
    raw = "[wsl2]\nguiApplications=true\n[system-distro-env]\nmemory=4GB\n"
    assert found(raw) == [("invalid-line", 3), ("unknown-key", 4)]
    (header,) = findings_of(raw, "invalid-line")
    assert ".wslgconfig" in header.fix
    assert values(raw) == {"wsl2.guiapplications": {"value": True, "line": 2, "text": "true"}}


def test_header_with_junk_after_the_bracket_is_rejected() -> None:
    raw = "[experimental]\n[wsl2] x\nmemory=4GB\n"
    assert found(raw) == [("invalid-line", 2), ("unknown-key", 3)]
    assert values(raw) == {}


def test_semicolon_line_is_a_semicolon_comment_finding() -> None:
    raw = "[wsl2]\n; memory=2GB\n"
    assert found(raw) == [("semicolon-comment", 2)]
    assert findings_of(raw, "semicolon-comment")[0].severity == "warning"


def test_key_before_any_section() -> None:
    raw = "memory=17825792000\n[wsl2]\n"
    assert found(raw) == [("key-outside-section", 1)]
    (outside,) = findings_of(raw, "key-outside-section")
    assert (outside.key, outside.severity) == ("memory", "error")
    assert "[wsl2]" in outside.fix


@pytest.mark.parametrize("line", ["networking_mode=nat", "vm-idle-timeout=1", "wsl2.memory=4GB", "mémory=4GB"])
def test_bad_key_names_are_invalid_lines(line: str) -> None:
    raw = f"[wsl2]\n{line}\n"
    assert found(raw) == [("invalid-line", 2)]
    assert values(raw) == {}


def test_underscore_key_gets_a_did_you_mean() -> None:
    (finding,) = findings_of("[wsl2]\nnetworking_mode=nat\n", "invalid-line")
    assert "networkingMode" in finding.fix


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("[boot]\nsystemd=true\n", "boot.systemd"),
        ("[wsl]\nmemory=4GB\n", "wsl.memory"),
        ("[wsl2]\nsparseVhd=true\n", "wsl2.sparseVhd"),
        ("[experimental]\nmemory=4GB\n", "experimental.memory"),
        ("[interop]\nappendWindowsPath=false\n", "interop.appendWindowsPath"),
    ],
)
def test_wrong_section(raw: str, key: str) -> None:
    (finding,) = doc(raw).evaluation.findings
    assert (finding.code, finding.key, finding.line, finding.severity) == ("wrong-section", key, 2, "error")


def test_unknown_key_with_a_suggestion() -> None:
    (finding,) = doc("[wsl2]\nmemroy=4GB\n").evaluation.findings
    assert (finding.code, finding.line, finding.severity) == ("unknown-key", 2, "warning")
    assert "wsl2.memory" in finding.fix


def test_key_and_section_names_match_case_insensitively() -> None:
    assert values("[WSL2]\nMEMORY=4GB\nVirtioFS=TRUE\n") == {
        "wsl2.memory": {"value": 4 * GB, "line": 2, "text": "4GB"},
        "wsl2.virtiofs": {"value": True, "line": 3, "text": "TRUE"},
    }


# ---------------------------------------------------------------------------------------
# Values through the file
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("8GB", 8 * GB),
        ("8", 8),  # bytes; WSL clamps it to 256MB later
        ("-1", (1 << 64) - 1),
        ("007GB", 7 * GB),
        ('" 8GB"', 8 * GB),
        ("0", 0),
        ("4G # half", 4 * GB),
    ],
)
def test_memory_values(written: str, expected: int) -> None:
    assert value(f"[wsl2]\nmemory={written}\n", "wsl2.memory") == expected


@pytest.mark.parametrize("written", ["8gb", "8GiB", "8 GB", '"8 GB"', "8.5GB", "00", '"8GB "', "", "'8GB'"])
def test_invalid_memory_is_memory_invalid(written: str) -> None:
    raw = f"[wsl2]\nmemory={written}\n"
    assert found(raw) == [("memory-invalid", 2)]
    (finding,) = doc(raw).evaluation.findings
    assert (finding.key, finding.severity) == ("wsl2.memory", "error")
    assert values(raw) == {}


def test_other_invalid_sizes_are_invalid_value() -> None:
    assert found("[wsl2]\nswap=8gb\n[experimental]\nswiotlb=64mb\n") == [("invalid-value", 2), ("invalid-value", 4)]


def test_swap_wraps_to_zero() -> None:
    assert values("[wsl2]\nswap=17179869184GB\n") == {
        "wsl2.swap": {"value": 0, "line": 2, "text": "17179869184GB"},
    }


def test_size_fix_suggests_a_valid_spelling() -> None:
    (finding,) = doc("[wsl2]\nmemory=8gb\n").evaluation.findings
    assert "8GB" in finding.fix


@pytest.mark.parametrize(
    ("line", "key", "expected"),
    [
        ("vmIdleTimeout=060000", "wsl2.vmidletimeout", 24576),
        ("vmIdleTimeout=99999999999", "wsl2.vmidletimeout", 2147483647),
        ("dhcpTimeout=0xFFFFFFFF", "wsl2.dhcptimeout", 2147483647),
        ("processors=+4", "wsl2.processors", 4),
        ('kernelDebugPort="  5"', "wsl2.kerneldebugport", 5),
        ("maxCrashDumpCount=-1", "wsl2.maxcrashdumpcount", -1),
    ],
)
def test_integer_values(line: str, key: str, expected: int) -> None:
    raw = f"[wsl2]\n{line}\n"
    assert value(raw, key) == expected
    assert found(raw) == []


@pytest.mark.parametrize(
    "line", ["processors=08", "processors=4.0", "processors=", 'processors="5 "', "processors=four"]
)
def test_invalid_integers(line: str) -> None:
    assert found(f"[wsl2]\n{line}\n") == [("invalid-value", 2)]


@pytest.mark.parametrize("written", ["yes", "on", "t", '"true "', "enabled", "2"])
def test_invalid_booleans(written: str) -> None:
    raw = f"[wsl2]\nvirtiofs={written}\n"
    assert found(raw) == [("invalid-value", 2)]
    assert values(raw) == {}


@pytest.mark.parametrize(
    ("written", "expected"), [("true", True), ("TRUE", True), ("1", True), ("False", False), ("0", False)]
)
def test_booleans(written: str, expected: bool) -> None:
    assert value(f"[wsl2]\nvirtiofs={written}\n", "wsl2.virtiofs") is expected


def test_enum_ignores_case_and_trailing_blanks() -> None:
    raw = "[experimental]\nautoMemoryReclaim=dropcache \t\n[wsl2]\nnetworkingMode=MIRRORED\n"
    assert values(raw) == {
        "experimental.automemoryreclaim": {"value": "DropCache", "line": 2, "text": "dropcache"},
        "wsl2.networkingmode": {"value": "Mirrored", "line": 4, "text": "MIRRORED"},
    }


def test_enum_mirror_is_invalid() -> None:
    raw = "[wsl2]\nnetworkingMode=mirror\n"
    assert found(raw) == [("invalid-value", 2)]
    assert "Mirrored" in doc(raw).evaluation.findings[0].fix


@pytest.mark.parametrize("mode", ["VirtioProxy", "Consomme", "virtioproxy"])
def test_virtio_proxy_and_consomme_are_accepted(mode: str) -> None:
    assert value(f"[wsl2]\nnetworkingMode={mode}\n", "wsl2.networkingmode") in ("VirtioProxy", "Consomme")


def test_ignored_ports_are_lenient_per_entry() -> None:
    raw = "[experimental]\nignoredPorts=1.5,80abc,0x50,3000\n"
    assert values(raw) == {
        "experimental.ignoredports": {"value": [1, 80, 3000], "line": 2, "text": "1.5,80abc,0x50,3000"},
    }
    assert found(raw) == [("invalid-value", 2)]
    assert "0x50" in doc(raw).evaluation.findings[0].message


def test_ignored_ports_every_bad_entry_is_named() -> None:
    (finding,) = doc("[experimental]\nignoredPorts=0x50,a,70000,22\n").evaluation.findings
    assert all(bad in finding.message for bad in ("0x50", "'a'", "70000"))


def test_dns_tunneling_ip_invalid_turns_dns_tunneling_off() -> None:
    raw = "[wsl2]\ndnsTunneling=true\n[experimental]\ndnsTunnelingIpAddress=010.1.1.1\n"
    assert found(raw) == [("invalid-value", 4)]
    assert value(raw, "wsl2.dnstunneling") is False
    assert "experimental.dnstunnelingipaddress" not in values(raw)


def test_dns_tunneling_after_the_invalid_ip_turns_it_back_on() -> None:
    raw = "[experimental]\ndnsTunnelingIpAddress=010.1.1.1\n[wsl2]\ndnsTunneling=true\n"
    assert found(raw) == [("invalid-value", 2)]
    assert values(raw) == {"wsl2.dnstunneling": {"value": True, "line": 4, "text": "true"}}


def test_dns_tunneling_invalid_after_the_invalid_ip_stays_off() -> None:
    raw = "[experimental]\ndnsTunnelingIpAddress=1.2.3\n[wsl2]\ndnsTunneling=yes\n"
    assert found(raw) == [("invalid-value", 2), ("invalid-value", 4)]
    assert value(raw, "wsl2.dnstunneling") is False


def test_valid_dns_tunneling_ip() -> None:
    assert values("[experimental]\ndnsTunnelingIpAddress=10.255.255.254\n") == {
        "experimental.dnstunnelingipaddress": {"value": "10.255.255.254", "line": 2, "text": "10.255.255.254"},
    }


def test_invalid_mac_address_stops_reading() -> None:
    raw = "[wsl2]\nmemory=4GB\nmacAddress=00:15:5D:01:02\nswap=0\nbogus=1\nmemory=8GB\n"
    assert values(raw) == {"wsl2.memory": {"value": 4 * GB, "line": 2, "text": "4GB"}}
    codes = found(raw)
    assert codes
    assert all(code == ("invalid-value", 3) for code in codes)
    assert any("does not start" in f.message for f in doc(raw).evaluation.findings)


def test_valid_mac_address() -> None:
    raw = "[wsl2]\nmacAddress=00-15-5d-01-02-03\nswap=0\n"
    assert found(raw) == []
    assert set(values(raw)) == {"wsl2.macaddress", "wsl2.swap"}


# ---------------------------------------------------------------------------------------
# NUL, Ctrl-Z, U+FFFF, non-ASCII
# ---------------------------------------------------------------------------------------


def test_nul_ends_a_value() -> None:
    raw = b"[wsl2]\nmemory=4GB\x00junk\nswap=\x001GB\n"
    assert value(raw, "wsl2.memory") == 4 * GB
    assert found(raw) == [("invalid-value", 3)]


def test_ctrl_z_ends_the_file() -> None:
    raw = b"[wsl2]\r\nmemory=4GB\r\n\x1a\r\nvirtiofs=true\r\n"
    assert set(values(raw)) == {"wsl2.memory"}
    assert found(raw) == [("invalid-line", 3)]


def test_ctrl_z_at_the_end_is_harmless() -> None:
    raw = b"[wsl2]\r\nmemory=4GB\r\n\x1a"
    assert found(raw) == []
    assert set(values(raw)) == {"wsl2.memory"}


def test_u_ffff_is_a_silent_line_break() -> None:
    raw = "[wsl2]\nmemory=4GB\uffffswap=1GB\nprocessors=2\n"
    assert found(raw) == []
    assert {k: v["line"] for k, v in values(raw).items()} == {  # type: ignore[index]
        "wsl2.memory": 2,
        "wsl2.swap": 3,
        "wsl2.processors": 4,
    }


def test_non_ascii_is_mangled() -> None:
    raw = "[wsl2]\nvmSwitch=José\nprocessors=İ\ndebugConsole=ı\nkernelCommandLine=aĀb\nswapFile=日本\n"
    assert values(raw) == {
        "wsl2.vmswitch": {"value": "Jos\ufffd", "line": 2, "text": "José"},
        "wsl2.processors": {"value": 0, "line": 3, "text": "İ"},
        "wsl2.debugconsole": {"value": True, "line": 4, "text": "ı"},
        "wsl2.kernelcommandline": {"value": "a", "line": 5, "text": "aĀb"},
        "wsl2.swapfile": {"value": "\ufffd,", "line": 6, "text": "日本"},
    }
    # Typed keys too: `ı` silently turns debugConsole on, `İ` reads as 0 processors.
    assert found(raw) == [("non-ascii-value", n) for n in (2, 3, 4, 5, 6)]


def test_non_ascii_that_empties_a_typed_value() -> None:
    assert found("[wsl2]\nmemory=Ā8GB\n") == [("memory-invalid", 2)]


# ---------------------------------------------------------------------------------------
# Escapes in paths, kernel, virtio9p
# ---------------------------------------------------------------------------------------


def test_single_backslash_drops_the_line_with_invalid_escape() -> None:
    raw = "[wsl2]\nkernel=C:\\Users\\me\\bzImage\n"
    assert found(raw) == [("invalid-escape", 2)]
    (finding,) = doc(raw).evaluation.findings
    assert finding.severity == "error"
    assert "\\\\" in finding.fix
    assert values(raw) == {}


def test_tab_escape_in_a_path_is_reported() -> None:
    raw = "[wsl2]\nswapFile=C:\\temp\\\\swap.vhdx\n"
    assert values(raw) == {
        "wsl2.swapfile": {"value": "C:\temp\\swap.vhdx", "line": 2, "text": "C:\\temp\\\\swap.vhdx"},
    }
    assert found(raw) == [("escape-in-path", 2)]


def test_newline_and_backspace_escapes_in_a_kernel_path() -> None:
    raw = "[wsl2]\nkernel=C:\\new\\bzImage\n"
    assert value(raw, "wsl2.kernel") == "C:\new\bzImage"
    assert found(raw) == [("custom-kernel", 2), ("escape-in-path", 2)]


def test_tab_escape_in_a_plain_string_is_not_a_path_problem() -> None:
    raw = "[wsl2]\nkernelCommandLine=a\\tb\n"
    assert value(raw, "wsl2.kernelcommandline") == "a\tb"
    assert found(raw) == []


def test_backslash_lone_cr_is_removed_without_a_finding() -> None:
    raw = b"[wsl2]\nkernelCommandLine=ab\\\rcd\n"
    assert values(raw) == {"wsl2.kernelcommandline": {"value": "abcd", "line": 2, "text": "ab\\\rcd"}}
    assert found(raw) == []


def test_unterminated_quote_is_an_invalid_line() -> None:
    assert found('[wsl2]\nkernelCommandLine="abc\n') == [("invalid-line", 2)]


def test_quoted_values_keep_their_quotes_in_text() -> None:
    raw = '[wsl2]\nkernelCommandLine="a # b"   # c\nvmSwitch=a"b c"d\nsystemDistro="a""b"\n'
    assert values(raw) == {
        "wsl2.kernelcommandline": {"value": "a # b", "line": 2, "text": '"a # b"'},
        "wsl2.vmswitch": {"value": "ab cd", "line": 3, "text": 'a"b c"d'},
        "wsl2.systemdistro": {"value": "ab", "line": 4, "text": '"a""b"'},
    }


def test_continued_value_is_reported_on_its_last_line() -> None:
    raw = "[wsl2]\nkernelCommandLine=console=ttyS0 \\\n    loglevel=7\nmemory=4\\\nXB\n"
    setting = doc(raw).settings["wsl2.kernelcommandline"]
    assert (setting.value, setting.entry.line) == ("console=ttyS0     loglevel=7", 3)
    assert found(raw) == [("memory-invalid", 5)]


def test_virtio9p_true_is_ignored_by_wsl() -> None:
    assert found("[wsl2]\nvirtio9p=true\n") == [("setting-ignored", 2)]
    assert found("[wsl2]\nvirtio9p=false\n") == []


def test_custom_kernel() -> None:
    raw = "[wsl2]\nkernel=C:\\\\wsl\\\\bzImage\n"
    assert value(raw, "wsl2.kernel") == "C:\\wsl\\bzImage"
    (finding,) = doc(raw).evaluation.findings
    assert (finding.code, finding.line, finding.key, finding.severity) == ("custom-kernel", 2, "wsl2.kernel", "warning")


def test_empty_kernel_is_the_bundled_kernel() -> None:
    raw = "[wsl2]\nkernel=\n"
    assert found(raw) == []
    assert value(raw, "wsl2.kernel") == ""


def test_kernel_modules_without_kernel() -> None:
    assert found("[wsl2]\nkernelModules=C:\\\\m.vhdx\n") == [("invalid-value", 2)]
    assert found("[wsl2]\nkernel=C:\\\\k\nkernelModules=C:\\\\m.vhdx\n") == [("custom-kernel", 2)]


# ---------------------------------------------------------------------------------------
# Encodings and evaluate() directly
# ---------------------------------------------------------------------------------------


def test_encoding_problem_is_a_finding() -> None:
    raw = b"\xfe\xff" + "[wsl2]\r\nmemory=4GB\r\n".encode("utf-16-be")
    ev = doc(raw).evaluation
    assert [(f.code, f.line, f.severity) for f in ev.findings] == [("encoding-unsupported", None, "error")]
    assert ev.settings == {}
    assert ev.occurrences == {}


def test_evaluate_without_a_parse() -> None:
    tf = decode(b"\xfe\xff\x00[")
    ev = effective.evaluate(tf, None)
    assert [f.code for f in ev.findings] == ["encoding-unsupported"]


def test_evaluate_an_empty_new_file() -> None:
    ev = effective.evaluate(new_file(), reader.parse(""))
    assert (ev.settings, ev.findings, ev.occurrences) == ({}, [], {})


def test_setting_as_json_and_values_json_shape() -> None:
    d = doc("[wsl2]\r\nVirtioFS = True # fast\r\nmemory=8GB\r\n")
    setting = d.settings["wsl2.virtiofs"]
    assert setting.spec.name == "wsl2.virtiofs"
    assert setting.as_json() == {"value": True, "line": 2, "text": "True"}
    assert list(d.values_json()) == ["wsl2.memory", "wsl2.virtiofs"]  # sorted, lowercase ids


def test_every_finding_has_a_message_a_fix_and_the_contract_severity() -> None:
    raw = (
        "memory=1GB\n; x\n[wsl2]\nmemory=8gb\nmemory=8GB\nkernel=C:\\Users\\x\nswapFile=C:\\temp\\\\s\n"
        "virtio9p=true\nvmSwitch=José\nbogus=1\nkernel=C:\\\\k\n[boot]\nsystemd=true\n[bad-header]\nswap=0\n"
    )
    findings = doc(raw).evaluation.findings
    codes = {f.code for f in findings}
    assert codes >= {
        "key-outside-section",
        "semicolon-comment",
        "memory-invalid",
        "duplicate-key",
        "invalid-escape",
        "escape-in-path",
        "setting-ignored",
        "non-ascii-value",
        "unknown-key",
        "wrong-section",
        "invalid-line",
        "custom-kernel",
    }
    for f in findings:
        assert f.message
        assert f.fix
        assert f.line is not None
        if f.code in ERROR_CODES:
            assert f.severity == "error", f
        elif f.code in WARNING_CODES:
            assert f.severity == "warning", f
    contract_errors = {"memory-invalid", "invalid-value", "invalid-escape", "encoding-unsupported"}
    contract_errors |= {"wrong-section", "key-outside-section"}
    assert contract_errors <= ERROR_CODES
    assert {"unknown-key", "duplicate-key", "semicolon-comment"} <= WARNING_CODES


# ---------------------------------------------------------------------------------------
# The policy checks on top (ConfigDocument.findings)
# ---------------------------------------------------------------------------------------


def policy_codes(raw: bytes | str, host_memory: int | None = 16 * GB) -> list[tuple[str, int | None]]:
    checks = {"virtiofs-disabled", "virtiofs-overridden", "memory-too-low", "memory-no-swiotlb"}
    return [(f.code, f.line) for f in doc(raw).findings(policy.DEFAULT, host_memory) if f.code in checks]


def test_compliant_config_has_no_policy_findings() -> None:
    assert policy_codes("[wsl2]\nvirtiofs=true\nmemory=8GB\n") == []


def test_virtiofs_not_set_or_false() -> None:
    assert policy_codes("[wsl2]\nmemory=8GB\n") == [("virtiofs-disabled", None)]
    assert policy_codes("[wsl2]\nvirtiofs=false\n") == [("virtiofs-disabled", 2)]
    # An invalid value leaves the default (false).
    assert policy_codes("[wsl2]\nvirtiofs=yes\n") == [("virtiofs-disabled", 2)]  # the line WSL rejects


def test_virtiofs_overridden_by_virtio_false_or_safe_mode() -> None:
    assert policy_codes("[wsl2]\nvirtiofs=true\nvirtio=false\nsafeMode=true\n") == [
        ("virtiofs-overridden", 3),
        ("virtiofs-overridden", 4),
    ]


@pytest.mark.parametrize("memory", ["1GB", "1024MB", "8", "512MB"])
def test_memory_at_or_below_one_gb_is_too_low(memory: str) -> None:
    assert policy_codes(f"[wsl2]\nvirtiofs=true\nmemory={memory}\n") == [("memory-too-low", 3)]


def test_memory_just_above_one_gb_lacks_the_swiotlb_pool() -> None:
    assert policy_codes("[wsl2]\nvirtiofs=true\nmemory=1080MB\n") == [("memory-no-swiotlb", 3)]
    assert policy_codes("[wsl2]\nvirtiofs=true\nmemory=1088MB\n") == []
    assert policy_codes("[wsl2]\nvirtiofs=true\nmemory=1080MB\n[experimental]\nswiotlb=64MB\n") == []


def test_default_memory_is_judged_against_the_host() -> None:
    assert policy_codes("[wsl2]\nvirtiofs=true\n", host_memory=2 * GB) == [("memory-too-low", None)]
    assert policy_codes("[wsl2]\nvirtiofs=true\nmemory=0\n", host_memory=16 * GB) == []
    assert policy_codes("[wsl2]\nvirtiofs=true\n", host_memory=None) == []


def test_file_wsl_cannot_open_is_judged_on_defaults() -> None:
    raw = b"\xfe\xff" + "[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n".encode("utf-16-be")
    assert policy_codes(raw) == [("virtiofs-disabled", None)]


# ---------------------------------------------------------------------------------------
# Each finding in full: code, line, key, what it says WSL does, and the exact fix
# (mutation testing, TESTING.md: a changed fix, key, line or stated rule fails here)
# ---------------------------------------------------------------------------------------


def full(raw: bytes | str) -> list[tuple[str, int | None, str | None, str, str]]:
    """Findings in the order evaluate() returns them (top to bottom), nothing left out."""
    return [(f.code, f.line, f.key, f.message, f.fix) for f in doc(raw).evaluation.findings]


def test_every_line_wsl_rejects_with_its_rule_and_fix() -> None:
    """WSL's line grammar: `;` is no comment, only \\\\ \\" \\b \\n \\t are escapes, a header is
    [letters and digits] then blanks or #, a key is [A-Za-z][A-Za-z0-9]* then '=', a quote must
    close. Each rejected line is named by its own text (cut to 60 characters, trimmed)."""
    raw = (
        "[wsl2]\n; x\nkernel=C:\\\\x\\a\n[ws l2]\n[wsl2] x\n[wsl2\nkernelCommandLine=\"abc\nwsl2.memory=4GB\n"
        "a.wsl2.memory=4GB\nnetworking_mode=nat\nzz_qq=1\ns_w_a_p=1\ns-w-a-p=1\ns w a p=1\nvmSwitXé=1\n"
        "networkingmode\n=5\n==\n=" + "x" * 70 + "\n;X\r\n[system-distro-env]\n=last"
    )
    rejected = "; the keys below it stay in the previous section"
    names = "section names are letters and digits only, e.g. [wsl2] or [experimental]"
    unreadable = "a line must be a [section], a key=value or a # comment"
    comment_it = "fix the line or turn it into a comment with #"
    assert full(raw) == [
        ("semicolon-comment", 2, None, "';' does not start a comment in .wslconfig: WSL skips `; x` as an invalid key",
         "start the line with # instead of ;"),
        ("invalid-escape", 3, None, "`\\a` is not an escape WSL knows, so it drops the whole line `kernel=C:\\\\x\\a`",
         "write every backslash twice (C:\\\\Users\\\\me) or use / instead"),
        ("invalid-line", 4, None, f"WSL rejects the section header `[ws l2]`{rejected}", names),
        ("invalid-line", 5, None, f"WSL rejects the section header `[wsl2] x`{rejected}",
         "put nothing but blanks or a # comment after the closing ]"),
        ("invalid-line", 6, None, f"WSL rejects the section header `[wsl2`{rejected}", names),
        ("invalid-line", 7, None, 'an unterminated double quote makes WSL drop the line `kernelCommandLine="abc`',
         'close the quote, or escape a literal quote as \\"'),
        ("invalid-line", 8, None, "WSL cannot read the key in `wsl2.memory=4GB`, so it drops the line",
         "write the key without its section, under [wsl2]: memory=..."),
        ("invalid-line", 9, None, "WSL cannot read the key in `a.wsl2.memory=4GB`, so it drops the line",
         "write the key without its section, under [a]: memory=..."),
        ("invalid-line", 10, None, "WSL cannot read the key in `networking_mode=nat`, so it drops the line",
         "key names are letters and digits only; did you mean wsl2.networkingMode?"),
        ("invalid-line", 11, None, "WSL cannot read the key in `zz_qq=1`, so it drops the line",
         "key names are letters and digits only"),
        ("invalid-line", 12, None, "WSL cannot read the key in `s_w_a_p=1`, so it drops the line",
         "key names are letters and digits only; did you mean wsl2.swap?"),
        ("invalid-line", 13, None, "WSL cannot read the key in `s-w-a-p=1`, so it drops the line",
         "key names are letters and digits only; did you mean wsl2.swap?"),
        ("invalid-line", 14, None, "WSL cannot read the key in `s w a p=1`, so it drops the line",
         "key names are letters and digits only; did you mean wsl2.swap?"),
        ("invalid-line", 15, None, "WSL cannot read the key in `vmSwitXé=1`, so it drops the line",
         "key names are ASCII letters and digits only"),
        ("invalid-line", 16, None, "`networkingmode` has no '=': WSL drops the line",
         "write it as key=value, or comment it out with #"),
        ("invalid-line", 17, None, f"WSL cannot read `=5`: {unreadable}", comment_it),
        ("invalid-line", 18, None, f"WSL cannot read `==`: {unreadable}", comment_it),
        ("invalid-line", 19, None, f"WSL cannot read `={'x' * 59}`: {unreadable}", comment_it),
        ("semicolon-comment", 20, None, "';' does not start a comment in .wslconfig: WSL skips `;X` as an invalid key",
         "start the line with # instead of ;"),
        ("invalid-line", 21, None, f"WSL rejects the section header `[system-distro-env]`{rejected}",
         "move WSLg's [system-distro-env] section to %USERPROFILE%\\.wslgconfig"),
        ("invalid-line", 22, None, f"WSL cannot read `=last`: {unreadable}", comment_it),
    ]


def test_backslash_at_the_end_of_the_file_is_an_invalid_escape() -> None:
    """WSL's escape reader: a backslash with nothing after it drops its line."""
    assert full("[wsl2]\nkernel=C:\\\\x\\") == [
        ("invalid-escape", 2, None,
         "`\\<end of file>` is not an escape WSL knows, so it drops the whole line `kernel=C:\\\\x\\`",
         "write every backslash twice (C:\\\\Users\\\\me) or use / instead"),
    ]


def test_every_entry_wsl_ignores_or_rejects_with_its_rule_and_fix() -> None:
    """WSL's key table: keys before any section, unknown keys, wsl.conf sections, keys in the
    wrong section, first occurrence wins, each value type's parser and its fix, the ignoredPorts
    leniency, virtio9p forced off, kernelModules needing kernel, and an invalid macAddress last."""
    raw = (
        "bogus=1\nmemory=1\n[wsl2]\nzzqqxx=1\nmemroy=4GB\n[boot]\nsystemd=true\n[experimental]\nmemory=4GB\n"
        "[wsl2]\nvirtiofs=2\nprocessors=four\nswap=lots\nnetworkingMode=qq\nnetworkingMode=nat\nprocessors=İ\n"
        "[experimental]\nautoMemoryReclaim=gradualĀ\nignoredPorts=0x50,a,70000,22\ndnsTunnelingIpAddress=1.2.3\n"
        "[wsl2]\nswapFile=日本\nvirtio9p=true\nkernelModules=C:\\\\m.vhdx\nmacAddress=zz\n"
    )
    mac = "WSL ignores wsl2.macAddress=zz: 'zz' is not a MAC address (six hex pairs such as 00:15:5D:01:02:03); " \
        "WSL refuses to start the VM with an invalid one; it uses the default (random in Bridged mode)"
    size = "is not a size WSL accepts: whole number plus B, K/KB, M/MB, G/GB or T/TB, upper case, no space " \
        "(no unit means bytes)"
    assert full(raw) == [
        ("key-outside-section", 1, "bogus", "bogus comes before any [section] header, so WSL ignores it",
         "move the line under the right [section]"),
        ("key-outside-section", 2, "memory", "memory comes before any [section] header, so WSL ignores it",
         "move the line under [wsl2]"),
        ("unknown-key", 4, "wsl2.zzqqxx", "WSL does not know the key wsl2.zzqqxx and ignores it",
         "check the spelling against `wslconfig-assistant show --all`"),
        ("unknown-key", 5, "wsl2.memroy", "WSL does not know the key wsl2.memroy and ignores it",
         "did you mean wsl2.memory?"),
        ("wrong-section", 7, "boot.systemd",
         "[boot] is a section of wsl.conf (inside each distro), not of .wslconfig; WSL ignores boot.systemd",
         "put [boot] systemd=... in /etc/wsl.conf inside the distro, and delete it here"),
        ("wrong-section", 9, "experimental.memory", "memory belongs in [wsl2], not [experimental]: WSL ignores it here",
         "move the line under [wsl2]"),
        ("invalid-value", 11, "wsl2.virtiofs",
         "WSL ignores wsl2.virtiofs=2: '2' is not a boolean WSL accepts (only true, false, 1 or 0); "
         "it uses the default (false)", "write virtiofs= followed by true or false"),
        ("invalid-value", 12, "wsl2.processors",
         "WSL ignores wsl2.processors=four: 'four' is not an integer WSL accepts; "
         "it uses the default (all logical processors)", "write processors= followed by a whole number such as 4"),
        ("invalid-value", 13, "wsl2.swap",
         f"WSL ignores wsl2.swap=lots: 'lots' {size}; it uses the default (25% of memory, rounded up to whole GB)",
         "write swap= followed by a size such as 8GB or 512MB"),
        ("invalid-value", 14, "wsl2.networkingMode",
         "WSL ignores wsl2.networkingMode=qq: 'qq' is not one of Bridged, Consomme, Mirrored, Nat, None, "
         "VirtioProxy (any case); it uses the default (Nat)",
         "write networkingMode= followed by None or Nat or Bridged or Mirrored or Consomme or VirtioProxy"),
        ("duplicate-key", 15, "wsl2.networkingMode",
         "wsl2.networkingMode is set again; WSL keeps the first one (line 14) and ignores this one",
         "delete this line, or the one on line 14"),
        ("duplicate-key", 16, "wsl2.processors",
         "wsl2.processors is set again; WSL keeps the first one (line 12) and ignores this one",
         "delete this line, or the one on line 12"),
        ("non-ascii-value", 18, "experimental.autoMemoryReclaim",
         "WSL mangles non-ASCII characters in experimental.autoMemoryReclaim: 'gradualĀ' reads as 'Gradual'",
         "write the value with ASCII characters only"),
        ("invalid-value", 19, "experimental.ignoredPorts",
         "WSL skips '0x50', 'a', '70000' in experimental.ignoredPorts: each entry must be a port number 1-65535",
         "list port numbers separated by commas, e.g. 3000,8080"),
        ("invalid-value", 20, "experimental.dnsTunnelingIpAddress",
         "WSL ignores experimental.dnsTunnelingIpAddress=1.2.3: '1.2.3' is not an IPv4 address "
         "(such as 10.255.255.254); it uses the default (10.255.255.254)",
         "write dnsTunnelingIpAddress= followed by 10.255.255.254"),
        ("non-ascii-value", 22, "wsl2.swapFile",
         "WSL mangles non-ASCII characters in wsl2.swapFile: it will use '\ufffd,'",
         "use a path with ASCII characters only (e.g. C:\\\\wsl\\\\...)"),
        ("setting-ignored", 23, "wsl2.virtio9p", "WSL forces virtio9p off and warns at every start",
         "delete the virtio9p line; set virtiofs=true for fast Windows-drive access"),
        ("invalid-value", 24, "wsl2.kernelModules", "kernelModules is set without kernel=: WSL refuses to start the VM",
         "set wsl2.kernel to the kernel those modules belong to, or delete kernelModules"),
        ("invalid-value", 25, "wsl2.macAddress", mac, "write macAddress= followed by 00:15:5D:01:02:03"),
        ("invalid-value", 25, "wsl2.macAddress",
         "with an invalid macAddress WSL stops reading here and the VM does not start",
         "write macAddress= followed by 00:15:5D:01:02:03"),
    ]


def test_custom_kernel_in_full() -> None:
    """A kernel= path replaces WSL's kernel: the fast path needs 6.18.26.3-1 or newer."""
    assert full("[wsl2]\nkernel=C:\\\\k\n") == [
        ("custom-kernel", 2, "wsl2.kernel",
         "a custom kernel (C:\\\\k) replaces WSL's: its version decides the fast path, and it needs the hv_pci "
         "swiotlb patch (kernel 6.18.26.3 or newer)",
         "delete the kernel= line to use WSL's own kernel, or build yours from 6.18.26.3-1 or newer"),
    ]


def test_escapes_in_a_path_are_named_and_the_fix_doubles_every_backslash() -> None:
    """WSL's escapes \\b \\t \\n become control characters; a literal TAB and a continuation's line
    break are the user's own and are not escapes."""
    raw = "[wsl2]\nswapFile=C:\\temp\\\\s\\new\\b\t x\\\n  y\n"
    assert full(raw) == [
        ("escape-in-path", 3, "wsl2.swapFile",
         "wsl2.swapFile=C:\\temp\\\\s\\new\\b\\t x\\\\x0a  y: WSL reads \\b (backspace), \\t (TAB), \\n (newline) "
         "as control characters, not as part of the path",
         "double every backslash: swapFile=C:\\\\temp\\\\\\\\s\\\\new\\\\b\\t x\\\\\\x0a  y"),
    ]
    # A literal TAB (a blank WSL keeps inside the value) is no escape.
    assert full("[wsl2]\nswapFile=C:\\\\a\tb\n") == []
    assert value("[wsl2]\nswapFile=C:\\\\a\tb\n", "wsl2.swapfile") == "C:\\a\tb"


def test_control_characters_typed_into_values() -> None:
    """A control character WSL keeps in a value (strtol and strtoull skip leading C blanks such as
    VT and FF; ignoredPorts' stoi too): named by code point, with what WSL uses. After a NUL WSL
    reads nothing, so a control character there is no finding."""
    raw = (
        "[wsl2]\nvmSwitch=a\x0bb\x7f\x1b\nmemory=\x0b8GB\nprocessors=\x0c4\nswapFile=\x01\n"
        "kernelCommandLine=a\x00\x01\x00\x02\n[experimental]\nignoredPorts=80,\x0c81\n"
    )

    def retype(key: str) -> str:
        return f"retype the line without control characters: wslconfig-assistant set {key} VALUE"

    assert full(raw) == [
        ("control-character", 2, "wsl2.vmSwitch",
         "wsl2.vmSwitch: the value holds the control characters U+000B (vertical tab), U+001B (ESC), U+007F (DEL); "
         "WSL uses 'a\\x0bb\\x7f\\x1b'", retype("wsl2.vmSwitch")),
        ("control-character", 3, "wsl2.memory",
         "wsl2.memory: the value holds the control character U+000B (vertical tab); WSL uses 8GB",
         retype("wsl2.memory")),
        ("control-character", 4, "wsl2.processors",
         "wsl2.processors: the value holds the control character U+000C (form feed); WSL uses 4",
         retype("wsl2.processors")),
        ("control-character", 5, "wsl2.swapFile",
         "wsl2.swapFile: the value holds the control character U+0001; WSL uses '\\x01'", retype("wsl2.swapFile")),
        ("control-character", 8, "experimental.ignoredPorts",
         "experimental.ignoredPorts: the value holds the control character U+000C (form feed); WSL uses 80,81",
         retype("experimental.ignoredPorts")),
    ]
    assert value(raw, "wsl2.memory") == 8 * GB
    assert value(raw, "wsl2.kernelcommandline") == "a"


def test_ctrl_z_line_counts_every_line_before_it() -> None:
    """WSL stops at Ctrl-Z (0x1A); the finding is on the Ctrl-Z's own line, counted from the top
    (a leading blank line included), even when a single character follows it."""
    assert full("\n[wsl2]\n\x1ax") == [
        ("invalid-line", 3, None,
         "a Ctrl-Z character (0x1A) on line 3 ends the file for WSL: nothing after it is read",
         "delete the Ctrl-Z character"),
    ]
    assert full("[wsl2]\r\n\x1a \t\r\n") == []


def test_invalid_mac_address_stops_everything_after_its_line_only() -> None:
    """WSL stops reading at an invalid macAddress: lines after it give nothing (not even the very
    next line), lines before it are reported, and the combination checks still run."""
    raw = "[wsl2]\nkernelModules=C:\\\\m\n;a\nmacAddress=zz\n;b\nbogus=1\n"
    assert [(code, line) for code, line, *_ in full(raw)] == [
        ("invalid-value", 2), ("semicolon-comment", 3), ("invalid-value", 4), ("invalid-value", 4),
    ]


def test_an_untrusted_tail_still_reports_the_head() -> None:
    """UTF-8 head + UTF-16 tail (PowerShell 5 append): WSL reads the head as written, so its
    problems and combinations are reported; the tail is one encoding-unsupported."""
    head = "[wsl2]\r\n;a\r\nkernelModules=C:\\\\m\r\n"
    raw = head.encode() + b"\xff\xfe" + "[wsl2]\r\nvirtiofs=true\r\n".encode("utf-16-le")
    assert [(code, line) for code, line, *_ in full(raw)] == [
        ("semicolon-comment", 2), ("invalid-value", 3), ("encoding-unsupported", 4),
    ]
    (encoding,) = findings_of(raw, "encoding-unsupported")
    assert encoding.fix == "wslconfig-assistant repair"
    # A tail whose bytes happen to spell a key line (x NUL, NUL LF, "a=1" LF) is garbage too:
    # no unknown-key for it, and the head is still reported in full.
    raw = head.encode() + "x\u0a00\u3d61\u0a31virtiofs=true\r\n".encode("utf-16-le")
    assert b"\x00\na=1\n" in raw
    assert [(code, line) for code, line, *_ in full(raw)] == [
        ("semicolon-comment", 2), ("invalid-value", 3), ("encoding-unsupported", 4),
    ]


def test_findings_come_top_to_bottom_whatever_order_the_checks_ran() -> None:
    """Entries are checked before rejected lines; the list is still in line order."""
    assert [(code, line) for code, line, *_ in full("[wsl2]\nzzz=1\n;x\n")] == [
        ("unknown-key", 2), ("semicolon-comment", 3),
    ]


def test_did_you_mean_for_the_first_200_unknown_keys_only() -> None:
    """Each did-you-mean is a fuzzy match against every key: the first 200 unknown keys get one."""
    raw = "[wsl2]\n" + "memroy=1\n" * 201
    fixes = [f.fix for f in doc(raw).evaluation.findings if f.code == "unknown-key"]
    assert fixes[:200] == ["did you mean wsl2.memory?"] * 200
    assert fixes[200:] == ["check the spelling against `wslconfig-assistant show --all`"]


def test_invalid_utf8_bytes_read_as_u_fffd_then_cut_to_their_low_byte() -> None:
    """WSL's CRT reads each byte that is not UTF-8 as U+FFFD, whose low byte 0xFD is what the
    value holds; in a UTF-16 file a lone surrogate is a real unit, cut to its own low byte."""
    utf8 = b"[wsl2]\nvmSwitch=\xe9\xa9x\nprocessors=\xb1\n"
    assert value(utf8, "wsl2.vmswitch") == "\ufffd\ufffdx"
    assert [f.message for f in findings_of(utf8, "invalid-value")] == [
        "WSL ignores wsl2.processors=\udcb1: 'ý' is not an integer WSL accepts; "
        "it uses the default (all logical processors)",
    ]
    utf16 = "\ufeff[wsl2]\nvmSwitch=\udce9\udca9x\nprocessors=\udcb1\n".encode("utf-16-le", "surrogatepass")
    assert value(utf16, "wsl2.vmswitch") == "\ufffdx"
    assert [f.message for f in findings_of(utf16, "invalid-value")] == [
        "WSL ignores wsl2.processors=\udcb1: '±' is not an integer WSL accepts; "
        "it uses the default (all logical processors)",
    ]


def test_invalid_dns_tunneling_ip_sets_dns_tunneling_off_as_a_setting() -> None:
    """The DNS tunneling switch WSL turns off is wsl2.dnsTunneling, from the IP address's line."""
    setting = doc("[experimental]\ndnsTunnelingIpAddress=1.2.3\n").settings["wsl2.dnstunneling"]
    assert (setting.spec.name, setting.value, setting.entry.line, setting.text) == (
        "wsl2.dnsTunneling", False, 2, "1.2.3")


def test_section_names_start_with_a_letter() -> None:
    """WSL's header grammar: `[ wsl2]`, `[]` and `[1a]` are rejected at their first character."""
    fix = "section names are letters and digits only, e.g. [wsl2] or [experimental]"
    assert [(code, line, f) for code, line, _, _, f in full("[ wsl2]\n[]\n[1a]\n")] == [
        ("invalid-line", 1, fix), ("invalid-line", 2, fix), ("invalid-line", 3, fix),
    ]


def test_a_dotted_key_fix_takes_the_name_before_the_first_equals() -> None:
    """`wsl2.memory=4GB=x`: WSL's key ends at the '.', the name is what comes before the first '='."""
    assert [f.fix for f in findings_of("[wsl2]\nwsl2.memory=4GB=x\n", "invalid-line")] == [
        "write the key without its section, under [wsl2]: memory=...",
    ]


def test_two_control_characters_are_named_in_the_plural() -> None:
    assert [f.message for f in findings_of("[wsl2]\nvmSwitch=a\x01\x02\n", "control-character")] == [
        "wsl2.vmSwitch: the value holds the control characters U+0001, U+0002; WSL uses 'a\\x01\\x02'",
    ]
