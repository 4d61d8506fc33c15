"""planning.py: the config edits apply makes, decided in memory (no process, no disk)."""

from __future__ import annotations

import pytest

from wslconfig_assistant.compliance import planning
from wslconfig_assistant.compliance.gates import GateFacts, evaluate_gates
from wslconfig_assistant.core.errors import ConfigUnreadableError, UsageError
from wslconfig_assistant.core.policy import DEFAULT, GIB, MIB, Policy, Requirement
from wslconfig_assistant.wslconfig.document import ConfigDocument

HOST = 16 * GIB


def doc(text: str | None, *, crlf: bool = False) -> ConfigDocument:
    if text is None:
        return ConfigDocument("C:\\Users\\me\\.wslconfig", None)
    return ConfigDocument("C:\\Users\\me\\.wslconfig", text.replace("\n", "\r\n" if crlf else "\n").encode())


def plan(text: str | None, policy: Policy = DEFAULT, host: int | None = HOST, **kw: object) -> planning.ConfigPlan:
    return planning.plan_config(doc(text), policy, host, **kw)  # type: ignore[arg-type]


def edits(p: planning.ConfigPlan) -> list[tuple[str, str | None]]:
    return [(e.change.key, e.change.new) for e in p.edits]


def errors(p: planning.ConfigPlan, policy: Policy = DEFAULT, host: int | None = HOST) -> set[str]:
    return {f.code for f in p.after.findings(policy, host) if f.severity == "error"}


def test_compliant_file_needs_nothing() -> None:
    p = plan("[wsl2]\nvirtiofs=true\nmemory=8GB\n")
    assert p.edits == []
    assert not p.changed
    assert p.diff() == ""
    assert p.after is p.before


def test_empty_profile_gets_virtiofs_only_on_a_big_host() -> None:
    p = plan(None)
    assert edits(p) == [("wsl2.virtiofs", "true")]
    assert p.after.to_bytes() == b"[wsl2]\r\nvirtiofs=true\r\n"
    assert p.diff().startswith("--- /dev/null")


def test_virtiofs_overridden_by_virtio_and_safe_mode() -> None:
    p = plan("[wsl2]\nvirtiofs=false # off\nvirtio=false\nsafeMode=true\nmemory=8GB\n")
    assert edits(p) == [("wsl2.virtiofs", "true"), ("wsl2.virtio", "true"), ("wsl2.safeMode", "false")]
    assert p.after.to_bytes() == b"[wsl2]\nvirtiofs=true # off\nvirtio=true\nsafeMode=false\nmemory=8GB\n"
    assert errors(p) == set()


def test_invalid_virtiofs_value_is_replaced_in_place() -> None:
    p = plan("[wsl2]\nvirtiofs=yes\nmemory=8GB\n")
    assert p.after.to_bytes() == b"[wsl2]\nvirtiofs=true\nmemory=8GB\n"


@pytest.mark.parametrize(("text", "host", "expected"), [
    ("memory=1GB", HOST, "8GB"),  # exactly the floor is not above it
    ("memory=512MB", HOST, "8GB"),
    ("memory=8gb", HOST, "8GB"),  # WSL rejects lower-case units
    ("memory=1040MB", HOST, "8GB"),  # above 1GB, but no DMA pool below 1GB + 64MB
    ("memory=0", 2 * GIB, "2GB"),  # 0 is half the host: 1GB on a 2GB host
    ("", 2 * GIB, "2GB"),  # unset: the same
    ("memory=1GB", None, "4GB"),  # host unknown: checks.suggested_memory's 4GB
])
def test_memory_too_low_or_invalid_gets_the_suggestion(text: str, host: int | None, expected: str) -> None:
    p = plan(f"[wsl2]\nvirtiofs=true\n{text}\n", host=host)
    assert edits(p) == [("wsl2.memory", expected)]
    assert errors(p, host=host) == set()


@pytest.mark.parametrize(("text", "host"), [
    ("memory=2GB", HOST),
    ("memory=1040MB\n[experimental]\nswiotlb=64MB", HOST),  # an explicit pool: no warning, no edit
    ("", None),  # unset on an unknown host: WSL takes half of it, nothing to judge
    ("", HOST),
    ("memory=0", HOST),
])
def test_memory_left_alone(text: str, host: int | None) -> None:
    assert plan(f"[wsl2]\nvirtiofs=true\n{text}\n", host=host).edits == []


def test_suggestion_is_raised_above_a_high_floor() -> None:
    policy = DEFAULT._replace(memory_floor=8 * GIB)
    p = plan("[wsl2]\nvirtiofs=true\nmemory=8GB\n", policy)  # half of 16GB is not above 8GB
    assert edits(p) == [("wsl2.memory", "9GB")]
    assert errors(p, policy) == set()


