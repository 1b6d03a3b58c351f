r"""One streaming pass of JSON lines through many metric filters, with flat memory.

The input is read in blocks of whole lines (4 MiB). Every answer is the one full evaluation
gives (:meth:`Scanner._line`: parse the line, evaluate each filter); two shortcuts avoid
parsing lines that cannot change the answer.

**Needles.** When every filter is a JSON filter without ``defaultValue`` whose pattern can only
match a few exact ``event_type`` values (``{ $.event_type = "a" || $.event_type = "b" }``),
only the lines that hold one of those strings are looked at (stringzilla's SIMD ``find``). A
block's needle lines are joined and read as one run (below) when every one has the envelope
layout; otherwise each is looked at alone: an envelope line is read like a run line, any other
is parsed. A value that reads as a number is no needle: the line may write the number another
way (``4e2``).

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

**Sampled lines.** A line with ``sample_rate`` (a sampled event type, docs/guide.md
"Sampling") stands for ``1 / sample_rate`` events: with ``scale`` (the default) each of its
datapoints is added with that weight, so Sum and SampleCount estimate the events before
sampling (Minimum and Maximum are unchanged). A needle line holding ``"sample_rate"`` is
parsed, and a block of envelope runs holding it anywhere is read line by line; ``scale=False``
counts raw lines, as a metric filter in AWS does.

**Lines.** :class:`LineCounts` counts the lines read, those that are not JSON and those over
``max_line_bytes`` (left out by :func:`blocks`). Lines read line by line are counted one by
one; a run's lines are its envelope lines; a needle block is counted by two SIMD counts, of
its newlines and of its newlines before ``{`` (when they differ, line by line).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO, Final

import orjson
from orjson import JSONDecodeError

from schemalog.filters.aggregate import Aggregator, TimeKey, prefix_length, time_key
from schemalog.filters.base import MatchAll
from schemalog.filters.blocks import (
    LineCounts,
    blocks,
    find_in,
    line_spans,
    no_cycle_collection,
)
from schemalog.filters.filters import MetricFilter
from schemalog.filters.jsonpattern import MISSING, JsonPattern, load_object
from schemalog.filters.plans import Plan, Planner
from schemalog.filters.runs import EVENT_TYPE_KEY, STAMP_AT, Run, RunReader
from schemalog.record import sample_weight

BLOCK_SIZE: Final = 1 << 22
#: A line holding this is parsed (a block of runs holding it: line by line), to be weighed.
SAMPLE_RATE_KEY: Final = b'"sample_rate"'
CLOSING_BRACE: Final = ord("}")


def _plain_ascii(text: str) -> bool:
    # JSON may escape '/' as '\/', so a needle with '/' could miss its line
    return bool(text) and text.isascii() and text.isprintable() and not set(text) & set('"\\/')


class Scanner:
    """Feeds JSON lines through filters into an :class:`Aggregator`."""

    def __init__(
        self,
        filters: list[MetricFilter],
        period: int,
        *,
        exact: bool = False,
        scale: bool = True,
        block_size: int = BLOCK_SIZE,
        max_line_bytes: int | None = None,
    ) -> None:
        self.filters = filters
        self.block_size = block_size
        self.aggregator = Aggregator(filters, period)
        self.exact = exact
        #: Whether a sampled line's datapoints count ``1 / sample_rate`` times (module doc).
        self.scale = scale
        #: Longer lines are skipped and counted, never held whole (:func:`blocks.blocks`).
        self.max_line_bytes = max_line_bytes
        #: Lines read, not JSON, too long: of the inputs fed so far.
        self.counts = LineCounts()
        self.planner = Planner(filters)
        self._length = prefix_length(period)
        self._runs = RunReader(self._length)
        self._json = self.planner.json
        self._text = [
            (i, f) for i, f in enumerate(filters) if not isinstance(f.pattern, JsonPattern)
        ]
        #: Events decided by their event type alone, counted before the filters are applied.
        self._pending: defaultdict[tuple[TimeKey, bytes | None], float] = defaultdict(int)
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
        with no_cycle_collection():
            self._feed(stream, progress)

    def _feed(self, stream: BinaryIO, progress: Callable[[int], None] | None) -> None:
        chunks = blocks(stream, self.block_size, self.max_line_bytes, self.counts)
        for block, start, last, size in chunks:
            if self.exact:
                self._exact(block, start, last)
            elif self.needles is not None:
                self.counts.read(block, start, last)
                self._needle_block(block, start, last)
            elif self.scale and block.find(SAMPLE_RATE_KEY, start, last) >= 0:
                self._exact(block, start, last)
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

    def plan(self, event_type: bytes | None) -> Plan:
        """Return the plan for an ``event_type`` value (None: the event has no ``event_type``)."""
        return self.planner.plan(event_type)

    # -- needles -------------------------------------------------------------------------

    def _needle_block(self, block: bytes, start: int, last: int) -> None:
        """Evaluate the lines holding a needle: together like runs, or one by one.

        The lines are joined and read as runs (:meth:`RunReader.read` proves that each is one
        envelope line with one ``"event_type":`` key): one per time key while they are in
        time order, then the rest as one. A line holding ``sample_rate`` (to be weighed) sends
        them all one by one, as does a run with any other line from there on.
        """
        assert self.needles is not None
        spans = list(line_spans(block, start, last, self.needles))
        if not spans:
            return
        joined = b"\n".join((b"", *(block[begin:end] for begin, end in spans), b""))
        end = len(joined) - 1
        if self.scale and find_in(joined, SAMPLE_RATE_KEY, 0, end) >= 0:
            self._needle_lines(block, spans)
            return
        runs = self._runs
        at = 0
        while at < end:
            until, prefix = runs.segment_end(joined, at, end)
            run = None if prefix is None else runs.read(joined, at, until, prefix)
            if run is None:  # out of time order, or not envelopes: the rest together
                until = end
                run = runs.read(joined, at, end, None)
            if run is None:
                self._needle_lines(joined, list(line_spans(joined, at, end, None)))
                return
            self._run_events(joined, at, until, run)
            at = until

    def _needle_lines(self, block: bytes, spans: list[tuple[int, int]]) -> None:
        """Evaluate needle lines one by one; an envelope line decided by its type is counted.

        An envelope line (one ``"event_type":`` key, ending with ``}``) whose event type every
        filter decides alone is counted from its bytes, like a run; any other line is parsed.
        """
        head = self._runs.head
        count = block.count
        find = block.find
        pending = self._pending
        plan = self.planner.plan
        sampled = SAMPLE_RATE_KEY if self.scale else b"\n"  # a line holds no newline
        for line_start, end in spans:
            found = head(block, line_start - 1)
            # After the head's closing quote (where a repeated key could start), the line must
            # hold no other event_type key and no sample_rate, and end with }.
            if (
                found is None
                or block[end - 1] != CLOSING_BRACE
                or count(EVENT_TYPE_KEY, found.end() - 1, end)
                or find(sampled, found.end(), end) >= 0
            ):
                self._line(block[line_start:end])
                continue
            key, name = found.groups()
            pending[key, name] += 1
            if plan(name).parse:
                self._evaluate([block[line_start:end]], [key], name)

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
        lines = sum(run.by_type.values())
        self.counts.physical += lines
        self.counts.lines += lines
        self._run_events(block, start, end, run)
        self._text_filters(block, start, end, run.per_key)

    def _run_events(self, block: bytes, start: int, end: int, run: Run) -> None:
        """Add a run's events to the JSON filters: counted by event type, or parsed."""
        self._apply_counts(run.counts.items())
        shared = next(iter(run.per_key)) if len(run.per_key) == 1 else None
        needed = [n for n in run.by_type if self.plan(n).parse]
        self._parse_needed(block, start, end, needed, shared)

    def _apply_counts(self, counts: Iterable[tuple[tuple[TimeKey, bytes | None], float]]) -> None:
        add = self.aggregator.add
        for (key, event_type), n in counts:
            for index, point in self.plan(event_type).fixed:
                add(index, key, point, n)

    def _parse_needed(
        self, block: bytes, start: int, end: int, names: Iterable[bytes], key: bytes | None = None
    ) -> None:
        """Find, parse and evaluate the lines of event types some filter cannot decide alone.

        In a run each line has one ``"event_type":`` key, so each place the key with its value
        is found (``bytes.find``, much faster than a regex) is one line of that event type.
        The lines of one event type are evaluated together, in order. ``key``: the time key
        every line shares, if known (one object, hashed once, for every line's statistics).
        """
        find = block.find
        rfind = block.rfind
        length = self._length
        for name in names:
            needle = b"".join((EVENT_TYPE_KEY, b'"', name, b'"'))
            lines = []
            at = find_in(block, needle, start, end)
            while at >= 0:
                line_end = find(b"\n", at)
                lines.append(block[rfind(b"\n", start, at) + 1 : line_end])
                at = find_in(block, needle, line_end, end)
            if key is not None:
                self._evaluate(lines, [key] * len(lines), name)
            else:
                self._evaluate(lines, [line[STAMP_AT : STAMP_AT + length] for line in lines], name)

    def _evaluate(self, lines: list[bytes], keys: list[bytes], name: bytes) -> None:
        """Parse envelope lines of event type ``name`` and add what their filters publish.

        Each line starts with ``{``, so a line that parses is an object. When one does not
        parse, the lines are taken one by one: that one is counted as not JSON.
        """
        try:
            documents = list(map(orjson.loads, lines))
        except JSONDecodeError:
            if len(lines) > 1:
                for line, key in zip(lines, keys, strict=True):
                    self._evaluate([line], [key], name)
                return
            self.counts.not_json += 1  # not an object: no filter matches it
            for index in self.planner.plan(name).parse:
                self.aggregator.add(index, keys[0], self.filters[index].default_point)
            return
        self.planner.evaluator(name)(documents, keys, self.aggregator.series)

    def _text_filters(
        self, block: bytes, start: int, end: int, lines_per_key: Counter[bytes]
    ) -> None:
        """Evaluate term, regex and space-delimited filters on the segment's lines."""
        from schemalog.filters.terms import TermsPattern  # only when there are text filters

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
            for line_start, line_end in line_spans(block, start, end, needles):
                line = block[line_start:line_end]
                key = line[STAMP_AT : STAMP_AT + length]
                seen[key] += 1
                add(index, key, metric_filter.datapoint(line.decode("utf-8", "replace")))
            default = metric_filter.default_point
            if default is not None:
                for key, n in lines_per_key.items():
                    add(index, key, default, n - seen[key])

    # -- one line at a time --------------------------------------------------------------

    def _exact(self, block: bytes, start: int, end: int) -> None:
        if start == end:
            return
        counts = self.counts
        lines = block[start + 1 : end].split(b"\n")
        counts.physical += len(lines)
        for line in lines:
            counts.line(line)
            self._line(line)

    def _document(self, line: bytes) -> dict[str, Any] | None:
        """Parse a line; count it as not JSON when it starts with ``{`` but is no object.

        Lines that do not start with ``{`` are counted by their block (:class:`LineCounts`).
        """
        document = load_object(line) if line.lstrip()[:1] == b"{" else None
        if document is None and line[:1] == b"{":
            self.counts.not_json += 1
        return document

    def _line(self, line: bytes) -> None:
        """Evaluate every filter on one line, parsing it."""
        line = line.rstrip(b"\r\n")
        if not line.strip():
            return
        add = self.aggregator.add
        document = self._document(line)
        key: TimeKey = None
        weight: float = 1
        if document is not None:
            stamp = document.get("timestamp")
            if isinstance(stamp, str):
                key = time_key(stamp, self._length)
            weight = sample_weight(document) if self.scale else 1
            event_type = document.get("event_type", MISSING)
            if event_type is MISSING or isinstance(event_type, str):
                encoded = event_type.encode() if isinstance(event_type, str) else None
                plan = self.plan(encoded)
                if plan.fixed:
                    self._pending[key, encoded] += weight
                for index in plan.parse:
                    add(index, key, self.filters[index].datapoint_for_document(document), weight)
            else:
                for index, metric_filter in self._json:
                    add(index, key, metric_filter.datapoint_for_document(document), weight)
        else:
            for index, metric_filter in self._json:
                add(index, key, metric_filter.default_point)
        if self._text:
            message = line.decode("utf-8", "replace")
            for index, metric_filter in self._text:
                add(index, key, metric_filter.datapoint(message), weight)
