"""wslconfig-assistant: put WSL 2 on its fast virtiofs path and keep it there."""

from __future__ import annotations

__all__ = ["__version__"]

# Kept equal to pyproject.toml's version and to the installed package's metadata by
# tests/test_install.py. A literal, not importlib.metadata: the validate path must start
# fast and work from a checkout.
__version__ = "0.1.0"
