"""Batches written on a thread of their own, while the next batch's lines are checked.

The databases do their share of a batch (DuckDB's insert, PostgreSQL's server) without
holding the GIL, so on a machine with two cores checking lines and writing batches overlap.
At most one batch waits while another is written: memory stays bounded. Batches are written
in order; after a failed write no later batch is written, and the failure is raised in the
reading thread (by the next :meth:`BatchWriter.put`, or by :meth:`BatchWriter.finish`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from schemalog.storage.rows import Batch


class BatchWriter:
    """Runs ``write`` on each batch put, in order, on a thread of its own."""

    def __init__(self, write: Callable[[Batch], None]) -> None:
        self._write = write
        self._queue: queue.Queue[Batch | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="schemalog-load", daemon=True)
        self._thread.start()

    def put(self, batch: Batch) -> None:
        """Hand over a full batch (waits while one is already waiting); raise a failed write."""
        self._raise_failure()
        self._queue.put(batch)

    def finish(self) -> None:
        """Write what was handed over, stop the thread, and raise a failed write."""
        self.close()
        self._raise_failure()

    def close(self) -> None:
        """Write what was handed over and stop the thread (failures are kept, not raised)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _raise_failure(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is not None:
                continue  # after a failure nothing later is written
            try:
                self._write(batch)
            except BaseException as error:  # raised in the reading thread, which reports it
                self._error = error
