"""What "comply" means. The default is the contract's; a TOML policy file can change it
(policy_toml.py reads one), so everything the checks judge against lives here.

Light on purpose: every command imports it, the policy file reader only with --policy.
"""

from __future__ import annotations

from typing import NamedTuple

GIB = 1 << 30
MIB = 1 << 20

CHANNELS = ("pre-release", "stable")
# When apply, setup and dsc set run `wsl --update`: "always" (the default: newer releases carry
# virtiofs fixes past the minimums), "when-behind" (only when a version gate fails), "never".
UPDATE_RUNS = ("always", "when-behind", "never")


class Requirement(NamedTuple):
    """A key the policy wants the .wslconfig to set: ``wsl2.networkingMode = Mirrored``."""

    key: str  # the canonical full name, as WSL spells it: wsl2.networkingMode
    raw: str  # the value as the policy gives it (what `set KEY VALUE` takes)
    text: str  # the value as `set` writes it (WSL's canonical grammar)
    value: object  # what WSL will use (as effective.Setting.value): compared with the file's

    @property
    def id(self) -> str:
        return self.key.lower()


class Policy(NamedTuple):
    require_virtiofs: bool = True
    memory_floor: int = GIB  # the VM's memory must be strictly above this
    min_kernel: str = "6.18.26.3-1"
    min_devicehost: str = "1.2.29-0"
    channel: str = "pre-release"  # or "stable": `wsl --update` with or without --pre-release
    strict: bool = False
    required: tuple[Requirement, ...] = ()  # further keys the .wslconfig must set
    source: str | None = None  # the policy file it came from; None: the contract's default
    advisories: str = "warning"  # known virtiofs bugs (advisories.py): "warning", "error" or "off"
    update_run: str = "always"  # UPDATE_RUNS: when `wsl --update` runs ([update] run)


DEFAULT = Policy()

# WSL gives virtiofs its default 64 MB swiotlb (DMA bounce) pool only when the VM has
# at least 1 GB + 64 MB (ComputeDefaultSwiotlbConfig, wsl-source.md §6).
SWIOTLB_MIN_MEMORY = GIB + 64 * MIB
