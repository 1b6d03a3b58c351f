"""Tests for schemalog.insights.nodes: the parsed query as frozen values that compare by content."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from schemalog.insights import nodes
from schemalog.insights.parser import parse_query


def test_nodes_are_values() -> None:
    """Nodes built alike are equal and hash alike; a different operand makes them differ."""
    one = nodes.Binary(">", nodes.Field("a"), nodes.Literal(1))
    assert one == nodes.Binary(">", nodes.Field("a"), nodes.Literal(1))
    assert hash(one) == hash(nodes.Binary(">", nodes.Field("a"), nodes.Literal(1)))
    assert one != nodes.Binary(">", nodes.Field("a"), nodes.Literal(2))
    assert len({one, nodes.Binary(">", nodes.Field("a"), nodes.Literal(1))}) == 1


def test_nodes_cannot_be_changed() -> None:
    """A node is frozen: assigning to its field raises, so a parsed query is never altered."""
    limit = nodes.Limit(5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        limit.count = 6  # type: ignore[misc]
    assert limit.count == 5


def test_defaults_of_optional_parts() -> None:
    """A Stats has no groups unless given, and a Call's text is empty unless given."""
    count = nodes.Call("count", (nodes.Star(),), position=6)
    assert count.text == ""
    assert nodes.Stats((nodes.Named(count, "count(*)"),)).groups == ()


def test_a_parsed_query_equals_the_nodes_written_by_hand() -> None:
    """The parser's Query is the same value as the tree of nodes it stands for."""
    text = "filter status >= 500 | stats count(*) as n by endpoint | sort n desc | limit 3"
    # Positions count from 1, as error messages show them.
    count = nodes.Call("count", (nodes.Star(),), position=text.index("count") + 1, text="count(*)")
    endpoint = nodes.Named(nodes.Field("endpoint"), "endpoint")
    expected = nodes.Query(
        (
            nodes.Filter(nodes.Binary(">=", nodes.Field("status"), nodes.Literal(500))),
            nodes.Stats((nodes.Named(count, "n"),), (endpoint,)),
            nodes.Sort((("n", True),)),
            nodes.Limit(3),
        ),
        text,
    )
    assert parse_query(text) == expected


def test_every_node_class_is_in_its_union() -> None:
    """Each expression class is an Expr and each command class a Command, for the engine."""
    expressions = set(typing.get_args(nodes.Expr))
    commands = set(typing.get_args(nodes.Command))
    for name, value in vars(nodes).items():
        if not dataclasses.is_dataclass(value) or name in ("Named", "Query"):
            continue
        assert (value in expressions) != (value in commands), name
