"""goose migrations written in Go: the SQL the forward function runs, read in real repositories."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.schema.frameworks import goose
from tests.classifiers.schema.test_schema_helpers import judge, pairs
from tests.conftest import Repo

REBUILD = """\
package migrations

import (
\t"context"
\t"database/sql"

\t"github.com/pressly/goose/v3"
)

func init() {
\tgoose.AddMigrationContext(upRemoveAnnotationID, downRemoveAnnotationID)
}

func upRemoveAnnotationID(ctx context.Context, tx *sql.Tx) error {
\t_, err := tx.ExecContext(ctx, `
create table annotation_tmp (user_id varchar(255) not null, item_id varchar(255) not null);
insert into annotation_tmp(user_id, item_id) select user_id, item_id from annotation;
drop table annotation;
alter table annotation_tmp rename to annotation;
`)
\treturn err
}

func downRemoveAnnotationID(ctx context.Context, tx *sql.Tx) error {
\t_, err := tx.ExecContext(ctx, "drop table annotation")
\treturn err
}
"""

ADDITIVE = """\
package migrations

import (
\t"database/sql"
\t"fmt"

\t"github.com/pressly/goose/v3"
)

const libraryTable = `create table library (id integer primary key, name varchar not null, path varchar not null);`

func init() {
\tgoose.AddMigration(Up20240511, Down20240511)
}

func Up20240511(tx *sql.Tx) error {
\tif _, err := tx.Exec(libraryTable); err != nil {
\t\treturn err
\t}
\tif err := addPathColumn(tx); err != nil {
\t\treturn err
\t}
\tstmt, err := tx.Prepare("insert into library(id, name, path) values(?, ?, ?)")
\tif err != nil {
\t\treturn err
\t}
\t_, err = stmt.Exec(1, "Music", "/music")
\treturn err
}

func addPathColumn(tx *sql.Tx) error {
\t_, err := tx.Exec(fmt.Sprintf("alter table media_file add column %s varchar default '' not null", "library_path"))
\treturn err
}

func Down20240511(tx *sql.Tx) error {
\t_, err := tx.Exec("drop table library")
\treturn err
}
"""

BUILT = """\
package migrations

import (
\t"database/sql"

\t"github.com/pressly/goose/v3"
)

func init() {
\tgoose.AddMigration(upDropOld, nil)
}

func upDropOld(tx *sql.Tx) error {
\t_, err := tx.Exec(statementFor(tx))
\treturn err
}
"""


def test_a_go_migration_that_drops_a_table(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"db/migrations/20240629152843_remove_annotation_id.go": REBUILD})
    assert ("destructive", "annotation") in pairs(found)
    assert {f["line"] for f in found if f["kind"] == "destructive"} == {18}
    assert code == 1


def test_constants_helpers_sprintf_and_prepared_statements_are_read(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found, _ = judge(repo, capsys, {"db/migrations/20240511220020_add_library_table.go": ADDITIVE})
    # The down function's `drop table library` is never read; the prepared insert is read once, not at Exec.
    assert [(f["kind"], f["line"]) for f in found] == [("additive", 17), ("additive", 32), ("data", 23)]
    assert code == 0


def test_sql_built_at_run_time_is_unknown(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"migrations/00042_drop_old.go": BUILT})
    assert [(f["kind"], f["line"]) for f in found] == [("unknown", 14)]
    assert code == 1


def test_a_go_file_that_registers_nothing_is_no_migration(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"db/migrations/migration.go": "package migrations\n\n"
                                          "func notice(msg string) { println(msg) }\n"})
    assert found == []
    assert code == 0


@pytest.mark.parametrize(("path", "sniffed"), [
    ("db/migrations/20240629_x.go", True),
    ("internal/migration/00001_init.go", True),
    ("db/migrations/x_test.go", False),
    ("internal/server/routes.go", False),
])
def test_which_go_files_may_be_migrations(path: str, sniffed: bool) -> None:
    assert goose.sniffs(path) is sniffed


def test_a_declared_location_holds_only_migrations(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    policy = ("version: 1\nlevels:\n  - name: engineer\n  - name: cto\ndefault_level: engineer\n"
              'classify:\n  schema:\n    migrations: ["database/*.go"]\n'
              "rules:\n  - id: schema\n    level: cto\n    when: {type: schema, kind: [destructive, risky, unknown]}\n"
              "    reason: data\n")
    code, found, _ = judge(repo, capsys, {"database/0001_drop.go": BUILT.replace("statementFor(tx)", '"drop table users"'),
                                          "database/helpers.go": "package database\n\nfunc helper() {}\n"},
                           {".ownership-gate.yaml": policy})
    assert pairs(found) == [("destructive", "users"), ("unknown", "database/helpers.go")]
    assert code == 1
