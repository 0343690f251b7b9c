"""Tables an added migration of the same change set creates before a file runs: no production rows there."""

from __future__ import annotations

from typing import Any

import pytest

from ownership_gate.classifiers.schema import judge as schema_judge
from ownership_gate.classifiers.schema import ops as schema_ops
from ownership_gate.classifiers.schema.earlier import _step, place
from ownership_gate.classifiers.schema.ops import NOTHING, Created, Migration, Op, created_after
from tests.classifiers.schema.test_schema_helpers import judge
from tests.conftest import Repo, levels_by_path

APP = "account/migrations"
INITIAL = """from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="FileType",
            fields=[
                ("id", models.AutoField(primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=50)),
            ],{options}
        ),
    ]
"""
AUTO = """from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("account", "0001_initial")]
    operations = [
        migrations.RemoveField(model_name="filetype", name="id"),
        migrations.AlterField(
            model_name="filetype", name="name", field=models.CharField(max_length=50, primary_key=True),
        ),
    ]
"""
MODELS = "from django.db import models\n\n\nclass FileType(models.Model):\n    name = models.CharField(max_length=50{key})\n"
EARLIER = " (a table created earlier in this change)"


def by_file(doc: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """path -> (kind, subject) of its schema findings, in order."""
    return {c["path"]: [(f["kind"], f["subject"]) for f in c["findings"] if f["type"] == "schema"]
            for c in doc["changes"]}


def details(doc: dict[str, Any], path: str) -> list[str]:
    return [f["detail"] for c in doc["changes"] if c["path"] == path for f in c["findings"]]


# -- Django ------------------------------------------------------------------------------------


def test_a_new_app_whose_second_migration_reshapes_its_new_table(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, doc = judge(repo, capsys, {
        "account/models.py": MODELS.format(key=", primary_key=True"),
        f"{APP}/__init__.py": "",
        f"{APP}/0001_initial.py": INITIAL.format(options=""),
        f"{APP}/0002_auto.py": AUTO,
    })
    assert by_file(doc)[f"{APP}/0002_auto.py"] == [
        ("additive", "account_filetype.id"),
        ("additive", "account_filetype.name"),
    ]
    assert details(doc, f"{APP}/0002_auto.py") == [
        "remove field account_filetype.id" + EARLIER,
        "alter field account_filetype.name: its previous definition cannot be found in the change" + EARLIER,
    ]
    assert levels_by_path(doc)[f"{APP}/0002_auto.py"] == "engineer"
    assert doc["required_level"] == "engineer"
    assert code == 0


def test_the_same_migration_on_a_table_that_existed_at_the_base(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, doc = judge(
        repo, capsys,
        {"account/models.py": MODELS.format(key=", primary_key=True"), f"{APP}/0002_auto.py": AUTO},
        {"account/models.py": MODELS.format(key=""), f"{APP}/__init__.py": "",
         f"{APP}/0001_initial.py": INITIAL.format(options="")},
    )
    assert by_file(doc)[f"{APP}/0002_auto.py"] == [
        ("destructive", "account_filetype.id"),
        ("risky", "account_filetype.name"),  # primary_key turned on, judged from the model's source
    ]
    assert levels_by_path(doc)[f"{APP}/0002_auto.py"] == "cto"
    assert code == 1


def test_an_edited_first_migration_seeds_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """A migration that existed at the base already ran: its table may hold rows."""
    renamed = INITIAL.format(options="").replace('("name", models.CharField(max_length=50)),',
                                                 '("name", models.CharField(max_length=60)),')
    code, _, doc = judge(
        repo, capsys,
        {f"{APP}/0001_initial.py": renamed, f"{APP}/0002_auto.py": AUTO},
        {f"{APP}/__init__.py": "", f"{APP}/0001_initial.py": INITIAL.format(options="")},
    )
    assert by_file(doc)[f"{APP}/0002_auto.py"][0] == ("destructive", "account_filetype.id")
    assert code == 1


def test_an_unmanaged_model_creates_no_table(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """`managed: False` maps a table that exists already, rows and all."""
    code, _, doc = judge(repo, capsys, {
        f"{APP}/0001_initial.py": INITIAL.format(options='\n            options={"managed": False},'),
        f"{APP}/0002_auto.py": AUTO,
    })
    files = by_file(doc)
    assert files[f"{APP}/0001_initial.py"] == [("additive", "account_filetype")]
    assert details(doc, f"{APP}/0001_initial.py") == [
        "create model filetype without creating a table (unmanaged or proxy)"]
    assert files[f"{APP}/0002_auto.py"][0] == ("destructive", "account_filetype.id")
    assert code == 1


# -- Rails -------------------------------------------------------------------------------------

MIGRATE = "db/migrate"


def rails(body: str) -> str:
    return f"class M < ActiveRecord::Migration[7.1]\n  def change\n{body}\n  end\nend\n"


DROP_ACCOUNTS = rails("    drop_table :accounts")
CREATE_ACCOUNTS = rails("    create_table :accounts do |t|\n      t.string :nick\n    end")
REMOVE_NICK = rails("    remove_column :accounts, :nick\n    add_index :accounts, :id")


def test_a_table_dropped_then_created_anew(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """The old table's drop stays destructive; only what runs after the new one's creation sees it new."""
    code, _, doc = judge(repo, capsys, {
        f"{MIGRATE}/20240101000000_drop_accounts.rb": DROP_ACCOUNTS,
        f"{MIGRATE}/20240102000000_create_accounts.rb": CREATE_ACCOUNTS,
        f"{MIGRATE}/20240103000000_remove_nick.rb": REMOVE_NICK,
    })
    files = by_file(doc)
    assert files[f"{MIGRATE}/20240101000000_drop_accounts.rb"] == [("destructive", "accounts")]
    assert files[f"{MIGRATE}/20240102000000_create_accounts.rb"] == [("additive", "accounts")]
    assert files[f"{MIGRATE}/20240103000000_remove_nick.rb"] == [
        ("additive", "accounts.nick"), ("additive", "accounts")]
    assert levels_by_path(doc)[f"{MIGRATE}/20240103000000_remove_nick.rb"] == "engineer"
    assert details(doc, f"{MIGRATE}/20240103000000_remove_nick.rb")[0] == "remove column accounts.nick" + EARLIER
    assert code == 1


def test_a_table_created_by_a_later_migration_seeds_no_earlier_one(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, doc = judge(repo, capsys, {
        f"{MIGRATE}/20240101000000_remove_nick.rb": REMOVE_NICK,
        f"{MIGRATE}/20240102000000_drop_accounts.rb": DROP_ACCOUNTS,
        f"{MIGRATE}/20240103000000_create_accounts.rb": CREATE_ACCOUNTS,
    })
    files = by_file(doc)
    assert files[f"{MIGRATE}/20240101000000_remove_nick.rb"] == [
        ("destructive", "accounts.nick"), ("risky", "accounts")]
    assert code == 1


def test_a_column_added_by_an_earlier_migration_is_new_its_table_is_not(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, doc = judge(repo, capsys, {
        f"{MIGRATE}/20240101000000_add_nick.rb": rails("    add_column :users, :nick, :string"),
        f"{MIGRATE}/20240102000000_rename_nick.rb": rails(
            "    rename_column :users, :nick, :handle\n    change_column_null :users, :handle, false"),
    })
    assert by_file(doc)[f"{MIGRATE}/20240102000000_rename_nick.rb"] == [
        ("additive", "users.nick"),  # the column never reached production
        ("risky", "users.handle"),  # the table's existing rows are scanned
    ]
    assert details(doc, f"{MIGRATE}/20240102000000_rename_nick.rb")[0].endswith(" (created earlier in this change)")
    assert code == 1


# -- SQL ---------------------------------------------------------------------------------------

FLYWAY = "src/main/resources/db/migration"


def test_flyway_versions_compare_as_numbers(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """V2 runs before V10 (as a string, V10 sorts first)."""
    code, _, doc = judge(repo, capsys, {
        f"{FLYWAY}/V2__create_person.sql": "CREATE TABLE person (id int, name varchar(100));\n",
        f"{FLYWAY}/V10__drop_name.sql": "ALTER TABLE person DROP COLUMN name;\nALTER TABLE person ALTER COLUMN id SET NOT NULL;\n",
    })
    assert by_file(doc)[f"{FLYWAY}/V10__drop_name.sql"] == [
        ("additive", "person.name"), ("additive", "person.id")]
    assert details(doc, f"{FLYWAY}/V10__drop_name.sql") == [
        "drop column person.name" + EARLIER, "set person.id NOT NULL" + EARLIER]
    assert levels_by_path(doc)[f"{FLYWAY}/V10__drop_name.sql"] == "engineer"
    assert code == 0


def test_flyway_a_later_version_seeds_no_earlier_one(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, doc = judge(repo, capsys, {
        f"{FLYWAY}/V10__create_person.sql": "CREATE TABLE person (id int, name varchar(100));\n",
        f"{FLYWAY}/V2__drop_name.sql": "ALTER TABLE person DROP COLUMN name;\n",
    })
    assert by_file(doc)[f"{FLYWAY}/V2__drop_name.sql"] == [("destructive", "person.name")]
    assert code == 1


LARAVEL = "database/migrations"


def laravel(body: str) -> str:
    return ("<?php\nuse Illuminate\\Database\\Migrations\\Migration;\nuse Illuminate\\Database\\Schema\\Blueprint;\n"
            "use Illuminate\\Support\\Facades\\Schema;\n\nreturn new class extends Migration {\n"
            f"    public function up(): void\n    {{\n{body}\n    }}\n}};\n")


CREATE_PERSON = "        Schema::create('person', function (Blueprint $table) {\n            $table->string('name');\n        });"
DROP_NAME = "        Schema::table('person', function (Blueprint $table) {\n            $table->dropColumn('name');\n        });"


@pytest.mark.parametrize(("files", "judged", "expected"), [
    ({f"{FLYWAY}/V1__baseline.sql": "CREATE TABLE IF NOT EXISTS person (id int, name varchar(100));\n",
      f"{FLYWAY}/V2__drop_name.sql": "ALTER TABLE person DROP COLUMN name;\n"},
     f"{FLYWAY}/V2__drop_name.sql", "destructive"),
    ({f"{MIGRATE}/20240101000000_create.rb": CREATE_ACCOUNTS.replace(":accounts do", ":accounts, if_not_exists: true do"),
      f"{MIGRATE}/20240102000000_remove_nick.rb": rails("    remove_column :accounts, :nick")},
     f"{MIGRATE}/20240102000000_remove_nick.rb", "destructive"),
    ({f"{LARAVEL}/2024_01_01_000000_create_person.php": laravel(
        "        if (! Schema::hasTable('person')) {\n" + CREATE_PERSON + "\n        }"),
      f"{LARAVEL}/2024_01_02_000000_drop_name.php": laravel(DROP_NAME)},
     f"{LARAVEL}/2024_01_02_000000_drop_name.php", "destructive"),
    ({f"{LARAVEL}/2024_01_01_000000_create_person.php": laravel(CREATE_PERSON),
      f"{LARAVEL}/2024_01_02_000000_drop_name.php": laravel(DROP_NAME)},
     f"{LARAVEL}/2024_01_02_000000_drop_name.php", "additive"),
])
def test_an_existence_test_seeds_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str], files: dict[str, str | bytes | None], judged: str, expected: str
) -> None:
    """`CREATE TABLE IF NOT EXISTS`, `if_not_exists: true`, `Schema::hasTable`: the table may be there, with its rows."""
    _, _, doc = judge(repo, capsys, files)
    assert [kind for kind, _ in by_file(doc)[judged]] == [expected]
    assert levels_by_path(doc)[judged] == ("cto" if expected == "destructive" else "engineer")


def test_numbers_of_other_widths_sorted_by_name_seed_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tool that sorts by name runs `10_` before `2_`: the order is not certain."""
    code, _, doc = judge(repo, capsys, {
        "db/migrations/2_create_person.sql": "CREATE TABLE person (id int, name text);\n",
        "db/migrations/10_drop_name.sql": "ALTER TABLE person DROP COLUMN name;\n",
    })
    assert by_file(doc)["db/migrations/10_drop_name.sql"] == [("destructive", "person.name")]
    assert code == 1


def test_timestamps_sorted_by_name(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, doc = judge(repo, capsys, {
        "supabase/migrations/20240101000000_create_person.sql": "CREATE TABLE person (id int, name text);\n",
        "supabase/migrations/20240102000000_drop_name.sql": "ALTER TABLE person DROP COLUMN name;\n",
    })
    assert by_file(doc)["supabase/migrations/20240102000000_drop_name.sql"] == [
        ("additive", "person.name")]
    assert code == 0


# -- Alembic -----------------------------------------------------------------------------------

VERSIONS = "alembic/versions"


def alembic(revision: str, down: str, body: str) -> str:
    return (f"from alembic import op\nimport sqlalchemy as sa\n\nrevision = '{revision}'\n"
            f"down_revision = {down!r}\n\n\ndef upgrade():\n{body}\n\n\ndef downgrade():\n    pass\n")


@pytest.mark.parametrize(("first", "second"), [("1975ea83b712", "ae1027a6acf"), ("0001", "0002")])
def test_alembic_revisions_have_no_order_by_name(
    repo: Repo, capsys: pytest.CaptureFixture[str], first: str, second: str
) -> None:
    """Alembic orders revisions by `down_revision`, not by name (even a numbered one): nothing is seeded."""
    code, _, doc = judge(repo, capsys, {
        f"{VERSIONS}/{first}_create.py": alembic(
            first, None, "    op.create_table('account', sa.Column('id', sa.Integer), sa.Column('nick', sa.String))"),
        f"{VERSIONS}/{second}_drop_nick.py": alembic(second, first, "    op.drop_column('account', 'nick')"),
    })
    assert by_file(doc)[f"{VERSIONS}/{second}_drop_nick.py"] == [("destructive", "account.nick")]
    assert levels_by_path(doc)[f"{VERSIONS}/{second}_drop_nick.py"] == "cto"
    assert code == 1


def test_each_added_migration_is_read_once(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    reading = schema_judge._reading

    def counted(data: bytes | None, path: str, context: Any) -> Any:
        seen.append(path)
        return reading(data, path, context)

    monkeypatch.setattr(schema_judge, "_reading", counted)
    names = [f"{MIGRATE}/2024010{n}000000_m.rb" for n in (1, 2, 3)]
    judge(repo, capsys, {names[0]: CREATE_ACCOUNTS, names[1]: REMOVE_NICK, names[2]: DROP_ACCOUNTS})
    assert sorted(seen) == names


# -- Units -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "framework", "expected"), [
    ("app/migrations/0002_auto.py", "django", (("app/migrations", "django", "number"), (2,))),
    ("db/migrate/20240101000000_x.rb", "rails", (("db/migrate", "rails", "number"), (20240101000000,))),
    ("db/migration/V1_1__x.sql", "sql", (("db/migration", "sql", "flyway"), (1, 1))),
    ("db/migration/V2.0__x.sql", "sql", (("db/migration", "sql", "flyway"), (2,))),
    ("database/migrations/2024_01_02_000000_x.php", "laravel",
     (("database/migrations", "laravel", "9999_99_99_999999"), (2024, 1, 2, 0))),
    ("prisma/migrations/20240101000000_init/migration.sql", "sql",
     (("prisma/migrations", "sql", "99999999999999"), (20240101000000,))),
    ("migrations/20240101000000-create-user.js", "js", (("migrations", "js", "99999999999999"), (20240101000000,))),
    ("alembic/versions/0001_create.py", "alembic", None),
    ("db/migration/R__views.sql", "sql", None),
    ("migrations/Migration20240101000000.ts", "js", None),
])
def test_place(path: str, framework: str, expected: tuple[object, ...] | None) -> None:
    assert place(path, framework) == expected


def test_what_is_known_new_after_each_operation() -> None:
    ops = [Op("create_table", "a"), Op("add_column", "users", "nick"), Op("rename_table", "a", to="b"),
           Op("rename_table", "legacy", to="c")]
    assert created_after(ops, NOTHING) == Created(frozenset({"b"}), frozenset({("users", "nick")}))
    assert created_after(ops, NOTHING, creates=False) == NOTHING
    # An operation the reader cannot account for may rename an existing table onto a new one's name.
    assert created_after([Op("unknown", "users", detail="calls helper")], Created(frozenset({"b"}))) == NOTHING
    assert created_after([Op("unknown", "b", "x")], Created(frozenset({"b"}))) == Created(frozenset({"b"}))


def test_migrations_of_one_version_leave_new_what_every_order_does() -> None:
    create = Migration((Op("create_table", "t"), Op("create_table", "u")), fingerprint="create")
    drop = Migration((Op("drop_table", "t"),), fingerprint="drop")
    assert _step(NOTHING, [create, drop]) == Created(frozenset({"u"}))
    assert _step(NOTHING, [create, None]) == NOTHING  # one could not be read


def test_an_operation_that_cannot_be_judged_ends_what_is_known_new() -> None:
    """A helper called on `users` may have renamed an existing table onto `t`'s name."""
    drop = Op("drop_column", "t", "c", detail="drop column t.c")
    earlier = Created(frozenset({"t"}))
    assert [f.kind for f in schema_ops.judge([drop], "f.sql", earlier)] == ["additive"]
    assert [f.kind for f in schema_ops.judge([drop], "f.sql")] == ["destructive"]
    helper = Op("unknown", "users", detail="calls helper")
    assert [f.kind for f in schema_ops.judge([helper, drop], "f.sql", earlier)] == ["unknown", "destructive"]
