"""SQL text to `Op`s, with sqlglot.

Statements are split on sqlglot's own tokens (so a `;` inside a string or a
dollar-quoted function body never splits), each is parsed on its own, and a
statement no dialect can parse becomes one `unknown` op: the rest of the
file is still read. The file's dialect is the first of PostgreSQL and MySQL
that reads every statement (PostgreSQL when neither does); other dialects
are tried statement by statement. SQL a migration written in another
language runs piece by piece (PHP's `addSql` calls) is read the same way,
one dialect for all its pieces, each piece tokenised on its own
(`sql_pieces`).

Reading is bounded: SQL over `MAX_BYTES`, or still being read after
`BUDGET_SECONDS` of CPU time, is not analysed at all (`TooLarge`, which the
schema classifier reports as `unknown`). The text is tokenised a piece at a
time, each piece ending at a `;` the tokenizer itself read as one: sqlglot
tokenises a whole file in time that grows with the square of its
statements in some files (opaque commands such as `LOCK TABLES`), and the
budget is checked between pieces and statements. Statements that only move
rows (INSERT, UPDATE, DELETE, MERGE, COPY) are judged by their first
keywords, never parsed.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from typing import NamedTuple

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, TokenError
from sqlglot.tokens import Token, TokenType  # type: ignore[attr-defined]

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.schema.ops import Op, Unreadable
from ownership_gate.classifiers.schema.sql.ddl import alter_ops, command_ops, create_ops, drop_ops, unparsed_alter_ops

# sqlglot logs a warning for every statement it reads as an opaque Command;
# those are judged here, so keep them off the user's stderr.
logging.getLogger("sqlglot").addHandler(logging.NullHandler())

FILE_DIALECTS = ("postgres", "mysql")
STATEMENT_DIALECTS = ("postgres", "mysql", "sqlite", "tsql", "oracle", "clickhouse")
MAX_UNREADABLE = 50
MAX_BYTES = 1024 * 1024
BUDGET_SECONDS = 1.0
PIECE = 32 * 1024  # characters tokenised at once, at least
_LINE_END_SEMICOLON = re.compile(r";[ \t]*\r?\n")
# PostgreSQL's default for a constraint, which Doctrine writes after every foreign key and sqlglot does
# not parse: the statement means the same without it.
_NOT_DEFERRABLE = re.compile(r"(?i)\s+NOT\s+DEFERRABLE(?:\s+INITIALLY\s+(?:IMMEDIATE|DEFERRED))?\b")
# DML keyword -> the keyword its target table follows.
_DML_TOKENS = {
    TokenType.INSERT: TokenType.INTO,
    TokenType.REPLACE: TokenType.INTO,
    TokenType.MERGE: TokenType.INTO,
    TokenType.UPDATE: TokenType.UPDATE,
    TokenType.DELETE: TokenType.FROM,
    TokenType.COPY: TokenType.COPY,
}
_TEXT_TOKENS = frozenset({TokenType.VAR, TokenType.STRING, TokenType.NUMBER, TokenType.IDENTIFIER,
                          TokenType.HEREDOC_STRING, TokenType.NATIONAL_STRING, TokenType.BIT_STRING,
                          TokenType.HEX_STRING, TokenType.BYTE_STRING, TokenType.RAW_STRING})
_IGNORED = (
    exp.Select, exp.Set, exp.Transaction, exp.Commit, exp.Rollback, exp.Comment,
    exp.Grant, exp.Pragma, exp.Use, exp.Semicolon,
)


class TooLarge(Unreadable):
    """SQL too large, or too slow, to analyse within the budget."""


class _Budget:
    """The CPU time one SQL text may take: CPU time, so a busy machine reaches the same verdict."""

    def __init__(self, first_line: int, deadline: float | None = None) -> None:
        self.deadline = time.process_time() + BUDGET_SECONDS if deadline is None else deadline
        self.first_line = first_line

    def check(self, line: int) -> None:
        """Raise TooLarge once the time is up; `line` is where reading got to, counted in the SQL."""
        if time.process_time() > self.deadline:
            at = self.first_line + line - 1
            raise TooLarge(
                f"it is too slow to analyse (parsing stopped after {BUDGET_SECONDS:g} s of CPU time at line"
                f" {at:,}); review it by hand", at,
            )


def _too_large(size: int) -> None:
    """Raise TooLarge for SQL of `size` characters over MAX_BYTES."""
    if size > MAX_BYTES:
        raise TooLarge(
            f"it is too large to analyse ({size / 1024 / 1024:.1f} MiB of SQL, over the"
            f" {MAX_BYTES // (1024 * 1024)} MiB limit); review it by hand"
        )


def _tokens(sql: str, dialect: str) -> list[Token] | None:
    try:
        return list(Dialect.get_or_raise(dialect).tokenize(sql))
    except (TokenError, ParseError, ValueError, IndexError):
        return None


class _Statement(NamedTuple):
    line: int  # of its first token, counted from the start of the SQL
    text: str
    tokens: list[Token]
    source: str  # the piece of SQL the tokens' offsets point into


def _statements(sql: str, tokens: list[Token], first_line: int = 1) -> list[_Statement]:
    """The statements between `;` tokens, with their first lines."""
    chunks: list[list[Token]] = [[]]
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            chunks.append([])
        else:
            chunks[-1].append(token)
    out: list[_Statement] = []
    line, counted = first_line, 0
    for chunk in (c for c in chunks if c):
        start, end = chunk[0].start, chunk[-1].end
        line += sql.count("\n", counted, start)
        counted = start
        out.append(_Statement(line, sql[start : end + 1], chunk, sql))
    return out


def _ends_on_semicolon(piece: str, tokens: list[Token]) -> bool:
    last = tokens[-1] if tokens else None
    return last is not None and last.token_type == TokenType.SEMICOLON and last.end == len(piece) - 1


def _split(sql: str, dialect: str, budget: _Budget, first_line: int = 1) -> list[_Statement] | None:
    """Every statement of `sql`, whose first line is `first_line`, tokenised a piece at a time; None when
    `dialect` cannot tokenise it.

    A piece ends at a `;` that ends a line; it is taken only when the
    tokenizer read that `;` as the end of a statement (not inside a string,
    comment or function body), else it grows to the next such `;`.
    """
    statements: list[_Statement] = []
    start, line = 0, first_line
    while start < len(sql):
        budget.check(line)
        end = start
        while True:
            cut = _LINE_END_SEMICOLON.search(sql, max(end + end - start, start + PIECE))  # growing, it doubles
            end = len(sql) if cut is None else cut.start() + 1
            piece = sql[start:end]
            tokens = _tokens(piece, dialect)
            if end == len(sql) or (tokens is not None and _ends_on_semicolon(piece, tokens)):
                break
            budget.check(line)
        if tokens is None:
            return None
        statements += _statements(piece, tokens, line)
        line += piece.count("\n")
        start = end
    return statements


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
        action = "delete_rows" if isinstance(node, exp.Delete) else "data"
        return [Op(action, target, detail=f"{verb} rows of {target or 'a table'}")]
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
    if first == TokenType.COPY and (
        (len(tokens) > 1 and tokens[1].token_type == TokenType.L_PAREN)
        or not any(t.token_type == TokenType.FROM for t in tokens)
    ):
        return []  # COPY (query) TO, COPY table TO: an export, no row changes
    marker = _DML_TOKENS[first]
    table = None
    names_of = (TokenType.VAR, TokenType.IDENTIFIER)
    for index, token in enumerate(tokens):
        if token.token_type == marker:
            at = next((i for i in range(index + 1, min(index + 8, len(tokens))) if tokens[i].token_type in names_of),
                      None)
            # A qualified name (`public.search_county`, `db.schema.table`) names its last part, as DDL does.
            while at is not None and at + 2 < len(tokens) and tokens[at + 1].token_type == TokenType.DOT and (
                    tokens[at + 2].token_type in names_of):
                at += 2
            table = tokens[at].text if at is not None else None
            break
    verb = tokens[0].text.lower()
    action = "delete_rows" if first == TokenType.DELETE else "data"
    return [Op(action, table, detail=f"{verb} rows of {table or 'a table'}")]


def _read(statement: _Statement, dialect: str) -> list[Op] | None:
    """One statement's ops; None when `dialect` cannot parse or place it."""
    fast = _dml(statement.tokens)
    if fast is not None:
        return fast
    try:
        parser = Dialect.get_or_raise(dialect).parser(error_level=ErrorLevel.RAISE)
        parsed = parser.parse(statement.tokens, statement.source)
    except (ParseError, TokenError, ValueError, IndexError, RecursionError, AttributeError, TypeError):
        return None  # AttributeError, TypeError: sqlglot's own failures on text it half-reads (`@x nvarchar(max),`)
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
    return _read(statements[0], dialect) if len(statements) == 1 else None


