"""Counting inputs: files, gzip, stdin, and a large file split across processes."""

from __future__ import annotations

import gzip
import io
import os
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from schemalog.exceptions import InputError
from schemalog.filters import counting
from schemalog.filters.blocks import LineCounts
from schemalog.filters.counting import count, default_jobs, input_size
from tests.filters.cases import metric

FILTERS = [
    metric("a", '{ $.event_type = "a" }'),
    metric("ms", '{ $.event_type = "b" && $.ms = * }', "$.ms", dimensions={"route": "$.route"}),
    metric("words", "warn", "1", defaultValue=0),
]


def write_events(path: Path, lines: int) -> bytes:
    rows = []
    for i in range(lines):
        record = {
            "timestamp": f"2026-11-22T19:{i // 600 % 60:02d}:{i // 10 % 60:02d}.{i % 1000:03d}Z",
            "level": "warning" if i % 7 == 0 else "info",
            "logger": "app",
            "event_type": "ab"[i % 2],
            "ms": i % 13,
            "route": "/r" + str(i % 3),
        }
        rows.append(orjson.dumps(record))
    data = b"\n".join(rows) + b"\n"
    path.write_bytes(data)
    return data


def summary(aggregator: Any) -> list[tuple[Any, ...]]:
    return [
        (r.filter.name, r.start, r.dimensions, r.stats.sum, r.stats.count, r.stats.min, r.stats.max)
        for r in aggregator.rows()
    ]


def test_split_across_processes_equals_one_pass(tmp_path: Path) -> None:
    """A file split into byte ranges for three workers gives the single-process answer."""
    path = tmp_path / "events.jsonl"
    write_events(path, 5000)
    alone = summary(count([str(path)], FILTERS, 60))
    split = summary(count([str(path)], FILTERS, 60, jobs=3, parallel_from=0))
    assert split == alone
    assert sum(row[4] for row in alone if row[0] == "a") == 2500


def test_parallel_sums_do_not_depend_on_which_worker_ends_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers' statistics are merged in file order, so float sums are the same every run."""
    import concurrent.futures

    rows = [
        orjson.dumps({"timestamp": "2026-11-22T19:20:00.000Z", "level": "info", "logger": "app",
                      "event_type": "b", "ms": value, "route": "/r"})
        for value in [0.1, 1e16, 0.3, -1e16, 0.7, 1.1] * 400
    ]  # fmt: skip
    path = tmp_path / "floats.jsonl"
    path.write_bytes(b"\n".join(rows) + b"\n")
    first = summary(count([str(path)], FILTERS, 60, jobs=3, parallel_from=0))
    in_order = concurrent.futures.as_completed

    def backwards(futures: Any) -> Any:
        return reversed(list(in_order(futures)))

    monkeypatch.setattr(concurrent.futures, "as_completed", backwards)
    assert summary(count([str(path)], FILTERS, 60, jobs=3, parallel_from=0)) == first


def test_needle_scans_stay_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Filters on a few exact event types are scanned by one process, whatever --jobs says."""
    path = tmp_path / "events.jsonl"
    write_events(path, 2000)

    def no_pool(*_args: Any) -> None:
        raise AssertionError("a needle scan forked workers")

    monkeypatch.setattr(counting, "_count_parallel", no_pool)
    needles = FILTERS[:2]
    rows = summary(count([str(path)], needles, 60, jobs=2, parallel_from=0))
    assert sum(row[4] for row in rows if row[0] == "a") == 1000
    with pytest.raises(AssertionError, match="forked"):
        count([str(path)], FILTERS, 60, jobs=2, parallel_from=0)


def test_progress_reports_every_byte(tmp_path: Path) -> None:
    """Progress callbacks add up to the file size, with or without workers."""
    path = tmp_path / "events.jsonl"
    data = write_events(path, 3000)
    for jobs in (1, 2):
        seen: list[int] = []
        count([str(path)], FILTERS, 60, jobs=jobs, parallel_from=0, progress=seen.append)
        assert sum(seen) == len(data)


def test_gzip_and_several_files(tmp_path: Path) -> None:
    """A gzip file counts like its plain twin; several files add up."""
    plain = tmp_path / "events.jsonl"
    data = write_events(plain, 400)
    packed = tmp_path / "events.jsonl.1"
    packed.write_bytes(gzip.compress(data))
    one = summary(count([str(plain)], FILTERS, 3600))
    assert summary(count([str(packed)], FILTERS, 3600)) == one
    doubled = summary(count([str(plain), str(packed)], FILTERS, 3600))
    assert [row[4] for row in doubled] == [2 * row[4] for row in one]


def test_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`-` reads standard input."""
    data = write_events(tmp_path / "events.jsonl", 100)

    class FakeStdin:
        buffer = io.BufferedReader(io.BytesIO(data))

    monkeypatch.setattr(sys, "stdin", FakeStdin())
    assert summary(count(["-"], FILTERS, 60)) == summary(
        count([str(tmp_path / "events.jsonl")], FILTERS, 60)
    )


def test_unreadable_inputs_name_the_file(tmp_path: Path) -> None:
    """A missing file and a truncated gzip raise InputError naming the file."""
    with pytest.raises(InputError, match=r"missing\.jsonl"):
        count([str(tmp_path / "missing.jsonl")], FILTERS, 60)
    broken = tmp_path / "broken.gz"
    broken.write_bytes(gzip.compress(b'{"a": 1}\n' * 1000)[:40])
    with pytest.raises(InputError, match=r"broken\.gz"):
        count([str(broken)], FILTERS, 60)


