"""``schemalog lint``: event calls in Python source, checked against the catalog.

The source is parsed with :mod:`ast`, never imported or run. A file that does not mention
``schemalog`` cannot hold a recognisable call, so it is skipped unparsed: that keeps the lint
fast enough for pre-commit on a large repository.

**Which objects are schemalog loggers.** A name or ``self`` attribute assigned from
``schemalog.get_logger(...)`` (or a ``get_logger`` imported from schemalog), from another
logger's ``.bind(...)`` / ``.unbind(...)``, a parameter or variable annotated ``BoundLogger``,
and such expressions used directly (``get_logger("x").bind(a=1).info(...)``). Assignments are
followed in source order within each function; a function sees its module's final names. A
stdlib ``logging`` logger is never mistaken for one, whatever its name.

**What is an event call.** ``debug``, ``info``, ``warning``, ``error``, ``critical`` and
``exception`` (the event type first, or as ``event_type=``) and ``log`` (after the level) on a
logger. Fields come from the call's keywords, from a literal ``**{...}``, from ``.bind()``
along the logger's chain, and from an enclosing ``with schemalog.bound(...)``. A call whose
event type is not a string literal is counted but not checked.

**Findings** (``file:line:col: code: message``): ``unknown-event`` (with a suggestion),
``unknown-version`` (a pinned ``schema_version`` the catalog lacks), ``undeclared-field``,
``missing-field`` (only when every field is visible: no other ``**kwargs``), ``wrong-type``
(literal values, and values whose type is plain: f-strings, ``str(...)``, ``len(...)``...),
``reserved-name`` (an envelope name schemalog sets itself) and ``bad-call`` (extra positional
arguments). A comment ``# schemalog: ignore`` on any line of a call silences its findings;
``# schemalog: ignore[wrong-type, undeclared-field]`` silences only those codes.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

from schemalog.catalog.load import Catalog
from schemalog.codelint.calls import CallChecker
from schemalog.codelint.loggers import Imports
from schemalog.codelint.report import LintReport
from schemalog.codelint.walker import ModuleLinter

__all__ = ["SKIPPED_DIRS", "LintReport", "iter_python_files", "lint_paths", "lint_source"]

#: Directories never descended into when a directory is linted.
SKIPPED_DIRS: Final = frozenset(
    {"__pycache__", "node_modules", "venv", "site-packages", "build", "dist"}
)
_IGNORE: Final = re.compile(r"#.*?\bschemalog:\s*ignore\b(?:\[([^\]]*)\])?")


def iter_python_files(paths: Iterable[str]) -> Iterator[tuple[str, str | None]]:
    """Yield ``(path, problem)`` for every Python file under ``paths``, sorted per directory.

    A file named on the command line is linted whatever its suffix; directories are searched
    for ``*.py``, skipping hidden directories, virtual environments and build output.
    """
    for given in paths:
        if os.path.isfile(given):
            yield given, None
        elif os.path.isdir(given):
            for directory, subdirs, files in os.walk(given):
                subdirs[:] = sorted(
                    d for d in subdirs if not d.startswith(".") and d not in SKIPPED_DIRS
                )
                for name in sorted(files):
                    if name.endswith(".py"):
                        yield os.path.join(directory, name), None
        else:
            yield given, "no such file or directory"


def lint_paths(paths: Iterable[str], catalog: Catalog) -> LintReport:
    """Lint every Python file under ``paths`` against ``catalog``."""
    report = LintReport()
    checker = CallChecker(catalog)
    for path, problem in iter_python_files(paths):
        if problem is not None:
            report.unreadable.append(f"{path}: {problem}")
            continue
        report.files += 1
        try:
            source = Path(path).read_bytes()
        except OSError as error:
            report.unreadable.append(f"{path}: cannot read: {error.strerror}")
            continue
        if b"schemalog" not in source:
            continue
        lint_source(source, path, checker, report)
    report.findings.sort()
    return report


def lint_source(
    source: bytes | str, path: str, checker: CallChecker | Catalog, report: LintReport
) -> None:
    """Lint one file's source into ``report``."""
    if isinstance(checker, Catalog):
        checker = CallChecker(checker)
    try:
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError) as error:
        where = f":{error.lineno}" if isinstance(error, SyntaxError) and error.lineno else ""
        reason = error.msg if isinstance(error, SyntaxError) else str(error)
        report.unreadable.append(f"{path}{where}: cannot parse: {reason}")
        return
    except (RecursionError, MemoryError):  # CPython's parser raises either when nested too deep
        report.unreadable.append(f"{path}: cannot parse: too deeply nested")
        return
    report.parsed += 1
    imports = Imports.of(tree)
    if not imports.any:
        return
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    ignores = ignore_comments(text) if "schemalog:" in text else {}
    try:
        ModuleLinter(path, imports, checker, report, ignores).run(tree)
    except RecursionError:  # the visitor recurses; a file valid for Python can still be too deep
        report.unreadable.append(f"{path}: cannot lint: too deeply nested")


def ignore_comments(text: str) -> dict[int, frozenset[str] | None]:
    """Map line numbers to the codes their ``# schemalog: ignore[...]`` silences (None: all)."""
    found: dict[int, frozenset[str] | None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if match:
            codes = match.group(1)
            found[number] = (
                None if codes is None else frozenset(c.strip() for c in codes.split(","))
            )
    return found