def test_memory_option_wins_and_is_checked_against_the_floor() -> None:
    p = plan("[wsl2]\nmemory=1GB\n", memory="6GB")
    assert ("wsl2.memory", "6GB") in edits(p)
    with pytest.raises(UsageError, match="more than 1GB"):
        plan("[wsl2]\nmemory=8GB\n", memory="1GB")
    with pytest.raises(UsageError, match="--memory 8gb"):
        plan(None, memory="8gb")
    with pytest.raises(UsageError, match="more than 1GB"):
        plan(None, memory="0", host=2 * GIB)  # 0 means half of 2GB
    with pytest.raises(UsageError, match="more than 1GB"):
        plan(None, memory="100MB")  # WSL raises it to 256MB: still too low


def test_sets_are_validated_and_applied_in_order() -> None:
    p = plan("[wsl2]\nvirtiofs=true\n", sets=["wsl2.networkingMode=mirrored", "wsl2.processors=0x4"])
    assert edits(p) == [("wsl2.networkingMode", "Mirrored"), ("wsl2.processors", "4")]
    assert [e.reason for e in p.edits] == ["--set wsl2.networkingMode=mirrored", "--set wsl2.processors=0x4"]
    assert all(e.diff.startswith("---") for e in p.edits)


@pytest.mark.parametrize(("sets", "match"), [
    (["novalue"], "write KEY=VALUE"),
    (["=1"], "write KEY=VALUE"),
    (["wsl2.bogus=1"], "does not read a key named wsl2.bogus"),
    (["wsl2.memory=8gb"], "did you mean 8GB"),
    (["wsl2.virtiofs=0"], "turns virtiofs off"),
    (["wsl2.virtio=false"], "turns virtiofs off"),
    (["wsl2.safeMode=true"], "turns virtiofs off"),
    (["wsl2.memory=512MB"], "more than 1GB"),
    (["wsl2.swap=1GB", "wsl2.swap=2GB"], "contradicts --set wsl2.swap=1GB"),
    (["wsl2.networkingMode=Nat\nprocessors=1"], "control characters"),
])
def test_bad_sets_are_usage_errors(sets: list[str], match: str) -> None:
    with pytest.raises(UsageError, match=match):
        plan(None, sets=sets)


def test_same_value_twice_is_fine() -> None:
    p = plan("[wsl2]\nvirtiofs=true\n", sets=["wsl2.swap=1GB", "wsl2.swap=1024MB"])
    assert edits(p) == [("wsl2.swap", "1GB")]


def test_virtiofs_not_required_allows_turning_it_off() -> None:
    policy = DEFAULT._replace(require_virtiofs=False)
    p = plan("[wsl2]\nvirtiofs=true\n", policy, sets=["wsl2.virtiofs=false"])
    assert edits(p) == [("wsl2.virtiofs", "false")]


def _req(key: str, raw: str, text: str, value: object) -> Requirement:
    return Requirement(key, raw, text, value)


def test_required_keys() -> None:
    policy = DEFAULT._replace(required=(
        _req("wsl2.networkingMode", "mirrored", "Mirrored", "Mirrored"),
        _req("wsl2.memory", "12GB", "12GB", 12 * GIB),
    ), source="team.toml")
    p = plan("[wsl2]\nmemory=2GB\nnetworkingMode=nat\n", policy)
    assert edits(p) == [("wsl2.virtiofs", "true"), ("wsl2.networkingMode", "Mirrored"), ("wsl2.memory", "12GB")]
    assert p.edits[-1].reason == "required by the policy team.toml"
    assert errors(p, policy) == set()
    assert planning.plan_config(p.after, policy, HOST).edits == []
    with pytest.raises(UsageError, match=r"requires wsl2\.networkingMode = Mirrored"):
        plan(None, policy, sets=["wsl2.networkingMode=Nat"])
    with pytest.raises(UsageError, match=r"requires wsl2\.memory = 12GB"):
        plan(None, policy, memory="8GB")
    assert ("wsl2.memory", "12GB") in edits(plan(None, policy, memory="12288MB"))


def test_required_key_finding_names_the_set_command() -> None:
    policy = DEFAULT._replace(required=(_req("wsl2.kernel", "C:\\my kernel", '"C:\\\\my kernel"', "C:\\my kernel"),),
                              source="p.toml")
    found = [f for f in doc("[wsl2]\nvirtiofs=true\n").findings(policy, HOST) if f.code == "required-key"]
    assert len(found) == 1
    assert found[0].severity == "error"
    assert found[0].fix == "wslconfig-assistant set wsl2.kernel 'C:\\my kernel'"  # quoted for bash
    assert "p.toml" in found[0].message


