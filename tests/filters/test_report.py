"""Rendering counts: numbers, periods and dimensions as text."""

from __future__ import annotations

from schemalog.filters.report import dimensions_text, number_text, period_text


def test_number_text() -> None:
    """Whole numbers print without a fraction; others to three decimals (tiny ones to 3 digits)."""
    assert number_text(3.0) == "3"
    assert number_text(41.52542) == "41.525"
    assert number_text(1149431.2449) == "1149431.245"
    assert number_text(0.5) == "0.5"
    assert number_text(0.00012) == "0.00012"
    assert number_text(float("inf")) == "inf"


def test_period_text() -> None:
    """Period starts print as RFC 3339 UTC; undated and total have their own words."""
    assert period_text(1763839200) == "2025-11-22T19:20:00Z"
    assert period_text(None) == "-"
    assert period_text(5, total=True) == "total"


def test_period_text_has_four_digit_years() -> None:
    """A period start before year 1000 keeps RFC 3339's four-digit year."""
    assert period_text(-62135596800) == "0001-01-01T00:00:00Z"


def test_dimensions_text() -> None:
    """Dimensions print as name=value pairs, or '-' when there are none."""
    assert dimensions_text((("a", "1"), ("b", "x"))) == "a=1,b=x"
    assert dimensions_text(()) == "-"
