"""guest: mounts, the drive's access path, the hv_pci swiotlb pool and uname, on every paste of
shared/corpus/wsl-guest and on synthetic text for what no paste shows.

The expected table was written by hand from NOTES-update.md §2, SOURCES.tsv and each file.
"""

from __future__ import annotations

import pytest
from conftest import SHARED

from wslconfig_assistant.wsl.guest import (
    Mount,
    SwiotlbPool,
    classify_drive_mount,
    drive_mount,
    parse_mounts,
    parse_swiotlb,
    parse_uname,
)

CORPUS = SHARED / "corpus" / "wsl-guest"

# file -> (kind of what is mounted at /mnt/c, its source), "missing"/None when the file has no
# mount line for /mnt/c at all.
EXPECTED: dict[str, tuple[str, str | None]] = {
    "001.txt": ("9p", "C:\\"),  # `mount`, current 9p shape (cache=5, trans=fd)
    "002.txt": ("virtiofs", "drvfsC0"),  # `mount`, WSL automount: no aname, no path=
    "003.txt": ("9p", "C:"),  # old 9p (2019): source and path= without the backslash
    "004.txt": ("9p", "drvfs"),  # 9p over virtio transport, source "drvfs"
    # /proc/mounts of two machines quoted side by side (WSL 1 then WSL 2): the last line wins.
    # Each line on its own is tested in test_005_each_line.
    "005.txt": ("9p", "C:\\"),
    "006.txt": ("9p", "C:\\"),  # /etc/mtab, C:\134 decoded
    "007.txt": ("9p", "C:\\"),  # /proc/mounts, current shape, next to the 9p "drivers" mount
    "008.txt": ("9p", "C:\\"),  # mountinfo
    # df has no filesystem type column: it cannot tell 9p from virtiofs, so it is no mount line.
    "009.txt": ("missing", None),  # WSL 1 df -h ("C:" source)
    "010.txt": ("missing", None),  # df -h, source "drvfs"
    "011.txt": ("missing", None),  # df (1K blocks), source "drvfs"
    # dmesg of FAILED mounts ("mount drvfs on /mnt/c (…) failed: 22"): nothing got mounted.
    "012.txt": ("missing", None),
    "013.txt": ("missing", None),  # the same, for /c
    "014.txt": ("missing", None),  # dmesg, swiotlb lines only
    "015.txt": ("missing", None),  # kernel command line
    "016.txt": ("missing", None),
    "017.txt": ("missing", None),  # /mnt/c appears only inside shell prompts
    "018.txt": ("missing", None),  # dmesg, a 2021 virtio-fs PCI device
    "019.txt": ("missing", None),  # dmesg, virtiofs "No cache capability"
    "020.txt": ("virtiofs", "drvfsC0"),  # virtiofs via fstab (relatime)
    "021.txt": ("missing", None),  # wslc: virtiofs at /qdrant/storage, not /mnt/c (test_021_wslc_bind)
    "022.txt": ("missing", None),  # uname -r
    "023.txt": ("missing", None),  # uname -a, /mnt/c only in the prompt
    "024.txt": ("missing", None),
    "025.txt": ("missing", None),
    "026.txt": ("missing", None),
    "027.txt": ("missing", None),
}

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not here ({CORPUS})")


