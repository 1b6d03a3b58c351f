"""Tests for schemalog._core.pipeline: from a call to one enveloped, validated, redacted line."""

from __future__ import annotations

import datetime as dt
import logging
import re
import string
import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schemalog
from schemalog._core import state
from schemalog._core.pipeline import LINE_ATTRIBUTE, Pipeline
from tests.conftest import LineCollector

ORDER = ["timestamp", "level", "logger", "event_type", "schema_version", "event_id", "service"]


def test_issue_example_record(collector: LineCollector) -> None:
    """The issue's example produces the documented record shape, envelope first."""
    log = schemalog.get_logger("app.chat")
    with schemalog.bound(session_id="s-1", user_id="u-1"):
        log.info(event_type="chat_completion_request_start", model="llama-3", stream_requested=True)
        log.info("stream_completed", total_chunks=42)
    first, second = collector.records
    assert list(second) == [*ORDER, "session_id", "user_id", "total_chunks"]
    assert second["event_type"] == "stream_completed"
    assert second["schema_version"] == "1.0.0"
    assert second["level"] == "info" and second["logger"] == "app.chat"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", second["timestamp"])
    assert uuid.UUID(second["event_id"]).version == 7
    assert first["model"] == "llama-3" and first["stream_requested"] is True
    assert "schema_errors" not in first and "schema_errors" not in second


def test_records_carry_the_line_for_every_handler(schemas_dir: Path) -> None:
    """The line is rendered once: a plain stdlib handler sees the same JSON as the message."""
    plain = LineCollector()
    plain.setFormatter(logging.Formatter("%(message)s"))
    seen: list[bytes] = []

    class Raw(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(getattr(record, LINE_ATTRIBUTE))

    schemalog.configure(sinks=[plain, Raw()], schemas=schemas_dir)
    schemalog.get_logger("a").info("cache_miss")
    assert plain.lines[0].encode() == seen[0]


def test_keep_mode_emits_invalid_events_with_schema_errors(collector: LineCollector) -> None:
    """keep: the event is written, with schema_errors, and counted."""
    log = schemalog.get_logger("app")
    with schemalog.bound(session_id="s"):
        log.info("stream_completed", total_chunks=-1, note="x")
    (record,) = collector.records
    assert record["schema_errors"] == [
        "$.note: field not declared by the schema",
        "$.total_chunks: -1 is less than the minimum of 0",
    ]
    stats = schemalog.stats()
    assert stats["invalid"] == stats["invalid_kept"] == 1
    assert stats["emitted"] == 1


def test_drop_mode_counts_and_writes_nothing(schemas_dir: Path) -> None:
    """drop: the event is counted and not written."""
    handler = LineCollector()
    schemalog.configure(sinks=[handler], schemas=schemas_dir, on_invalid="drop")
    schemalog.get_logger("app").info("stream_completed", total_chunks="many")
    assert handler.lines == []
    assert schemalog.stats()["invalid_dropped"] == 1


def test_raise_mode_raises_and_writes_nothing(schemas_dir: Path) -> None:
    """raise: InvalidEventError names the event and each problem; nothing is written."""
    handler = LineCollector()
    schemalog.configure(sinks=[handler], schemas=schemas_dir, on_invalid="raise")
    with pytest.raises(schemalog.InvalidEventError) as error:
        schemalog.get_logger("app").info("cache_hit", cache_expires_in_seconds="soon")
    assert error.value.event_type == "cache_hit"
    assert [str(i) for i in error.value.issues] == [
        '$.cache_expires_in_seconds: expected a number, got "soon"'
    ]
    assert handler.lines == []
    assert schemalog.stats()["invalid_raised"] == 1


def test_unknown_event_type(collector: LineCollector) -> None:
    """An unknown event type is invalid, suggests the nearest name, and has no schema_version."""
    with schemalog.bound(session_id="s"):
        schemalog.get_logger("app").info("stream_complete", total_chunks=1)
    (record,) = collector.records
    assert "schema_version" not in record
    assert record["schema_errors"] == [
        "$.event_type: unknown event type 'stream_complete' (did you mean 'stream_completed'?)"
    ]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda log: log.info(), "$.event_type: missing"),
        (lambda log: log.info(42), "$.event_type: must be a string, got 42"),
        (lambda log: log.info("cache_miss", event_type="cache_hit"), "$.event_type: given twice"),
        (lambda log: log.info("cache_miss", level="debug"), "$.level: is an envelope name"),
        (
            lambda log: log.info("cache_miss", schema_version="9.9.9"),
            "$.schema_version: cache_miss",
        ),
    ],
)
def test_malformed_calls_are_invalid_events(
    collector: LineCollector, call: Any, error: str
) -> None:
    """Calls without a usable event type or setting stamped names are reported, not raised."""
    call(schemalog.get_logger("app"))
    (record,) = collector.records
    assert any(text.startswith(error) for text in record["schema_errors"]), record


