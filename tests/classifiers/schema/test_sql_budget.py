"""SQL is read within a budget of size and CPU time, and fails closed past it; long checks show progress."""

from __future__ import annotations

import json
import os
import pty
import select
import time
from typing import Any

import pytest

from ownership_gate.classifiers.schema.ops import judge as judge_ops
from ownership_gate.classifiers.schema.sql import read as schema_sql
from ownership_gate.classifiers.schema.sql.read import TooLarge, sql_migration, sql_ops
from ownership_gate.cli import main
from ownership_gate.output import terminal
from tests.conftest import Repo, findings, run_json


def _dump(tables: int) -> str:
    """An initial migration the way dump tools write one: DDL, then locked blocks of rows."""
    parts = []
    for n in range(tables):
        columns = ",\n".join(f"  `col_{i}` varchar(255) NOT NULL DEFAULT 'x'" for i in range(20))
        rows = ",".join(f"({i},'value; {i}')" for i in range(40))
        parts.append(
            f"CREATE TABLE `t{n}` (\n  `id` bigint NOT NULL AUTO_INCREMENT,\n{columns},\n  PRIMARY KEY (`id`)\n)"
            f" ENGINE=InnoDB;\nLOCK TABLES `t{n}` WRITE;\nINSERT INTO `t{n}` VALUES {rows};\nUNLOCK TABLES;\n"
        )
    return "".join(parts)


def test_a_multi_megabyte_migration_is_unknown_at_once(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    sql = _dump(2000)
    assert len(sql) > 3 * 1024 * 1024
    base = repo.commit({"README.md": "x\n"})
    repo.commit({"db/migrations/V2__init.sql": sql})
    code, document = run_json(capsys, "--base", base)
    [finding] = findings(document, "schema")
    assert (finding["kind"], finding["subject"]) == ("unknown", "db/migrations/V2__init.sql")
    assert finding["detail"] == (
        f"migration could not be analysed: it is too large to analyse ({len(sql) / 1024 / 1024:.1f} MiB"
        " of SQL, over the 1 MiB limit); review it by hand"
    )
    assert code == 1


def test_a_migration_over_the_time_budget_is_unknown(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema_sql, "BUDGET_SECONDS", 0.0)  # every file is over it: no timing in the test
    base = repo.commit({"README.md": "x\n"})
    repo.commit({"db/migrations/V2__init.sql": _dump(3)})
    code, document = run_json(capsys, "--base", base)
    [finding] = findings(document, "schema")
    assert finding["kind"] == "unknown"
    assert finding["detail"].startswith(
        "migration could not be analysed: it is too slow to analyse (parsing stopped after 0 s of CPU time at line "
    )
    assert code == 1


def test_the_budget_names_the_line_reading_stopped_at(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema_sql, "BUDGET_SECONDS", 0.0)
    with pytest.raises(TooLarge) as caught:
        sql_ops("CREATE TABLE a (id int);\n" * 3, line=40)
    assert caught.value.line == 40  # embedded SQL counts from its place in the file


def test_a_large_migration_within_the_budget_keeps_every_finding() -> None:
    sql = _dump(60)  # about 100 KB
    ops, _ = sql_migration(sql)
    kinds = [(f.kind, f.subject) for f in judge_ops(ops, "m.sql")]
    assert kinds.count(("additive", "t0")) == 1 and kinds.count(("data", "t59")) == 1
    assert len(kinds) == 120  # a create and an insert per table; LOCK and UNLOCK TABLES are neutral


SPLIT_CASES = [
    "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  x := 1;\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\nDROP TABLE a;\n",
    "UPDATE notes SET body = 'a;\nDROP TABLE users;\n--';\nDROP TABLE b;\n",
    "/* a comment;\nDROP TABLE users;\n*/\nALTER TABLE c ADD COLUMN d text;\n",
    "-- a line comment;\nDROP TABLE e;\nINSERT INTO f VALUES (1);\n",
    "CREATE TABLE g (id int);  \r\nUPDATE h SET x = 'y;\r\n';\r\nDROP TABLE i;\r\n",
]


@pytest.mark.parametrize("sql", SPLIT_CASES)
def test_pieces_never_cut_a_string_comment_or_function_body(sql: str, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = sql_migration(sql)
    monkeypatch.setattr(schema_sql, "PIECE", 1)  # a piece per `;` at a line's end, where the tokenizer agrees
    assert sql_migration(sql) == whole


@pytest.mark.parametrize(
    ("statement", "found"),
    [
        ("COPY users (id, name) FROM '/tmp/users.csv' WITH (FORMAT csv)", [("data", "users")]),
        ("COPY users TO '/tmp/users.csv'", []),
        ("COPY (SELECT id FROM users) TO STDOUT", []),
    ],
)
def test_copy_is_judged_by_its_first_keywords(statement: str, found: list[tuple[str, str]]) -> None:
    assert [(f.kind, f.subject) for f in judge_ops(sql_ops(statement + ";"), "m.sql")] == found


# -- progress --------------------------------------------------------------------------


def _drain(primary: int) -> str:
    """What the terminal has received: read until it stays quiet (a loaded machine may hand the
    lines over late, so one read right after the run can come back short)."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 0.3)
        if not ready:
            if chunks:
                break
            continue
        data = os.read(primary, 65536)
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks).decode()


def _progress_run(repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, Any]]:
    """`check --format json` with stderr on a terminal and progress from the first file; (stderr, document)."""
    monkeypatch.setattr(terminal, "PROGRESS_AFTER", 0.0)
    monkeypatch.setattr(terminal, "PROGRESS_EVERY", 0.0)
    base = repo.commit({"README.md": "x\n"})
    repo.commit({f"db/migrations/V{n}__t.sql": f"CREATE TABLE t{n} (id int);\n" for n in range(2, 5)})
    primary, secondary = pty.openpty()
    with os.fdopen(secondary, "w") as tty:
        monkeypatch.setattr("sys.stderr", tty)
        code = main(["check", "--base", base, "--format", "json"])
        tty.flush()
        err = _drain(primary)
    os.close(primary)
    assert code == 0
    return err, json.loads(capsys.readouterr().out)


def test_progress_goes_to_a_terminal_on_stderr_only(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    err, document = _progress_run(repo, capsys, monkeypatch)
    assert [line for line in err.splitlines() if "classified" in line] == [
        f"ownership-gate: {n}/3 files classified" for n in (1, 2, 3)
    ]
    assert document["summary"]["files"] == 3  # stdout is the report alone


def test_no_progress_into_a_pipe_or_a_log(repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terminal, "PROGRESS_AFTER", 0.0)
    monkeypatch.setattr(terminal, "PROGRESS_EVERY", 0.0)
    base = repo.commit({"README.md": "x\n"})
    repo.commit({f"db/migrations/V{n}__t.sql": f"CREATE TABLE t{n} (id int);\n" for n in range(2, 5)})
    assert main(["check", "--base", base, "--format", "json"]) == 0
    assert "classified" not in capsys.readouterr().err


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_each_statement_ending_a_line_can_end_a_piece(newline: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema_sql, "PIECE", 1)
    sql = newline.join(["CREATE TABLE a (id int);", "DROP TABLE b; ", "UPDATE c SET x = 'y;", "';", ""])
    statements = schema_sql._split(sql, "postgres", schema_sql._Budget(1))
    assert statements is not None
    assert [s.line for s in statements] == [1, 2, 3]
    assert len({id(s.source) for s in statements}) == 3  # one piece each; the `;` in the string ends none
