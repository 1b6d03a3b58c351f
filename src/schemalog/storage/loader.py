"""``load``: stream JSON lines from files into the analytics tables, in batches.

Inputs are files, ``-`` for stdin, ``.gz`` (by content), and glob patterns. Each batch is one
transaction, so a database that fails mid-load leaves every earlier batch loaded and nothing
of the failing one; the error names the file and lines that were not loaded.
"""

from __future__ import annotations

import glob
import os
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from itertools import islice
from typing import Final, Protocol, TextIO

from schemalog.catalog.load import Catalog
from schemalog.catalog.location import default_schemas_dir
from schemalog.exceptions import InputError
from schemalog.lines.progress import ProgressBar, bar
from schemalog.lines.reader import STDIN, iter_lines
from schemalog.storage.rows import MAX_LINE_BYTES, Batch, RowMaker, checker_for
from schemalog.storage.writer import BatchWriter

__all__ = ["LoadSummary", "Store", "expand", "load", "open_store"]

DEFAULT_BATCH: Final = 20_000
#: Lines checked at a time (and between two moves of the progress bar).
_CHUNK: Final = 4096
_GLOB_CHARS: Final = frozenset("*?[")


class Store(Protocol):
    """A database the loader writes batches to."""

    dialect: str

    def write(self, batch: Batch) -> tuple[int, int]:
        """Write a batch in one transaction; return (events added, metric values added)."""

    def close(self) -> None:
        """Release the connection."""


@dataclass
class LoadSummary:
    """What a load did: lines read, events loaded, duplicates skipped, lines rejected."""

    lines: int = 0
    loaded: int = 0
    duplicates: int = 0
    rejected: int = 0
    metrics: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, int | float]:
        """Return the summary as a JSON-ready mapping (the stable ``--format json`` shape)."""
        return asdict(self)

    def line(self) -> str:
        """One line for people: ``1000 lines: 990 loaded, 5 duplicates, 5 rejected ...``."""
        rate = self.lines / self.seconds if self.seconds else 0.0
        return (
            f"{self.lines} lines: {self.loaded} events loaded, {self.duplicates} duplicates,"
            f" {self.rejected} rejected, {self.metrics} metric values"
            f" ({self.seconds:.2f} s, {rate:,.0f} lines/s)"
        )


def open_store(into: str) -> Store:
    """Open the database ``into`` names: a ``postgresql://`` URL, else a DuckDB file."""
    if into.startswith(("postgresql://", "postgres://")):
        from schemalog.storage.postgres import PostgresStore

        return PostgresStore(into)
    from schemalog.storage.duck import DuckStore

    return DuckStore(into)


def expand(paths: Iterable[str]) -> list[str]:
    """Expand glob patterns (sorted); an existing file or ``-`` is taken as it is."""
    out: list[str] = []
    for path in paths:
        if path == STDIN or os.path.exists(path) or not _GLOB_CHARS & set(path):
            out.append(path)
            continue
        matches = sorted(glob.glob(path))
        if not matches:
            raise InputError(f"{path}: no file matches this pattern")
        out.extend(matches)
    return out


def load(
    paths: Iterable[str],
    into: str | Store,
    *,
    schemas: str | os.PathLike[str] | None = None,
    batch_size: int = DEFAULT_BATCH,
    max_line_bytes: int = MAX_LINE_BYTES,
    progress: TextIO | None = None,
) -> LoadSummary:
    """Load the lines of ``paths`` into ``into`` (a DuckDB path, a URL, or an open store).

    ``progress`` (a terminal stream, such as ``sys.stderr``) shows a progress bar.
    """
    files = expand(paths)
    catalog = Catalog.load(schemas if schemas is not None else default_schemas_dir())
    maker = RowMaker(checker_for(catalog), max_line_bytes)
    store = open_store(into) if isinstance(into, str) else into
    summary = LoadSummary()
    started = time.perf_counter()
    shown = _progress(files, progress)
    # Batches are written on their own thread while the next one is made (summary's counts
    # of what was written are that thread's until finish() has joined it).
    writer = BatchWriter(lambda batch: _write(store, batch, summary))
    try:
        batch, room = Batch(), batch_size
        for source in files:
            lines = iter_lines(source)
            while chunk := list(islice(lines, min(room, _CHUNK))):
                maker.add_lines(batch, source, chunk)
                summary.lines += len(chunk)
                if shown is not None:
                    shown(sum(len(line) for _, line in chunk) + len(chunk))
                room -= len(chunk)
                if not room or len(batch) >= batch_size:  # lines, or rows of EMF values
                    writer.put(batch)
                    batch, room = Batch(), batch_size
        writer.put(batch)
        writer.finish()
    finally:
        writer.close()
        if shown is not None:
            shown.close()
        if isinstance(into, str):
            store.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _write(store: Store, batch: Batch, summary: LoadSummary) -> None:
    if not len(batch):
        summary.duplicates += batch.duplicates
        return
    events, metrics = store.write(batch)
    summary.loaded += events
    summary.duplicates += batch.duplicates + len(batch.events) - events
    summary.rejected += len(batch.rejects)
    summary.metrics += metrics


def _progress(files: list[str], stream: TextIO | None) -> ProgressBar | None:
    if stream is None:
        return None
    sizes = [os.path.getsize(f) for f in files if f != STDIN and os.path.isfile(f)]
    total = sum(sizes) if len(sizes) == len(files) else None
    return bar(total, stream)