def test_enum_event_types(collector: LineCollector) -> None:
    """An Enum member can name the event type."""
    import enum

    class Events(enum.Enum):
        MISS = "cache_miss"

    schemalog.get_logger("app").info(Events.MISS)
    assert collector.records[0]["event_type"] == "cache_miss"


def test_pinned_version(tmp_path: Path) -> None:
    """schema_version pins an older version; by default the newest is used."""
    for version, props in (
        ("1.0.0", {"a": {"type": "integer"}}),
        ("2.0.0", {"b": {"type": "integer"}}),
    ):
        path = tmp_path / "thing_done" / f"{version}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            orjson.dumps(
                {"type": "object", "properties": props, "additionalProperties": False}
            ).decode()
        )
    handler = LineCollector()
    schemalog.configure(sinks=[handler], schemas=tmp_path, on_invalid="raise")
    log = schemalog.get_logger("app")
    log.info("thing_done", b=1)
    log.info("thing_done", a=1, schema_version="1.0.0")
    log.info("thing_done", a=1, schema_version="1")
    assert [r["schema_version"] for r in handler.records] == ["2.0.0", "1.0.0", "1.0.0"]


def test_required_context(collector: LineCollector) -> None:
    """x-context names must be bound or passed; passing one per call works too."""
    log = schemalog.get_logger("app")
    log.info("stream_completed", total_chunks=1)
    log.info("stream_completed", total_chunks=1, session_id="s-2")
    missing, passed = collector.records
    assert missing["schema_errors"] == [
        "$.session_id: required context is missing (bind it or pass it)"
    ]
    assert passed["session_id"] == "s-2" and "schema_errors" not in passed


def test_logger_bind_adds_context_and_fields(collector: LineCollector) -> None:
    """bind() context rides along; context names go to the envelope, others are event fields."""
    log = schemalog.get_logger("app").bind(session_id="s-3", model="llama-3")
    log.info("chat_completion_success", duration_ms=12.5)
    log.unbind("model").info("chat_completion_success")
    first, second = collector.records
    assert first["session_id"] == "s-3" and first["model"] == "llama-3"
    assert "model" not in second and second["session_id"] == "s-3"


def test_redaction_before_any_sink(collector: LineCollector) -> None:
    """x-sensitive fields and secret-named keys never reach a handler in clear."""
    log = schemalog.get_logger("app")
    log.info("user_creation", cognito_user_id="c-1", email="ada@example.com")
    log.info("api_key_validation_failed", key_prefix="sk-live-abcdefghijkl")
    user, key = collector.records
    assert user["email"].startswith("sha256:") and "ada" not in collector.lines[0]
    assert key["key_prefix"] == "sk-l****"
    assert schemalog.stats()["redacted"] == 2


