"""A tolerant tokenizer and bracket tree for JavaScript and TypeScript migrations.

Strings, template literals (with `${}` values replaced by a placeholder),
comments and regular-expression literals are recognised so that a bracket
or a keyword inside them is never mistaken for code. The tree is only
brackets: `(...)`, `[...]`, `{...}` groups holding tokens. Unbalanced
brackets or an unterminated string raise `Unreadable`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ownership_gate.classifiers.schema_ops import PLACEHOLDER, Unreadable

_OPERATORS = ("===", "!==", "...", "**=", "??=", "&&=", "||=", "=>", "==", "!=", "<=", ">=", "&&",
              "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "**")
_CLOSERS = {"(": ")", "[": "]", "{": "}"}
# After these, a `/` starts a regular expression rather than a division.
_REGEX_AFTER_OPS = frozenset("(,=:[!&|?{};+-*%<>~^") | {"=>", "&&", "||", "??", "==", "===", "!=", "!=="}
_REGEX_AFTER_WORDS = frozenset({"return", "typeof", "case", "do", "else", "in", "of", "new", "delete",
                                "void", "throw", "await", "yield"})
_MAX_DEPTH = 200


@dataclass(frozen=True)
class JsToken:
    kind: str  # name, string, number, op
    text: str
    line: int
    dynamic: bool = False  # a template literal with ${} values


@dataclass
class JsGroup:
    open: str
    items: list[JsNode]
    line: int


JsNode = JsToken | JsGroup


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.tokens: list[JsToken] = []

    def run(self) -> list[JsToken]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\n":
                self.line += 1
                self.pos += 1
            elif char.isspace():
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise Unreadable("unterminated /* comment", self.line)
                self.line += text.count("\n", self.pos, end)
                self.pos = end + 2
            elif char in "\"'":
                self.string(char)
            elif char == "`":
                self.template()
            elif char == "/" and self.regex_allowed():
                self.regex()
            elif char.isdigit():
                start = self.pos
                while self.pos < len(text) and (text[self.pos].isalnum() or text[self.pos] in "._"):
                    self.pos += 1
                self.tokens.append(JsToken("number", text[start : self.pos], self.line))
            elif char.isalpha() or char in "_$@#":
                start = self.pos
                self.pos += 1
                while self.pos < len(text) and (text[self.pos].isalnum() or text[self.pos] in "_$"):
                    self.pos += 1
                self.tokens.append(JsToken("name", text[start : self.pos], self.line))
            else:
                self.operator()
        return self.tokens

    def operator(self) -> None:
        for op in _OPERATORS:
            if self.text.startswith(op, self.pos):
                self.tokens.append(JsToken("op", op, self.line))
                self.pos += len(op)
                return
        self.tokens.append(JsToken("op", self.text[self.pos], self.line))
        self.pos += 1

    def regex_allowed(self) -> bool:
        if not self.tokens:
            return True
        last = self.tokens[-1]
        if last.kind == "op":
            return last.text in _REGEX_AFTER_OPS
        return last.kind == "name" and last.text in _REGEX_AFTER_WORDS

    def regex(self) -> None:
        text, line = self.text, self.line
        self.pos += 1
        in_class = False
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\\":
                self.pos += 2
                continue
            if char == "\n":
                raise Unreadable("unterminated regular expression", line)
            if char == "[":
                in_class = True
            elif char == "]":
                in_class = False
            elif char == "/" and not in_class:
                self.pos += 1
                while self.pos < len(text) and text[self.pos].isalpha():
                    self.pos += 1
                self.tokens.append(JsToken("op", "regex", line))
                return
            self.pos += 1
        raise Unreadable("unterminated regular expression", line)

    def string(self, quote: str) -> None:
        text, line = self.text, self.line
        self.pos += 1
        out: list[str] = []
        while True:
            if self.pos >= len(text) or text[self.pos] == "\n":
                raise Unreadable(f"unterminated string on line {line}", line)
            char = text[self.pos]
            if char == "\\" and self.pos + 1 < len(text):
                nxt = text[self.pos + 1]
                out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
                self.line += nxt == "\n"
                self.pos += 2
                continue
            if char == quote:
                self.pos += 1
                break
            out.append(char)
            self.pos += 1
        self.tokens.append(JsToken("string", "".join(out), line))

    def template(self) -> None:
        text, line = self.text, self.line
        self.pos += 1
        out: list[str] = []
        dynamic = False
        while True:
            if self.pos >= len(text):
                raise Unreadable(f"unterminated template literal starting on line {line}", line)
            char = text[self.pos]
            if char == "\\" and self.pos + 1 < len(text):
                out.append(text[self.pos + 1])
                self.pos += 2
                continue
            if char == "`":
                self.pos += 1
                break
            if text.startswith("${", self.pos):
                start = self.pos
                self.skip_expression()
                inner = text[start + 2 : self.pos - 1].strip()
                # A plain name is kept so a constant of the file can fill it in later.
                out.append("${" + inner + "}" if inner.isidentifier() else PLACEHOLDER)
                dynamic = True
                continue
            self.line += char == "\n"
            out.append(char)
            self.pos += 1
        self.tokens.append(JsToken("string", "".join(out), line, dynamic))

    def skip_expression(self) -> None:
        depth, self.pos = 1, self.pos + 2
        text = self.text
        while self.pos < len(text) and depth:
            char = text[self.pos]
            if char in "\"'":
                end = text.find(char, self.pos + 1)
                self.pos = len(text) if end < 0 else end + 1
                continue
            if char == "`":
                self.template()
                self.tokens.pop()
                continue
            self.line += char == "\n"
            depth += (char == "{") - (char == "}")
            self.pos += 1
        if depth:
            raise Unreadable("unterminated ${...} in a template literal", self.line)


def _tree(tokens: list[JsToken]) -> list[JsNode]:
    stack: list[JsGroup] = [JsGroup("", [], 0)]
    for token in tokens:
        if token.kind == "op" and token.text in _CLOSERS:
            if len(stack) > _MAX_DEPTH:
                raise Unreadable("brackets nested too deeply", token.line)
            group = JsGroup(token.text, [], token.line)
            stack[-1].items.append(group)
            stack.append(group)
        elif token.kind == "op" and token.text in (")", "]", "}"):
            if len(stack) == 1 or _CLOSERS[stack[-1].open] != token.text:
                raise Unreadable(f"unbalanced '{token.text}'", token.line)
            stack.pop()
        else:
            stack[-1].items.append(token)
    if len(stack) > 1:
        raise Unreadable(f"unclosed '{stack[-1].open}'", stack[-1].line)
    return stack[0].items


def parse(text: str) -> list[JsNode]:
    return _tree(_Lexer(text).run())
