"""How a JS/TS migration's forward code becomes ops (which files are one: schema_js).

`up` is read from its tree-sitter tree. A call chain on the object `up`
receives (its first parameter: `queryInterface`, `knex`, `queryRunner`,
`db`; `this` for MikroORM) is a migration call (js_ops.py), and one on
a Knex table builder changes that builder's table. Whatever hides what runs
is `unknown`: a method chosen at run time (`queryInterface[name]()`), the
migration object handed to other code (`helper(knex)`, `fn.apply(knex, ...)`),
`eval`, and schema calls in a loop, whose tables and columns are known only
at run time.
"""

from __future__ import annotations

from tree_sitter import Node

from ownership_gate.classifiers.base import Context
from ownership_gate.classifiers.schema.frameworks import mongo_ops
from ownership_gate.classifiers.schema.frameworks.js_ops import HANDLES, WRAPPERS, TableCalls, method_ops
from ownership_gate.classifiers.schema.frameworks.js_ops import text as literal
from ownership_gate.classifiers.schema.ops import ACTIONS, Migration, Op, Unreadable
from ownership_gate.formats import javascript
from ownership_gate.formats.javascript import Chain, Func, Segment, Str, Value
from ownership_gate.formats.treesitter import text as source

_LOOPS = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})
# Array methods whose callback runs once per item.
_ITERATORS = frozenset({"map", "forEach", "flatMap", "reduce", "reduceRight", "filter", "some", "every",
                        "find", "findIndex"})
_EVAL = frozenset({"eval", "Function"})
# Where a migration object may appear without being handed to other code: `if (knex)`, `x === knex`.
_READ_IN_PLACE = frozenset({"binary_expression", "unary_expression", "expression_statement", "if_statement"})
# Nodes that hold no code that runs: types, a nested function's own parameter list.
_SKIPPED = frozenset({"comment", "type_annotation", "type_arguments", "formal_parameters"})