def test_secret_named_context_never_reaches_a_handler(schemas_dir: Path) -> None:
    """A secret-named context field is redacted from calls, bind(), extra= and processors."""
    collector = LineCollector()

    def add_key(event: schemalog.Event) -> schemalog.Event:
        event.context["api_key"] = "s3cret-4"
        return event

    schemalog.configure(
        sinks=[collector],
        schemas=schemas_dir,
        on_invalid="keep",
        context_fields=["auth_token"],
        processors=[add_key],
    )
    log = schemalog.get_logger("app")
    fields: dict[str, Any] = {"tool_name": "x", "session_id": "s", "call_sequence": 1}
    log.info("tool_call_started", auth_token="s3cret-1", **fields)
    log.bind(auth_token="s3cret-2").info("tool_call_started", **fields)
    logging.getLogger("std").info("m", extra={"auth_token": "s3cret-3"})
    assert len(collector.lines) == 3
    assert not [line for line in collector.lines if "s3cret" in line]
    assert all(record["auth_token"] == "[REDACTED]" for record in collector.records)


def test_an_unknown_event_type_is_scanned_for_secrets(collector: LineCollector) -> None:
    """Free text given as the event type loses its secrets, in the line and its schema error."""
    schemalog.get_logger("app").info("retrying with password=hunter2 now")
    (record,) = collector.records
    assert "hunter2" not in collector.lines[0]
    assert record["event_type"] == "retrying with password=[REDACTED] now"
    assert record["schema_errors"][0].startswith("$.event_type: unknown event type")
    schemalog.get_logger("app").info("cache_miss", event_type="with password=hunter2")
    assert "hunter2" not in collector.lines[1]


def test_static_fields_service_and_caller(schemas_dir: Path) -> None:
    """Static fields and service are stamped; caller names module:function:line of the call."""
    handler = LineCollector()
    schemalog.configure(
        sinks=[handler],
        schemas=schemas_dir,
        service="api",
        static_fields={"env": "prod"},
        caller=True,
    )
    schemalog.get_logger("app").info("cache_miss")
    (record,) = handler.records
    assert record["service"] == "api" and record["env"] == "prod"
    assert re.fullmatch(
        r"tests\._core\.test_pipeline:test_static_fields_service_and_caller:\d+", record["caller"]
    )


def test_exception_field(collector: LineCollector) -> None:
    """log.exception() adds the traceback of the exception being handled, in one line."""
    try:
        raise ValueError("boom")
    except ValueError:
        schemalog.get_logger("app").exception(
            "chat_completions_error", error="boom", error_type="ValueError"
        )
    (record,) = collector.records
    assert record["level"] == "error"
    assert record["exception"].startswith("Traceback (most recent call last):")
    assert record["exception"].endswith("ValueError: boom")
    assert len(collector.lines[0].splitlines()) == 1


def test_values_json_does_not_know(collector: LineCollector) -> None:
    """A datetime, UUID or Decimal where a string or number is expected is normalized first."""
    with schemalog.bound(session_id=uuid.UUID(int=1)):
        schemalog.get_logger("app").info(
            "proxy_session_response",
            response_data={
                "at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                "id": uuid.UUID(int=2),
                "s": {1},
            },
        )
    (record,) = collector.records
    assert record["session_id"] == "00000000-0000-0000-0000-000000000001"
    assert record["response_data"] == {
        "at": "2026-01-01T00:00:00Z",
        "id": "00000000-0000-0000-0000-000000000002",
        "s": [1],
    }
    assert "schema_errors" not in record


def test_nan_is_written_as_null_and_judged_as_null(collector: LineCollector) -> None:
    """NaN is not JSON: it is written as null, and validation judges that null."""
    schemalog.get_logger("app").info("cache_hit", cache_expires_in_seconds=float("nan"))
    (record,) = collector.records
    assert record["cache_expires_in_seconds"] is None
    assert record["schema_errors"] == ["$.cache_expires_in_seconds: expected a number, got null"]


def test_size_guard(schemas_dir: Path) -> None:
    """An event over max_event_bytes is cut to fit and says what was cut."""
    handler = LineCollector()
    schemalog.configure(sinks=[handler], schemas=schemas_dir, max_event_bytes=2048)
    schemalog.get_logger("app").info(
        "chat_completions_error", error="e" * 100_000, error_type="Huge"
    )
    assert len(handler.lines[0].encode()) <= 2048
    assert handler.records[0]["truncated"] == ["$.error"]
    assert schemalog.stats()["truncated"] == 1


