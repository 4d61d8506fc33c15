from __future__ import annotations

from wslconfig_assistant.cli.main import entry

if __name__ == "__main__":
    entry()
