"""Tests for schemalog.codelint.loggers: imports, scopes, bound fields and statements."""

from __future__ import annotations

import ast
import textwrap

from schemalog.codelint.loggers import FRESH, Imports, Logger, Scope, keywords, statements


def call(source: str) -> ast.Call:
    node = ast.parse(source, mode="eval").body
    assert isinstance(node, ast.Call)
    return node


def test_imports_finds_the_logger_api_under_its_aliases() -> None:
    """`import schemalog as sl` and `from schemalog import get_logger as gl` are both seen."""
    tree = ast.parse("import schemalog as sl\nfrom schemalog import get_logger as gl, BoundLogger")
    found = Imports.of(tree)
    assert (found.modules, found.factories, found.classes) == ({"sl"}, {"gl"}, {"BoundLogger"})
    assert not Imports.of(ast.parse("import logging")).any


def test_logger_annotation_through_unions_and_quotes() -> None:
    """`BoundLogger | None` and `"BoundLogger"` annotate a logger; `Logger` does not."""
    imports = Imports.of(ast.parse("from schemalog import BoundLogger"))
    union = ast.parse("x: BoundLogger | None").body[0]
    quoted = ast.parse('x: "BoundLogger"').body[0]
    other = ast.parse("x: Logger").body[0]
    assert isinstance(union, ast.AnnAssign) and isinstance(quoted, ast.AnnAssign)
    assert isinstance(other, ast.AnnAssign)
    assert imports.is_logger_annotation(union.annotation)
    assert imports.is_logger_annotation(quoted.annotation)
    assert not imports.is_logger_annotation(other.annotation)


def test_keywords_spread_a_literal_mapping() -> None:
    """`**{"a": 1}` yields its keys; any other `**mapping` yields None (fields unknown)."""
    names = [name for name, _, _ in keywords(call('f(x=1, **{"a": 2}, **extra)'))]
    assert names == ["x", "a", None]


def test_bind_and_unbind_follow_fields_but_not_context() -> None:
    """bind() adds fields (context names excepted); unbind() removes them; ** opens it."""
    bound = FRESH.bind(call("log.bind(model='m', session_id='s')"))
    assert [name for name, _ in bound.fields] == ["model"]
    assert bound.unbind(call("log.unbind('model')")).fields == ()
    assert FRESH.bind(call("log.bind(**kw)")).open


def test_scope_lookup_walks_outwards() -> None:
    """A name is found in the nearest scope that sets it; None shadows an outer logger."""
    outer = Scope(None)
    outer.names["log"] = FRESH
    inner = Scope(outer)
    assert inner.lookup("log") is FRESH
    inner.names["log"] = None
    assert inner.lookup("log") is None
    assert Scope(outer).lookup("missing") is None
    assert isinstance(FRESH, Logger)


def test_statements_yield_nested_blocks() -> None:
    """Statements inside if/try/with/match blocks are yielded, in order."""
    tree = ast.parse(
        textwrap.dedent(
            """
            if a:
                x = 1
            try:
                y = 2
            except E:
                z = 3
            """
        )
    )
    names = [s.targets[0].id for s in statements(tree.body) if isinstance(s, ast.Assign)]  # type: ignore[attr-defined]
    assert names == ["x", "y", "z"]
