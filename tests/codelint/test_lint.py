"""Tests for schemalog.codelint.lint: event calls in source checked against the catalog."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from schemalog.catalog.load import Catalog
from schemalog.codelint.lint import LintReport, lint_paths, lint_source
from tests.paths import ROOT


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """Return the project's catalog."""
    return Catalog.load(ROOT / "schemas")


def lint(catalog: Catalog, source: str) -> LintReport:
    report = LintReport()
    lint_source(textwrap.dedent(source), "app.py", catalog, report)
    return report


def findings(catalog: Catalog, source: str) -> list[str]:
    return [str(f) for f in lint(catalog, source).findings]


def test_old_event_name_is_caught_with_a_suggestion(catalog: Catalog) -> None:
    """The seed's renamed event is reported where it is, suggesting the cataloged name."""
    found = findings(
        catalog,
        """
        import schemalog
        log = schemalog.get_logger(__name__)
        log.info(event_type="stream_complete")
        """,
    )
    assert found == [
        "app.py:4:21: unknown-event: unknown event type 'stream_complete'"
        " (did you mean 'stream_completed'?)"
    ]


def test_project_examples_and_demo_pass(catalog: Catalog) -> None:
    """The project's own examples and demo lint clean (the demo's deliberate bugs are marked)."""
    report = lint_paths([str(ROOT / "examples"), str(ROOT / "src/schemalog/demo.py")], catalog)
    assert report.findings == []
    assert report.unreadable == []
    assert report.calls >= 15
    assert report.ignored == 3
    assert {"stream_completed", "chat_completion_request_start"} <= report.emitted


def test_every_level_method_and_both_event_type_forms(catalog: Catalog) -> None:
    """debug..exception and log(level, ...) are checked, positional or event_type=."""
    found = findings(
        catalog,
        """
        import logging
        from schemalog import get_logger
        log = get_logger()
        log.debug("cache_hitt")
        log.info("cache_hitt")
        log.warning("cache_hitt")
        log.error(event_type="cache_hitt")
        log.critical("cache_hitt")
        log.exception("cache_hitt")
        log.log(logging.INFO, "cache_hitt")
        log.info("cache_miss")
        """,
    )
    assert [f.split(":")[1] for f in found] == [str(n) for n in range(5, 12)]
    assert all("did you mean 'cache_hit'" in f for f in found)


def test_fields_checked_against_the_schema(catalog: Catalog) -> None:
    """Undeclared fields, missing required ones and wrong literal types are each reported."""
    found = findings(
        catalog,
        """
        import schemalog
        log = schemalog.get_logger("app")
        log.info("stream_completed", total_chunk=3)
        log.info("stream_completed", total_chunks="many")
        log.info("stream_completed", total_chunks=str(7), chunk_count=-1)
        log.info("chat_completions_error", error=f"boom", error_type="X", status_code=99)
        log.info("stream_completed", total_chunks=1, session_id="s", exc_info=True)
        """,
    )
    assert found == [
        "app.py:4:30: undeclared-field: 'total_chunk' is not a field of stream_completed 1.0.0"
        " (fields: chunk_count, total_chunks); did you mean 'total_chunks'?",
        "app.py:4:1: missing-field: stream_completed 1.0.0 requires 'total_chunks'",
        "app.py:5:43: wrong-type: stream_completed 1.0.0 field 'total_chunks':"
        ' expected an integer, got "many"',
        "app.py:6:43: wrong-type: stream_completed 1.0.0 field 'total_chunks':"
        " expected an integer, got a string (str(7))",
        "app.py:6:63: wrong-type: stream_completed 1.0.0 field 'chunk_count':"
        " -1 is less than the minimum of 0",
        "app.py:7:79: wrong-type: chat_completions_error 1.0.0 field 'status_code':"
        " 99 is less than the minimum of 100",
    ]


def test_missing_fields_not_reported_when_kwargs_hide_them(catalog: Catalog) -> None:
    """A call spreading **kwargs may carry the required fields: no missing-field finding."""
    found = findings(
        catalog,
        """
        import schemalog
        log = schemalog.get_logger("app")
        def emit(**fields):
            log.info("stream_completed", **fields)
            log.info("stream_completed", **{"total_chunks": "x"})
        """,
    )
    assert len(found) == 1
    assert "wrong-type" in found[0]


def test_bound_fields_count_and_are_checked(catalog: Catalog) -> None:
    """Fields bound with bind() or bound() count as given, and undeclared ones are reported."""
    found = findings(
        catalog,
        """
        import schemalog
        from schemalog import bound
        log = schemalog.get_logger("app")
        stream_log = log.bind(total_chunks=5, session_id="s-1")
        stream_log.info("stream_completed")
        stream_log.info("cache_miss")
        log.bind(total_chunks=1).unbind("total_chunks").info("stream_completed")
        with bound(total_chunks=2):
            log.info("stream_completed")
        schemalog.get_logger("x").bind(model="m").info("stream_completed", total_chunks=1)
        """,
    )
    assert found == [
        "app.py:7:1: undeclared-field: 'total_chunks' (bound at line 5) is not a field of"
        " cache_miss 1.0.0 (fields: none)",
        "app.py:8:1: missing-field: stream_completed 1.0.0 requires 'total_chunks'",
        "app.py:11:1: undeclared-field: 'model' (bound at line 11) is not a field of"
        " stream_completed 1.0.0 (fields: chunk_count, total_chunks)",
    ]


