"""What it takes to comply: the policy file, TOML to a Policy and back (policy_toml, read with
tomlguard's bounds first), the version gates of WSL, kernel and DeviceHost (gates), and the plan
`apply` and the wizard carry out (planning).

May import: core, wslconfig, system, storage, wsl.
"""
