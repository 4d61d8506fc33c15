"""One module per command; each takes a Context and typed options, returns an exit code."""