def test_plain_stdlib_records_come_out_as_log_events(collector: LineCollector) -> None:
    """A record from another library is a `log` event with message, context and extras."""
    with schemalog.bound(request_id="r-1", user_id="u"):
        logging.getLogger("urllib3.connectionpool").warning(
            "Retrying %s after %s", "GET /", "reset", extra={"attempt": 2, "api_key": "k"}
        )
    (record,) = collector.records
    assert record["event_type"] == "log"
    assert record["level"] == "warning" and record["logger"] == "urllib3.connectionpool"
    assert record["message"] == "Retrying GET / after reset"
    assert record["request_id"] == "r-1" and record["service"] == "svc"
    assert record["attempt"] == 2 and record["api_key"] == "[REDACTED]"
    assert "schema_version" not in record


def test_plain_record_with_bad_arguments_still_logs(collector: LineCollector) -> None:
    """Arguments that do not fit the message format are shown, not raised."""
    lib = logging.getLogger("lib.badargs")
    lib.propagate = False  # pytest's own capture handler would raise on this record
    lib.addHandler(collector)
    lib.error("%d items", "many")
    (record,) = collector.records
    assert record["message"] == "'%d items' % ('many',)"


def test_plain_record_with_exception(collector: LineCollector) -> None:
    """logger.exception() from another library carries the traceback in `exception`."""
    empty: dict[str, int] = {}
    try:
        empty["missing"]
    except KeyError:
        logging.getLogger("lib").exception("lookup failed")
    (record,) = collector.records
    assert "KeyError: 'missing'" in record["exception"]


def test_failing_handler_is_counted_not_raised(schemas_dir: Path) -> None:
    """A handler that raises out of handle() is counted as a sink error; the caller is fine."""

    class Exploding(logging.Handler):
        def handle(self, record: logging.LogRecord) -> bool:
            raise OSError("disk on fire")

    schemalog.configure(sinks=[Exploding()], schemas=schemas_dir)
    schemalog.get_logger("app").info("cache_miss")
    assert schemalog.stats()["sink_errors"] == 1


field_names = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "timestamp",
            "level",
            "session_id",
            "schema_version",
            "event_type",
            "message",
            "exc_info",
            "password",
            "total_chunks",
            "chunk_count",
            "event",
        ]
    ),
)
field_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.binary(max_size=8)
    | st.datetimes()
    | st.uuids()
    | st.decimals()
    | st.builds(object)
    | st.sets(st.integers(), max_size=3),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=5) | st.integers(), children, max_size=3)
    ),
    max_leaves=10,
)
event_types = st.one_of(
    st.sampled_from(["stream_completed", "cache_hit", "user_creation", "tool_call_started", "log"]),
    st.text(alphabet=string.printable, max_size=20),
    st.integers(),
    st.none(),
)


@pytest.mark.parametrize("policy", ["keep", "drop"])
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(event_type=event_types, fields=st.dictionaries(field_names, field_values, max_size=6))
def test_never_raises_in_keep_and_drop(
    schemas_dir: Path, policy: str, event_type: Any, fields: dict[str, Any]
) -> None:
    """In keep and drop mode no event type, field name or value makes log.info raise."""
    schemalog.reset_stats()
    handler = LineCollector()
    schemalog.configure(sinks=[handler], schemas=schemas_dir, on_invalid=policy)
    log = schemalog.get_logger("prop")
    log.info(event_type, **fields)
    log.bind(**fields).warning(event_type)
    for line in handler.lines:
        record = orjson.loads(line)
        assert line.count("\n") == 0
        assert isinstance(record["event_id"], str)
    assert schemalog.stats()["internal_errors"] == 0


