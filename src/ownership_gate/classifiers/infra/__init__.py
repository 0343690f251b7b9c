"""`infra` findings: recognising infrastructure files by name, then by content."""
