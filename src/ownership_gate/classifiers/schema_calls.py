"""Statements and calls of Ruby and Elixir code, from `schema_lex` tokens.

The tree is shallow on purpose: statements, bracketed groups, and blocks
(`do ... end`, `{ |t| ... }`, `def`, `if`, `fn`). A statement is read as a
call chain (`User.where(x: 1).update_all(y: 2)`, `t.string :name,
null: false`, `create table(:users) do ... end`) with literal arguments;
anything else is kept opaque. Unbalanced blocks raise `Unreadable`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from ownership_gate.classifiers.schema_lex import Token, tokenize
from ownership_gate.classifiers.schema_ops import Unreadable

_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_RUBY_OPENERS = frozenset({"def", "class", "module", "begin", "case", "for"})
_RUBY_CONDITIONALS = frozenset({"if", "unless", "while", "until"})
_SEPARATORS = frozenset({"else", "elsif", "when", "rescue", "ensure", "then", "in"})
_CONTINUE_AFTER = frozenset({",", ".", "&.", "(", "[", "{", "=", "==", "&&", "||", "+", "-", "*",
                             "=>", "->", "\\\\", "|>", "<<", "?", "and", "or", "not", "::", "||=",
                             "<>", "++"})
_CONTINUE_BEFORE = frozenset({".", "&.", "|>", "&&", "||"})
_MAX_DEPTH = 200


@dataclass
class Group:
    open: str
    items: list[Node]
    line: int
    spaced: bool = False


@dataclass
class Block:
    keyword: str  # do, {, def, if, fn, ...
    head: list[Node]  # what follows the keyword on its line (a def's name, an if's condition)
    params: list[str]
    body: list[Stmt]
    line: int


Node = Token | Group | Block


@dataclass
class Stmt:
    items: list[Node]
    line: int


@dataclass(frozen=True)
class Lit:
    value: str | int | bool | None
    kind: str  # symbol, string, number, const
    line: int
    dynamic: bool = False
    body_line: int = 0


@dataclass(frozen=True)
class Opaque:
    text: str
    line: int


@dataclass
class Call:
    name: str
    receiver: list[str]  # the names before it: ["User", "where"] for User.where(...).update_all
    args: list[Value] = field(default_factory=list)
    kwargs: dict[str, Value] = field(default_factory=dict)
    block: Block | None = None
    line: int = 0


Value: TypeAlias = Lit | Opaque | Call | list["Value"] | dict[str, "Value"]


def _is(node: Node | None, kind: str, text: str | None = None) -> bool:
    return isinstance(node, Token) and node.kind == kind and (text is None or node.text == text)


class Parser:
    def __init__(self, tokens: list[Token], language: str) -> None:
        self.tokens = tokens
        self.language = language
        self.pos = 0
        self.depth = 0

    def peek(self, offset: int = 0) -> Token | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def body(self, closer: str | None) -> list[Stmt]:
        """Statements up to `closer` ('end', '}' or None for the end of file)."""
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise Unreadable("blocks nested too deeply")
        statements: list[Stmt] = []
        current: list[Node] = []
        while True:
            token = self.peek()
            if token is None:
                if closer is not None:
                    raise Unreadable(f"missing '{closer}' for a block", self.tokens[-1].line if self.tokens else None)
                break
            if (closer == "end" and _is(token, "name", "end")) or (closer == "}" and _is(token, "op", "}")):
                self.pos += 1
                break
            if closer is None and _is(token, "name", "end"):
                raise Unreadable("'end' without a block to close", token.line)
            if _is(token, "nl") or _is(token, "op", ";"):
                self.pos += 1
                if current and not self.continues(current):
                    statements.append(Stmt(current, _line(current[0])))
                    current = []
                continue
            if _is(token, "name") and token.text in _SEPARATORS and not current:
                self.pos += 1
                continue
            current.append(self.node(current))
        if current:
            statements.append(Stmt(current, _line(current[0])))
        self.depth -= 1
        return statements

    def continues(self, current: list[Node]) -> bool:
        last = current[-1]
        if isinstance(last, Token) and last.kind == "op" and last.text in _CONTINUE_AFTER:
            return True
        if isinstance(last, Token) and last.kind in ("label",):
            return True
        offset = 0
        while _is(self.peek(offset), "nl"):
            offset += 1
        after = self.peek(offset)
        return after is not None and after.kind == "op" and after.text in _CONTINUE_BEFORE

    def node(self, current: list[Node]) -> Node:
        token = self.tokens[self.pos]
        if _is(token, "name", "do"):
            self.pos += 1
            return self.block("do", token.line, "end")
        if self.language == "elixir" and _is(token, "name", "fn"):
            self.pos += 1
            return self.block("fn", token.line, "end")
        if self.language == "ruby" and _is(token, "name") and (
            token.text in _RUBY_OPENERS or (token.text in _RUBY_CONDITIONALS and not _value_before(current))
        ):
            self.pos += 1
            return self.keyword_block(token)
        if _is(token, "op", "{") and self.language == "ruby" and _brace_block(current):
            self.pos += 1
            return self.block("{", token.line, "}")
        if _is(token, "op") and token.text in _CLOSERS:
            self.pos += 1
            return self.group(token)
        self.pos += 1
        return token

    def params(self) -> list[str]:
        if not _is(self.peek(), "op", "|"):
            return []
        self.pos += 1
        names = []
        while self.peek() is not None and not _is(self.peek(), "op", "|"):
            token = self.tokens[self.pos]
            if token.kind == "name":
                names.append(token.text)
            self.pos += 1
        self.pos += 1
        return names

    def block(self, keyword: str, line: int, closer: str) -> Block:
        params = self.params()
        return Block(keyword, [], params, self.body(closer), line)

    def keyword_block(self, token: Token) -> Block:
        head: list[Node] = []
        while self.peek() is not None and not _is(self.peek(), "nl") and not _is(self.peek(), "op", ";"):
            if _is(self.peek(), "name", "do") and token.text in ("while", "until", "for"):
                self.pos += 1
                break
            if _is(self.peek(), "name", "then"):
                self.pos += 1
                break
            head.append(self.node(head))
        return Block(token.text, head, [], self.body("end"), token.line)

    def group(self, opener: Token) -> Group:
        closer = _CLOSERS[opener.text]
        items: list[Node] = []
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise Unreadable("brackets nested too deeply", opener.line)
        while True:
            token = self.peek()
            if token is None:
                raise Unreadable(f"unclosed '{opener.text}'", opener.line)
            if _is(token, "op", closer):
                self.pos += 1
                break
            if _is(token, "nl"):
                self.pos += 1
                continue
            if _is(token, "name", "end") or (_is(token, "op") and token.text in (")", "]", "}")):
                raise Unreadable(f"unexpected '{token.text}' inside '{opener.text}'", token.line)
            items.append(self.node(items))
        self.depth -= 1
        return Group(opener.text, items, opener.line, opener.spaced)


def _line(node: Node) -> int:
    return node.line


def _value_before(current: list[Node]) -> bool:
    """Whether `if`/`unless` follows a value, making it a modifier (`x if y`)."""
    if not current:
        return False
    last = current[-1]
    return not (isinstance(last, Token) and last.kind == "op" and last.text in ("=", "(", ",", "||=", "<<", "&&", "||"))


def _brace_block(current: list[Node]) -> bool:
    """Whether a Ruby `{` opens a block (after a method name or call) rather than a hash."""
    if not current:
        return False
    last = current[-1]
    if isinstance(last, Group):
        return last.open == "("
    return isinstance(last, Token) and (last.kind == "name" or (last.kind == "op" and last.text == "->"))


def fingerprint_of(nodes: Sequence[Node | Stmt], skip: Block | None = None) -> str:
    """The code of `nodes` as one string, without layout, comments or call parentheses
    (`add_column(:a, :b)` is `add_column :a, :b`); `skip` is left out."""
    parts: list[str] = []

    def walk(node: Node | Stmt) -> None:
        if node is skip:
            return
        if isinstance(node, Token):
            if node.text != ";":
                parts.append(f"{node.kind}:{node.text}")
        elif isinstance(node, Group):
            bracket = node.open != "("
            if bracket:
                parts.append(node.open)
            items = node.items
            if items and isinstance(items[-1], Token) and items[-1].text == ",":
                items = items[:-1]  # a trailing comma
            walk_items(items)
            if bracket:
                parts.append("/" + node.open)
        elif isinstance(node, Block):
            parts.append(node.keyword + "|" + ",".join(node.params))
            for item in node.head:
                walk(item)
            for statement in node.body:
                walk(statement)
            parts.append("end")
        else:
            walk_items(node.items)
            parts.append(";")

    def walk_items(items: list[Node]) -> None:
        index = 0
        while index < len(items):
            node, following = items[index], items[index + 1] if index + 1 < len(items) else None
            if (isinstance(node, Token) and node.kind in ("symbol", "string") and isinstance(following, Token)
                    and following.text == "=>"):
                parts.append(f"label:{node.text}")  # `:null => false` is `null: false`
                index += 2
                continue
            walk(node)
            index += 1

    for node in nodes:
        walk(node)
    return "\x1f".join(parts)


def parse(text: str, language: str) -> list[Stmt]:
    parser = Parser(tokenize(text, language), language)
    statements = parser.body(None)
    leftover = parser.peek()
    if leftover is not None:
        raise Unreadable(f"unexpected '{leftover.text}'", leftover.line)
    return statements
