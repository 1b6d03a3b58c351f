"""Tests for schemalog._core.normalize: any Python value becomes plain JSON data, never raising."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
import uuid
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemalog._core.normalize import MAX_DEPTH, normalize, normalize_fields, safe_repr


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


@dataclasses.dataclass
class Point:
    x: int
    when: dt.date


class Model:
    """Looks like a pydantic v2 model."""

    def model_dump(self, mode: str) -> dict[str, Any]:
        assert mode == "json"
        return {"name": "m", "id": uuid.UUID(int=1)}


class BrokenRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            dt.datetime(2026, 11, 22, 19, 20, 24, 198000, tzinfo=dt.UTC),
            "2026-11-22T19:20:24.198000Z",
        ),
        (
            dt.datetime(2026, 11, 22, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            "2026-11-22T19:00:00Z",
        ),
        (dt.datetime(2026, 11, 22, 19, 20), "2026-11-22T19:20:00"),
        (dt.date(2026, 11, 22), "2026-11-22"),
        (dt.time(9, 30), "09:30:00"),
        (dt.timedelta(seconds=90, milliseconds=5), 90.005),
        (uuid.UUID(int=255), "00000000-0000-0000-0000-0000000000ff"),
        (Decimal("19.99"), 19.99),
        (Decimal("42"), 42),
        (Decimal("NaN"), None),
        (Color.RED, "red"),
        (Level.HIGH, 3),
        (b"caf\xc3\xa9", "café"),
        (b"\xff\x00", "base64:/wA="),
        ({3, 1, 2}, [1, 2, 3]),
        (frozenset({"b", "a"}), ["a", "b"]),
        ((1, "a"), [1, "a"]),
        (PurePosixPath("/tmp/x"), "/tmp/x"),
        (ValueError("bad input"), "ValueError: bad input"),
        (Point(1, dt.date(2026, 1, 2)), {"x": 1, "when": "2026-01-02"}),
        (Model(), {"name": "m", "id": "00000000-0000-0000-0000-000000000001"}),
        (2**70, str(2**70)),
        (-(2**70), str(-(2**70))),
        (math.inf, None),
        (math.nan, None),
        ({1: "a", None: "b"}, {"1": "a", "None": "b"}),
    ],
)
def test_known_types_get_a_clear_json_form(value: object, expected: object) -> None:
    """Each known type has a documented JSON form."""
    assert normalize(value) == expected


def test_unknown_objects_become_their_repr() -> None:
    """Anything else becomes its repr, and a failing repr a placeholder naming the type."""
    assert normalize(object()).startswith("<object object at ")
    assert normalize(BrokenRepr()) == "<BrokenRepr repr failed: RuntimeError>"


def test_long_repr_is_cut() -> None:
    """A huge repr is cut to a bounded length."""
    assert len(safe_repr("x" * 10_000)) < 1100


def test_deep_and_cyclic_structures_are_cut() -> None:
    """Nesting past MAX_DEPTH, including a cycle, ends in a placeholder instead of recursing."""
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    out = normalize(cyclic)
    depth = 0
    while isinstance(out, list):
        out, depth = out[0], depth + 1
    assert depth == MAX_DEPTH
    assert out == "<deeper than 32 levels: list>"


def test_plain_fields_are_returned_unchanged() -> None:
    """Fields that are already JSON data come back as the very same dict."""
    fields = {"a": 1, "b": "x", "c": [1, {"d": None}], "e": True, "f": 1.5}
    assert normalize_fields(fields) is fields


def test_changed_fields_are_copied() -> None:
    """The caller's dict is never modified."""
    fields = {"when": dt.date(2026, 1, 1), "n": 1}
    out = normalize_fields(fields)
    assert out == {"when": "2026-01-01", "n": 1}
    assert isinstance(fields["when"], dt.date)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)
odd_values = st.one_of(
    json_values,
    st.datetimes(),
    st.dates(),
    st.uuids(),
    st.decimals(),
    st.binary(max_size=20),
    st.sets(st.integers(), max_size=4),
    st.tuples(st.integers(), st.text(max_size=3)),
    st.integers(min_value=2**64, max_value=2**80),
    st.builds(object),
)


@given(odd_values)
def test_normalized_values_always_render(value: object) -> None:
    """Whatever goes in, the result renders with orjson (surrogates aside) and is stable."""
    out = normalize(value)
    text = orjson.dumps(out, default=lambda v: pytest.fail(f"not JSON data: {v!r}"))
    assert orjson.loads(text) == out or text == b"null"
    assert normalize(out) == out  # idempotent: NaN is gone, so equality holds
