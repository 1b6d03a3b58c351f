"""Count rows: period starts as text."""

from __future__ import annotations

from schemalog.filters.report import period_text


def test_period_text() -> None:
    """Period starts print as RFC 3339 UTC; undated and total have their own words."""
    assert period_text(1763839200) == "2025-11-22T19:20:00Z"
    assert period_text(None) == "-"
    assert period_text(5, total=True) == "total"


def test_period_text_has_four_digit_years() -> None:
    """A period start before year 1000 keeps RFC 3339's four-digit year."""
    assert period_text(-62135596800) == "0001-01-01T00:00:00Z"
