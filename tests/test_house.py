"""The house rules that import-linter does not check: module and function size caps."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.paths import ROOT

SOURCE = ROOT / "src" / "schemalog"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MODULES = sorted(SOURCE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_no_module_is_over_the_cap(path: Path) -> None:
    """A module longer than 400 lines is two modules."""
    lines = path.read_text().count("\n")
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_no_function_is_over_the_cap(path: Path) -> None:
    """A function longer than 60 lines (docstring included) is split into named steps."""
    tree = ast.parse(path.read_text())
    long = [
        f"{node.name} (line {node.lineno}): {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path.relative_to(ROOT)}: {long}"


def test_every_module_has_its_test_file() -> None:
    """Each module ``src/schemalog/<room>/<name>.py`` has ``tests/<room>/test_<name>.py``."""
    missing = []
    for path in MODULES:
        relative = path.relative_to(SOURCE)
        if path.name in ("__init__.py", "__main__.py", "_version.py"):
            continue
        expected = ROOT / "tests" / relative.parent / f"test_{path.stem}.py"
        if not expected.exists():
            missing.append(str(relative))
    assert not missing, f"modules without a test file of their own: {missing}"
