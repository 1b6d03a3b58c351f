"""The PostgreSQL sink's spill file: JSON lines that wait on disk while the database is down.

Lines are appended as they are (each is one JSON line) and replayed through the loader's
path, which is idempotent on ``event_id``: a line sent twice is stored once, so no offsets
need keeping. A file is held under an exclusive ``flock`` while its process lives; a file
nobody holds (its process died) is adopted by the next sink for the same database.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path


def spill_stem(url: str) -> str:
    """Return the file-name stem of a database's spill files (a hash: URLs hold secrets)."""
    return "pg-" + hashlib.blake2b(url.encode(), digest_size=8).hexdigest()


class LineSpill:
    """An append-only file of lines, bounded by ``max_bytes``, held under a lock."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.size = 0
        self._fd = -1

    def append(self, lines: list[bytes]) -> int:
        """Append lines (each ending in a newline) while they fit; return how many did."""
        if self._fd < 0:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self.size = os.fstat(self._fd).st_size
        taken = 0
        for line in lines:
            if self.size + len(line) > self.max_bytes:
                break
            taken += 1
            self.size += len(line)
        if taken:
            data = b"".join(lines[:taken])
            written = os.write(self._fd, data)
            while written < len(data):
                written += os.write(self._fd, data[written:])
        return taken

    @property
    def pending(self) -> bool:
        """Whether lines wait to be replayed."""
        return self.size > 0

    def detach(self) -> tuple[Path, int]:
        """Hand over the file to replay, renamed and still locked; appends go to a new one."""
        backlog = self.path.with_name(self.path.name.removesuffix(".jsonl") + ".replay.jsonl")
        os.rename(self.path, backlog)
        held, self._fd, self.size = self._fd, -1, 0
        return backlog, held

    def close(self) -> None:
        """Close the file; remove it when empty, else leave it for a later sink to adopt."""
        if self._fd < 0:
            return
        if not self.size:
            self.path.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = -1

    def forget(self) -> None:
        """Drop the descriptor in a forked child, leaving the parent's lock and file alone."""
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd = -1


def orphans(directory: Path, stem: str, own: Path) -> Iterator[tuple[Path, int]]:
    """Yield spill files of ``stem`` that no live process holds, each locked by us (fd)."""
    for path in sorted(directory.glob(f"{stem}-*.jsonl")):
        if path == own:
            continue
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)  # a live sink holds it
            continue
        yield path, fd
