"""The Win32 surfaces the product touches, in one place.

Every call into Windows (kernel32 through ctypes, winreg, msvcrt) lives here and nowhere else, so that the
Linux suite can swap this module's functions for the fake in tests/fakewin.py, which follows Microsoft's
documented behaviour, and run every ``sys.platform == "win32"`` branch of the product. Each function cites
the API it wraps and the documented behaviour the callers rely on. Keep the functions thin: decisions belong
to the callers (which the suite runs), only the raw calls belong here (which only a Windows runner proves).

Sections (one per concern, so parallel work merges cleanly):
- memory and processes
- console: modes and code pages
- registry (the Lxss keys)
- file version resources
- files: attributes, security, replacing, locking
"""

from __future__ import annotations

# --- memory and processes -------------------------------------------------------------------------------

# --- console: modes and code pages ----------------------------------------------------------------------

# --- registry (the Lxss keys) ---------------------------------------------------------------------------

# --- file version resources -----------------------------------------------------------------------------

# --- files: attributes, security, replacing, locking ----------------------------------------------------
