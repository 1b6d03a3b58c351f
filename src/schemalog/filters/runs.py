"""Runs of envelope lines: finding them in a block of JSON lines and counting them from bytes.

A *run* is a stretch of lines that all have schemalog's envelope layout
(``{"timestamp":"...Z","level":"...","logger":"...","event_type":"...",...}`` with plain ASCII
values) and, when the input is in time order, one time key. One compiled regex reads every
line's ``event_type`` (and time key, when the run's lines do not share one).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Final

from schemalog.filters.blocks import count_in

HEAD: Final = b'\n{"timestamp":"'
#: Where the timestamp starts in a line.
STAMP_AT: Final = len(HEAD) - 1
EVENT_TYPE_KEY: Final = b'"event_type":'
# Printable ASCII but '"' and '\': a JSON string with no escapes and nothing to decode.
_PLAIN: Final = rb"[\x20\x21\x23-\x5b\x5d-\x7e]*"
_STAMP: Final = (
    [rb"\d"] * 4 + [b"-"] + [rb"\d"] * 2 + [b"-"] + [rb"\d"] * 2 + [b"T"]
    + [rb"\d"] * 2 + [b":"] + [rb"\d"] * 2 + [b":"] + [rb"\d"] * 2
)  # fmt: skip


def envelope_regex(length: int, *, capture_time: bool) -> re.Pattern[bytes]:
    """Return the regex reading an envelope line's head: event type, after time key if asked.

    The time key is the first ``length`` characters of the timestamp. The match starts at the
    newline before the line and ends after the event type's value (the rest of the line is
    the caller's to check). Without ``capture_time`` those characters are skipped, not
    checked: the caller proves them otherwise (:meth:`RunReader.read` counts them).
    """
    time = b"".join(_STAMP[:length])
    head = b"(" + time + b")" if capture_time else b".{%d}" % length
    return re.compile(
        rb'\n\{"timestamp":"' + head + b"".join(_STAMP[length:]) + rb'\.\d{3}Z","level":"'
        + _PLAIN + rb'","logger":"' + _PLAIN + rb'","event_type":"(' + _PLAIN + rb')"'
    )  # fmt: skip


@dataclass
class Run:
    """What a run holds: lines per (time key, event type), per time key and per event type."""

    counts: Counter[tuple[bytes, bytes]]
    per_key: Counter[bytes]
    by_type: Counter[bytes]


class RunReader:
    """Finds runs in blocks and reads them, for one time-key length."""

    def __init__(self, length: int) -> None:
        self.length = length
        self._uniform = envelope_regex(length, capture_time=False)
        self._mixed = envelope_regex(length, capture_time=True)
        #: A time key as the mixed regex would read it: what a uniform run's lines must share.
        self._key = re.compile(b"".join(_STAMP[:length]))
        #: Reads an envelope line's time key and event type, at the newline before it.
        self.head = self._mixed.match

    def prefix(self, block: bytes, at: int) -> bytes | None:
        """Return the time key of the line starting after the newline at ``at``, if any."""
        if not block.startswith(HEAD, at):
            return None
        begin = at + len(HEAD)
        return block[begin : begin + self.length]

    def segment_end(self, block: bytes, start: int, last: int) -> tuple[int, bytes | None]:
        """Return where the lines sharing the first line's time key end, and that key.

        Found by bisection, which is right when the block is in time order; :meth:`read`
        checks it. A first line of another layout is a segment of its own (key None).
        """
        prefix = self.prefix(block, start)
        if prefix is None:
            return block.find(b"\n", start + 1), None
        final = block.rfind(b"\n", start, last)
        if self.prefix(block, final) == prefix:
            return last, prefix
        low, high = start, final  # the line at low has the prefix, the line at high does not
        while True:
            middle = block.find(b"\n", (low + high) // 2, high)
            if middle <= low:
                middle = block.find(b"\n", low + 1, high)
            if middle < 0:
                return high, prefix
            if self.prefix(block, middle) == prefix:
                low = middle
            else:
                high = middle

    def read(self, block: bytes, start: int, end: int, prefix: bytes | None) -> Run | None:
        """Read the lines between the newlines at ``start`` and ``end`` as one run.

        With ``prefix``, every line must have that time key. Returns None unless every line is
        one envelope match, ends with ``}`` and has exactly one ``"event_type":`` key.

        Each match starts at a newline, so as many matches as lines is one match per line; as
        many ``}`` before a newline as lines is every line ending with ``}``: a SIMD count
        instead of the regex running to the end of every line. Likewise as many newlines
        followed by the head and ``prefix`` as lines is every line starting so, which the
        uniform regex then skips instead of checking each character of each line again.
        """
        if prefix is not None and not self._key.fullmatch(prefix):
            return None
        regex = self._uniform if prefix is not None else self._mixed
        found = regex.findall(block, start, end + 1)
        lines = count_in(block, b"\n", start, end)
        if (
            len(found) != lines
            or count_in(block, b"}\n", start, end + 1) != lines
            or count_in(block, EVENT_TYPE_KEY, start, end) != lines
        ):
            return None
        if prefix is not None and count_in(block, HEAD + prefix, start, end) != lines:
            return None
        if prefix is not None:
            by_type = Counter(found)
            counts = Counter({(prefix, name): n for name, n in by_type.items()})
            return Run(counts, Counter({prefix: lines}), by_type)
        counts = Counter(found)
        per_key: Counter[bytes] = Counter()
        by_type = Counter()
        for (key, name), n in counts.items():
            by_type[name] += n
            per_key[key] += n
        return Run(counts, per_key, by_type)
