"""Tests for schemalog.codelint.report: what one lint run found and saw."""

from __future__ import annotations

from schemalog.catalog.load import Catalog
from schemalog.codelint.report import LintReport
from tests.paths import ROOT


def test_not_emitted_lists_cataloged_types_no_call_emits() -> None:
    """not_emitted is the catalog minus the event types the linted calls emit, in order."""
    catalog = Catalog.load(ROOT / "schemas")
    report = LintReport(emitted={"stream_completed"})
    missing = report.not_emitted(catalog)
    assert "stream_completed" not in missing
    assert missing == [name for name in catalog if name != "stream_completed"]
