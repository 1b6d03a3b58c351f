"""Tests for schemalog._core.settings: arguments over SCHEMALOG_* variables over defaults."""

from __future__ import annotations

import ast
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import FrozenInstanceError, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from schemalog._core import settings
from schemalog._core.event import Event
from schemalog._core.options import parse_size
from schemalog._core.render import DEFAULT_MAX_BYTES
from schemalog._core.settings import Settings, resolve, static_field_names
from schemalog.catalog.location import default_schemas_location
from schemalog.exceptions import ConfigError


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """With nothing set: stdout, info, keep (outside tests), no caller, 256 KiB."""
    monkeypatch.setattr(settings, "testing_defaults", False)
    resolved = resolve(environ={})
    assert resolved.sinks == ("stdout",)
    assert resolved.level == logging.INFO
    assert resolved.on_invalid == "keep"
    assert resolved.caller is False
    assert resolved.max_event_bytes == 256 * 1024
    assert resolved.service is None


def test_environment_variables_are_read() -> None:
    """Every setting has a SCHEMALOG_* variable."""
    resolved = resolve(
        environ={
            "SCHEMALOG_SERVICE": "api",
            "SCHEMALOG_SINKS": "stdout, file:/tmp/x.jsonl",
            "SCHEMALOG_SCHEMAS": "/srv/schemas",
            "SCHEMALOG_LEVEL": "WARNING",
            "SCHEMALOG_ON_INVALID": "drop",
            "SCHEMALOG_CALLER": "yes",
            "SCHEMALOG_STATIC_FIELDS": "env=prod, region=eu-west-1",
            "SCHEMALOG_MAX_EVENT_BYTES": "64KiB",
            "SCHEMALOG_HASH_KEY": "k",
        }
    )
    assert resolved.service == "api"
    assert resolved.sinks == ("stdout", "file:/tmp/x.jsonl")
    assert resolved.schemas == "/srv/schemas"
    assert resolved.level == logging.WARNING
    assert resolved.on_invalid == "drop"
    assert resolved.caller is True
    assert resolved.static_fields == {"env": "prod", "region": "eu-west-1"}
    assert resolved.max_event_bytes == 65536
    assert resolved.hash_key == b"k"


def test_arguments_win_over_variables() -> None:
    """An argument overrides the variable for the same setting."""
    resolved = resolve(service="arg", level="error", environ={"SCHEMALOG_SERVICE": "env"})
    assert resolved.service == "arg"
    assert resolved.level == logging.ERROR


def test_dev_environment_and_tests_default_to_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    """SCHEMALOG_ENV=dev, or running under pytest, makes on_invalid default to raise."""
    monkeypatch.setattr(settings, "testing_defaults", False)
    assert resolve(environ={"SCHEMALOG_ENV": "dev"}).on_invalid == "raise"
    monkeypatch.setattr(settings, "testing_defaults", True)
    assert resolve(environ={}).on_invalid == "raise"


def test_static_fields_as_json() -> None:
    """SCHEMALOG_STATIC_FIELDS may be a JSON object; its names are readable on their own."""
    env = {"SCHEMALOG_STATIC_FIELDS": '{"env": "prod", "shard": 3}'}
    assert resolve(environ=env).static_fields == {"env": "prod", "shard": 3}
    assert static_field_names(env) == {"env", "shard"}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"SCHEMALOG_LEVEL": "loud"}, "level 'loud'"),
        ({"SCHEMALOG_ON_INVALID": "ignore"}, "SCHEMALOG_ON_INVALID='ignore'"),
        ({"SCHEMALOG_CALLER": "maybe"}, "SCHEMALOG_CALLER: 'maybe' is not a yes/no value"),
        ({"SCHEMALOG_STATIC_FIELDS": "{bad"}, "SCHEMALOG_STATIC_FIELDS is not valid JSON"),
        ({"SCHEMALOG_STATIC_FIELDS": "novalue"}, "is not name=value"),
        ({"SCHEMALOG_STATIC_FIELDS": "level=x"}, "reserved"),
        ({"SCHEMALOG_MAX_EVENT_BYTES": "lots"}, "SCHEMALOG_MAX_EVENT_BYTES"),
        ({"SCHEMALOG_MAX_EVENT_BYTES": "10"}, "below the minimum"),
    ],
)
def test_bad_values_name_the_variable(environ: dict[str, str], message: str) -> None:
    """A bad variable is a ConfigError naming it and the value."""
    with pytest.raises(ConfigError, match=message):
        resolve(environ=environ)


