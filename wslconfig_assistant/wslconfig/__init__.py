"""The .wslconfig file, exactly as WSL reads it: bytes to text (encoding), WSL's own reader
(reader), its value grammars (values) and keys (schema), the settings WSL will use (effective), the
policy's checks on them (checks), a value from the command line made canonical (canonical), minimal
edits spliced into the text (splice), the document that ties them together (document), a file WSL
cannot read re-encoded (reencode), and line numbers as other tools count them (linenumbers).

Pure: bytes and text in, findings and new bytes out; no files, no processes, no Windows calls.

May import: core.
"""
