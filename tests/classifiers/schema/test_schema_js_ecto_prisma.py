"""Sequelize, Knex, TypeORM, Ecto and Prisma: examples from each tool's docs, forward only."""

from __future__ import annotations

import pytest

from tests.classifiers.schema.test_schema_helpers import fixture, judge, pairs
from tests.conftest import Repo

# -- Sequelize, Knex, TypeORM -----------------------------------------------------------------


def test_sequelize_create_table(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"migrations/20240101000000-create-user.js":
                                          fixture("js/20240101000000-create-user.js")})
    assert pairs(found) == [("additive", "Users")]
    assert code == 0


def test_sequelize_transaction_and_promise_all(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"db/migrations/20240102000000-people.js":
                                          fixture("js/20240102000000-people.js")})
    assert pairs(found) == [("additive", "Person.petName"), ("risky", "Person.favoriteColor"),
                            ("destructive", "Person.nickname")]
    assert [f["line"] for f in found] == [5, 8, 12]
    assert code == 1


def test_knex_create_tables(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"migrations/20240103000000_knex_users.js":
                                          fixture("js/20240103000000_knex_users.js")})
    assert pairs(found) == [("additive", "users"), ("additive", "products")]
    assert code == 0


def test_knex_alter_table_callback(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _, found, _ = judge(repo, capsys, {"src/migrations/20240104000000_knex_alter.ts":
                                       fixture("js/20240104000000_knex_alter.ts")})
    assert pairs(found) == [
        ("additive", "users.nickname"), ("risky", "users.age"), ("destructive", "users.email"),
        ("risky", "users.email"), ("destructive", "users.legacy"), ("risky", "users"), ("data", "users"),
    ]


def test_typeorm_query_runner(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _, found, _ = judge(repo, capsys, {"src/migration/1700000000000-PostRefactoring.ts":
                                       fixture("js/1700000000000-PostRefactoring.ts")})
    assert pairs(found) == [("destructive", "post.title"), ("additive", "post.likes"), ("additive", "post")]
    assert [f["line"] for f in found] == [6, 8, 12]


def sequelize(body: str) -> str:
    return ("const TABLE = 'Orders';\nmodule.exports = {\n  async up(queryInterface, Sequelize) {\n"
            f"{body}\n  }},\n  async down(queryInterface) {{\n    await queryInterface.dropTable('Orders');\n  }},\n}};\n")


@pytest.mark.parametrize(("body", "expected"), [
    ("    await queryInterface.addIndex('Orders', ['status'], { concurrently: true });", [("additive", "Orders")]),
    ("    await queryInterface.addIndex('Orders', ['status']);", [("risky", "Orders")]),
    ("    await queryInterface.addConstraint('Orders', { fields: ['code'], type: 'unique' });",
     [("risky", "Orders")]),
    ("    await queryInterface.changeColumn('Orders', 'total', { type: Sequelize.DECIMAL(10, 2) });",
     [("destructive", "Orders.total")]),
    ("    await queryInterface.renameTable('Orders', 'Purchases');", [("destructive", "Orders")]),
    ("    await queryInterface.bulkDelete('Orders', null, {});", [("destructive", "Orders")]),
    ("    await queryInterface.sequelize.query(`DROP TABLE \"${TABLE}\"`);", [("destructive", "Orders")]),
    ("    await queryInterface.sequelize.query(sqlFromElsewhere);", [("unknown", "migrations/1-x.js")]),
    ("    await queryInterface.frobnicate('Orders');", [("unknown", "Orders")]),
    ("    const rows = await queryInterface.sequelize.query('SELECT id FROM \"Orders\"');", []),
    ("    // await queryInterface.dropTable('Orders');\n    /* queryInterface.dropTable('Orders') */", []),
])
def test_sequelize_methods(repo: Repo, capsys: pytest.CaptureFixture[str], body: str,
                           expected: list[tuple[str, str]]) -> None:
    _, found, _ = judge(repo, capsys, {"migrations/1-x.js": sequelize(body)})
    assert pairs(found) == expected


DB_MIGRATE = """\
var dbm = global.dbm || require('db-migrate');

exports.up = function(db, callback) {
  var cmd = %s;
  db.runSql(cmd, function(err) {
    if (err) throw err;
    callback();
  });
};

exports.down = function(db, callback) {
  db.runSql('ALTER TABLE build DROP COLUMN "source"', callback);
};
"""


@pytest.mark.parametrize(("sql", "expected"), [
    ("'ALTER TABLE build ADD COLUMN \"source\" JSON'", [("additive", "build.source")]),
    ("'ALTER TABLE build DROP COLUMN \"source\"'", [("destructive", "build.source")]),
])
def test_db_migrate_run_sql(repo: Repo, capsys: pytest.CaptureFixture[str], sql: str,
                            expected: list[tuple[str, str]]) -> None:
    # db-migrate's `db.runSql(sql, callback)` runs its SQL as written: read like Sequelize's `query`.
    _, found, _ = judge(repo, capsys, {"migrations/20160107191852-build-source.js": DB_MIGRATE % sql})
    assert pairs(found) == expected


def test_js_outside_migrations_and_without_up(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {
        "src/services/cleanup.js": "export async function up(db) { await db.schema.dropTable('users'); }\n",
        "migrations/index.js": "module.exports = require('./all');\n",
        "migrations/helpers.js": "exports.columns = { id: 'int' };\n",
        "test/migrations/1-drop.js": sequelize("    await queryInterface.dropTable('Orders');"),
    })
    assert found == []
    assert code == 0


@pytest.mark.parametrize("content", [
    "module.exports = {\n  async up(queryInterface) {\n    await queryInterface.dropTable('x';\n  },\n};\n",
    "module.exports = {\n  async up(queryInterface) {\n    await queryInterface.query(`DROP\n",
])
def test_malformed_js_is_unknown(repo: Repo, capsys: pytest.CaptureFixture[str], content: str) -> None:
    code, found, _ = judge(repo, capsys, {"migrations/1-broken.js": content})
    assert pairs(found) == [("unknown", "migrations/1-broken.js")]
    assert code == 1


# -- Ecto -------------------------------------------------------------------------------------


def test_ecto_create_table_up_only(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"priv/repo/migrations/20240101120000_create_weather.exs":
                                          fixture("ecto/20240101120000_create_weather.exs")})
    assert pairs(found) == [("additive", "weather")]
    assert code == 0


def test_ecto_alter_index_rename_execute(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _, found, _ = judge(repo, capsys, {"priv/repo/migrations/20240102120000_alter_weather.exs":
                                       fixture("ecto/20240102120000_alter_weather.exs")})
    assert pairs(found) == [
        ("additive", "weather.station_id"), ("risky", "weather.humidity"), ("additive", "weather.wind"),
        ("destructive", "weather.prcp"), ("destructive", "weather.city"), ("additive", "weather"),
        ("risky", "weather"), ("destructive", "weather.temp_lo"), ("data", "weather"),
    ]
    assert found[-1]["line"] == 18


def ecto(body: str) -> str:
    return f"defmodule M do\n  use Ecto.Migration\n\n  def change do\n{body}\n  end\nend\n"


@pytest.mark.parametrize(("body", "expected"), [
    ("    drop table(:sessions)", [("destructive", "sessions")]),
    ("    drop_if_exists index(:users, [:email])", []),
    ("    rename table(:posts), to: table(:articles)", [("destructive", "posts")]),
    ("    create constraint(:orders, :positive, check: \"total > 0\", validate: false)", [("additive", "orders")]),
    ("    execute(\"\"\"\n    ALTER TABLE users ALTER COLUMN name SET NOT NULL\n    \"\"\", \"SELECT 1\")",
     [("risky", "users.name")]),
    ("    execute(&do_it/0, &undo_it/0)", [("unknown", "priv/repo/migrations/1_m.exs")]),
    ("    Oban.Migrations.up(version: 12)", [("unknown", "priv/repo/migrations/1_m.exs")]),
    ("    from(u in \"users\", update: [set: [active: true]]) |> repo().update_all([])",
     [("data", "priv/repo/migrations/1_m.exs")]),
    ("    from(s in \"sources\", where: s.system) |> repo().delete_all()",
     [("destructive", "priv/repo/migrations/1_m.exs")]),
    ("    execute(\"DELETE FROM sources WHERE system_source_type = 'rejected_events'\", \"\")",
     [("destructive", "sources")]),
])
def test_ecto_commands(repo: Repo, capsys: pytest.CaptureFixture[str], body: str,
                       expected: list[tuple[str, str]]) -> None:
    _, found, _ = judge(repo, capsys, {"priv/repo/migrations/1_m.exs": ecto(body)})
    assert pairs(found) == expected


def test_malformed_elixir_is_unknown(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"priv/repo/migrations/1_m.exs": ecto("    create table(:x) do\n")})
    assert pairs(found) == [("unknown", "priv/repo/migrations/1_m.exs")]
    assert code == 1


# -- Prisma schema ----------------------------------------------------------------------------


def test_prisma_models_compared_old_and_new(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"prisma/schema.prisma": fixture("prisma/schema.after.prisma")},
                           {"prisma/schema.prisma": fixture("prisma/schema.before.prisma")})
    assert pairs(found) == [
        ("destructive", "Draft"),
        ("destructive", "User.legacy"),
        ("risky", "User.name"),  # optional -> required
        ("additive", "User.bio"),  # required -> optional
        ("additive", "User.nickname"),  # new optional field
        ("additive", "User.score"),  # new required field with a default
        ("risky", "User.phone"),  # new required field without a default
        ("destructive", "Post.title"),  # VarChar(255) -> VarChar(100)
        ("risky", "Post"),  # @@index on an existing table
        ("additive", "Tag"),
        ("destructive", "Role"),  # enum value GUEST removed
    ]
    assert code == 1