def _read(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


@needs_corpus
def test_every_corpus_file_has_an_expectation() -> None:
    assert {p.name for p in CORPUS.glob("*.txt")} == set(EXPECTED)


@needs_corpus
@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_corpus_drive(name: str, eol: str) -> None:
    kind, source = EXPECTED[name]
    mount = drive_mount(parse_mounts(_read(name).replace("\n", eol)))
    assert (mount.source if mount else None) == source
    access = classify_drive_mount(mount)
    assert access.kind == kind
    assert access.detail


@needs_corpus
def test_corpus_kind_counts() -> None:
    kinds = [classify_drive_mount(drive_mount(parse_mounts(_read(n)))).kind for n in EXPECTED]
    assert {k: kinds.count(k) for k in set(kinds)} == {"9p": 7, "virtiofs": 2, "missing": 18}


@needs_corpus
def test_005_each_line() -> None:
    mounts = [m for m in parse_mounts(_read("005.txt")) if m.target == "/mnt/c"]
    assert [(m.source, m.fstype) for m in mounts] == [("C:", "drvfs"), ("C:\\", "9p")]
    assert [classify_drive_mount(m).kind for m in mounts] == ["drvfs-wsl1", "9p"]
    # The options field keeps its backslash as the kernel wrote it (only the source was escaped).
    assert "path=C:\\;" in mounts[1].options


@needs_corpus
def test_006_and_007_other_drives_and_mounts() -> None:
    mounts = parse_mounts(_read("006.txt"))
    assert drive_mount(mounts, "/mnt/d") == Mount(
        "D:\\",
        "/mnt/d",
        "9p",
        "rw,dirsync,noatime,aname=drvfs;path=D:\\;uid=1000;gid=1000;symlinkroot=/mnt/,mmap,access=client,"
        "msize=65536,trans=fd,rfd=8,wfd=8",
    )
    root = Mount("/dev/sdb", "/", "ext4", "rw,relatime,discard,errors=remount-ro,data=ordered")
    assert drive_mount(mounts, "/") == root
    drivers = drive_mount(parse_mounts(_read("007.txt")), "/usr/lib/wsl/drivers")
    assert drivers is not None
    assert (drivers.source, drivers.fstype) == ("drivers", "9p")


@needs_corpus
def test_008_mountinfo_fields() -> None:
    mounts = parse_mounts(_read("008.txt"))
    assert len(mounts) == 35  # every line of the paste is a mount
    c = drive_mount(mounts)
    assert c == Mount(
        "C:\\",
        "/mnt/c",
        "9p",
        "rw,noatime,aname=drvfs;path=C:\\;uid=1000;gid=1000;symlinkroot=/mnt/,cache=5,access=client,"
        "msize=65536,trans=fd,rfd=6,wfd=6",
    )
    # A read-only bind of a read-write filesystem stays read-only, as /proc/mounts shows it.
    distro = drive_mount(mounts, "/mnt/wslg/distro")
    assert distro is not None
    assert distro.options.split(",")[0] == "ro"
    assert "rw" not in distro.options.split(",")


@needs_corpus
def test_020_second_drive() -> None:
    d = drive_mount(parse_mounts(_read("020.txt")), "/mnt/d")
    assert d == Mount("drvfsD1", "/mnt/d", "virtiofs", "rw,relatime")
    assert classify_drive_mount(d).kind == "virtiofs"


@needs_corpus
def test_021_wslc_bind() -> None:
    m = drive_mount(parse_mounts(_read("021.txt")), "/qdrant/storage")
    assert m == Mount("drvfs", "/qdrant/storage", "virtiofs", "rw,relatime")
    assert classify_drive_mount(m).kind == "virtiofs"


@needs_corpus
def test_uname_of_a_bare_release_paste() -> None:
    assert parse_uname(_read("025.txt")) == "6.18.33.2-microsoft-standard-WSL2+"


# --- synthetic shapes ------------------------------------------------------------------------


def test_octal_escapes_are_decoded() -> None:
    text = "C:\\134 /mnt/my\\040drive 9p rw,aname=drvfs;path=C:\\;trans=fd 0 0\n"
    assert parse_mounts(text) == [Mount("C:\\", "/mnt/my drive", "9p", "rw,aname=drvfs;path=C:\\;trans=fd")]
    tab = "src\\011x /mnt/t\\134u tmpfs rw 0 0"
    assert parse_mounts(tab) == [Mount("src\tx", "/mnt/t\\u", "tmpfs", "rw")]


def test_mountinfo_with_optional_fields_and_escapes() -> None:
    text = "900 691 0:201 / /mnt/with\\040space rw,noatime shared:7 master:3 - virtiofs drvfsE2 rw\n"
    assert parse_mounts(text) == [Mount("drvfsE2", "/mnt/with space", "virtiofs", "rw,noatime")]


def test_the_last_mount_on_the_target_wins() -> None:
    nine = "C:\\ on /mnt/c type 9p (rw,noatime,aname=drvfs;path=C:\\;cache=5,trans=fd,rfd=6,wfd=6)"
    virtio = "drvfsC0 on /mnt/c type virtiofs (rw,noatime)"
    assert classify_drive_mount(drive_mount(parse_mounts(f"{nine}\n{virtio}\n"))).kind == "virtiofs"
    assert classify_drive_mount(drive_mount(parse_mounts(f"{virtio}\n{nine}\n"))).kind == "9p"


def test_target_matching_ignores_a_trailing_slash() -> None:
    mounts = parse_mounts("drvfsC0 on /mnt/c/ type virtiofs (rw,noatime)")
    assert drive_mount(mounts, "/mnt/c") is not None
    assert drive_mount(mounts, "/mnt/c/") is not None
    assert drive_mount(mounts, "/mnt/cc") is None


@pytest.mark.parametrize(
    "line",
    [
        # Shapes no paste shows yet (NOTES-update.md §2): a GUID tag (2.7.8+), an aggregated share
        # bound per drive (mountinfo root /C), and a tag that only differs in case.
        "f8407c95-93b2-4a1e-9d3c-1b2a3c4d5e6f on /mnt/c type virtiofs (rw,noatime)",
        "801 691 0:190 /C /mnt/c rw,noatime - virtiofs drvfsa rw",
        "drvfsC0 /mnt/c virtiofs rw,noatime 0 0",
        "drvfsC0 on /mnt/c type VirtioFS (rw,noatime)",
    ],
)
def test_virtiofs_is_known_by_type_alone(line: str) -> None:
    access = classify_drive_mount(drive_mount(parse_mounts(line)))
    assert access.kind == "virtiofs"


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (
            "C:\\ on /mnt/c type 9p (rw,noatime,aname=drvfs;path=C:\\;cache=5,access=client,msize=65536,"
            "trans=fd,rfd=6,wfd=6)",
            "WSL 2.x default",
        ),
        (
            "drvfs on /mnt/c type 9p (rw,noatime,dirsync,aname=drvfs;path=C:\\;mmap,access=client,msize=262144,"
            "trans=virtio)",
            "virtio",
        ),
        (
            "C: on /mnt/c type 9p (rw,relatime,dirsync,aname=drvfs;path=C:;symlinkroot=/,mmap,access=client,"
            "trans=fd,rfd=3,wfd=3)",
            "2019-2022",
        ),
    ],
)
def test_9p_shapes_are_described(line: str, words: str) -> None:
    access = classify_drive_mount(drive_mount(parse_mounts(line)))
    assert access.kind == "9p"
    assert words in access.detail
    assert "virtiofs" in access.detail  # says it is not the fast path


