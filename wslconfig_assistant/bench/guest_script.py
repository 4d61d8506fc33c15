"""The guest side of `bench`: one POSIX sh script, run in the distro through wsl.exe (wslexe.py).

It uses only what every distro has: sh, and from coreutils or busybox mktemp, rm, cat, dd, stat,
date. What is missing is named on a ``BENCH missing`` line and nothing runs. Timing happens here, in
the guest, so wsl.exe's start-up is never measured. Each folder it works in is made by ``mktemp -d``
under a name carrying the run's token (``wslconfig-assistant-bench-<token>.XXXXXX``): the ``trap``
removes them on exit, Ctrl-C or failure, and the host's clean-up script removes exactly those names
when wsl.exe itself was stopped. Nothing outside them is touched.

Its output, one fact a line (parsed by figures.py):
``BENCH clock ns|uptime|seconds`` (``date +%s%N``; busybox without nanoseconds falls back to
/proc/uptime's hundredths), ``BENCH windir PATH``, ``BENCH kernel …``, ``BENCH swiotlb BASE SIZE``,
``BENCH mounts <each line of /proc/mounts>``,
``BENCH phase windows|native create|stat|read|delete|write|readbig COUNT ELAPSED_NS``,
``BENCH budget-exceeded`` and ``BENCH error CODE DETAIL``.
"""

from __future__ import annotations

__all__ = ["CLEANUP", "MARKER", "SCRIPT", "cleanup_argv", "guest_argv"]

MARKER = "# wslconfig-assistant bench"
FOLDER_PREFIX = "wslconfig-assistant-bench-"

# C:\Users\me\AppData\Local\Temp as the distro sees it: wslpath (WSL's own answer, following
# automount's root in /etc/wsl.conf), else the default root /mnt/<drive letter>; a Linux path stays.
LINUX_PATH = r"""linux_path() {
  case $1 in
    [A-Za-z]:\\*|[A-Za-z]:/*)
      wslpath -u "$1" 2>/dev/null && return
      drive=$(printf '%s' "$1" | cut -c1 | tr 'A-Z' 'a-z')
      echo "/mnt/$drive$(printf '%s' "$1" | cut -c3- | tr '\\' '/')" ;;
    *) echo "$1" ;;
  esac
}"""

# $1 files, $2 megabytes, $3 Windows folder (C:\... or a Linux path), $4 budget in seconds, $5 token,
# $6 the native parent (normally empty: mktemp's own default, $TMPDIR or /tmp).
SCRIPT = MARKER + r"""
set -u
$LINUX_PATH
files=$1; mb=$2; wparent=$3; budget=$4; token=$5; nparent=${6:-${TMPDIR:-/tmp}}
win=; nat=
cleanup() { [ -n "$win" ] && rm -rf -- "$win"; [ -n "$nat" ] && rm -rf -- "$nat"; win=; nat=; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM HUP
missing=
for tool in mktemp rm cat dd stat date cut tr; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then echo "BENCH missing$missing"; exit 3; fi
ns=$(date +%s%N 2>/dev/null)
case $ns in
  *[!0-9]*|'') if [ -r /proc/uptime ]; then clock=uptime; else clock=seconds; fi ;;
  *) clock=ns ;;
esac
echo "BENCH clock $clock"
now() {
  case $clock in
    ns) date +%s%N ;;
    uptime) read -r up _ < /proc/uptime; s=${up%.*}; c=${up#*.}; echo "$s${c}0000000" ;;
    *) echo "$(date +%s)000000000" ;;
  esac
}
wdir=$(linux_path "$wparent")
echo "BENCH windir $wdir"
echo "BENCH kernel $(uname -r 2>/dev/null)"
sb=/sys/bus/vmbus/drivers/hv_pci
base=$(cat $sb/swiotlb_base 2>/dev/null) || base=missing
size=$(cat $sb/swiotlb_size 2>/dev/null) || size=missing
echo "BENCH swiotlb $base $size"
if [ ! -d "$wdir" ]; then echo "BENCH error no-windows-folder $wdir"; exit 4; fi
while IFS= read -r line; do echo "BENCH mounts $line"; done < /proc/mounts
win=$(mktemp -d "$wdir/$FOLDER_PREFIX$token.XXXXXX" 2>/dev/null) ||
  { win=; echo "BENCH error cannot-create $wdir"; exit 4; }
nat=$(mktemp -d "$nparent/$FOLDER_PREFIX$token.XXXXXX" 2>/dev/null) ||
  { nat=; echo "BENCH error cannot-create $nparent"; exit 4; }
start=$(now)
deadline=$((start + budget * 1000000000))
phase() {  # where name count: time "run_<name> <folder>"
  t0=$(now); "run_$2" "$dir"; t1=$(now)
  echo "BENCH phase $1 $2 $3 $((t1 - t0))"
  if [ "$t1" -gt "$deadline" ]; then echo "BENCH budget-exceeded"; exit 5; fi
}
run_create() { i=0; while [ $i -lt "$files" ]; do printf 'wslconfig-assistant\n' > "$1/f$i"; i=$((i + 1)); done; }
run_stat() { stat -- "$1"/f* > /dev/null; }
run_read() { cat -- "$1"/f* > /dev/null; }
run_delete() { rm -f -- "$1"/f*; }
run_write() { dd if=/dev/zero of="$1/big" bs=1048576 count="$mb" conv=fsync 2>/dev/null; }
run_readbig() { dd if="$1/big" of=/dev/null bs=1048576 2>/dev/null; rm -f -- "$1/big"; }
bytes=$((mb * 1048576))
for where in windows native; do
  if [ $where = windows ]; then dir=$win; else dir=$nat; fi
  phase $where create "$files"; phase $where stat "$files"; phase $where read "$files"; phase $where delete "$files"
  phase $where write $bytes; phase $where readbig $bytes
done
echo "BENCH done"
""".replace("$FOLDER_PREFIX", FOLDER_PREFIX).replace("$LINUX_PATH", LINUX_PATH)

# $1 the Windows folder (as for SCRIPT), $2 the token, $3 the native parent: removes this run's folders only.
CLEANUP = MARKER + r""" clean-up
$LINUX_PATH
wparent=$1; token=$2; nparent=${3:-${TMPDIR:-/tmp}}
wdir=$(linux_path "$wparent")
case $token in *[!0-9a-f]*|'') exit 2 ;; esac
rm -rf -- "$wdir/$FOLDER_PREFIX$token".?????? "$nparent/$FOLDER_PREFIX$token".??????
""".replace("$FOLDER_PREFIX", FOLDER_PREFIX).replace("$LINUX_PATH", LINUX_PATH)


def guest_argv(files: int, megabytes: int, windows_folder: str, budget: int, *, token: str,
               native_parent: str = "") -> list[str]:
    """The Linux command line (after ``wsl -e``): sh runs the script with its six arguments."""
    return ["sh", "-c", SCRIPT, "sh", str(files), str(megabytes), windows_folder, str(budget), token, native_parent]


def cleanup_argv(windows_folder: str, token: str, native_parent: str = "") -> list[str]:
    return ["sh", "-c", CLEANUP, "sh", windows_folder, token, native_parent]