def test_skipped_modules_are_never_the_caller(schemas_dir: Path) -> None:
    """skip_caller_modules makes caller name the first frame outside those modules."""
    from schemalog._core.steps import _CALLER_SKIPS, skip_caller_modules

    handler = LineCollector()
    schemalog.configure(sinks=[handler], schemas=schemas_dir, caller=True)
    log = schemalog.get_logger("app")

    def helper() -> None:
        log.info("cache_miss")

    helper()
    skip_caller_modules("tests._core.test_pipeline")
    try:
        helper()
    finally:
        _CALLER_SKIPS.remove("tests._core.test_pipeline")
    direct, skipped = (r["caller"] for r in handler.records)
    assert direct.startswith("tests._core.test_pipeline:helper:")
    assert not skipped.startswith("tests._core.test_pipeline:")


def test_huge_integers_are_judged_as_written(collector: LineCollector) -> None:
    """An int beyond 64 bits is written as a string, and judged as one (invalid for integer)."""
    with schemalog.bound(session_id="s"):
        schemalog.get_logger("app").info("stream_completed", total_chunks=2**70)
    (record,) = collector.records
    assert record["total_chunks"] == str(2**70)
    assert record["schema_errors"] == [
        f'$.total_chunks: expected an integer, got "{2**70}"',
        "$.total_chunks: integer beyond 64 bits, written as a string",
    ]
    assert schemalog.stats()["invalid_kept"] == 1


def test_schema_errors_never_quote_a_sensitive_value(collector: LineCollector) -> None:
    """An x-sensitive field of the wrong type is reported without its value (issue 18)."""
    secret = "sk-live-0123456789abcdef"
    schemalog.get_logger("app").info("api_key_validation_failed", key_prefix={"x": secret})
    (line,) = collector.lines
    assert secret not in line
    assert orjson.loads(line)["schema_errors"] == ['$.key_prefix: expected a string, got "****"']


def test_a_lone_surrogate_no_longer_loses_a_cataloged_event(collector: LineCollector) -> None:
    """A string that UTF-8 cannot carry is written with U+FFFD and a note."""
    with schemalog.bound(session_id="s"):
        schemalog.get_logger("app").info(
            "chat_completions_start", proxy_router_url="http://a\ud800"
        )
    (record,) = collector.records
    assert record["proxy_router_url"] == "http://a\ufffd"
    assert record["schema_errors"] == ["$.proxy_router_url: lone surrogates replaced with U+FFFD"]
    assert not any(n for name, n in schemalog.stats().items() if name.startswith("dropped:"))


def test_a_self_referencing_field_is_written_with_a_note(collector: LineCollector) -> None:
    """A cycle is cut where it closes; the event is written at once."""
    loop: dict[str, Any] = {"name": "x"}
    loop["me"] = loop
    schemalog.get_logger("app").info("uncataloged_event", loop=loop)
    (record,) = collector.records
    assert record["loop"] == {"name": "x", "me": "<cycle: dict>"}
    assert "$.loop.me: contains itself, the cycle cut" in record["schema_errors"]


def test_free_text_of_plain_records_is_scanned(collector: LineCollector) -> None:
    """%-args and tracebacks of stdlib records have their secrets masked."""
    logger = logging.getLogger("lib")
    logger.warning("login with password=%s", "hunter2")
    try:
        raise ValueError("upstream said token=abc123")
    except ValueError:
        logger.exception("GET %s", "https://x/?api_key=zzz&a=1")
    first, second = collector.records
    assert first["message"] == "login with password=[REDACTED]"
    assert second["message"] == "GET https://x/?api_key=[REDACTED]&a=1"
    assert "ValueError: upstream said token=[REDACTED]" in second["exception"]


def test_dropped_invalid_events_are_counted_by_reason(schemas_dir: Path) -> None:
    """on_invalid='drop' counts each dropped event under dropped:invalid."""
    schemalog.configure(sinks=[LineCollector()], schemas=schemas_dir, on_invalid="drop")
    for _ in range(2):
        schemalog.get_logger("app").info("stream_completed", total_chunks="many")
    assert schemalog.stats()["dropped:invalid"] == 2


