"""The scanner's shortcuts give exactly the answer of parsing every line."""

from __future__ import annotations

import io
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalog.filters import MetricFilter, scan
from schemalog.filters.scan import Scanner
from tests.filters.cases import metric

MIXED_FILTERS = [
    metric("exact", '{ $.event_type = "a" }'),
    metric("two", '{ $.event_type = "a" || $.event_type = "b_error" }', "2"),
    metric("wild", '{ $.event_type = "*error*" }'),
    metric("guarded", '{ $.event_type = "a" && $.n > 1 }'),
    metric("value", '{ $.event_type = "b_error" && $.n = * }', "$.n", dimensions={"d": "$.d"}),
    metric("default", '{ $.event_type = "a" }', "3", defaultValue=0.5),
    metric("missing", "{ $.event_type NOT EXISTS }"),
    metric("nested", "{ $.obj.event_type = a }"),
    metric("terms", "x_marker", "1", defaultValue=0),
    metric("exclude", "-x_marker"),
    metric("regex", "%b_err|zzz%"),
    metric("spaced", "[w1, ...]"),
    metric("all", "", "1", defaultValue=2),
]
#: Filters whose parse-needing lines are found by searching (no filter on every event type);
#: "c" events need two filters that read members only, so one generated tally serves them.
SEARCH_FILTERS = [
    *(MIXED_FILTERS[i] for i in (0, 2, 3, 4, 5)),
    metric("c_value", '{ $.event_type = "c" && $.d = * }', "$.n", defaultValue=0),
    metric("c_fixed", '{ $.event_type = "c" && $.n = * }', "2", defaultValue=1),
    metric("c_flag", '{ $.event_type = "c" && $.n IS TRUE }', "1", defaultValue=0),
]
NEEDLE_FILTERS = [
    metric("exact", '{ $.event_type = "a" }'),
    metric("guarded", '{ $.event_type = "b_error" && $.n > 1 }', "$.n"),
    metric("b_fixed", '{ $.event_type = "b_error" }', "2"),
]
#: One needle: its lines are found in order by one search (the literal may stand elsewhere).
ONE_NEEDLE_FILTERS = [metric("b_fixed", '{ $.event_type = "b_error" }', "2")]
#: Numbers, and strings that read as one, match however the line writes the number.
NUMBER_FILTERS = [
    metric("number", "{ $.event_type = 400.0 }"),
    metric("integer", "{ $.event_type = 400 }"),
    metric("number_text", '{ $.event_type = "400.0" }'),
]

STAMPS = ["2026-11-22T19:20:01.000Z", "2026-11-22T19:20:59.999Z", "2026-11-22T19:21:00.000Z",
          "2026-11-22T20:00:00.500Z", "2026-11-23T00:00:00.000Z"]  # fmt: skip
TYPES = ["a", "b_error", "c", "session_x_error", "with space", "é", "x_marker", ""]
#: One number as a JSON line may write it, for event_type.
NUMBERS = [b"400", b"400.0", b"4e2", b"4.0E+2", b'"400"', b'"400.0"']


def envelope(stamp: str, event_type: str, extra: dict[str, Any]) -> bytes:
    record = {"timestamp": stamp, "level": "info", "logger": "app", "event_type": event_type}
    return orjson.dumps({**record, **extra})


@st.composite
def extras(draw: st.DrawFn) -> dict[str, Any]:
    """Draw the fields after the envelope: values, sampling, nested and misleading types."""
    extra: dict[str, Any] = {}
    if draw(st.booleans()):
        extra["n"] = draw(st.sampled_from([0, 2, 2.5, "3", "x", None, True]))
    if draw(st.booleans()):
        extra["d"] = draw(st.sampled_from(["p", "q", "", 4]))
    if draw(st.integers(0, 3)) == 0:  # a sampled line, or a sample_rate that is not usable
        extra["sample_rate"] = draw(st.sampled_from([0.5, 0.25, 0.1, 1, 2, 0, "x", True]))
    if draw(st.integers(0, 9)) == 0:
        extra["obj"] = {"event_type": draw(st.sampled_from(["a", "c", "b_error"]))}
    if draw(st.integers(0, 9)) == 0:  # an event type's name in another field's value
        extra["note"] = draw(st.sampled_from(["b_error", "a b_error", '"event_type":"b_error"']))
    return extra