def test_prisma_model_moved_between_schema_files_is_not_a_drop(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    model = "model Tag {\n  id   Int    @id\n  name String\n}\n"
    code, found, _ = judge(
        repo, capsys,
        {"prisma/schema/main.prisma": "generator client {\n  provider = \"prisma-client-js\"\n}\n",
         "prisma/schema/tag.prisma": model},
        {"prisma/schema/main.prisma": "generator client {\n  provider = \"prisma-client-js\"\n}\n\n" + model},
    )
    assert found == []
    assert code == 0


def test_prisma_new_schema_and_map_rename(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = "model User {\n  id Int @id\n}\n"
    after = "model User {\n  id Int @id\n  @@map(\"users\")\n}\n"
    _, found, _ = judge(repo, capsys, {"schema.prisma": after}, {"schema.prisma": before})
    assert pairs(found) == [("destructive", "User")]
    assert "now maps to table users" in found[0]["detail"]


def test_malformed_prisma_is_unknown(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"prisma/schema.prisma": "model User {\n  id Int @id\n"})
    assert pairs(found) == [("unknown", "prisma/schema.prisma")]
    assert code == 1


# --- Ecto's `modify` without `from:`, against the type the folder's earlier migrations gave ------------

CREATE_BLOCKS = """\
defmodule Explorer.Repo.Migrations.CreateBlocks do
  use Ecto.Migration

  def change do
    execute("CREATE EXTENSION IF NOT EXISTS btree_gist")

    create table(:blocks, primary_key: false) do
      add(:number, :bigint, null: false)
      add(:size, :integer, null: false)
      timestamps()
    end

    create(index(:blocks, [:number]))
    backfill = "UPDATE blocks SET size = 0 WHERE size IS NULL"
    execute(backfill)
  end
end
"""


def _modify(line: str) -> str:
    return ("defmodule Explorer.Repo.Migrations.ChangeBlockSize do\n  use Ecto.Migration\n\n  def up do\n"
            f"    alter table(:blocks) do\n      {line}\n    end\n  end\nend\n")


@pytest.mark.parametrize(("line", "earlier", "expected"), [
    # The same type as the create gave it: only its nullability changes.
    ("modify(:size, :integer, null: true)", CREATE_BLOCKS, [("additive", "blocks.size")]),
    ("modify(:size, :integer, null: false, default: 0)", CREATE_BLOCKS, [("risky", "blocks.size")]),
    # Another type, a size that may narrow it, or a column no earlier migration typed: redefined.
    ("modify(:size, :bigint, null: true)", CREATE_BLOCKS, [("destructive", "blocks.size")]),
    ("modify(:size, :integer, size: 4)", CREATE_BLOCKS, [("destructive", "blocks.size")]),
    ("modify(:gas, :integer, null: true)", CREATE_BLOCKS, [("destructive", "blocks.gas")]),
    # An earlier migration this reader cannot follow may have changed any column.
    ("modify(:size, :integer, null: true)",
     CREATE_BLOCKS.replace('    create(index(:blocks, [:number]))\n', '    Helpers.retype(:blocks)\n'),
     [("destructive", "blocks.size")]),
])
def test_an_ecto_modify_without_from_is_read_against_the_earlier_migrations(
    repo: Repo, capsys: pytest.CaptureFixture[str], line: str, earlier: str, expected: list[tuple[str, str]]
) -> None:
    folder = "apps/explorer/priv/repo/migrations"
    _, found, _ = judge(repo, capsys, {f"{folder}/20190424170833_change_block_size.exs": _modify(line)},
                        {f"{folder}/20180117221922_create_blocks.exs": earlier})
    assert pairs(found) == expected
