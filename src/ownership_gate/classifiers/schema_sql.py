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
from dataclasses import dataclass, replace

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, TokenError
from sqlglot.tokens import Token, TokenType  # type: ignore[attr-defined]

from ownership_gate.classifiers.schema_ops import Op
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
MAX_UNREADABLE = 50
# DML keyword -> the keyword its target table follows.
_DML_TOKENS = {
    TokenType.INSERT: TokenType.INTO,
    TokenType.REPLACE: TokenType.INTO,
    TokenType.MERGE: TokenType.INTO,
    TokenType.UPDATE: TokenType.UPDATE,
    TokenType.DELETE: TokenType.FROM,
}
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


@dataclass(frozen=True)
class _Statement:
    line: int  # of its first token, counted from the start of the SQL
    text: str
    tokens: list[Token]


def _statements(sql: str, tokens: list[Token]) -> list[_Statement]:
    """The statements between `;` tokens, with their first lines."""
    chunks: list[list[Token]] = [[]]
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            chunks.append([])
        else:
            chunks[-1].append(token)
    out: list[_Statement] = []
    line, counted = 1, 0
    for chunk in (c for c in chunks if c):
        start, end = chunk[0].start, chunk[-1].end
        line += sql.count("\n", counted, start)
        counted = start
        out.append(_Statement(line, sql[start : end + 1], chunk))
    return out


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


def _dml(tokens: list[Token]) -> list[Op] | None:
    """DML, read from its leading keyword: it rewrites rows and cannot change the schema.

    Seed files hold thousands of INSERTs; parsing each only to name its table
    would cost seconds, and the first keyword already fixes the kind.
    """
    first = tokens[0].token_type
    if first not in _DML_TOKENS:
        return None
    marker = _DML_TOKENS[first]
    table = None
    for index, token in enumerate(tokens):
        if token.token_type == marker:
            names = [t for t in tokens[index + 1 : index + 8] if t.token_type in (TokenType.VAR, TokenType.IDENTIFIER)]
            table = names[0].text if names else None
            break
    verb = tokens[0].text.lower()
    return [Op("data", table, detail=f"{verb} rows of {table or 'a table'}")]


def _read(sql: str, statement: _Statement, dialect: str) -> list[Op] | None:
    """One statement's ops; None when `dialect` cannot parse or place it."""
    fast = _dml(statement.tokens)
    if fast is not None:
        return fast
    try:
        parser = Dialect.get_or_raise(dialect).parser(error_level=ErrorLevel.RAISE)
        parsed = parser.parse(statement.tokens, sql)
    except (ParseError, TokenError, ValueError, IndexError, RecursionError):
        return None
    ops: list[Op] = []
    for node in parsed:
        if not isinstance(node, exp.Expression):
            continue
        found = statement_ops(node, dialect)
        if found is None:
            return None
        ops.extend(found)
    return ops


def _read_as(text: str, dialect: str) -> list[Op] | None:
    """One statement's ops in another dialect, tokenised afresh in it."""
    tokens = _tokens(text, dialect)
    statements = _statements(text, tokens) if tokens else []
    return _read(text, statements[0], dialect) if len(statements) == 1 else None


def _file_dialect(sql: str) -> tuple[str, list[_Statement], list[list[Op] | None]] | None:
    best: tuple[int, str, list[_Statement], list[list[Op] | None]] | None = None
    for dialect in FILE_DIALECTS:
        tokens = _tokens(sql, dialect)
        if tokens is None:
            continue
        statements = _statements(sql, tokens)
        reads = [_read(sql, s, dialect) for s in statements]
        failures = sum(1 for r in reads if r is None)
        if best is None or failures < best[0]:
            best = (failures, dialect, statements, reads)
        if failures == 0:
            break
    return None if best is None else (best[1], best[2], best[3])


def _preview(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= 60 else words[:57] + "..."


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
    dialect, statements, reads = found
    ops: list[Op] = []
    unreadable = 0
    for statement, read in zip(statements, reads, strict=True):
        at = line + statement.line - 1
        if unreadable >= MAX_UNREADABLE:
            # Not SQL at all, most likely; trying every dialect on the rest only costs time.
            ops.append(Op("unknown", line=at, detail="the rest of the file is not SQL any dialect parses"))
            break
        for other in STATEMENT_DIALECTS:
            if read is not None:
                break
            if other != dialect:
                read = _read_as(statement.text, other)
        if read is None:
            # What the keywords of a statement no dialect parses still tell for certain.
            words = [t.text for t in statement.tokens]
            read = unparsed_alter_ops([w.upper() for w in words], words)
        if read is None:
            unreadable += 1
            ops.append(Op("unknown", line=at, detail=f"cannot parse statement: {_preview(statement.text)}"))
            continue
        ops.extend(replace(op, line=at) for op in read)
    return ops

