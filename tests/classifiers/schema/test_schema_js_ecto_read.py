"""JS/TS and Ecto migrations read from their tree-sitter trees: documented forms, and code that hides
what runs, which must come out `unknown`."""

from __future__ import annotations

import pytest

from ownership_gate.cli import main
from tests.classifiers.schema.test_schema_helpers import fixture, judge, pairs
from tests.conftest import Repo, findings, run_json

# -- the frameworks' documented forms ---------------------------------------------------------


@pytest.mark.parametrize(("path", "expected"), [
    ("src/migrations/Migration20191019195930.ts",
     [("additive", "book"), ("destructive", "author.age"), ("additive", "author.bio")]),
    ("src/migration/1700000000001-QuestionRefactoring.ts",
     [("additive", "question"), ("additive", "question"), ("risky", "answer.questionId"), ("additive", "answer"),
      ("destructive", "answer.legacy"), ("destructive", "answer.body")]),
    ("migrations/2024-01-06-kysely.ts",
     [("additive", "person"), ("additive", "pet.age"), ("destructive", "pet.color"),
      ("unknown", "pet_owner_id_index")]),
    ("migrations/2024.01.07T00.00.00.users.ts", [("additive", "users"), ("risky", "posts.user_id")]),
])
def test_js_frameworks(repo: Repo, capsys: pytest.CaptureFixture[str], path: str,
                       expected: list[tuple[str, str]]) -> None:
    _, found, _ = judge(repo, capsys, {path: fixture("js/" + path.rsplit("/", 1)[1])})
    assert pairs(found) == expected


