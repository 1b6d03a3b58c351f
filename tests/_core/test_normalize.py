"""Tests for schemalog._core.normalize: any Python value becomes plain JSON data, never raising."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
import time
import uuid
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any, NamedTuple

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemalog._core.normalize import MAX_DEPTH, MAX_NODES, normalize, normalize_fields, safe_repr
from schemalog.record import SchemaIssue


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


class Creds(NamedTuple):
    user: str
    password: str


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


def test_a_cycle_is_cut_where_it_closes_with_a_note() -> None:
    """A container holding itself becomes a marker at the repeat, with a note naming the path."""
    cyclic: dict[str, Any] = {"name": "a"}
    cyclic["self"] = {"list": [cyclic]}
    notes: list[SchemaIssue] = []
    out = normalize_fields({"value": cyclic}, notes=notes)
    assert out["value"] == {"name": "a", "self": {"list": ["<cycle: dict>"]}}
    assert [str(note) for note in notes] == ["$.value.self.list[0]: contains itself, the cycle cut"]


def test_nesting_past_the_depth_limit_is_cut_with_a_note() -> None:
    """A value nested deeper than MAX_DEPTH levels ends in a marker, and a note says where."""
    deep: Any = "leaf"
    for _ in range(MAX_DEPTH + 5):
        deep = {"a": deep}
    notes: list[SchemaIssue] = []
    out = normalize(deep, notes=notes)
    depth = 0
    while isinstance(out, dict):
        out, depth = out["a"], depth + 1
    assert depth == MAX_DEPTH
    assert out == f"<deeper than {MAX_DEPTH} levels: dict>"
    assert [str(n) for n in notes] == [
        "$" + ".a" * MAX_DEPTH + ": nested deeper than 32 levels, cut"
    ]


def test_deep_nesting_costs_linear_time() -> None:
    """Nesting that changes at every level (once doubling the work per level) is fast."""
    deep: Any = uuid.UUID(int=1)
    for _ in range(MAX_DEPTH - 1):
        deep = {"a": deep, "b": [deep]}  # shared: 2**31 paths, if walked without a budget
    started = time.perf_counter()
    normalize(deep)
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize(
    ("value", "expected", "note"),
    [
        (Decimal("1e999999"), "1E+999999", "decimal beyond a float's range, written as a string"),
        (2**64, str(2**64), "integer beyond 64 bits, written as a string"),
        (10**20000, "<integer of 66439 bits>", "integer beyond 64 bits, written as a string"),
        ("a\ud800b", "a\ufffdb", "lone surrogates replaced with U+FFFD"),
    ],
    ids=["decimal", "int65", "int20000digits", "surrogate"],
)
def test_unwritable_values_become_strings_with_a_note(value: Any, expected: Any, note: str) -> None:
    """Huge numbers and lone surrogates become writable strings, quickly, with a note."""
    notes: list[SchemaIssue] = []
    started = time.perf_counter()
    assert normalize_fields({"v": value}, notes=notes) == {"v": expected}
    assert time.perf_counter() - started < 0.5
    assert [str(n) for n in notes] == [f"$.v: {note}"]


def test_namedtuples_keep_their_field_names() -> None:
    """A namedtuple becomes an object, so key-based redaction can see its names."""
    creds = Creds("bob", "hunter2")
    assert normalize(creds) == {"user": "bob", "password": "hunter2"}


def test_too_many_values_are_cut_with_one_note() -> None:
    """Past MAX_NODES values the rest become markers, noted once."""
    shared = [uuid.UUID(int=1)] * 1000
    notes: list[SchemaIssue] = []
    out = normalize([shared] * 200, notes=notes)
    assert out[0] == [str(uuid.UUID(int=1))] * 1000
    assert out[-1] == "<cut: too many values>"
    assert [n.reason for n in notes] == [f"more than {MAX_NODES} values, the rest cut"]


def test_plain_fields_are_returned_unchanged() -> None:
    """Fields that are already JSON data come back as the very same dict."""
    fields = {"a": 1, "b": "x", "c": [1, {"d": None}], "e": True, "f": 1.5}
    assert normalize_fields(fields) is fields


def test_a_list_of_strings_comes_back_as_it_is_unless_one_needs_a_change() -> None:
    """A list of ASCII strings is the same list; a surrogate or a str subclass in it is changed."""

    class Colour(enum.StrEnum):
        RED = "red"

    lines = ["GET /a", "POST /b", ""]
    assert normalize(lines) is lines
    assert normalize(["ok", "bad \ud800"]) == ["ok", "bad \ufffd"]
    assert normalize(["ok", Colour.RED]) == ["ok", "red"]
    assert type(normalize(["ok", Colour.RED])[1]) is str


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
