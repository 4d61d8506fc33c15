"""Where the .wslconfig is (locate), reading it (openfile), and the one door that writes it, with a
backup of what was there (safewrite), one writer at a time (writelock).

May import: core, wslconfig, system.
"""
