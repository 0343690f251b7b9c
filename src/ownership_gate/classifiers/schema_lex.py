"""A tolerant tokenizer for Ruby and Elixir migrations.

It knows what it must to never misread code: strings (with `#{}`
interpolation, `%q()`-style literals, heredocs, Elixir sigils), comments,
symbols/atoms and keyword labels. It does not evaluate anything: an
interpolated value becomes a placeholder and the string is marked
dynamic. A file it cannot follow (an unterminated string or heredoc)
raises `Unreadable`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ownership_gate.classifiers.schema_ops import PLACEHOLDER, Unreadable

_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}
_OPERATORS = ("<=>", "===", "**=", "|>", "->", "=>", "::", "==", "!=", "<=", ">=", "&&", "||",
              "<<", ">>", "+=", "-=", "*=", "/=", "||=", "&&=", "..", "\\\\", "&.")


@dataclass(frozen=True)
class Token:
    kind: str  # name, label, symbol, string, number, op, nl
    text: str  # the value: a name, a symbol without ':', a string's content
    line: int
    dynamic: bool = False  # a string with interpolation
    body_line: int = 0  # a string's first content line (a heredoc's is the next line)
    spaced: bool = False  # preceded by whitespace: `match [1]` is a call, `match[1]` an index


def _is_name_start(char: str) -> bool:
    return char.isalpha() or char == "_" or char in "@$"


def _is_name_char(char: str) -> bool:
    return char.isalnum() or char == "_"


class Lexer:
    def __init__(self, text: str, language: str) -> None:
        self.text = text
        self.language = language
        self.pos = 0
        self.line = 1
        self.tokens: list[Token] = []
        self.heredocs: list[tuple[str, bool, int]] = []  # (terminator, squiggly/dash, token index)

    def error(self, message: str) -> Unreadable:
        return Unreadable(message, self.line)

    def add(self, kind: str, text: str, line: int | None = None, dynamic: bool = False,
            body_line: int = 0) -> None:
        spaced = self.pos > 0 and self.text[self.pos - 1] in " \t"
        self.tokens.append(Token(kind, text, line or self.line, dynamic, body_line or line or self.line, spaced))

    def run(self) -> list[Token]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\n":
                self.add("nl", "\n")
                self.pos += 1
                self.line += 1
                if self.heredocs:
                    self.read_heredocs()
                if self.language == "ruby" and text.startswith("=begin", self.pos):
                    self.skip_block_comment()
            elif char in " \t\r\f\\" and not text.startswith("\\\\", self.pos):
                if char == "\\" and text.startswith("\\\n", self.pos):
                    self.pos += 1  # an escaped newline continues the statement
                    self.line += 1
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif self.special():
                continue
            elif char in "\"'`":
                self.string(char)
            elif char == ":" and self.symbol():
                continue
            elif char.isdigit():
                self.number()
            elif _is_name_start(char):
                self.name()
            else:
                self.operator()
        if self.heredocs:
            raise self.error(f"unterminated heredoc {self.heredocs[0][0]}")
        return self.tokens

    def special(self) -> bool:
        """Language-specific literals (heredocs, `%w[]`, sigils); True when one was read."""
        return self.ruby_special() if self.language == "ruby" else self.elixir_special()

    # -- pieces ---------------------------------------------------------
    def skip_block_comment(self) -> None:
        end = self.text.find("\n=end", self.pos)
        if end < 0:
            raise self.error("unterminated =begin comment")
        self.line += self.text.count("\n", self.pos, end + 1)
        self.pos = self.text.find("\n", end + 1)
        if self.pos < 0:
            self.pos = len(self.text)

    def name(self) -> None:
        start = self.pos
        self.pos += 1
        while self.pos < len(self.text) and (_is_name_char(self.text[self.pos]) or self.text[self.pos] in "@"):
            self.pos += 1
        if self.pos < len(self.text) and self.text[self.pos] in "?!" and not self.text.startswith("!=", self.pos):
            self.pos += 1
        word = self.text[start : self.pos]
        after = self.text[self.pos : self.pos + 2]
        if after[:1] == ":" and after != "::" and not word.startswith(("@", "$")):
            self.pos += 1
            self.add("label", word)
        else:
            self.add("name", word)

    def number(self) -> None:
        start = self.pos
        while self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] in "._"):
            if self.text[self.pos] == "." and not self.text[self.pos + 1 : self.pos + 2].isdigit():
                break
            self.pos += 1
        self.add("number", self.text[start : self.pos])

    def operator(self) -> None:
        for op in _OPERATORS:
            if self.text.startswith(op, self.pos):
                self.add("op", op)
                self.pos += len(op)
                return
        self.add("op", self.text[self.pos])
        self.pos += 1

    def symbol(self) -> bool:
        text, nxt = self.text, self.text[self.pos + 1 : self.pos + 2]
        if nxt in ("\"", "'"):
            self.pos += 1
            self.string(nxt)
            last = self.tokens.pop()
            self.add("symbol", last.text, last.line)
            return True
        if nxt and _is_name_start(nxt) and not text.startswith("::", self.pos):
            start = self.pos + 1
            self.pos = start
            while self.pos < len(text) and (_is_name_char(text[self.pos]) or text[self.pos] in "?!="):
                if text[self.pos] == "=" and text[self.pos + 1 : self.pos + 2] == ">":
                    break
                self.pos += 1
            self.add("symbol", text[start : self.pos])
            return True
        return False

    def string(self, quote: str, closing: str | None = None, interpolate: bool | None = None) -> None:
        """A quoted literal starting at `self.pos` (the opening delimiter)."""
        line = self.line
        closing = closing or quote
        if interpolate is None:
            interpolate = quote in "\"`" or (self.language == "elixir" and quote == "'")
        self.pos += 1
        out: list[str] = []
        dynamic, depth = False, 0
        text = self.text
        while True:
            if self.pos >= len(text):
                raise Unreadable(f"unterminated string starting on line {line}", line)
            char = text[self.pos]
            if char == "\\" and self.pos + 1 < len(text):
                escaped = text[self.pos + 1]
                out.append(escaped if escaped in (quote, closing, "\\") else char + escaped)
                self.line += text[self.pos + 1] == "\n"
                self.pos += 2
                continue
            if interpolate and text.startswith("#{", self.pos):
                self.pos = self.skip_interpolation(self.pos + 2)
                out.append(PLACEHOLDER)
                dynamic = True
                continue
            if char == quote and closing != quote:
                depth += 1
            elif char == closing:
                if depth == 0:
                    self.pos += 1
                    break
                depth -= 1
            self.line += char == "\n"
            out.append(char)
            self.pos += 1
        self.add("string", "".join(out), line, dynamic)

    def skip_interpolation(self, pos: int) -> int:
        depth = 1
        while pos < len(self.text):
            char = self.text[pos]
            if char in "\"'":
                end = self.text.find(char, pos + 1)
                pos = len(self.text) if end < 0 else end + 1
                continue
            if char == "\n":
                self.line += 1
            depth += (char == "{") - (char == "}")
            pos += 1
            if depth == 0:
                return pos
        raise self.error("unterminated #{...} interpolation")

    def percent(self, kind: str) -> None:
        """`%q(..)`, `%Q[..]`, `%(..)`, `%w[..]`, `%i[..]` (and Elixir sigils `~s(..)`)."""
        opener = self.text[self.pos]
        closing = _PAIRS.get(opener, opener)
        interpolate = kind in ("Q", "", "W", "I", "s", "w", "r")
        self.string(opener, closing, interpolate)
        if kind == "r":
            self.tokens[-1] = Token("op", "regex", self.tokens[-1].line)
            while self.pos < len(self.text) and self.text[self.pos].isalpha():
                self.pos += 1
        if kind in ("w", "W", "i", "I"):
            words = self.tokens.pop()
            self.add("op", "[", words.line)
            for word in words.text.split():
                self.add("symbol" if kind in "iI" else "string", word, words.line)
                self.add("op", ",", words.line)
            self.add("op", "]", words.line)

    def ruby_special(self) -> bool:
        text, pos = self.text, self.pos
        after = text[pos + 2 : pos + 3]
        if text.startswith("<<", pos) and after and (after in "~-\"'" or after.isupper()):
            return self.heredoc_start()
        if text[pos] == "/" and self.regex_position():
            self.string("/", "/", True)
            self.tokens[-1] = Token("op", "regex", self.tokens[-1].line)
            while self.pos < len(text) and text[self.pos].isalpha():
                self.pos += 1  # flags
            return True
        if text[pos] == "%" and pos + 1 < len(text):
            prev = self.tokens[-1] if self.tokens else None
            value_position = (
                prev is None or prev.kind in ("nl", "label")
                or (prev.kind == "op" and prev.text not in (")", "]", "}"))
                or (prev.kind == "name" and text[pos - 1] == " " and text[pos + 1] != " ")
            )
            kind = text[pos + 1]
            if value_position and kind in "qQwWiIrs" and pos + 2 < len(text) and not text[pos + 2].isalnum():
                self.pos += 2
                self.percent(kind)
                return True
            if value_position and kind in "([{<|!/":
                self.pos += 1
                self.percent("")
                return True
        return False

    def regex_position(self) -> bool:
        """Whether a `/` starts a regular expression (a value is expected) rather than a division."""
        prev = self.tokens[-1] if self.tokens else None
        text, pos = self.text, self.pos
        if prev is None or prev.kind in ("nl", "label"):
            return True
        if prev.kind == "op":
            return prev.text not in (")", "]", "}", "regex")
        if prev.kind == "name":
            if prev.text in ("if", "unless", "when", "and", "or", "not", "return", "elsif", "while", "until"):
                return True
            return text[pos - 1] == " " and text[pos + 1 : pos + 2] not in (" ", "=")
        return False

    def elixir_special(self) -> bool:
        text, pos = self.text, self.pos
        for quotes in ('"""', "'''"):
            if text.startswith(quotes, pos):
                newline = text.find("\n", pos)
                close = text.find(quotes, newline) if newline >= 0 else -1
                if close < 0:
                    raise self.error("unterminated heredoc")
                body = text[pos + 3 : close]
                start_line = self.line
                self.line += body.count("\n")
                self.pos = close + 3
                dynamic = "#{" in body
                self.add("string", _replace_interpolations(body) if dynamic else body,
                         start_line, dynamic, start_line)
                return True
        if text[pos] == "~" and pos + 2 < len(text) and text[pos + 1].isalpha():
            kind = text[pos + 1]
            self.pos += 2
            if text.startswith(('"""', "'''"), self.pos):
                return self.elixir_special()
            self.percent(kind)
            while self.pos < len(text) and text[self.pos].isalpha():
                self.pos += 1  # sigil modifiers
            return True
        return False

    def heredoc_start(self) -> bool:
        text = self.text
        pos = self.pos + 2
        squiggly = text[pos] in "~-"
        if squiggly:
            pos += 1
        quote = text[pos] if text[pos] in "\"'`" else ""
        if quote:
            pos += 1
        start = pos
        while pos < len(text) and _is_name_char(text[pos]):
            pos += 1
        terminator = text[start:pos]
        if not terminator or (quote and text[pos : pos + 1] != quote):
            return False
        self.pos = pos + (1 if quote else 0)
        self.heredocs.append((terminator, squiggly, len(self.tokens)))
        self.add("string", "", dynamic=False)  # filled in when its body is read
        return True

    def read_heredocs(self) -> None:
        for terminator, squiggly, index in self.heredocs:
            lines: list[str] = []
            first = self.line
            while True:
                if self.pos >= len(self.text):
                    raise self.error(f"unterminated heredoc {terminator}")
                end = self.text.find("\n", self.pos)
                end = len(self.text) if end < 0 else end
                line = self.text[self.pos : end]
                self.pos = min(end + 1, len(self.text))
                self.line += 1
                if (line.strip() if squiggly else line.rstrip("\r")) == terminator:
                    break
                lines.append(line)
            body = "\n".join(lines)
            dynamic = "#{" in body
            if dynamic:
                body = _replace_interpolations(body)
            old = self.tokens[index]
            self.tokens[index] = Token("string", body, old.line, dynamic, first)
        self.heredocs = []


def _replace_interpolations(body: str) -> str:
    out, pos = [], 0
    while True:
        start = body.find("#{", pos)
        if start < 0:
            out.append(body[pos:])
            return "".join(out)
        out.append(body[pos:start] + PLACEHOLDER)
        depth, pos = 1, start + 2
        while pos < len(body) and depth:
            depth += (body[pos] == "{") - (body[pos] == "}")
            pos += 1


def tokenize(text: str, language: str) -> list[Token]:
    return Lexer(text, language).run()
