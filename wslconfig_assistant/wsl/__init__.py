"""WSL itself. The one door to wsl.exe (wslexe), the calls the commands make through it (queries),
what it prints per language (translations), `wsl --version` read (version_report), the version
types and their order (package_version), DeviceHost (devicehost), the WSL releases and what each
bundles (releases), what `wsl --update` did (update_outcome) and running it (update_runner),
whether WSL is installed (installation), the service's warnings (servicewarnings), what the
installed release knows of the file (versionaware), known problems by version (advisories), the
guest's mounts (guest), the VM's boot (vmboot), whether a restart is pending (restart), and the
shipped wsl.exe simulator (simulator, simbench) with its throwaway Windows profile (sandbox).

May import: core, wslconfig, system, storage.
"""
