"""``parse_pattern``: the first character decides the kind of pattern.

=================  ==========================================================
pattern            kind
=================  ==========================================================
empty, blank, ``" "``  match every event
``{ ... }``        JSON (:mod:`.jsonpattern`)
``[ ... ]``        space-delimited (:mod:`.delimited`)
``%...%``          a regex searched in the whole message
anything else      unstructured terms (:mod:`.terms`)
=================  ==========================================================
"""

from __future__ import annotations

import re

from schemalog.exceptions import PatternError
from schemalog.filters.base import MAX_PATTERN_LENGTH, MatchAll, Pattern
from schemalog.filters.jsonparse import parse_json
from schemalog.filters.lexer import WHITESPACE


class RegexPattern(Pattern):
    """A standalone ``%regex%``, searched in the whole message."""

    kind = "regex"

    def __init__(self, text: str, regex: re.Pattern[str]) -> None:
        super().__init__(text)
        self.regex = regex

    @property
    def regex_count(self) -> int:
        """One regex."""
        return 1

    def matches(self, message: str) -> bool:
        """Whether the regex is found in the message."""
        return self.regex.search(message) is not None

    def extract(self, message: str) -> dict[str, str] | None:
        """``{}`` on a match: a regex extracts nothing."""
        return {} if self.matches(message) else None


def parse_pattern(text: str) -> Pattern:
    """Parse a CloudWatch Logs filter pattern; raise PatternError for what AWS rejects."""
    if not isinstance(text, str):
        raise PatternError(1, f"a filter pattern must be a string, not {type(text).__name__}")
    if len(text) > MAX_PATTERN_LENGTH:
        raise PatternError(
            MAX_PATTERN_LENGTH + 1,
            f"a filter pattern has at most {MAX_PATTERN_LENGTH} characters (this one {len(text)})",
        )
    start = len(text) - len(text.lstrip(WHITESPACE))
    body = text.strip(WHITESPACE)
    if not body or (
        body[0] == '"' and body[-1] == '"' and len(body) >= 2 and not body[1:-1].strip()
    ):
        return MatchAll(text)
    first = body[0]
    if first == "{":
        return parse_json(text, start)
    if first == "[":  # each kind's parser is imported when a pattern of that kind is met
        from schemalog.filters.delimited import parse_delimited

        return parse_delimited(text, start)
    if first == "%":
        if len(body) < 2 or body[-1] != "%":
            raise PatternError(start + 1, "unterminated %regex%: a regex pattern ends with '%'")
        from schemalog.filters.regex import compile_regex

        return RegexPattern(text, compile_regex(body[1:-1], start + 1))
    from schemalog.filters.terms import parse_terms

    return parse_terms(text, start)
