"""filters.base: what every parsed pattern offers, and the empty pattern."""

from __future__ import annotations

import pytest

from schemalog.filters.base import MatchAll, Pattern


class _Digits(Pattern):
    """A pattern of the test's own: messages that are all digits, extracting nothing."""

    kind = "terms"

    def extract(self, message: str) -> dict[str, str] | None:
        return {} if message.isdigit() else None


def test_match_all_matches_every_message() -> None:
    """The empty pattern matches any message, the empty one included, and extracts nothing."""
    pattern = MatchAll("")
    for message in ("", "ERROR x", '{"a": 1}', "\n"):
        assert pattern.matches(message)
        assert pattern.extract(message) == {}
    assert (pattern.kind, pattern.has_fields, pattern.regex_count) == ("all", False, 0)


def test_matches_follows_extract() -> None:
    """A pattern matches exactly when extract gives values (the base class's default)."""
    pattern = _Digits("digits")
    assert pattern.matches("123")
    assert not pattern.matches("12a")
    assert pattern.regex_count == 0


def test_extract_all_is_extract_by_default() -> None:
    """What field references may read is what extract gives, unless a kind adds to it."""
    pattern = _Digits("digits")
    assert pattern.extract_all("123") == {}
    assert pattern.extract_all("12a") is None


def test_repr_names_class_and_text() -> None:
    """The repr shows the pattern's class and its text, for messages and debugging."""
    assert repr(MatchAll(" ")) == "MatchAll(' ')"


def test_pattern_is_abstract() -> None:
    """A pattern without extract cannot be made."""
    with pytest.raises(TypeError):
        Pattern("x")  # type: ignore[abstract]
