"""A cursor over pattern text, shared by the JSON and space-delimited parsers.

Positions are 0-based offsets into the whole pattern (not just the part being read), so every
:class:`PatternError` names the character the user wrote.
"""

from __future__ import annotations

from typing import Final

from schemalog.exceptions import PatternError

WHITESPACE: Final = " \t\r\n"


class Cursor:
    """Reads ``text[pos:end]`` one piece at a time."""

    def __init__(self, text: str, pos: int = 0, end: int | None = None) -> None:
        self.text = text
        self.pos = pos
        self.end = len(text) if end is None else end

    def error(self, reason: str, at: int | None = None) -> PatternError:
        """Return a PatternError at ``at`` (default: the current position)."""
        return PatternError((self.pos if at is None else at) + 1, reason)

    def skip_space(self) -> None:
        """Move past whitespace."""
        while self.pos < self.end and self.text[self.pos] in WHITESPACE:
            self.pos += 1

    def at_end(self) -> bool:
        """Whether only whitespace is left."""
        self.skip_space()
        return self.pos >= self.end

    def peek(self) -> str:
        """Return the next character ('' at the end), without moving."""
        return self.text[self.pos : min(self.pos + 1, self.end)]

    def startswith(self, token: str) -> bool:
        """Whether the text continues with ``token``."""
        return self.text.startswith(token, self.pos, self.end)

    def take(self, token: str) -> bool:
        """Move past ``token`` if the text continues with it; return whether it did."""
        if self.startswith(token):
            self.pos += len(token)
            return True
        return False

    def describe_next(self) -> str:
        """Describe the next character for a message: quoted, or 'the end of the pattern'."""
        if self.pos >= self.end:
            return "the end of the pattern"
        return repr(self.text[self.pos])

    def read_quoted(self) -> str:
        r"""Read a ``"..."`` string at the cursor; ``\\"`` and ``\\\\`` are escapes.

        Raises PatternError for an unterminated string.
        """
        start = self.pos
        self.pos += 1  # the opening quote
        out: list[str] = []
        while self.pos < self.end:
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < self.end and self.text[self.pos + 1] in '"\\':
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if char == '"':
                self.pos += 1
                return "".join(out)
            out.append(char)
            self.pos += 1
        raise self.error("unterminated quoted string", at=start)

    def read_percent(self) -> tuple[str, int]:
        r"""Read a ``%regex%`` at the cursor; return its body and the body's offset.

        The body ends at the next ``%`` (a regex cannot contain ``%``; write ``\\x25``).
        """
        start = self.pos
        close = self.text.find("%", start + 1, self.end)
        if close < 0:
            raise self.error("unterminated %regex%: no closing '%'", at=start)
        self.pos = close + 1
        return self.text[start + 1 : close], start + 1
