"""Doctrine Migrations: `up()` only, its `addSql` SQL read by the SQL reader, its Schema calls as ops."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership_gate.classifiers.base import ChangedPaths
from ownership_gate.classifiers.schema import classifier
from ownership_gate.classifiers.schema.earlier import place
from ownership_gate.classifiers.schema.frameworks import doctrine, doctrine_read
from ownership_gate.classifiers.schema.ops import Unreadable, judge
from ownership_gate.classifiers.schema.sql.read import TooLarge, sql_pieces
from ownership_gate.model import Change
from tests.classifiers.schema.test_schema_helpers import fixture, pairs
from tests.classifiers.schema.test_schema_helpers import judge as check
from tests.conftest import Repo

STARTUP = str(Path(__file__).parents[3] / "policies" / "startup.yaml")
FOLDER = "migrations"


def migration(body: str, methods: str = "", version: str = "20240101120000", base: str = "AbstractMigration",
              down: str = "        $this->addSql('DROP TABLE IF EXISTS audit');") -> str:
    """A Doctrine migration as Symfony's maker writes it, whose `up()` runs `body` (its first line is line 19)."""
    return (
        "<?php\n\ndeclare(strict_types=1);\n\nnamespace DoctrineMigrations;\n\nuse Doctrine\\DBAL\\Schema\\Schema;\n"
        f"use Doctrine\\Migrations\\AbstractMigration;\n\nfinal class Version{version} extends {base}\n{{\n"
        "    public function getDescription(): string\n    {\n        return '';\n    }\n\n"
        f"    public function up(Schema $schema): void\n    {{\n{body}\n    }}\n\n"
        f"    public function down(Schema $schema): void\n    {{\n{down}\n    }}\n{methods}}}\n"
    )


def read(text: str) -> list[tuple[str, str, int | None]]:
    """(kind, subject, line) of each finding the reader and the judge give `text`."""
    found = doctrine_read.read(text)
    assert found is not None
    return [(f.kind, f.subject, f.line) for f in judge(found.ops, "m.php")]


def details(text: str) -> list[tuple[str, str]]:
    found = doctrine_read.read(text)
    assert found is not None
    return [(f.kind, f.detail) for f in judge(found.ops, "m.php")]


# -- Through the command line, on real commits --------------------------------------------------