def test_raise_mode_errors_never_quote_a_sensitive_value(schemas_dir: Path) -> None:
    """InvalidEventError, which applications log, quotes the masked value, not the secret."""
    schemalog.configure(sinks=[], schemas=schemas_dir, on_invalid="raise")
    with pytest.raises(schemalog.InvalidEventError) as error:
        schemalog.get_logger("app").info("api_key_validation_failed", key_prefix=["sk-0123456789"])
    assert "sk-0123456789" not in str(error.value)
    assert [str(i) for i in error.value.issues] == ['$.key_prefix: expected a string, got "****"']


def test_keep_mode_quotes_only_a_preview_of_a_value(collector: LineCollector) -> None:
    """In production a schema error shows the start of a long value, not all of it."""
    note = "customer wrote: " + "z" * 100
    schemalog.get_logger("app").info("cache_hit", cache_expires_in_seconds=note)
    (record,) = collector.records
    (error,) = record["schema_errors"]
    assert error.startswith('$.cache_expires_in_seconds: expected a number, got "customer wrote')
    assert "z" * 20 not in error


def test_user_processors_run_after_normalize_before_validate(schemas_dir: Path) -> None:
    """A processor sees normalized fields and its changes are validated and redacted."""
    seen: list[dict[str, Any]] = []

    def add_expiry(event: schemalog.Event) -> schemalog.Event:
        seen.append(dict(event.fields))
        if event.event_type == "cache_hit":
            event.fields["cache_expires_in_seconds"] = 60
        return event

    def drop_misses(event: schemalog.Event) -> schemalog.Event | None:
        return None if event.event_type == "cache_miss" else event

    handler = LineCollector()
    schemalog.configure(sinks=[handler], schemas=schemas_dir, processors=[add_expiry, drop_misses])
    log = schemalog.get_logger("app")
    log.info("cache_hit", when=None)
    log.info("cache_miss")
    logging.getLogger("lib").info("plain")
    assert [r["event_type"] for r in handler.records] == ["cache_hit", "log"]
    assert handler.records[0]["cache_expires_in_seconds"] == 60
    assert seen[0] == {"when": None}


def test_failing_processor_is_counted_not_raised(schemas_dir: Path) -> None:
    """keep: a processor that raises is counted and the event carries why; raise: it raises."""

    def broken(event: schemalog.Event) -> schemalog.Event:
        raise RuntimeError("boom")

    handler = LineCollector()
    schemalog.configure(
        sinks=[handler], schemas=schemas_dir, processors=[broken], on_invalid="keep"
    )
    schemalog.get_logger("app").info("cache_miss")
    (record,) = handler.records
    assert record["schema_errors"] == [
        "$: processor test_failing_processor_is_counted_not_raised.<locals>.broken raised"
        " RuntimeError('boom')"
    ]
    assert schemalog.stats()["processor_errors"] == 1
    schemalog.configure(
        sinks=[handler], schemas=schemas_dir, processors=[broken], on_invalid="raise"
    )
    with pytest.raises(schemalog.ProcessorError, match="boom"):
        schemalog.get_logger("app").info("cache_miss")


def test_sample_rates_from_configure_and_schema(tmp_path: Path, schemas_dir: Path) -> None:
    """configure(sample_rates=) and x-sample-rate keep a share of info events, marked."""
    catalog = tmp_path / "schemas"
    (catalog / "ping").mkdir(parents=True)
    (catalog / "ping" / "1.0.0.json").write_bytes(
        orjson.dumps(
            {
                "type": "object",
                "description": "d",
                "properties": {},
                "additionalProperties": False,
                "x-sample-rate": 0.5,
            }
        )
    )
    handler = LineCollector()
    schemalog.configure(sinks=[handler], schemas=catalog)
    log = schemalog.get_logger("app")
    for _ in range(400):
        log.info("ping")
    log.error("ping")
    kept = handler.records
    assert 120 < len(kept) - 1 < 280
    assert {r.get("sample_rate") for r in kept[:-1]} == {0.5}
    assert "sample_rate" not in kept[-1]
    handler.lines.clear()
    schemalog.configure(sinks=[handler], schemas=catalog, sample_rates={"ping": 1})
    log.info("ping")
    assert "sample_rate" not in handler.records[0]


