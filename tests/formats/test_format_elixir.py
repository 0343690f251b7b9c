"""formats.elixir: calls, values and functions found in tree-sitter trees of Ecto migration shapes."""

from __future__ import annotations

import pytest

from ownership_gate.formats import elixir
from ownership_gate.formats.elixir import Call, Lit, Opaque


def _call(code: str) -> Call:
    found = elixir.call(elixir.parse(code + "\n").named_children[0])
    assert found is not None
    return found


@pytest.mark.parametrize(("code", "expected"), [
    (":users", Lit("users", "atom", 1)),
    (':"odd name"', Lit("odd name", "atom", 1)),
    ('"a\\tb"', Lit("a\tb", "string", 1)),
    ('"DROP TABLE #{name}"', Lit("DROP TABLE #{}", "string", 1, dynamic=True)),
    ("~s(DROP TABLE foo)", Lit("DROP TABLE foo", "string", 1)),
    ("~w(email name)a", [Lit("email", "atom", 1), Lit("name", "atom", 1)]),
    ("~w(email name)", [Lit("email", "string", 1), Lit("name", "string", 1)]),
    ("1_000", Lit(1000, "number", 1)),
    ("0.0", Lit("0.0", "number", 1)),
    ("true", Lit(True, "const", 1)),
    ("nil", Lit(None, "const", 1)),
    ("[null: false]", {"null": Lit(False, "const", 1)}),
    ("{:string, null: true}", [Lit("string", "atom", 1), {"null": Lit(True, "const", 1)}]),
    ("%{name: \"x\"}", {"name": Lit("x", "string", 1)}),
    ("@table", Opaque("@table")),
    ("name", Opaque("name")),
])
def test_values(code: str, expected: elixir.Value) -> None:
    assert elixir.value(elixir.parse(code + "\n").named_children[0]) == expected


def test_a_heredoc_starts_on_the_line_after_its_quotes() -> None:
    found = _call('execute """\nALTER TABLE users\n"""')
    assert found.args == (Lit("ALTER TABLE users\n", "string", 2),)


def test_a_command_with_keywords_and_a_block() -> None:
    found = _call("create table(:x, primary_key: false) do\n  add :y, :string\nend")
    assert (found.name, found.receiver, found.line) == ("create", (), 1)
    inner = found.args[0]
    assert isinstance(inner, Call)
    assert (inner.name, inner.args, inner.kwargs) == ("table", (Lit("x", "atom", 1),),
                                                       {"primary_key": Lit(False, "const", 1)})
    assert found.block is not None
    assert [_name(s) for s in elixir.statements(found.block)] == ["add"]


def _name(node: object) -> str:
    found = elixir.call(node)  # type: ignore[arg-type]
    return found.name if found is not None else ""


def test_receivers_and_bracketed_keywords() -> None:
    assert _call("Oban.Migrations.up(version: 12)").receiver == ("Oban", "Migrations")
    assert _call("repo().query!(\"SELECT 1\")").receiver == ("repo",)
    assert _call(":os.cmd('ls')").receiver == (":os",)
    assert _call("add :x, :string, [null: false]").kwargs == {"null": Lit(False, "const", 1)}
    assert _call("f(%{a: 1})").args == ({"a": Lit(1, "number", 1)},)


def test_a_pipe_is_the_call_it_stands_for() -> None:
    found = _call('"users" |> table() |> drop()')
    assert found.name == "drop"
    inner = found.args[0]
    assert isinstance(inner, Call) and inner.name == "table" and inner.args == (Lit("users", "string", 1),)


def test_functions_of_the_modules() -> None:
    tree = elixir.parse(
        "defmodule M do\n  use Ecto.Migration\n  @x true\n\n  def up do\n    flush()\n  end\n\n"
        "  def down, do: drop(table(:y))\n  defp h(:a), do: 1\n  defp h(_), do: 2\nend\n")
    found = elixir.functions(tree)
    assert sorted(found) == ["down", "h", "up"]
    assert [n.type for n in found["up"]] == ["do_block"]
    assert [n.type for n in found["down"]] == ["call"]
    assert len(found["h"]) == 2
    assert [n.type for n in elixir.module_items(tree)] == ["call", "unary_operator", "call", "call", "call", "call"]


@pytest.mark.parametrize("code", [
    "defmodule M do\n  def change do\n    create table(:x) do\n  end\nend\n",
    "defmodule M do\n  def change do\n    execute \"DROP\n",
])
def test_syntax_errors(code: str) -> None:
    with pytest.raises(ValueError, match="syntax error on line"):
        elixir.parse(code)


def test_fingerprint_ignores_layout_comments_and_call_parentheses() -> None:
    def of(code: str) -> str:
        return elixir.fingerprint(elixir.module_items(elixir.parse(code)))

    one = of('defmodule M do\n  def up do\n    execute("SELECT 1")\n  end\nend\n')
    assert one == of("defmodule M do\n  # why\n  def up do\n    execute ~s(SELECT 1)\n  end\nend\n")
    assert one != of('defmodule M do\n  def up do\n    execute("SELECT 2")\n  end\nend\n')