def test_a_column_made_long_text_and_not_null_is_a_type_change(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    name = f"{FOLDER}/Version20240312094512.php"
    code, found, doc = check(repo, capsys, {name: fixture("doctrine/Version20240312094512.php")}, None,
                             "--policy", STARTUP)
    # MySQL's CHANGE restates the whole column: the old type is not in the file, so it is a type change.
    assert [(f["kind"], f["subject"], f["line"], f["detail"]) for f in found] == [
        ("destructive", "notifications.message", 28, "redefine column notifications.message")]
    assert doc["required_level"] == "cto"
    assert code == 1


def test_a_nullable_column_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = migration("        $this->addSql('ALTER TABLE notifications ADD read_at DATETIME DEFAULT NULL');")
    code, found, doc = check(repo, capsys, {f"{FOLDER}/Version20240101120000.php": text}, None, "--policy", STARTUP)
    assert [(f["kind"], f["subject"], f["line"]) for f in found] == [("additive", "notifications.read_at", 19)]
    assert doc["required_level"] == "engineer"
    assert code == 0


def test_a_dropped_table_needs_the_cto_a_new_one_does_not(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    create = migration("        $this->addSql('CREATE TABLE audit (id INT AUTO_INCREMENT NOT NULL, note VARCHAR(255)"
                       " NOT NULL, PRIMARY KEY(id)) DEFAULT CHARACTER SET utf8mb4 ENGINE = InnoDB');")
    code, found, _ = check(repo, capsys, {f"{FOLDER}/Version20240101120000.php": create}, None, "--policy", STARTUP)
    assert pairs(found) == [("additive", "audit")]
    assert code == 0
    drop = migration("        $this->addSql('DROP TABLE legacy_audit');", version="20240202120000")
    code, found, doc = check(repo, capsys, {f"{FOLDER}/Version20240202120000.php": drop}, None, "--policy", STARTUP)
    assert [(f["kind"], f["subject"], f["detail"]) for f in found] == [
        ("destructive", "legacy_audit", "drop table legacy_audit")]
    assert doc["required_level"] == "cto"
    assert code == 1


def test_schema_calls_a_nullable_column_and_a_dropped_one(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    added = migration("        $table = $schema->getTable('users');\n"
                      "        $table->addColumn('nickname', 'string', ['length' => 64, 'notnull' => false]);")
    code, found, _ = check(repo, capsys, {f"{FOLDER}/Version20240101120000.php": added}, None, "--policy", STARTUP)
    assert [(f["kind"], f["subject"], f["line"], f["detail"]) for f in found] == [
        ("additive", "users.nickname", 20, "add column users.nickname (nullable)")]
    assert code == 0
    dropped = migration("        $schema->getTable('users')->dropColumn('nickname');", version="20240202120000")
    code, found, _ = check(repo, capsys, {f"{FOLDER}/Version20240202120000.php": dropped}, None, "--policy", STARTUP)
    assert [(f["kind"], f["subject"], f["line"]) for f in found] == [("destructive", "users.nickname", 19)]
    assert code == 1


def test_sql_built_at_run_time_is_unknown(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = migration("        $table = $this->tableName();\n"
                     "        $this->addSql(sprintf('ALTER TABLE %s DROP archived', $table));",
                     methods="\n    private function tableName(): string\n    {\n        return 'users';\n    }\n")
    code, found, _ = check(repo, capsys, {f"{FOLDER}/Version20240101120000.php": text}, None, "--policy", STARTUP)
    assert [(f["kind"], f["line"], f["detail"]) for f in found] == [
        ("unknown", 20, "addSql runs SQL built at run time")]
    assert code == 1


def test_an_edit_of_down_only_runs_nothing_new(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    name = f"{FOLDER}/Version20240101120000.php"
    old = migration("        $this->addSql('DROP TABLE legacy_audit');")
    new = migration("        $this->addSql('DROP TABLE legacy_audit');",
                    down="        // the table is gone for good\n        $this->throwIrreversibleMigrationException();")
    code, found, _ = check(repo, capsys, {name: new}, {name: old}, "--policy", STARTUP)
    assert found == []
    assert code == 0
    edited = new.replace("DROP TABLE legacy_audit", "DROP TABLE legacy_audit_log")
    repo.commit({name: new})
    code, found, _ = check(repo, capsys, {name: edited}, {name: new}, "--policy", STARTUP)
    assert pairs(found) == [("edited", name), ("destructive", "legacy_audit_log")]
    assert code == 1


def test_a_laravel_migration_beside_doctrine_ones_is_still_laravels(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    laravel = ("<?php\n\nuse Illuminate\\Database\\Migrations\\Migration;\nuse Illuminate\\Database\\Schema\\Blueprint;\n"
               "use Illuminate\\Support\\Facades\\Schema;\n\nreturn new class extends Migration\n{\n"
               "    public function up(): void\n    {\n        Schema::table('users', function (Blueprint $table) {\n"
               "            $table->dropColumn('votes');\n        });\n    }\n};\n")
    doctrine_text = migration("        $this->addSql('ALTER TABLE users ADD bio LONGTEXT DEFAULT NULL');")
    code, found, _ = check(repo, capsys, {
        "database/migrations/2024_01_01_000000_drop_votes.php": laravel,
        f"{FOLDER}/Version20240101120000.php": doctrine_text,
        # A Doctrine migration kept in Laravel's folder is Doctrine's: its content says so.
        "database/migrations/Version20240102120000.php": migration(
            "        $this->addSql('ALTER TABLE users ADD motto VARCHAR(80) DEFAULT NULL');", version="20240102120000"),
    }, None, "--policy", STARTUP)
    assert sorted((f["kind"], f["subject"], f["detail"]) for f in found) == [
        ("additive", "users.bio", "add column users.bio (nullable with a default)"),
        ("additive", "users.motto", "add column users.motto (nullable with a default)"),
        ("destructive", "users.votes", "drop column users.votes"),
    ]
    assert code == 1


def test_php_files_that_are_no_doctrine_migration_are_not_read(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found, _ = check(repo, capsys, {
        "src/Version123.php": "<?php\n\nfinal class Version123\n{\n    public function up(): void {}\n}\n",
        f"{FOLDER}/Version124.php": "<?php\n\nfinal class Version124 extends Base\n{\n}\n",  # no Doctrine in it
        f"{FOLDER}/helpers.php": "<?php\n\nuse Doctrine\\Migrations\\AbstractMigration;\n",
    }, None, "--policy", STARTUP)
    assert found == []
    assert code == 0


def test_a_table_created_by_an_earlier_version_of_the_change(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    create = migration("        $this->addSql('CREATE TABLE audit (id INT NOT NULL, PRIMARY KEY(id))');")
    reshape = migration("        $schema->getTable('audit')->addColumn('actor', 'string');", version="20240101130000")
    code, found, _ = check(repo, capsys, {f"{FOLDER}/Version20240101120000.php": create,
                                          f"{FOLDER}/Version20240101130000.php": reshape}, None, "--policy", STARTUP)
    assert sorted((f["kind"], f["subject"]) for f in found) == [("additive", "audit"), ("additive", "audit.actor")]
    assert code == 0
    # The same NOT NULL column on a table that existed at the base fails on its rows.
    later = reshape.replace("20240101130000", "20240101140000")
    code, found, _ = check(repo, capsys, {f"{FOLDER}/Version20240101140000.php": later}, None, "--policy", STARTUP)
    assert pairs(found) == [("risky", "audit.actor")]
    assert code == 1


# -- Which files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "sniffed"), [
    ("migrations/Version20240101120000.php", True),
    ("app/DoctrineMigrations/Version20240101120000.php", True),
    ("src/Migrations/Version20240101120000.php", True),
    ("app/migration/Version20240101120000_add_users.php", True),
    ("migrations/2024/01/Version20240101120000.php", True),  # organize_migrations: BY_YEAR_AND_MONTH
    ("src/Version123.php", False),
    ("migrations/Helper.php", False),
    ("migrations/version20240101120000.php", False),
    ("migrations/Version.php", False),
    ("tests/migrations/Version20240101120000.php", False),
    ("migrations/Version20240101120000.php.dist", False),
])
def test_which_php_files_may_be_doctrine_migrations(path: str, sniffed: bool) -> None:
    assert doctrine.sniffs(path) is sniffed
    assert doctrine.owns(path) is False


def test_the_classifier_claims_doctrine_paths_and_laravels_alike() -> None:
    paths = ["migrations/Version20240101120000.php", "database/migrations/2024_01_01_000000_x.php",
             "src/Version123.php", "src/Controller/MigrationsController.php"]
    changes = [Change(path=p, status="added") for p in paths]
    assert classifier.claims(ChangedPaths(changes), {}) == set(paths[:2])


@pytest.mark.parametrize(("path", "expected"), [
    ("migrations/Version20240101120000.php", (("migrations", "doctrine", "99999999999999"), (20240101120000,))),
    ("migrations/Version20240101120000_add_users.php",
     (("migrations", "doctrine", "99999999999999"), (20240101120000,))),
    ("migrations/Version7.php", (("migrations", "doctrine", "9"), (7,))),
    ("migrations/VersionInitial.php", None),
])
def test_place(path: str, expected: tuple[object, ...] | None) -> None:
    assert place(path, "doctrine") == expected


# -- The reader ------------------------------------------------------------------------------------


def test_sql_in_every_php_string_form() -> None:
    text = migration(
        "        $this->addSql(\"ALTER TABLE users ADD bio LONGTEXT DEFAULT NULL\");\n"
        "        $this->addSql(<<<'SQL'\n            CREATE TABLE audit (\n                id INT NOT NULL\n"
        "            );\n            DROP TABLE legacy\n            SQL);\n"
        "        $this->addSql('ALTER TABLE users '\n            . 'DROP nickname');\n"
        "        $sql = 'TRUNCATE sessions';\n        $this->addSql($sql);"
    )
    assert read(text) == [
        ("additive", "users.bio", 19),
        ("additive", "audit", 21),
        ("destructive", "legacy", 24),  # its own line inside the nowdoc
        ("destructive", "users.nickname", 26),
        ("destructive", "sessions", 28),  # where the SQL is written
    ]


def test_interpolated_values_are_left_open() -> None:
    text = migration("        $this->addSql(\"DROP TABLE {$this->prefix}_cache\");\n"
                     "        $this->addSql($undefined);")
    assert details(text) == [
        ("destructive", "drop table <dynamic>_cache"),
        ("unknown", "addSql runs SQL built at run time"),
    ]


def test_indexes_of_a_migration_only_mysql_reads_are_built_online() -> None:
    mysql = migration("        $this->addSql('ALTER TABLE post ADD author_id INT DEFAULT NULL');\n"
                      "        $this->addSql('ALTER TABLE post ADD CONSTRAINT FK_1 FOREIGN KEY (author_id)"
                      " REFERENCES `user` (id)');\n"
                      "        $this->addSql('CREATE INDEX IDX_1 ON post (author_id)');")
    assert read(mysql) == [("additive", "post.author_id", 19), ("additive", "post", 20), ("additive", "post", 21)]
    postgres = migration("        $this->addSql('ALTER TABLE post ADD author_id INT DEFAULT NULL');\n"
                         "        $this->addSql('CREATE INDEX IDX_1 ON post (author_id)');")
    assert read(postgres) == [("additive", "post.author_id", 19), ("risky", "post", 20)]


def test_a_quote_one_piece_leaves_open_never_hides_the_next() -> None:
    pieces = [("INSERT INTO notes VALUES ('it\\'s')", 1), ("DROP TABLE users", 2), ("INSERT INTO t VALUES ('a')", 3),
              ("INSERT INTO notes VALUES ('it\\'s')", 4)]
    assert [[(o.action, o.table, o.line) for o in ops] for ops in sql_pieces(pieces)] == [
        [("data", "notes", 1)], [("drop_table", "users", 2)], [("data", "t", 3)], [("data", "notes", 4)]]


def test_the_size_limit_holds_for_all_pieces_together() -> None:
    piece = "INSERT INTO notes VALUES ('" + "x" * 600_000 + "')"
    assert sql_pieces([(piece, 1)]) == [[sql_pieces([("INSERT INTO notes VALUES ('x')", 1)])[0][0]]]
    with pytest.raises(TooLarge, match="too large to analyse"):
        sql_pieces([(piece, 1), (piece, 2)])


def test_schema_calls() -> None:
    text = migration(
        "        $users = $schema->createTable('users');\n"  # 19
        "        $users->addColumn('id', 'integer', ['autoincrement' => true]);\n"
        "        $users->addColumn('email', 'string');\n"
        "        $users->setPrimaryKey(['id']);\n"
        "        $users->addUniqueIndex(['email']);\n"  # 23
        "        $posts = $schema->getTable('posts');\n"
        "        $posts->addColumn('author_id', 'integer', ['notnull' => false]);\n"
        "        $posts->addColumn('status', 'string', ['default' => 'draft']);\n"
        "        $posts->addColumn('slug', 'string');\n"
        "        $posts->addColumn('summary', 'text')->setNotnull(false);\n"  # 28
        "        $posts->addIndex(['author_id']);\n"
        "        $posts->addForeignKeyConstraint($users, ['author_id'], ['id']);\n"
        "        $posts->renameColumn('body', 'content');\n"
        "        $posts->getColumn('title')->setNotnull(true);\n"
        "        $posts->getColumn('title')->setLength(500);\n"  # 33
        "        $posts->modifyColumn('content', ['type' => 'text']);\n"
        "        $posts->dropIndex('IDX_OLD');\n"
        "        $schema->dropTable('drafts');\n"
        "        $schema->renameTable('tags', 'labels');"
    )
    assert read(text) == [
        ("additive", "users", 19), ("additive", "users.id", 20), ("additive", "users.email", 21),
        ("additive", "users", 22), ("additive", "users", 23),  # all on the new table
        ("additive", "posts.author_id", 25),
        ("additive", "posts.status", 26),  # NOT NULL with a default
        ("risky", "posts.slug", 27),  # DBAL columns are NOT NULL unless told otherwise
        ("additive", "posts.summary", 28),
        ("risky", "posts", 29),  # an index build on an existing table, as PostgreSQL builds it
        ("additive", "posts", 30),  # the foreign key's column is new
        ("destructive", "posts.body", 31),
        ("risky", "posts.title", 32),
        ("destructive", "posts.title", 33),
        ("destructive", "posts.content", 34),
        ("additive", "posts", 35),
        ("destructive", "drafts", 36),
        ("destructive", "tags", 37),
    ]


def test_connection_calls() -> None:
    text = migration(
        "        $this->connection->executeStatement('UPDATE users SET locale = ? WHERE locale IS NULL', ['en']);\n"
        "        foreach ($this->connection->fetchAllAssociative('SELECT id FROM posts') as $row) {\n"
        "            $this->connection->update('posts', ['slug' => $row['id']], ['id' => $row['id']]);\n"
        "        }\n"
        "        $this->connection->delete('sessions', ['expired' => true]);\n"
        "        $this->connection->executeStatement($this->platform->getTruncateTableSQL('cache'));"
    )
    assert read(text) == [
        ("data", "users", 19),
        ("data", "posts", 21),
        ("destructive", "sessions", 23),
        ("unknown", "m.php", 24),
    ]


def test_query_builder_statements() -> None:
    # DBAL's query builder builds SELECT, INSERT, UPDATE and DELETE only; what it writes is read when it runs.
    text = migration(
        "        $qb = $this->connection->createQueryBuilder();\n"
        "        $rows = $qb->select('id', 'original_url')->from('short_urls')\n"
        "            ->where($qb->expr()->eq('long_url_hash', ':hash'))->setParameter('hash', '')->executeQuery();\n"
        "        $this->connection->transactional(function () use ($rows) {\n"
        "            while ($row = $rows->fetchAssociative()) {\n"
        "                $update = $this->connection->createQueryBuilder();\n"
        "                $update->update('short_urls')->set('long_url_hash', ':hash')\n"
        "                    ->where($update->expr()->eq('id', ':id'))->setParameters(['id' => $row['id']])\n"
        "                    ->executeStatement();\n"
        "            }\n"
        "        });\n"
        "        $this->connection->createQueryBuilder()->delete('sessions')->executeStatement();"
    )
    assert read(text) == [("data", "short_urls", 25), ("destructive", "sessions", 30)]


def test_conditions_description_and_down_are_not_forward_work() -> None:
    text = migration(
        "        $this->skipIf(!$schema->hasTable('users'), 'nothing to do');\n"
        "        $this->warnIf(true, 'slow');\n"
        "        $this->write('adding a column');\n"
        "        $this->addSql('ALTER TABLE users ADD bio LONGTEXT DEFAULT NULL');",
        down="        $this->addSql('ALTER TABLE users DROP bio');\n        $schema->dropTable('users');",
    )
    assert read(text) == [("additive", "users.bio", 22)]


def test_methods_of_the_file_are_followed_where_up_calls_them() -> None:
    text = migration(
        "        $this->dropLegacy($schema, 'legacy');\n        parent::up($schema);",
        methods="\n    private function dropLegacy(Schema $target, string $name): void\n    {\n"
                "        $target->getTable('users')->dropColumn('legacy_id');\n"
                "        $this->addSql('DROP TABLE legacy');\n    }\n"
                "\n    public function preUp(Schema $schema): void\n    {\n"
                "        $this->addSql('DELETE FROM sessions');\n    }\n",
    )
    assert read(text) == [("destructive", "sessions", 36), ("destructive", "users.legacy_id", 30),
                          ("destructive", "legacy", 31)]


@pytest.mark.parametrize(("body", "detail"), [
    ("        foreach (['a', 'b'] as $name) {\n            $this->addSql('DROP TABLE t_' . $name);\n        }",
     "drop table t_<dynamic> in a loop: how often it runs, and on what, is known only at run time"),
    ("        $this->cleanUp();", "calls cleanUp, which is not a method of the migration"),
    ("        if ($schema->hasTable('users')) {\n            $sql = 'DROP TABLE users';\n        } else {\n"
     "            $sql = 'SELECT 1';\n        }\n        $this->addSql($sql);",
     "addSql runs SQL built at run time"),  # either branch may have set it
    ("        $sql = 'SELECT 1';\n        foreach ($this->connection->fetchFirstColumn('SELECT q FROM pending') as $sql)"
     " {\n            $this->addSql($sql);\n        }", "addSql runs SQL built at run time"),  # each row's
    ("        $sql = 'SELECT 1';\n        $this->load($sql);\n        $this->addSql($sql);",
     "addSql runs SQL built at run time"),  # `load(string &$sql)` may have changed it
    ("        $sql = 'SELECT 1';\n        [$sql] = $this->connection->fetchFirstColumn('SELECT q FROM pending');\n"
     "        $this->addSql($sql);", "addSql runs SQL built at run time"),
    ("        (new Cleaner($this->connection))->run();",
     "hands $this->connection to `new Cleaner($this->connection)`: what is done with it is not in the migration"),
    ("        array_map([$this, 'drop'], ['users']);",
     "uses $this where the reader cannot follow what is done with it"),
    ("        $this->container->get('app.fixer')->run();",
     "uses the service container: the application code it runs is not in the migration"),
    ("        $this->connection->createQueryBuilder()->getConnection()->executeStatement('DROP TABLE users');",
     "calls getConnection() on a query builder, which the reader does not know"),
    ("        $schema->getTable($name)->dropColumn('x');", "drop column on a table whose name is computed at run time"),
    ("        $schema->getTable('users')->addColumn('x', 'string', $options);",
     "options of column users.x built at run time"),
    ("        $this->{$method}($schema);", "`$this->{$method}($schema)` calls a method chosen at run time"),
    ("        require __DIR__ . '/drop.php';", "`require __DIR__ . '/drop.php'` runs another PHP file"),
])
def test_code_the_reader_cannot_follow_is_unknown(body: str, detail: str) -> None:
    methods = "\n    private function load(string &$sql): void\n    {\n        $sql = 'DROP TABLE users';\n    }\n"
    assert ("unknown", detail) in details(migration(body, methods))


def test_a_project_migration_base_is_read_and_another_base_class_and_code_beside_the_class_are_unknown() -> None:
    body = "        $this->addSql('ALTER TABLE users ADD bio LONGTEXT DEFAULT NULL');"
    # A project's own base for its migrations (Mautic's `AbstractMauticMigration`) adds helpers: `up()` is read.
    own = migration(body, base="AbstractMauticMigration").replace("use Doctrine\\Migrations\\AbstractMigration;\n", "")
    assert [kind for kind, _ in details(own)] == ["additive"]
    # Such a base may run `up()` itself and hand over to a method per platform: those are read, their `Down`
    # side is not, and a class with no method named for going up runs what the file does not show.
    per_platform = own.replace("public function up(", "public function mysqlUp(")
    assert [kind for kind, _ in details(per_platform)] == ["additive"]
    dropped = per_platform.replace("ADD bio LONGTEXT DEFAULT NULL", "DROP bio")
    assert [kind for kind, _ in details(dropped)] == ["destructive"]
    elsewhere = own.replace("public function up(", "public function migrate(")
    assert details(elsewhere)[0][0] == "unknown" and "no method named for going up" in details(elsewhere)[0][1]
    based = migration(body, base="SchemaChange").replace("use Doctrine\\Migrations\\AbstractMigration;\n", "")
    assert details(based)[0] == ("unknown", "extends SchemaChange, not AbstractMigration: what that class runs is"
                                            " not in this file")
    outside = migration("        $this->addSql('SELECT 1');") + "\nrun_cleanup();\n"
    assert details(outside) == [("unknown", "`run_cleanup();` outside the migration class: code the reader cannot"
                                            " account for")]


def test_what_is_no_doctrine_migration() -> None:
    assert doctrine_read.read("<?php\n\nfinal class Version1 extends Migration {}\n") is None
    # A Laravel migration a policy declares is Laravel's, even when it imports DBAL for a column change.
    laravel = "<?php\nuse Doctrine\\DBAL\\Schema\\Schema;\nreturn new class extends Migration {};\n"
    assert doctrine_read.read(laravel, declared=True) is None
    with pytest.raises(Unreadable, match="no Doctrine migration class"):
        doctrine_read.read("<?php\n\nuse Doctrine\\Migrations\\AbstractMigration;\n")
    with pytest.raises(Unreadable, match="does not parse"):
        doctrine_read.read(migration("        $this->addSql('x'"))
