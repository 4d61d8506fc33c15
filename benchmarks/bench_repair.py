"""Prints how long a repair takes (reencode.repair: decode, re-encode, self-check, diff) for each broken
form of one file, at 100 KB and 5 MB of comments. Not a test; run from the repository root on an idle machine:

    python benchmarks/bench_repair.py [--runs 3]
"""

from __future__ import annotations

import argparse
import codecs
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wslconfig_assistant.wslconfig import reencode
from wslconfig_assistant.wslconfig.document import ConfigDocument


def forms(lines: int) -> dict[str, bytes]:
    head = "[wsl2]\r\nmemory=4GB\r\n"
    body = "".join(f"# comment line {i}: réglage d’équipe\r\n" for i in range(lines))
    text = head + body
    half = text[: len(text) // 2]
    half = half[: half.rfind("\n") + 1]
    return {
        "utf16be-with-bom": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "utf16le-without-bom": text.encode("utf-16-le"),
        "cp1252": text.encode("cp1252"),
        "utf8-then-utf16le": half.encode() + codecs.BOM_UTF16_LE + text[len(half):].encode("utf-16-le"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for lines in (2_500, 125_000):
        for name, raw in forms(lines).items():
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                reencode.repair(ConfigDocument("bench.wslconfig", raw))
                times.append(time.perf_counter() - start)
            print(f"{name:<22} {len(raw) / 1e6:6.2f} MB  median {statistics.median(times):6.3f} s")


if __name__ == "__main__":
    main()
