"""Settings: each one from ``configure(...)``, else a ``SCHEMALOG_*`` variable, else a default.

| setting | variable | default |
|---|---|---|
| service | SCHEMALOG_SERVICE | none |
| sinks | SCHEMALOG_SINKS (comma-separated) | ``stdout`` |
| schemas | SCHEMALOG_SCHEMAS | ``./schemas`` if present, else the bundled catalog |
| level | SCHEMALOG_LEVEL | ``info`` |
| on_invalid | SCHEMALOG_ON_INVALID | ``raise`` under pytest or SCHEMALOG_ENV=dev, else ``keep`` |
| caller | SCHEMALOG_CALLER | off |
| static_fields | SCHEMALOG_STATIC_FIELDS (JSON object, or ``k=v,k=v``) | none |
| max_event_bytes | SCHEMALOG_MAX_EVENT_BYTES | 256 KiB |
| hash_key | SCHEMALOG_HASH_KEY | none (plain SHA-256) |
| processors, context_fields, sample_rates | (arguments only) | none |
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import FrozenInstanceError
from typing import TYPE_CHECKING, Any, Final, Literal, TypedDict, Unpack, cast

import orjson

from schemalog._core.event import Processor
from schemalog._core.options import parse_bool, parse_env, parse_size, parse_value
from schemalog._core.render import DEFAULT_MAX_BYTES, MIN_MAX_BYTES
from schemalog.catalog.load import is_sample_rate
from schemalog.catalog.location import default_schemas_location
from schemalog.exceptions import ConfigError
from schemalog.record import LEVELS, RESERVED_NAMES, level_number

OnInvalid = Literal["raise", "keep", "drop"]
ON_INVALID_CHOICES: Final = ("raise", "keep", "drop")

#: Set by the pytest plugin so that tests default to on_invalid="raise".
testing_defaults = False


#: The settings, in order (as positional arguments, in the repr, compared and hashed).
_FIELDS: Final = (
    "service", "sinks", "schemas", "level", "on_invalid", "caller", "static_fields",
    "max_event_bytes", "hash_key", "clock", "processors", "context_fields", "sample_rates",
)  # fmt: skip
#: "Not given": the default is made for this instance (a new dict, the default catalog).
_DEFAULT: Final[Any] = object()


class Settings:
    """The resolved configuration of the pipeline (read-only).

    Made and compared as the frozen dataclass it was (same arguments, repr, equality, hash and
    FrozenInstanceError), but a plain class: creating a dataclass compiles six methods at
    import, about a fifth of what ``configure()`` itself costs at start-up.
    """

    __match_args__ = _FIELDS
    service: str | None
    sinks: tuple[str | logging.Handler, ...]
    #: The catalog directory, as text: pathlib is not needed to start.
    schemas: str
    level: int
    on_invalid: OnInvalid
    caller: bool
    static_fields: Mapping[str, Any]
    max_event_bytes: int
    hash_key: bytes | None
    clock: Callable[[], float]
    #: The user's processors, run in this order after normalize and before validate.
    processors: tuple[Processor, ...]
    #: Names that are context, not event fields: rendered flat, never validated.
    context_fields: frozenset[str]
    #: Sampling rates per event type (override a schema's ``x-sample-rate``).
    sample_rates: Mapping[str, float]

    def __init__(  # noqa: PLR0917 - the dataclass's signature, kept
        self,
        service: str | None = None,
        sinks: tuple[str | logging.Handler, ...] = ("stdout",),
        schemas: str = _DEFAULT,
        level: int = logging.INFO,
        on_invalid: OnInvalid = "keep",
        caller: bool = False,
        static_fields: Mapping[str, Any] = _DEFAULT,
        max_event_bytes: int = DEFAULT_MAX_BYTES,
        hash_key: bytes | None = None,
        clock: Callable[[], float] = time.time,
        processors: tuple[Processor, ...] = (),
        context_fields: frozenset[str] = frozenset(),
        sample_rates: Mapping[str, float] = _DEFAULT,
    ) -> None:
        self.__dict__.update(
            service=service,
            sinks=sinks,
            schemas=default_schemas_location() if schemas is _DEFAULT else schemas,
            level=level,
            on_invalid=on_invalid,
            caller=caller,
            static_fields={} if static_fields is _DEFAULT else static_fields,
            max_event_bytes=max_event_bytes,
            hash_key=hash_key,
            clock=clock,
            processors=processors,
            context_fields=context_fields,
            sample_rates={} if sample_rates is _DEFAULT else sample_rates,
        )

    def _values(self) -> tuple[Any, ...]:
        values = self.__dict__
        return tuple(values[name] for name in _FIELDS)

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={self.__dict__[name]!r}" for name in _FIELDS)
        return f"{type(self).__qualname__}({values})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __setattr__(self, name: str, value: object) -> None:
        if type(self) is Settings or name in _FIELDS:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if type(self) is Settings or name in _FIELDS:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super().__delattr__(name)


if TYPE_CHECKING:  # creating a TypedDict compiles each annotation: 13M instructions at start-up
    # At run time, configure() takes the names of Settings' fields (a test keeps them in step).
    class Options(TypedDict, total=False):
        """The keyword arguments of ``configure()`` (each may be left out, or None)."""

        service: str | None
        sinks: Sequence[str | logging.Handler] | None
        schemas: str | os.PathLike[str] | None
        level: int | str | None
        on_invalid: str | None
        caller: bool | None
        static_fields: Mapping[str, Any] | None
        max_event_bytes: int | None
        hash_key: str | bytes | None
        clock: Callable[[], float] | None
        processors: Sequence[Processor] | None
        context_fields: Sequence[str] | None
        sample_rates: Mapping[str, float] | None


def resolve(environ: Mapping[str, str] | None = None, **options: Unpack[Options]) -> Settings:
    """Resolve settings: arguments win over ``SCHEMALOG_*`` variables, which win over defaults."""
    unknown = sorted(set(options).difference(_FIELDS))
    if unknown:  # what a plain keyword signature would refuse
        raise TypeError(f"configure() got an unexpected keyword argument {unknown[0]!r}")
    env = os.environ if environ is None else environ
    service, sinks, schemas = options.get("service"), options.get("sinks"), options.get("schemas")
    level, caller = options.get("level"), options.get("caller")
    if sinks is None:
        sinks = _env_list(env, "SCHEMALOG_SINKS", ["stdout"])
    return Settings(
        service=service if service is not None else env.get("SCHEMALOG_SERVICE") or None,
        sinks=tuple(sinks),
        schemas=os.fspath(schemas) if schemas is not None else default_schemas_location(env),
        level=_level(level if level is not None else env.get("SCHEMALOG_LEVEL", "info")),
        on_invalid=_on_invalid(options.get("on_invalid"), env),
        caller=caller
        if caller is not None
        else parse_env(env, "SCHEMALOG_CALLER", parse_bool, False),
        static_fields=_static_fields(options.get("static_fields"), env),
        max_event_bytes=_max_bytes(options.get("max_event_bytes"), env),
        hash_key=_hash_key(options.get("hash_key"), env),
        clock=options.get("clock") or time.time,
        processors=_processors(options.get("processors")),
        context_fields=_context_fields(options.get("context_fields")),
        sample_rates=_sample_rates(options.get("sample_rates")),
    )


def _processors(value: Sequence[Processor] | None) -> tuple[Processor, ...]:
    processors = tuple(value or ())
    for processor in processors:
        if not callable(processor):
            raise ConfigError(f"processors: {processor!r} is not callable")
    return processors


def _context_fields(value: Sequence[str] | None) -> frozenset[str]:
    if isinstance(value, str):
        raise ConfigError("context_fields must be a list of names, not one string")
    names = frozenset(value or ())
    bad = sorted(name for name in names if not isinstance(name, str) or not name.isidentifier())
    if bad:
        raise ConfigError(f"context_fields: {bad} are not names")
    reserved = sorted(RESERVED_NAMES.intersection(names))
    if reserved:
        raise ConfigError(f"context_fields: {reserved} are envelope names; they are reserved")
    return names


def _sample_rates(value: Mapping[str, float] | None) -> dict[str, float]:
    rates = dict(value or {})
    for event_type, rate in rates.items():
        if not is_sample_rate(rate):
            raise ConfigError(f"sample_rates[{event_type!r}]={rate!r} is not a number in (0, 1]")
    return {name: float(rate) for name, rate in rates.items()}


def _level(value: int | str) -> int:
    if isinstance(value, int):
        return value
    try:
        return level_number(value)
    except KeyError:
        raise ConfigError(f"level {value!r} is not one of {', '.join(LEVELS)}") from None


def _on_invalid(value: str | None, env: Mapping[str, str]) -> OnInvalid:
    source = "on_invalid"
    if value is None:
        value = env.get("SCHEMALOG_ON_INVALID") or None
        source = "SCHEMALOG_ON_INVALID"
    if value is None:
        dev = env.get("SCHEMALOG_ENV", "").strip().lower() == "dev"
        return "raise" if dev or testing_defaults else "keep"
    if value not in ON_INVALID_CHOICES:
        raise ConfigError(f"{source}={value!r} is not one of {', '.join(ON_INVALID_CHOICES)}")
    return cast(OnInvalid, value)


def _env_list(env: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    value = env.get(name)
    if value is None:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def _static_fields(value: Mapping[str, Any] | None, env: Mapping[str, str]) -> dict[str, Any]:
    source = "static_fields"
    if value is None:
        text = env.get("SCHEMALOG_STATIC_FIELDS", "").strip()
        source = "SCHEMALOG_STATIC_FIELDS"
        value = _parse_static_fields(text)
    clashes = sorted(RESERVED_NAMES.intersection(value))
    if clashes:
        raise ConfigError(f"{source} uses envelope names {clashes}; they are reserved")
    return dict(value)


def _parse_static_fields(text: str) -> dict[str, Any]:
    if not text:
        return {}
    if text.startswith("{"):
        try:
            parsed = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            raise ConfigError(f"SCHEMALOG_STATIC_FIELDS is not valid JSON: {error}") from None
        if not isinstance(parsed, dict):
            raise ConfigError("SCHEMALOG_STATIC_FIELDS must be a JSON object")
        return parsed
    fields: dict[str, Any] = {}
    for item in text.split(","):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"SCHEMALOG_STATIC_FIELDS item {item!r} is not name=value")
        fields[name.strip()] = value.strip()
    return fields


def static_field_names(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """Return the static field names ``SCHEMALOG_STATIC_FIELDS`` declares."""
    env = os.environ if environ is None else environ
    return frozenset(_parse_static_fields(env.get("SCHEMALOG_STATIC_FIELDS", "").strip()))


def _max_bytes(value: int | None, env: Mapping[str, str]) -> int:
    source = "max_event_bytes"
    if value is None:
        text = env.get("SCHEMALOG_MAX_EVENT_BYTES")
        if not text:
            return DEFAULT_MAX_BYTES
        source = "SCHEMALOG_MAX_EVENT_BYTES"
        value = parse_value("environment", source, text, parse_size)
    if value < MIN_MAX_BYTES:
        raise ConfigError(f"{source}={value} is below the minimum of {MIN_MAX_BYTES} bytes")
    return value


def _hash_key(value: str | bytes | None, env: Mapping[str, str]) -> bytes | None:
    if value is None:
        value = env.get("SCHEMALOG_HASH_KEY") or None
    if isinstance(value, str):
        return value.encode("utf-8")
    return value
