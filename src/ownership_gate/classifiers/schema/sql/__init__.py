"""SQL text to ops, with sqlglot: raw SQL migrations and SQL embedded in other frameworks."""