def test_one_document_for_all_edits_and_idempotent() -> None:
    text = "# mine\n[wsl2]\nmemory=1GB # small\n\n[experimental]\nsparseVhd=true\n"
    p = plan(text, sets=["experimental.autoMemoryReclaim=gradual"])
    assert p.changed
    assert p.after.to_bytes() == (b"# mine\n[wsl2]\nmemory=8GB # small\nvirtiofs=true\n\n[experimental]\n"
                                  b"sparseVhd=true\nautoMemoryReclaim=Gradual\n")
    again = planning.plan_config(p.after, DEFAULT, HOST, sets=["experimental.autoMemoryReclaim=gradual"])
    assert again.edits == []


def test_crlf_and_bom_are_kept() -> None:
    raw = b"\xef\xbb\xbf[wsl2]\r\nmemory=1GB\r\n"
    p = planning.plan_config(ConfigDocument("x", raw), DEFAULT, HOST)
    assert p.after.to_bytes() == b"\xef\xbb\xbf[wsl2]\r\nmemory=8GB\r\nvirtiofs=true\r\n"


def test_unreadable_encoding_is_repaired_first() -> None:
    raw = "\ufeff# réseau\r\n[wsl2]\r\nmemory=1GB\r\n".encode("utf-16-be")
    with pytest.raises(ConfigUnreadableError):
        planning.plan_config(ConfigDocument("x", raw), DEFAULT, HOST, repair=False)
    p = planning.plan_config(ConfigDocument("x", raw), DEFAULT, HOST)
    assert p.repair is not None
    assert p.changed
    assert p.before.to_bytes() == raw  # what the write must find on disk
    assert p.after.to_bytes() == "# réseau\r\n[wsl2]\r\nmemory=8GB\r\nvirtiofs=true\r\n".encode()
    assert [e.change.key for e in p.edits] == ["wsl2.virtiofs", "wsl2.memory"]
    assert p.diff().startswith("--- x (WSL cannot open it)\n+++ x (repaired)\n")
    assert "+++ x (after)" in p.diff()
    # a file that only needs the repair is still a change (apply writes it)
    done = planning.plan_config(ConfigDocument("x", p.after.to_bytes().decode().encode("utf-16-be")), DEFAULT, HOST)
    assert (done.repair is not None, done.edits, done.changed) == (True, [], True)


def test_stray_bytes_are_edited_losslessly_and_repaired_only_when_an_edit_would_hide_the_file() -> None:
    from test_splice import latin1_near_a_read_boundary

    readable = b"# caf\xe9\r\n[wsl2]\r\nmemory=1GB\r\n"
    p = planning.plan_config(ConfigDocument("x", readable), DEFAULT, HOST)
    assert p.repair is None
    assert p.after.to_bytes() == b"# caf\xe9\r\n[wsl2]\r\nmemory=8GB\r\nvirtiofs=true\r\n"
    # the stray byte would end the first 2048-byte read after the insert: repaired instead
    fragile = latin1_near_a_read_boundary(len(b"virtiofs=true\r\n")).replace(b"memory=4GB", b"memory=8GB")
    p = planning.plan_config(ConfigDocument("x", fragile), DEFAULT, HOST)
    assert p.repair is not None
    assert "\u00b0C and more" in p.after.file.text
    assert p.after.file.problem is None
    assert p.after.settings["wsl2.virtiofs"].value is True


def _gates(kernel: str | None, wsl: str | None = "2.8.9.0", custom: str | None = None) -> list[planning.Gate]:
    return evaluate_gates(GateFacts(wsl, kernel, "wsl --version", custom), DEFAULT)[0]


def test_update_reasons() -> None:
    assert planning.update_reasons(_gates("6.18.26.3-1"), custom=False) == []
    assert planning.update_reasons(_gates("6.6.114.1-1", "2.7.3.0"), custom=False) == [
        "kernel 6.6.114.1-1 < 6.18.26.3-1", "DeviceHost 1.2.14-0 < 1.2.29-0"]
    # A custom kernel: no update changes it, so it alone asks for none.
    assert planning.update_reasons(_gates(None, custom="C:\\k"), custom=True) == []
    assert planning.update_args(DEFAULT) == ["--update", "--pre-release"]
    assert planning.update_args(DEFAULT._replace(channel="stable")) == ["--update"]


def test_swiotlb_floor_constant_matches_the_policy() -> None:
    assert GIB + 64 * MIB == planning.SWIOTLB_MIN_MEMORY
