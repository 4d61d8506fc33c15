"""A fake of wslconfig_assistant.winapi for the Linux suite, written from Microsoft's documented behaviour.

Each fake cites the API and the documented behaviour it reproduces. Tests install it with the ``fake_windows``
fixture pattern: patch ``sys.platform`` to "win32" and each winapi function to its fake, then drive the product
through the same commands the Windows runner would. Sections mirror winapi.py.
"""

from __future__ import annotations

# --- memory and processes -------------------------------------------------------------------------------

# --- console: modes and code pages ----------------------------------------------------------------------

# --- registry (the Lxss keys) ---------------------------------------------------------------------------

# --- file version resources -----------------------------------------------------------------------------

# --- files: attributes, security, replacing, locking ----------------------------------------------------