def test_sizes() -> None:
    """Sizes accept plain bytes and decimal or binary units."""
    assert parse_size("1048576") == 1048576
    assert parse_size("10MB") == 10_000_000
    assert parse_size("512 KiB") == 524288
    with pytest.raises(ValueError, match="not a size"):
        parse_size("10 parsecs")


def test_unknown_settings_are_refused() -> None:
    """A misspelt setting is a TypeError, as for any keyword-only signature."""
    with pytest.raises(TypeError, match="unexpected keyword argument 'servce'"):
        resolve(environ={}, servce="api")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"processors": [42]}, "processors: 42 is not callable"),
        ({"context_fields": "hostname"}, "a list of names"),
        ({"context_fields": ["host name"]}, r"\['host name'\] are not names"),
        ({"context_fields": ["session_id"]}, "envelope names"),
        ({"sample_rates": {"ping": 2}}, r"sample_rates\['ping'\]=2 is not a number in \(0, 1\]"),
    ],
)
def test_chain_settings_are_checked(options: dict[str, object], message: str) -> None:
    """Processors, context fields and sample rates are checked with a clear error."""
    with pytest.raises(ConfigError, match=message):
        resolve(environ={}, **options)  # type: ignore[arg-type]


def test_chain_settings_are_kept() -> None:
    """Processors keep their order; context fields and rates are normalized."""

    def first(event: Event) -> Event:
        return event

    def second(event: Event) -> None:
        return None

    settings_ = resolve(
        environ={}, processors=[first, second], context_fields=["host"], sample_rates={"ping": 1}
    )
    assert settings_.processors == (first, second)
    assert settings_.context_fields == frozenset({"host"})
    assert settings_.sample_rates == {"ping": 1.0}


@dataclass(frozen=True)
class DataclassSettings:
    """Settings as the frozen dataclass it was, to compare the plain class with."""

    service: str | None = None
    sinks: tuple[str | logging.Handler, ...] = ("stdout",)
    schemas: str = field(default_factory=default_schemas_location)
    level: int = logging.INFO
    on_invalid: str = "keep"
    caller: bool = False
    static_fields: Mapping[str, Any] = field(default_factory=dict)
    max_event_bytes: int = DEFAULT_MAX_BYTES
    hash_key: bytes | None = None
    clock: Callable[[], float] = time.time
    processors: tuple[Any, ...] = ()
    context_fields: frozenset[str] = frozenset()
    sample_rates: Mapping[str, float] = field(default_factory=dict)


def outcome(action: Callable[[], object]) -> object:
    """Return what ``action`` returns, or its error's type and message."""
    try:
        return action()
    except Exception as error:
        return type(error), str(error)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((), {}),
        (("svc", ("stderr",)), {"level": 10}),
        ((), {"schemas": "/srv/schemas", "hash_key": b"k", "context_fields": frozenset("a")}),
        ((), {"static_fields": {"env": "prod"}, "sample_rates": {"ping": 0.5}, "schemas": None}),
    ],
)
def test_settings_behave_as_the_frozen_dataclass(args: tuple[Any, ...], kwargs: Any) -> None:
    """Made, shown, compared, hashed and (not) changed as the frozen dataclass it replaces."""
    plain, old = Settings(*args, **kwargs), DataclassSettings(*args, **kwargs)
    assert repr(plain) == repr(old).replace("DataclassSettings(", "Settings(", 1)
    assert Settings.__match_args__ == DataclassSettings.__match_args__
    assert [getattr(plain, name) for name in Settings.__match_args__] == [
        getattr(old, name) for name in DataclassSettings.__match_args__
    ]
    assert plain == Settings(*args, **kwargs) and plain != old and plain != Settings(service="x")
    assert outcome(lambda: hash(plain)) == outcome(lambda: hash(old))
    targets: tuple[Any, ...] = (plain, old)
    for target in targets:
        with pytest.raises(FrozenInstanceError, match="cannot assign to field 'level'"):
            target.level = 1
        with pytest.raises(FrozenInstanceError, match="cannot delete field 'sinks'"):
            del target.sinks
    assert Settings().static_fields is not Settings().static_fields


def test_configure_takes_the_names_of_the_settings() -> None:
    """Options (configure()'s keywords, for type checkers only) lists Settings' fields in order."""
    tree = ast.parse(Path(settings.__file__).read_text())
    options = next(
        node for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and node.name == "Options"
    )
    names = [
        n.target.id
        for n in options.body
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
    ]
    assert names == list(Settings.__match_args__)
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        resolve(environ={}, colour="red")  # type: ignore[call-arg]
