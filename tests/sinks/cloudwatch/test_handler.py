"""Tests for the thin handler: the caller's side, flush, close, abandon, dictConfig."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import schemalog
from schemalog.sinks.cloudwatch import CloudWatchLogsHandler
from schemalog.sinks.cloudwatch.batching import DEFAULT_MAX_EVENT_BYTES
from schemalog.sinks.cloudwatch.faults import FaultProxy
from tests.paths import ROOT
from tests.sinks.cloudwatch.support import (
    FAST,
    logger_for,
    make_handler,
    read_back,
)


def test_events_arrive_once_in_order(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """Every event sent arrives once, in the order it was logged, in small batches too."""
    handler = make_handler(proxy, group, tmp_path, max_batch_events=70)
    log = logger_for(handler)
    for number in range(500):
        log.info("event %d", number)
    assert handler.flush(10)
    assert read_back(endpoint, group) == [f"event {n}" for n in range(500)]
    assert handler.stats()["sent"] == 500
    assert schemalog.stats()[f"written:cloudwatch:{group}/s"] == 500
    assert proxy.total("PutLogEvents") >= 500 // 70
    handler.close()


def test_configure_with_sink_string(
    endpoint: str, group: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """configure(sinks=["stdout", "cloudwatch:GROUP"]) sends the same lines to both."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    schemalog.configure(
        sinks=["stdout", f"cloudwatch:{group}/app?send_interval=0.05&stats_interval=0"],
        schemas=ROOT / "schemas",
    )
    log = schemalog.get_logger("svc")
    for seconds in range(5):
        log.info("cache_hit", cache_expires_in_seconds=seconds)
    schemalog.shutdown()
    sent = read_back(endpoint, group, "app")
    # stdout may also show botocore's INFO line about the endpoint, which CloudWatch never gets.
    printed = [x for x in capsys.readouterr().out.splitlines() if '"logger":"svc"' in x]
    assert sent == printed
    assert [json.loads(line)["cache_expires_in_seconds"] for line in sent] == list(range(5))


