"""The tools manifest: which tool names exist, and the closest real name for one that does not.

An agent that asks for a tool the manifest lacks has hallucinated it. The suggestion first
compares names squashed to lower-case letters and digits (``GetWeather``, ``get-weather`` and
``get_weather`` are one name), then falls back to :mod:`difflib`'s similarity ratio.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Final

#: The similarity ratio (0 to 1) a name needs to be suggested.
SUGGESTION_CUTOFF: Final = 0.6
_NOT_ALNUM: Final = re.compile(r"[^a-z0-9]")


def _squash(name: str) -> str:
    return _NOT_ALNUM.sub("", name.lower())


class ToolManifest:
    """The set of tool names an agent may call; thread-safe for lookups and additions."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._names: frozenset[str] = frozenset()
        self._squashed: dict[str, str] = {}
        self._adding = threading.Lock()
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        """Add a tool name (adding one twice is harmless)."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"a tool name must be a non-empty string, got {name!r}")
        # Replace, never mutate: a reader in another thread sees the old or the new set;
        # writers take turns, so two adding at once both land.
        with self._adding:
            self._names = self._names | {name}
            self._squashed = {**self._squashed, _squash(name): name}

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._names))

    def __len__(self) -> int:
        return len(self._names)

    @property
    def names(self) -> list[str]:
        """Every tool name, sorted."""
        return sorted(self._names)

    def suggest(self, requested: str) -> str | None:
        """Return the manifest's closest name to ``requested``, or None when none is close."""
        squashed = self._squashed
        key = _squash(requested)
        if key in squashed:
            return squashed[key]
        matches = difflib.get_close_matches(key, list(squashed), n=1, cutoff=SUGGESTION_CUTOFF)
        return squashed[matches[0]] if matches else None