@st.composite
def lines(draw: st.DrawFn) -> bytes:
    """One line: mostly schemalog envelopes, sometimes anything a log file may hold."""
    stamp = draw(st.sampled_from(STAMPS))
    event_type = draw(st.sampled_from(TYPES))
    extra = draw(extras())
    kind = draw(st.integers(0, 13))
    line = envelope(stamp, event_type, extra)
    if kind == 7:  # another key order
        line = orjson.dumps({"event_type": event_type, "timestamp": stamp, **extra})
    elif kind == 8 and extra.get("n") == 0:  # a repeated event_type key: the last one counts
        line = line[:-1] + b',"event_type":"a"}'
    elif kind == 8:  # no event_type, or a number for one
        line = orjson.dumps({"timestamp": stamp, **({"event_type": 5} if extra else {})})
    elif kind == 9:  # plain text, maybe with a marker
        line = draw(st.sampled_from([b"plain x_marker text", b"w1 w2 w3", b"", b"   "]))
    elif kind == 10:  # a truncated envelope (not JSON, does not end with })
        line = line[:-3]
    elif kind == 11:  # an offset timestamp, or none readable
        other = draw(st.sampled_from(["2026-11-22T20:20:00+01:00", "soon"]))
        line = envelope(other, event_type, extra)
    elif kind == 12:  # CRLF line ending
        line += b"\r"
    elif kind == 13:  # a number for event_type, written one of several ways
        spelling = draw(st.sampled_from(NUMBERS))
        line = line.replace(
            orjson.dumps({"event_type": event_type})[1:-1], b'"event_type":' + spelling
        )
    return line


def summary(scanner: Scanner, total: bool = False) -> list[tuple[Any, ...]]:
    return [
        (r.filter.name, r.start, r.dimensions, round(r.stats.sum, 6), round(r.stats.count, 6),
         r.stats.min, r.stats.max)
        for r in scanner.aggregator.rows(total=total)
    ]  # fmt: skip


def both_ways(
    filters: list[MetricFilter], data: bytes, period: int, block: int = scan.BLOCK_SIZE
) -> tuple[list[Any], list[Any]]:
    fast = Scanner(filters, period, block_size=block)
    fast.feed(io.BytesIO(data))
    exact = Scanner(filters, period, exact=True, block_size=block)
    exact.feed(io.BytesIO(data))
    # Every path counts the lines; the ones not JSON where it looks at every line (module doc).
    assert (fast.counts.lines, fast.counts.physical) == (exact.counts.lines, exact.counts.physical)
    if fast.needles is None:
        assert fast.counts.not_json == exact.counts.not_json
    return summary(fast), summary(exact)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(lines(), max_size=40),
    st.booleans(),
    st.sampled_from([60, 1, 300, 3600, 86400]),
    st.sampled_from([64, 256, 1 << 22]),
)
def test_fast_paths_equal_parsing_every_line(
    rows: list[bytes], sort: bool, period: int, block: int
) -> None:
    """Random files (sorted or not, odd lines, small blocks) count the same both ways."""
    if sort:
        rows = sorted(rows)
    data = b"\n".join(rows) + (b"\n" if rows and rows[-1] else b"")
    fast, exact = both_ways(MIXED_FILTERS, data, period, block)
    assert fast == exact
    fast, exact = both_ways(NEEDLE_FILTERS, data, period, block)
    assert fast == exact
    fast, exact = both_ways(ONE_NEEDLE_FILTERS, data, period, block)
    assert fast == exact
    fast, exact = both_ways(SEARCH_FILTERS, data, period, block)
    assert fast == exact
    for number_filter in NUMBER_FILTERS:  # one at a time: each alone could take needles
        fast, exact = both_ways([number_filter], data, period, block)
        assert fast == exact


def test_lines_that_are_not_json_are_counted() -> None:
    """Plain text, blank lines and broken objects: counted as LineReader counts them."""
    data = b"\n".join([
        envelope(STAMPS[0], "a", {}), b"plain a", b"", b"  ", b'{"event_type":"a"', b"[1]",
        envelope(STAMPS[0], "b_error", {}),
    ]) + b"\n"  # fmt: skip
    for filters in (MIXED_FILTERS, NEEDLE_FILTERS):
        for exact in (False, True):
            scanner = Scanner(filters, 60, exact=exact)
            scanner.feed(io.BytesIO(data))
            assert (scanner.counts.lines, scanner.counts.not_json) == (5, 3)


