"""Django and Alembic migrations, read with `ast`: examples from the Django and Alembic docs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ownership_gate.classifiers.schema.frameworks.django_fields import _class_defs
from tests.classifiers.schema.test_schema_helpers import fixture, judge, kinds, pairs
from tests.conftest import Repo, findings, run_json

APP = "library/migrations"


def django(operations: str, imports: str = "") -> str:
    return (f"from django.db import migrations, models\n{imports}\n\n"
            f"class Migration(migrations.Migration):\n    dependencies = []\n"
            f"    operations = [\n{operations}\n    ]\n")


# -- Django -----------------------------------------------------------------------------------


def test_initial_migration_is_additive(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {f"{APP}/0001_initial.py": fixture("django/0001_initial.py")})
    assert pairs(found) == [("additive", "library_author"), ("additive", "library_book"),
                            ("additive", "library_book")]
    assert code == 0


def test_run_python_is_data(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {f"{APP}/0002_combine_names.py": fixture("django/0002_combine_names.py")})
    assert pairs(found) == [("data", f"{APP}/0002_combine_names.py")]
    assert found[0]["line"] == 20
    assert code == 0


def test_unique_field_added_in_steps(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """The docs' recipe: nullable field, fill it, then AlterField to unique (an index build)."""
    _code, found, _ = judge(repo, capsys, {f"{APP}/0003_add_uuid_field.py": fixture("django/0003_add_uuid_field.py")})
    assert pairs(found) == [
        ("additive", "library_author.uuid"),
        ("data", f"{APP}/0003_add_uuid_field.py"),
        ("risky", "library_author.uuid"),  # NOT NULL again (null dropped) ...
        ("risky", "library_author"),  # ... and a unique index on existing rows
    ]


def test_run_sql_concurrent_index_and_field_changes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {f"{APP}/0004_musicians.py": fixture("django/0004_musicians.py")})
    assert pairs(found) == [
        ("data", "musician"),
        ("additive", "library_author"),
        ("destructive", "library_book.subtitle"),
        ("destructive", "library_book.isbn"),
        ("risky", "library_book.pages"),
    ]
    assert code == 1


@pytest.mark.parametrize(("operation", "expected"), [
    ('migrations.DeleteModel(name="Old")', [("destructive", "library_old")]),
    ('migrations.RenameModel(old_name="Old", new_name="New")', [("destructive", "library_old")]),
    ('migrations.AlterModelTable(name="book", table="books")', [("destructive", "library_book")]),
    ('migrations.AddField(model_name="book", name="note", field=models.TextField(default=""))',
     [("additive", "library_book.note")]),
    # Django fills existing rows of a blank text field with "", of an auto_now date with the current time.
    ('migrations.AddField(model_name="book", name="code", field=models.CharField(blank=True, max_length=20))',
     [("additive", "library_book.code")]),
    ('migrations.AddField(model_name="book", name="seen", field=models.DateTimeField(auto_now_add=True))',
     [("additive", "library_book.seen")]),
    ('migrations.AddField(model_name="book", name="code", field=models.CharField(max_length=20))',
     [("risky", "library_book.code")]),
    ('migrations.AddField(model_name="book", name="pages", field=models.IntegerField(blank=True))',
     [("risky", "library_book.pages")]),  # no empty value an integer column can hold
    ('migrations.AddField(model_name="book", name="tags", field=models.ManyToManyField(to="library.tag"))',
     [("additive", "library_book_tags")]),
    ('migrations.AddField(model_name="book", name="editor", field=models.ForeignKey(null=True, '
     'on_delete=models.SET_NULL, to="library.author"))',
     [("additive", "library_book.editor"), ("risky", "library_book")]),
    ('migrations.AddConstraint(model_name="book", constraint=models.UniqueConstraint('
     'fields=["title"], name="uniq_title"))', [("risky", "library_book")]),
    ('migrations.AddConstraint(model_name="book", constraint=models.CheckConstraint('
     'condition=models.Q(pages__gte=0), name="pages_positive"))', [("risky", "library_book")]),
    ('migrations.RemoveIndex(model_name="book", name="x")', []),
    ('migrations.AlterModelOptions(name="book", options={"ordering": ["title"]})', []),
    ('migrations.AlterUniqueTogether(name="book", unique_together=set())', [("additive", "library_book")]),
    ('migrations.AlterUniqueTogether(name="book", unique_together={("title", "author")})',
     [("risky", "library_book")]),
    ('migrations.RunPython(migrations.RunPython.noop, reverse)', []),
    ('migrations.RunSQL("ALTER TABLE library_book DROP COLUMN legacy", migrations.RunSQL.noop)',
     [("destructive", "library_book.legacy")]),
    ('migrations.RunSQL(build_sql())', [("unknown", f"{APP}/0005_change.py")]),
    ('migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField(model_name="book", '
     'name="x")], database_operations=[])', []),
    ('migrations.SeparateDatabaseAndState(database_operations=[migrations.RunSQL("DROP TABLE library_x")])',
     [("destructive", "library_x")]),
    ("HStoreExtension()", [("additive", f"{APP}/0005_change.py")]),
    ("CustomOperation()", [("unknown", f"{APP}/0005_change.py")]),
])
def test_operations(repo: Repo, capsys: pytest.CaptureFixture[str], operation: str,
                    expected: list[tuple[str, str]]) -> None:
    _, found, _ = judge(repo, capsys, {f"{APP}/0005_change.py": django(f"        {operation},")})
    assert pairs(found) == expected