class _Reading(NamedTuple):
    dialect: str  # the file's dialect: the one whose reading failed least
    statements: list[_Statement]
    reads: list[list[Op] | None]  # each statement's ops in that dialect, None where it failed
    fingerprint: str


def _fingerprint(statements: list[_Statement]) -> str:
    """The statements' tokens, without comments or layout: keywords by type, names and literals by text."""
    return "\x1f;\x1f".join(
        "\x1f".join(f"{t.token_type.name}:{t.text if t.token_type in _TEXT_TOKENS else ''}" for t in s.tokens)
        for s in statements
    )


def _file_dialect(sql: str, budget: _Budget) -> _Reading | None:
    best: tuple[int, str, list[_Statement], list[list[Op] | None]] | None = None
    fingerprint = None  # from the first dialect that tokenises the file
    for dialect in FILE_DIALECTS:
        statements = _split(sql, dialect, budget)
        if statements is None:
            continue
        if fingerprint is None:
            fingerprint = _fingerprint(statements)
        reads: list[list[Op] | None] = []
        failures = 0
        for statement in statements:
            budget.check(statement.line)
            reads.append(_read(statement, dialect))
            failures += reads[-1] is None
            if best is not None and failures >= best[0]:
                break  # it cannot read the file better than the dialect before it
        if best is None or failures < best[0]:
            best = (failures, dialect, statements, reads)
        if failures == 0:
            break
    if best is None or fingerprint is None:
        return None
    return _Reading(best[1], best[2], best[3], fingerprint)


