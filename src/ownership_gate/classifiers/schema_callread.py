"""Reading a parsed Ruby or Elixir statement as a call chain with literal arguments."""

from __future__ import annotations

from ownership_gate.classifiers.schema_calls import Block, Call, Group, Lit, Node, Opaque, Stmt, Value
from ownership_gate.classifiers.schema_lex import Token

_MODIFIERS = frozenset({"if", "unless", "while", "until", "rescue"})
_CONSTS = {"true": True, "false": False, "nil": None}
_ASSIGN = frozenset({"=", "||=", "&&=", "+=", "-="})


def _text(nodes: list[Node]) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, Token):
            parts.append(node.text)
        elif isinstance(node, Group):
            parts.append(node.open + _text(node.items) + {"(": ")", "[": "]", "{": "}"}[node.open])
        else:
            parts.append(f"{node.keyword} ... end")
    return " ".join(parts)


def split(items: list[Node], separator: str = ",") -> list[list[Node]]:
    pieces: list[list[Node]] = [[]]
    for node in items:
        if isinstance(node, Token) and node.kind == "op" and node.text == separator:
            pieces.append([])
        else:
            pieces[-1].append(node)
    return [p for p in pieces if p]


def value(items: list[Node]) -> Value:
    line = items[0].line
    if len(items) == 1:
        node = items[0]
        if isinstance(node, Token):
            if node.kind in ("string", "symbol"):
                return Lit(node.text, node.kind, node.line, node.dynamic, node.body_line or node.line)
            if node.kind == "number":
                return Lit(int(node.text) if node.text.isdigit() else node.text, "number", node.line)
            if node.kind == "name" and node.text in _CONSTS:
                return Lit(_CONSTS[node.text], "const", node.line)
            if node.kind == "name" and node.text[:1].islower():
                return Call(node.text, [], line=node.line)
        if isinstance(node, Group) and node.open == "[":
            return _list_or_keywords(node.items)
        if isinstance(node, Group) and node.open == "{":
            return keywords(node.items)
    literal = _string_method(items)
    if literal is not None:
        return literal
    if isinstance(items[0], Token) and items[0].kind == "op" and items[0].text == "%" and len(items) == 2:
        return value(items[1:])  # an Elixir map %{...}
    found = chain(items)
    if found is not None:
        return found
    return Opaque(_text(items), line)


# Methods on a string literal that keep its SQL as written (`<<~SQL.squish`).
_STRING_METHODS = frozenset({"squish", "strip", "freeze", "chomp", "strip_heredoc", "dedent", "squeeze",
                             "lstrip", "rstrip", "html_safe", "to_s", "trim"})


def _string_method(items: list[Node]) -> Lit | None:
    first = items[0]
    if not (isinstance(first, Token) and first.kind == "string") or len(items) < 3:
        return None
    rest = items[1:]
    while rest:
        if len(rest) < 2 or not (isinstance(rest[0], Token) and rest[0].text == "."):
            return None
        name = rest[1]
        if not (isinstance(name, Token) and name.kind == "name" and name.text in _STRING_METHODS):
            return None
        rest = rest[2:]
        if rest and isinstance(rest[0], Group) and rest[0].open == "(" and not rest[0].items:
            rest = rest[1:]
    return Lit(first.text, "string", first.line, first.dynamic, first.body_line or first.line)


def _list_or_keywords(items: list[Node]) -> Value:
    pieces = split(items)
    if pieces and all(_pair(p) is not None for p in pieces):
        return keywords(items)
    return [value(p) for p in pieces]


def _pair(piece: list[Node]) -> tuple[str, list[Node]] | None:
    first = piece[0]
    if isinstance(first, Token) and first.kind == "label" and len(piece) > 1:
        return first.text, piece[1:]
    if (len(piece) > 2 and isinstance(first, Token) and first.kind in ("symbol", "string")
            and isinstance(piece[1], Token) and piece[1].text == "=>"):
        return first.text, piece[2:]
    return None


def keywords(items: list[Node]) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for piece in split(items):
        pair = _pair(piece)
        if pair is not None:
            out[pair[0]] = value(pair[1])
    return out


def _arguments(items: list[Node], call: Call) -> None:
    for piece in split(items):
        pair = _pair(piece)
        if pair is not None:
            call.kwargs[pair[0]] = value(pair[1])
            continue
        found = value(piece)
        if isinstance(found, dict) and piece is split(items)[-1]:
            call.kwargs.update(found)  # a trailing `{ null: false }` hash
        else:
            call.args.append(found)


def chain(items: list[Node]) -> Call | None:
    """`a.b(x).c y, z do ... end` as the call `c` with receiver ["a", "b"]; None if it is no call."""
    names: list[str] = []
    calls: list[Call] = []
    index = 0
    while index < len(items):
        node = items[index]
        if not (isinstance(node, Token) and node.kind == "name") or node.text in _CONSTS:
            return None
        call = Call(node.text, list(names), line=node.line)
        index += 1
        nxt = items[index] if index < len(items) else None
        if isinstance(nxt, Group) and nxt.open == "(":
            _arguments(nxt.items, call)
            index += 1
            nxt = items[index] if index < len(items) else None
        while isinstance(nxt, Group) and nxt.open == "[" and not nxt.spaced:
            index += 1  # `match[1]`: an index into a value, not an argument
            nxt = items[index] if index < len(items) else None
        calls.append(call)
        names.append(node.text)
        if isinstance(nxt, Token) and nxt.kind == "op" and nxt.text in (".", "&.", "::"):
            index += 1
            continue
        break
    if not calls:
        return None
    last = calls[-1]
    rest = items[index:]
    if rest and isinstance(rest[-1], Block) and rest[-1].keyword in ("do", "{"):
        last.block = rest[-1]
        rest = rest[:-1]
    if rest:
        if isinstance(rest[0], Token) and rest[0].kind == "op" and rest[0].text not in ("[", "->", ":", "%", "-", "!"):
            return None  # an operator: an expression, not a command call
        _arguments(rest, last)
    last.receiver = names[:-1]
    return last


def statement_calls(stmt: Stmt) -> list[Call]:
    """The calls a statement makes: modifiers and assignments stripped, pipes split."""
    items = stmt.items
    for index, node in enumerate(items):
        if index and isinstance(node, Token) and node.kind == "name" and node.text in _MODIFIERS:
            items = items[:index]
            break
    for index, node in enumerate(items):
        if isinstance(node, Token) and node.kind == "op" and node.text in _ASSIGN:
            items = items[index + 1 :]
            break
    found = []
    for piece in split(items, "|>"):
        call = chain(piece)
        if call is not None:
            found.append(call)
    return found


def nested_calls(call: Call) -> list[Call]:
    """Calls inside a call's arguments (Elixir `create table(:users)`, `add :x, references(:y)`)."""
    out = []
    for argument in [*call.args, *call.kwargs.values()]:
        if isinstance(argument, Call):
            out.append(argument)
    return out


__all__ = ["Block", "Call", "Lit", "Opaque", "Value", "chain", "keywords", "split", "statement_calls", "value"]
