"""The schema classifier through `check`: levels, dumps, edited and deleted migrations."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership_gate.cli import main
from ownership_gate.policy.load import builtin_text
from tests.classifiers.schema.test_schema_helpers import judge, pairs
from tests.conftest import Repo, findings, levels_by_path, run_json

ADD = "class AddNick < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :nick, :string\n  end\nend\n"
DROP = "class DropNick < ActiveRecord::Migration[7.1]\n  def change\n    remove_column :users, :nick\n  end\nend\n"
SCHEMA_RB = "ActiveRecord::Schema[7.1].define(version: {v}) do\n  create_table \"users\" do |t|\n    t.string \"nick\"\n  end\nend\n"


def test_additive_migration_passes_destructive_needs_the_cto(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"README.md": "app\n"})
    repo.commit({"db/migrate/20240101000000_add_nick.rb": ADD})
    code, doc = run_json(capsys, "--base", base)
    assert code == 0
    assert levels_by_path(doc) == {"db/migrate/20240101000000_add_nick.rb": "engineer"}
    assert findings(doc, "schema")[0]["rule"] is None

    base = repo.git("rev-parse", "HEAD")
    repo.commit({"db/migrate/20240102000000_drop_nick.rb": DROP})
    code, doc = run_json(capsys, "--base", base)
    assert code == 1
    [finding] = findings(doc, "schema")
    assert (finding["kind"], finding["subject"], finding["rule"], finding["level"]) == (
        "destructive", "users.nick", "schema-change", "cto")
    assert finding["line"] == 3


def test_signoff_trailer_satisfies_a_destructive_migration(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The built-in policy counts only a verified sign-off (a review, or a trailer
    # commit GitHub verified), which a local check cannot read; this repository's
    # policy opts into plain trailers, on the CTO's own commit.
    plain = builtin_text("startup").replace("      require_signed_commit: github\n", "")
    base = repo.commit({"README.md": "app\n", ".ownership-gate.yaml": plain})
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "cto@example.com")
    repo.commit({"db/migrate/20240102000000_drop_nick.rb": DROP},
                message="Drop nick\n\nCTO-Approved-by: CTO <cto@example.com>")
    code, doc = run_json(capsys, "--base", base)
    assert doc["required_level"] == "cto"
    assert code == 0


def test_schema_dump_explained_by_a_migration_gives_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found, doc = judge(repo, capsys, {
        "db/migrate/20240101000000_add_nick.rb": ADD,
        "db/schema.rb": SCHEMA_RB.format(v="2024_01_01_000000"),
    }, {"db/schema.rb": SCHEMA_RB.format(v="2023_01_01_000000")})
    assert pairs(found) == [("additive", "users.nick")]
    assert levels_by_path(doc)["db/schema.rb"] == "engineer"
    assert code == 0


def test_schema_dump_without_a_migration_is_unknown(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(
        repo, capsys,
        {"db/structure.sql": "CREATE TABLE users (id bigint, nick text);\n"},
        {"db/structure.sql": "CREATE TABLE users (id bigint);\n"},
    )
    assert pairs(found) == [("unknown", "db/structure.sql")]
    assert "without any migration" in found[0]["detail"]
    assert code == 1


def test_a_schema_dump_only_reordered_is_no_change(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    columns = '    t.integer "state", default: 5, null: false\n    t.boolean "reminder", default: false, null: false\n'
    dump = "ActiveRecord::Schema[7.1].define(version: {v}) do\n  create_table \"distributions\" do |t|\n{c}  end\nend\n"
    swapped = "".join(reversed(columns.splitlines(keepends=True)))
    code, found, _ = judge(repo, capsys, {"db/schema.rb": dump.format(v="2024_01_02_000000", c=swapped)},
                           {"db/schema.rb": dump.format(v="2024_01_01_000000", c=columns)})
    assert found == []
    assert code == 0
    # A column that changed, not only moved, is still a dump no migration explains.
    code, found, _ = judge(repo, capsys, {"db/schema.rb": dump.format(v="2024_01_02_000000",
                                                                         c=swapped.replace("default: 5", "default: 6"))},
                           {"db/schema.rb": dump.format(v="2024_01_01_000000", c=columns)})
    assert pairs(found) == [("unknown", "db/schema.rb")]
    assert code == 1


def test_a_dump_written_anew_with_the_same_migrations_is_no_change(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # A newer Rails writes the same database another way (`id: :serial`, bigint ids, no
    # encoding comment); the stamp says no migration ran in between, so no database changed.
    old = ('# encoding: UTF-8\nActiveRecord::Schema.define(:version => 20180105005725) do\n'
           '  create_table "adjustments", force: :cascade do |t|\n    t.integer "organization_id"\n  end\nend\n')
    new = old.replace("# encoding: UTF-8\n", "").replace('force: :cascade', 'id: :serial, force: :cascade') \
        .replace('t.integer "organization_id"', 't.bigint "organization_id"')
    code, found, _ = judge(repo, capsys, {"db/schema.rb": new}, {"db/schema.rb": old})
    assert found == []
    assert code == 0
    # The same edit with a stamp that moved: a migration ran that the change does not hold.
    moved = new.replace("20180105005725", "20180201000000")
    code, found, _ = judge(repo, capsys, {"db/schema.rb": moved}, {"db/schema.rb": old})
    assert pairs(found) == [("unknown", "db/schema.rb")]
    assert code == 1


def test_a_structure_sql_is_stamped_by_the_versions_it_inserts(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    versions = "INSERT INTO \"schema_migrations\" (version) VALUES\n('20240101000000'),\n('20240102000000');\n"
    old = "CREATE TABLE users (id bigint, nick text);\n\n" + versions
    new = "CREATE TABLE users (id bigint, nick character varying);\n\n" + versions
    code, found, _ = judge(repo, capsys, {"db/structure.sql": new}, {"db/structure.sql": old})
    assert found == []
    assert code == 0
    one_more = new.replace("('20240102000000');", "('20240102000000'),\n('20240103000000');")
    code, found, _ = judge(repo, capsys, {"db/structure.sql": one_more}, {"db/structure.sql": old})
    assert pairs(found) == [("unknown", "db/structure.sql")]
    assert code == 1


def test_graphql_schema_rb_is_not_a_dump(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {"app/graphql/schema.rb": "class Schema < GraphQL::Schema\nend\n"})
    assert found == []
    assert code == 0


def test_editing_a_migration_that_existed_at_the_base(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "db/migrate/20240101000000_add_nick.rb"
    code, found, doc = judge(repo, capsys, {path: ADD.replace(":string", ":text")}, {path: ADD})
    assert pairs(found) == [("edited", path), ("additive", "users.nick")]
    assert "existed at the base" in found[0]["detail"]
    # What the new version runs is judged as if new (a column added); the edit itself is the engineer's.
    assert levels_by_path(doc) == {path: "engineer"}
    assert code == 0


def test_an_edit_that_only_takes_out_one_of_the_drops_adds_none(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # The drops the migration still makes were judged when it was written; taking one out adds none.
    path = "api/reports/migrations/0020_remove_reports.py"
    before = ("from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
              "    dependencies = [('reports', '0019_auto')]\n    operations = [\n"
              "        migrations.RemoveField(model_name='report', name='stages'),\n"
              "        migrations.DeleteModel(name='Report'),\n        migrations.DeleteModel(name='ReportStatus'),\n"
              "    ]\n")
    code, found, doc = judge(repo, capsys, {path: before.replace("        migrations.DeleteModel(name='ReportStatus'),\n", "")},
                             {path: before})
    assert pairs(found) == [("edited", path)]
    assert levels_by_path(doc) == {path: "engineer"} and code == 0
    # An operation rewritten is new, and the version is judged whole again.
    code, found, doc = judge(repo, capsys, {path: before.replace("name='stages'", "name='title'")}, {path: before})
    assert pairs(found)[:2] == [("edited", path), ("destructive", "reports_report.title")]
    assert code == 1


def test_an_edit_that_makes_a_migration_drop_data_asks_for_sign_off(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "db/migrate/20240101000000_add_nick.rb"
    edited = ADD.replace("add_column :users, :nick, :string", "remove_column :users, :nick")
    code, found, doc = judge(repo, capsys, {path: edited}, {path: ADD})
    assert pairs(found) == [("edited", path), ("destructive", "users.nick")]
    assert levels_by_path(doc) == {path: "cto"}
    assert code == 1


def test_an_edited_migration_asks_the_platform_team_under_the_monorepo_policy(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "db/migrate/20240101000000_add_nick.rb"
    code, found, doc = judge(repo, capsys, {path: ADD.replace(":string", ":text")}, {path: ADD},
                             "--policy", "builtin:monorepo")
    assert pairs(found)[0] == ("edited", path)
    assert levels_by_path(doc) == {path: "platform"}
    assert code == 1


def test_reformatting_a_migration_changes_nothing_it_does(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "db/migrate/20240101000000_add_nick.rb"
    edited = "# frozen_string_literal: true\n\n" + ADD.replace("add_column :users, :nick, :string",
                                                              "add_column(:users, :nick, :string)")
    code, found, _ = judge(repo, capsys, {path: edited}, {path: ADD})
    assert found == []
    assert code == 0


def test_deleting_a_migration_is_reported(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "db/migrate/20240101000000_add_nick.rb"
    code, found, doc = judge(repo, capsys, {path: None}, {path: ADD})
    assert pairs(found) == [("edited", path)]
    assert "deleted" in found[0]["detail"]
    assert doc["changes"][0]["status"] == "deleted"
    assert code == 0


@pytest.mark.parametrize(("old", "new", "content", "then"), [
    ("db/migrate/20240101000000_add_nick.rb", "db/migrate/20240301000000_add_nick.rb", ADD, ("additive", "users.nick")),
    # A Flyway migration under another version, or another description, is another migration to Flyway.
    ("sql/V1__add_nick.sql", "sql/V2__add_nick.sql", "ALTER TABLE users ADD COLUMN nick text;\n",
     ("additive", "users.nick")),
    ("sql/V1__add_nick.sql", "sql/V1__add_nickname.sql", "ALTER TABLE users ADD COLUMN nick text;\n",
     ("additive", "users.nick")),
])
def test_renaming_a_migration_is_reported(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, content: str, then: tuple[str, str]
) -> None:
    _code, found, doc = judge(repo, capsys, {old: None, new: content}, {old: content})
    assert doc["changes"][0]["status"] == "renamed"
    assert pairs(found) == [("unknown", new), then]
    assert "renamed from" in found[0]["detail"]


@pytest.mark.parametrize("old", ["docs/drop_audit.sql", "test/fixtures/migrations/0002_drop.up.sql"])
def test_a_file_renamed_onto_a_migration_path_is_a_new_migration(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str
) -> None:
    """Its old path held no migration: it runs for the first time, as an added one would."""
    new = "migrations/0002_drop.up.sql"
    code, found, doc = judge(repo, capsys, {old: None, new: "DROP TABLE audit_log;\n"},
                             {old: "DROP TABLE audit_log;\n"})
    assert doc["changes"][0]["status"] == "renamed"
    assert pairs(found) == [("destructive", "audit_log")]
    assert code == 1


ECTO = ("defmodule Repo.Migrations.{name} do\n  use Ecto.Migration\n\n  def change do\n"
        "    alter table(:users) do\n      add :nick, :string\n    end\n  end\nend\n")


@pytest.mark.parametrize(("old", "new", "before", "after"), [
    ("db/migrate/20200101000000_add_nick.rb", "db/migrate/20200101000000_add_users_nick.rb",
     ADD, ADD.replace("AddNick", "AddUsersNick")),
    ("priv/repo/migrations/20200101000000_add_x.exs", "priv/repo/migrations/20200101000000_add_users_x.exs",
     ECTO.format(name="AddX"), ECTO.format(name="AddUsersX")),
    # Flyway records a version and its description, the file's name, wherever the file is among its locations.
    ("migrations/V1.0.0__init.sql", "migrations/rst/sql/V1.0.0__init.sql", "DROP TABLE audit;\n",
     "DROP TABLE audit;\n"),
])
def test_a_migration_renamed_with_its_version_kept_cannot_run_again(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, before: str, after: str
) -> None:
    """Rails and Ecto record only the version: the renamed file is the migration that already ran."""
    code, found, doc = judge(repo, capsys, {old: None, new: after}, {old: before})
    assert doc["changes"][0]["status"] == "renamed"
    assert found == []
    assert code == 0


def test_a_migration_renamed_with_its_version_kept_and_edited_is_an_edit(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = "db/migrate/20200101000000_add_profile.rb", "db/migrate/20200101000000_add_user_profile.rb"
    columns = "".join(f"    add_column :users, :{c}, :string\n" for c in ("nick", "bio", "city", "site", "phone"))
    before = f"class AddProfile < ActiveRecord::Migration[7.1]\n  def change\n{columns}  end\nend\n"
    after = before.replace("AddProfile", "AddUserProfile").replace(":phone, :string\n",
                                                                    ":phone, :string\n    remove_column :users, :name\n")
    _code, found, doc = judge(repo, capsys, {old: None, new: after}, {old: before})
    assert doc["changes"][0]["status"] == "renamed"
    assert pairs(found)[0] == ("edited", new)
    assert pairs(found)[-1] == ("destructive", "users.name")
    assert "existed at the base and was edited" in found[0]["detail"]


@pytest.mark.parametrize(("old", "new"), [
    ("db/migrate/20200101000000_add_nick.rb", "db/migrate/20200102000000_add_nick.rb"),  # a new version
    ("db/migrate/20200101000000_add_nick.rb", "db/animals_migrate/20200101000000_add_nick.rb"),  # another db
    ("priv/repo/migrations/20200101000000_add_x.exs", "priv/other_repo/migrations/20200101000000_add_x.exs"),
])
def test_a_migration_moved_to_another_version_or_database_may_run_again(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str
) -> None:
    content = ADD if old.endswith(".rb") else ECTO.format(name="AddX")
    _code, found, _ = judge(repo, capsys, {old: None, new: content}, {old: content})
    assert found[0]["kind"] == "unknown" and "may run it again" in found[0]["detail"]


def test_a_mixed_change_set(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, doc = judge(repo, capsys, {
        "db/migrate/20240101000000_add_nick.rb": ADD,
        "migrations/0002_drop.up.sql": "DROP TABLE audit_log;\n",
        "migrations/0002_drop.down.sql": "CREATE TABLE audit_log (id int);\n",
        "app/models/user.rb": "class User < ApplicationRecord\nend\n",
    })
    assert levels_by_path(doc) == {
        "app/models/user.rb": "engineer",
        "db/migrate/20240101000000_add_nick.rb": "engineer",
        "migrations/0002_drop.down.sql": "engineer",
        "migrations/0002_drop.up.sql": "cto",
    }
    assert code == 1


def test_staged_migration_in_the_pre_commit_hook(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"README.md": "app\n"})
    repo.stage({"db/migrate/20240102000000_drop_nick.rb": DROP})
    code = main(["check", "--staged", "--advisory", "--format", "text"])
    out = capsys.readouterr()
    assert code == 0
    assert "users.nick" in out.out + out.err


def test_huge_migration_fails_closed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    big = "INSERT INTO t VALUES (1);\n" * 200_000  # over 4 MiB
    _code, found, _ = judge(repo, capsys, {"migrations/001_seed.sql": big})
    assert pairs(found) == [("unknown", "migrations/001_seed.sql")]
    assert "larger than" in found[0]["detail"]


def test_deeply_nested_migration_fails_closed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    nested = "[" * 5000 + "]" * 5000
    code, found, _ = judge(repo, capsys, {
        "db/migrate/20240101000000_deep.rb": f"class Deep < ActiveRecord::Migration[7.1]\n  def change\n    x = {nested}\n  end\nend\n",
        "app/migrations/0002_deep.py": f"from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = {nested}\n",
    })
    assert sorted(pairs(found)) == [("unknown", "app/migrations/0002_deep.py"),
                                    ("unknown", "db/migrate/20240101000000_deep.rb")]
    assert code == 1


def test_the_readme_example(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).parents[3] / "README.md").read_text("utf-8")
    section = readme.split("<!-- section:schema -->")[1].split("<!-- /section:schema -->")[0]
    ruby = section.split("```ruby\n")[1].split("```")[0]
    expected = section.split("```text\n")[1].split("```")[0].splitlines()
    _, found, _ = judge(repo, capsys, {"db/migrate/20240101000000_add_part_number_to_products.rb": ruby})
    shown = [f"{f['kind']:<8} {f['subject']:<22} line {f['line']}  {f['detail']}" for f in found]
    assert [" ".join(s.split()) for s in shown] == [" ".join(e.split()) for e in expected]


@pytest.mark.parametrize(("path", "old", "new"), [
    ("migrations/1-add.js",
     "module.exports = {\n  up: async (queryInterface, Sequelize) => {\n    await queryInterface.addColumn('users', 'nick', { type: 'TEXT', allowNull: true, })\n  },\n};\n",
     "module.exports = {\n  up: async (queryInterface, Sequelize) => {\n    await queryInterface.addColumn(\"users\", \"nick\", {\n      type: \"TEXT\",\n      allowNull: true\n    });\n  },\n};\n"),
    ("migrations/2-tx.js",
     "exports.up = (q) => q.sequelize.transaction(async t => { await q.removeIndex('users', 'x', { transaction: t }) })\n",
     "exports.up = (q) =>\n  q.sequelize.transaction(async (t) => {\n    await q.removeIndex(\"users\", \"x\", { transaction: t });\n  });\n"),
    ("db/migrate/20240101000000_add_nick.rb",
     "class AddNick < ActiveRecord::Migration\n  def change\n    add_column :users, :nick, :string, :null => true\n  end\nend\n",
     "class AddNick < ActiveRecord::Migration[4.2]\n  def change\n    add_column :users, :nick, :string, null: true\n  end\nend\n"),
    ("shop/migrations/0002_add.py",
     "from django.db import migrations, models\nfrom typing import List\n\nclass Migration(migrations.Migration):\n    operations: List = [\n        migrations.RunSQL('UPDATE shop_item SET n = 0'),\n    ]\n",
     "from typing import List\n\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    \"\"\"Fill n.\"\"\"\n\n    operations: list = [\n        migrations.RunSQL(\"UPDATE shop_item SET n = 0\", reverse_sql=migrations.RunSQL.noop),\n    ]\n"),
    ("migrations/001_init.sql", "-- init\nCREATE TABLE a (id int);\n", "/* init */\ncreate   table a (\n  id int\n);\n"),
    # A linter's rewrites of the code a data migration runs: `elif` after `return`.
    ("menu/migrations/0007_urls.py",
     "from django.db import migrations\n\ndef url(item):\n    if item.page:\n        return item.page.url\n"
     "    elif item.collection:\n        return item.collection.url\n    return None\n\n"
     "def fill(apps, schema_editor):\n    for item in apps.get_model('menu', 'Item').objects.all():\n"
     "        item.url = url(item)\n        item.save()\n\n"
     "class Migration(migrations.Migration):\n    operations = [migrations.RunPython(fill)]\n",
     "from django.db import migrations\n\ndef url(item):\n    if item.page:\n        return item.page.url\n"
     "    if item.collection:\n        return item.collection.url\n    return None\n\n"
     "def fill(apps, schema_editor):\n    for item in apps.get_model('menu', 'Item').objects.all():\n"
     "        item.url = url(item)\n        item.save()\n\n"
     "class Migration(migrations.Migration):\n    operations = [migrations.RunPython(fill)]\n"),
    # Existence guards added to a migration that already ran.
    ("migrations/002_keys.sql", "CREATE TABLE keys (id int);\nDROP TABLE old_keys;\n",
     "CREATE TABLE IF NOT EXISTS keys (id int);\nDROP TABLE IF EXISTS old_keys;\n"),
    ("priv/repo/migrations/20140128201839_add_users_table.exs",
     'defmodule App.Repo.Migrations.AddUsers do\n  use Ecto.Migration\n\n  def up() do\n'
     '    execute("CREATE TABLE users (id serial PRIMARY KEY, email text)")\n'
     '    execute("ALTER TABLE users DROP COLUMN email")\n  end\nend\n',
     'defmodule App.Repo.Migrations.AddUsers do\n  use Ecto.Migration\n\n  def up() do\n'
     '    execute("CREATE TABLE IF NOT EXISTS users (id serial PRIMARY KEY, email text)")\n'
     '    execute("ALTER TABLE users DROP COLUMN IF EXISTS email")\n  end\nend\n'),
])
def test_formatting_an_existing_migration_is_no_edit(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, old: str, new: str
) -> None:
    """Formatters, linters, import sorting, annotations, the rollback side and existence guards
    change nothing that runs."""
    code, found, _ = judge(repo, capsys, {path: new}, {path: old})
    assert found == []
    assert code == 0


COMBINE = (Path(__file__).parents[2] / "fixtures/schema/django/0002_combine_names.py").read_text()


def test_editing_the_code_of_a_data_migration_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "library/migrations/0002_combine_names.py"
    edited = COMBINE.replace("for person in Person.objects.all():", "for person in Person.objects.iterator():")
    code, found, doc = judge(repo, capsys, {path: edited}, {path: COMBINE})
    assert pairs(found) == [("data", path)]
    assert "its code was edited" in found[0]["detail"]
    assert levels_by_path(doc) == {path: "engineer"}
    assert code == 0


def test_a_data_migration_edited_to_change_the_schema_is_still_asked_about(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "library/migrations/0002_combine_names.py"
    edited = COMBINE.replace(
        "        person.save()\n",
        "        person.save()\n    schema_editor.execute('ALTER TABLE library_person DROP COLUMN first_name')\n",
    )
    code, found, _ = judge(repo, capsys, {path: edited}, {path: COMBINE})
    assert pairs(found)[0] == ("edited", path)
    assert "existed at the base and was edited" in found[0]["detail"]
    assert code == 1


def test_guards_added_with_another_edit_are_still_an_edit(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "migrations/002_keys.sql"
    edited = "CREATE TABLE IF NOT EXISTS keys (id bigint);\n"
    code, found, _ = judge(repo, capsys, {path: edited}, {path: "CREATE TABLE keys (id int);\n"})
    assert pairs(found) == [("edited", path), ("additive", "keys")]
    assert code == 0  # the new version only creates a table: the edit is reported, at the engineer's level
