r"""The spill file: where events wait on disk while the queue is full or CloudWatch is down.

One file per handler and process, created on first use. Each event is a frame::

    <timestamp_ms> <length>\n<message bytes>\n

so any message (even one holding newlines) reads back exactly, and ``head`` still shows what
is waiting. Frames are appended in emission order and replayed in that order; the file is
emptied once everything in it has been delivered. It never grows past ``max_bytes``: an event
that would take it past the bound is refused (and the handler counts it as dropped).

While a handler has its file open it holds an exclusive ``flock`` on it, which the kernel
releases when the process ends. A file nobody holds is an orphan: :meth:`SpillFile.adopt`
takes it over so that another handler sends what it holds. A new file is never opened over a
leftover (of a dead process that had the same pid): it takes the next free name. A file closed
with part of it delivered is renamed ``NAME@OFFSET.spill``, so its adopter starts there.
Names change only under the file's lock, after checking that the name still leads to it.

Not thread-safe by itself: the handler appends under its lock, and only its sender reads.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from schemalog._core import lifecycle
from schemalog.sinks.cloudwatch.batching import BatchBuilder, Event

_FLAGS: Final = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC
_ORPHAN_FLAGS: Final = os.O_RDWR | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW
#: How much the reader takes at a time: more than the largest frame, so one always fits.
_READ_CHUNK: Final = 2 * 1024 * 1024 + 64
#: What follows ``<safe group>.`` in a spill file's name: ``PID-N[-M][@OFFSET].spill``.
_SPILL_NAME: Final = re.compile(r"\d+-\d+(?:-\d+)?(?:@\d+)?\.spill")
#: How many names ``NAME-1.spill``, ``NAME-2.spill``... a new file tries past leftovers.
_NAMES: Final = 100


class SpillFile:
    """An append-only file of event frames with a read position, bounded by ``max_bytes``."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path  # where it is: another name once opened past a leftover
        self.max_bytes = max_bytes
        self._fd = -1
        self.written = 0  # bytes appended (the end of the file)
        self.read = 0  # bytes delivered (frames before this offset are done)

    @classmethod
    def adopt(cls, path: Path) -> SpillFile | None:
        """Take over the spill file at ``path`` when its handler is gone, to replay it.

        Returns None when a live handler holds it, or it is gone; one with nothing left to
        send is removed. Replaying starts where its name says an earlier reader stopped.
        """
        try:
            fd = os.open(path, _ORPHAN_FLAGS)
        except OSError:
            return None  # removed meanwhile, or not ours to read
        if not _lock(fd, path):
            os.close(fd)
            return None
        spill = cls(path, 0)  # only read: nothing is appended to it
        spill._hold(fd)
        spill.written = os.fstat(fd).st_size
        _, mark, offset = path.name.removesuffix(".spill").rpartition("@")
        if mark and int(offset) <= spill.written:
            spill.read = int(offset)
        if not spill.pending:
            spill.close(remove=True)  # left by a killed process, or all sent: nothing to do
            return None
        return spill

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
            self._create()
        view = memoryview(frame)
        try:
            while view:
                view = view[os.write(self._fd, view) :]
        except OSError:
            os.ftruncate(self._fd, self.written)  # a partial frame would garble every later read
            raise
        self.written += len(frame)
        return True

    def _create(self) -> None:
        """Create and lock a new file at ``path`` or, past leftovers, at the next free name."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        stem = self.path.name.removesuffix(".spill")
        for number in range(_NAMES):
            path = self.path.with_name(f"{stem}-{number}.spill") if number else self.path
            try:
                fd = os.open(path, _FLAGS, 0o600)
            except FileExistsError:
                continue  # a dead process's lines, for a sender to adopt: never overwritten
            if _lock(fd, path):
                self.path = path
                self._hold(fd)
                return
            os.close(fd)  # a sender is removing it as an empty leftover: take the next name
        raise OSError(errno.EEXIST, f"no free spill file name next to {self.path}")

    def _hold(self, fd: int) -> None:
        self._fd = fd
        _HELD.add(self)

    def read_batch(self, builder: BatchBuilder, end: int) -> tuple[list[Event], int]:
        """Read frames from the read position (up to ``end``) while they fit in ``builder``.

        Returns the events and the offset just past the last one taken; call :meth:`consumed`
        with that offset once they are delivered. Returns no events when the frame at the
        read position is cut short (its process died while writing it).
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
        """Close the file; remove it when told to, else name how much of it was delivered."""
        if self._fd < 0:
            return
        if remove:
            self.path.unlink(missing_ok=True)  # still under the lock: no one else's file
        elif self.read:
            self._name_read()
        os.close(self._fd)
        self._fd = -1
        _HELD.discard(self)

    def _name_read(self) -> None:
        """Rename the file to ``NAME@OFFSET.spill``: its adopter starts at ``OFFSET``."""
        base = self.path.name.removesuffix(".spill").partition("@")[0]
        path = self.path.with_name(f"{base}@{self.read}.spill")
        try:
            os.link(self.path, path)  # unlike rename, never replaces another file
            self.path.unlink()
        except OSError:
            return  # the adopter sends the delivered frames again: still at least once
        self.path = path

    def forget(self) -> None:
        """Drop the descriptor without touching the file or its lock (a forked child's copy).

        Closing a copy leaves the lock with the parent; ``flock(LOCK_UN)`` would take it away.
        """
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1
        _HELD.discard(self)


def find_orphans(spill_dir: Path, prefix: str) -> Iterator[SpillFile]:
    """Adopt, oldest first, the spill files named ``PREFIX...`` in ``spill_dir`` nobody holds.

    Their locks went with their processes; a file a live handler holds (our own included)
    is left alone.
    """
    found: list[tuple[float, Path]] = []
    try:
        for entry in os.scandir(spill_dir):
            if entry.name.startswith(prefix) and _SPILL_NAME.fullmatch(entry.name[len(prefix) :]):
                with contextlib.suppress(OSError):  # adopted and removed meanwhile
                    found.append((entry.stat().st_mtime, Path(entry.path)))
    except OSError:
        return  # no spill directory: nothing was left
    for _, path in sorted(found):
        orphan = SpillFile.adopt(path)
        if orphan is not None:
            yield orphan


def _lock(fd: int, path: Path) -> bool:
    """Lock ``fd`` without waiting; False if it is held, or no longer the file at ``path``."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held, named = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)


#: The spill files this process has open, own and adopted.
_HELD: Final[set[SpillFile]] = set()


def _forget_in_child() -> None:
    # A forked child's copies would keep the parent's locks alive after the parent exits,
    # hiding its leftovers from adoption until the child exits too.
    for spill in list(_HELD):
        spill.forget()


lifecycle.after_fork_in_child(_forget_in_child)