def _preview(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= 60 else words[:57] + "..."


def sql_ops(sql: str, line: int = 1) -> list[Op]:
    """The ops of a run of SQL statements whose first line is `line` of its file; raises TooLarge."""
    return sql_migration(sql, line)[0]


# psql's `COPY table (columns) FROM stdin;` takes the rows that follow it, a line each, up to a line `\.`
# (pg_dump writes data so): rows, not statements.
_COPY_DATA = patterns.compile(r"(?ims)^([ \t]*COPY\b[^;]*?\bFROM\s+stdin\b[^;]*;[ \t]*\n)(.*?^\\\.[ \t]*$)")


def _without_copy_data(sql: str) -> str:
    """`sql` with the rows of each `COPY ... FROM stdin;` blanked, their lines kept (line numbers hold)."""
    if "stdin" not in sql.lower():
        return sql
    return _COPY_DATA.sub(lambda m: m.group(1) + "\n" * m.group(2).count("\n"), sql)


def sql_migration(sql: str, line: int = 1) -> tuple[list[Op], str]:
    """`sql_ops`, and a fingerprint equal for two texts that run the same statements; raises TooLarge."""
    if not sql.strip():
        return [], ""
    _too_large(len(sql))
    return _migration(_without_copy_data(sql), line, _Budget(line))


def _migration(sql: str, line: int, budget: _Budget) -> tuple[list[Op], str]:
    found = _file_dialect(sql, budget)
    if found is None:
        return [Op("unknown", line=line, detail="SQL that no dialect can tokenise")], " ".join(sql.split())
    ops: list[Op] = []
    unreadable = 0
    for statement, read in zip(found.statements, found.reads, strict=True):
        at = line + statement.line - 1
        if unreadable >= MAX_UNREADABLE:
            # Not SQL at all, most likely; trying every dialect on the rest only costs time.
            ops.append(Op("unknown", line=at, detail="the rest of the file is not SQL any dialect parses"))
            break
        read = _settled(statement, read, found.dialect, budget)
        if read is None:
            unreadable += 1
            ops.append(_unparsed(statement, at))
            continue
        ops.extend(op._replace(line=at) for op in read)
    return ops, found.fingerprint


def _unparsed(statement: _Statement, line: int) -> Op:
    return Op("unknown", line=line, detail=f"cannot parse statement: {_preview(statement.text)}")


def _settled(statement: _Statement, read: list[Op] | None, dialect: str, budget: _Budget) -> list[Op] | None:
    """A statement's ops: as `dialect` read them, else as another dialect does, else what its keywords
    fix; None when nothing reads it."""
    for other in STATEMENT_DIALECTS:
        if read is not None:
            break
        budget.check(statement.line)
        if other != dialect:
            read = _read_as(statement.text, other)
    if read is None and _NOT_DEFERRABLE.search(statement.text):
        read = _read_as(_NOT_DEFERRABLE.sub("", statement.text), dialect)
    if read is None:
        # What the keywords of a statement no dialect parses still tell for certain.
        words = [t.text for t in statement.tokens]
        read = unparsed_alter_ops([w.upper() for w in words], words)
    return read


class _Pieces(NamedTuple):
    dialect: str
    statements: list[list[_Statement] | None]  # per piece; None where the dialect cannot tokenise it
    reads: list[list[list[Op] | None]]  # per piece, each statement's ops, None where the dialect failed


def _pieces_dialect(pieces: Sequence[tuple[str, int]], budget: _Budget) -> _Pieces:
    """`_file_dialect` for pieces: a piece the dialect cannot tokenise counts as one failure."""
    best: tuple[int, _Pieces] | None = None
    for dialect in FILE_DIALECTS:
        reading = _Pieces(dialect, [], [])
        failures = 0
        for text, line in pieces:
            if best is not None and failures >= best[0]:
                break  # it cannot read the pieces better than the dialect before it
            statements = _split(text, dialect, budget, line)
            reads: list[list[Op] | None] = []
            reading.statements.append(statements)
            reading.reads.append(reads)
            failures += statements is None
            for statement in statements or ():
                budget.check(statement.line)
                reads.append(_read(statement, dialect))
                failures += reads[-1] is None
                if best is not None and failures >= best[0]:
                    break
        if best is None or failures < best[0]:
            best = (failures, reading)
        if failures == 0:
            break
    assert best is not None  # FILE_DIALECTS is not empty
    return best[1]


def sql_pieces(pieces: Sequence[tuple[str, int]]) -> list[list[Op]]:
    """The ops of each SQL text of `pieces`, `(text, its first line in the file)`, which a migration runs in
    that order; raises TooLarge.

    The pieces are read as one file is: in the first of PostgreSQL and MySQL that reads every statement of
    every piece, so a migration whose SQL only MySQL parses builds its indexes online, as a `.sql` file does.
    Each piece is tokenised on its own: a quote one leaves open never swallows the next.
    """
    _too_large(sum(len(text) for text, _ in pieces))
    budget = _Budget(1)
    texts = [(text, line) for text, line in pieces if text.strip()]
    found = _pieces_dialect(texts, budget) if texts else _Pieces(FILE_DIALECTS[0], [], [])
    by_text: list[list[Op]] = []
    unreadable = 0
    for (text, line), statements, reads in zip(texts, found.statements, found.reads, strict=True):
        ops: list[Op] = []
        by_text.append(ops)
        if unreadable > MAX_UNREADABLE:
            continue  # the rest was given up on
        if statements is None:  # the dialect cannot tokenise this piece: read on its own, in any dialect
            ops.extend(_migration(text, line, _Budget(line, budget.deadline))[0])
            continue
        for statement, read in zip(statements, reads, strict=True):
            if unreadable == MAX_UNREADABLE:
                unreadable += 1
                ops.append(Op("unknown", line=statement.line, detail="the rest is not SQL any dialect parses"))
                break
            read = _settled(statement, read, found.dialect, budget)
            if read is None:
                unreadable += 1
                ops.append(_unparsed(statement, statement.line))
                continue
            ops.extend(op._replace(line=statement.line) for op in read)
    read_texts = iter(by_text)
    return [next(read_texts) if text.strip() else [] for text, _ in pieces]
