"""Rails migrations that reach the database through indirection are `unknown`, never silent."""

from __future__ import annotations

import json

import pytest

from ownership_gate.classifiers import REGISTRY
from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.schema.frameworks import rails
from ownership_gate.classifiers.schema.ops import judge
from ownership_gate.cli import main
from tests.classifiers.schema.test_schema_helpers import pairs
from tests.conftest import Repo, findings, levels_by_path

PATH = "db/migrate/20240102000000_cleanup.rb"


def migration(body: str, method: str = "change", before: str = "") -> str:
    return (f"class Cleanup < ActiveRecord::Migration[7.1]\n{before}  def {method}\n{body}\n  end\nend\n")


def read(text: str) -> list[tuple[str, str, str]]:
    found = rails.read(text, PATH, Context([], lambda _: None, {}, REGISTRY), False)
    assert found is not None
    return [(f.kind, f.subject, f.detail) for f in judge(found.ops, PATH)]


HOSTILE = {
    "define_method": migration("    add_column :users, :nick, :string",
                               before="  define_method(:up) { drop_table :users }\n"),
    "define_method only": "class Cleanup < ActiveRecord::Migration[7.1]\n"
                          "  define_method(:change) { drop_table :users }\nend\n",
    "send": migration("    send(:drop_table, :users)"),
    "__send__": migration("    __send__(:drop_table, :users)"),
    "public_send": migration("    public_send(:drop_table, :users)"),
    "send on connection": migration("    connection.send(:drop_table, :users)"),
    "Kernel.send": migration("    Kernel.send(:system, 'psql -c \"DROP TABLE users\"')"),
    "try": migration("    try(:drop_table, :users)"),
    "method object": migration("    method(:drop_table).call(:users)"),
    "instance_eval block": migration("    instance_eval { drop_table :users }"),
    "instance_eval string": migration("    instance_eval 'drop_table :users'"),
    "instance_exec": migration("    instance_exec(:users) { |t| drop_table t }"),
    "class_eval in the class": "class Cleanup < ActiveRecord::Migration[7.1]\n"
                               "  class_eval 'def change; drop_table :users; end'\nend\n",
    "class_eval outside": "Cleanup = Class.new(ActiveRecord::Migration[7.1])\n"
                          "Cleanup.class_eval { def change; drop_table :users; end }\n"
                          "class Cleanup\nend\n",
    "eval": migration("    eval('drop_table :users')"),
    "binding.eval": migration("    binding.eval('drop_table :users')"),
    "method_missing": migration("    add_column :users, :nick, :string",
                                before="  def method_missing(name, *args)\n"
                                       "    connection.drop_table(:users)\n  end\n"),
    "alias_method": "class Cleanup < ActiveRecord::Migration[7.1]\n  alias_method :change, :nuke\n\n"
                    "  def nuke\n    drop_table :users\n  end\nend\n",
    "include": "class Cleanup < ActiveRecord::Migration[7.1]\n  include DangerousHelpers\nend\n",
    "self call outside the vocabulary": migration("    self.purge_everything"),
    "bare call outside the vocabulary": migration("    purge_everything"),
    "call in an argument": migration("    add_column :users, :nick, :string, default: purge_everything"),
    "setter on self": migration("    self.verbose = false"),
    "method defined at run time": migration("    def self.later\n      drop_table :users\n    end"),
    "backticks": migration("    `psql -c 'DROP TABLE users'`"),
    "system": migration("    system('psql', '-c', 'DROP TABLE users')"),
    "super": migration("    super"),
    "execute of a built string": migration("    execute('DROP TABLE ' + table)"),
    "execute of format": migration("    execute format('DROP TABLE %s', table)"),
    "execute of a whole interpolation": migration('    execute "#{statement}"'),
    "execute of an interpolated heredoc": migration("    execute <<~SQL\n      #{statement}\n    SQL"),
    "execute of a method's result": migration("    execute statement"),
}


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_indirection_is_unknown(text: str) -> None:
    found = read(text)
    assert "unknown" in {kind for kind, _, _ in found}, found


@pytest.mark.parametrize(("body", "expected"), [
    # Interpolated SQL is parsed with the values left open (as before): still destructive.
    ('    execute "DROP TABLE #{table_name}"', [("destructive", PATH)]),
    # Code inside an interpolation runs too.
    ("    execute <<~SQL\n      SELECT #{drop_table :users}\n    SQL", [("destructive", "users")]),
    ("    self.drop_table :users", [("destructive", "users")]),
    ("    connection.remove_column :users, :nick", [("destructive", "users.nick")]),
    ("    nuke = -> { drop_table :users }\n    nuke.call", [("destructive", "users")]),
    ("    create_table :notes do |t|\n      t.string :body\n      drop_table :users\n    end",
     [("additive", "notes"), ("destructive", "users")]),
    ("    drop_table :users if column_exists?(:users, :nick) && purge?", [("destructive", "users"),
                                                                          ("unknown", PATH)]),
])
def test_what_runs_is_judged_wherever_it_is(body: str, expected: list[tuple[str, str]]) -> None:
    assert [(kind, subject) for kind, subject, _ in read(migration(body))] == expected


def test_a_method_of_the_file_wins_over_the_rails_method_it_shadows() -> None:
    text = migration("    remove_index :users, :nick",
                     before="  def remove_index(*)\n    drop_table :users\n  end\n\n")
    assert [(k, s) for k, s, _ in read(text)] == [("destructive", "users")]


def test_plain_class_statements_and_model_classes_are_accounted_for() -> None:
    text = """\
# frozen_string_literal: true

require "securerandom"

class BackfillNicks < ActiveRecord::Migration[7.1]
  disable_ddl_transaction!

  BATCH = 1_000
  COLUMNS = %i[nick name].freeze

  class User < ActiveRecord::Base
    self.table_name = "users"
    has_many :posts
  end

  def up
    User.in_batches(of: BATCH) { |batch| batch.update_all(nick: "x") }
  end

  private

  def down
    drop_table :users
  end
end
"""
    assert [(k, s) for k, s, _ in read(text)] == [("data", "users")]


@pytest.mark.parametrize("model", [
    "  class User < ActiveRecord::Base\n    def self.purge\n      connection.drop_table(:users)\n    end\n  end\n",
    "  class User < ActiveRecord::Base\n    connection.drop_table(:users)\n  end\n",
])
def test_a_model_class_that_runs_code_is_unknown(model: str) -> None:
    text = migration("    User.purge", before=model)
    assert ("unknown", PATH) in [(k, s) for k, s, _ in read(text)]


def test_a_define_method_migration_asks_for_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "app\n"})
    text = "class Cleanup < ActiveRecord::Migration[7.1]\n  define_method(:change) { drop_table :users }\nend\n"
    repo.commit({PATH: text})
    code = main(["check", "--base", base, "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    [finding] = findings(doc, "schema")
    assert (finding["kind"], finding["subject"], finding["line"], finding["level"]) == ("unknown", PATH, 2, "cto")
    assert "define_method(:change)" in finding["detail"]
    assert levels_by_path(doc) == {PATH: "cto"}
    assert code == 1


def test_a_send_migration_asks_for_the_cto_in_the_hook(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"README.md": "app\n"})
    repo.stage({PATH: migration("    send(:drop_table, :users)")})
    code = main(["check", "--staged", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert pairs(findings(doc, "schema")) == [("unknown", PATH)]
    assert doc["required_level"] == "cto"
    assert code == 1
