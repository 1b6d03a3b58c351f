"""Space-delimited patterns: AWS's Apache examples, extraction, ellipsis and field counts."""

from __future__ import annotations

import pytest

from schemalog.filters import parse_pattern
from schemalog.filters.delimited import DelimitedPattern, split_fields
from tests.filters.cases import assert_rejected

# AWS's example event (current page), and the 2020 page's three Apache lines.
PROD = '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'
APACHE = [
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
    '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
    '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 200 4355',
]


def delimited(text: str) -> DelimitedPattern:
    pattern = parse_pattern(text)
    assert isinstance(pattern, DelimitedPattern)
    return pattern


def test_brackets_and_quotes_are_one_field_without_them() -> None:
    """`[...]` and `"..."` runs are single fields, stripped of their brackets and quotes."""
    assert [field for field, _ in split_fields(PROD)] == [
        "127.0.0.1", "Prod", "frank", "10/Oct/2000:13:25:15 -0700",
        "GET /index.html HTTP/1.0", "404", "1534",
    ]  # fmt: skip


def test_seven_named_fields_extract_as_documented() -> None:
    """AWS's extracted values for the seven-field filter with wildcard conditions."""
    pattern = delimited(
        "[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]"
    )
    assert pattern.extract(PROD) == {
        "$ip": "127.0.0.1",
        "$user": "Prod",
        "$username": "frank",
        "$timestamp": "10/Oct/2000:13:25:15 -0700",
        "$request": "GET /index.html HTTP/1.0",
        "$status_code": "404",
        "$bytes": "1534",
    }


def test_or_within_one_entry() -> None:
    """`status_code = 404 || status_code = 410` accepts either code."""
    pattern = delimited(
        "[ip, user, username, timestamp, request =*.html*,"
        " status_code = 404 || status_code = 410, bytes]"
    )
    assert pattern.matches(PROD)
    assert not pattern.matches(PROD.replace(" 404 ", " 403 "))


def test_numeric_condition_and_dimension_example() -> None:
    """`bytes > 1000` compares numerically; AWS names the second field `server` in this example."""
    pattern = delimited("[ip, server, username, timestamp, request, status_code, bytes > 1000]")
    assert pattern.extract(PROD)["$server"] == "Prod"  # type: ignore[index]
    assert not pattern.matches(PROD.replace(" 1534", " 999"))


def test_ellipsis_with_trailing_empty_entry() -> None:
    """The 2020 page's `[..., request=*.html*, status_code=4*,]`: $1..$4, named, then $7."""
    line = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'
    assert delimited("[..., request=*.html*, status_code=4*,]").extract(line) == {
        "$1": "127.0.0.1",
        "$2": "-",
        "$3": "frank",
        "$4": "10/Oct/2000:13:25:15 -0700",
        "$request": "GET /index.html HTTP/1.0",
        "$status_code": "404",
        "$7": "1534",
    }


def test_ellipsis_forms() -> None:
    """`[..., size]`, `[ip, user, ..., status_code, bytes]` and `[ip, user, ...]`."""
    size = delimited("[..., size]").extract(APACHE[0])
    assert size is not None
    assert size["$size"] == "1534"
    assert sorted(size) == ["$1", "$2", "$3", "$4", "$5", "$6", "$size"]
    both_ends = delimited("[ip, user, ..., status_code, bytes]").extract(APACHE[1])
    assert both_ends is not None
    assert (both_ends["$ip"], both_ends["$status_code"], both_ends["$3"]) == (
        "127.0.0.1",
        "500",
        "frank",
    )
    head = delimited("[ip, user, ...]").extract(APACHE[2])
    assert head is not None
    assert head["$7"] == "4355"


def test_status_code_filters_on_apache_lines() -> None:
    """The 2020 page's condition examples select the right Apache lines."""
    ok = delimited("[ip, user, username, timestamp, request, status_code = 200, bytes]")
    assert [ok.matches(line) for line in APACHE] == [True, False, True]
    big = delimited("[..., status_code=200, size]")
    assert [big.matches(line) for line in APACHE] == [True, False, True]
    large = delimited("[ip, user, username, timestamp, request, status_code, bytes > 5000]")
    assert [large.matches(line) for line in APACHE] == [False, True, False]


def test_empty_pattern_extracts_every_field() -> None:
    """`[]` matches any event and returns $1..$N."""
    assert delimited("[]").extract("a b c") == {"$1": "a", "$2": "b", "$3": "c"}


def test_last_field_takes_the_rest_of_the_line() -> None:
    """Decision: without `...`, the last entry absorbs the rest; fewer fields never match."""
    pattern = delimited("[w1=ERROR, w2]")
    assert pattern.extract("ERROR 09/25/2014 12:00:02 Failed to process request") == {
        "$w1": "ERROR",
        "$w2": "09/25/2014 12:00:02 Failed to process request",
    }
    assert pattern.matches("ERROR WARN message")
    assert not pattern.matches("ERROR")
    assert not pattern.matches("WARN message")


def test_or_and_not_on_first_word() -> None:
    """`[w1=ERROR || W1=WARNING, w2]` (AWS's mixed case) and `[w1!=ERROR && w1!=WARNING, w2]`."""
    either = delimited("[w1=ERROR || W1=WARNING, w2]")
    neither = delimited("[w1!=ERROR && w1!=WARNING, w2]")
    lines = ["ERROR message", "WARNING message", "INFO message"]
    assert [either.matches(line) for line in lines] == [True, True, False]
    assert [neither.matches(line) for line in lines] == [False, False, True]


def test_regex_and_quoted_values() -> None:
    """A `%regex%` and a quoted string can be conditions."""
    assert delimited("[ip = %^127\\.%, rest]").matches(APACHE[0])
    assert delimited('[..., request = "GET /apache_pb.gif HTTP/1.0", code, size]').matches(
        APACHE[0]
    )


def test_numeric_equality_on_fields() -> None:
    """`= 200` matches a field reading 200 or 200.0; a non-number compares as text."""
    pattern = delimited("[code = 200, rest]")
    assert pattern.matches("200 ok")
    assert pattern.matches("200.0 ok")
    assert not pattern.matches("abc ok")


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ("[a, ..., b, ...]", 13, "only one '...'"),
        ("[a, a]", 5, "used twice"),
        ("[request, status_code = 4* && bytes > 1000]", 31, "only one field"),
        ("[a b]", 4, "expected ',' or ']'"),
        ("[a, b", 5, "must end with ']'"),
        ("[1st, b]", 2, "field name"),
        ("[a = %x%, b = %y%, c = %z%]", 20, "more than 2 %regex%"),
        ("[a > x, b]", 6, "needs a number"),
    ],
)
def test_rejections(text: str, position: int, reason: str) -> None:
    """Malformed space-delimited patterns raise PatternError naming the position."""
    assert_rejected(text, position, reason)


def test_unterminated_bracket_is_an_ordinary_character() -> None:
    """Decision: a `[` or `"` with no closing partner does not group fields."""
    assert [field for field, _ in split_fields('a [b c "d')] == ["a", "[b", "c", '"d']
