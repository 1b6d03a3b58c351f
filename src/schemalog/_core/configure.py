"""``configure()``: build the pipeline, install the sinks on the root logger, set the level.

Also the configuration on first use (:func:`auto_configure`) when a logger is used before
anybody called ``configure()``.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import TYPE_CHECKING, Final, Unpack

from schemalog._core import state, stdlib_route
from schemalog._core.dispatch import register_line_filter
from schemalog._core.lifecycle import after_fork_in_child
from schemalog._core.pipeline import Pipeline
from schemalog._core.settings import Settings, resolve
from schemalog._core.sinkspec import make_sink
from schemalog._core.stats import STATS
from schemalog.catalog.load import Catalog
from schemalog.exceptions import CatalogError, ConfigError

if TYPE_CHECKING:
    from schemalog._core.settings import Options

#: The handlers configure() installed on the root logger (replaced by the next configure()).
_installed: list[logging.Handler] = []


def configure(**options: Unpack[Options]) -> Settings:
    """Configure schemalog for this process; each setting not given comes from ``SCHEMALOG_*``.

    Args:
        service: stamped as ``service`` on every record.
        sinks: where records go: ``"stdout"``, ``"stderr"``, ``"file:PATH[?options]"``, or
            any ``logging.Handler``. Installed on the root logger, so plain stdlib records from
            other libraries come out as JSON lines too. ``[]`` installs none (bring your own
            handlers, e.g. with ``dictConfig``).
        schemas: the catalog directory (``schemas/<event_type>/<version>.json``).
        level: the lowest level emitted (``"debug"`` ... ``"critical"``).
        on_invalid: ``"raise"``, ``"keep"`` (emit with ``schema_errors``) or ``"drop"``.
        caller: add ``caller`` (``module:function:line``) to every record.
        static_fields: fields stamped on every record, such as ``{"env": "prod"}``.
        max_event_bytes: the largest line written; longer ones are cut (see ``truncated``).
        hash_key: key for ``x-sensitive: hash`` (HMAC-SHA-256); without one, plain SHA-256.
        clock: returns the current epoch seconds (for tests and simulations).
        processors: your own functions ``(Event) -> Event | None``, run in order after
            normalize and before validate (see docs/guide.md, "Processors").
        context_fields: extra names that are context rather than event fields (such as an
            attribute a ``logging.Filter`` sets): rendered flat, never validated.
        sample_rates: ``{event_type: rate}``, a number in (0, 1]; overrides ``x-sample-rate``.

    Raises ConfigError or CatalogError naming what is wrong. Calling it again replaces the
    previous configuration and closes the sinks it installed. Handlers it did not install stay
    on the root logger, except one that writes to the same stream or file as one of its sinks:
    that one is replaced, so each line is written once per destination.
    """
    settings = resolve(**options)
    catalog = Catalog.load(settings.schemas)
    handlers = [make_sink(spec) for spec in settings.sinks]
    _install(settings, Pipeline(settings, catalog), handlers)
    return settings


class ProcessRecords(logging.Filter):
    """Runs each stdlib record through the pipeline before a sink configure() installed sees it.

    The record's line is computed once and kept on it, so every sink writes the same bytes; a
    record the chain drops (sampled out, invalid under ``drop``) is not written; under
    ``on_invalid="raise"`` an invalid ``extra=`` event raises at the logging call.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Return whether the record is written."""
        pipeline = state.pipeline
        return pipeline is None or pipeline.process_record(record) is not None


#: The one ProcessRecords filter (on every sink: addFilter keeps one of it per handler).
PROCESS_RECORDS: Final = ProcessRecords()
# It passes every schemalog record (its line is on it already): no LogRecord needed for it.
register_line_filter(ProcessRecords)


def _install(settings: Settings, pipeline: Pipeline, handlers: list[logging.Handler]) -> None:
    root = logging.getLogger()
    level = settings.level
    if state.capture_level is not None and state.capture_level < level:
        for handler in handlers:  # the sinks keep the configured level; the capture sees all
            if handler.level == logging.NOTSET:
                handler.setLevel(level)
        level = state.capture_level
    for handler in handlers:
        handler.addFilter(PROCESS_RECORDS)
    old = list(_installed)
    _installed[:] = handlers
    destinations = {_destination(handler) for handler in handlers} - {None}
    with logging._lock:  # type: ignore[attr-defined]  # what addHandler and removeHandler take
        kept = [h for h in root.handlers if h not in old and _destination(h) not in destinations]
        # one assignment: a thread logging meanwhile sees the old sinks or the new, never none
        root.handlers = kept + [h for h in handlers if h not in kept]
    for handler in old:
        if handler not in root.handlers:
            handler.close()
    root.setLevel(level)
    state.set_min_level(level)
    state.pipeline = pipeline
    stdlib_route.install()


def installed_sinks() -> list[logging.Handler]:
    """Return the handlers the last configure() installed on the root logger."""
    return list(_installed)


def _destination(handler: logging.Handler) -> tuple[str, object] | None:
    """Where a handler writes: ("file", real path) or ("stream", the stream); None if unknown."""
    path = getattr(handler, "baseFilename", None) or getattr(handler, "path", None)
    if isinstance(path, str | os.PathLike):
        return ("file", os.path.realpath(path))
    name = getattr(handler, "stream_name", None)
    stream = getattr(sys, name, None) if isinstance(name, str) else getattr(handler, "stream", None)
    return None if stream is None else ("stream", id(stream))


def configure_on_first_use() -> None:
    """Configure from the environment when a logger is first used unconfigured; never raises.

    A bad variable or catalog is reported on stderr and the pipeline runs with defaults (an
    unloadable catalog means every event is reported invalid) rather than failing the app.
    """
    root = logging.getLogger()
    try:
        settings = resolve()
    except ConfigError as error:
        STATS.report("config", f"ignoring bad configuration: {error}")
        settings = Settings()
    try:
        catalog = Catalog.load(settings.schemas)
    except CatalogError as error:
        STATS.report("config", f"cannot load the catalog, every event is invalid: {error}")
        catalog = Catalog(settings.schemas, {})
    handlers: list[logging.Handler] = []
    if not root.handlers:
        for spec in settings.sinks:
            try:
                handlers.append(make_sink(spec))
            except (ConfigError, OSError) as error:
                STATS.report("config", f"ignoring sink {spec!r}: {error}")
    if root.handlers:
        # The application set up logging itself: keep its handlers and its root level.
        state.set_min_level(min(settings.level, root.getEffectiveLevel()))
        state.pipeline = Pipeline(settings, catalog)
        stdlib_route.install()
        return
    _install(settings, Pipeline(settings, catalog), handlers)


_first_use_lock = threading.Lock()


def _new_first_use_lock() -> None:
    """In a forked child: a fresh lock (another thread of the parent may have held it)."""
    global _first_use_lock  # noqa: PLW0603 - replaced in the child only
    _first_use_lock = threading.Lock()


after_fork_in_child(_new_first_use_lock)


def auto_configure() -> Pipeline:
    """Return the current pipeline, configuring from ``SCHEMALOG_*`` variables on first use.

    Never raises. Sinks are installed only when the root logger has no handlers yet, so an
    application that set up logging itself (``dictConfig``, ``basicConfig``) keeps its own.
    """
    with _first_use_lock:
        if state.pipeline is None:
            configure_on_first_use()
    assert state.pipeline is not None
    return state.pipeline


def shutdown() -> None:
    """Flush and close the sinks configure() installed, and remove them from the root logger."""
    root = logging.getLogger()
    for handler in _installed:
        root.removeHandler(handler)
        try:
            handler.flush()
            handler.close()
        except Exception as error:
            STATS.add("sink_errors")
            STATS.report("sink", f"closing {handler!r} failed: {error!r}")
    _installed.clear()
