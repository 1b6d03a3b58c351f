"""Tokens of the Logs Insights query language: names, numbers, strings, regexes, operators.

A ``/`` starts a regular expression where one is expected (after ``like``, ``=~`` or the field
of a ``parse`` command) and is division everywhere else, as in AWS's console.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from schemalog.exceptions import QueryError

NAME: Final = "name"
NUMBER: Final = "number"
DURATION: Final = "duration"
STRING: Final = "string"
REGEX: Final = "regex"
OP: Final = "op"
END: Final = "end"

_SPACE: Final = re.compile(r"(?:\s+|#[^\n]*)+")
_DURATION: Final = re.compile(r"\d+(?:\.\d+)?[A-Za-z]+")
_NUMBER: Final = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+")
_NAME: Final = re.compile(r"[A-Za-z_@$][A-Za-z0-9_.@$]*")
_OPS: Final = ("!=", "<=", ">=", "=~", "==", "|", ",", "(", ")", "[", "]", "=", "<", ">")
_ARITHMETIC: Final = "+-*/%^"


@dataclass(frozen=True)
class Token:
    """One token: its kind, its text (unquoted for strings and regexes) and its 1-based position."""

    kind: str
    text: str
    position: int

    def keyword(self, *words: str) -> bool:
        """Whether this is a name spelled as one of ``words`` (case-insensitive)."""
        return self.kind == NAME and self.text.lower() in words


def tokenize(query: str) -> list[Token]:
    """Split a query into tokens, ending with an END token; QueryError names the position."""
    tokens: list[Token] = []
    index = 0
    while True:
        space = _SPACE.match(query, index)
        if space:
            index = space.end()
        if index >= len(query):
            tokens.append(Token(END, "", index + 1))
            return tokens
        token, index = _next(query, index, _regex_expected(tokens))
        tokens.append(token)


def _regex_expected(tokens: list[Token]) -> bool:
    if not tokens:
        return False
    last = tokens[-1]
    if last.keyword("like") or (last.kind == OP and last.text == "=~"):
        return True
    return len(tokens) >= 2 and tokens[-2].keyword("parse") and last.kind == NAME


def _next(query: str, index: int, regex: bool) -> tuple[Token, int]:
    char = query[index]
    position = index + 1
    if char in "\"'":
        return _quoted(query, index, char, STRING)
    if char == "`":
        return _quoted(query, index, "`", NAME)
    if char == "/" and regex:
        return _quoted(query, index, "/", REGEX)
    for pattern, kind in ((_DURATION, DURATION), (_NUMBER, NUMBER), (_NAME, NAME)):
        found = pattern.match(query, index)
        if found:
            return Token(kind, found.group(), position), found.end()
    for op in _OPS:
        if query.startswith(op, index):
            return Token(OP, op, position), index + len(op)
    if char in _ARITHMETIC:
        return Token(OP, char, position), index + 1
    raise QueryError(position, f"unexpected character {char!r}")


def _quoted(query: str, index: int, quote: str, kind: str) -> tuple[Token, int]:
    """Read a quoted string, backquoted name or /regex/; a backslash escapes the next char."""
    out: list[str] = []
    at = index + 1
    while at < len(query):
        char = query[at]
        if char == "\\" and at + 1 < len(query):
            following = query[at + 1]
            # A regex keeps its escapes (\d, \.); a string or name drops the backslash.
            out.append(char + following if kind == REGEX and following != quote else following)
            at += 2
            continue
        if char == quote:
            return Token(kind, "".join(out), index + 1), at + 1
        out.append(char)
        at += 1
    what = {STRING: "string", NAME: "backquoted name", REGEX: "regular expression"}[kind]
    raise QueryError(index + 1, f"unterminated {what} (no closing {quote})")
