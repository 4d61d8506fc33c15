"""The command line: argument parsing and dispatch (main), output for people and machines (output,
columns, junitxml, github_annotations), prompts (prompts), DSC's JSON input (jsoninput), and one
module per command (commands).

May import: core, wslconfig, system, storage, wsl, compliance, bench.
"""
