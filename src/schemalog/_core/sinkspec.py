"""Sink strings: ``stdout``, ``file:PATH?options``, ``cloudwatch:GROUP`` ... and what builds each.

A scheme names the factory that builds its handler by dotted path, imported only when a sink
string uses it: the core never imports a sink (sinks sit above it), ``import schemalog`` stays
light, and boto3 is not loaded unless a ``cloudwatch:`` sink is configured. Packages add their
own schemes with :func:`register_sink_scheme` or the ``schemalog.sinks`` entry-point group.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Final

from schemalog.exceptions import ConfigError

SinkFactory = Callable[[str], logging.Handler]

#: Streams that need no argument: ``stdout`` and ``stderr``.
STREAMS: Final = ("stdout", "stderr")
#: Scheme -> ``module:attribute`` of a factory taking what follows ``scheme:``.
_SCHEMES: Final[dict[str, str | SinkFactory]] = {
    "stdout": "schemalog.sinks.stream:StreamSink",
    "stderr": "schemalog.sinks.stream:StreamSink",
    "file": "schemalog.sinks.file:FileSink.from_spec",
    "cloudwatch": "schemalog.sinks.cloudwatch.handler:from_spec",
    "postgresql": "schemalog.storage.sink:from_spec",
}
_ENTRY_POINT_GROUP: Final = "schemalog.sinks"


def register_sink_scheme(scheme: str, factory: str | SinkFactory) -> None:
    """Make ``scheme:ARGUMENT`` build ``factory(ARGUMENT)`` (a callable or ``"module:attr"``)."""
    if not scheme.isidentifier():
        raise ConfigError(f"sink scheme {scheme!r} must be a plain name such as 'kafka'")
    _SCHEMES[scheme] = factory


def known_schemes() -> list[str]:
    """Return the sink strings one can configure, for error messages and docs."""
    _load_entry_points()
    return [s if s in STREAMS else f"{s}:..." for s in _SCHEMES]


def make_sink(spec: str | logging.Handler) -> logging.Handler:
    """Build the handler a sink string names (a Handler is returned as it is)."""
    if isinstance(spec, logging.Handler):
        return spec
    text = spec.strip()
    if text in STREAMS:
        return _factory(text)(text)
    scheme, sep, argument = text.partition(":")
    if not sep or scheme in STREAMS or (scheme not in _SCHEMES and not _load_entry_points(scheme)):
        raise ConfigError(f"sink {spec!r} is not one of: {', '.join(known_schemes())}")
    if not argument:
        raise ConfigError(f"sink {spec!r} needs something after '{scheme}:'")
    return _factory(scheme)(argument)


def _factory(scheme: str) -> SinkFactory:
    target = _SCHEMES[scheme]
    if not isinstance(target, str):
        return target
    module_name, _, attribute_path = target.partition(":")
    value: object = importlib.import_module(module_name)
    for attribute in attribute_path.split("."):
        value = getattr(value, attribute)
    if not callable(value):
        raise ConfigError(f"sink scheme {scheme!r} names {target!r}, which is not callable")
    factory: SinkFactory = value
    _SCHEMES[scheme] = factory
    return factory


def _load_entry_points(wanted: str | None = None) -> bool:
    """Register schemes that installed packages declare; return whether ``wanted`` is known."""
    from importlib.metadata import entry_points  # only for a scheme nothing built in knows

    for entry in entry_points(group=_ENTRY_POINT_GROUP):
        _SCHEMES.setdefault(entry.name, entry.value)
    return wanted is not None and wanted in _SCHEMES
