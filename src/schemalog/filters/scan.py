r"""One streaming pass of JSON lines through many metric filters, with flat memory.

The input is read in blocks of whole lines (4 MiB). Every answer is the one full evaluation
gives (:meth:`Scanner._line`: parse the line, evaluate each filter); two shortcuts avoid
parsing lines that cannot change the answer.

**Needles.** When every filter is a JSON filter without ``defaultValue`` whose pattern can only
match a few exact ``event_type`` values (``{ $.event_type = "a" || $.event_type = "b" }``),
only the lines that hold one of those strings are looked at (``bytes.find``), then parsed. A
value that reads as a number is no needle: the line may write the number another way (``4e2``).

**Envelope runs.** Otherwise each block is cut into *segments*: runs of lines that share a time
bucket when the input is in time order (found by bisection). A segment whose every line has
schemalog's envelope layout, ``{"timestamp":"...Z","level":"...","logger":"...",
"event_type":"...",...}`` with plain ASCII values, is counted from its bytes:

- one compiled regex yields every line's ``event_type`` (and time key, when the run is mixed);
- a C-level count proves each line has exactly one ``"event_type":`` key, so the value read is
  the event's own, not a nested or a repeated key;
- every filter is decided from ``event_type`` alone where its pattern allows
  (:meth:`JsonPattern.decide`); only lines of event types that some filter cannot decide that
  way (a condition on another field, a field ``metricValue``, dimensions) are found by
  substring search and parsed.

Any other segment (other layouts, blank lines, escapes, unsorted input) is evaluated line by
line. The shortcuts assume that a line starting with a valid envelope and ending with ``}`` is
valid JSON, that ``event_type`` values are not written with ``\\u`` escapes, and that
``timestamp`` is not repeated in one object; ``exact=True`` parses every line instead. The
tests check that both give the same answer on random inputs.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Final

import orjson
from orjson import JSONDecodeError

from schemalog.filters.aggregate import Aggregator, Stats, TimeKey, prefix_length, time_key
from schemalog.filters.base import MatchAll
from schemalog.filters.filters import Datapoint, MetricFilter, Point
from schemalog.filters.jsonpattern import MISSING, JsonPattern, load_object
from schemalog.filters.runs import EVENT_TYPE_KEY, STAMP_AT, Run, RunReader
from schemalog.filters.tally import Tally, compile_tally
from schemalog.filters.terms import TermsPattern

BLOCK_SIZE: Final = 1 << 22
PointFunction = Callable[[dict[str, Any]], Point | None]
#: Plans kept per distinct event type: an input with endless event types keeps memory flat.
_MAX_PLANS: Final = 4096


def _plain_ascii(text: str) -> bool:
    # JSON may escape '/' as '\/', so a needle with '/' could miss its line
    return bool(text) and text.isascii() and text.isprintable() and not set(text) & set('"\\/')


@dataclass
class _Plan:
    """What one event type means to each JSON filter."""

    #: (filter index, datapoint) decided without reading the event.
    fixed: list[tuple[int, Datapoint]] = field(default_factory=list)
    #: Filters that must read the parsed event.
    parse: list[int] = field(default_factory=list)


class Scanner:
    """Feeds JSON lines through filters into an :class:`Aggregator`."""

    def __init__(
        self,
        filters: list[MetricFilter],
        period: int,
        *,
        exact: bool = False,
        block_size: int = BLOCK_SIZE,
    ) -> None:
        self.filters = filters
        self.block_size = block_size
        self.aggregator = Aggregator(filters, period)
        self.exact = exact
        self._length = prefix_length(period)
        self._runs = RunReader(self._length)
        self._json = [(i, f) for i, f in enumerate(filters) if isinstance(f.pattern, JsonPattern)]
        self._text = [
            (i, f) for i, f in enumerate(filters) if not isinstance(f.pattern, JsonPattern)
        ]
        self._plans: dict[bytes | None, _Plan] = {}
        self._points: dict[tuple[int, str], Callable[[dict[str, Any]], Point | None]] = {}
        self._needle_regexes: dict[frozenset[bytes], re.Pattern[bytes]] = {}
        self._tallies: dict[bytes, tuple[Tally | None, list[tuple[int, PointFunction]]]] = {}
        #: Events decided by their event type alone, counted before the filters are applied.
        self._pending: Counter[tuple[TimeKey, bytes | None]] = Counter()
        self.needles = self._needles()

    def _needles(self) -> tuple[bytes, ...] | None:
        """Return the event types worth looking at, when they are few and known (module doc)."""
        if self._text or any(f.default_value is not None for f in self.filters):
            return None
        wanted: set[str] = set()
        for _, metric_filter in self._json:
            pattern = metric_filter.pattern
            assert isinstance(pattern, JsonPattern)
            types = pattern.event_types()
            if types is None or not all(_plain_ascii(t) for t in types):
                return None
            wanted |= types
        return tuple(sorted(t.encode() for t in wanted))

    # -- reading -------------------------------------------------------------------------

    def feed(self, stream: BinaryIO, progress: Callable[[int], None] | None = None) -> None:
        """Read ``stream`` to its end; ``progress`` gets the number of bytes of each block."""
        with _no_cycle_collection():
            self._feed(stream, progress)

    def _feed(self, stream: BinaryIO, progress: Callable[[int], None] | None) -> None:
        for block, start, last, size in _blocks(stream, self.block_size):
            if self.exact:
                self._exact(block, start, last)
            elif self.needles is not None:
                self._needle_block(block, start, last)
            else:
                self._envelope_block(block, start, last)
            self._flush()
            if progress is not None:
                progress(size)

    def _flush(self) -> None:
        self._apply_counts(self._pending.items())
        self._pending.clear()

    def feed_lines(self, lines: Iterable[bytes]) -> None:
        """Evaluate lines one by one, parsing each (for small inputs)."""
        for line in lines:
            self._line(line)
        self._flush()

    # -- planning ------------------------------------------------------------------------

    def plan(self, event_type: bytes | None) -> _Plan:
        """Return the plan for an ``event_type`` value (None: the event has no ``event_type``)."""
        plan = self._plans.get(event_type)
        if plan is not None:
            return plan
        if len(self._plans) >= _MAX_PLANS:
            self._plans.clear()
            self._points.clear()
            self._tallies.clear()
        known: dict[str, Any] = {
            "event_type": MISSING if event_type is None else event_type.decode()
        }
        plan = _Plan()
        for index, metric_filter in self._json:
            pattern = metric_filter.pattern
            assert isinstance(pattern, JsonPattern)
            decided = pattern.decide(known)
            if decided is False:
                if metric_filter.default_point is not None:
                    plan.fixed.append((index, metric_filter.default_point))
            elif decided is True and metric_filter.fixed:
                point = metric_filter.matched_point(None, None)
                assert point is not None
                plan.fixed.append((index, point))
            else:
                plan.parse.append(index)
        self._plans[event_type] = plan
        return plan

    # -- needles -------------------------------------------------------------------------

    def _needle_block(self, block: bytes, start: int, last: int) -> None:
        """Evaluate the lines holding a needle; an envelope line decided by its type is counted.

        An envelope line (one ``"event_type":`` key) whose event type every filter decides alone
        is counted from its bytes, like a run; any other line is parsed.
        """
        assert self.needles is not None
        head = self._runs.head
        count = block.count
        find = block.find
        pending = self._pending
        for line_start in _line_starts(block, start, last, self.needles):
            end = find(b"\n", line_start)
            found = head(block, line_start - 1)
            if (
                found is not None
                and count(EVENT_TYPE_KEY, line_start, end) == 1
                and not self.plan(name := found.group(2)).parse
            ):
                pending[found.group(1), name] += 1
            else:
                self._line(block[line_start:end])

    # -- envelope runs -------------------------------------------------------------------

    def _envelope_block(self, block: bytes, start: int, last: int) -> None:
        runs = self._runs
        while start < last:
            end, prefix = runs.segment_end(block, start, last)
            run = None
            if prefix is not None:
                run = runs.read(block, start, end, prefix) or runs.read(block, start, end, None)
            if run is None:
                self._exact(block, start, end)
            else:
                self._run(block, start, end, run)
            start = end

    def _run(self, block: bytes, start: int, end: int, run: Run) -> None:
        """Count a run: decided events from its counts, the others by parsing their lines."""
        self._apply_counts(run.counts.items())
        self._parse_needed(block, start, end, [n for n in run.by_type if self.plan(n).parse])
        self._text_filters(block, start, end, run.per_key)

    def _apply_counts(self, counts: Iterable[tuple[tuple[TimeKey, bytes | None], int]]) -> None:
        add = self.aggregator.add
        for (key, event_type), n in counts:
            for index, point in self.plan(event_type).fixed:
                add(index, key, point, n)

    def _parse_needed(self, block: bytes, start: int, end: int, names: Iterable[bytes]) -> None:
        """Find, parse and evaluate the lines of event types some filter cannot decide alone.

        In a run each line has one ``"event_type":`` key, so each place the needle is found
        is a line of that event type.
        """
        loads = orjson.loads
        add = self.aggregator.add
        series = self.aggregator.series
        length = self._length
        chosen = {name: self._tally(name) for name in names}
        if not chosen:
            return
        for found in self._needles_of(frozenset(chosen)).finditer(block, start, end):
            name = found.group(1)
            tally, points = chosen[name]
            at = found.start()
            line = block[block.rfind(b"\n", start, at) + 1 : block.find(b"\n", at)]
            key = line[STAMP_AT : STAMP_AT + length]
            try:
                document = loads(line)
            except JSONDecodeError:
                document = None
            if type(document) is not dict:  # not an object: no filter matches it
                for index in self.plan(name).parse:
                    add(index, key, self.filters[index].default_point)
                continue
            if tally is not None:
                tally(document, key, series)
                continue
            for index, point in points:
                result = point(document)
                if result is None:
                    continue
                value, dimensions, _ = result
                stats = series.get((index, key, dimensions))
                if stats is None:
                    stats = series[index, key, dimensions] = Stats()
                stats.sum += value
                stats.count += 1
                if value < stats.min:  # noqa: PLR1730 - a hot loop: no builtin calls
                    stats.min = value
                if value > stats.max:  # noqa: PLR1730
                    stats.max = value

    def _tally(self, name: bytes) -> tuple[Tally | None, list[tuple[int, PointFunction]]]:
        """Return the generated tally for an event type's parse filters, or their functions."""
        found = self._tallies.get(name)
        if found is None:
            parse = self.plan(name).parse
            wanted = name.decode()
            tally = compile_tally(self.filters, parse, wanted)
            points = [] if tally is not None else [(i, self._point(i, wanted)) for i in parse]
            found = self._tallies[name] = (tally, points)
        return found

    def _needles_of(self, names: frozenset[bytes]) -> re.Pattern[bytes]:
        """Return one regex finding the ``event_type`` keys of any of these event types."""
        regex = self._needle_regexes.get(names)
        if regex is None:
            if len(self._needle_regexes) >= _MAX_PLANS:
                self._needle_regexes.clear()
            choices = b"|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
            regex = re.compile(rb'"event_type":"(' + choices + rb')"')
            self._needle_regexes[names] = regex
        return regex

    def _point(self, index: int, event_type: str) -> Callable[[dict[str, Any]], Point | None]:
        """Return filter ``index``'s datapoint function for events of ``event_type``."""
        point = self._points.get((index, event_type))
        if point is None:
            point = self.filters[index].compile_point({"event_type": event_type})
            self._points[index, event_type] = point
        return point

    def _text_filters(
        self, block: bytes, start: int, end: int, lines_per_key: Counter[bytes]
    ) -> None:
        """Evaluate term, regex and space-delimited filters on the segment's lines."""
        add = self.aggregator.add
        length = self._length
        for index, metric_filter in self._text:
            pattern = metric_filter.pattern
            if isinstance(pattern, MatchAll) and metric_filter.fixed:
                point = metric_filter.matched_point(None, None)
                for key, n in lines_per_key.items():
                    add(index, key, point, n)
                continue
            terms = pattern.needles() if isinstance(pattern, TermsPattern) else None
            needles = None if terms is None else tuple(term.encode() for term in terms)
            seen: Counter[bytes] = Counter()
            for line_start in _line_starts(block, start, end, needles):
                line = block[line_start : block.find(b"\n", line_start)]
                key = line[STAMP_AT : STAMP_AT + length]
                seen[key] += 1
                add(index, key, metric_filter.datapoint(line.decode("utf-8", "replace")))
            default = metric_filter.default_point
            if default is not None:
                for key, n in lines_per_key.items():
                    add(index, key, default, n - seen[key])

    # -- one line at a time --------------------------------------------------------------

    def _exact(self, block: bytes, start: int, end: int) -> None:
        for line in block[start + 1 : end].split(b"\n"):
            self._line(line)

    def _line(self, line: bytes) -> None:
        """Evaluate every filter on one line, parsing it."""
        line = line.rstrip(b"\r\n")
        if not line.strip():
            return
        add = self.aggregator.add
        document = load_object(line) if line.lstrip()[:1] == b"{" else None
        key: TimeKey = None
        if document is not None:
            stamp = document.get("timestamp")
            if isinstance(stamp, str):
                key = time_key(stamp, self._length)
            event_type = document.get("event_type", MISSING)
            if event_type is MISSING or isinstance(event_type, str):
                encoded = event_type.encode() if isinstance(event_type, str) else None
                plan = self.plan(encoded)
                if plan.fixed:
                    self._pending[key, encoded] += 1
                for index in plan.parse:
                    add(index, key, self.filters[index].datapoint_for_document(document))
            else:
                for index, metric_filter in self._json:
                    add(index, key, metric_filter.datapoint_for_document(document))
        else:
            for index, metric_filter in self._json:
                add(index, key, metric_filter.default_point)
        if self._text:
            message = line.decode("utf-8", "replace")
            for index, metric_filter in self._text:
                add(index, key, metric_filter.datapoint(message))


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while scanning.

    Parsed events hold no reference cycles, and the collector's passes over the many
    short-lived objects cost about a tenth of the scan.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _line_starts(
    block: bytes, start: int, end: int, needles: tuple[bytes, ...] | None
) -> Iterator[int]:
    """Yield the start of each line in the segment that holds any needle (every line if None)."""
    if needles is None:
        at = start
        while 0 <= at < end:
            yield at + 1
            at = block.find(b"\n", at + 1)
        return
    starts: set[int] = set()
    for needle in needles:
        at = block.find(needle, start, end)
        while at >= 0:
            starts.add(block.rfind(b"\n", start, at) + 1)
            at = block.find(needle, block.find(b"\n", at), end)
    yield from sorted(starts)


def _blocks(stream: BinaryIO, block_size: int) -> Iterator[tuple[bytes, int, int, int]]:
    r"""Yield ``(block, start, last, bytes read)``; ``block[start:last + 1]`` is ``\n line \n ...``.

    A block is what one read returns, not a copy: the line that straddles two reads is yielded
    on its own, in a small block of its own.
    """
    rest = b""
    pending = 0
    while True:
        data = stream.read(block_size)
        pending += len(data)
        if not data:
            if rest.strip():
                yield b"\n" + rest + b"\n", 0, len(rest) + 1, pending
            return
        first = data.find(b"\n")
        if first < 0:  # no line ends in this read yet
            rest += data
            continue
        carried = b"\n" + rest + data[: first + 1]
        last = data.rfind(b"\n")
        rest = data[last + 1 :]
        if last == first:
            yield carried, 0, len(carried) - 1, pending
        else:
            yield carried, 0, len(carried) - 1, 0
            yield data, first, last, pending
        pending = 0
