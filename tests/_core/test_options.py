"""Tests for schemalog._core.options: one strict spelling of booleans, sizes and durations."""

from __future__ import annotations

import pytest

from schemalog._core.options import (
    Parser,
    choice,
    parse_bool,
    parse_count,
    parse_duration,
    parse_env,
    parse_query,
    parse_size,
)
from schemalog.exceptions import ConfigError


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", True), ("YES", True), (" on ", True), ("off", False), ("False", False)],
)
def test_yes_no_words_are_read_in_any_case(text: str, value: bool) -> None:
    """The eight yes/no words are accepted whatever their case and surrounding spaces."""
    assert parse_bool(text) is value


@pytest.mark.parametrize("text", ["ture", "", "2", "enabled"])
def test_anything_else_is_not_a_boolean(text: str) -> None:
    """A misspelled boolean is refused, listing the accepted words (never read as False)."""
    with pytest.raises(ValueError, match="yes/no value"):
        parse_bool(text)


def test_sizes_take_decimal_and_binary_units() -> None:
    """Sizes are bytes, with kB/MB/GB (powers of 1000) and KiB/MiB/GiB (powers of 1024)."""
    assert parse_size("1048576") == 1048576
    assert parse_size("10MB") == 10_000_000
    assert parse_size("512 KiB") == 524288
    with pytest.raises(ValueError, match="not a size"):
        parse_size("10 parsecs")


@pytest.mark.parametrize(
    ("text", "seconds"), [("5", 5.0), ("2.5s", 2.5), ("250ms", 0.25), ("2m", 120.0), ("1h", 3600.0)]
)
def test_durations_are_seconds_with_optional_units(text: str, seconds: float) -> None:
    """Durations are seconds, or ms/s/m/h."""
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["-1", "inf", "nan", "5 parsecs", "soon"])
def test_bad_durations_are_refused(text: str) -> None:
    """Negative, infinite, unknown-unit and non-numeric durations are errors."""
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_counts_are_whole_numbers_of_zero_or_more() -> None:
    """A count is a plain whole number; signs and fractions are refused."""
    assert parse_count(" 7 ") == 7
    for text in ("-1", "1.5", "x"):
        with pytest.raises(ValueError, match="whole number"):
            parse_count(text)


def test_choice_accepts_only_its_words() -> None:
    """A choice parser names the accepted words when refusing."""
    parse = choice("S", "midnight")
    assert parse("midnight") == "midnight"
    with pytest.raises(ValueError, match="S, midnight"):
        parse("noon")


def test_a_query_is_parsed_option_by_option() -> None:
    """Each option of a sink string is parsed by its own parser."""
    parsers = {"create_group": parse_bool, "max_bytes": parse_size}
    assert parse_query("sink 'x'", "create_group=yes&max_bytes=1KiB", parsers) == {
        "create_group": True,
        "max_bytes": 1024,
    }


def test_a_misspelled_option_names_the_nearest_known_one() -> None:
    """An unknown option is an error naming where, what, the nearest option and all of them."""
    parsers: dict[str, Parser] = {"create_group": parse_bool, "region": str}
    with pytest.raises(ConfigError) as raised:
        parse_query("sink 'cloudwatch:g?create_grop=1'", "create_grop=1", parsers)
    message = str(raised.value)
    assert "sink 'cloudwatch:g?create_grop=1'" in message
    assert "did you mean 'create_group'" in message
    assert "region" in message


def test_a_bad_value_names_the_option_and_the_accepted_values() -> None:
    """cloudwatch:g?create_group=ture is refused, naming the option and the yes/no words."""
    with pytest.raises(ConfigError, match=r"create_group: 'ture' is not a yes/no value \(1, true"):
        parse_query("sink 'cloudwatch:g'", "create_group=ture", {"create_group": parse_bool})


def test_an_option_given_twice_is_an_error() -> None:
    """Repeating an option is refused rather than letting the last one win in silence."""
    with pytest.raises(ConfigError, match="given twice"):
        parse_query("sink 'x'", "a=1&a=2", {"a": parse_count})


def test_environment_variables_use_the_same_parsers() -> None:
    """An unset or empty variable gives the default; a bad one names the variable."""
    assert parse_env({}, "SCHEMALOG_CALLER", parse_bool, False) is False
    assert parse_env({"SCHEMALOG_CALLER": " "}, "SCHEMALOG_CALLER", parse_bool, True) is True
    assert parse_env({"SCHEMALOG_CALLER": "on"}, "SCHEMALOG_CALLER", parse_bool, False) is True
    with pytest.raises(ConfigError, match="SCHEMALOG_CALLER: 'maybe'"):
        parse_env({"SCHEMALOG_CALLER": "maybe"}, "SCHEMALOG_CALLER", parse_bool, False)
