"""Rails migrations: `change`/`up` only, the `up` side of `reversible`, examples from the Rails guides."""

from __future__ import annotations

import pytest

from tests.classifiers.schema.test_schema_helpers import fixture, judge, pairs
from tests.conftest import Repo

MIGRATE = "db/migrate"


def rails(repo: Repo, capsys: pytest.CaptureFixture[str], name: str, content: str | None = None,
          **extra: str) -> tuple[int, list[tuple[str, str]], list[dict[str, object]]]:
    files: dict[str, str | bytes | None] = {f"{MIGRATE}/{name}": content if content is not None else fixture(f"rails/{name}")}
    files.update(extra)
    code, found, _ = judge(repo, capsys, files)
    return code, pairs(found), found


def migration(body: str, method: str = "change") -> str:
    return f"class M < ActiveRecord::Migration[7.1]\n  def {method}\n{body}\n  end\nend\n"


def test_create_table_is_additive(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = rails(repo, capsys, "20240101000001_create_products.rb")
    assert found == [("additive", "products")]
    assert code == 0


def test_add_column_and_blocking_index(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, details = rails(repo, capsys, "20240101000002_add_part_number_to_products.rb")
    assert found == [("additive", "products.part_number"), ("risky", "products")]
    assert "blocks writes" in str(details[1]["detail"])
    assert [d["line"] for d in details] == [3, 4]
    assert code == 1


def test_remove_column_is_destructive(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = rails(repo, capsys, "20240101000003_remove_part_number_from_products.rb")
    assert found == [("destructive", "products.part_number")]
    assert code == 1


def test_reference_with_concurrent_index_and_unvalidated_key(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found, _ = rails(repo, capsys, "20240101000004_add_user_ref_to_products.rb")
    assert found == [("additive", "products.user_id"), ("additive", "products")]
    assert code == 0


def test_only_the_up_side_of_reversible(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _code, found, details = rails(repo, capsys, "20240101000005_change_products_price.rb")
    assert found == [("destructive", "products.price")]
    assert details[0]["line"] == 5  # direction.up, not direction.down on line 6


def test_up_with_heredoc_sql_and_down_ignored(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _code, found, details = rails(repo, capsys, "20240101000006_example_migration.rb")
    assert found == [
        ("additive", "distributors"),
        ("additive", "distributors"),  # the CHECK constraint is on a table created above
        ("additive", "users.home_page_url"),
        ("destructive", "users.email"),
    ]
    assert details[1]["line"] == 9  # the heredoc's ALTER TABLE line


def test_seed_data_in_a_loop(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = rails(repo, capsys, "20240101000007_add_initial_products.rb")
    assert found == [("data", "products")]
    assert code == 0


def test_tightening_an_existing_table(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _code, found, _ = rails(repo, capsys, "20240101000008_tighten_products.rb")
    assert found == [
        ("risky", "products.name"),
        ("risky", "products.sku"),
        ("additive", "products.stock"),
        ("additive", "products"),  # unique index on `sku`, added above, built concurrently
        ("risky", "products"),  # foreign key validated against every row
        ("destructive", "products.description"),
    ]


@pytest.mark.parametrize(("body", "expected"), [
    ("    drop_table :sessions", [("destructive", "sessions")]),
    ("    rename_table :users, :people", [("destructive", "users")]),
    ("    create_table :users, force: :cascade do |t|\n      t.string :name\n    end",
     [("destructive", "users"), ("additive", "users")]),
    ("    remove_columns :users, :a, :b", [("destructive", "users.a"), ("destructive", "users.b")]),
    ("    remove_timestamps :users", [("destructive", "users.created_at"), ("destructive", "users.updated_at")]),
    ("    add_timestamps :users", [("risky", "users.created_at"), ("risky", "users.updated_at")]),
    ("    add_timestamps :users, null: true", [("additive", "users.created_at"), ("additive", "users.updated_at")]),
    ("    add_check_constraint :users, 'age > 0', name: 'age_positive', validate: false", [("additive", "users")]),
    ("    add_index :users, :email, unique: true", [("risky", "users")]),
    ("    change_column_null :users, :email, true", [("additive", "users.email")]),
    ("    remove_index :users, :email\n    rename_index :users, 'a', 'b'", []),
    ("    drop_enum :mood", [("destructive", "mood")]),
    ("    create_view :active_users", [("additive", "db/migrate/20240102000000_m.rb")]),
    ("    User.where(name: nil).update_all(name: 'x')", [("data", "users")]),
    # Rows deleted are lost for good: no rollback brings them back.
    ("    User.where(active: false).delete_all", [("destructive", "users")]),
    ("    execute 'DELETE FROM users WHERE spam'", [("destructive", "users")]),
    ("    create_table :drafts\n    Draft.where(stale: true).destroy_all", [("additive", "drafts"), ("additive", "drafts")]),
    ("    LineItem.find_each { |item| item.update!(total: 0) }", [("data", "line_items")]),
    ("    execute 'UPDATE users SET active = true'", [("data", "users")]),
    ("    execute \"DROP TABLE #{table_name}\"", [("destructive", "db/migrate/20240102000000_m.rb")]),
    ("    execute sql_from_somewhere", [("unknown", "db/migrate/20240102000000_m.rb")]),
    ("    sql = <<~SQL\n      ALTER TABLE users DROP COLUMN legacy\n    SQL\n    execute sql",
     [("destructive", "users.legacy")]),
    ("    safety_assured { remove_column :users, :legacy }", [("destructive", "users.legacy")]),
    ("    remove_column :users, :legacy if column_exists?(:users, :legacy)", [("destructive", "users.legacy")]),
    ("    unless column_exists?(:users, :nick)\n      add_column :users, :nick, :string\n    end",
     [("additive", "users.nick")]),
    ("    frobnicate_table :users, mode: :fast", [("unknown", "users")]),
    ("    revert CreateProducts", [("unknown", "db/migrate/20240102000000_m.rb")]),
])
def test_methods(repo: Repo, capsys: pytest.CaptureFixture[str], body: str,
                 expected: list[tuple[str, str]]) -> None:
    _, found, _ = rails(repo, capsys, "20240102000000_m.rb", migration(body))
    assert found == expected


def test_change_table_block(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    body = """    change_table :products do |t|
      t.remove :description, :name
      t.string :part_number
      t.index :part_number
      t.rename :upccode, :upc_code
      t.references :vendor, index: false
    end"""
    _, found, _ = rails(repo, capsys, "20240102000000_m.rb", migration(body))
    assert found == [
        ("destructive", "products.description"), ("destructive", "products.name"),
        ("additive", "products.part_number"), ("risky", "products"),
        ("destructive", "products.upccode"), ("additive", "products.vendor_id"),
    ]


def test_private_helpers_are_followed_and_down_is_not(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    content = """class Cleanup < ActiveRecord::Migration[7.1]
  def up
    drop_legacy
  end

  def down
    create_table :legacy_things
  end

  private

  def drop_legacy
    drop_table :legacy_things
  end
end
"""
    _, found, details = rails(repo, capsys, "20240102000000_cleanup.rb", content)
    assert found == [("destructive", "legacy_things")]
    assert details[0]["line"] == 13


def test_change_wins_over_up(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    content = migration("    add_column :users, :nick, :string") + (
        "class M\n  def up\n    drop_table :users\n  end\nend\n")
    _, found, _ = rails(repo, capsys, "20240102000000_m.rb", content)
    assert found == [("additive", "users.nick")]


def test_mysql_schema_dump_in_the_change_makes_index_builds_online(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = ('ActiveRecord::Schema[7.1].define(version: 2024_01_02_000000) do\n'
            '  create_table "users", charset: "utf8mb4", options: "ENGINE=InnoDB" do |t|\n'
            '    t.string "email"\n    t.index ["email"]\n  end\nend\n')
    _, found, _ = rails(repo, capsys, "20240102000000_m.rb", migration("    add_index :users, :email"),
                        **{"db/schema.rb": dump})
    assert found == [("additive", "users")]


@pytest.mark.parametrize("content", [
    "class Broken < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :x, :string\n",
    "class Broken < ActiveRecord::Migration[7.1]\n  def change\n    execute <<~SQL\n      DROP TABLE x\n",
    "class Broken < ActiveRecord::Migration[7.1]\n  def change\n    add_column(:users, :x\n  end\nend\n",
    "class Broken < ActiveRecord::Migration[7.1]\n  def change\n    execute 'DROP TABLE x\n  end\nend\n",
])
def test_malformed_ruby_is_unknown(repo: Repo, capsys: pytest.CaptureFixture[str], content: str) -> None:
    code, found, details = rails(repo, capsys, "20240102000000_broken.rb", content)
    assert found == [("unknown", "db/migrate/20240102000000_broken.rb")]
    assert "could not be analysed" in str(details[0]["detail"])
    assert code == 1


def test_a_migration_of_another_ruby_library_is_unknown(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    sequel = "Sequel.migration do\n  change do\n    drop_table(:artists)\n  end\nend\n"
    code, found, details = rails(repo, capsys, "20240102000000_sequel.rb", sequel)
    assert found == [("unknown", "db/migrate/20240102000000_sequel.rb")]
    assert "no ActiveRecord migration class" in str(details[0]["detail"])
    assert code == 1


def test_ruby_outside_migrations_is_not_schema(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found, _ = judge(repo, capsys, {
        "app/models/product.rb": "class Product < ApplicationRecord\n  def drop_table\n  end\nend\n",
        "spec/fixtures/db/migrate/20240101_drop.rb": migration("    drop_table :users"),
        "lib/tasks/cleanup.rb": "drop_table :users\n",
    })
    assert found == []
    assert code == 0


def test_multi_database_and_post_deploy_directories(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _code, found, _ = judge(repo, capsys, {
        "db/animals_migrate/20240101000000_drop_dogs.rb": migration("    drop_table :dogs"),
        "db/post_migrate/20240101000001_drop_cats.rb": migration("    drop_table :cats"),
    })
    assert sorted(pairs(found)) == [("destructive", "cats"), ("destructive", "dogs")]


def mongoid(body: str) -> str:
    return f"class M < Mongoid::Migration\n  def self.up\n{body}\n  end\n\n  def self.down\n    raise IrreversibleMigration\n  end\nend\n"


@pytest.mark.parametrize(("body", "expected"), [
    # MongoDB's update operators: a field taken out of every document, or renamed in them.
    ("    SectionEdition.update_all('$unset' => { 'change_history' => true })",
     [("destructive", "section_editions.change_history")]),
    ("    Manual.where(state: 'draft').update_all('$rename' => { 'title' => 'name' })", [("destructive", "manuals.title")]),
    ("    Edition.all.unset(:legacy_id, :old_body)",
     [("destructive", "editions.legacy_id"), ("destructive", "editions.old_body")]),
    ("    Edition.all.rename(body: :content)", [("destructive", "editions.body")]),
    # Setting a value writes rows and takes none away.
    ("    Edition.update_all('$set' => { 'state' => 'published' })", [("data", "editions")]),
])
def test_a_mongoid_migration_that_unsets_or_renames_fields(
    repo: Repo, capsys: pytest.CaptureFixture[str], body: str, expected: list[tuple[str, str]]
) -> None:
    code, found, _ = rails(repo, capsys, "20170518111550_fields.rb", mongoid(body))
    assert found == expected
    assert code == (1 if expected[0][0] == "destructive" else 0)
