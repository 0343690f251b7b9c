"""Reading Gradle's Kotlin DSL with tree-sitter's Kotlin grammar (which files: gradle.py).

Scopes come from the configuration a dependency is declared in:
`implementation`, `api`, `runtimeOnly` and the old `compile` and `runtime`
are runtime; a configuration named for tests (`testImplementation`,
`integrationTestRuntimeOnly`, `testFixturesApi`) is test; one named for
development or linting (`developmentOnly`, `detekt`, `ktlint`) is dev;
`compileOnly`, annotation processors (`annotationProcessor`, `kapt`, `ksp`)
and `buildscript`'s `classpath` are build. Plugins are build, except those
that choose what production runs on: Spring Boot's (`org.springframework.boot`
and plugins whose id ends in `spring-boot`, which apply its version of every
Spring library), Kotlin's (`org.jetbrains.kotlin.*`, whose version is the
language and the standard library the application ships with), Quarkus'
and Micronaut's; those are runtime.
"""

from __future__ import annotations

import re

import tree_sitter

from ownership_gate.classifiers.dependency.ecosystems.base import (
    BUILD,
    DEV,
    RUNTIME,
    TEST,
    ManifestError,
    Release,
    Requirement,
)
from ownership_gate.classifiers.dependency.versions.ranges import interval_lowest
from ownership_gate.formats import treesitter

_RUNTIME_CONFIGURATIONS = frozenset({"implementation", "api", "runtimeOnly", "compile", "runtime"})
_BUILD_CONFIGURATIONS = frozenset({"compileOnly", "annotationProcessor", "kapt", "ksp", "classpath"})
_DEV_WORDS = re.compile(r"(?i)development|detekt|ktlint|lint|checkstyle|pmd|spotbugs")
_BOMS = frozenset({"platform", "enforcedPlatform"})
# Plugins whose version is that of the framework or language production runs on.
_RUNTIME_PLUGIN = re.compile(
    r"^(?:org\.springframework\.boot|[\w.-]*spring-boot|org\.jetbrains\.kotlin\.[\w.-]+|io\.quarkus"
    r"|io\.micronaut\.(?:application|library|minimal\.application))$"
)
_INTERPOLATION = re.compile(r"\$\{\s*([A-Za-z_]\w*)\s*\}|\$([A-Za-z_]\w*)")


def lowest(constraint: str) -> Release | None:
    return interval_lowest(constraint)


def parse(text: str, path: str) -> list[Requirement]:
    tree = treesitter.parse("kotlin", text.encode("utf-8"))
    root = tree.root_node
    if treesitter.has_errors(root):
        raise ManifestError("not a Kotlin build script that reads", treesitter.error_line(root))
    values = _values(root)
    found: list[Requirement] = []
    for node in treesitter.walk(root):
        if node.type != "call_expression":
            continue
        block = _called(node)
        if block == "plugins":
            found.extend(_plugins(_lambda(node), values))
        elif block == "dependencies":
            classpath = _inside(node, "buildscript")
            for call in _calls(_lambda(node)):
                requirement = _dependency(call, values, classpath)
                if requirement is not None:
                    found.append(requirement)
    return found


def _values(root: tree_sitter.Node) -> dict[str, str]:
    """`val name = "literal"` anywhere in the file, and `extra["name"] = "literal"`."""
    values: dict[str, str] = {}
    for node in treesitter.walk(root):
        if node.type == "property_declaration":
            name = next((c for c in node.named_children if c.type == "variable_declaration"), None)
            literal = node.named_children[-1] if node.named_children else None
            if name is not None and name.named_children and literal is not None and literal.type == "string_literal":
                values[treesitter.text(name.named_children[0])] = raw(literal)
        elif node.type == "assignment" and len(node.named_children) == 2:
            target, literal = node.named_children
            if target.type == "index_expression" and literal.type == "string_literal":
                keys = [c for c in target.named_children if c.type == "string_literal"]
                if keys and treesitter.text(target.named_children[0]) == "extra":
                    values[raw(keys[0])] = raw(literal)
    return values


def raw(literal: tree_sitter.Node) -> str:
    """A string literal's text without its quotes, single or tripled: Kotlin's double quotes, and Groovy's
    single quotes too."""
    text = treesitter.text(literal)
    quote = text[:3] if text[:3] in ('"""', "'''") else text[:1]
    return text[len(quote):-len(quote)] if len(text) >= 2 * len(quote) else text


