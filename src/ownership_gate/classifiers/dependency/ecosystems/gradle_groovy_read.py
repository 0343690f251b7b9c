"""Reading Gradle's Groovy build scripts with tree-sitter's Groovy grammar (which files: gradle.py).

What is read, the scopes and the subjects are those of the Kotlin DSL
(gradle_read.py): `plugins { id 'x' version '1' }`, `dependencies { }` with
string coordinates (`implementation 'g:n:1'`), map notation (`implementation
group: 'g', name: 'n', version: '1'`), `platform(...)` and
`enforcedPlatform(...)`, and `buildscript`'s `classpath` as build. Versions
naming a string of the same file (`def v = '1'`, `ext.v = '1'`, `ext { v =
'1' }`, a map's entry `versions.v`) are resolved.

The grammar reads few real build scripts without an error: it stumbles on
task declarations (`task x(type: Test) {`), closures with `->`, and calls
written without parentheses whose arguments are property chains
(`implementation libs.x`) or run on over several lines; and its error
recovery can swallow a whole block before the error. So each `plugins` and
`dependencies` block is cut from the text and read on its own, its calls
without parentheses (Groovy's command expressions) given them first, on the
same lines. Errors elsewhere in the file are tolerated. A file is refused
when what it declares could be lost: its braces do not pair, a string in a
block is left open, a block does not read as one, or a statement of a block
that does not read names a package (coordinates, `group:`, a plugin's `id`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import tree_sitter

from ownership_gate.classifiers.dependency.ecosystems.base import BUILD, ManifestError, Requirement
from ownership_gate.classifiers.dependency.ecosystems.gradle_read import (
    configuration_scope,
    plugin_scope,
    raw,
    resolved,
)
from ownership_gate.formats import treesitter

_CALLS = frozenset({"method_invocation", "juxt_function_call"})
_STRINGS = frozenset({"string_literal", "character_literal"})
_BOMS = frozenset({"platform", "enforcedPlatform"})
_COMMENTS = frozenset({"comment", "line_comment", "block_comment"})
# A comment, or a string (one left open ends with its line, a triple-quoted one with the file).
_LITERAL = re.compile(
    r"//[^\n]*"
    r"|/\*.*?(?:\*/|\Z)"
    r"|'''.*?(?:'''|\Z)"
    r'|""".*?(?:"""|\Z)'
    r"|'(?:\\.|[^'\\\n])*'?"
    r'|"(?:\\.|[^"\\\n])*"?',
    re.DOTALL,
)
_VISIBLE = re.compile(r"[^\n]")
# Where a block opens, in the text with comments and the insides of strings blanked.
_BLOCK = re.compile(r"(?:^|(?<=[{;]))[ \t]*(plugins|dependencies|buildscript|ext)[ \t]*\{", re.MULTILINE)
# A statement that may give a name a value: `def v =`, `String v =`, `ext.v =`, `ext['v'] =`, `ext.set(`.
_ASSIGNMENT = re.compile(
    r"^[ \t]*(?:(?:def|[A-Z]\w*)[ \t]+\w+[ \t]*=|(?:(?:rootProject|project)\.)?ext[ \t]*[.\[])", re.MULTILINE)
# A statement that is a call without parentheses: a name, blanks, then its first argument.
_COMMAND = re.compile(r"[ \t]*([A-Za-z_]\w*)[ \t]+(?=[\w'\"\[(])")
# `id("x")` in a plugins block: its parentheses, which leave the grammar unable to read a `version` after it.
_PLUGIN_ID = re.compile(r"^[ \t]*id[ \t]*(\()[ \t]*(['\"]) *\2[ \t]*(\))(?=[ \t]+version\b)", re.MULTILINE)
# Map keys the grammar takes for keywords of Java's (`exclude(module: 'x')`); renamed, as no key read is one.
_KEYS = re.compile(r"\b(?:module|open|with|record|sealed|yield)(?=[ \t]*:(?!:))")
_KEYWORDS = frozenset({"if", "else", "for", "while", "switch", "case", "return", "def", "new", "throw", "assert",
                       "var", "final", "static", "try", "catch", "do", "in", "instanceof", "import"})
# A line that names a package: coordinates in a string, map notation, or a plugin.
_DECLARATION = re.compile(r"""['"][\w.-]+:[\w.$-]|group\s*:|^\s*id\b""")
# `${versions.spring}`, `$rootProject.ext.spring`: a name with dots, in a string.
_DOTTED = re.compile(r"\$\{\s*([A-Za-z_]\w*(?:\.\w+)+)\s*\}|\$([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)")
_OWNERS = re.compile(r"^(?:(?:rootProject|project)\.)?(?:ext\.)?")


def parse(text: str, path: str) -> list[Requirement]:
    masked, unclosed = _masked(text)
    blocks = _blocks(masked)
    values = _values(text, masked, blocks)
    found: list[Requirement] = []
    for block in blocks:
        if block.name not in ("plugins", "dependencies"):
            continue
        opened = next((at for at in unclosed if block.start < at < block.end), None)
        if opened is not None:
            raise ManifestError(f"a string in the {block.name} block is not closed", text.count("\n", 0, opened) + 1)
        written, shown = text[block.start:block.end + 1], masked[block.start:block.end + 1]
        if block.name == "plugins":
            found.extend(_plugins(_closure_of(_plugin_ids(written, shown), block), values))
        else:
            classpath = any(b.name == "buildscript" and b.start < block.start < b.end for b in blocks)
            found.extend(_dependencies(_closure_of(_commands(written, shown), block), values, classpath))
    return found


class _Block(NamedTuple):
    name: str
    start: int  # where its name starts
    end: int  # its closing brace
    line: int


def _blocks(masked: str) -> list[_Block]:
    closing = _braces(masked)
    found = []
    for match in _BLOCK.finditer(masked):
        name, start = match.group(1), match.start(1)
        found.append(_Block(name, start, closing[match.end() - 1], masked.count("\n", 0, start) + 1))
    return found


def _masked(text: str) -> tuple[str, list[int]]:
    """The text with comments and the insides of strings blanked, the same length and lines, so that the
    braces, parentheses and words found in it are code; and where each string left open on its line starts."""
    unclosed: list[int] = []

    def blank(match: re.Match[str]) -> str:
        found = match.group(0)
        if found.startswith("/"):
            return _VISIBLE.sub(" ", found)
        quote = found[:3] if found[:3] in ("'''", '"""') else found[0]
        closed = len(found) >= 2 * len(quote) and found.endswith(quote)
        if not closed:
            unclosed.append(match.start())
        inside = found[len(quote):len(found) - len(quote) if closed else len(found)]
        return quote + _VISIBLE.sub(" ", inside) + (quote if closed else "")

    return _LITERAL.sub(blank, text), unclosed


def _braces(masked: str) -> dict[int, int]:
    """Where each brace of the code closes; a file whose braces do not pair is refused, as Gradle refuses it."""
    closing: dict[int, int] = {}
    opened: list[int] = []
    for brace in re.finditer(r"[{}]", masked):
        if brace.group() == "{":
            opened.append(brace.start())
        elif opened:
            closing[opened.pop()] = brace.start()
        else:
            raise ManifestError("a brace is closed that was never opened", masked.count("\n", 0, brace.start()) + 1)
    if opened:
        raise ManifestError("a brace is opened that is never closed", masked.count("\n", 0, opened[-1]) + 1)
    return closing


def _commands(text: str, masked: str) -> str:
    """The block with each of its own statements that is a call without parentheses (`implementation 'g:n:1'`,
    `api libs.x,` and more arguments on the lines after) written with them, on the same lines."""
    chars = list(text)
    for key in _KEYS.finditer(masked):
        chars[key.start()] = "_"
    lines, shown = "".join(chars).split("\n"), masked.split("\n")
    depth = row = 0
    while row < len(lines):
        command = _COMMAND.match(shown[row]) if depth == 1 else None
        last = _last_line(shown, row) if command is not None else row
        if command is not None and command.group(1) not in _KEYWORDS and "=" not in shown[row].replace("==", ""):
            _parenthesise(lines, shown, row, last, command.end(1))
        depth += sum(shown[index].count("{") - shown[index].count("}") for index in range(row, last + 1))
        row = last + 1
    return "\n".join(lines)


def _plugin_ids(text: str, masked: str) -> str:
    """The plugins block with `id("x") version "1"` written `id "x"  version "1"`, as the grammar reads it."""
    chars = list(text)
    for match in _PLUGIN_ID.finditer(masked):
        chars[match.start(1)] = chars[match.start(3)] = " "
    return "".join(chars)


def _last_line(shown: list[str], first: int) -> int:
    """The line a statement ends on: the arguments go on while brackets are open or a line ends with a comma."""
    last, nesting = first, 0
    while True:
        nesting += sum(shown[last].count(c) for c in "([") - sum(shown[last].count(c) for c in ")]")
        if last + 1 >= len(shown) or not (nesting > 0 or shown[last].rstrip().endswith(",")):
            return last
        last += 1


def _parenthesise(lines: list[str], shown: list[str], first: int, last: int, name_end: int) -> None:
    """`api 'g:n:1'` as `api('g:n:1')`, `api group: 'g', name: 'n', {` as `api(group: 'g', name: 'n') {`, and
    `api ('g:n:1')` as `api('g:n:1')`."""
    arguments = lines[first][name_end:].lstrip()
    if arguments.startswith("("):
        lines[first] = lines[first][:name_end] + arguments
        return
    code = shown[last].rstrip()
    closure = code.endswith("{")  # a closure after the arguments, perhaps after a comma
    written = code[:-1].rstrip() if closure else code
    end = len(written) - 1 if closure and written.endswith(",") else len(written)
    lines[last] = lines[last][:end] + ")" + (" " + lines[last][len(code) - 1:] if closure else lines[last][end:])
    lines[first] = lines[first][:name_end] + "(" + lines[first][name_end:].lstrip()


def _closure_of(written: str, block: _Block) -> tree_sitter.Node:
    """The closure of a block read on its own, refused when the block or a declaration in it does not read."""
    source = "\n" * (block.line - 1) + written
    root = treesitter.parse("groovy", source.encode("utf-8")).root_node
    call = next((n for n in treesitter.walk(root) if _called(n) == block.name), None)
    closure = _closure(call) if call is not None and treesitter.line(call) == block.line else None
    if closure is None:
        raise ManifestError(f"the {block.name} block does not read as Groovy", block.line)
    lines = source.split("\n")
    for statement in closure.children:
        if not (statement.has_error or statement.is_missing):
            continue
        for row in range(statement.start_point.row, statement.end_point.row + 1):
            if _DECLARATION.search(lines[row]):
                raise ManifestError(f"a declaration in the {block.name} block does not read as Groovy", row + 1)
    return closure


def _values(text: str, masked: str, blocks: list[_Block]) -> dict[str, str]:
    """Strings the file names: `def name = '1.0'`, `ext.name = '1.0'`, `ext['name'] = '1.0'`, `ext.set('name',
    '1.0')`, `name = '1.0'` or `set('name', '1.0')` in an `ext { }` block, and a map's entries as `name.key`.
    Each statement is read on its own, so that an error elsewhere in the file loses none of them."""
    sources = ["\n" * (b.line - 1) + text[b.start:b.end + 1] for b in blocks if b.name == "ext"]
    lines, shown = text.split("\n"), masked.split("\n")
    for match in _ASSIGNMENT.finditer(masked):
        first = masked.count("\n", 0, match.start())
        sources.append("\n" * first + "\n".join(lines[first:_last_line(shown, first) + 1]))
    values: dict[str, str] = {}
    for source in sources:
        for node in treesitter.walk(treesitter.parse("groovy", source.encode("utf-8")).root_node):
            _value_in(node, values)
    return values


def _value_in(node: tree_sitter.Node, values: dict[str, str]) -> None:
    parts = node.named_children
    if node.type == "variable_declarator" and len(parts) == 2:
        _value_of(treesitter.text(parts[0]), parts[1], values)
    elif node.type == "assignment_expression" and len(parts) == 2:
        name = _extra(parts[0], node)
        if name is not None:
            _value_of(name, parts[1], values)
    elif node.type == "method_invocation" and parts and parts[-1].type == "argument_list":
        called = [treesitter.text(c) for c in parts[:-1]]
        arguments = parts[-1].named_children
        if called[-1:] == ["set"] and len(arguments) == 2 and arguments[0].type in _STRINGS and (
                called[:-1] == ["ext"] or (len(called) == 1 and _inside(node, "ext"))):
            _value_of(raw(arguments[0]), arguments[1], values)


def _value_of(name: str, value: tree_sitter.Node, values: dict[str, str]) -> None:
    """Record a string (with the names set before it put in) or a map of strings, as `name` or `name.key`."""
    if value.type in _STRINGS:
        values[name] = _value(value, values) or ""
    elif value.type == "map_literal":
        for item in value.named_children:
            if item.type != "map_item" or len(item.named_children) != 2:
                continue
            key, entry = item.named_children
            if entry.type in _STRINGS:
                label = raw(key) if key.type in _STRINGS else treesitter.text(key)
                values[f"{name}.{label}"] = _value(entry, values) or ""


def _extra(target: tree_sitter.Node, assignment: tree_sitter.Node) -> str | None:
    """The name an assignment gives an extra property or a variable, if it is one."""
    parts = target.named_children
    if target.type == "identifier":
        return treesitter.text(target) if _inside(assignment, "ext") else None
    if target.type == "field_access" and len(parts) == 2 and treesitter.text(parts[0]).split(".")[-1] == "ext":
        return treesitter.text(parts[1])
    if target.type == "array_access" and len(parts) == 2 and treesitter.text(parts[0]) == "ext" and (
            parts[1].type in _STRINGS):
        return raw(parts[1])
    return None


def _value(node: tree_sitter.Node, values: dict[str, str]) -> str | None:
    """A string with the file's names put in, or the value of a name (`v`, `versions.v`); None for anything else."""
    if node.type in _STRINGS:
        def dotted(match: re.Match[str]) -> str:
            return values.get(_OWNERS.sub("", match.group(1) or match.group(2)), match.group(0))

        return resolved(_DOTTED.sub(dotted, raw(node)), values)
    if node.type in ("identifier", "field_access"):
        name = treesitter.text(node)
        return values.get(_OWNERS.sub("", name), f"${name}")
    return None


def _called(call: tree_sitter.Node) -> str | None:
    """The name a call calls when it is a plain name (`dependencies { }`, `implementation 'g:n:1'`), not a method
    of something (`ext.set(...)`)."""
    if call.type not in _CALLS or len(call.named_children) < 2:
        return None
    callee, after = call.named_children[:2]
    if callee.type != "identifier" or after.type not in ("argument_list", "closure"):
        return None
    return treesitter.text(callee)


def _closure(call: tree_sitter.Node) -> tree_sitter.Node | None:
    return next((c for c in call.named_children if c.type == "closure"), None)


def _arguments(call: tree_sitter.Node) -> list[tree_sitter.Node]:
    arguments = next((c for c in call.named_children if c.type == "argument_list"), None)
    return list(arguments.named_children) if arguments is not None else []


def _inside(node: tree_sitter.Node, name: str) -> bool:
    parent = node.parent
    while parent is not None:
        if _called(parent) == name and _closure(parent) is not None:
            return True
        parent = parent.parent
    return False


def _statements(block: tree_sitter.Node) -> list[tree_sitter.Node]:
    found = []
    for statement in block.named_children:
        if statement.type == "expression_statement" and statement.named_children:
            statement = statement.named_children[0]
        if statement.type not in _COMMENTS:
            found.append(statement)
    return found


def _dependencies(block: tree_sitter.Node, values: dict[str, str], classpath: bool) -> list[Requirement]:
    found: list[Requirement] = []
    for call in _statements(block):
        configuration = _called(call)
        arguments = _arguments(call)
        if configuration is None or not arguments:
            continue
        scope = BUILD if classpath else configuration_scope(configuration)
        line = treesitter.line(call)
        named = {treesitter.text(a.named_children[0]): a.named_children[1]
                 for a in arguments if a.type == "map_item" and len(a.named_children) == 2}
        if named:
            group, name = (_value(named[k], values) if k in named else None for k in ("group", "name"))
            if group and name:
                written = named.get("version")
                version = "" if written is None else _value(written, values) or treesitter.text(written)
                found.append(Requirement(f"{group}:{name}", version, line, scope=scope))
            continue
        for argument in arguments:
            coordinates = _coordinates(argument, values)
            if coordinates is not None:
                found.append(Requirement(coordinates[0], coordinates[1], line, scope=scope))
    return found


def _coordinates(argument: tree_sitter.Node, values: dict[str, str]) -> tuple[str, str] | None:
    """`group:name` and the version of a string argument or of `platform('...')`; None for `project(':x')`,
    `files(...)`, `libs.x`."""
    while argument.type == "parenthesized_expression" and argument.named_children:
        argument = argument.named_children[0]
    if _called(argument) in _BOMS:
        inner = _arguments(argument)
        argument = inner[0] if inner else argument
    if argument.type not in _STRINGS:
        return None
    parts = (_value(argument, values) or "").split(":")
    if len(parts) < 2 or not all(parts[:2]):
        return None
    version = parts[2] if len(parts) > 2 else ""
    return f"{parts[0]}:{parts[1]}", version.split("@")[0]


def _plugins(block: tree_sitter.Node, values: dict[str, str]) -> list[Requirement]:
    """`id 'x' version '1'`, which the grammar reads as two calls side by side, and `id('x').version('1')`."""
    found: list[Requirement] = []
    statements = _statements(block)
    for index, statement in enumerate(statements):
        parts = statement.named_children
        if statement.type == "method_invocation" and len(parts) == 3 and treesitter.text(parts[1]) == "version":
            plugin, versions = parts[0], parts[2].named_children
        elif index + 1 < len(statements) and _called(statements[index + 1]) == "version" and (
                statements[index + 1].start_point.row == statement.end_point.row):
            plugin, versions = statement, _arguments(statements[index + 1])
        else:
            continue
        named = _arguments(plugin)
        if _called(plugin) != "id" or len(named) != 1 or named[0].type not in _STRINGS or len(versions) != 1:
            continue
        name, version = raw(named[0]), versions[0]
        constraint = _value(version, values)
        found.append(Requirement(name, treesitter.text(version) if constraint is None else constraint,
                                 treesitter.line(plugin), scope=plugin_scope(name)))
    return found
