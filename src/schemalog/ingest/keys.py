"""API keys (bearer tokens, stored only as SHA-256 hashes) and a per-key rate limit.

A keys file holds one key per line, ``NAME:sha256:HEX`` (``#`` starts a comment);
``SCHEMALOG_API_KEYS`` holds the same entries separated by commas. ``new_key(NAME)`` makes a
random key and its line: the key goes to the client, only the line to the server.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from schemalog.exceptions import ConfigError

ENV_VARIABLE: Final = "SCHEMALOG_API_KEYS"
_PREFIX: Final = "sha256:"


def hash_key(key: str) -> str:
    """Return ``sha256:HEX`` of a key, the form keys are stored in."""
    return _PREFIX + hashlib.sha256(key.encode()).hexdigest()


def new_key(name: str) -> tuple[str, str]:
    """Return a new random key and its keys-file line ``NAME:sha256:HEX``."""
    key = "slk_" + secrets.token_urlsafe(32)
    return key, f"{name}:{hash_key(key)}"


class ApiKeys:
    """The known keys, by hash; :meth:`name_of` says whose a bearer token is."""

    def __init__(self, hashes: Mapping[str, str]) -> None:
        self._names = {digest: name for name, digest in hashes.items()}

    def __len__(self) -> int:
        return len(self._names)

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None, environ: Mapping[str, str]) -> ApiKeys:
        """Read keys from the file ``path`` (if given) and the environment variable."""
        entries: list[tuple[str, str]] = []
        if path is not None:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except OSError as error:
                raise ConfigError(f"{path}: cannot read the keys file: {error.strerror}") from None
            for number, raw in enumerate(text.splitlines(), start=1):
                line = raw.split("#", 1)[0].strip()
                if line:
                    entries.append((f"{path}:{number}", line))
        for place, raw in enumerate(environ.get(ENV_VARIABLE, "").split(","), start=1):
            if raw.strip():
                entries.append((f"{ENV_VARIABLE} entry {place}", raw.strip()))
        return cls(dict(_entry(where, line) for where, line in entries))

    def name_of(self, authorization: str | None) -> str | None:
        """Return the key's name for an ``Authorization: Bearer KEY`` header, else None."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        digest = hash_key(token.strip())
        for known, name in self._names.items():
            if hmac.compare_digest(known, digest):
                return name
        return None


def _entry(where: str, line: str) -> tuple[str, str]:
    name, sep, digest = line.partition(":")
    hex_part = digest.removeprefix(_PREFIX)
    if not (sep and name and digest.startswith(_PREFIX) and len(hex_part) == 64):
        raise ConfigError(f"{where}: expected NAME:sha256:HEX (64 hex digits), not {line[:40]!r}")
    try:
        bytes.fromhex(hex_part)
    except ValueError:
        raise ConfigError(f"{where}: the hash is not hexadecimal") from None
    return name, digest


class RateLimiter:
    """A token bucket per key: ``rate`` requests a second on average, bursts of ``burst``."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> float:
        """Take one token for ``key``: return 0 if allowed, else seconds until one is free."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate
