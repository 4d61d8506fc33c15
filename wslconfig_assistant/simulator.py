"""`python -m wslconfig_assistant.simulator`: the wsl.exe simulator's documented start, kept as it was.

The simulator itself lives in its layer (wsl/simulator.py); this module only starts it, like __main__.py
starts the command line, and sits above every layer.
"""

from __future__ import annotations

if __name__ == "__main__":
    from wslconfig_assistant.wsl.simulator import entry

    entry()
