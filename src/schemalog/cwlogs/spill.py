r"""The spill file: where events wait on disk while the queue is full or CloudWatch is down.

One file per handler and process, created on first use. Each event is a frame::

    <timestamp_ms> <length>\n<message bytes>\n

so any message (even one holding newlines) reads back exactly, and ``head`` still shows what
is waiting. Frames are appended in emission order and replayed in that order; the file is
emptied once everything in it has been delivered. It never grows past ``max_bytes``: an event
that would take it past the bound is refused (and the handler counts it as dropped).

Not thread-safe by itself: the handler appends under its lock, and only its sender reads.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Final

from schemalog.cwlogs.batching import BatchBuilder, Event

_FLAGS: Final = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC
#: How much the reader takes at a time: more than the largest frame, so one always fits.
_READ_CHUNK: Final = 2 * 1024 * 1024 + 64


class SpillFile:
    """An append-only file of event frames with a read position, bounded by ``max_bytes``."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._fd = -1
        self.written = 0  # bytes appended (the end of the file)
        self.read = 0  # bytes delivered (frames before this offset are done)

    @property
    def pending(self) -> bool:
        """Whether frames are waiting to be replayed."""
        return self.read < self.written

    def append(self, event: Event) -> bool:
        """Append one frame; return False (writing nothing) when it would pass the bound.

        Raises OSError (having written nothing) when the write fails, e.g. with the disk full.
        """
        timestamp, message = event
        frame = b"%d %d\n" % (timestamp, len(message)) + message + b"\n"
        if self.written + len(frame) > self.max_bytes:
            return False
        if self._fd < 0:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, _FLAGS, 0o600)
            os.ftruncate(self._fd, 0)  # a leftover of a recycled pid is not ours to resend
        view = memoryview(frame)
        try:
            while view:
                view = view[os.write(self._fd, view) :]
        except OSError:
            os.ftruncate(self._fd, self.written)  # a partial frame would garble every later read
            raise
        self.written += len(frame)
        return True

    def read_batch(self, builder: BatchBuilder, end: int) -> tuple[list[Event], int]:
        """Read frames from the read position (up to ``end``) while they fit in ``builder``.

        Returns the events and the offset just past the last one taken; call :meth:`consumed`
        with that offset once they are delivered.
        """
        offset = self.read
        while offset < end:
            chunk = os.pread(self._fd, min(_READ_CHUNK, end - offset), offset)
            position = 0
            progressed = False
            while True:
                newline = chunk.find(b"\n", position)
                if newline < 0:
                    break
                stamp, _, length_text = chunk[position:newline].partition(b" ")
                length = int(length_text)
                start = newline + 1
                if start + length + 1 > len(chunk):
                    break  # the frame continues past this chunk: read from its start
                event = (int(stamp), bytes(chunk[start : start + length]))
                if not builder.fits(event):
                    return builder.sorted_events(), offset + position
                builder.add(event)
                position = start + length + 1
                progressed = True
            offset += position
            if not progressed:
                break
        return builder.sorted_events(), offset

    def consumed(self, offset: int) -> None:
        """Mark frames up to ``offset`` delivered; empty the file once all of it is."""
        self.read = offset
        if self.read >= self.written and self._fd >= 0:
            os.ftruncate(self._fd, 0)
            self.read = self.written = 0

    def close(self, *, remove: bool) -> None:
        """Close the file; remove it when nothing in it is waiting (or when told to)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if remove:
            self.path.unlink(missing_ok=True)

    def forget(self) -> None:
        """Drop the descriptor without touching the file (a forked child's copy of it)."""
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1
        self.written = self.read = 0
