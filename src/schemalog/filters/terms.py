r"""Unstructured term patterns: ``ERROR``, ``"SERVER ERROR"``, ``?ERROR ?WARN``, ``-DEBUG``.

Matching is case-sensitive substring containment, without word boundaries. Plain terms are
ANDed; ``-term`` must be absent; ``?term`` terms are ORed, and are ignored when the pattern
also has a plain or an excluded term (AWS documents this). Decisions where AWS is silent:

- a pattern of only exclusions matches every event that holds none of them;
- ``?`` and ``-`` do not combine on one term (``?-x`` is rejected);
- a lone ``-`` or ``?`` applies to the next term (AWS's old page writes ``"ERROR" - "Exiting"``);
- an unquoted term may hold punctuation and is matched literally;
- inside quotes, ``\\"`` is a quote and ``\\\\`` a backslash; an unterminated quote is an error;
- a ``%regex%`` must be the whole pattern: ``ERROR %x%`` is rejected (quote it to mean the text).
"""

from __future__ import annotations

from dataclasses import dataclass

from schemalog.filters.base import Pattern
from schemalog.filters.lexer import WHITESPACE, Cursor


@dataclass(frozen=True)
class Term:
    """One term: its text and whether it is plain, optional (``?``) or excluded (``-``)."""

    text: str
    kind: str  # "plain", "optional" or "excluded"
    quoted: bool


class TermsPattern(Pattern):
    """A parsed term pattern."""

    kind = "terms"

    def __init__(self, text: str, terms: list[Term]) -> None:
        super().__init__(text)
        self.terms = terms
        self.required = tuple(t.text for t in terms if t.kind == "plain")
        self.excluded = tuple(t.text for t in terms if t.kind == "excluded")
        optional = tuple(t.text for t in terms if t.kind == "optional")
        # "?" terms count only when nothing else is in the pattern.
        self.optional = optional if not (self.required or self.excluded) else ()

    def matches(self, message: str) -> bool:
        """Whether the message holds the terms as the pattern asks."""
        if self.optional and not any(term in message for term in self.optional):
            return False
        return all(term in message for term in self.required) and not any(
            term in message for term in self.excluded
        )

    def extract(self, message: str) -> dict[str, str] | None:
        """``{}`` on a match: term patterns extract nothing."""
        return {} if self.matches(message) else None

    def needles(self) -> tuple[str, ...] | None:
        """Substrings of which every matching message holds at least one, or None if no such set.

        Lets a scan skip lines cheaply: the longest required term, or every optional term.
        """
        if self.required:
            return (max(self.required, key=len),)
        if self.optional:
            return self.optional
        return None


def parse_terms(text: str, start: int) -> TermsPattern:
    """Parse the term pattern that begins at ``start``."""
    cursor = Cursor(text, start)
    terms: list[Term] = []
    while not cursor.at_end():
        kind_at = cursor.pos
        kind = "plain"
        if cursor.take("?"):
            kind = "optional"
        elif cursor.take("-"):
            kind = "excluded"
        if kind != "plain":
            cursor.skip_space()  # "- term" is read as "-term"
            if cursor.pos >= cursor.end:
                raise cursor.error(f"'{text[kind_at]}' must be followed by a term", at=kind_at)
            if cursor.peek() in "?-" and (
                cursor.pos + 1 >= cursor.end or cursor.text[cursor.pos + 1] not in WHITESPACE
            ):
                raise cursor.error("'?' and '-' cannot both apply to one term")
        term_at = cursor.pos
        if cursor.startswith('"'):
            value = cursor.read_quoted()
            if cursor.pos < cursor.end and cursor.text[cursor.pos] not in WHITESPACE:
                raise cursor.error("expected a space after the closing quote")
            terms.append(Term(value, kind, True))
            continue
        while cursor.pos < cursor.end and cursor.text[cursor.pos] not in WHITESPACE:
            if cursor.text[cursor.pos] == '"':
                raise cursor.error("a quote inside an unquoted term: quote the whole term")
            cursor.pos += 1
        value = text[term_at : cursor.pos]
        if value.startswith("%"):
            raise cursor.error(
                "a %regex% must be the whole pattern (quote it to match the text)", at=term_at
            )
        terms.append(Term(value, kind, False))
    return TermsPattern(text, terms)
