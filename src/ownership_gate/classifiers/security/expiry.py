"""When something accepted or granted ends, as a file writes it: a scanner's suppression (suppressions.py) and
a person's access (grants.py) are extended when their end moves later."""

from __future__ import annotations


def day(value: object) -> str | None:
    """An end as written (`2025-03-01`, `2025-03-01Z`, `2025-03-01T00:00:00Z`, a TOML date) cut to its day;
    None when absent."""
    return str(value).strip()[:10] if value not in (None, "") else None


def later(new: str | None, old: str | None) -> bool:
    """Whether `new` ends after `old` (None: no end)."""
    return old is not None and (new is None or new > old)