def test_bad_sample_rate_is_a_config_error(schemas_dir: Path) -> None:
    """A rate outside (0, 1] is refused, naming the event type."""
    with pytest.raises(schemalog.ConfigError, match=r"sample_rates\['ping'\]=0"):
        schemalog.configure(sinks=[], schemas=schemas_dir, sample_rates={"ping": 0})


def test_experiment_context_is_envelope(collector: LineCollector) -> None:
    """experiment_id and variant are context that bound() accepts, rendered in the envelope."""
    with schemalog.bound(experiment_id="exp-1", variant="b"):
        schemalog.get_logger("app").info("stream_completed", total_chunks=1)
    (record,) = collector.records
    assert list(record)[6:10] == ["service", "experiment_id", "variant", "total_chunks"]


def test_open_telemetry_span_ids_on_every_event(collector: LineCollector) -> None:
    """Inside a recording span every event carries its trace_id and span_id."""
    from opentelemetry.sdk.trace import TracerProvider

    tracer = TracerProvider().get_tracer("tests")
    with tracer.start_as_current_span("work") as span:
        schemalog.get_logger("app").info("stream_completed", total_chunks=1)
        logging.getLogger("lib").info("plain")
    ids = span.get_span_context()
    for record in collector.records:
        assert record["trace_id"] == f"{ids.trace_id:032x}"
        assert record["span_id"] == f"{ids.span_id:016x}"


def chain_only(pipeline: Pipeline) -> None:
    """Let no event type take the fast path: every call runs the whole chain."""
    pipeline._fast.clear()

    def no_line(*_args: object, **_kwargs: object) -> None:
        return None

    pipeline._fast_line = no_line


@pytest.mark.parametrize("caller", [False, True])
def test_fast_path_line_equals_the_chain_line(schemas_dir: Path, caller: bool) -> None:
    """The fast path and the full chain write the same line, for calls and stdlib events."""
    handler = LineCollector()
    schemalog.configure(
        sinks=[handler],
        schemas=schemas_dir,
        service="s",
        static_fields={"env": "t"},
        clock=lambda: 1.0,
        caller=caller,
    )
    pipeline = state.pipeline
    assert pipeline is not None and "tool_call_started" in pipeline._fast
    log = schemalog.get_logger("app")
    fields = {"tool_name": "t", "call_sequence": 1, "tool_params": {"q": "x", "api_key": "k"}}

    tool_log = log.bind(mcp_name="m", request_id="r")

    def emit() -> None:
        tool_log.info("tool_call_started", **fields)
        log.info("cache_hit", cache_expires_in_seconds=2)
        logging.getLogger("lib").info("m %s", 1, extra={"event_type": "cache_miss"})

    chained: list[str] = []

    def note(event: schemalog.Event) -> schemalog.Event:
        chained.append(event.event_type)
        return event

    pipeline.chain = (note, *pipeline.chain)
    with schemalog.bound(session_id="s-1"):
        emit()
        assert chained == []  # all three took the fast path
        chain_only(pipeline)
        emit()
    assert len(chained) == 3
    lines = [{**record, "event_id": "", "timestamp": ""} for record in handler.records]
    assert lines[:3] == lines[3:]
    assert [list(record) for record in lines[:3]] == [list(record) for record in lines[3:]]
    assert lines[0]["tool_params"]["api_key"] == "[REDACTED]"
    assert (lines[0]["mcp_name"], lines[0]["request_id"]) == ("m", "r")
    assert ("caller" in lines[0]) is caller


#: A bound session, the context every tool event requires.
SESSION: tuple[dict[str, Any], dict[str, Any]] = ({"session_id": "s1"}, {})


def quiet_pipeline(schemas_dir: Path) -> Pipeline:
    """Configure with no sinks and a fixed clock; return the pipeline."""
    schemalog.configure(sinks=[], schemas=schemas_dir, clock=lambda: 1.7e9)
    assert state.pipeline is not None
    return state.pipeline


