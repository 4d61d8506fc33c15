"""Shared assertion for the set-then-unset property (used by test_editing and test_corpus)."""

from __future__ import annotations

import difflib

from wslconfig_assistant.wslconfig.document import ConfigDocument


def has_section(raw: bytes, section: str) -> bool:
    parsed = ConfigDocument(None, raw).parsed
    return parsed is not None and any(h.valid and h.name.lower() == section.lower() for h in parsed.headers)


def undo_is_exact(raw: bytes, back: bytes, section: str) -> bool:
    """After set+unset of a new key: exactly the original bytes when its section existed;
    otherwise the only difference is the empty header `set` appended (and blank separators).
    No rule could do better: a file with its own empty header and the same file without it
    are byte-identical after `set`, so `unset` cannot know which one to restore."""
    if has_section(raw, section):
        return back == raw
    before = ConfigDocument(None, raw).file.text.splitlines()
    after = ConfigDocument(None, back).file.text.splitlines()
    ops = difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes()
    inserted = [line for tag, _i1, _i2, j1, j2 in ops if tag != "equal" for line in after[j1:j2]]
    removed_or_replaced = any(tag != "equal" and i2 > i1 for tag, i1, i2, _j1, _j2 in ops)
    return not removed_or_replaced and sorted(set(inserted) - {""}) == [f"[{section}]"]
