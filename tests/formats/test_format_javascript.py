"""formats.javascript: values, call chains and `up` found in tree-sitter trees of real migration shapes."""

from __future__ import annotations

import pytest

from ownership_gate.formats import javascript
from ownership_gate.formats.javascript import Chain, Func, New, Opaque, Str


def _argument(code: str, path: str = "x.ts") -> javascript.Value:
    """The value of the one argument of `f(...)`."""
    tree = javascript.parse(f"f({code});\n", path)
    found = javascript.chain(tree.named_children[0].named_children[0])
    assert found is not None and found.root_args is not None
    return found.root_args[0]


@pytest.mark.parametrize(("code", "expected"), [
    ("'it\\'s'", Str("it's", 1)),
    ('"a\\nb\\x41\\u{1F600}"', Str("a\nbA\U0001F600", 1)),
    ("`ALTER TABLE \"post\"`", Str('ALTER TABLE "post"', 1)),
    ("`DROP TABLE ${TABLE} -- ${a.b}`", Str("DROP TABLE ${TABLE} -- ${}", 1, dynamic=True)),
    ("''", Str("", 1)),
    ("10.5", "10.5"),
    ("true", True),
    ("null", None),
    ("undefined", None),
    ("[1, 'a',]", ["1", Str("a", 1)]),
    ("{ allowNull: false, 'type': 'TEXT', n, ...rest, [k]: 1 }",
     {"allowNull": False, "type": Str("TEXT", 1), "n": Opaque("n")}),
    ("new TableColumn({ name: 'likes' }) as any", New("TableColumn", ({"name": Str("likes", 1)},))),
    ("Sequelize.STRING", Chain("Sequelize", (javascript.Segment("STRING", None),), 1)),
    ("a + b", Opaque("a + b")),
])
def test_values(code: str, expected: javascript.Value) -> None:
    assert _argument(code) == expected


def test_a_function_value_binds_its_parameters() -> None:
    found = _argument("async ({ context: qi, extra = 1 }: Params, [a], ...rest) => qi.x()")
    assert isinstance(found, Func)
    assert found.params == (("qi", "extra"), ("a",), ("rest",))
    assert found.body.type == "call_expression"


def test_a_call_chain_keeps_each_step() -> None:
    tree = javascript.parse("knex('users')\n  .schema?.alterTable('t', (t) => t.x())!.x[name]['y'](1);\n", "a.ts")
    found = javascript.chain(tree.named_children[0].named_children[0])
    assert found is not None
    assert (found.root, found.root_args, found.line) == ("knex", (Str("users", 1),), 1)
    assert [(s.name, s.args is not None) for s in found.segments] == [
        ("schema", False), ("alterTable", True), ("x", False), (None, False), ("y", True)]
    assert [s.name for s in found.calls()] == ["alterTable", "y"]


UP_FORMS = {
    "exports.js": "exports.up = async (knex) => { knex.a() };\nexports.down = async (knex) => {};\n",
    "object.js": "module.exports = {\n  up: async (queryInterface, Sequelize) => { queryInterface.a() },\n};\n",
    "method.js": "module.exports = {\n  async up(queryInterface, Sequelize) { queryInterface.a() },\n};\n",
    "function.ts": "export async function up(knex: Knex): Promise<void> { knex.a() }\n",
    "const.ts": "export const up = async (knex: Knex): Promise<void> => { knex.a() };\n",
    "class.ts": ("export class X implements MigrationInterface {\n"
                 "  public async up(queryRunner: QueryRunner): Promise<void> { queryRunner.a() }\n}\n"),
    "mikro.ts": "export class M extends Migration {\n  async up(): Promise<void> { this.addSql('x') }\n}\n",
    "named.js": "async function up({ context: qi }) { qi.a() }\nmodule.exports = { up };\n",
    "string-key.js": "module.exports = { 'up': function (qi) { qi.a() } };\n",
}


@pytest.mark.parametrize("name", sorted(UP_FORMS))
def test_up_in_each_form(name: str) -> None:
    tree = javascript.parse(UP_FORMS[name], name)
    found = javascript.named_function(tree, "up")
    assert found is not None
    assert "a()" in (found.body.text or b"").decode() or "addSql" in (found.body.text or b"").decode()
    assert javascript.named_function(tree, "down") is None or name == "exports.js"


def test_up_not_written_here() -> None:
    tree = javascript.parse("exports.up = require('./shared').up;\n", "x.js")
    assert javascript.named_function(tree, "up") is None
    assert javascript.mentions(tree, "up")
    assert not javascript.mentions(javascript.parse("// up\nconst s = 'up';\n", "x.js"), "up")


def test_constants_are_names_bound_once_to_a_string() -> None:
    code = ("const TABLE = 'users';\nlet twice = 'a';\ntwice = 'b';\nconst n = 1;\n"
            "function other() { const SQL = 'x'; }\n"
            "exports.up = async (knex) => { const SQL = `DROP TABLE ${TABLE}`; };\n")
    tree = javascript.parse(code, "x.js")
    up = javascript.named_function(tree, "up")
    assert up is not None
    assert javascript.constants(tree, up.body) == {"TABLE": Str("users", 1),
                                                   "SQL": Str("DROP TABLE ${TABLE}", 6, dynamic=True)}


@pytest.mark.parametrize(("path", "code"), [
    ("x.js", "exports.up = (knex) => { knex.schema.dropTable('x';\n};\n"),
    ("x.js", "exports.up = (knex) => knex.raw(`DROP\n"),
    ("x.js", "exports.up = (knex: Knex) => {};\n"),  # TypeScript in a .js file
])
def test_syntax_errors(path: str, code: str) -> None:
    with pytest.raises(ValueError, match="syntax error on line"):
        javascript.parse(code, path)


def test_fingerprint_ignores_layout_quotes_semicolons_and_trailing_commas() -> None:
    def body(code: str) -> str:
        up = javascript.named_function(javascript.parse(code, "x.js"), "up")
        assert up is not None
        return javascript.fingerprint(up.body)

    one = body("exports.up = (q) => q.t(async t => { await q.a('users', 'x', { b: t, }) })\n")
    two = body('exports.up = (q) =>\n  q.t(async (t) => {\n    // why\n    await q.a("users", "x", { b: t });\n  });\n')
    assert one == two
    assert one != body("exports.up = (q) => q.t(async t => { await q.a('users', 'y', { b: t }) })\n")
    assert body("exports.up = () => a(b(c), d)\n") != body("exports.up = () => a(b(c, d))\n")