DELETE = '        migrations.DeleteModel(name="Account"),'
FORWARDS = "def forwards(apps, schema_editor):\n{body}\n\n\n"


def test_a_dependency_added_under_a_condition_only_orders_the_migration(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    content = django("        migrations.DeleteModel(name=\"Account\"),", "from django.apps import apps as global_apps")
    content = content.replace("    operations = [", "    if global_apps.is_installed('comments'):\n"
                              "        dependencies.append(('comments', '0001_initial'))\n    else:\n"
                              "        run_before += [('library', '0006_next')]\n\n    operations = [")
    _, found, _ = judge(repo, capsys, {f"{APP}/0005_change.py": content})
    assert pairs(found) == [("destructive", "library_account")]


# Ways to change what a Django migration runs out of sight of its `operations` list.
@pytest.mark.parametrize(("content", "detail"), [
    (django("").replace("    ]\n", "    ]\n    operations += [migrations.DeleteModel(name='Account')]\n"),
     "class Migration runs code in its body"),
    # A condition that adds a dependency and also runs something else is still code in the body.
    (django("").replace("    ]\n", "    ]\n    if True:\n        dependencies.append(('x', '0001'))\n"
                                    "        operations.append(migrations.DeleteModel(name='Account'))\n"),
     "class Migration runs code in its body"),
    (django("") + "\nMigration.operations.append(migrations.DeleteModel(name='Account'))\n",
     "changes class Migration outside its definition"),
    (django("").replace("    operations = [\n\n    ]", "    operations = OPS")
     + "\nOPS.append(migrations.DeleteModel(name='Account'))\n",
     "changes the operations list OPS after it is written"),
    (django("", "from library.base import CleanupMigration").replace("(migrations.Migration)", "(CleanupMigration)"),
     "class Migration inherits from CleanupMigration"),
    (django("").replace("    dependencies = []", "    def apply(self, project_state, schema_editor, collect_sql=False):"
                                                  "\n        schema_editor.execute('DROP TABLE library_account')"),
     "class Migration overrides apply()"),
    ("from django.db import migrations\n\nMigration = type('Migration', (migrations.Migration,), "
     "{'operations': [migrations.DeleteModel(name='Account')]})\n", "`Migration` is bound to something other"),
    ("from library.migrations.m0004_cleanup import Migration\n", "`Migration` is bound to something other"),
    ('exec("class Migration: pass")\n' + django(""), "uses exec"),
    (django("        migrations.RunPython(forwards),").replace(
        "\n\nclass", "\n" + FORWARDS.format(body="    schema_editor.delete_model(apps.get_model('library', 'Account'))")
        + "class"), "RunPython code uses the schema editor: schema_editor.delete_model"),
    (django("        migrations.RunPython(lambda apps, editor: getattr(editor, 'delete_model')(None)),"),
     "RunPython code uses the schema editor: getattr(editor, 'delete_model')"),
    (django("        migrations.RunPython(cleanup.forwards),", "from library import cleanup"),
     "RunPython runs cleanup.forwards, which is not a function of this file"),
])
def test_django_indirect_operations_are_unknown(repo: Repo, capsys: pytest.CaptureFixture[str], content: str,
                                                detail: str) -> None:
    _, found, _ = judge(repo, capsys, {f"{APP}/0005_change.py": content})
    assert "unknown" in kinds(found)
    assert any(detail in f["detail"] for f in found if f["kind"] == "unknown"), found


@pytest.mark.parametrize(("body", "expected"), [
    ("    with connection.cursor() as cursor:\n        cursor.execute('DROP TABLE library_account')",
     [("data", f"{APP}/0005_change.py"), ("destructive", "library_account")]),
    ("    schema_editor.execute('DROP TABLE library_account')",
     [("data", f"{APP}/0005_change.py"), ("destructive", "library_account")]),
    ("    _drop(schema_editor)\n\n\ndef _drop(editor):\n    editor.execute('DROP TABLE library_account')",
     [("data", f"{APP}/0005_change.py"), ("destructive", "library_account")]),
    ("    db = schema_editor.connection.alias\n    apps.get_model('library', 'Book').objects.using(db).update(n=1)",
     [("data", f"{APP}/0005_change.py")]),
    ("    import os\n    os.system(\"psql -c 'DROP TABLE library_account'\")",
     [("data", f"{APP}/0005_change.py"), ("unknown", f"{APP}/0005_change.py")]),
    ("    from subprocess import run\n    done = run(['psql', '-f', 'drop.sql'])",
     [("data", f"{APP}/0005_change.py"), ("unknown", f"{APP}/0005_change.py")]),
])
def test_django_run_python_code_is_read(repo: Repo, capsys: pytest.CaptureFixture[str], body: str,
                                        expected: list[tuple[str, str]]) -> None:
    content = django("        migrations.RunPython(forwards),", "from django.db import connection").replace(
        "\n\nclass", "\n" + FORWARDS.format(body=body) + "class")
    _, found, _ = judge(repo, capsys, {f"{APP}/0005_change.py": content})
    assert pairs(found) == expected


def test_the_last_class_migration_is_the_one_django_runs(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    content = django("") + "\n\n" + django(DELETE).split("\n\n", 1)[1]
    _, found, _ = judge(repo, capsys, {f"{APP}/0005_change.py": content})
    assert pairs(found) == [("destructive", "library_account")]


MODEL = """from django.db import models


class Book(models.Model):
    title = {title}
"""


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('models.CharField(max_length=20, choices=[("a", "A")])',
     'models.CharField(max_length=20, choices=[("a", "A"), ("b", "B")])', "additive"),
    ("models.CharField(max_length=20, null=True)", "models.CharField(max_length=20)", "risky"),
    ("models.CharField(max_length=20)", "models.CharField(max_length=20, null=True)", "additive"),
    ("models.CharField(max_length=20)", "models.CharField(max_length=200)", "additive"),
    ("models.CharField(max_length=200)", "models.CharField(max_length=20)", "destructive"),
    ("models.CharField(max_length=20)", "models.TextField()", "destructive"),
    # A TextField's max_length only sizes its form widget; the column stays `text`.
    ("models.TextField(max_length=300)", "models.TextField()", "additive"),
    ("models.TextField()", "models.TextField(max_length=300)", "additive"),
    # A CharField without a limit (Django 4.2 and later) is `varchar` of any length: wider.
    ("models.CharField(max_length=300)", "models.CharField()", "additive"),
    ("models.CharField()", "models.CharField(max_length=300)", "destructive"),
    ("models.CharField(max_length=20)", "models.CharField(max_length=20, db_index=True)", "risky"),
    ("models.ForeignKey(Author, on_delete=models.CASCADE)",
     'models.ForeignKey("library.Author", on_delete=models.SET_NULL, related_name="books")', "additive"),
    ("models.ForeignKey(Author, on_delete=models.CASCADE)", "models.ForeignKey(Editor, on_delete=models.CASCADE)",
     "destructive"),
    # A Wagtail StreamField's first argument is its blocks, kept in the same JSON column: no other model.
    ('StreamField([("heading", blocks.CharBlock()), ("cta", CTABlock())], use_json_field=True)',
     'StreamField([("heading", blocks.CharBlock())], use_json_field=True)', "additive"),
])
def test_alter_field_compares_the_model_source(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, expected: str
) -> None:
    operation = f'        migrations.AlterField(model_name="book", name="title", field={new}),'
    _, found, _ = judge(
        repo, capsys,
        {"library/models.py": MODEL.format(title=new), f"{APP}/0005_change.py": django(operation)},
        {"library/models.py": MODEL.format(title=old)},
    )
    assert [f["kind"] for f in found] == [expected]
    assert found[0]["subject"] in ("library_book.title", "library_book")