class _Walker:
    def __init__(self, roots: tuple[str, ...], variables: dict[str, Str], documents: dict[str, Value]) -> None:
        self.roots = {*roots, "this", "arguments"}
        self.documents = documents  # objects and arrays kept in constants (a MongoDB update's pipeline)
        self.tables: dict[str, str | None] = {}  # Knex table builders, by parameter name
        self.collections: dict[str, str | None] = {}  # MongoDB collections kept in variables, by name
        self.variables = variables
        self.loops = 0

    def walk(self, node: Node) -> list[Op]:
        kind = node.type
        if kind in ("call_expression", "member_expression", "subscript_expression"):
            return self.expression(node)
        if kind in ("identifier", "this", "shorthand_property_identifier"):
            return self.escape(node, source(node))
        if kind == "variable_declarator" and self.alias(node.child_by_field_name("name"),
                                                        node.child_by_field_name("value")):
            return []
        if kind == "assignment_expression" and self.alias(node.child_by_field_name("left"),
                                                          node.child_by_field_name("right")):
            return []
        if kind == "new_expression" and source(node.child_by_field_name("constructor") or node) in _EVAL:
            return [Op("unknown", line=javascript.line(node), detail="runs code built at run time (new Function)")]
        if kind in _SKIPPED:
            return []
        looped = kind in _LOOPS
        self.loops += looped
        ops = self.children(node, skip={"variable_declarator": "name", "arrow_function": "parameter"}.get(kind))
        self.loops -= looped
        return ops

    def children(self, node: Node, skip: str | None = None) -> list[Op]:
        left_out = node.child_by_field_name(skip) if skip else None
        return [op for child in node.named_children if child != left_out for op in self.walk(child)]

    def expression(self, node: Node) -> list[Op]:
        chain = javascript.chain(node)
        if chain is not None and chain.root in self.tables:
            return self.builder(chain, node)
        if chain is not None and chain.root in self.collections and all(s.name is not None for s in chain.segments):
            return self.collection(chain) + [op for s in chain.calls() for op in self.callbacks(s)]
        if chain is not None and chain.root in self.roots:
            return self.migration(chain, node)
        if chain is not None and ((chain.root in _EVAL and chain.root_args is not None)
                                  or any(s.name == "eval" for s in chain.segments)):
            return [Op("unknown", line=chain.line, detail="runs code built at run time (eval)")]
        if node.type != "call_expression":
            return self.children(node)
        callee = javascript.unwrap(node.child_by_field_name("function") or node)
        method = callee.child_by_field_name("property") if callee.type == "member_expression" else None
        looped = method is not None and source(method) in _ITERATORS
        ops = self.walk(callee)
        self.loops += looped
        ops += self.children(node, skip="function")
        self.loops -= looped
        return ops

    def migration(self, chain: Chain, node: Node) -> list[Op]:
        if any(s.name is None for s in chain.segments):
            return [Op("unknown", line=chain.line, detail=f"calls a method of {chain.root} chosen at run time")]
        if not chain.calls() and chain.root_args is None:
            return self.escape(node, chain.root)
        ops = self.looped(self.mongo(chain) if chain.calls() else method_ops(chain, self.variables))
        for segment in chain.calls():
            ops.extend(self.callbacks(segment))
        return ops

    def mongo(self, chain: Chain) -> list[Op]:
        """A MongoDB driver call on the database (`db.collection('grants').updateOne(...)`,
        `db.dropCollection('events')`), or another framework's call."""
        first, *rest = chain.calls()
        if first.name == mongo_ops.COLLECTION:
            return mongo_ops.collection_ops(literal(first.args[0], self.variables) if first.args else None,
                                            rest, chain.line, self.documents)
        found = mongo_ops.database_op(first.name or "", first, chain.line, self.variables)
        return [found] if found is not None else method_ops(chain, self.variables)

    def collection(self, chain: Chain) -> list[Op]:
        """Calls on a collection kept in a variable (`const grants = db.collection('grants')`)."""
        return self.looped(mongo_ops.collection_ops(self.collections[chain.root], chain.calls(), chain.line,
                                                    self.documents))

    def callbacks(self, segment: Segment) -> list[Op]:
        """`alterTable('t', (t) => ...)`: the callback's calls change table `t`;
        `transaction((trx) => ...)`: `trx` is the migration object too."""
        args = segment.args or ()
        if segment.name in ("alterTable", "table") and len(args) > 1:
            if not isinstance(args[1], Func):
                return [Op("unknown", literal(args[0], self.variables), line=self.line(segment),
                           detail=f"{segment.name}() runs a function passed by name, which is not read")]
            builder = args[1].params[0] if args[1].params else ()
            self.tables.update(dict.fromkeys(builder, literal(args[0], self.variables)))
            try:
                return self.walk(args[1].body)
            finally:
                for name in builder:
                    self.tables.pop(name, None)
        if segment.name in _ITERATORS and segment.node is not None:  # a cursor's `forEach((doc) => ...)`
            self.loops += 1
            try:
                return self.walk(segment.node)
            finally:
                self.loops -= 1
        if segment.name not in WRAPPERS or segment.node is None:
            return []
        if any(javascript.unwrap(a).type == "identifier" for a in segment.node.named_children):
            return [Op("unknown", line=self.line(segment),
                       detail=f"{segment.name}() runs a function passed by name, which is not read")]
        if segment.name == "transaction":
            self.roots.update(n for a in args if isinstance(a, Func) and a.params for n in a.params[0])
        return self.walk(segment.node)

    @staticmethod
    def line(segment: Segment) -> int | None:
        return javascript.line(segment.node) if segment.node is not None else None

    def builder(self, chain: Chain, node: Node) -> list[Op]:
        if any(s.name is None for s in chain.segments):
            return [Op("unknown", line=chain.line, detail=f"calls a method of {chain.root} chosen at run time")]
        if not chain.calls():
            return self.escape(node, chain.root)
        return self.looped(TableCalls(self.tables[chain.root], chain).ops())

    def escape(self, node: Node, name: str) -> list[Op]:
        """The migration object or a table builder used as a value: fine when only looked at,
        `unknown` when handed to code that may call it."""
        if name not in self.roots and name not in self.tables:
            return []
        parent = javascript.holder(node)
        if parent is not None and parent.type in _READ_IN_PLACE:
            return []
        return [Op("unknown", line=javascript.line(node),
                   detail=f"hands {name} to other code, which is not read")]

    def alias(self, target: Node | None, value: Node | None) -> bool:
        """`const qi = queryInterface`, `const { sequelize } = queryInterface`,
        `const trx = await knex.transaction()`, `const qi = sequelize.getQueryInterface()`: the new names are
        the migration object too."""
        if target is None or value is None:
            return False
        chain = javascript.chain(value)
        calls = chain.calls() if chain is not None else []
        if chain is None or chain.root not in self.roots or any(s.name is None for s in chain.segments):
            return False
        if chain.root_args is None and len(calls) == 1 and calls[0].name == mongo_ops.COLLECTION and calls[0].args:
            table = literal(calls[0].args[0], self.variables)
            self.collections.update(dict.fromkeys(javascript.bound_names(target), table))
            return True
        if chain.root_args is not None or (calls and (len(calls) != 1 or calls[0].args or (
            calls[0].name != "transaction" and calls[0].name not in HANDLES
        ))):
            return False
        names = javascript.bound_names(target)
        self.roots.update(names)
        return bool(names)

    def looped(self, ops: list[Op]) -> list[Op]:
        if not self.loops:
            return ops
        return [Op("unknown", op.table, line=op.line,
                   detail=f"{op.detail} in a loop: what it changes is known only at run time")
                if op.action in ACTIONS else op for op in ops]


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    try:
        tree = javascript.parse(text, path)
    except ValueError as exc:
        raise Unreadable(str(exc)) from None
    up = javascript.named_function(tree, "up")
    if up is None:
        if javascript.mentions(tree, "up"):
            raise Unreadable("up comes from code this file does not show")
        if declared:
            raise Unreadable("no up() function")
        return None
    variables = javascript.constants(tree, up.body)
    walker = _Walker(up.params[0] if up.params else (), variables, javascript.literals(tree, up.body))
    ops = tuple(walker.walk(up.body))
    constants = sorted((name, found.value) for name, found in variables.items())
    return Migration(ops, fingerprint=javascript.fingerprint(up.body) + "|" + repr(constants))
