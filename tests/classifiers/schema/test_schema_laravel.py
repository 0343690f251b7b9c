"""Laravel migrations: `up()` only, each Schema and Blueprint call mapped onto the operations Rails' produce."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership_gate.classifiers.schema.frameworks import laravel, laravel_read
from ownership_gate.classifiers.schema.ops import Unreadable, judge
from tests.classifiers.schema.test_schema_helpers import fixture, pairs
from tests.classifiers.schema.test_schema_helpers import judge as check
from tests.conftest import Repo

STARTUP = str(Path(__file__).parents[3] / "policies" / "startup.yaml")
FOLDER = "database/migrations"


def read(text: str) -> list[tuple[str, str, int | None]]:
    """(kind, subject, line) of each finding the reader and the judge give `text`."""
    return [(f.kind, f.subject, f.line) for f in judge(laravel_read.read(text).ops, "m.php")]


def kinds(text: str) -> list[tuple[str, str]]:
    return [(kind, subject) for kind, subject, _ in read(text)]


def up(body: str, before: str = "", methods: str = "") -> str:
    """A Laravel 9+ migration whose `up()` runs `body`."""
    return (
        "<?php\n\nuse Illuminate\\Database\\Migrations\\Migration;\nuse Illuminate\\Database\\Schema\\Blueprint;\n"
        f"use Illuminate\\Support\\Facades\\DB;\nuse Illuminate\\Support\\Facades\\Schema;\n{before}\n"
        "return new class extends Migration\n{\n    public function up(): void\n    {\n"
        f"{body}\n    }}\n{methods}}};\n"
    )


def on_users(statement: str) -> str:
    return up(f"        Schema::table('users', function (Blueprint $table) {{\n            {statement}\n        }});")


def test_an_anonymous_class_creating_a_table_and_adding_columns() -> None:
    assert read(fixture("laravel/2024_01_01_000001_create_flights_table.php")) == [
        ("additive", "flights", 14),
        ("additive", "flights.id", 15),
        ("additive", "flights.name", 16),
        ("additive", "flights.airline", 17),
        ("additive", "flights", 17),  # the index, on the new table
        ("additive", "flights.user_id", 18),
        ("additive", "flights", 18),  # the foreign key
        ("additive", "flights.created_at", 19),
        ("additive", "flights.updated_at", 19),
        ("additive", "flights.deleted_at", 20),
        ("additive", "users.nickname", 24),  # nullable
        ("additive", "users.votes", 25),  # NOT NULL with a default
    ]  # nothing of down(): its dropColumn and drop are never read


def test_a_named_class_from_before_laravel_9() -> None:
    found = judge(laravel_read.read(fixture("laravel/2016_04_15_121215_add_is_compilation_into_albums.php")).ops, "m")
    assert [(f.kind, f.subject, f.line) for f in found] == [
        ("additive", "albums.is_compilation", 18),
        ("destructive", "albums.cover", 19),  # ->change() restates the type, the old one is not in the file
        ("destructive", "albums.title", 20),
        ("risky", "albums", 21),  # a unique index on existing rows
        ("additive", "albums", 22),  # dropIndex: holds no data
        ("data", "albums", 25),
        ("destructive", "albums.legacy_rating", 27),  # DB::statement, read as SQL
        ("destructive", "album_tmp", 29),
        ("destructive", "album_covers", 30),
    ]
    assert found[4].detail == "drop index on albums (holds no data)"


def test_dropping_a_foreign_key_and_its_column() -> None:
    assert kinds(fixture("laravel/2024_01_01_000002_drop_contributing_artist_id.php")) == [
        ("additive", "songs"), ("destructive", "songs.contributing_artist_id"),
    ]


def test_a_table_named_by_a_loop_variable_is_unknown() -> None:
    found = judge(laravel_read.read(fixture("laravel/2024_01_01_000003_add_owned_by_to_entities.php")).ops, "m.php")
    assert [(f.kind, f.line) for f in found] == [("unknown", 15), ("data", 18)]
    assert found[0].detail == "add column on a table whose name is computed at run time"


@pytest.mark.parametrize(("statement", "expected"), [
    ("$table->string('nick');", [("risky", "users.nick")]),
    ("$table->string('nick')->nullable();", [("additive", "users.nick")]),
    ("$table->string('nick')->nullable(false);", [("risky", "users.nick")]),
    ("$table->string('nick')->nullable(value: false);", [("risky", "users.nick")]),
    ("$table->string('nick')->default('');", [("additive", "users.nick")]),
    ("$table->string('nick')->default(null);", [("risky", "users.nick")]),
    ("$table->timestamp('seen_at')->useCurrent();", [("additive", "users.seen_at")]),
    ("$table->timestamps();", [("additive", "users.created_at"), ("additive", "users.updated_at")]),
    ("$table->softDeletes();", [("additive", "users.deleted_at")]),
    ("$table->rememberToken();", [("additive", "users.remember_token")]),
    ("$table->id();", [("risky", "users.id")]),  # every row gets a number: the table is rewritten
    ("$table->integer('rank', true);", [("risky", "users.rank")]),
    ("$table->string('nick')->nullable()->change();", [("destructive", "users.nick")]),
    ("$table->dropColumn(['nick', 'bio']);", [("destructive", "users.nick"), ("destructive", "users.bio")]),
    ("$table->dropColumn('nick', 'bio');", [("destructive", "users.nick"), ("destructive", "users.bio")]),
    ("$table->renameColumn('nick', 'handle');", [("destructive", "users.nick")]),
    ("$table->dropSoftDeletes();", [("destructive", "users.deleted_at")]),
    ("$table->dropTimestamps();", [("destructive", "users.created_at"), ("destructive", "users.updated_at")]),
    ("$table->dropMorphs('owner');", [("destructive", "users.owner_type"), ("destructive", "users.owner_id")]),
    ("$table->dropConstrainedForeignId('team_id');", [("additive", "users"), ("destructive", "users.team_id")]),
    ("$table->dropForeign(['team_id']);", [("additive", "users")]),
    ("$table->dropForeign('users_team_id_foreign');", [("additive", "users")]),
    ("$table->dropIndex(['email']);", [("additive", "users")]),
    ("$table->dropUnique('users_email_unique');", [("additive", "users")]),
    ("$table->dropPrimary();", [("additive", "users")]),
    ("$table->foreign('team_id')->references('id')->on('teams')->cascadeOnDelete();", [("risky", "users")]),
    ("$table->foreignId('team_id')->nullable()->constrained();", [("additive", "users.team_id"), ("additive", "users")]),
    ("$table->foreignIdFor(App\\Models\\Team::class)->nullable();", [("additive", "users.team_id")]),
    ("$table->index('email');", [("risky", "users")]),
    ("$table->index(['email', 'name'])->online();", [("additive", "users")]),
    ("$table->unique('email');", [("risky", "users")]),
    ("$table->primary('uuid');", [("risky", "users")]),
    ("$table->fullText('bio');", [("risky", "users")]),
    ("$table->string('email')->nullable()->unique();", [("additive", "users.email"), ("risky", "users")]),
    ("$table->morphs('owner');", [("risky", "users.owner_type"), ("risky", "users.owner_id"), ("risky", "users")]),
    ("$table->rename('members');", [("destructive", "users")]),
    ("$table->drop();", [("destructive", "users")]),
    ("$table->engine = 'InnoDB'; $table->charset('utf8mb4');", []),
])
def test_blueprint_calls_on_an_existing_table(statement: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(on_users(statement)) == expected


@pytest.mark.parametrize(("statement", "detail"), [
    ("$table->string('nick')->sparkly();", "unrecognised column modifier sparkly()"),
    ("$table->frobnicate('nick');", "unrecognised Blueprint method frobnicate()"),
    ("$table->dropColumn($name);", "drop a column of users named at run time"),
    ("$table->{$method}('nick');", "`$table->{$method}('nick')` calls a method chosen at run time"),
    ("addColumns($table);", "calls addColumns(), which the reader does not know"),
])
def test_blueprint_code_the_reader_cannot_follow_is_unknown(statement: str, detail: str) -> None:
    found = judge(laravel_read.read(on_users(statement)).ops, "m.php")
    assert ("unknown", detail) in [(f.kind, f.detail) for f in found]


@pytest.mark.parametrize(("body", "expected"), [
    ("Schema::drop('users');", [("destructive", "users")]),
    ("Schema::dropIfExists('users');", [("destructive", "users")]),
    ("Schema::rename('users', 'members');", [("destructive", "users")]),
    ("Schema::dropColumns('users', ['nick', 'bio']);", [("destructive", "users.nick"), ("destructive", "users.bio")]),
    ("Schema::dropAllTables();", [("destructive", "m.php")]),
    ("Schema::connection('archive')->drop('users');", [("destructive", "users")]),
    ("$schema = Schema::connection('archive');\n$schema->drop('users');", [("destructive", "users")]),
    ("if (Schema::hasTable('users')) {\n    Schema::disableForeignKeyConstraints();\n}", []),
    ("Schema::create('teams', fn (Blueprint $table) => $table->id());", [("additive", "teams"), ("additive", "teams.id")]),
    ("Schema::create('teams', function ($table) { $table->string('name'); });\n"
     "Schema::rename('teams', 'squads');\nSchema::drop('squads');",
     [("additive", "teams"), ("additive", "teams.name"), ("additive", "teams"), ("additive", "squads")]),
    ("DB::statement('DROP TABLE users');", [("destructive", "users")]),
    ("DB::unprepared(<<<'SQL'\n    ALTER TABLE users DROP COLUMN nick;\n    SQL);", [("destructive", "users.nick")]),
    ("$sql = 'CREATE INDEX users_email ON users (email)';\nDB::statement($sql);", [("risky", "users")]),
    ("DB::statement(\"ALTER TABLE {$prefix}users DROP COLUMN nick\");", [("destructive", "m.php")]),
    ("DB::table('users')->where('id', 1)->update(['nick' => null]);", [("data", "users")]),
    ("DB::table('users')->truncate();", [("destructive", "users")]),
    ("User::query()->where('active', false)->delete();", [("destructive", "users")]),
    ("DB::transaction(function () {\n    Schema::drop('users');\n});", [("destructive", "users")]),
    ("DB::table('users')->orderBy('id')->chunk(100, function ($rows) {\n"
     "    foreach ($rows as $row) {\n        DB::table('users')->where('id', $row->id)->update(['n' => 1]);\n    }\n});",
     [("data", "users")]),
])
def test_schema_and_db_calls(body: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(up(body)) == expected


@pytest.mark.parametrize(("body", "before", "detail"), [
    ("Schema::create($name, function (Blueprint $table) {\n    $table->id();\n});", "",
     "create table on a table whose name is computed at run time"),
    ("DB::statement($sql);", "", "DB::statement runs SQL built at run time"),
    # Which branch set `$sql` is not known: the one read last must not stand for both.
    ("if (DB::getDriverName() === 'mysql') {\n    $sql = 'DROP TABLE users';\n} else {\n"
     "    $sql = 'ALTER TABLE users ADD nick varchar(20) NULL';\n}\nDB::statement($sql);", "",
     "DB::statement runs SQL built at run time"),
    ("Schema::frobnicate('users');", "", "calls Schema::frobnicate, which is not a Laravel schema method"),
    ("DB::dropForeignKeyIfExists('songs', 'artist_id');", "",
     "calls DB::dropForeignKeyIfExists, which is not a Laravel database method"),
    ("rescue_if(true, fn () => Schema::drop('users'));", "", "calls rescue_if(), which the reader does not know"),
    ("$this->$name();", "", "`$this->$name()` calls a method chosen at run time"),
    ("call_user_func([Schema::class, 'drop'], 'users');", "", "calls call_user_func(), which the reader does not know"),
    ("Artisan::call('migrate:fresh');", "",
     "calls Artisan::call: it runs other code, which the reader does not follow"),
    ("Helper::dropLegacy();", "class Helper { public static function dropLegacy() { Schema::drop('users'); } }",
     "calls Helper::dropLegacy: a class of this file, which the reader does not follow"),
    ("require __DIR__ . '/drop.php';", "", "`require __DIR__ . '/drop.php'` runs another PHP file"),
    ("$this->schema->drop('users');", "", "calls drop on a value the reader does not follow: it may be a schema builder"),
    ("parent::up();", "", "runs the parent class's method"),
    ("$this->dropLegacy();", "", "calls dropLegacy, which is not a method of the migration"),
    ("collect(['a', 'b'])->each(function ($name) {\n    Schema::drop('users');\n});", "",
     "drop table users inside a function handed to each: how often it runs, and on what, is known only at run time"),
    ("foreach (range(1, 3) as $i) {\n    Schema::drop('users');\n}", "",
     "drop table users in a loop: how often it runs, and on what, is known only at run time"),
    ("echo 1;", "Schema::drop('users');",
     "`Schema::drop('users');` outside the migration class: code the reader cannot account for"),
])
def test_code_the_reader_cannot_follow_is_unknown(body: str, before: str, detail: str) -> None:
    found = judge(laravel_read.read(up(body, before)).ops, "m.php")
    assert ("unknown", detail) in [(f.kind, f.detail) for f in found]


def test_an_import_under_another_name_is_the_facade_it_names() -> None:
    text = up("S::drop('users');", "use Illuminate\\Support\\Facades\\Schema as S;")
    assert kinds(text) == [("destructive", "users")]


def test_methods_and_closures_of_the_file_are_read_where_they_are_called() -> None:
    text = up(
        "        $drop = fn (Blueprint $table) => $table->dropColumn('nick');\n"
        "        Schema::table('users', $drop);\n"
        "        Schema::table('teams', function (Blueprint $table) {\n"
        "            $this->addOwner($table);\n"
        "        });\n"
        "        $unused = function () { Schema::drop('never'); };",
        methods="\n    private function addOwner(Blueprint $blueprint): void\n    {\n"
                "        $blueprint->foreignId('owner_id')->nullable()->constrained('users');\n    }\n",
    )
    assert kinds(text) == [("destructive", "users.nick"), ("additive", "teams.owner_id"), ("additive", "teams")]


def test_a_trait_or_a_magic_method_in_the_migration_class_is_unknown() -> None:
    text = up("$this->dropLegacy();").replace("{\n    public function up", "{\n    use DropsLegacyTables;\n\n"
                                              "    public function __call($name, $args) {}\n\n    public function up")
    details = [f.detail for f in judge(laravel_read.read(text).ops, "m.php") if f.kind == "unknown"]
    assert details[:2] == ["`use DropsLegacyTables;` in the migration class: code the reader cannot account for",
                           "defines __call, which changes what the migration's calls do"]


def test_a_file_without_a_migration_class_or_with_a_syntax_error_cannot_be_read() -> None:
    with pytest.raises(Unreadable, match="no Laravel migration class"):
        laravel_read.read("<?php\n\nfunction helper() {}\n")
    with pytest.raises(Unreadable, match="does not parse") as error:
        laravel_read.read(up("Schema::drop('users'"))
    assert error.value.line is not None


@pytest.mark.parametrize(("path", "owned"), [
    ("database/migrations/2024_01_01_000000_create_users_table.php", True),
    ("packages/billing/database/migrations/2024_01_01_000000_create_invoices_table.php", True),
    ("database/migrations/tenant/2024_01_01_000000_create_projects_table.php", True),
    ("tests/database/migrations/2024_01_01_000000_create_users_table.php", False),
    ("database/seeders/DatabaseSeeder.php", False),
    ("app/Models/User.php", False),
    ("database/migrations/2024_01_01_000000_create_users_table.php.stub", False),
])
def test_which_php_files_are_laravel_migrations(path: str, owned: bool) -> None:
    assert laravel.owns(path) is owned


def test_a_migration_dropping_a_column_and_a_foreign_key_needs_the_cto(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    name = f"{FOLDER}/2022_08_04_092531_drop_contributing_artist_id.php"
    code, found, doc = check(repo, capsys, {name: fixture("laravel/2024_01_01_000002_drop_contributing_artist_id.php")},
                             None, "--policy", STARTUP)
    assert pairs(found) == [("additive", "songs"), ("destructive", "songs.contributing_artist_id")]
    assert [(f["line"], f["detail"]) for f in found] == [
        (12, "drop foreign key on songs (holds no data)"), (13, "drop column songs.contributing_artist_id")]
    assert doc["required_level"] == "cto"
    assert code == 1


def test_a_new_table_and_a_nullable_column_are_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = up("        Schema::create('teams', function (Blueprint $table) {\n            $table->id();\n"
              "            $table->string('name')->unique();\n            $table->timestamps();\n        });\n\n"
              "        Schema::table('users', function (Blueprint $table) {\n"
              "            $table->string('nickname')->nullable();\n        });")
    code, found, doc = check(repo, capsys, {f"{FOLDER}/2024_05_01_000000_create_teams_table.php": text},
                             None, "--policy", STARTUP)
    assert {f["kind"] for f in found} == {"additive"}
    assert ("additive", "users.nickname") in pairs(found)
    assert doc["required_level"] == "engineer"
    assert code == 0


def test_a_table_named_at_run_time_is_unknown(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = up("        $name = config('audit.table');\n        Schema::table($name, function (Blueprint $table) {\n"
              "            $table->string('ip')->nullable();\n        });")
    code, found, _ = check(repo, capsys, {f"{FOLDER}/2024_05_02_000000_add_ip_to_audits.php": text},
                           None, "--policy", STARTUP)
    assert [(f["kind"], f["line"]) for f in found] == [("unknown", 14)]
    assert code == 1


def test_a_php_file_in_the_migrations_folder_without_a_migration_is_unknown(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found, _ = check(repo, capsys, {f"{FOLDER}/helpers.php": "<?php\n\nfunction drop_all() {}\n",
                                          "database/seeders/UserSeeder.php": "<?php\n\nclass UserSeeder {}\n"},
                           None, "--policy", STARTUP)
    assert pairs(found) == [("unknown", f"{FOLDER}/helpers.php")]
    assert "no Laravel migration class" in found[0]["detail"]
    assert code == 1


def test_an_edit_a_code_style_fixer_makes_runs_nothing_new(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    name = f"{FOLDER}/2015_11_23_074709_create_albums_table.php"
    old = ("<?php\n\nuse Illuminate\\Database\\Migrations\\Migration;\nuse Illuminate\\Database\\Schema\\Blueprint;\n\n"
           "class CreateAlbumsTable extends Migration\n{\n    /**\n     * @return void\n     */\n"
           "    public function up()\n    {\n        Schema::create('albums', function (Blueprint $table) {\n"
           "            $table->increments('id');\n            $table->string('name');\n        });\n    }\n\n"
           "    public function down()\n    {\n        Schema::drop('albums');\n    }\n}\n")
    restyled = (old.replace("class CreateAlbumsTable extends Migration", "return new class extends Migration")
                .replace("    /**\n     * @return void\n     */\n", "").replace("up()", "up(): void")
                .replace("function (Blueprint $table)", "static function (Blueprint $table): void")
                .replace("Schema::drop('albums');", "Schema::dropIfExists('albums');").removesuffix("}\n") + "};\n")
    code, found, _ = check(repo, capsys, {name: restyled}, {name: old}, "--policy", STARTUP)
    assert found == []
    assert code == 0
    edited = restyled.replace("$table->string('name');", "$table->text('name');")
    repo.commit({name: restyled})
    code, found, _ = check(repo, capsys, {name: edited}, {name: restyled}, "--policy", STARTUP)
    assert pairs(found)[0] == ("edited", name)
    assert "was edited" in found[0]["detail"]
    assert code == 0
