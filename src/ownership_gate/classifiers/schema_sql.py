"""SQL text to `Op`s, with sqlglot.

Statements are split on sqlglot's own tokens (so a `;` inside a string or a
dollar-quoted function body never splits), each is parsed on its own, and a
statement no dialect can parse becomes one `unknown` op: the rest of the
file is still read. The file's dialect is the first of PostgreSQL and MySQL
that reads every statement (PostgreSQL when neither does); other dialects
are tried statement by statement.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, TokenError
from sqlglot.tokens import Token, TokenType  # type: ignore[attr-defined]

from ownership_gate.classifiers.schema_ops import Op, name
from ownership_gate.classifiers.schema_sql_ddl import (
    alter_ops,
    command_ops,
    create_ops,
    drop_ops,
    unparsed_alter_ops,
)

# sqlglot logs a warning for every statement it reads as an opaque Command;
# those are judged here, so keep them off the user's stderr.
logging.getLogger("sqlglot").addHandler(logging.NullHandler())

FILE_DIALECTS = ("postgres", "mysql")
STATEMENT_DIALECTS = ("postgres", "mysql", "sqlite", "tsql", "oracle")
_DML_TOKENS = frozenset({TokenType.INSERT, TokenType.UPDATE, TokenType.DELETE, TokenType.REPLACE,
                         TokenType.MERGE})
_TEXT_TOKENS = frozenset({TokenType.VAR, TokenType.STRING, TokenType.NUMBER, TokenType.IDENTIFIER,
                          TokenType.HEREDOC_STRING, TokenType.NATIONAL_STRING, TokenType.BIT_STRING,
                          TokenType.HEX_STRING, TokenType.BYTE_STRING, TokenType.RAW_STRING})
_IGNORED = (
    exp.Select, exp.Set, exp.Transaction, exp.Commit, exp.Rollback, exp.Comment,
    exp.Grant, exp.Pragma, exp.Use, exp.Semicolon,
)


def _tokens(sql: str, dialect: str) -> list[Token] | None:
    try:
        return list(Dialect.get_or_raise(dialect).tokenize(sql))
    except (TokenError, ParseError, ValueError, IndexError):
        return None


def _chunks(tokens: list[Token]) -> list[list[Token]]:
    chunks: list[list[Token]] = [[]]
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            chunks.append([])
        else:
            chunks[-1].append(token)
    return [c for c in chunks if c]


def _parse(sql: str, dialect: str) -> list[exp.Expression] | None:
    try:
        parsed = Dialect.get_or_raise(dialect).parse(sql, error_level=ErrorLevel.RAISE)
    except (ParseError, TokenError, ValueError, IndexError, RecursionError):
        return None
    return [e for e in parsed if isinstance(e, exp.Expression)]


def statement_ops(node: exp.Expression, dialect: str) -> list[Op] | None:
    """Ops for one parsed statement; None when it is not understood."""
    if isinstance(node, _IGNORED):
        return []
    if isinstance(node, exp.Create):
        return create_ops(node, dialect)
    if isinstance(node, exp.Drop):
        return drop_ops(node)
    if isinstance(node, exp.Alter):
        return alter_ops(node, dialect)
    if isinstance(node, exp.TruncateTable):
        return [
            Op("truncate", t.name, detail=f"truncate {t.name}")
            for t in node.expressions if isinstance(t, exp.Table)
        ]
    if isinstance(node, (exp.Update, exp.Delete, exp.Insert, exp.Merge)):
        table = node.find(exp.Table)
        verb = type(node).__name__.lower()
        target = table.name if table is not None else None
        return [Op("data", target, detail=f"{verb} rows of {target or 'a table'}")]
    if isinstance(node, exp.Command):
        return command_ops(node)
    return None


def _read(text: str, dialect: str) -> list[Op] | None:
    parsed = _parse(text, dialect)
    if parsed is None:
        return None
    ops: list[Op] = []
    for node in parsed:
        found = statement_ops(node, dialect)
        if found is None:
            return None
        ops.extend(found)
    return ops


def _preview(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= 60 else words[:57] + "..."


def _statements(sql: str, tokens: list[Token]) -> list[tuple[int, str]]:
    """(first line, text) of every statement, from the tokens' offsets."""
    out = []
    for chunk in _chunks(tokens):
        start, end = chunk[0].start, chunk[-1].end
        out.append((sql.count("\n", 0, start) + 1, sql[start : end + 1]))
    return out


def _file_dialect(sql: str) -> tuple[str, list[tuple[int, str]]] | None:
    best: tuple[int, str, list[tuple[int, str]]] | None = None
    for dialect in FILE_DIALECTS:
        tokens = _tokens(sql, dialect)
        if tokens is None:
            continue
        statements = _statements(sql, tokens)
        failures = sum(1 for _, text in statements if _read(text, dialect) is None)
        if best is None or failures < best[0]:
            best = (failures, dialect, statements)
        if failures == 0:
            break
    return None if best is None else (best[1], best[2])


def _unparsed(text: str, dialect: str) -> list[Op] | None:
    """What the keywords of a statement no dialect parses still tell for certain."""
    tokens = _tokens(text, dialect) or []
    if not tokens:
        return None
    if tokens[0].token_type in _DML_TOKENS:
        # DML rewrites rows whatever the rest says; it cannot change the schema.
        verb = tokens[0].text.lower()
        return [Op("data", None, detail=f"{verb} rows (statement not fully parsed)")]
    return unparsed_alter_ops([t.text.upper() for t in tokens], [t.text for t in tokens])


def sql_fingerprint(sql: str) -> str:
    """The statements' tokens, without comments or layout."""
    for dialect in FILE_DIALECTS:
        tokens = _tokens(sql, dialect)
        if tokens is not None:
            # Keywords by type (`create` is `CREATE`), names and literals by text.
            return "\x1f".join(
                f"{t.token_type.name}:{t.text if t.token_type in _TEXT_TOKENS else ''}" for t in tokens)
    return " ".join(sql.split())


def sql_ops(sql: str, line: int = 1) -> list[Op]:
    """The ops of a run of SQL statements whose first line is `line` of its file."""
    if not sql.strip():
        return []
    found = _file_dialect(sql)
    if found is None:
        return [Op("unknown", line=line, detail="SQL that no dialect can tokenise")]
    dialect, statements = found
    ops: list[Op] = []
    for first, text in statements:
        at = line + first - 1
        read = _read(text, dialect)
        for other in STATEMENT_DIALECTS:
            if read is not None:
                break
            if other != dialect:
                read = _read(text, other)
        if read is None:
            read = _unparsed(text, dialect)
        if read is None:
            ops.append(Op("unknown", line=at, detail=f"cannot parse statement: {_preview(text)}"))
            continue
        ops.extend(replace(op, line=at) for op in read)
    return ops


__all__ = ["name", "sql_ops", "statement_ops"]
