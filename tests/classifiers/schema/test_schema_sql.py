"""Raw SQL migrations: where they live, what each statement is, forward direction only."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.schema.ops import judge as judge_ops
from ownership_gate.classifiers.schema.sql.read import sql_ops
from tests.classifiers.schema.test_schema_helpers import fixture, judge, kinds, pairs
from tests.conftest import Repo


def verdicts(sql: str) -> list[tuple[str, str]]:
    return [(f.kind or "", f.subject) for f in judge_ops(sql_ops(sql), "m.sql")]


# One statement after `CREATE TABLE fresh (...)`, judged on a table that existed before
# (`users`) unless it names `fresh`. The families follow squawk and Atlas' analyzers.
STATEMENTS = [
    # destructive
    ("DROP TABLE users", "destructive", "users"),
    ("DROP SCHEMA billing CASCADE", "destructive", "billing"),
    ("ALTER TABLE users DROP COLUMN email", "destructive", "users.email"),
    ("ALTER TABLE users RENAME COLUMN email TO mail", "destructive", "users.email"),
    ("ALTER TABLE users RENAME TO people", "destructive", "users"),
    ("ALTER TABLE users ALTER COLUMN age TYPE bigint", "destructive", "users.age"),
    ("ALTER TABLE users ALTER COLUMN age SET DATA TYPE text USING age::text", "destructive", "users.age"),
    ("TRUNCATE users", "destructive", "users"),
    ("ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'", "destructive", "mood"),
    ("DROP TYPE mood", "destructive", "mood"),
    ("DROP SEQUENCE users_id_seq", "destructive", "users_id_seq"),
    ("ALTER TABLE `users` MODIFY COLUMN age bigint NOT NULL", "destructive", "users.age"),
    # risky
    ("ALTER TABLE users ALTER COLUMN email SET NOT NULL", "risky", "users.email"),
    ("ALTER TABLE users ADD COLUMN nick text NOT NULL", "risky", "users.nick"),
    ("ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()", "risky", "users.token"),
    ("ALTER TABLE users ADD COLUMN n bigserial", "risky", "users.n"),
    ("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)", "risky", "users"),
    ("ALTER TABLE users ADD PRIMARY KEY (id)", "risky", "users"),
    ("ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id)", "risky", "users"),
    # PostgreSQL's default, which Doctrine writes after every foreign key
    ("ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE"
     " NOT DEFERRABLE INITIALLY IMMEDIATE", "risky", "users"),
    ("ALTER TABLE users ADD CONSTRAINT positive CHECK (age > 0)", "risky", "users"),
    ("CREATE INDEX users_email_idx ON users (email)", "risky", "users"),
    ("CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)", "risky", "users"),
    # additive
    ("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)", "additive", "orders"),
    ("ALTER TABLE users ADD COLUMN nick text", "additive", "users.nick"),
    ("ALTER TABLE users ADD COLUMN score int NOT NULL DEFAULT 0", "additive", "users.score"),
    ("ALTER TABLE users ADD COLUMN seen_at timestamptz NOT NULL DEFAULT now()", "additive", "users.seen_at"),
    ("ALTER TABLE users ALTER COLUMN email DROP NOT NULL", "additive", "users.email"),
    ("ALTER TABLE users ALTER COLUMN score SET DEFAULT 1", "additive", "users.score"),
    ("CREATE INDEX CONCURRENTLY users_email_idx ON users (email)", "additive", "users"),
    ("CREATE INDEX fresh_name_idx ON fresh (name)", "additive", "fresh"),
    ("ALTER TABLE fresh ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id)", "additive", "fresh"),
    ("CREATE TABLE posts (id int, user_id int, CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id)"
     " NOT DEFERRABLE INITIALLY IMMEDIATE)", "additive", "posts"),
    ("ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID",
     "additive", "users"),
    ("ALTER TABLE users VALIDATE CONSTRAINT fk", "additive", "users"),
    ("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx",
     "additive", "users"),
    ("ALTER TYPE mood ADD VALUE 'curious'", "additive", "mood"),
    ("CREATE EXTENSION IF NOT EXISTS pg_trgm", "additive", "m.sql"),
    ("CREATE VIEW active_users AS SELECT * FROM users WHERE active", "additive", "m.sql"),
    ("DROP INDEX CONCURRENTLY users_email_idx", "additive", "users_email_idx"),
    ("ALTER TABLE users DROP CONSTRAINT fk", "additive", "users"),
    # data
    ("UPDATE users SET score = 0 WHERE score IS NULL", "data", "users"),
    ("DELETE FROM users WHERE deleted", "destructive", "users"),
    ("INSERT INTO plans (name) VALUES ('free')", "data", "plans"),
    ("INSERT LOW_PRIORITY IGNORE INTO stats (d) SELECT now()", "data", "stats"),
    ("REPLACE INTO `keystores` SELECT 'a', 1", "data", "keystores"),
    # unknown: fail closed
    ("DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'users'; END $$", "unknown", "m.sql"),
    ("FROBNICATE THE DATABASE", "unknown", "m.sql"),
]


@pytest.mark.parametrize(("statement", "kind", "subject"), STATEMENTS)
def test_statement_kinds(statement: str, kind: str, subject: str) -> None:
    found = verdicts(f"CREATE TABLE fresh (id int, name text);\n{statement};")
    assert found[0] == ("additive", "fresh")
    assert found[1:] == [(kind, subject)]


def test_neutral_statements_give_no_finding() -> None:
    sql = """
    SET lock_timeout = '2s';
    BEGIN;
    COMMENT ON TABLE users IS 'people';
    GRANT SELECT ON users TO reporting;
    SELECT pg_sleep(0);
    COMMIT;
    """
    assert verdicts(sql) == []


def test_line_numbers_point_at_each_statement() -> None:
    sql = "-- header\nCREATE TABLE a (id int);\n\nDROP TABLE b;\nUPDATE c\n  SET x = 1;\n"
    found = judge_ops(sql_ops(sql), "m.sql")
    assert [(f.kind, f.line) for f in found] == [("additive", 2), ("destructive", 4), ("data", 5)]


def test_semicolons_inside_strings_and_function_bodies_do_not_split() -> None:
    sql = """
    CREATE FUNCTION touch() RETURNS trigger AS $$
    BEGIN NEW.updated_at := now(); RETURN NEW; END;
    $$ LANGUAGE plpgsql;
    UPDATE notes SET body = 'a; DROP TABLE users; --';
    """
    assert verdicts(sql) == [("additive", "m.sql"), ("data", "notes")]


def test_a_bad_statement_is_unknown_and_the_rest_still_read() -> None:
    found = verdicts("ALTER TABLE users ADD COLUMN nick text;\nTHIS IS NOT SQL;\nDROP TABLE users;")
    assert found == [("additive", "users.nick"), ("unknown", "m.sql"), ("destructive", "users")]


def test_sql_the_parser_itself_fails_on_is_unknown_and_the_rest_still_read() -> None:
    # sqlglot's PostgreSQL and MySQL parsers raise AttributeError on this half-read T-SQL header.
    found = verdicts("CREATE OR ALTER PROCEDURE [dbo].[sp_x] @ids nvarchar(max),\nAS SELECT 1;\nDROP TABLE users;")
    assert found[-1] == ("destructive", "users")
    assert all(kind in ("unknown", "additive") for kind, _ in found[:-1])


def test_a_clickhouse_table_is_read_in_its_own_dialect() -> None:
    sql = ("CREATE TABLE IF NOT EXISTS analytics.events_v1\n(\n  id String,\n"
           "  at DateTime64(9) CODEC(Delta(8), ZSTD(1)),\n  kind LowCardinality(String) CODEC(ZSTD(1)),\n"
           "  INDEX idx_kind kind TYPE bloom_filter(0.001) GRANULARITY 1\n)\nENGINE = MergeTree\n"
           "PARTITION BY toDate(at)\nORDER BY (at, id)\nTTL toDateTime(at) + INTERVAL 90 DAY\n"
           "SETTINGS ttl_only_drop_parts = 1;")
    assert verdicts(sql) == [("additive", "events_v1")]


def test_mysql_file_builds_indexes_online() -> None:
    sql = "ALTER TABLE `users` ADD INDEX `idx_email` (`email`);\nCREATE INDEX idx_name ON `users` (`name`);"
    assert verdicts(sql) == [("additive", "users"), ("additive", "users")]


# -- where SQL migrations live, end to end --------------------------------------------------


# A materialized view rebuilt beside the old one and swapped into place, its query one sqlglot cannot parse.
SWAP = """
DROP MATERIALIZED VIEW IF EXISTS public.totals_mv_tmp;
CREATE MATERIALIZED VIEW public.totals_mv_tmp AS
  SELECT c.id, sum(r.amount) FILTER (WHERE r.kind = ANY(ARRAY['a','b'])) OVER w AS receipts
  FROM candidates c JOIN receipts r USING (id) WINDOW w AS (PARTITION BY c.id) WITH DATA AND THEN SOME;
