"""Reading Gemfiles and gemspecs with tree-sitter-ruby (which files are manifests: gem.py).

A Gemfile is read only when every statement in it is accounted for: `gem`
with a literal name and versions, `source`, `ruby`, `gemspec`, `plugin`,
`git_source`, and `group`, `platforms`, `path`, `git`, `github`, `source`
and `install_if` blocks holding more of the same, `if`/`unless` whose
conditions only compute a value (`RUBY_PLATFORM`, `ENV`), every branch's gems
counting as declared, and constants set once at the top level to a literal
version (`RAILS_VERSION = "~> 7.1.3".freeze`, then `gem "actionpack",
RAILS_VERSION`). Anything else (a loop, a condition that calls a
method, `eval_gemfile`, `send`, a method) could declare gems the reader
cannot see, so the manifest is `unparsed`. In a gemspec only what could add
a dependency matters: `add_dependency` and friends written as plain
statements of the `Gem::Specification.new` block; such a call anywhere
else, or any dynamic dispatch, makes it `unparsed`.

A gem's scope comes from its groups, as `bundle install --without` reads
them: a gem only in `development` and `test` groups is `dev` (`test` when
its only group is `test`); in `default`, `production` or any other group it
is `runtime`. A gemspec's development dependencies are `dev`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence

from tree_sitter import Node

from ownership_gate.classifiers.dependency.ecosystems import tools
from ownership_gate.classifiers.dependency.ecosystems.base import DEV, RUNTIME, TEST, ManifestError, Requirement
from ownership_gate.classifiers.dependency.ecosystems.manifests import public_url
from ownership_gate.classifiers.dependency.versions import semver
from ownership_gate.formats import ruby
from ownership_gate.formats.ruby import Call, Expr, Lit, Unaccounted, Value

_DEPENDENCY = frozenset({"add_dependency", "add_runtime_dependency", "add_development_dependency"})
# Names that could add a dependency to a gemspec out of the reader's sight.
_GEMSPEC_HIDDEN = _DEPENDENCY | ruby.INDIRECT | {"dependencies", "load", "eval_gemfile"}
_SOURCE_KEYS = ("git", "github", "gitlab", "bitbucket")
_REF_KEYS = ("tag", "branch", "ref")
# Options that decide which code a gem is: only literals are read.
_IDENTITY = frozenset({*_SOURCE_KEYS, *_REF_KEYS, "path", "source", "glob", "submodules"})
_SETTINGS = frozenset({"source", "ruby", "gemspec", "plugin"})
_BLOCKS = frozenset({"group", "platforms", "platform", "path", "git", "github", "source", "install_if"})
_DEV_GROUPS = frozenset({"development", "dev"})
_TEST_GROUPS = frozenset({"test"})
# Read-only methods an option value or condition may call (`ENV.fetch("X")`, `RUBY_PLATFORM.include?`).
_READ_ONLY = frozenset({
    "include?", "start_with?", "end_with?", "match?", "fetch", "key?", "empty?", "nil?", "to_s", "to_sym",
    "to_i", "strip", "chomp", "downcase", "upcase", "read", "win_platform?", "sub", "gsub", "split",
})
# Syntax that only computes a value from what it is given.
_INERT = frozenset({
    "string", "string_content", "escape_sequence", "interpolation", "simple_symbol", "delimited_symbol",
    "hash_key_symbol", "integer", "float", "true", "false", "nil", "regex", "array", "string_array",
    "symbol_array", "bare_string", "bare_symbol", "chained_string", "hash", "pair", "constant",
    "scope_resolution", "binary", "unary", "parenthesized_statements", "conditional", "element_reference",
    "lambda", "block", "block_body", "argument_list", "unless_modifier", "if_modifier", "comment",
})


def parse(text: str, path: str) -> list[Requirement]:
    try:
        root = ruby.program(text)
        if path.endswith(".gemspec"):
            return _gemspec(root)
        return list(_gemfile(ruby.statements(root), {}, frozenset(), None, {}, top=True))
    except Unaccounted as exc:
        raise ManifestError(exc.reason, exc.line) from None


def readable(text: str, path: str) -> tuple[list[Requirement], tuple[str, ...]]:
    """A Gemfile's gems outside the statements the reader cannot account for, and the text of those
    statements, in order: across two revisions, an unread part that did not change declares what it
    declared before (the caller compares them). A gemspec is read as `parse` reads it."""
    if path.endswith(".gemspec"):
        return parse(text, path), ()
    unread: list[str] = []
    try:
        found = list(_gemfile(ruby.statements(ruby.program(text)), {}, frozenset(), unread, {}, top=True))
    except Unaccounted as exc:
        raise ManifestError(exc.reason, exc.line) from None
    return found, tuple(unread)


def _gemfile(
    nodes: tuple[Node, ...], inherited: Mapping[str, Value], groups: frozenset[str], unread: list[str] | None,
    constants: dict[str, Lit], top: bool = False,
) -> Iterator[Requirement]:
    """The gems `nodes` declare; a statement the reader cannot account for is refused, or, with `unread`,
    set aside there (its text) with everything in it. `constants` holds the literal constants the top
    level set so far (`top`: these are its statements; a constant set anywhere else is refused)."""
    for node in nodes:
        try:
            if top and _constant(node, constants):
                continue
            yield from _statement(node, inherited, groups, unread, constants)
        except Unaccounted:
            if unread is None:
                raise
            unread.append((node.text or b"").decode("utf-8", "replace"))


def _statement(
    node: Node, inherited: Mapping[str, Value], groups: frozenset[str], unread: list[str] | None,
    constants: dict[str, Lit],
) -> Iterator[Requirement]:
    branches = _branches(node)
    if branches is not None:  # every branch's gems may be installed: all of them are declared
        for branch in branches:
            yield from _gemfile(branch, inherited, groups, unread, constants)
        return
    call = ruby.call(node)
    if call is None or call.receiver:
        raise _refused(node)
    if call.name == "gem" and call.block is None:
        found = _gem(call, inherited, groups, constants)
        if found is not None:
            yield found
    elif call.name in _BLOCKS and call.block is not None and _arguments_are(
        call, _inert if call.name == "install_if" else ruby.is_literal
    ):
        inner = groups | _group_names(call.args) if call.name == "group" else groups
        yield from _gemfile(call.block.body, {**inherited, **_block_options(call)}, inner, unread, constants)
    elif not _setting(call):
        raise _refused(node)


def _constant(node: Node, constants: dict[str, Lit]) -> bool:
    """A constant set to a literal version string (`RAILS_VERSION = "~> 7.1.3".freeze`), recorded in
    `constants` for the gems below that name it; a constant set twice, or to anything else, is not one."""
    if node.type != "assignment":
        return False
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None or left.type != "constant":
        return False
    found = ruby.value(right)
    name = ruby.text(left)
    if not (isinstance(found, Lit) and found.kind == "string" and not found.dynamic) or name in constants:
        return False
    constants[name] = found
    return True


def _branches(node: Node) -> list[tuple[Node, ...]] | None:
    """The statements of each branch of an `if` or `unless` (a block or a modifier) whose conditions only
    compute a value (`if RUBY_PLATFORM.include?("mingw")`, `unless ENV["CI"]`); None for anything else."""
    if node.type not in ("if", "unless", "elsif", "else", "if_modifier", "unless_modifier"):
        return None
    if node.type == "else":
        return [tuple(ruby.children(node))]
    condition = node.child_by_field_name("condition")
    if condition is None or not _inert(condition):
        return None
    if node.type.endswith("_modifier"):  # `gem "x" if ENV["X"]`
        body = node.child_by_field_name("body")
        return [(body,)] if body is not None else []
    consequence = node.child_by_field_name("consequence")
    found = [tuple(ruby.children(consequence))] if consequence is not None else []
    alternative = node.child_by_field_name("alternative")
    if alternative is not None:
        rest = _branches(alternative)
        if rest is None:
            return None
        found += rest
    return found


def _setting(call: Call) -> bool:
    """A statement that declares no gem: `source`, `ruby`, `gemspec`, `plugin`, `git_source`."""
    if call.name == "git_source" and call.block is not None:
        names = frozenset(call.block.params)
        return _arguments_are(call, ruby.is_literal) and all(_inert(s, names) for s in call.block.body)
    return call.name in _SETTINGS and call.block is None and _arguments_are(call, _inert)


def _refused(node: Node) -> Unaccounted:
    return Unaccounted(f"`{ruby.snippet(node)}` may declare gems the reader cannot see: only plain gem,"
                       " source, ruby, gemspec, plugin and git_source statements, blocks of them, if/unless"
                       " on constants and ENV, and constants set once to a version string are read", ruby.line(node))


def _block_options(call: Call) -> dict[str, Value]:
    """What a `path`, `git` or `github` block gives the gems in it."""
    if call.name in ("path", "git", "github") and call.args:
        return {call.name: call.args[0], **call.kwargs}
    return {}


def _group_names(values: Sequence[Value]) -> frozenset[str]:
    """The groups named by literal symbols or strings; a computed one is named "?" (not dev or test)."""
    names: set[str] = set()
    for value in values:
        if isinstance(value, list):
            names |= _group_names(value)
        else:
            names.add(str(value.value) if isinstance(value, Lit) and not value.dynamic else "?")
    return frozenset(names)


def _scope(groups: frozenset[str]) -> str:
    if groups and groups <= _TEST_GROUPS:
        return TEST
    if groups and groups <= _DEV_GROUPS | _TEST_GROUPS:
        return DEV
    return RUNTIME


def _gem(
    call: Call, inherited: Mapping[str, Value], groups: frozenset[str], constants: Mapping[str, Lit]
) -> Requirement | None:
    name = _name(call)
    for key, option in call.kwargs.items():
        if not (ruby.is_literal(option) if key in _IDENTITY else _inert(option)):
            raise Unaccounted(f"the {key}: option of gem {name} is computed in Ruby", call.line)
    options = {**inherited, **call.kwargs}
    if "path" in options:
        return None  # the project's own gem
    constraint = ", ".join(" ".join(v.split()) for v in _versions(call, name, constants))
    source = next((f"{k}: {_text(options[k])}" for k in _SOURCE_KEYS if k in options), None)
    if source is not None:
        ref = next((_text(options[k]) for k in _REF_KEYS if k in options), "")
        constraint = f"@ {public_url(source)}" + (f"#{ref}" if ref else "") + (f" {constraint}" if constraint else "")
    named = [call.kwargs[k] for k in ("group", "groups") if k in call.kwargs]
    return Requirement(name, constraint, call.line,
                       scope=tools.scope("gem", name, _scope(groups | _group_names(named))))


def _name(call: Call) -> str:
    first = call.args[0] if call.args else None
    if not (isinstance(first, Lit) and first.kind == "string" and not first.dynamic and first.value):
        raise Unaccounted(f"a {call.name} statement should start with the gem's name as a string", call.line)
    return str(first.value)


def _versions(call: Call, name: str, constants: Mapping[str, Lit]) -> list[str]:
    found: list[str] = []
    for argument in call.args[1:]:
        for item in argument if isinstance(argument, list) else [argument]:
            if isinstance(item, Expr) and item.node.type == "constant":
                item = constants.get(ruby.text(item.node), item)
            if not (isinstance(item, Lit) and item.kind == "string" and not item.dynamic):
                raise Unaccounted(f"the version requirements of gem {name} are computed in Ruby", call.line)
            found.append(str(item.value))
    return found


def _text(value: Value) -> str:
    return str(value.value) if isinstance(value, Lit) else ""


def _arguments_are(call: Call, check: Callable[[Value], bool]) -> bool:
    return all(check(a) for a in (*call.args, *call.kwargs.values()))


def _inert(value: Value | Node, names: frozenset[str] = frozenset()) -> bool:
    """Whether evaluating it can only compute a value: literals, constants, `ENV[...]`, operators
    and read-only methods; a lambda of such. Any other call could declare a gem."""
    if isinstance(value, list):
        return all(_inert(v, names) for v in value)
    if isinstance(value, dict):
        return all(_inert(v, names) for v in value.values())
    if isinstance(value, Lit):
        return True
    node = value.node if isinstance(value, Expr) else value
    for inner in ruby.descendants(node):
        kind = inner.type
        if kind == "identifier":
            parent = inner.parent
            is_method = parent is not None and parent.type == "call" and (
                parent.child_by_field_name("method") == inner
            )
            if not (is_method or ruby.text(inner) in names):
                return False
        elif kind == "call":
            method = inner.child_by_field_name("method")
            if method is None or ruby.text(method) not in _READ_ONLY or inner.child_by_field_name("block"):
                return False
            if inner.child_by_field_name("receiver") is None:
                return False
        elif kind not in _INERT and not (kind == "assignment" and _assigns_a_name(inner, names)):
            return False
    return True


def _assigns_a_name(node: Node, names: frozenset[str]) -> bool:
    left = node.child_by_field_name("left")
    return left is not None and left.type == "identifier" and ruby.text(left) in names


def _gemspec(root: Node) -> list[Requirement]:
    found: list[Requirement] = []
    read: set[int] = set()
    for statement in ruby.statements(root):
        call = ruby.call(statement)
        if call is None or call.name != "new" or call.receiver[-2:] != ("Gem", "Specification") or (
            call.block is None or not call.block.params
        ):
            continue
        for node in call.block.body:
            inner = ruby.call(node)
            if inner is not None and inner.name in _DEPENDENCY and inner.receiver == call.block.params[:1]:
                if inner.kwargs or inner.block is not None:
                    raise Unaccounted(f"`{ruby.snippet(node)}` is not a plain dependency", inner.line)
                name = _name(inner)
                found.append(Requirement(name, ", ".join(" ".join(v.split()) for v in _versions(inner, name, {})),
                                         inner.line,
                                         scope=DEV if inner.name == "add_development_dependency" else RUNTIME))
                read.add(node.id)
    for node in ruby.descendants(root, frozenset(read)):
        if node.type == "identifier" and ruby.text(node) in _GEMSPEC_HIDDEN:
            raise Unaccounted(f"`{ruby.snippet(node.parent or node)}` may add dependencies the reader cannot"
                              " see: only plain add_dependency statements of the specification are read",
                              ruby.line(node))
    return found


def _comparators(constraint: str) -> list[str]:
    """Comma-separated comparators; a bare version is an exact `=` one."""
    result = []
    for part in constraint.split(","):
        match = re.match(r"^\s*(~>|>=|<=|!=|=|>|<)?\s*(\S.*?)\s*$", part)
        if match is not None:
            result.append(f"{match.group(1) or '='} {match.group(2)}")
    return result


# `"= 1.0"` is `"1.0"`; the order of a gem's comparators does not matter.
lowest, canonical, ceiling = semver.comparator_lists(_comparators, "gem")
