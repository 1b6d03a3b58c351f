"""AWS's worked metric-filter examples, end to end: filter body, events, published statistics."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import orjson

from schemalog.filters import MetricFilter
from schemalog.filters.scan import Scanner
from tests.filters.cases import metric

APACHE = [
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 404 1534',
    '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
    '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 404 4355',
]


def totals(filters: list[MetricFilter], lines: list[str], period: int = 60) -> list[Any]:
    scanner = Scanner(filters, period)
    scanner.feed_lines(line.encode() for line in lines)
    return [
        (r.start, r.dimensions, r.stats.sum, r.stats.count, r.stats.min, r.stats.max)
        for r in scanner.aggregator.rows()
    ]


def test_counting_404_responses() -> None:
    """Counting404Responses: a space-delimited filter on StatusCode=404 counts two of three."""
    counter = metric("404", "[IP, UserInfo, User, Timestamp, RequestInfo, StatusCode=404, Bytes]")
    assert totals([counter], APACHE) == [(None, (), 2.0, 2, 1.0, 1.0)]


def test_extract_bytes_with_a_dimension() -> None:
    """ExtractBytesExample: metricValue $size, one series per status code dimension."""
    size = metric("bytes", "[ip, identity, user_id, timestamp, request, status_code, size]",
                  "$size", dimensions={"status": "$status_code"}, unit="Bytes")  # fmt: skip
    assert totals([size], APACHE) == [
        (None, (("status", "404"),), 5889.0, 2, 1534.0, 4355.0),
        (None, (("status", "500"),), 5324.0, 1, 5324.0, 5324.0),
    ]


def test_count_every_event_with_a_quoted_space() -> None:
    """CountingLogEventsExample: the pattern " " counts every event, whatever it says."""
    assert totals([metric("all", '" "')], ["a", "b c", "{}"]) == [(None, (), 3.0, 3, 1.0, 1.0)]


def stamped(minute: int, second: int, message: str) -> str:
    stamp = f"2026-11-22T19:{minute:02d}:{second:02d}.000Z"
    return orjson.dumps({"timestamp": stamp, "message": message}).decode()


def test_default_value_per_minute() -> None:
    """AWS's example: two matches in minute 1 give 2; none in minute 2 give 0 (default 0)."""
    lines = [stamped(20, 1, "ERROR a"), stamped(20, 31, "ERROR b"),
             stamped(21, 1, "fine"), stamped(21, 31, "fine")]  # fmt: skip
    rows = totals([metric("errors", "ERROR", "1", defaultValue=0)], lines)
    assert [(row[2], row[3]) for row in rows] == [(2.0, 2), (0.0, 2)]


def test_one_datapoint_per_event_as_observed_on_aws() -> None:
    """The live-AWS observation: [ERROR, INFO, ERROR], value 3, default 7: Sum 13, 3 samples."""
    lines = [stamped(20, 1, "ERROR"), stamped(20, 2, "INFO"), stamped(20, 3, "ERROR")]
    rows = totals([metric("m", "ERROR", "3", defaultValue=7)], lines)
    assert [row[2:] for row in rows] == [(13.0, 3, 3.0, 7.0)]


def test_json_latency_metric_value() -> None:
    """The `{ $.latency = * }` example publishes 50 from {"latency": 50, "requestType": "GET"}."""
    latency = metric("latency", "{ $.latency = * }", "$.latency", defaultValue=0)
    rows = totals([latency], ['{"latency": 50, "requestType": "GET"}', '{"other": 1}'])
    assert [row[2:] for row in rows] == [(50.0, 2, 0.0, 50.0)]


def test_cloudwatch_core_stays_light() -> None:
    """Importing schemalog.filters loads neither boto3 nor jsonschema."""
    probe = (
        "import sys, schemalog.filters, schemalog.filters.scan;"
        "print(sorted(m for m in ('boto3', 'botocore', 'jsonschema') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
