"""Reading sbt builds with tree-sitter's Scala grammar (which files: sbt.py).

Scopes come from the configuration a module is put in: `% Test`, `% "test"`,
`% IntegrationTest` and `% "it"` (and mappings that name only those,
`"it,test"`, `"test->test"`) are test; `Compile`, `Runtime`, `Optional` and
`Provided` are runtime, as Maven's `provided` is (it reaches the server the
application runs on); compiler plugins (`addCompilerPlugin(...)`,
`compilerPlugin(...)`, `% "plugin->default(compile)"`) are build. A module
bound to a `val` and put in no configuration there takes those of the
val's uses in the same file (`scalaTest % Test`, `testDeps.map(_ % Test)`),
the widest of them; one the file never uses (a `val` of
`project/Dependencies.scala`, used from `build.sbt`) is runtime.
`addSbtPlugin(...)`, whatever an `*.sbt` file in `project/` requires (the
build's own build) and `sbt.version` are build, except plugins whose version
is that of the framework production runs on (Play's, Lagom's, Scala.js' and
Scala Native's), which are runtime, as `scalaVersion` and
`crossScalaVersions` are.

A module whose version reads another setting (`version.value`: the project's
own modules; `scalaVersion.value`: Scala's own, read as `scala`) requires
nothing of its own. Modules written for settings that require nothing
(`libraryDependencySchemes`, `excludeDependencies`, `mimaPreviousArtifacts`)
and those taken away (`libraryDependencies -= ...`) are not read. A version
that names a `val` the file does not bind to a string stays the name as
written, so a change of it is still a change.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

import tree_sitter

from ownership_gate.classifiers.dependency.ecosystems.base import (
    BUILD,
    RUNTIME,
    TEST,
    ManifestError,
    Release,
    Requirement,
    named_scope,
    widest,
)
from ownership_gate.classifiers.dependency.versions.ranges import interval_lowest
from ownership_gate.formats import treesitter

_MODULE_OPERATORS = frozenset({"%", "%%", "%%%"})
_SETTING_OPERATORS = frozenset({":=", "+=", "++=", "-=", "--=", "~="})
_REMOVING = frozenset({"-=", "--="})
_NOT_REQUIRED = frozenset({"libraryDependencySchemes", "excludeDependencies", "mimaPreviousArtifacts"})
_SCALA_KEYS = frozenset({"scalaVersion", "crossScalaVersions"})
# The names a `project/*.scala` file keeps the build's Scala version under, and what a Scala release looks like.
_SCALA_VALS = ("scala", "scalaVersion")
_SCALA_RELEASE = re.compile(r"^[23]\.\d+\.\d+")
_COLLECTIONS = frozenset({"Seq", "List", "Set", "Vector", "Array"})
_CONCATENATIONS = frozenset({"++", ":+", "+:", "::", ":::"})
_PLUGIN_CALL = "addSbtPlugin"
_BUILD_CALLS = frozenset({_PLUGIN_CALL, "addCompilerPlugin", "compilerPlugin"})
# Plugins whose version is that of the framework or runtime the application ships with.
_RUNTIME_PLUGINS = frozenset({
    "com.typesafe.play:sbt-plugin", "org.playframework:sbt-plugin", "com.lightbend.lagom:lagom-sbt-plugin",
    "org.scala-js:sbt-scalajs", "org.scala-native:sbt-scala-native",
})
_TEST_CONFIGURATIONS = frozenset({"test", "it", "integrationtest"})
_BUILD_CONFIGURATIONS = frozenset({"plugin", "compilerplugin", "scala-tool", "scalatool"})
# Reading another setting's value (`version.value`): no version of the module's own.
_SETTING_READS = frozenset({"value", "evaluated", "taskValue"})
# The Scala binary version sbt appends for `%%` (`_2.13`, `_3`, Scala.js' `_sjs1_2.13`), or written out.
_SCALA_SUFFIX = re.compile(r"_(?:(?:sjs|native)[\d.]+_)?(?:2\.1\d|3)(?:\.\d+){0,2}$")
_INTERPOLATION = re.compile(r"\$\{\s*([A-Za-z_][\w.]*)\s*\}|\$([A-Za-z_]\w*)")
_SBT_VERSION = re.compile(r"^\s*sbt\.version\s*[=:\s]\s*(\S+)")
_DEFINITIONS = frozenset({"val_definition", "var_definition"})
# What a `val` may be bound to that is a string once other `val`s are known.
_DERIVED = frozenset({
    "identifier", "field_expression", "interpolated_string_expression", "infix_expression",
    "parenthesized_expression",
})
_SCOPES = frozenset({"object_definition", "class_definition", "trait_definition"})


def lowest(constraint: str) -> Release | None:
    return interval_lowest(constraint)


def parse(text: str, path: str) -> list[Requirement]:
    name = posixpath.basename(path)
    if name == "build.properties":
        return _properties(text)
    tree = treesitter.parse("scala", text.encode("utf-8"))
    root = tree.root_node
    if treesitter.has_errors(root):
        raise ManifestError("not an sbt build that reads as Scala", treesitter.error_line(root))
    meta = name.endswith(".sbt") and posixpath.basename(posixpath.dirname(path)) == "project"
    build = _Build(root, meta)
    found = build.requirements()
    if name.endswith(".scala") and not any(r.name == "scala" for r in found):
        found += build.scala_kept()
    return found


def _properties(text: str) -> list[Requirement]:
    """`sbt.version=1.9.9`: the sbt release that builds the project."""
    for number, line in enumerate(text.splitlines(), 1):
        match = _SBT_VERSION.match(line)
        if match is not None:
            return [Requirement("sbt", match.group(1), number, scope=BUILD)]
    return []


class _Build:
    """One build file: its `val`s bound to strings, and the modules and Scala versions it requires."""

    def __init__(self, root: tree_sitter.Node, meta: bool) -> None:
        self.root = root
        self.meta = meta  # an `*.sbt` file of `project/`: everything it requires builds the build
        self.definitions: list[tuple[str, tree_sitter.Node]] = []  # qualified name, definition
        self.infixes: list[tree_sitter.Node] = []
        for node in treesitter.walk(root):
            if node.type in _DEFINITIONS:
                pattern = node.child_by_field_name("pattern")
                if pattern is not None and pattern.type == "identifier":
                    self.definitions.append((_qualified(node, treesitter.text(pattern).strip("`")), node))
            elif node.type == "infix_expression":
                self.infixes.append(node)
        self.strings: dict[str, list[tuple[str, str, int]]] = {}  # last name -> (qualified name, value, line)
        self._bind_strings()
        self._references: dict[str, list[tuple[str, tree_sitter.Node]]] | None = None

    def requirements(self) -> list[Requirement]:
        found: list[Requirement] = []
        for node in self.infixes:
            parts = _infix(node)
            if parts is None:
                continue
            left, operator, right = parts
            if operator in _MODULE_OPERATORS and _infix_operator(left) not in _MODULE_OPERATORS:
                requirement = self._module(node, left, right)
                if requirement is not None:
                    found.append(requirement)
            elif operator in (":=", "+=", "++=") and _key(left) in _SCALA_KEYS:
                scope = BUILD if self.meta else RUNTIME
                found.extend(Requirement("scala", version, line, scope=scope) for version, line in self._scala(right))
        return found

    def scala_kept(self) -> list[Requirement]:
        """A `project/*.scala` file's `val scala = "2.12.8"` (or `scalaVersion`), which the build's `*.sbt` files
        read as their Scala version (`scalaVersion := Settings.versions.scala`): the language, `runtime`."""
        return [Requirement("scala", value, line, scope=RUNTIME)
                for key in _SCALA_VALS for _, value, line in self.strings.get(key, ())
                if _SCALA_RELEASE.match(value)]

    def _bind_strings(self) -> None:
        """`val name = "literal"` (also one bound to another such val, or to an interpolation or concatenation
        of them), by qualified name."""
        pending = [(name, value, treesitter.line(d)) for name, d in self.definitions
                   if (value := d.child_by_field_name("value")) is not None]
        while pending:
            waiting = []
            for name, value, line in pending:
                literal = self._string(value)
                if literal is not None:
                    self.strings.setdefault(name.rsplit(".", 1)[-1], []).append((name, literal, line))
                elif value.type in _DERIVED:
                    waiting.append((name, value, line))
            if len(waiting) == len(pending):
                break
            pending = waiting

    def _string(self, node: tree_sitter.Node) -> str | None:
        """The string `node` is, when the file says which: a literal, a `val` bound to one, or an
        interpolation or a concatenation (`"v1-rev20220908-" + googleV`) of those."""
        if node.type == "string":
            return _raw(node)
        if node.type == "parenthesized_expression" and len(node.named_children) == 1:
            return self._string(node.named_children[0])
        parts = _infix(node)
        if parts is not None:
            left, right = (self._string(parts[0]), self._string(parts[2])) if parts[1] == "+" else (None, None)
            return None if left is None or right is None else left + right
        if node.type == "interpolated_string_expression":
            body = next((c for c in node.named_children if c.type == "interpolated_string"), None)
            if body is None:
                return None
            unresolved = False

            def value(match: re.Match[str]) -> str:
                nonlocal unresolved
                found = self._lookup(match.group(1) or match.group(2))
                unresolved = unresolved or found is None
                return match.group(0) if found is None else found[0]

            text = _INTERPOLATION.sub(value, _raw(body))
            return None if unresolved else text
        name = _dotted(node)
        found = self._lookup(name) if name is not None else None
        return found[0] if found is not None else None

    def _lookup(self, name: str) -> tuple[str, int] | None:
        """The string a `val` named `name` (`circe`, `Versions.circe`) is bound to, and its line; None when
        no `val` of the file is, or several with different strings are."""
        candidates = [(value, line) for qualified, value, line in self.strings.get(name.rsplit(".", 1)[-1], ())
                      if qualified == name or qualified.endswith("." + name)]
        return candidates[0] if candidates and len({value for value, _ in candidates}) == 1 else None

    def _version(self, node: tree_sitter.Node) -> tuple[str, int | None] | None:
        """A module's version as the file gives it, and the line of the `val` it comes from; None when it
        reads another setting (`version.value`) or is a function's parameter (`"org" % "name" % _`)."""
        if node.type == "wildcard":
            return None
        name = _dotted(node)
        if name is not None:
            if _SETTING_READS.intersection(name.split(".")):
                return None
            return self._lookup(name) or (name, None)
        literal = self._string(node)
        if literal is not None:
            return literal, None
        if node.type == "interpolated_string_expression":
            return _raw(node.named_children[-1]), None
        return " ".join(treesitter.text(node).split()), None

    def _module(
        self, core: tree_sitter.Node, organization: tree_sitter.Node, artifact: tree_sitter.Node
    ) -> Requirement | None:
        """`"org" %% "name" % "version"`, from its innermost part (`"org" %% "name"`)."""
        parent = core.parent
        versioned = _infix(parent) if parent is not None else None
        if parent is None or versioned is None or versioned[1] != "%" or not _same(versioned[0], core):
            return None  # an exclusion rule (`"org" % "name"`), or no module: `x % 2`
        group, name = self._string(organization), self._string(artifact)
        if group is None or name is None:
            return None
        version = self._version(versioned[2])
        setting = _setting(parent)
        if version is None or (setting is not None and (setting[1] in _REMOVING or setting[0] in _NOT_REQUIRED)):
            return None
        subject = f"{group}:{_SCALA_SUFFIX.sub('', name)}"
        constraint, line = version
        scope = self._scope(parent, subject)
        return Requirement(subject, " ".join(constraint.split()), line or treesitter.line(core), scope=scope)

    def _scope(self, module: tree_sitter.Node, subject: str) -> str:
        call = _building_call(module)
        if call == _PLUGIN_CALL:
            return RUNTIME if subject in _RUNTIME_PLUGINS else BUILD
        if call is not None or self.meta:
            return BUILD
        configuration, outer = _applied(module)
        if configuration is not None:
            return _configuration_scope(configuration)
        return widest(self._uses(outer, frozenset()))

    def _uses(self, expression: tree_sitter.Node, seen: frozenset[str]) -> list[str]:
        """The scopes the file's uses of the `val` bound to `expression` put it in (runtime for a use
        in no configuration); [] when it is bound to none or the file never uses it."""
        definition = expression.parent
        if definition is None or definition.type not in _DEFINITIONS:
            return []
        pattern = definition.child_by_field_name("pattern")
        if pattern is None or pattern.type != "identifier":
            return []
        bound = _qualified(definition, treesitter.text(pattern).strip("`"))
        if bound in seen:
            return []
        scopes = []
        for name, use in self.references().get(bound.rsplit(".", 1)[-1], ()):
            if not (bound == name or bound.endswith("." + name)):
                continue
            if _building_call(use) is not None:
                scopes.append(BUILD)
                continue
            configuration, outer = _applied(use)
            if configuration is not None:
                scopes.append(_configuration_scope(configuration))
            else:
                scopes.append(widest(self._uses(outer, seen | {bound})))
        return scopes

    def references(self) -> dict[str, list[tuple[str, tree_sitter.Node]]]:
        """Every name the file uses (`scalaTest`, `Dependencies.scalaTest`), by its last part."""
        if self._references is None:
            self._references = {}
            for node in _names(self.root):
                name = _dotted(node)
                if name is not None:
                    self._references.setdefault(name.rsplit(".", 1)[-1], []).append((name, node))
        return self._references

    def _scala(self, value: tree_sitter.Node) -> Iterator[tuple[str, int]]:
        """The Scala versions a `scalaVersion :=` or `crossScalaVersions :=` sets: one, or a collection's."""
        values = [value]
        if value.type == "call_expression" and _callee(value) in _COLLECTIONS:
            arguments = value.child_by_field_name("arguments")
            values = list(arguments.named_children) if arguments is not None else []
        for node in values:
            version = self._version(node) if node.type in (
                "string", "interpolated_string_expression", "identifier", "field_expression") else None
            if version is not None:
                yield version[0], version[1] or treesitter.line(node)


