"""``schemalog count``'s engine: inputs (files, ``-``, gzip) through a :class:`Scanner`.

A large plain file is split at line boundaries into one byte range per CPU, each scanned by a
forked worker process; every byte is still read once, and the workers' statistics are merged.
Compressed input and stdin are read by one process.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final

from schemalog.cloudwatch.aggregate import Aggregator
from schemalog.cloudwatch.filters import MetricFilter
from schemalog.cloudwatch.scan import Scanner
from schemalog.inputs import STDIN, InputError, open_input

#: Files at least this large are split across worker processes.
PARALLEL_MIN_BYTES: Final = 32 << 20
_GZIP_MAGIC: Final = b"\x1f\x8b"


def default_jobs() -> int:
    """How many worker processes a large file gets: the CPUs this process may use (max 8)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


def can_fork() -> bool:
    """Whether worker processes can be forked here (Linux and other POSIX systems)."""
    return "fork" in multiprocessing.get_all_start_methods()


def count(
    paths: Sequence[str],
    filters: list[MetricFilter],
    period: int,
    *,
    exact: bool = False,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    parallel_from: int = PARALLEL_MIN_BYTES,
) -> Aggregator:
    """Scan every input through ``filters``; return the aggregated statistics.

    A plain file of at least ``parallel_from`` bytes is split across ``jobs`` processes.
    Raises InputError naming the input that cannot be read.
    """
    scanner = Scanner(filters, period, exact=exact)
    for path in paths:
        ranges = _ranges(path, jobs, parallel_from) if jobs > 1 and can_fork() else None
        if ranges is not None:
            _count_parallel(scanner, path, ranges, progress)
            continue
        try:
            with open_input(path) as stream:
                scanner.feed(stream, progress)
        except EOFError:
            raise InputError(f"{path}: compressed stream ends early") from None
        except OSError as error:
            raise InputError(f"{path}: read failed: {error.strerror or error}") from None
    return scanner.aggregator


def input_size(path: str) -> int | None:
    """Return the size in bytes of a regular file input (None for stdin or anything else)."""
    if path == STDIN:
        return None
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def _ranges(path: str, jobs: int, smallest: int) -> list[tuple[int, int]] | None:
    """Split a plain file of ``smallest`` bytes or more into ``jobs`` ranges of whole lines."""
    size = input_size(path)
    if size is None or size < smallest or not Path(path).is_file():
        return None
    try:
        with open(path, "rb") as handle:
            if handle.read(2) == _GZIP_MAGIC:
                return None
            starts = [0]
            for index in range(1, jobs):
                handle.seek(size * index // jobs)
                handle.readline()  # finish the line this offset falls in
                position = handle.tell()
                if starts[-1] < position < size:
                    starts.append(position)
    except OSError:
        return None
    ends = [*starts[1:], size]
    return list(zip(starts, ends, strict=True))


class _Range:
    """A binary reader over ``[start, end)`` of a file."""

    def __init__(self, handle: BinaryIO, end: int) -> None:
        self._handle = handle
        self._left = end - handle.tell()

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        want = self._left if size < 0 else min(size, self._left)
        data = self._handle.read(want)
        self._left -= len(data)
        return data


@dataclass(frozen=True)
class _Job:
    """One worker's share: a byte range of one file, and where to report."""

    path: str
    start: int
    end: int
    slot: int


def _worker(scanner: Scanner, job: _Job, done: Any, results: Any) -> None:
    """Scan one byte range; put ``(slot, series, failure)`` on the results queue."""

    def tick(size: int) -> None:
        done[job.slot] += size

    try:
        with open(job.path, "rb") as handle:
            handle.seek(job.start)
            scanner.feed(_Range(handle, job.end), tick)  # type: ignore[arg-type]
        results.put((job.slot, scanner.aggregator.series, None))
    except BaseException as error:
        results.put((job.slot, None, f"{type(error).__name__}: {error}"))


def _count_parallel(
    scanner: Scanner,
    path: str,
    ranges: list[tuple[int, int]],
    progress: Callable[[int], None] | None,
) -> None:
    context = multiprocessing.get_context("fork")
    done = context.Array("q", len(ranges), lock=False)
    results = context.Queue()
    workers = []
    for slot, (start, end) in enumerate(ranges):
        fresh = Scanner(scanner.filters, scanner.aggregator.period, exact=scanner.exact)
        job = _Job(path, start, end, slot)
        workers.append(
            context.Process(target=_worker, args=(fresh, job, done, results), daemon=True)
        )
    for worker in workers:
        worker.start()
    reported = 0
    pending = len(workers)
    try:
        while pending:
            try:
                _slot, series, failure = results.get(timeout=0.2)
            except queue.Empty:
                if not any(worker.is_alive() for worker in workers) and results.empty():
                    raise InputError(f"{path}: a counting worker stopped unexpectedly") from None
            else:
                pending -= 1
                if failure is not None:
                    raise InputError(f"{path}: {failure}")
                _merge(scanner.aggregator, series)
            if progress is not None:
                total = sum(done)
                progress(total - reported)
                reported = total
    finally:
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()


def _merge(aggregator: Aggregator, series: Any) -> None:
    for slot, stats in series.items():
        mine = aggregator.series.get(slot)
        if mine is None:
            aggregator.series[slot] = stats
        else:
            mine.merge(stats)
