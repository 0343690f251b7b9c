"""Path patterns, the pattern index, and what a path alone is owned by (CODEOWNERS)."""
