"""The shape check agrees with the general check: it passes a line only when that one does.

Differential: real lines (the demo's, the analytics fixture's) and many mutations of them go
through both ways; every line the shape check passes must pass the general check with the
same row, and the common valid lines must take the fast way (or the test proves nothing).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from schemalog.catalog.load import Catalog
from schemalog.demo import run_demo
from schemalog.linecheck import is_timestamp
from schemalog.record import ENVELOPE_ORDER
from schemalog.storage import shapes
from schemalog.storage.rows import Batch, RowMaker, checker_for, event_row
from schemalog.storage.shapes import ShapeCheck
from tests.conftest import SCHEMAS

#: Values each envelope name (and a few event fields) is set to in the mutations.
ODD_VALUES: list[Any] = [
    None,
    "",
    "x",
    "log",
    "1",
    "01.0.0",
    "9.9.9",
    "1.0.0",
    "debug",
    "INFO",
    "2026-02-30T10:00:00.000Z",
    "2026-12-06T24:00:00.000Z",
    "2026-12-06T10:60:00.000Z",
    "2026-12-06T10:00:00Z",
    "2026-12-06T10:00:00.000Z",
    "01a24970-ed19-7884-8ff9-e1c0cfb96ce4",
    "01a24970-ed19-7884-8ff9-e1c0cfb96ce4x",
    "memory_posted",
    "e" * 101,
    0,
    1,
    0.5,
    1.5,
    -1,
    True,
    False,
    [],
    ["$.x: bad"],
    ["$.x"],
    [1],
    {},
    {"a": 1},
]
#: Names mutated: the envelope, the ingestion stamp, and event fields of the demo's events.
NAMES = [
    *ENVELOPE_ORDER,
    "received_at",
    "family_unit_id",
    "model",
    "cache_expires_in_seconds",
    "_aws",
]


@pytest.fixture(scope="module")
def demo_lines(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """Return the lines of a short demo run (a few hundred, of every demo event type)."""
    directory = tmp_path_factory.mktemp("demo")
    with contextlib.redirect_stdout(io.StringIO()):
        run_demo(directory, sessions=40)
    return (directory / "events.jsonl").read_bytes().splitlines()


def mutations(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield ``record`` with each name in turn removed, or set to each odd value."""
    for name in NAMES:
        if name in record:
            yield {key: value for key, value in record.items() if key != name}
        for value in ODD_VALUES:
            yield {**record, name: value}


def general_batch(maker: RowMaker, lines: list[bytes], monkeypatch: pytest.MonkeyPatch) -> Batch:
    """Return the rows of ``lines`` made the general way only (no shape is known)."""
    monkeypatch.setattr(maker.shapes, "row", lambda _record: None)
    return made_batch(maker, lines)


def made_batch(maker: RowMaker, lines: list[bytes]) -> Batch:
    batch = Batch()
    for number, line in enumerate(lines, start=1):
        maker.add(batch, "in.jsonl", number, line)
    return batch


def test_shape_check_passes_only_what_the_general_check_passes(demo_lines: list[bytes]) -> None:
    """Every mutation the shape check passes, the general one passes too, with the same row."""
    maker = RowMaker(checker_for(Catalog.load(SCHEMAS)))
    check = maker.shapes
    passed = failed = 0
    for line in demo_lines[:120]:
        for record in mutations(orjson.loads(line)):
            row = check.row(record)
            if row is None:
                failed += 1
                continue
            passed += 1
            assert maker.problem(record) == "", record
            assert row == event_row(record)
    assert passed > 1000 and failed > 1000  # both ways were taken, many times


def test_common_lines_take_the_fast_way(demo_lines: list[bytes], analytics_lines: Path) -> None:
    """The demo's and the analytics fixture's events all pass the shape check."""
    check = ShapeCheck(checker_for(Catalog.load(SCHEMAS)))
    records = [orjson.loads(line) for line in demo_lines]
    records += [orjson.loads(line) for line in analytics_lines.read_bytes().splitlines()]
    events = [record for record in records if "_aws" not in record]
    assert len(events) > 500
    for record in events:
        assert check.row(record) == event_row(record), record


@pytest.mark.parametrize("static_fields", ["", "family_unit_id=f,model=m"])
def test_same_batch_either_way(
    demo_lines: list[bytes], static_fields: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines and their mutations give the same events, rejects and duplicates both ways."""
    monkeypatch.setenv("SCHEMALOG_STATIC_FIELDS", static_fields)  # names kept from the schema
    lines = [*demo_lines, *demo_lines[:5], b"{oops", b"[1]"]
    lines += [orjson.dumps(m) for line in demo_lines[:40] for m in mutations(orjson.loads(line))]
    catalog = Catalog.load(SCHEMAS)
    fast = made_batch(RowMaker(checker_for(catalog)), lines)
    general = general_batch(RowMaker(checker_for(catalog)), lines, monkeypatch)
    assert fast.events == general.events
    assert fast.rejects == general.rejects
    assert (fast.duplicates, fast.metrics) == (general.duplicates, general.metrics)
    assert len(fast.events) > 400 and len(fast.rejects) > 1000


def test_shapes_remembered_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines of ever new shapes do not grow the memory past MAX_SHAPES; they are still judged."""
    monkeypatch.setattr(shapes, "MAX_SHAPES", 3)
    check = ShapeCheck(checker_for(Catalog.load(SCHEMAS)))
    line = orjson.loads(b'{"timestamp":"2026-12-06T10:00:00.000Z","level":"info","logger":"a"}')
    for number in range(10):
        event_id = f"{number:08}-0000-0000-0000-{0:012}"
        record = {**line, "event_type": "log", "event_id": event_id}
        record[f"field_{number}"] = number
        assert check.row(record) == event_row(record)
    assert len(check._shapes) == 3


@pytest.mark.parametrize(
    "stamp",
    [
        "2028-02-29T10:00:00.000Z",
        "2027-02-29T10:00:00.000Z",
        "0000-01-01T00:00:00.000Z",
        "2026-13-01T00:00:00.000Z",
        "2026-12-06T23:59:59.999Z",
        "2026-12-06T23:59:60.000Z",
        "\u0662\u0660\u0662\u0666-12-06T10:00:00.000Z",
        "2026-12-06T10:00:00.000+00:00",
    ],
)
def test_timestamps_judged_as_the_general_check_does(demo_lines: list[bytes], stamp: str) -> None:
    """A timestamp passes the shape check (first and second time) only if is_timestamp passes it."""
    check = ShapeCheck(checker_for(Catalog.load(SCHEMAS)))
    record = {**orjson.loads(demo_lines[0]), "timestamp": stamp}
    for _ in range(2):  # the second time, its day is remembered
        assert (check.row(record) is not None) == is_timestamp(stamp)


def test_type_tuples_remembered_are_bounded(
    demo_lines: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shape remembers at most MAX_KINDS type tuples; lines past that are still judged."""
    monkeypatch.setattr(shapes, "MAX_KINDS", 1)
    check = ShapeCheck(checker_for(Catalog.load(SCHEMAS)))
    record = orjson.loads(next(line for line in demo_lines if b'"user_id"' in line))
    for user in ("u-1", 7, None, "u-2", 8):  # a context name may hold text, a number or null
        changed = {**record, "user_id": user}
        assert check.row(changed) == event_row(changed)
    (shape,) = [shape for shape in check._shapes.values() if shape is not None]
    assert len(shape.passed) == 1
