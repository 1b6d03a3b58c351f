"""Tests for schemalog.codelint.walker: following loggers through one module's scopes."""

from __future__ import annotations

import ast
import textwrap

import pytest

from schemalog.catalog.load import Catalog
from schemalog.codelint.calls import CallChecker
from schemalog.codelint.loggers import Imports
from schemalog.codelint.report import LintReport
from schemalog.codelint.walker import ModuleLinter
from tests.paths import ROOT


@pytest.fixture(scope="module")
def checker() -> CallChecker:
    """Return a checker over the project's catalog."""
    return CallChecker(Catalog.load(ROOT / "schemas"))


def walk(
    checker: CallChecker, source: str, ignores: dict[int, frozenset[str] | None]
) -> LintReport:
    tree = ast.parse(textwrap.dedent(source))
    report = LintReport()
    ModuleLinter("m.py", Imports.of(tree), checker, report, ignores).run(tree)
    return report


SOURCE = """
import schemalog

class Service:
    def __init__(self):
        self.log = schemalog.get_logger("svc").bind(total_chunks="x")

    def done(self):
        self.log.info("stream_completed")

def later():
    LOG.info("no_such_event")

LOG = schemalog.get_logger("late")
"""


def test_self_attributes_and_module_names_set_later_are_followed(checker: CallChecker) -> None:
    """A method sees self.log from __init__; a function sees a module name assigned after it."""
    report = walk(checker, SOURCE, {})
    assert [(f.line, f.rule) for f in report.findings] == [(9, "wrong-type"), (12, "unknown-event")]
    assert report.findings[0].file == "m.py"


def test_ignore_comments_silence_only_their_codes(checker: CallChecker) -> None:
    """A line's ignore codes silence those findings and count them as ignored."""
    report = walk(checker, SOURCE, {12: frozenset({"unknown-event"}), 9: frozenset({"other"})})
    assert [f.rule for f in report.findings] == ["wrong-type"]
    assert report.ignored == 1