def test_ecto_docs_commands(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _, found, _ = judge(repo, capsys, {"priv/repo/migrations/20240103120000_create_posts.exs":
                                       fixture("ecto/20240103120000_create_posts.exs")})
    assert pairs(found) == [
        ("additive", "posts"), ("additive", "posts"), ("risky", "users"), ("additive", "users.bio"),
        ("destructive", "users.legacy"),
        ("risky", "users.name"),  # modify ..., null: false, from: {:string, null: true}: same type, now NOT NULL
        ("risky", "users.inserted_at"), ("risky", "users.updated_at"), ("risky", "orders"),
    ]


def test_ecto_up_with_repo_sql(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _, found, _ = judge(repo, capsys, {"priv/repo/migrations/20240104120000_backfill.exs":
                                       fixture("ecto/20240104120000_backfill.exs")})
    assert pairs(found) == [("destructive", "users.nickname"), ("data", "users"), ("destructive", "users"),
                            ("destructive", "sessions"), ("additive", "accounts")]
    assert [f["line"] for f in found] == [9, 10, 11, 13, 14]


def knex(body: str) -> str:
    return f"const TABLE = 'users';\n\nexports.up = async function (knex) {{\n{body}\n}};\n\nexports.down = async () => {{}};\n"


@pytest.mark.parametrize(("body", "expected"), [
    ("  await knex.schema.table(TABLE, (t) => { t.dropColumn('legacy'); });", [("destructive", "users.legacy")]),
    ("  await knex.schema.createTable('logs', (t) => { t.increments(); })\n"
     "    .then(() => knex.schema.dropTable('old_logs'));", [("additive", "logs"), ("destructive", "old_logs")]),
    ("  await knex.transaction(async (trx) => {\n    await trx.schema.dropTable('sessions');\n  });",
     [("destructive", "sessions")]),
    ("  const trx = await knex.transaction();\n  await trx.schema.dropTable('tokens');\n  await trx.commit();",
     [("destructive", "tokens")]),
    ("  const sql = 'DROP TABLE carts';\n  await knex.raw(sql);", [("destructive", "carts")]),
    ("  if (knex.client.config.client === 'pg') {\n    await knex.raw('DROP TABLE pg_only');\n  }",
     [("destructive", "pg_only")]),
])
def test_knex_forms(repo: Repo, capsys: pytest.CaptureFixture[str], body: str,
                    expected: list[tuple[str, str]]) -> None:
    _, found, _ = judge(repo, capsys, {"migrations/20240101_x.js": knex(body)})
    assert pairs(found) == expected


def test_up_as_a_function_declaration_exported_by_name(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    content = ("async function up({ context: queryInterface }) {\n  const { sequelize } = queryInterface;\n"
               "  await sequelize.query('DROP TABLE \"Sessions\"');\n}\nasync function down() {}\n"
               "module.exports = { up, down };\n")
    _, found, _ = judge(repo, capsys, {"migrations/1-x.js": content})
    assert pairs(found) == [("destructive", "Sessions")]


def umzug(body: str) -> str:
    return ("import { DataTypes } from 'sequelize';\n\nexport const name = '2024.01.01T00.00.00.x.ts';\n\n"
            f"export const up = async ({{ context: sequelize }}) => {{\n{body}\n}};\n\n"
            "export const down = async () => {};\n\nexport default { name, up, down };\n")


@pytest.mark.parametrize(("body", "expected"), [
    ("  await sequelize.getQueryInterface().addColumn('users', 'nickname', {\n"
     "    type: DataTypes.STRING,\n    allowNull: true,\n  });", [("additive", "users.nickname")]),
    ("  await sequelize.getQueryInterface().removeColumn('users_teams', 'user_id');",
     [("destructive", "users_teams.user_id")]),
    ("  const queryInterface = sequelize.getQueryInterface();\n  await queryInterface.dropTable('sessions');",
     [("destructive", "sessions")]),
])
def test_umzug_migrations_reach_sequelize_through_get_query_interface(
        repo: Repo, capsys: pytest.CaptureFixture[str], body: str, expected: list[tuple[str, str]]) -> None:
    # umzug hands its migrations the Sequelize instance; its query interface is the migration object.
    _, found, _ = judge(repo, capsys, {"lambda/db/src/migrations/2024.01.01T00.00.00.x.ts": umzug(body)})
    assert pairs(found) == expected


# -- code that hides what runs ----------------------------------------------------------------

JS_FILE = "migrations/20240101_x.js"


@pytest.mark.parametrize(("body", "detail"), [
    ("  const method = 'dropTable';\n  await knex.schema[method]('users');", "chosen at run time"),
    ("  await helper(knex);", "hands knex to other code"),
    ("  await Reflect.apply(knex.schema.dropTable, knex.schema, ['users']);", "hands knex"),
    ("  await knex.schema.dropTable.apply(knex.schema, ['users']);", "unrecognised migration call apply()"),
    ("  await knex.schema.dropTable.call(knex.schema, 'users');", "unrecognised migration call call()"),
    ("  eval(\"knex.schema.dropTable('users')\");", "eval"),
    ("  await new Function('k', 'return k.schema.dropTable(\"users\")')(knex);", "new Function"),
    ("  for (const name of ['a', 'b']) {\n    await knex.schema.dropTable(name);\n  }", "computed at run time"),
    ("  for (const column of ['a', 'b']) {\n    await knex.schema.alterTable('users', (t) => t.dropColumn(column));\n  }",
     "in a loop"),
    ("  await Promise.all(['a', 'b'].map((c) => knex.schema.alterTable('users', (t) => t.string(c))));",
     "in a loop"),
    ("  await knex.schema.createTable(tableName(), (t) => t.increments());", "computed at run time"),
    ("  await knex.schema.alterTable(process.env.TABLE, (t) => t.string('x').notNullable());",
     "computed at run time"),
    ("  await knex.schema.alterTable('users', addColumns);", "runs a function passed by name, which is not read"),
    ("  await knex.transaction(migrate);", "runs a function passed by name, which is not read"),
    ("  await knex.schema.frobnicate('users');", "unrecognised migration call frobnicate()"),
    ("  await knex.schema.alterTable('users', (t) => addAuditColumns(t));", "hands t to other code"),
])
def test_hidden_js_calls_are_unknown(repo: Repo, capsys: pytest.CaptureFixture[str], body: str,
                                     detail: str) -> None:
    code, found, _ = judge(repo, capsys, {JS_FILE: knex(body)})
    assert {f["kind"] for f in found} == {"unknown"}
    assert detail in found[0]["detail"]
    assert code == 1


def test_this_chosen_at_run_time_is_unknown(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    content = ("import { Migration } from '@mikro-orm/migrations';\n\nexport class Migration1 extends Migration {\n"
               "  async up(): Promise<void> {\n    const name = 'addSql';\n    this[name]('drop table \"book\";');\n"
               "  }\n}\n")
    _, found, _ = judge(repo, capsys, {"src/migrations/Migration1.ts": content})
    assert pairs(found) == [("unknown", "src/migrations/Migration1.ts")]
    assert found[0]["line"] == 6


def test_up_from_another_file_is_unknown(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    content = "const shared = require('../shared/drop-users');\nexports.up = shared.up;\nexports.down = shared.down;\n"
    _, found, _ = judge(repo, capsys, {"migrations/1-shared.js": content})
    assert pairs(found) == [("unknown", "migrations/1-shared.js")]
    assert "up comes from code this file does not show" in found[0]["detail"]


ECTO_FILE = "priv/repo/migrations/20240101000000_m.exs"


def ecto(body: str, helpers: str = "") -> str:
    return f"defmodule M do\n  use Ecto.Migration\n\n  def change do\n{body}\n  end\n{helpers}end\n"


@pytest.mark.parametrize(("body", "detail"), [
    ("    apply(Ecto.Migration, :drop, [table(:users)])", "calls apply"),
    ("    Kernel.apply(Ecto.Migration, :drop, [table(:users)])", "calls Kernel.apply"),
    ("    Code.eval_string(\"drop table(:users)\")", "calls Code.eval_string"),
    ("    quote do\n      drop table(unquote(:users))\n    end", "calls quote"),
    ("    drop_users()", "calls drop_users"),
    ("    drop_users", "calls drop_users"),
    ("    my_macro :users", "calls my_macro"),
    ("    Enum.each([:a, :b], fn name -> drop table(name) end)", "computed at run time"),
    ("    Enum.each([:a, :b], fn _ -> drop table(:users) end)", "inside a function handed to Enum.each"),
    ("    for name <- [:a, :b] do\n      drop table(name)\n    end", "calls for"),
    ("    if direction() == :up do\n      drop table(:users)\n    end", "calls if"),
    ("    name = \"users\"\n    drop table(name)", "computed at run time"),
    ("    alter table(@table) do\n      remove :legacy\n    end", "computed at run time"),
    ("    System.cmd(\"psql\", [\"-c\", \"DROP TABLE users\"])", "calls System.cmd"),
    ("    Oban.Migrations.up(version: 12)", "calls Oban.Migrations.up"),
    ("    Enum.each([:users], &MyApp.MigrationHelpers.drop/1)", "calls MyApp.MigrationHelpers.drop"),
])
def test_hidden_ecto_calls_are_unknown(repo: Repo, capsys: pytest.CaptureFixture[str], body: str,
                                       detail: str) -> None:
    code, found, _ = judge(repo, capsys, {ECTO_FILE: ecto(body)})
    assert [f["kind"] for f in found] == ["unknown"]
    assert detail in found[0]["detail"]
    assert code == 1


def test_ecto_helpers_and_pipes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    helpers = ("\n  defp add_nick do\n    alter table(:users) do\n      add :nick, :string\n    end\n  end\n\n"
               "  defp drop_old(_), do: drop table(:sessions)\n")
    body = "    add_nick()\n    Enum.each([1], &drop_old/1)\n    \"carts\" |> table() |> drop()"
    _, found, _ = judge(repo, capsys, {ECTO_FILE: ecto(body, helpers)})
    assert pairs(found) == [("additive", "users.nick"), ("unknown", "sessions"), ("destructive", "carts")]


def test_deeply_nested_js_and_elixir_fail_closed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    nested = "[" * 3000 + "]" * 3000
    code, found, _ = judge(repo, capsys, {
        JS_FILE: knex(f"  const x = {nested};"),
        ECTO_FILE: ecto(f"    x = {nested}"),
    })
    assert sorted(pairs(found)) == [("unknown", JS_FILE), ("unknown", ECTO_FILE)]
    assert code == 1


# -- the command line, on real commits --------------------------------------------------------


@pytest.mark.parametrize(("path", "old", "same", "changed"), [
    ("migrations/20240101_x.js", knex("  await knex.schema.dropTable('users');"),
     knex('  await knex.schema.dropTable("users") // gone').replace("exports.down = async () => {}",
                                                                   "exports.down = async (knex) => knex.schema"),
     knex("  await knex.schema.dropTable('accounts');")),
    (ECTO_FILE, ecto("    drop table(:users)"), ecto("    drop(table(:users)) # gone"), ecto("    drop table(:accounts)")),
])
def test_check_on_an_edited_migration(repo: Repo, capsys: pytest.CaptureFixture[str], path: str, old: str,
                                      same: str, changed: str) -> None:
    base = repo.commit({path: old}, "base")
    repo.commit({path: same}, "layout")
    assert main(["check", "--base", base]) == 0
    assert "schema/" not in capsys.readouterr().out
    repo.commit({path: changed}, "edit")
    assert main(["check", "--base", base]) == 1
    out = capsys.readouterr().out
    assert f"schema/destructive accounts (line {5 if path == ECTO_FILE else 4})" in out
    code, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(doc, "schema")] == [("edited", path), ("destructive", "accounts")]
    assert code == 1
