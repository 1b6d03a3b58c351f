"""Unstructured term patterns: AWS's documented examples and the decisions where it is silent."""

from __future__ import annotations

import pytest

from schemalog.filters import parse_pattern
from tests.filters.cases import assert_rejected

# The four lines AWS's current syntax page uses for its term examples.
BAD_REQUEST = "[ERROR 400] BAD REQUEST"
UNAUTHORIZED = "[ERROR 401] UNAUTHORIZED REQUEST"
MISSING = "[ERROR 419] MISSING ARGUMENTS"
INVALID = "[ERROR 420] INVALID ARGUMENTS"
DOC_LINES = [BAD_REQUEST, UNAUTHORIZED, MISSING, INVALID]


def matching(pattern: str, lines: list[str]) -> list[str]:
    parsed = parse_pattern(pattern)
    return [line for line in lines if parsed.matches(line)]


def test_single_term_matches_every_doc_line() -> None:
    """`ERROR` matches all four of AWS's example lines."""
    assert matching("ERROR", DOC_LINES) == DOC_LINES


def test_multiple_terms_are_anded() -> None:
    """`ERROR ARGUMENTS` matches only the lines holding both words."""
    assert matching("ERROR ARGUMENTS", DOC_LINES) == [MISSING, INVALID]


def test_optional_terms_are_ored() -> None:
    """`?ERROR ?ARGUMENTS` matches a line holding either word."""
    assert matching("?ERROR ?ARGUMENTS", DOC_LINES) == DOC_LINES
    assert matching("?WARN ?ARGUMENTS", DOC_LINES) == [MISSING, INVALID]


def test_exact_phrase() -> None:
    """A quoted phrase must occur as one contiguous run."""
    lines = ["[ERROR 500] INTERNAL SERVER ERROR", "INTERNAL ERROR SERVER"]
    assert matching('"INTERNAL SERVER ERROR"', lines) == lines[:1]


def test_exclusion() -> None:
    """`ERROR -ARGUMENTS` keeps the lines without ARGUMENTS."""
    assert matching("ERROR -ARGUMENTS", DOC_LINES) == [BAD_REQUEST, UNAUTHORIZED]


def test_quoted_space_matches_everything() -> None:
    """`" "` is AWS's match-everything pattern, even for an event without a space."""
    assert matching('" "', ["nospace", "", *DOC_LINES]) == ["nospace", "", *DOC_LINES]


def test_substring_without_word_boundaries() -> None:
    """Terms are substrings: ERROR matches ERRORCODE, Exception matches InvalidQueryException."""
    assert parse_pattern("ERROR").matches("Exiting with ERRORCODE: -1")
    assert parse_pattern('"[ERROR]" Exception').matches(
        "2024-01-01 [ERROR] Unhanded exception: InvalidQueryException"
    )
    assert parse_pattern('"ERROR" "Exception"').matches("[ERROR] Caught IllegalArgumentException")


def test_matching_is_case_sensitive() -> None:
    """`error` does not match `ERROR`."""
    assert not parse_pattern("error").matches("ERROR")


def test_space_after_minus_is_read_as_exclusion() -> None:
    """AWS's old page writes `"ERROR" - "Exiting"`: the lone minus applies to the next term."""
    pattern = parse_pattern('"ERROR" - "Exiting"')
    assert pattern.matches("[ERROR] A fatal exception has occurred")
    assert not pattern.matches("Exiting with ERRORCODE: -1")


def test_old_page_or_examples() -> None:
    """The 2020 page's three lines: ERROR, ?ERROR ?WARN, ERROR WARN and ERROR -WARN."""
    lines = ["ERROR WARN message", "ERROR message", "WARN message"]
    assert matching("ERROR", lines) == lines[:2]
    assert matching("?ERROR ?WARN", lines) == lines
    assert matching("ERROR WARN", lines) == lines[:1]
    assert matching("ERROR -WARN", lines) == lines[1:2]


def test_lone_question_mark_applies_to_the_next_term() -> None:
    """Decision: `? WARN ? ERROR` reads as `?WARN ?ERROR`."""
    pattern = parse_pattern("? WARN ? ERROR")
    assert pattern.matches("an ERROR")
    assert not pattern.matches("INFO")


def test_optional_terms_ignored_beside_plain_terms() -> None:
    """AWS: `?` terms combined with other terms are ignored, so this is just REQUEST."""
    pattern = parse_pattern("?ERROR ?ARGUMENTS REQUEST")
    assert pattern.matches("GET REQUEST ok")
    assert not pattern.matches("ERROR ARGUMENTS")


def test_optional_terms_ignored_beside_exclusions() -> None:
    """Decision: `?` terms are ignored beside `-` terms too; only the exclusion counts."""
    pattern = parse_pattern("?ERROR -DEBUG")
    assert pattern.matches("INFO fine")
    assert not pattern.matches("DEBUG ERROR")


def test_exclusions_only() -> None:
    """Decision: a pattern of exclusions matches every event holding none of them."""
    pattern = parse_pattern("-DEBUG -TRACE")
    assert pattern.matches("INFO started")
    assert not pattern.matches("TRACE x")


def test_unquoted_punctuation_is_literal() -> None:
    """Decision: an unquoted term with punctuation is matched literally."""
    assert parse_pattern("ERROR:").matches("got ERROR: boom")
    assert not parse_pattern("ERROR:").matches("got ERROR boom")


def test_escaped_quote_inside_phrase() -> None:
    r"""Decision: inside quotes, \" is a quote character."""
    assert parse_pattern(r'"say \"hi\""').matches('they say "hi" twice')


def test_quoted_optional_phrase() -> None:
    """A quoted phrase takes `?` too."""
    pattern = parse_pattern('?"clean up" ?"tear down"')
    assert pattern.matches("will tear down now")
    assert not pattern.matches("clean-up")


@pytest.mark.parametrize(
    ("pattern", "position", "reason"),
    [
        ('"unterminated', 1, "unterminated"),
        ('ERROR "oops', 7, "unterminated"),
        ("ERROR -", 7, "followed by a term"),
        ("?-DEBUG", 2, "cannot both apply"),
        ("ERROR %x%", 7, "whole pattern"),
        ('ab"cd"', 3, "quote inside"),
        ('"ab"cd', 5, "space after the closing quote"),
    ],
)
def test_rejections_name_position(pattern: str, position: int, reason: str) -> None:
    """Malformed term patterns raise PatternError with the position and the reason."""
    assert_rejected(pattern, position, reason)


def test_extract_is_empty_on_match() -> None:
    """TestMetricFilter extracts nothing for term patterns: {} on a match, None otherwise."""
    assert parse_pattern("ERROR").extract("an ERROR") == {}
    assert parse_pattern("ERROR").extract("fine") is None


def test_needles_are_what_a_match_must_hold() -> None:
    """The scanner's needles: the longest plain term, every optional term, or none."""
    assert parse_pattern("ERROR ARGUMENTS x").needles() == ("ARGUMENTS",)  # type: ignore[attr-defined]
    assert parse_pattern("?A ?BB").needles() == ("A", "BB")  # type: ignore[attr-defined]
    assert parse_pattern("-DEBUG").needles() is None  # type: ignore[attr-defined]