def test_needles_chosen_only_when_safe() -> None:
    """Needles are used for bounded event types without defaults or text filters."""
    assert Scanner(NEEDLE_FILTERS, 60).needles == (b"a", b"b_error")
    assert Scanner(MIXED_FILTERS, 60).needles is None
    assert Scanner([metric("d", '{ $.event_type = "a" }', defaultValue=0)], 60).needles is None


@pytest.mark.parametrize(
    ("pattern", "matched"), [("{ $.event_type = 400.0 }", 3), ('{ $.event_type = "400.0" }', 2)]
)
def test_numbers_written_another_way_are_counted(pattern: str, matched: int) -> None:
    """`= 400.0` and `= "400.0"` count `4e2` too: values that read as numbers get no needle."""
    data = b'{"event_type":400}\n{"event_type":4e2}\n{"event_type":"400.0"}\n'
    filters = [metric("number", pattern)]
    assert Scanner(filters, 60).needles is None
    fast, exact = both_ways(filters, data, 60)
    assert fast == exact
    assert [row[4] for row in fast] == [matched]


def test_escaped_slash_is_counted() -> None:
    r"""`= "a/b"` counts a line that writes it `a\/b`: values with '/' get no needle."""
    filters = [metric("slash", '{ $.event_type = "a/b" }')]
    assert Scanner(filters, 60).needles is None
    fast, exact = both_ways(filters, b'{"event_type":"a\\/b"}\n', 60)
    assert fast == exact
    assert [row[4] for row in fast] == [1]


