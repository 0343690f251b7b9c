"""The SQL reader's entry points, importing sqlglot only when SQL is read.

sqlglot takes ~60 ms to import; the pre-commit hook pays it only when a
staged file really holds SQL to analyse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ownership_gate.classifiers.schema.ops import Op


def sql_ops(sql: str, line: int = 1) -> list[Op]:
    from ownership_gate.classifiers.schema.sql import read as schema_sql

    return schema_sql.sql_ops(sql, line)


def sql_migration(sql: str) -> tuple[list[Op], str]:
    from ownership_gate.classifiers.schema.sql import read as schema_sql

    return schema_sql.sql_migration(sql)


def sql_pieces(pieces: Sequence[tuple[str, int]]) -> list[list[Op]]:
    from ownership_gate.classifiers.schema.sql import read as schema_sql

    return schema_sql.sql_pieces(pieces)


def is_volatile_sql(text: str) -> bool:
    from ownership_gate.classifiers.schema.sql import ddl

    return ddl.is_volatile_sql(text)