def test_constructor_and_emit_make_no_network_call(
    proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """Building the handler and the first emit return at once even though the endpoint hangs."""
    proxy.set("hang")
    started = time.perf_counter()
    handler = make_handler(proxy, group, tmp_path)
    built = time.perf_counter() - started
    assert sum(proxy.counts.values()) == 0
    log = logger_for(handler)
    started = time.perf_counter()
    log.info("first")
    first = time.perf_counter() - started
    assert built < 0.05
    assert first < 0.05
    handler.abandon()


def test_caller_not_slowed_while_endpoint_hangs(
    proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """With every request hanging, logging stays fast and flush/close keep their deadlines."""
    proxy.set("hang")
    handler = make_handler(proxy, group, tmp_path, read_timeout=30.0)
    log = logger_for(handler)
    slowest = 0.0
    started = time.perf_counter()
    for number in range(3000):
        before = time.perf_counter()
        log.info("event %d", number)
        slowest = max(slowest, time.perf_counter() - before)
    total = time.perf_counter() - started
    deadline = time.monotonic() + 5
    while sum(proxy.counts.values()) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sum(count for (_, mode), count in proxy.counts.items() if mode == "hang") >= 1
    assert total < 2.0
    assert slowest < 0.25
    started = time.perf_counter()
    assert handler.flush(0.3) is False
    handler.close(0.2)
    assert time.perf_counter() - started < 2.0
    assert handler.stats()["queued"] == 3000  # still being tried in the background
    assert handler.abandon() == 3000
    assert handler.stats()["dropped"] == 3000


def test_abandon_drops_only_what_memory_held_and_only_once(
    proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """abandon() counts the queued lines as dropped, once; the spilled ones stay in their file."""
    proxy.down()
    handler = make_handler(proxy, group, tmp_path, max_queue_events=5)
    log = logger_for(handler)
    for number in range(50):
        log.info("event %d", number)
    assert handler.stats()["spilled"] == 45
    assert handler.abandon() == 5
    assert handler.abandon() == 0
    assert handler.stats()["dropped"] == 5
    assert len(list((tmp_path / "spill").iterdir())) == 1


def test_empty_message_is_counted_and_the_rest_sent(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """An empty message, which CloudWatch refuses, is counted as rejected; the rest arrive."""
    handler = make_handler(proxy, group, tmp_path)
    log = logger_for(handler)
    for text in ("before", "", "after"):
        log.info(text)
    assert handler.flush(10)
    assert read_back(endpoint, group) == ["before", "after"]
    stats = handler.stats()
    assert (stats["sent"], stats["rejected"], stats["queued"]) == (2, 1, 0)
    handler.close()


def test_a_drop_is_reported_outside_the_queue_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a slow stderr takes a drop report, other threads still get the sink's lock."""
    handler = CloudWatchLogsHandler("g", "s", spill_dir=tmp_path, **FAST)
    handler.close()
    entered, release = threading.Event(), threading.Event()

    class SlowStderr(io.StringIO):
        def write(self, text: str) -> int:
            entered.set()
            release.wait(10)
            return super().write(text)

    monkeypatch.setattr(sys, "stderr", SlowStderr())
    dropping = threading.Thread(target=handler.enqueue, args=((0, b"after close"),))
    dropping.start()
    try:
        assert entered.wait(5)
        reading = threading.Thread(target=handler.stats)
        reading.start()
        reading.join(1)
        assert not reading.is_alive()
    finally:
        release.set()
        dropping.join(5)
    assert handler.stats()["dropped"] == 1


def test_botocore_debug_records_never_reenter(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """With the root logger at DEBUG, botocore's and urllib3's records are not sent."""
    handler = make_handler(proxy, group, tmp_path)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        logging.getLogger("urllib3.connectionpool").debug("from the application's thread")
        for number in range(50):
            logging.getLogger("app").info("event %d", number)
        assert handler.flush(10)
        time.sleep(0.2)  # time for any feedback to show up
        assert handler.flush(10)
    finally:
        root.removeHandler(handler)
    assert read_back(endpoint, group) == [f"event {n}" for n in range(50)]
    assert handler.stats()["sent"] == 50
    handler.close()


def test_dict_config_twice_does_not_hang(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """A second dictConfig closes the first handler promptly and the new one delivers."""

    def config() -> dict[str, Any]:
        return {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {
                "cw": {
                    "()": "schemalog.sinks.cloudwatch.CloudWatchLogsHandler",
                    "log_group": group,
                    "log_stream": "s",
                    "endpoint_url": proxy.url,
                    "spill_dir": str(tmp_path),
                    **FAST,
                }
            },
            "loggers": {"dc": {"handlers": ["cw"], "level": "INFO", "propagate": False}},
        }

    handlers: list[logging.Handler] = []
    started = time.perf_counter()
    for text in ("first", "second", "third"):
        logging.config.dictConfig(config())  # closes the previous handler, under logging's lock
        logging.getLogger("dc").info(text)
        handlers += logging.getLogger("dc").handlers
    assert time.perf_counter() - started < 1.0
    for handler in handlers:  # the closed ones went on sending in the background
        assert isinstance(handler, CloudWatchLogsHandler)
        assert handler.flush(10)
    handlers[-1].close()
    sent = [json.loads(line)["message"] for line in read_back(endpoint, group)]
    assert sent == ["first", "second", "third"]


def test_oversized_event_is_truncated_with_a_marker(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """A message over max_event_bytes arrives cut, saying how long it was."""
    handler = make_handler(proxy, group, tmp_path, max_event_bytes=1000)
    logger_for(handler).info("x" * 5000)
    assert handler.flush(10)
    (message,) = read_back(endpoint, group)
    assert len(message.encode()) <= 1000
    assert message.endswith("[schemalog: truncated from 5000 bytes]")
    assert handler.stats()["truncated"] == 1
    handler.close()


def test_emf_metrics_reach_cloudwatch(endpoint: str, group: str, tmp_path: Path) -> None:
    """Metrics flushed through a cloudwatch sink arrive as valid EMF documents."""
    from schemalog import metrics
    from schemalog.metrics import emf

    metrics.REGISTRY.reset()
    schemalog.configure(
        sinks=[
            f"cloudwatch:{group}/m?endpoint_url={endpoint}&region=us-east-1"
            f"&send_interval=0.05&stats_interval=0&spill_dir={tmp_path}"
        ],
        schemas=ROOT / "schemas",
    )
    metrics.counter("tool_calls", tool="search").inc(3)
    metrics.flush()
    schemalog.shutdown()
    metrics.REGISTRY.reset()
    (line,) = read_back(endpoint, group, "m")
    document = json.loads(line)
    assert emf.problems(document) == []
    assert (document["tool_calls"], document["tool"]) == (3, "search")


def test_an_event_cut_by_the_pipeline_reaches_cloudwatch_as_valid_json(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """An event at the pipeline's default size limit arrives whole JSON, never byte-cut."""
    proxy.aws_rules = True
    proxy.max_event_bytes = DEFAULT_MAX_EVENT_BYTES  # the limit of older regions and SDKs
    schemalog.configure(
        sinks=[
            f"cloudwatch:{group}/big?endpoint_url={proxy.url}&region=us-east-1"
            f"&send_interval=0.05&stats_interval=0&spill_dir={tmp_path}"
        ],
        schemas=ROOT / "schemas",
    )
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h, CloudWatchLogsHandler)]
    logging.getLogger("big").warning("%s", "é" * 400_000)  # cut by the pipeline's size guard
    schemalog.shutdown()
    assert handler.stats()["truncated"] == 1  # the pipeline's line was over the sink's limit
    (line,) = read_back(endpoint, group, "big")
    assert len(line.encode()) <= DEFAULT_MAX_EVENT_BYTES
    record = json.loads(line)
    assert record["truncated"] == ["$.message"]
    assert record["message"].startswith("éé")
    assert proxy.total("PutLogEvents", "aws_rule") == 0


def test_public_names_and_the_deprecated_alias_are_kept(tmp_path: Path) -> None:
    """The sink's public names stay importable, also through schemalog.cwlogs (deprecated)."""
    import schemalog.sinks.cloudwatch as sink

    assert sink.__all__ == ["CloudWatchLogsHandler", "from_spec", "parse_spec", "stream_name"]
    sys.modules.pop("schemalog.cwlogs", None)
    with pytest.warns(DeprecationWarning, match="schemalog.cwlogs is deprecated"):
        import schemalog.cwlogs as alias
    assert [getattr(alias, name) for name in sink.__all__] == [
        getattr(sink, name) for name in sink.__all__
    ]
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {
                "cw": {
                    "()": "schemalog.cwlogs.CloudWatchLogsHandler",
                    "log_group": "g",
                    "spill_dir": str(tmp_path),
                }
            },
            "loggers": {"alias": {"handlers": ["cw"]}},
        }
    )
    (handler,) = logging.getLogger("alias").handlers
    assert isinstance(handler, CloudWatchLogsHandler)
    logging.getLogger("alias").handlers.clear()
    handler.close()