ALTER TABLE public.totals_mv_tmp OWNER TO fec;
CREATE UNIQUE INDEX idx_totals_mv_tmp_id ON public.totals_mv_tmp USING btree (id);
CREATE INDEX idx_totals_mv_tmp_receipts ON public.totals_mv_tmp (receipts);
CREATE OR REPLACE VIEW public.totals_vw AS SELECT * FROM public.totals_mv_tmp WITH DATA AND THEN SOME;
DROP MATERIALIZED VIEW IF EXISTS public.totals_mv;
ALTER MATERIALIZED VIEW IF EXISTS public.totals_mv_tmp RENAME TO totals_mv;
ALTER INDEX IF EXISTS idx_totals_mv_tmp_id RENAME TO idx_totals_mv_id;
"""


def test_a_materialized_view_rebuilt_and_swapped_into_place_is_additive() -> None:
    found = verdicts(SWAP)
    assert {kind for kind, _ in found} == {"additive"}
    assert ("additive", "totals_mv_tmp") in found
    # The same read from a query sqlglot parses.
    assert verdicts("CREATE MATERIALIZED VIEW m AS SELECT 1 AS a;\nCREATE INDEX i ON m (a);") == [
        ("additive", "m"), ("additive", "m")]


@pytest.mark.parametrize(("sql", "expected"), [
    # Renaming a materialized view that production reads breaks what reads it by name.
    ("ALTER MATERIALIZED VIEW IF EXISTS public.totals_mv RENAME TO totals_old;", [("destructive", "totals_mv")]),
    ("ALTER MATERIALIZED VIEW totals_mv OWNER TO fec;", []),
    # An index on one that already existed blocks its refreshes and reads like any other.
    ("CREATE INDEX idx_totals_mv_receipts ON totals_mv (receipts);", [("risky", "totals_mv")]),
])
def test_a_materialized_view_that_already_existed(sql: str, expected: list[tuple[str, str]]) -> None:
    assert verdicts(sql) == expected


def test_flyway_versioned_scripts(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _doc = judge(repo, capsys, {
        "src/main/resources/db/migration/V1__Create_person_table.sql": fixture("sql/flyway_V1__Create_person_table.sql"),
        "src/main/resources/db/migration/V2__Add_people.sql": fixture("sql/flyway_V2__Add_people.sql"),
    })
    assert pairs(found) == [("additive", "PERSON"), ("data", "PERSON")]
    assert code == 0


def test_flyway_undo_script_is_the_rollback_path(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _doc = judge(repo, capsys, {
        "db/migration/U2__Remove_people.sql": fixture("sql/flyway_U2__Remove_people.sql"),
    })
    assert found == []
    assert code == 0


def test_flyway_repeatable_script_edit_is_judged_on_its_new_content(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "db/migration/R__people_view.sql"
    code, found, _ = judge(
        repo, capsys, {path: fixture("sql/flyway_R__people_view.sql").replace("ID, NAME", "NAME")},
        {path: fixture("sql/flyway_R__people_view.sql")},
    )
    assert pairs(found) == [("additive", path)]
    assert code == 0


def test_golang_migrate_up_is_read_down_is_not(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _code, found, doc = judge(repo, capsys, {
        "migrations/000002_add_mood_to_users.up.sql": fixture("sql/golang_000002_add_mood_to_users.up.sql"),
        "migrations/000002_add_mood_to_users.down.sql": fixture("sql/golang_000002_add_mood_to_users.down.sql"),
    })
    assert pairs(found) == [("additive", "migrations/000002_add_mood_to_users.up.sql"), ("additive", "users.mood")]
    assert {c["path"]: c["level"] for c in doc["changes"]} == {
        "migrations/000002_add_mood_to_users.up.sql": "engineer",
        "migrations/000002_add_mood_to_users.down.sql": "engineer",
    }


def test_rollback_only_change_gives_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    down = "migrations/000001_create_users_table.down.sql"
    code, found, _ = judge(repo, capsys, {down: "DROP TABLE users CASCADE;\n"},
                           {down: fixture("sql/golang_000001_create_users_table.down.sql")})
    assert found == []
    assert code == 0


def test_prisma_migration_sql(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {
        "prisma/migrations/20240101000000_init/migration.sql": fixture("sql/prisma_20240101000000_init_migration.sql"),
    })
    assert kinds(found) == {"additive"}
    assert [f["line"] for f in found] == [2, 11, 20, 23]
    code, found, _ = judge(repo, capsys, {
        "prisma/migrations/20240102000000_add_role/migration.sql": fixture("sql/prisma_20240102000000_add_role_migration.sql"),
    })
    assert pairs(found) == [("risky", "User.role")]
    assert found[0]["line"] == 8
    assert code == 1  # the built-in policy sends risky schema changes to the CTO


def test_liquibase_formatted_sql_found_by_its_header(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _code, found, _ = judge(repo, capsys, {"db/changelog/changes/001-init.sql": fixture("sql/liquibase_changelog.sql")})
    # the `--rollback drop table test1;` lines are the rollback path, not a drop
    assert pairs(found) == [("additive", "test1"), ("data", "test1")]


def test_atlas_directory_found_by_its_sum_file(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {
        "ent/sqls/20220811074144_create_users.sql": fixture("sql/atlas_20220811074144_create_users.sql"),
        "ent/sqls/atlas.sum": fixture("sql/atlas.sum"),
    })
    assert pairs(found) == [("additive", "users")]
    code, found, _ = judge(repo, capsys, {
        "ent/sqls/20220811074314_drop_name.sql": fixture("sql/atlas_20220811074314_drop_name.sql"),
        "ent/sqls/atlas.sum": fixture("sql/atlas.sum") + "20220811074314_drop_name.sql h1:x=\n",
    })
    assert pairs(found) == [("destructive", "users.name")]
    assert code == 1


def test_goose_and_dbmate_read_only_their_up_sections(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {
        "sql/schema/00001_create_post.sql": fixture("sql/goose_00001_create_post.sql"),
        "db/migrations/20151127184807_create_users_table.sql": fixture("sql/dbmate_20151127184807_create_users_table.sql"),
    })
    assert sorted(pairs(found)) == [("additive", "post"), ("additive", "users")]
    assert code == 0


EVOLUTION = """\
# --- !Ups

