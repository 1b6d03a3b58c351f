"""Tests for schemalog.exceptions: one base for every error, old bases kept."""

from __future__ import annotations

import inspect

import pytest

import schemalog
from schemalog import exceptions
from schemalog.exceptions import (
    CatalogError,
    ConfigError,
    FilterDirError,
    FilterError,
    InputError,
    InvalidEventError,
    PatternError,
    SchemalogError,
    UnknownEventError,
)
from schemalog.record import SchemaIssue

ERRORS = [
    value
    for name, value in vars(exceptions).items()
    if inspect.isclass(value) and issubclass(value, BaseException) and not name.startswith("_")
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: e.__name__)
def test_every_error_derives_from_schemalog_error_and_says_when(error: type[Exception]) -> None:
    """Each public error class is a SchemalogError with a docstring saying when it happens."""
    assert issubclass(error, SchemalogError)
    assert error.__doc__ and error.__doc__.strip()
    assert error.__name__ in exceptions.__all__


@pytest.mark.parametrize(
    ("error", "old_base"),
    [
        (ConfigError, ValueError),
        (CatalogError, ValueError),
        (UnknownEventError, LookupError),
        (InvalidEventError, ValueError),
        (InputError, OSError),
        (PatternError, ValueError),
        (FilterError, ValueError),
    ],
)
def test_errors_keep_the_standard_base_they_had(
    error: type[Exception], old_base: type[Exception]
) -> None:
    """Code written as ``except ValueError`` (or OSError...) still catches them."""
    assert issubclass(error, old_base)


def test_every_error_schemalog_raises_is_caught_by_one_except(tmp_path: object) -> None:
    """A configuration mistake and an unreadable catalog are both a SchemalogError."""
    with pytest.raises(SchemalogError):
        schemalog.configure(sinks=["nowhere:at-all"])
    with pytest.raises(SchemalogError):
        schemalog.configure(sinks=[], schemas=f"{tmp_path}/missing")


def test_problem_lists_keep_each_problem() -> None:
    """CatalogError and FilterDirError carry their problems, one per line in the message."""
    error = FilterDirError(["a.json: bad", "b.json: worse"])
    assert error.problems == ["a.json: bad", "b.json: worse"]
    assert str(error) == "a.json: bad\nb.json: worse"
    assert isinstance(error, FilterError)


def test_invalid_event_error_lists_the_issues() -> None:
    """InvalidEventError names the event type and every issue, path first."""
    error = InvalidEventError("cache_miss", [SchemaIssue("$.key", "is required")])
    assert error.event_type == "cache_miss"
    assert str(error) == "invalid 'cache_miss' event: $.key: is required"


def test_pattern_error_points_at_a_position() -> None:
    """PatternError keeps the 1-based position and the reason."""
    error = PatternError(7, "unclosed quote")
    assert (error.position, error.reason, str(error)) == (
        7,
        "unclosed quote",
        "position 7: unclosed quote",
    )