def test_alter_field_with_unchanged_model_source(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """Only a referenced value (an imported choices list) can have changed: harmless."""
    literal = '        migrations.AlterField(model_name="book", name="kind", field=models.CharField(max_length=9, choices=KINDS)),'
    dynamic = '        migrations.AlterField(model_name="book", name="kind", field=models.CharField(max_length=LIMIT)),'
    _, found, _ = judge(repo, capsys, {f"{APP}/0005_a.py": django(literal), f"{APP}/0006_b.py": django(dynamic)})
    assert pairs(found) == [("additive", "library_book.kind"), ("unknown", "library_book.kind")]


def test_alter_field_of_a_field_from_an_edited_abstract_parent(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    parent = "from django.db import models\n\n\nclass WithMetadata(models.Model):\n    metadata = {field}\n\n    class Meta:\n        abstract = True\n"
    operation = '        migrations.AlterField(model_name="book", name="metadata", field=models.JSONField(default=dict)),'
    _, found, _ = judge(
        repo, capsys,
        {"core/models.py": parent.format(field="models.JSONField(default=dict)"), f"{APP}/0005_m.py": django(operation)},
        {"core/models.py": parent.format(field="models.JSONField(default=dict, null=True)")},
    )
    assert pairs(found) == [("risky", "library_book.metadata")]


def test_alter_field_of_a_field_added_earlier_in_the_change(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    add = '        migrations.AddField(model_name="book", name="pages", field=models.IntegerField(null=True)),'
    alter = '        migrations.AlterField(model_name="book", name="pages", field=models.IntegerField()),'
    _, found, _ = judge(repo, capsys, {f"{APP}/0005_add.py": django(add), f"{APP}/0006_alter.py": django(alter)})
    assert pairs(found) == [("additive", "library_book.pages"), ("risky", "library_book.pages")]


def test_python_files_that_are_not_migrations(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {
        f"{APP}/__init__.py": "",
        f"{APP}/utils.py": "def helper():\n    return 1\n",
        "library/tests/migrations/0001_x.py": django('        migrations.DeleteModel(name="Old"),'),
    })
    assert found == []
    assert code == 0


@pytest.mark.parametrize("content", [
    "class Migration(migrations.Migration:\n    pass\n",
    b"# -*- coding: latin-1 -*-\nx = '\xe9'\n",
])
def test_malformed_python_is_unknown(repo: Repo, capsys: pytest.CaptureFixture[str], content: str | bytes) -> None:
    code, found, _ = judge(repo, capsys, {f"{APP}/0005_broken.py": content})
    assert pairs(found) == [("unknown", f"{APP}/0005_broken.py")]
    assert code == 1


# -- Alembic ----------------------------------------------------------------------------------

VERSIONS = "alembic/versions"


def test_alembic_tutorial_revisions(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {
        f"{VERSIONS}/1975ea83b712_create_account_table.py": fixture("alembic/1975ea83b712_create_account_table.py"),
        f"{VERSIONS}/ae1027a6acf_add_a_column.py": fixture("alembic/ae1027a6acf_add_a_column.py"),
    })
    assert sorted(pairs(found)) == [("additive", "account"), ("additive", "account.last_transaction_date")]
    assert code == 0


def test_alembic_batch_data_and_alter(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _, found, _ = judge(repo, capsys, {
        "migrations/versions/27c6a30d7c24_batch_and_data.py": fixture("alembic/27c6a30d7c24_batch_and_data.py"),
    })
    assert pairs(found) == [
        ("additive", "some_table.foo"),
        ("destructive", "some_table.bar"),
        ("data", "migrations/versions/27c6a30d7c24_batch_and_data.py"),
        ("additive", "account"),
        ("risky", "account.name"),
        ("destructive", "account.description"),
    ]


def alembic(body: str, extra: str = "") -> str:
    return (f"from alembic import op\nimport sqlalchemy as sa\n{extra}\nrevision = 'b'\ndown_revision = 'a'\n\n\n"
            f"def upgrade():\n{body}\n\n\ndef downgrade():\n    op.drop_table('everything')\n")


@pytest.mark.parametrize(("body", "expected"), [
    ("    op.add_column('user', sa.Column('age', sa.Integer(), nullable=False))", [("risky", "user.age")]),
    ("    op.add_column('user', sa.Column('age', sa.Integer(), nullable=False, server_default='0'))",
     [("additive", "user.age")]),
    ("    op.create_index('ix_email', 'user', ['email'], unique=True)", [("risky", "user")]),
    ("    op.create_foreign_key('fk', 'post', 'user', ['user_id'], ['id'])", [("risky", "post")]),
    ("    op.create_unique_constraint('uq', 'user', ['email'])", [("risky", "user")]),
    ("    op.alter_column('user', 'name', new_column_name='full_name')", [("destructive", "user.name")]),
    ("    op.rename_table('user', 'account')", [("destructive", "user")]),
    ("    op.drop_index('ix_email', table_name='user')\n    op.drop_constraint('fk', 'post')", []),
    ("    op.execute(\"ALTER TYPE status ADD VALUE 'archived'\")", [("additive", "status")]),
    ("    conn = op.get_bind()\n    conn.execute(sa.text('DELETE FROM sessions'))", [("destructive", "sessions")]),
    ("    op.bulk_insert(accounts, [{'id': 1}])", [("data", "alembic/versions/b_rev.py")]),
    ("    op.execute(f'DROP TABLE {name}')", [("destructive", "alembic/versions/b_rev.py")]),
    ("    op.execute(statement)", [("unknown", "alembic/versions/b_rev.py")]),
    ("    _drop()\n\n\ndef _drop():\n    op.drop_table('legacy')", [("destructive", "legacy")]),
    ("    cleanup_everything(op)", [("unknown", "alembic/versions/b_rev.py")] * 2),  # op passed, foreign code
    ("    op.some_new_operation('x')", [("unknown", "alembic/versions/b_rev.py")]),
])
def test_alembic_operations(repo: Repo, capsys: pytest.CaptureFixture[str], body: str,
                            expected: list[tuple[str, str]]) -> None:
    content = alembic(body, "from myapp.maintenance import cleanup_everything")
    _, found, _ = judge(repo, capsys, {f"{VERSIONS}/b_rev.py": content})
    assert pairs(found) == expected


# Ways to reach an operation other than `op.<operation>(...)`: each hides a dropped table.
@pytest.mark.parametrize(("body", "detail"), [
    ("    getattr(op, 'drop_' + 'table')('accounts')", "uses getattr"),
    ("    o = op\n    o.drop_table('accounts')", "uses op other than in a direct call"),
    ("    drop = op.drop_table\n    drop('accounts')", "uses op other than in a direct call: op.drop_table"),
    ("    _drop(op)\n\n\ndef _drop(o):\n    o.drop_table('accounts')", "uses op other than in a direct call: _drop(op)"),
    ("    globals()['op'].drop_table('accounts')", "uses globals"),
    ("    exec(\"op.drop_table('accounts')\")", "uses exec"),
    ("    eval(\"op.drop_table('accounts')\")", "uses eval"),
    ("    import importlib\n    importlib.import_module('alembic.op').drop_table('accounts')", "uses import importlib"),
    ("    sys.modules['alembic.op'].drop_table('accounts')", "uses sys.modules"),
    ("    steps = [_drop]\n    steps[0]()\n\n\ndef _drop():\n    op.drop_table('accounts')",
     "uses _drop() other than in a direct call: [_drop]"),
    ("    Cleanup().run()\n\n\nclass Cleanup:\n    def run(self):\n        op.drop_table('accounts')",
     "class Cleanup uses op"),
    ("    with op.batch_alter_table('accounts') as batch_op:\n        _drop(batch_op)",
     "uses the batch op other than in a direct call"),
    ("    batch = op.batch_alter_table('accounts')\n    with batch as b:\n        b.drop_column('email')",
     "op.batch_alter_table() other than in a `with` statement"),
    ("    conn = op.get_bind()\n    conn.connection.cursor().execute('DROP TABLE accounts')",
     "uses the connection in a way that cannot be followed: conn.connection.cursor"),
    ("    meta.drop_all(bind=op.get_bind())", "passes the connection to meta.drop_all()"),
    ("    pass\n\n\nupgrade = _real_upgrade  # noqa", "upgrade is bound to code that is not a function"),
    ("    op.run_async(purge_accounts)", "unrecognised operation op.run_async()"),
    ("    op.invoke(DropAccounts())", "unrecognised operation op.invoke()"),
    ("    (lambda o: o.drop_table('accounts'))(op)", "uses op other than in a direct call"),
    ("    op.__getattribute__('drop_table')('accounts')", "uses __getattribute__"),
    ("    functools.partial(op.drop_table, 'accounts')()", "uses op other than in a direct call: functools.partial"),
    ("    import os\n    os.system('psql -c \"DROP TABLE accounts\"')", "runs another program with os.system()"),
    ("    from os import popen as run\n    run('psql -f drop.sql')", "runs another program with os.popen()"),
    ("    import os as o\n    o.execvp('psql', ['psql', '-f', 'drop.sql'])", "runs another program with os.execvp()"),
    ("    import subprocess as sp\n    done = sp.run(['psql', '-f', 'drop.sql'])",
     "runs another program with subprocess.run()"),
    ("    from subprocess import check_output\n    out = check_output(['psql'])",
     "runs another program with subprocess.check_output()"),
])
def test_alembic_indirect_operations_are_unknown(repo: Repo, capsys: pytest.CaptureFixture[str], body: str,
                                                 detail: str) -> None:
    _, found, _ = judge(repo, capsys, {f"{VERSIONS}/b_rev.py": alembic(body, "import sys")})
    assert "unknown" in kinds(found)
    assert any(detail in f["detail"] for f in found if f["kind"] == "unknown"), found


# Operations reached where the reader can follow them: read, not `unknown`.
@pytest.mark.parametrize(("body", "expected"), [
    ("    [op.drop_table(t) for t in ('a', 'b')]", [("destructive", "alembic/versions/b_rev.py")]),
    ("    if op.drop_table('accounts'):\n        pass", [("destructive", "accounts")]),
    ("    match 1:\n        case _:\n            op.drop_table('accounts')", [("destructive", "accounts")]),
    ("    def inner():\n        op.drop_table('accounts')\n    inner()", [("destructive", "accounts")]),
    ("    run = lambda: op.drop_table('accounts')\n    run()", [("destructive", "accounts")]),
    ("    print(op.drop_table('accounts'))", [("destructive", "accounts")]),
    ("    alembic.op.drop_table('accounts')", [("destructive", "accounts")]),
    ("    drop_table('accounts')", [("destructive", "accounts")]),
    ("    context.execute('DROP TABLE accounts')", [("destructive", "accounts")]),
    ("    op.get_bind().scalar(sa.text('DROP TABLE accounts'))", [("destructive", "accounts")]),
    ("    conn = op.get_bind()\n    _purge(conn)\n\n\ndef _purge(c):\n    c.execute(sa.text('DROP TABLE accounts'))",
     [("destructive", "accounts")]),
    ("    sa.Enum('a', name='mood').drop(bind=op.get_bind())", [("destructive", "alembic/versions/b_rev.py")]),
    ("    bind = op.get_bind()\n    if bind.dialect.name == 'postgresql':\n        op.drop_table('accounts')",
     [("destructive", "accounts")]),
    ("    if 'accounts' in sa.inspect(op.get_bind()).get_table_names():\n        op.drop_table('accounts')",
     [("destructive", "accounts")]),
    ("    with op.get_context().autocommit_block():\n        op.execute('DROP TABLE accounts')",
     [("destructive", "accounts")]),
    ("    rows = op.get_bind().execute(sa.text('SELECT id FROM accounts')).fetchall()", []),
])
def test_alembic_operations_reached_in_any_statement(repo: Repo, capsys: pytest.CaptureFixture[str], body: str,
                                                     expected: list[tuple[str, str]]) -> None:
    extra = "import alembic\nfrom alembic import context\nfrom alembic.op import drop_table"
    _, found, _ = judge(repo, capsys, {f"{VERSIONS}/b_rev.py": alembic(body, extra)})
    assert pairs(found) == expected


def test_alembic_downgrade_only_edit_gives_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = f"{VERSIONS}/b_rev.py"
    old = alembic("    op.add_column('user', sa.Column('nick', sa.String()))")
    new = old.replace("op.drop_table('everything')", "op.drop_column('user', 'nick')")
    code, found, _ = judge(repo, capsys, {path: new}, {path: old})
    assert found == []
    assert code == 0


def test_alembic_env_and_helpers_are_not_migrations(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _code, found, _ = judge(repo, capsys, {
        "alembic/env.py": "from alembic import context\n\ndef run_migrations_online():\n    pass\n",
        f"{VERSIONS}/__init__.py": "",
    })
    assert found == []


def test_classes_are_found_as_a_full_walk_finds_them() -> None:
    """The model reader walks statements only; on every Python file of this
    repository, and on classes hidden in functions, handlers and match cases,
    it finds the same classes in the same order as `ast.walk`."""
    tricky = (
        "class A:\n    class Meta: pass\n"
        "def f():\n    class B(A): pass\n    return [lambda: 1]\n"
        "try:\n    pass\nexcept Exception:\n    class C: pass\nelse:\n    class D: pass\n"
        "match x:\n    case 1:\n        class E: pass\n"
        "if y:\n    with z:\n        class F: pass\n"
    )
    sources = [tricky, *(p.read_text("utf-8") for p in Path(__file__).parents[3].glob("src/**/*.py"))]
    for source in sources:
        tree = ast.parse(source)
        walked = [n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
        assert [n.name for n in _class_defs(tree)] == walked
    assert [n.name for n in _class_defs(ast.parse(tricky))] == ["A", "Meta", "B", "D", "C", "E", "F"]  # breadth first


def test_a_migration_that_does_not_parse_says_which_python_read_it(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    # Syntax no Python accepts stands in for syntax newer than the Python running the gate.
    _, found, _ = judge(repo, capsys, {f"{APP}/0005_change.py": django("").replace("class Migration", "class (")})
    assert kinds(found) == {"unknown"}
    running = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    assert f"Python syntax error as {running} reads it" in found[0]["detail"]


SOUTH = '''# -*- coding: utf-8 -*-
from south.db import db
from south.v2 import SchemaMigration


class Migration(SchemaMigration):

    def forwards(self, orm):
{forwards}

    def backwards(self, orm):
        db.delete_column('legalaid_personaldetails', 'reference')

    models = {{
        'legalaid.personaldetails': {{
            'Meta': {{'object_name': 'PersonalDetails'}},
            'id': ('django.db.models.fields.AutoField', [], {{'primary_key': 'True'}}),
            'reference': ('django.db.models.fields.CharField', [], {{'max_length': '{length}', 'null': 'True'}}),
        }},
    }}

    complete_apps = ['legalaid']
'''
SOUTH_PATH = "cla_backend/apps/legalaid/migrations/0039_auto__add_field_personaldetails_reference.py"


def south(forwards: str, length: str = "255") -> str:
    return SOUTH.format(forwards="\n".join("        " + line for line in forwards.splitlines()), length=length)


@pytest.mark.parametrize(("forwards", "expected"), [
    ("db.add_column(u'legalaid_personaldetails', 'reference',\n"
     "              self.gf('django.db.models.fields.CharField')(max_length=255, null=True, blank=True),\n"
     "              keep_default=False)", [("additive", "legalaid_personaldetails.reference")]),
    ("db.delete_column(u'legalaid_personaldetails', 'town')", [("destructive", "legalaid_personaldetails.town")]),
    ("db.create_table(u'historic_casearchived', (\n"
     "    (u'id', self.gf('django.db.models.fields.AutoField')(primary_key=True)),\n"
     "))\ndb.send_create_signal(u'historic', ['CaseArchived'])", [("additive", "historic_casearchived")]),
    ("m2m_table_name = db.shorten_name(u'events_event_categories')\ndb.delete_table(m2m_table_name)",
     [("destructive", "events_event_categories")]),
    ("db.execute('DROP TABLE legalaid_old')", [("destructive", "legalaid_old")]),
    ("db.frobnicate('legalaid_personaldetails')", [("unknown", "legalaid_personaldetails")]),
    ("migrate_everything(db)", [("unknown", SOUTH_PATH)]),
])
def test_south_migrations_are_read_by_what_forwards_runs(
        repo: Repo, capsys: pytest.CaptureFixture[str], forwards: str, expected: list[tuple[str, str]]) -> None:
    # Django before 1.7: South's db calls in forwards(), not an operations list.
    _, found, _ = judge(repo, capsys, {SOUTH_PATH: south(forwards)})
    assert pairs(found) == expected


def test_a_south_migrations_frozen_models_are_no_code_that_runs(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    forwards = "db.delete_column(u'legalaid_personaldetails', 'town')"
    # Its frozen models edited (a default renamed everywhere): what forwards() runs is the same.
    code, found, _ = judge(repo, capsys, {SOUTH_PATH: south(forwards, "300")}, {SOUTH_PATH: south(forwards)})
    assert found == [] and code == 0
    # Its forwards() edited is an edited migration.
    base = repo.git("rev-parse", "HEAD")
    repo.commit({SOUTH_PATH: south(forwards.replace("town", "county"), "300")})
    code, doc = run_json(capsys, "--base", base)
    assert "existed at the base and was edited" in " ".join(f["detail"] for f in findings(doc, "schema"))
    assert code == 1