def test_sizes_and_jobs(tmp_path: Path) -> None:
    """input_size() knows regular files only; default_jobs() is at least one."""
    path = tmp_path / "x"
    path.write_bytes(b"12345")
    assert input_size(str(path)) == 5
    assert input_size("-") is None
    assert input_size(str(tmp_path / "nope")) is None
    assert default_jobs() >= 1


def test_busy_cpus_get_no_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers are one per CPU no other runnable task holds; the system's count is read."""
    loadavg = tmp_path / "loadavg"
    loadavg.write_text("4.19 3.93 3.51 3/147 7776\n")
    assert counting.others_running(str(loadavg)) == 2
    assert counting.others_running(str(tmp_path / "none")) == 0
    loadavg.write_text("garbage\n")
    assert counting.others_running(str(loadavg)) == 0
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3})
    for others, jobs in ((0, 4), (1, 3), (3, 1), (9, 1)):
        monkeypatch.setattr(counting, "others_running", lambda n=others: n)
        assert default_jobs() == jobs


def test_gzip_input_has_no_size(tmp_path: Path) -> None:
    """A gzip file has no known size: progress advances by the bytes it decompresses to."""
    packed = tmp_path / "events.jsonl.1"
    packed.write_bytes(gzip.compress(write_events(tmp_path / "events.jsonl", 10)))
    assert input_size(str(packed)) is None


def _fails(job: tuple[str, int, int]) -> None:
    raise OSError(5, "disk on fire")


def _dies(job: tuple[str, int, int]) -> None:
    os._exit(3)


def test_worker_failures_name_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read error in a worker, or a worker that dies, becomes InputError naming the file."""
    path = tmp_path / "events.jsonl"
    write_events(path, 500)

    monkeypatch.setattr(counting, "_scan_range", _fails)
    with pytest.raises(InputError, match=r"events\.jsonl: read failed: disk on fire"):
        count([str(path)], FILTERS, 60, jobs=2, parallel_from=0)

    monkeypatch.setattr(counting, "_scan_range", _dies)
    with pytest.raises(InputError, match="stopped unexpectedly"):
        count([str(path)], FILTERS, 60, jobs=2, parallel_from=0)


def test_sampled_pipeline_output_scales_back(tmp_path: Path) -> None:
    """Lines sampled by configure(sample_rates=) count as the events logged, in both engines."""
    import random
    from collections import Counter

    import schemalog
    from schemalog.filters.sqlengine import count_with_duckdb

    catalog = tmp_path / "schemas"
    for name in ("ping", "pong"):
        (catalog / name).mkdir(parents=True)
        body = {"type": "object", "description": "d", "properties": {}}
        (catalog / name / "1.0.0.json").write_bytes(orjson.dumps(body))
    out = tmp_path / "events.jsonl"
    random.seed(1815)  # the sampler's draws (random.random), repeatable
    schemalog.configure(
        sinks=[f"file:{out}"], schemas=catalog, sample_rates={"ping": 0.25, "pong": 0.5}
    )
    log = schemalog.get_logger("app")
    for i in range(2000):
        (log.info if i % 10 else log.warning)("ping" if i % 3 else "pong")
    schemalog.shutdown()
    # Independent of the engines: each line read with orjson, weighed by hand.
    expected: Counter[str] = Counter()
    for line in out.read_bytes().splitlines():
        record = orjson.loads(line)
        rate = record.get("sample_rate")
        assert rate is None or record["level"] == "info"
        expected[record["event_type"]] += 1 / rate if rate else 1
    filters = [metric(name, f'{{ $.event_type = "{name}" }}') for name in ("ping", "pong")]
    for aggregator in (count([str(out)], filters, 60), count_with_duckdb([str(out)], filters, 60)):
        totals = {r.filter.name: r.stats.count for r in aggregator.rows(total=True)}
        assert totals == pytest.approx(dict(expected))
    raw = count([str(out)], filters, 60, scale=False).rows(total=True)
    assert sum(r.stats.count for r in raw) == len(out.read_bytes().splitlines())
    # The estimate is near what was logged (1333 pings, 667 pongs): a sanity bound, not exact.
    assert abs(expected["ping"] - 1333) < 250 and abs(expected["pong"] - 667) < 120


@pytest.mark.skipif(not counting.can_fork(), reason="workers are forked (POSIX)")
def test_long_and_non_json_lines_counted_the_same_in_parallel(tmp_path: Path) -> None:
    """Split across workers, overlong lines keep their file line numbers and counts add up."""
    path = tmp_path / "events.jsonl"
    data = write_events(path, 3000)
    rows = data.splitlines()
    rows[100] = b"x" * 5000  # over the limit
    rows[2500] = b"y" * 5000
    rows[1200] = b"plain text"
    path.write_bytes(b"\n".join(rows) + b"\n")
    results = []
    found: list[tuple[str, int, int]] = []
    for jobs in (1, 2):
        counts = LineCounts()
        found.clear()
        aggregator = count(
            [str(path)], FILTERS, 60, max_line_bytes=4096, jobs=jobs, parallel_from=1,
            counts=counts, too_long=lambda *where: found.append(where),
        )  # fmt: skip
        results.append(aggregator.rows(total=True))
        assert found == [(str(path), 101, 5000), (str(path), 2501, 5000)]
        assert (counts.lines, counts.not_json, len(counts.too_long)) == (3000, 1, 2)
    assert [r.stats for r in results[0]] == [r.stats for r in results[1]]
