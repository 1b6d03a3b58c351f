"""The process's current pipeline and lowest emitted level: what the hot path reads.

Kept apart from :mod:`schemalog._core.configure` so that a log call reads one module attribute,
and so that the loggers and the configuration need not import each other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from schemalog._core.pipeline import Pipeline

#: The pipeline every logger emits through; None until configured (explicitly or on first use).
pipeline: Pipeline | None = None
#: The lowest level any schemalog logger emits (see set_min_level).
min_level: int = logging.INFO
#: While ``schemalog.testing`` captures: the level the root logger lets through, whatever the
#: configured one (the sinks then filter at the configured level themselves).
capture_level: int | None = None

#: Called with the new lowest level whenever it changes (the loggers swap their methods).
_level_listeners: Final[list[Callable[[int], None]]] = []


def on_min_level(listener: Callable[[int], None]) -> None:
    """Call ``listener(level)`` now and whenever the lowest emitted level changes."""
    _level_listeners.append(listener)
    listener(min_level)


def set_min_level(level: int) -> None:
    """Set the lowest level any schemalog logger emits."""
    global min_level  # noqa: PLW0603 - the one process-wide setting, read on the hot path
    min_level = level
    for listener in _level_listeners:
        listener(level)
