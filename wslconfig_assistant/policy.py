"""What "comply" means. The default is the contract's; a TOML policy file can change it
(issue: front ends), so everything the checks judge against lives here.
"""

from __future__ import annotations

from typing import NamedTuple

GIB = 1 << 30
MIB = 1 << 20


class Policy(NamedTuple):
    require_virtiofs: bool = True
    memory_floor: int = GIB  # the VM's memory must be strictly above this
    min_kernel: str = "6.18.26.3-1"
    min_devicehost: str = "1.2.29-0"
    channel: str = "pre-release"
    strict: bool = False


DEFAULT = Policy()

# WSL gives virtiofs its default 64 MB swiotlb (DMA bounce) pool only when the VM has
# at least 1 GB + 64 MB (ComputeDefaultSwiotlbConfig, wsl-source.md §6).
SWIOTLB_MIN_MEMORY = GIB + 64 * MIB
