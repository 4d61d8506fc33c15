"""`bench`'s engine: the guest's script (guest_script), its figures parsed and compared (figures), and
the history of runs kept beside the backups (history).

May import: core, wslconfig, system, storage, wsl, compliance.
"""
