"""The machine and the process: every Win32 call (winapi, faked by tests/fakewin.py), the host's
memory (hostmemory), Ctrl-C that always ends in exit 130 (interrupts), and stdout and stderr that
cannot change what a command does, with what reaches a terminal (streams).

May import: core, wslconfig.
"""
