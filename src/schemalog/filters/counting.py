"""``schemalog count``'s engine: inputs (files, ``-``, gzip) through a :class:`Scanner`.

A large plain file is split at line boundaries into byte ranges (a few per worker), scanned by
a pool of forked worker processes, one per idle CPU, that take the next range when they finish
one; every byte is still read once, and the workers' statistics are merged in file order.
Compressed input and stdin are read by one process, and so is a scan by needles (see
:mod:`scan`): it is short, and on a machine whose other CPUs are busy forking workers costs it
more than it saves.
The process pool is imported only when it is used, to keep start-up short.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO, Final

from schemalog.exceptions import InputError
from schemalog.filters.aggregate import Aggregator
from schemalog.filters.blocks import LineCounts
from schemalog.filters.filters import MetricFilter
from schemalog.filters.scan import Scanner
from schemalog.lines.reader import GZIP_MAGIC, STDIN, open_input

#: Files at least this large are split across worker processes.
PARALLEL_MIN_BYTES: Final = 32 << 20
#: Ranges per worker, so that a worker slowed down by other work on the machine holds up less.
RANGES_PER_JOB: Final = 4
#: What forked workers inherit from the parent: the filters, period and options of a count.
_SHARED: dict[str, Any] = {}


def default_jobs() -> int:
    """How many worker processes a large file gets: one per idle CPU (at least 1, at most 8).

    Idle: among the CPUs this process may use, those no other runnable task needs now. Where
    the CPUs are busy, the scheduler's fair share (per session, with autogroups) gives
    more workers no more CPU time, only the pool's cost: one process is faster there.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus - others_running(), 8))


