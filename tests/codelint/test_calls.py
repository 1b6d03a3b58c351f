"""Tests for schemalog.codelint.calls: one event call against the catalog."""

from __future__ import annotations

import ast

import pytest

from schemalog.catalog.load import Catalog
from schemalog.codelint.calls import UNKNOWN, CallChecker, literal_value, plain_type
from schemalog.codelint.loggers import FRESH
from schemalog.codelint.report import LintReport
from tests.paths import ROOT


def expression(source: str) -> ast.expr:
    return ast.parse(source, mode="eval").body


@pytest.fixture(scope="module")
def checker() -> CallChecker:
    """Return a checker over the project's catalog."""
    return CallChecker(Catalog.load(ROOT / "schemas"))


def test_literal_values_become_json() -> None:
    """Literals become their JSON value; anything computed is UNKNOWN."""
    assert literal_value(expression('{"a": [1, -2.5, None]}')) == {"a": [1, -2.5, None]}
    assert literal_value(expression("f(x)")) is UNKNOWN
    assert literal_value(expression("{k: 1}")) is UNKNOWN


def test_plain_types_of_expressions() -> None:
    """f-strings are strings, len() integers, [..] arrays; a plain name is not known."""
    assert plain_type(expression('f"{x}"')) == "string"
    assert plain_type(expression("len(x)")) == "integer"
    assert plain_type(expression("[x]")) == "array"
    assert plain_type(expression("x")) is None


def test_check_reports_code_place_and_counts(checker: CallChecker) -> None:
    """A wrong type is reported at the value, with its code; the call is counted."""
    node = expression('log.info("stream_completed", total_chunks="many")')
    assert isinstance(node, ast.Call)
    report = LintReport()
    ((line, column, code, message),) = checker.check(node, "info", FRESH, report)
    assert (line, column, code) == (1, 43, "wrong-type")
    assert "total_chunks" in message
    assert (report.calls, report.emitted) == (1, {"stream_completed"})


def test_computed_event_type_is_counted_not_checked(checker: CallChecker) -> None:
    """An event type that is not a literal is counted as dynamic, with no finding."""
    node = expression("log.info(name, anything=1)")
    assert isinstance(node, ast.Call)
    report = LintReport()
    assert checker.check(node, "info", FRESH, report) == []
    assert report.dynamic == 1
