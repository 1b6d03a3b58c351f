"""Field references: ``$.a.b`` in JSON patterns, ``$name``/``$N`` in space-delimited ones."""

from __future__ import annotations

import pytest

from schemalog.exceptions import FilterError
from schemalog.filters import MetricFilter, parse_pattern
from schemalog.filters.fieldref import field_ref
from tests.filters.test_filters import body


def test_delimited_reference_must_name_a_field() -> None:
    """`$name` must be a field of the space-delimited pattern; positions are always allowed."""
    with pytest.raises(FilterError, match="no field named 'size'"):
        MetricFilter.from_dict(body("[a, b]", metricValue="$size"))
    assert MetricFilter.from_dict(body("[a, b]", metricValue="$2")).metric_value is not None


def test_json_reference_reads_nested_members() -> None:
    """`$.a.b` reads a nested member; a plain root member is read by its key."""
    ref = field_ref("$.a.b", parse_pattern("{ $.a.b = * }"), "metricValue")
    assert ref.simple_key is None
    assert ref.read({"a": {"b": 4}}, None) == 4
    assert ref.read({"a": 1}, None) is None
    root = field_ref("$.n", parse_pattern("{ $.n = * }"), "metricValue")
    assert (root.simple_key, root.read({"n": 2}, None)) == ("n", 2)


def test_delimited_reference_reads_extracted_values() -> None:
    """`$name` reads the value the pattern extracted, spelled as the pattern spells it."""
    ref = field_ref("$SIZE", parse_pattern("[ip, size]"), "dimension 'd'")
    assert ref.read(None, {"$size": "12"}) == "12"


def test_json_reference_must_start_with_dollar_dot() -> None:
    """A JSON pattern's field is written `$.field`; the error names where it was written."""
    with pytest.raises(FilterError, match="metricValue '\\$x'"):
        field_ref("$x", parse_pattern("{ $.x = * }"), "metricValue")