def test_sorted_envelopes_take_the_uniform_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Time-ordered envelope lines are counted without evaluating a line one by one."""
    data = (
        b"\n".join(
            envelope(f"2026-11-22T19:{minute:02d}:{second:02d}.000Z", t, {})
            for minute in range(3)
            for second in range(50)
            for t in ("a", "c")
        )
        + b"\n"
    )
    calls: list[bytes] = []
    monkeypatch.setattr(Scanner, "_line", lambda _self, line: calls.append(line))
    scanner = Scanner(
        [metric("exact", '{ $.event_type = "a" }'), metric("w", "{ $.event_type = *c* }")], 60
    )
    scanner.feed(io.BytesIO(data))
    assert calls == []
    assert [(r.filter.name, r.stats.count) for r in scanner.aggregator.rows()] == [
        ("exact", 50), ("exact", 50), ("exact", 50), ("w", 50), ("w", 50), ("w", 50)
    ]  # fmt: skip


def test_needle_lines_in_envelope_layout_are_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """With needles, envelope lines are read from their bytes; only other lines are parsed whole."""
    plain = [envelope(STAMPS[i % 3], t, {"n": 2}) for i in range(30) for t in ("a", "b_error")]
    odd = orjson.dumps({"event_type": "a", "timestamp": STAMPS[0]})  # another key order
    data = b"\n".join([*plain, odd, b"a text line"]) + b"\n"
    parsed: list[bytes] = []
    original = Scanner._line

    def spy(self: Scanner, line: bytes) -> None:
        parsed.append(line)
        original(self, line)

    monkeypatch.setattr(Scanner, "_line", spy)
    scanner = Scanner(NEEDLE_FILTERS, 60, block_size=256)
    scanner.feed(io.BytesIO(data))
    assert sorted(parsed) == sorted([odd, b"a text line"])
    monkeypatch.setattr(Scanner, "_line", original)
    fast, exact = both_ways(NEEDLE_FILTERS, data, 60, 256)
    assert fast == exact
    totals = {r.filter.name: r.stats.count for r in scanner.aggregator.rows(total=True)}
    assert totals == {"exact": 31, "guarded": 30, "b_fixed": 30}


def test_plain_needle_lines_are_read_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """A block whose needle lines are all plain envelopes is read as one run, not line by line."""
    plain = [envelope(STAMPS[i % 5], t, {"n": i}) for i in range(40) for t in ("a", "b_error", "c")]
    nested = envelope(STAMPS[0], "c", {"obj": {"event_type": "a"}, "note": "b_error"})
    one_by_one: list[int] = []
    original = Scanner._needle_lines

    def spy(self: Scanner, block: bytes, spans: list[tuple[int, int]]) -> None:
        one_by_one.append(len(spans))
        original(self, block, spans)

    monkeypatch.setattr(Scanner, "_needle_lines", spy)
    # Needle "a" is in every line ("timestamp"); the first line is a block of its own (blocks()).
    for rows, expected in ((plain, []), ([*plain, nested], [len(plain)])):
        one_by_one.clear()
        data = b"\n".join(rows) + b"\n"
        fast, exact = both_ways(NEEDLE_FILTERS, data, 60)
        assert fast == exact
        assert one_by_one == expected  # the nested needles send their whole block line by line


def test_repeated_event_type_key_falls_back_to_parsing() -> None:
    """A repeated top-level `event_type` is read as the parser reads it (the last one wins)."""
    data = envelope(STAMPS[0], "a", {})[:-1] + b',"event_type":"c"}\n'
    filters = [metric("exact", '{ $.event_type = "a" }'), metric("wild", '{ $.event_type = "*" }')]
    assert Scanner(filters, 60).needles is None
    fast, exact = both_ways(filters, data, 60)
    assert fast == exact
    assert [row[0] for row in fast] == ["wild"]


def test_one_broken_line_among_parsed_lines_is_not_json() -> None:
    """An envelope line that does not parse is not JSON and publishes defaults; the rest count."""
    good = [envelope(STAMPS[0], "c", {"n": n, "d": "p"}) for n in (1, 2, True)]
    broken = envelope(STAMPS[0], "c", {"n": 3})[:-2] + b"}"  # ends with } but is no JSON
    scanner = Scanner(SEARCH_FILTERS, 60)
    scanner.feed(io.BytesIO(b"\n".join([good[0], broken, *good[1:]]) + b"\n"))
    assert scanner.counts.not_json == 1
    rows = {row[0]: row[3:5] for row in summary(scanner)}
    assert rows["c_fixed"] == (2 + 2 + 1 + 1, 4)  # n is no value in the last two: defaults
    assert rows["c_value"] == (1 + 2 + 0, 3)  # n=True publishes nothing, the broken line 0
    assert rows["c_flag"] == (0 + 0 + 1 + 0, 4)


def test_last_line_without_newline_counts() -> None:
    """A final line with no newline is read."""
    scanner = Scanner([metric("exact", '{ $.event_type = "a" }')], 60)
    scanner.feed(io.BytesIO(envelope(STAMPS[0], "a", {})))
    assert [r.stats.count for r in scanner.aggregator.rows()] == [1]


def test_feed_lines_parses_each_line() -> None:
    """feed_lines() evaluates lines handed over one by one."""
    scanner = Scanner([metric("exact", '{ $.event_type = "a" }')], 60)
    scanner.feed_lines([envelope(STAMPS[0], "a", {}), b"junk", envelope(STAMPS[0], "b", {})])
    assert [r.stats.count for r in scanner.aggregator.rows()] == [1]


def test_many_event_types_keep_memory_flat() -> None:
    """Plans are cached per event type, but not without bound."""
    lines = [envelope(STAMPS[0], f"type_{i}", {}) for i in range(5000)]
    scanner = Scanner([metric("w", '{ $.event_type = "type_1*" }', "1", defaultValue=0)], 60)
    scanner.feed(io.BytesIO(b"\n".join(lines) + b"\n"))
    assert len(scanner.planner.plans) <= 4096
    totals = {r.filter.name: (r.stats.sum, r.stats.count) for r in scanner.aggregator.rows()}
    assert totals == {"w": (1111.0, 5000)}


def test_sampled_lines_count_by_their_weight() -> None:
    """A line with sample_rate counts 1/sample_rate times, on every path; scale=False once."""
    stamp = STAMPS[0]
    rows = [envelope(stamp, "a", {"sample_rate": 0.25, "n": 2})] * 3 + [
        envelope(stamp, "a", {"n": 2}),
        envelope(stamp, "a", {"sample_rate": 0, "n": 2}),  # not a usable rate: counts once
    ]
    data = b"\n".join(rows) + b"\n"
    filters = [
        metric("count_a", '{ $.event_type = "a" }'),
        metric("sum_n", '{ $.event_type = "a" }', "$.n"),
        metric("marker", "sample_rate", "1"),
    ]
    for exact in (False, True):
        scanner = Scanner(filters, 60, exact=exact)
        scanner.feed(io.BytesIO(data))
        stats = {r.filter.name: r.stats for r in scanner.aggregator.rows(total=True)}
        assert stats["count_a"].count == stats["count_a"].sum == 3 * 4 + 1 + 1
        assert (stats["sum_n"].sum, stats["sum_n"].min, stats["sum_n"].average) == (28, 2, 2)
        assert stats["marker"].count == 3 * 4 + 1
    raw = Scanner(filters, 60, scale=False)
    raw.feed(io.BytesIO(data))
    assert [r.stats.count for r in raw.aggregator.rows(total=True)] == [5, 5, 4]