def others_running(loadavg: str = "/proc/loadavg") -> int:
    """How many other tasks are running or ready to run now (0 where the system does not say).

    The fourth field of Linux's ``/proc/loadavg`` is ``runnable/total``; this process is one of
    the runnable tasks.
    """
    try:
        with open(loadavg, "rb") as handle:
            runnable = int(handle.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return 0
    return max(0, runnable - 1)


def can_fork() -> bool:
    """Whether worker processes can be forked here (Linux and other POSIX systems)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def count(
    paths: Sequence[str],
    filters: list[MetricFilter],
    period: int,
    *,
    exact: bool = False,
    scale: bool = True,
    max_line_bytes: int | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    parallel_from: int = PARALLEL_MIN_BYTES,
    counts: LineCounts | None = None,
    too_long: Callable[[str, int, int], None] | None = None,
) -> Aggregator:
    """Scan every input through ``filters``; return the aggregated statistics.

    A plain file of at least ``parallel_from`` bytes is split across ``jobs`` processes.
    ``scale``: a sampled line counts ``1 / sample_rate`` times (:mod:`scan`); else once.
    A line over ``max_line_bytes`` is skipped and ``too_long(path, line number, bytes)`` is
    called for it; ``counts`` gets the lines read, not JSON and too long, over every input.
    Raises InputError naming the input that cannot be read.
    """
    scanner = Scanner(filters, period, exact=exact, scale=scale, max_line_bytes=max_line_bytes)
    for path in paths:
        scanner.counts = LineCounts()  # line numbers start again in each input
        _count_one(scanner, path, jobs, progress, parallel_from)
        if too_long is not None:
            for number, size in scanner.counts.too_long:
                too_long(path, number, size)
        if counts is not None:
            counts.lines += scanner.counts.lines
            counts.not_json += scanner.counts.not_json
            counts.too_long += scanner.counts.too_long
    return scanner.aggregator


def _count_one(
    scanner: Scanner,
    path: str,
    jobs: int,
    progress: Callable[[int], None] | None,
    parallel_from: int,
) -> None:
    ranges = None
    if jobs > 1 and scanner.needles is None:
        ranges = _ranges(path, jobs * RANGES_PER_JOB, parallel_from)
    if ranges is not None and can_fork():  # asked only for a large file: it imports a lot
        _count_parallel(scanner, path, ranges, jobs, progress)
        return
    try:
        with open_input(path) as stream:
            scanner.feed(stream, progress)
    except EOFError:
        raise InputError(f"{path}: compressed stream ends early") from None
    except OSError as error:
        raise InputError(f"{path}: read failed: {error.strerror or error}") from None


def input_size(path: str) -> int | None:
    """Return how many bytes a scan of ``path`` reads, when known: a plain regular file's size.

    None for stdin, anything but a regular file, and gzip (its decompressed size is unknown).
    """
    if path == STDIN:
        return None
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None  # opening a FIFO to peek would block or eat its first bytes
        with open(path, "rb") as handle:
            if handle.read(2) == GZIP_MAGIC:
                return None
            return os.fstat(handle.fileno()).st_size
    except OSError:
        return None


def _ranges(path: str, parts: int, smallest: int) -> list[tuple[int, int]] | None:
    """Split a plain file of ``smallest`` bytes or more into ``parts`` ranges of whole lines."""
    size = input_size(path)
    if size is None or size < smallest:
        return None
    try:
        with open(path, "rb") as handle:
            starts = [0]
            for index in range(1, parts):
                handle.seek(size * index // parts)
                position = _next_line(handle)  # finish the line this offset falls in
                if starts[-1] < position < size:
                    starts.append(position)
    except OSError:
        return None
    ends = [*starts[1:], size]
    return list(zip(starts, ends, strict=True))


def _next_line(handle: BinaryIO) -> int:
    """Return the offset after the next newline, reading in pieces (a line may be huge)."""
    while piece := handle.read(1 << 16):
        end = piece.find(b"\n")
        if end >= 0:
            return handle.tell() - len(piece) + end + 1
    return handle.tell()


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


def _scan_range(job: tuple[str, int, int]) -> tuple[Any, int, LineCounts]:
    """Scan ``[start, end)`` of a file in a worker; return its series, bytes read and lines."""
    path, start, end = job
    filters, period, exact, scale, limit = _SHARED["count"]
    scanner = Scanner(filters, period, exact=exact, scale=scale, max_line_bytes=limit)
    with open(path, "rb") as handle:
        handle.seek(start)
        scanner.feed(_Range(handle, end))  # type: ignore[arg-type]
    return scanner.aggregator.series, end - start, scanner.counts


def _count_parallel(
    scanner: Scanner,
    path: str,
    ranges: list[tuple[int, int]],
    jobs: int,
    progress: Callable[[int], None] | None,
) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    options = (scanner.exact, scanner.scale, scanner.max_line_bytes)
    _SHARED["count"] = (scanner.filters, scanner.aggregator.period, *options)
    context = multiprocessing.get_context("fork")
    lines: dict[int, LineCounts] = {}
    parts: dict[int, Any] = {}
    try:
        with ProcessPoolExecutor(min(jobs, len(ranges)), mp_context=context) as pool:
            pending = {
                pool.submit(_scan_range, (path, start, end)): index
                for index, (start, end) in enumerate(ranges)
            }
            for done in as_completed(pending):
                index = pending[done]
                parts[index], size, lines[index] = done.result()
                if progress is not None:
                    progress(size)
    except OSError as error:
        raise InputError(f"{path}: read failed: {error.strerror or error}") from None
    except BrokenProcessPool:
        raise InputError(f"{path}: a counting worker stopped unexpectedly") from None
    finally:
        _SHARED.clear()
    for index in sorted(lines):  # in file order: line numbers add up, sums do not vary by run
        scanner.counts.merge(lines[index])
        _merge(scanner.aggregator, parts[index])


def _merge(aggregator: Aggregator, series: Any) -> None:
    for slot, stats in series.items():
        mine = aggregator.series.get(slot)
        if mine is None:
            aggregator.series[slot] = stats
        else:
            mine.merge(stats)