def test_only_schemalog_loggers_are_checked(catalog: Catalog) -> None:
    """Stdlib loggers, shadowed names and other objects' info() calls are left alone."""
    found = findings(
        catalog,
        """
        import logging
        import schemalog as sl
        log = sl.get_logger("app")
        std = logging.getLogger("app")
        std.info("not an event %s", 1)
        def handler(log):
            log.info("whatever %s", 2)
        def other():
            log = logging.getLogger("x")
            log.info("also not an event")
        class Service:
            def __init__(self, log: sl.BoundLogger) -> None:
                self.log = log
                self.std = logging.getLogger("svc")
            def run(self) -> None:
                self.std.info("plain")
                self.log.info("stream_complete")
        def typed(logger: "sl.BoundLogger | None") -> None:
            logger.info("cache_hitt")
        """,
    )
    assert [f.split(": ")[1] for f in found] == ["unknown-event", "unknown-event"]
    assert [f.split(":")[1] for f in found] == ["18", "20"]


def test_module_logger_used_in_functions_defined_before_it(catalog: Catalog) -> None:
    """A function sees the module's logger even when it is assigned below the function."""
    found = findings(
        catalog,
        """
        import schemalog
        def handle():
            log.info("cache_hitt")
        log = schemalog.get_logger("app")
        """,
    )
    assert len(found) == 1


def test_ignore_comments_silence_calls(catalog: Catalog) -> None:
    """# schemalog: ignore silences a call; ignore[code] only that code."""
    report = lint(
        catalog,
        """
        import schemalog
        log = schemalog.get_logger("app")
        log.info("stream_complete")  # schemalog: ignore
        log.info(  # schemalog: ignore[undeclared-field]
            "stream_completed", total_chunks="x", temp=0.2,
        )
        """,
    )
    assert [f.rule for f in report.findings] == ["wrong-type"]
    assert report.ignored == 2


def test_reserved_names_pins_and_bad_calls(catalog: Catalog) -> None:
    """Envelope names, unknown pinned versions and %-style arguments are reported."""
    found = findings(
        catalog,
        """
        import schemalog
        log = schemalog.get_logger("app")
        log.info("cache_miss", level="x")
        log.info("launch", schema_version="3", provider="Git", spec="s", status="success")
        log.info("launch", schema_version="1", provider="Gist", spec="s", status="success")
        log.info("cache_miss", 5)
        log.info(name)
        """,
    )
    codes = [f.split(": ")[1] for f in found]
    assert codes == ["reserved-name", "unknown-version", "wrong-type", "bad-call"]
    assert "launch 1.0.0 field 'provider'" in found[2]


def test_files_without_schemalog_are_skipped_and_bad_files_reported(
    tmp_path: Path, catalog: Catalog
) -> None:
    """A file never naming schemalog is not parsed; unparsable or missing paths are listed."""
    (tmp_path / "plain.py").write_text("print('hi')\n")
    (tmp_path / "broken.py").write_text("import schemalog\ndef (:\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.py").write_text("import schemalog\n")
    report = lint_paths([str(tmp_path), str(tmp_path / "missing.py")], catalog)
    assert report.files == 2
    assert report.parsed == 0
    assert len(report.unreadable) == 2
    assert "broken.py:2: cannot parse" in report.unreadable[0]
    assert report.unreadable[1].endswith("missing.py: no such file or directory")


def test_deeply_nested_files_are_reported_not_raised(tmp_path: Path, catalog: Catalog) -> None:
    """A file too deep to lint, or to parse, is listed as unreadable; the others are linted."""
    import sys

    depth = sys.getrecursionlimit()
    (tmp_path / "deep_lint.py").write_text("import schemalog\nx = " + "+".join(["1"] * depth))
    (tmp_path / "deep_parse.py").write_text("import schemalog\nx = " + "1+" * 200 * depth + "1")
    (tmp_path / "deep_unary.py").write_text("import schemalog\nx = " + "-" * 100 * depth + "1")
    (tmp_path / "ok.py").write_text(
        "import schemalog\nlog = schemalog.get_logger(__name__)\nlog.info('no_such_event')\n"
    )
    report = lint_paths([str(tmp_path)], catalog)
    assert sorted(line.split(": ", 1)[1] for line in report.unreadable) == [
        "cannot lint: too deeply nested",
        "cannot parse: too deeply nested",
        "cannot parse: too deeply nested",
    ]
    assert [finding.rule for finding in report.findings] == ["unknown-event"]


def test_not_emitted_lists_cataloged_types_without_calls(catalog: Catalog) -> None:
    """Event types no linted call emits are listed; emitted ones are not."""
    report = lint(
        catalog,
        """
        import schemalog
        schemalog.get_logger().info("cache_miss")
        """,
    )
    unused = report.not_emitted(catalog)
    assert "cache_miss" not in unused
    assert "cache_hit" in unused
    assert len(unused) == len(catalog) - 1


def test_imported_name_replaces_a_logger(catalog: Catalog) -> None:
    """A later import of another ``log`` (distutils-style) is not taken for the logger."""
    found = findings(
        catalog,
        """
        import schemalog
        log = schemalog.get_logger()
        log.info("cache_hitt")
        from distutils import log
        log.info("copying %s", "x")
        """,
    )
    assert [f.split(":")[1] for f in found] == ["4"]