def _raw(literal: tree_sitter.Node) -> str:
    text = treesitter.text(literal)
    quote = '"""' if text.startswith('"""') else '"'
    return text[len(quote):-len(quote)] if len(text) >= 2 * len(quote) else text


def _infix(node: tree_sitter.Node) -> tuple[tree_sitter.Node, str, tree_sitter.Node] | None:
    """(left, operator, right) of an infix expression."""
    if node.type != "infix_expression":
        return None
    left, operator, right = (node.child_by_field_name(f) for f in ("left", "operator", "right"))
    if left is None or operator is None or right is None:
        return None
    return left, treesitter.text(operator), right


def _infix_operator(node: tree_sitter.Node) -> str | None:
    parts = _infix(node)
    return parts[1] if parts is not None else None


def _dotted(node: tree_sitter.Node) -> str | None:
    """`name` or `Outer.Inner.name` when `node` is only names, else None."""
    if node.type == "identifier":
        return treesitter.text(node).strip("`")
    if node.type == "field_expression":
        value, field = node.child_by_field_name("value"), node.child_by_field_name("field")
        inner = _dotted(value) if value is not None else None
        if inner is not None and field is not None and field.type == "identifier":
            return f"{inner}.{treesitter.text(field).strip('`')}"
    return None


def _names(root: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """Every use of a name in the file, outermost first (`Deps.scalaTest`, not also `Deps`), less the
    names definitions and operators give."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in ("identifier", "field_expression") and _dotted(node) is not None:
            parent = node.parent
            if parent is None or not any(
                (child := parent.child_by_field_name(f)) is not None and child.id == node.id
                for f in ("pattern", "name", "operator", "field")
            ):
                yield node
            continue
        stack.extend(reversed(node.named_children))


def _qualified(definition: tree_sitter.Node, name: str) -> str:
    """`name` with the names of the objects, classes and traits around its definition."""
    parts = [name]
    parent = definition.parent
    while parent is not None:
        if parent.type in _SCOPES:
            owner = parent.child_by_field_name("name")
            if owner is not None:
                parts.append(treesitter.text(owner).strip("`"))
        parent = parent.parent
    return ".".join(reversed(parts))


def _key(node: tree_sitter.Node) -> str | None:
    """The setting a setting's left side names: `scalaVersion`, `ThisBuild / scalaVersion`,
    `scalaVersion in ThisBuild`, `(Compile / run / mainClass)`."""
    if node.type == "parenthesized_expression" and node.named_children:
        return _key(node.named_children[0])
    parts = _infix(node)
    if parts is not None:
        left, operator, right = parts
        return _key(right) if operator == "/" else _key(left) if operator == "in" else None
    name = _dotted(node)
    return name.rsplit(".", 1)[-1] if name is not None else None


def _setting(node: tree_sitter.Node) -> tuple[str | None, str] | None:
    """(key, operator) of the setting `node` is part of the value of, if any."""
    parent = node.parent
    while parent is not None:
        parts = _infix(parent)
        if parts is not None and parts[1] in _SETTING_OPERATORS:
            return _key(parts[0]), parts[1]
        parent = parent.parent
    return None


def _callee(call: tree_sitter.Node) -> str | None:
    function = call.child_by_field_name("function")
    return treesitter.text(function) if function is not None and function.type == "identifier" else None


def _building_call(node: tree_sitter.Node) -> str | None:
    """The call around `node` that adds it to the build rather than the application (`addSbtPlugin`)."""
    parent = node.parent
    while parent is not None:
        if parent.type == "call_expression" and _callee(parent) in _BUILD_CALLS:
            return _callee(parent)
        parent = parent.parent
    return None


def _same(a: tree_sitter.Node | None, b: tree_sitter.Node) -> bool:
    return a is not None and a.id == b.id


def _applied(node: tree_sitter.Node) -> tuple[tree_sitter.Node | None, tree_sitter.Node]:
    """The configuration what surrounds `node` puts it in (`% Test`; `Seq(...).map(_ % Test)`), and the
    outermost expression that still stands for it (its `.exclude(...)`, the collection it is in)."""
    while (parent := node.parent) is not None:
        if parent.type == "parenthesized_expression":
            node = parent
            continue
        parts = _infix(parent)
        if parts is not None:
            left, operator, right = parts
            if operator == "%" and _same(left, node):
                return right, parent
            alphanumeric = operator[:1].isalpha()  # `exclude`, `cross`, `classifier`, `withSources`
            if operator in _CONCATENATIONS or (alphanumeric and _same(left, node)):
                node = parent
                continue
            return None, node
        if parent.type == "field_expression" and _same(parent.child_by_field_name("value"), node):
            call = parent.parent
            if call is not None and call.type == "call_expression" and _same(call.child_by_field_name("function"),
                                                                               parent):
                field = parent.child_by_field_name("field")
                configuration = _mapped(call) if field is not None and treesitter.text(field) == "map" else None
                if configuration is not None:
                    return configuration, call
                node = call
            else:
                node = parent
            continue
        call = parent.parent
        if parent.type == "arguments" and call is not None and call.type == "call_expression" and (
            _callee(call) in _COLLECTIONS
        ):
            node = call
            continue
        return None, node
    return None, node


def _mapped(call: tree_sitter.Node) -> tree_sitter.Node | None:
    """The configuration of `.map(_ % Test)`."""
    arguments = call.child_by_field_name("arguments")
    inner = arguments.named_children if arguments is not None else []
    parts = _infix(inner[0]) if len(inner) == 1 else None
    if parts is None or parts[0].type != "wildcard" or parts[1] != "%":
        return None
    return parts[2]


def _configuration_scope(node: tree_sitter.Node) -> str:
    """`Test`, `"test"`, `"it,test"`, `"compile->compile;test->test"`, `Configurations.Provided`."""
    name = _dotted(node)
    text = name.rsplit(".", 1)[-1] if name is not None else _raw(node) if node.type == "string" else (
        treesitter.text(node))
    scopes = []
    for mapping in re.split(r"[,;]", text):
        configuration = mapping.split("->")[0].strip().lower()
        if configuration in _TEST_CONFIGURATIONS:
            scopes.append(TEST)
        elif configuration in _BUILD_CONFIGURATIONS:
            scopes.append(BUILD)
        else:
            scopes.append(named_scope(configuration, RUNTIME))
    return widest(scopes)
