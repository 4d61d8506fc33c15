"""Warnings the WSL service prints through whichever wsl.exe call it is serving.

The one that matters here is the kernel-patch warning (``MessageSwiotlbKernelUnsupported``,
wsl-after-2.9.4.md): WSL wanted a swiotlb (DMA bounce) pool for virtiofs, but the running kernel
published none, so the fast path is off. It appears once, when the VM starts, on the stderr of
the call that started it (verify's first guest command, an update that restarts the service, or
any other call), as ``wsl: <sentence>`` in the machine's display language.

Recognised by its first sentence in any of the 22 languages WSL ships it in (wsltext), after the
differences a console or a copy can add are taken out: Unicode form, zero-width characters (ru-RU
ships two), and line breaks or runs of blanks.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_BLANKS = re.compile(r"\s+")
_FIRST_SENTENCE = re.compile(r"^.*?(?:[.](?=\s|$)|。)")


def _normal(text: str) -> str:
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _BLANKS.sub(" ", text).strip().casefold()


def _first_sentences() -> tuple[str, ...]:
    from wslconfig_assistant.wsl.translations import SWIOTLB_KERNEL_UNSUPPORTED  # noqa: PLC0415

    found = []
    for sentence in SWIOTLB_KERNEL_UNSUPPORTED.values():
        text = _normal(sentence)
        m = _FIRST_SENTENCE.match(text)
        found.append(m.group(0) if m else text)
    return tuple(found)


_SENTENCES: tuple[str, ...] | None = None


def kernel_patch_missing(output: str) -> bool:
    """True when wsl.exe's output carries the service's kernel-patch warning, in any language."""
    global _SENTENCES  # noqa: PLW0603 - built once, on the first output looked at
    if not output:
        return False
    if _SENTENCES is None:
        _SENTENCES = _first_sentences()
    text = _normal(output)
    return any(sentence in text for sentence in _SENTENCES)