def resolved(text: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return values.get(name, match.group(0))

    return _INTERPOLATION.sub(value, text)


def _called(call: tree_sitter.Node) -> str | None:
    """The name a call calls (`dependencies`, `"integrationTestImplementation"`), when it is a plain name."""
    callee = call.named_children[0] if call.named_children else None
    if callee is None:
        return None
    if callee.type == "identifier":
        return treesitter.text(callee).strip("`")
    if callee.type == "string_literal":
        return raw(callee)
    return None


def _lambda(call: tree_sitter.Node) -> tree_sitter.Node | None:
    block = next((c for c in call.named_children if c.type == "annotated_lambda"), None)
    return next((c for c in block.named_children if c.type == "lambda_literal"), None) if block else None


def _inside(node: tree_sitter.Node, name: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type == "call_expression" and _called(parent) == name:
            return True
        parent = parent.parent
    return False


def _statements(block: tree_sitter.Node | None) -> list[tree_sitter.Node]:
    if block is None:
        return []
    statements = next((c for c in block.named_children if c.type == "statements"), None)
    return list((statements or block).named_children)


def _calls(block: tree_sitter.Node | None) -> list[tree_sitter.Node]:
    """The calls directly in a block: `implementation("...")`, and `api("...") { exclude(...) }` as its inner call."""
    found = []
    for statement in _statements(block):
        if statement.type == "call_expression" and statement.named_children and (
            statement.named_children[0].type == "call_expression"
        ):
            statement = statement.named_children[0]
        if statement.type == "call_expression":
            found.append(statement)
    return found


def _arguments(call: tree_sitter.Node) -> list[tree_sitter.Node]:
    arguments = next((c for c in call.named_children if c.type == "value_arguments"), None)
    return [c for c in arguments.named_children if c.type == "value_argument"] if arguments else []


def _dependency(call: tree_sitter.Node, values: dict[str, str], classpath: bool) -> Requirement | None:
    configuration = _called(call)
    arguments = _arguments(call)
    if configuration is None or not arguments:
        return None
    scope = BUILD if classpath else configuration_scope(configuration)
    named = {}
    for argument in arguments:
        parts = argument.named_children
        if len(parts) == 2 and parts[0].type == "identifier" and parts[1].type == "string_literal":
            named[treesitter.text(parts[0])] = resolved(raw(parts[1]), values)
    line = treesitter.line(call)
    if "group" in named and "name" in named:
        return Requirement(f"{named['group']}:{named['name']}", named.get("version", ""), line, scope=scope)
    value = arguments[0].named_children[-1] if arguments[0].named_children else None
    if value is not None and value.type == "call_expression" and _called(value) in _BOMS:
        inner = _arguments(value)
        value = inner[0].named_children[-1] if inner and inner[0].named_children else None
    if value is None:
        return None
    if value.type == "call_expression" and _called(value) == "kotlin":
        inner = _arguments(value)
        if not inner or inner[0].named_children[-1].type != "string_literal":
            return None
        module = raw(inner[0].named_children[-1])
        version = raw(inner[1].named_children[-1]) if len(inner) > 1 and inner[1].named_children[-1].type == (
            "string_literal") else ""
        return Requirement(f"org.jetbrains.kotlin:kotlin-{module}", resolved(version, values), line, scope=scope)
    if value.type != "string_literal":
        return None  # `project(":common")`, `files(...)`, a version catalogue's `libs.x`: nothing to compare here
    coordinates = resolved(raw(value), values).split(":")
    if len(coordinates) < 2 or not all(coordinates[:2]):
        return None
    version = coordinates[2] if len(coordinates) > 2 else ""
    return Requirement(f"{coordinates[0]}:{coordinates[1]}", version.split("@")[0], line, scope=scope)


def configuration_scope(configuration: str) -> str:
    if configuration in _RUNTIME_CONFIGURATIONS:
        return RUNTIME
    if configuration in _BUILD_CONFIGURATIONS:
        return BUILD
    if "test" in configuration.lower():
        return TEST
    if _DEV_WORDS.search(configuration):
        return DEV
    return RUNTIME  # a configuration of the project's own (`shadow`, `agent`): what it ships with, unless it says


def plugin_scope(plugin: str) -> str:
    return RUNTIME if _RUNTIME_PLUGIN.match(plugin) else BUILD


def _plugins(block: tree_sitter.Node | None, values: dict[str, str]) -> list[Requirement]:
    found: list[Requirement] = []
    for statement in _statements(block):
        # `id("x") version "1.0" apply false` nests: ((id("x") version "1.0") apply false)
        while statement.type == "infix_expression" and statement.named_children and (
            statement.named_children[0].type == "infix_expression"
        ):
            statement = statement.named_children[0]
        parts = statement.named_children
        if statement.type != "infix_expression" or len(parts) != 3 or treesitter.text(parts[1]) != "version":
            continue
        plugin, _, version = parts
        if plugin.type != "call_expression":
            continue
        arguments = _arguments(plugin)
        if not arguments or arguments[0].named_children[-1].type != "string_literal":
            continue
        name = raw(arguments[0].named_children[-1])
        if _called(plugin) == "kotlin":
            name = f"org.jetbrains.kotlin.{name}"
        elif _called(plugin) != "id":
            continue
        if version.type == "string_literal":
            constraint = resolved(raw(version), values)
        elif version.type == "identifier":
            constraint = values.get(treesitter.text(version), f"${treesitter.text(version)}")
        else:
            constraint = treesitter.text(version)
        found.append(Requirement(name, constraint, treesitter.line(plugin), scope=plugin_scope(name)))
    return found
