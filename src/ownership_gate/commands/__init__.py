"""The subcommands: one module each, one function each, returning an exit code."""