ALTER TABLE rules_draft DROP COLUMN tags;
ALTER TABLE rules_draft ADD COLUMN notes TEXT;

# --- !Downs

ALTER TABLE rules_draft DROP COLUMN notes;
ALTER TABLE rules_draft ADD COLUMN tags TEXT;
"""


@pytest.mark.parametrize("marker", ["# --- ", "-- "])
def test_play_evolutions_read_only_their_ups(repo: Repo, capsys: pytest.CaptureFixture[str], marker: str) -> None:
    code, found, _ = judge(repo, capsys, {
        "apps/rule-manager/conf/evolutions/default/11.sql": EVOLUTION.replace("# --- ", marker),
    })
    assert pairs(found) == [("destructive", "rules_draft.tags"), ("additive", "rules_draft.notes")]
    assert code == 1


def test_sql_outside_migrations_is_not_schema(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {
        "queries/report.sql": fixture("sql/report_query.sql"),
        "tests/fixtures/migrations/001_drop.sql": "DROP TABLE users;\n",
        "spec/db/migrate/V9__drop.sql": "DROP TABLE users;\n",
    })
    assert found == []
    assert code == 0


def test_extra_migration_locations_from_the_policy(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    policy = (
        "version: 1\nlevels:\n  - name: engineer\n  - name: cto\ndefault_level: engineer\n"
        "rules:\n  - id: schema\n    level: cto\n    when: {type: schema, kind: [destructive]}\n"
        "classify:\n  schema: {migrations: [\"database/changes/*.sql\"]}\n"
    )
    base = repo.commit({".ownership-gate.yaml": policy}, "policy")
    repo.commit({"database/changes/042_cleanup.sql": "DROP TABLE sessions;\n"})
    from tests.conftest import findings, run_json

    code, doc = run_json(capsys, "--base", base)
    assert pairs(findings(doc, "schema")) == [("destructive", "sessions")]
    assert code == 1


@pytest.mark.parametrize("content", [b"\x00\x01binary\x00", b"CREATE TABLE \xff\xfe (id int);\n"])
def test_unreadable_migration_fails_closed(
    repo: Repo, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    code, found, _ = judge(repo, capsys, {"migrations/001_init.sql": content})
    assert pairs(found) == [("unknown", "migrations/001_init.sql")]
    assert "could not be analysed" in found[0]["detail"]
    assert code == 1


PG_DUMP_SEED = """\
CREATE TABLE public.search_county
(
    id      integer PRIMARY KEY NOT NULL,
    name    character varying(250),
    country character varying(250)
);