def test_prepared_fields_give_the_same_line(
    schemas_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fields named prepared (redacted already) are not walked again; the line is the same."""
    pipeline = quiet_pipeline(schemas_dir)
    monkeypatch.setattr(
        "schemalog._core.steps.STAMP._tails", type("Same", (list,), {"pop": lambda _: "0" * 12})()
    )
    params = pipeline.redactor.redact({"query": "a", "password": "hunter2"})
    fields = {"tool_name": "search", "tool_params": params, "call_sequence": 1}
    context = SESSION
    walked = pipeline.line("app", logging.INFO, "tool_call_started", dict(fields), context)
    monkeypatch.setattr(pipeline.redactor, "_redact_all", None)  # walking would now fail
    prepared = pipeline.line(
        "app",
        logging.INFO,
        "tool_call_started",
        dict(fields),
        context,
        prepared=frozenset({"tool_params"}),
    )
    assert walked is not None
    assert prepared == walked
    assert b'"password":"[REDACTED]"' in walked


def test_fields_without_a_secret_word_are_not_walked(
    schemas_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A valid event whose JSON holds no secret word skips the redaction walk; the line is kept."""
    pipeline = quiet_pipeline(schemas_dir)
    monkeypatch.setattr(pipeline.redactor, "redact", None)  # walking would now fail
    fields = {"tool_name": "search", "tool_params": {"query": "refunds"}, "call_sequence": 1}
    line = pipeline.line("app", logging.INFO, "tool_call_started", dict(fields), SESSION)
    assert line is not None
    assert orjson.loads(line)["tool_params"] == fields["tool_params"]


@pytest.mark.parametrize(
    ("params", "secret"),
    [
        ({"q": "x", "pass\nword": "hunter2"}, "hunter2"),  # an escape inside a secret name
        ({"q": "x", "AWS-Secret-Access-Key": "abc-key"}, "abc-key"),
        ({"url": "https://h/p?token=abc123&x=1"}, "abc123"),
        ({"header": "Bearer abcdef123456"}, "abcdef123456"),
        ({"nested": [{"deeper": {"db_password": "p4ss"}}]}, "p4ss"),
    ],
)
def test_the_fast_path_masks_what_the_chain_masks(
    schemas_dir: Path, params: dict[str, Any], secret: str
) -> None:
    """Free-form fields holding a secret anywhere give the chain's masked line on the fast path."""
    handler = LineCollector()
    schemalog.configure(sinks=[handler], schemas=schemas_dir, clock=lambda: 1.0)
    pipeline = state.pipeline
    assert pipeline is not None
    chained: list[str] = []

    def note(event: schemalog.Event) -> schemalog.Event:
        chained.append(event.event_type)
        return event

    pipeline.chain = (note, *pipeline.chain)
    log = schemalog.get_logger("app").bind(session_id="s1")
    fields = {"tool_name": "t", "call_sequence": 1, "tool_params": params}
    log.info("tool_call_started", **fields)
    assert chained == []  # the fast path wrote it
    chain_only(pipeline)  # the same call through the whole chain
    log.info("tool_call_started", **fields)
    fast, chained_line = ({**record, "event_id": ""} for record in handler.records)
    assert fast == chained_line
    assert secret not in orjson.dumps(fast).decode()
    assert "[REDACTED]" in orjson.dumps(fast["tool_params"]).decode()


def test_fast_schema_names_the_types_that_may_skip_the_chain(schemas_dir: Path) -> None:
    """Known unsampled types have a fast schema; unknown, sampled or processed ones do not."""
    schemalog.configure(sinks=[], schemas=schemas_dir, sample_rates={"cache_hit": 0.5})
    pipeline = state.pipeline
    assert pipeline is not None
    schema = pipeline.fast_schema("cache_miss")
    assert schema is not None
    assert schema.event_type == "cache_miss"
    assert pipeline.fast_schema("cache_hit") is None
    assert pipeline.fast_schema("no_such_event") is None
    schemalog.configure(sinks=[], schemas=schemas_dir, processors=[lambda event: event])
    assert state.pipeline is not None
    assert state.pipeline.fast_schema("cache_miss") is None
