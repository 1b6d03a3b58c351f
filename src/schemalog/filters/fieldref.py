"""Field references of a metric filter: ``$.a.b`` (JSON patterns) or ``$name``/``$3``.

A ``metricValue`` or a dimension that names a field reads it from each matching event: from
the parsed JSON object, or from the values a space-delimited pattern extracted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from schemalog.exceptions import FilterError, PatternError
from schemalog.filters.base import Pattern
from schemalog.filters.jsonparse import parse_selector
from schemalog.filters.jsonpattern import JsonPattern, Selector

#: Compiled on first use (re's cache): only a space-delimited filter's references need it.
_DELIMITED_REFERENCE: Final = r"\$([A-Za-z_][A-Za-z0-9_]*|[1-9][0-9]*)\Z"


@dataclass(frozen=True)
class FieldRef:
    """A ``metricValue`` or dimension that names a field: ``$.a.b`` (JSON) or ``$name``/``$3``."""

    text: str
    selector: Selector | None = None  # JSON patterns
    key: str | None = None  # space-delimited patterns: the extractedValues key

    @property
    def simple_key(self) -> str | None:
        """The member name when the reference is a plain root member (``$.name``), else None."""
        return self.selector.simple_key if self.selector is not None else None

    def read(self, document: Any, extracted: Mapping[str, str] | None) -> Any:
        """Return the field's value in a parsed document or extracted values (None if absent)."""
        selector = self.selector
        if selector is not None:
            key = selector.simple_key
            if key is not None:
                return document.get(key) if isinstance(document, dict) else None
            picked = selector.select(document)
            return picked[0] if picked else None
        return extracted.get(self.key or "") if extracted is not None else None


def field_ref(text: str, pattern: Pattern, what: str) -> FieldRef:
    """Parse a field reference of ``pattern``'s kind; FilterError names ``what`` holds it."""
    if isinstance(pattern, JsonPattern):
        if not text.startswith("$."):
            raise FilterError(f"{what} {text!r}: a JSON pattern's fields are written $.field")
        try:
            selector = parse_selector(text)
        except PatternError as error:
            raise FilterError(f"{what} {text!r}: {error.reason}") from None
        if selector.wildcards:
            raise FilterError(f"{what} {text!r}: must name one field, without '*'")
        return FieldRef(text, selector=selector)
    from schemalog.filters.delimited import DelimitedPattern  # kept off a JSON filter's path

    if isinstance(pattern, DelimitedPattern):
        match = re.match(_DELIMITED_REFERENCE, text)
        if match is None:
            raise FilterError(
                f"{what} {text!r}: a space-delimited pattern's fields are $name or $N"
            )
        key = match.group(1)
        if not key[0].isdigit() and key.lower() not in {n.lower() for n in pattern.names}:
            raise FilterError(f"{what} {text!r}: the pattern has no field named {key!r}")
        spelled = next((n for n in pattern.names if n.lower() == key.lower()), key)
        return FieldRef(text, key=f"${spelled}")
    raise FilterError(f"{what} {text!r}: only JSON and space-delimited patterns have fields")