COPY public.search_county (name, country) FROM stdin;
Bedfordshire\tEngland
City of London\tEngland
Vale of Glamorgan\tWales
\\.

UPDATE public.search_county SET country = 'England' WHERE country IS NULL;
"""


def test_rows_after_copy_from_stdin_are_data_not_statements(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # psql's `COPY ... FROM stdin;` takes the rows below it up to `\.`: a new table filled, no unreadable SQL.
    code, found, _doc = judge(repo, capsys, {"src/main/resources/db/migration/V155__add_county_table.sql": PG_DUMP_SEED})
    assert pairs(found) == [("additive", "search_county"), ("data", "search_county"), ("data", "search_county")]
    assert [f["line"] for f in found] == [1, 8, 14]
    assert code == 0


@pytest.mark.parametrize(("statement", "table"), [
    ("INSERT INTO public.search_county (name) VALUES ('Kent')", "search_county"),
    ('UPDATE "public"."search_county" SET name = NULL', "search_county"),
    ("DELETE FROM app.public.events WHERE id = 1", "events"),
    ("INSERT INTO counties VALUES (1)", "counties"),
])
def test_rows_written_to_a_qualified_table_name_the_table(statement: str, table: str) -> None:
    assert [op.table for op in sql_ops(statement + ";")] == [table]


LIQUIBASE_USERS = """\
-- liquibase formatted sql
-- changeset bichard:1 context:staging
TRUNCATE br7own.users RESTART IDENTITY CASCADE;
INSERT INTO br7own.users (username, email) VALUES ('Bichard01', 'bichard01@example.com');
"""


@pytest.mark.parametrize(("path", "expected"), [
    # Seed data in a migration tool's format: the rows a test environment starts with, not a schema change.
    ("environment/postgres/liquibase/seeds/base/001_staging_users.sql", []),
    ("db/seed/users.sql", []),
    # The same changeset among the migrations empties a production table.
    ("environment/postgres/liquibase/migrations/base/030_users.sql", [("destructive", "users"), ("data", "users")]),
])
def test_seed_files_are_not_migrations(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, expected: list[tuple[str, str]]
) -> None:
    code, found, _doc = judge(repo, capsys, {path: LIQUIBASE_USERS})
    assert pairs(found) == expected
    assert code == (1 if expected else 0)