def test_other_kinds() -> None:
    assert classify_drive_mount(None).kind == "missing"
    assert classify_drive_mount(Mount("C:", "/mnt/c", "drvfs", "rw")).kind == "drvfs-wsl1"
    assert classify_drive_mount(Mount("/dev/sdd", "/mnt/c", "ext4", "rw")).kind == "other"


def test_noise_lines_are_skipped() -> None:
    text = "\n".join(
        [
            "# mount | grep /mnt/c",
            "drvfs           931G  265G  667G  29% /mnt/c",
            "[    2.360232] init: (1) ERROR: MountPlan9WithRetry:282: mount drvfs on /mnt/c (cache=mmap",
            "stat: cannot statx '/mnt/c/Users': Input/output error",
            "",
        ]
    )
    assert parse_mounts(text) == []


# --- swiotlb ---------------------------------------------------------------------------------
# No paste reads /sys/bus/vmbus/drivers/hv_pci/swiotlb_base|size: these values are made up.


@pytest.mark.parametrize(
    ("base", "size", "expected"),
    [
        ("0xf4000000\n", "0x4000000\n", SwiotlbPool(0xF4000000, 0x4000000, True)),
        ("4093640704\n", "67108864\n", SwiotlbPool(4093640704, 67108864, True)),
        ("  0XF4000000 \r\n", "\t67108864", SwiotlbPool(0xF4000000, 67108864, True)),
        ("f4000000", "4000000", SwiotlbPool(0xF4000000, 4000000, True)),  # bare hex only when it has a letter
        ("0x0\n", "0x0\n", SwiotlbPool(0, 0, False)),  # the kernel lacks the patch
        ("0xf4000000\n", "0\n", SwiotlbPool(0xF4000000, 0, False)),
        (None, "0x4000000", SwiotlbPool(None, 0x4000000, False)),  # file missing
        (None, None, SwiotlbPool(None, None, False)),
        ("", "", SwiotlbPool(None, None, False)),
        ("garbage", "0x", SwiotlbPool(None, None, False)),
        ("-1", "64M", SwiotlbPool(None, None, False)),
    ],
)
def test_parse_swiotlb(base: str | None, size: str | None, expected: SwiotlbPool) -> None:
    assert parse_swiotlb(base, size) == expected


# --- uname -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6.18.26.3-microsoft-standard-WSL2\n", "6.18.26.3-microsoft-standard-WSL2"),
        ("\r\n\r\n  6.6.87.2-microsoft-standard-WSL2  \r\n", "6.6.87.2-microsoft-standard-WSL2"),
        ("6.18.26.3-microsoft-standard-WSL2-diag+\nextra\n", "6.18.26.3-microsoft-standard-WSL2-diag+"),
        ("", None),
        ("\n \n", None),
    ],
)
def test_parse_uname(text: str, expected: str | None) -> None:
    assert parse_uname(text) == expected
