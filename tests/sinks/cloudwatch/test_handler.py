"""Tests for the CloudWatch Logs sink against moto's server, through the fault proxy."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import jsonschema
import pytest

import schemalog
from schemalog.sinks.cloudwatch import CloudWatchLogsHandler
from schemalog.sinks.cloudwatch.faults import FaultProxy, local_cloudwatch, read_messages
from schemalog.sinks.cloudwatch.spill import SpillFile
from tests.conftest import wait_for_child
from tests.paths import ROOT

FAST: dict[str, Any] = {
    "region": "us-east-1",
    "send_interval": 0.05,
    "backoff_base": 0.01,
    "backoff_cap": 0.05,
    "connect_timeout": 1.0,
    "read_timeout": 5.0,
    "stats_interval": 0,
}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """Moto's CloudWatch Logs on 127.0.0.1, one per test module."""
    with local_cloudwatch() as url:
        yield url


@pytest.fixture
def proxy(endpoint: str) -> Iterator[FaultProxy]:
    """Put a fault proxy in front of moto, passing everything until told otherwise."""
    with FaultProxy(endpoint) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def group() -> str:
    """Return a log group name no other test uses."""
    return f"g-{uuid.uuid4().hex[:10]}"


def make_handler(
    proxy: FaultProxy, group: str, tmp_path: Path, **options: Any
) -> CloudWatchLogsHandler:
    settings = {**FAST, "spill_dir": tmp_path / "spill", **options}
    handler = CloudWatchLogsHandler(group, "s", endpoint_url=proxy.url, **settings)
    handler.setFormatter(logging.Formatter("%(message)s"))
    return handler


def logger_for(handler: logging.Handler) -> logging.Logger:
    logger = logging.getLogger(f"app.{uuid.uuid4().hex[:8]}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def read_back(endpoint: str, group: str, stream: str = "s") -> list[str]:
    return read_messages(endpoint, group, stream)


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


def test_default_stream_name_from_host_program_and_pid(tmp_path: Path) -> None:
    """The default stream is host/program/pid, without the characters AWS forbids."""
    handler = CloudWatchLogsHandler("g", spill_dir=tmp_path)
    host, program, pid = handler.log_stream.rsplit("/", 2)
    assert pid == str(os.getpid())
    assert host
    assert program
    assert ":" not in handler.log_stream
    handler.close()


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


def test_throttling_errors_and_resets_are_retried(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """Throttled, 500 and reset requests (CreateLogStream too) are retried until all arrive."""
    handler = make_handler(proxy, group, tmp_path, max_batch_events=50)
    log = logger_for(handler)
    proxy.set("throttle", count=4)  # the first CreateLogStream calls are throttled
    for number in range(100):
        log.info("event %d", number)
    assert handler.flush(10)
    proxy.set("error500", count=3)
    for number in range(100, 200):
        log.info("event %d", number)
    assert handler.flush(10)
    proxy.set("reset", count=3)
    for number in range(200, 300):
        log.info("event %d", number)
    assert handler.flush(10)
    assert read_back(endpoint, group) == [f"event {n}" for n in range(300)]
    assert proxy.total("CreateLogStream", "throttle") >= 1
    stats = handler.stats()
    assert stats["retried"] >= 10
    assert (stats["sent"], stats["dropped"]) == (300, 0)
    handler.close()


def test_outage_spills_and_replays_in_order(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """While the endpoint is down, events beyond the queue spill to disk and all arrive after."""
    handler = make_handler(proxy, group, tmp_path, max_queue_events=20, max_batch_events=25)
    log = logger_for(handler)
    log.info("event 0")
    assert handler.flush(10)
    proxy.down()
    for number in range(1, 400):
        log.info("event %d", number)
    time.sleep(0.3)
    assert handler.flush(0.1) is False
    spilled = handler.stats()["spilled"]
    assert spilled >= 300
    assert list((tmp_path / "spill").glob("*.spill"))
    proxy.up()
    assert handler.flush(10)
    assert read_back(endpoint, group) == [f"event {n}" for n in range(400)]
    stats = handler.stats()
    assert stats["replayed"] == spilled
    assert (stats["sent"], stats["dropped"], stats["queued"]) == (400, 0, 0)
    handler.close()
    assert not list((tmp_path / "spill").glob("*.spill"))


def frames(messages: list[bytes], first_ms: int) -> bytes:
    """Return ``messages`` as spill file frames, one millisecond apart from ``first_ms``."""
    return b"".join(b"%d %d\n%s\n" % (first_ms + n, len(m), m) for n, m in enumerate(messages))


def log_one(proxy: FaultProxy, group: str, tmp_path: Path, message: str) -> dict[str, int]:
    """Log ``message`` through a new handler of ``group``; return its stats once delivered."""
    handler = make_handler(proxy, group, tmp_path)
    logger_for(handler).info(message)
    assert handler.flush(10)
    handler.close()
    return handler.stats()


def test_lines_spilled_by_an_exited_process_are_sent_by_the_next(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """Lines a process left spilled when it exited in an outage arrive, in order, from the next."""
    spill_dir = tmp_path / "spill"
    proxy.down()
    script = textwrap.dedent(
        f"""
        import atexit, json, logging
        from schemalog.sinks.cloudwatch import CloudWatchLogsHandler
        # Registered before the handler's own hook, so it runs after it.
        atexit.register(lambda: print(json.dumps(handler.stats())))
        handler = CloudWatchLogsHandler(
            "{group}", "child", endpoint_url="{proxy.url}", region="us-east-1",
            spill_dir={str(spill_dir)!r}, max_queue_bytes=1, exit_timeout=0.5,
            send_interval=0.05, backoff_base=0.01, backoff_cap=0.05, stats_interval=0,
        )
        handler.setFormatter(logging.Formatter("%(message)s"))
        log = logging.getLogger("child")
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        for number in range(200):  # every one spills: the queue holds none
            log.info("event %d", number)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    (orphan,) = spill_dir.iterdir()
    assert f"200 spilled events not delivered by the exit deadline stay in {orphan}" in (
        result.stderr
    )
    assert json.loads(result.stdout)["dropped"] == 0  # they are not lost
    proxy.up()
    stats = log_one(proxy, group, tmp_path, "event 200")
    assert read_back(endpoint, group) == [f"event {n}" for n in range(201)]
    assert (stats["adopted"], stats["sent"], stats["dropped"]) == (200, 201, 0)
    assert list(spill_dir.iterdir()) == []


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


def test_a_spill_file_whose_owner_lives_is_left_alone(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """A spill file its live owner holds locked is not adopted; once the owner is gone, it is."""
    owner = SpillFile(tmp_path / "spill" / f"{group}.1-1.spill", 1_000_000)
    earlier = int(time.time() * 1000) - 1000
    for number in range(5):
        assert owner.append((earlier + number, b"owned %d" % number))
    assert log_one(proxy, group, tmp_path, "mine")["adopted"] == 0
    assert read_back(endpoint, group) == ["mine"]
    owner.close(remove=False)  # as when its process ends
    assert log_one(proxy, group, tmp_path, "next")["adopted"] == 5
    assert read_back(endpoint, group) == [f"owned {n}" for n in range(5)] + ["mine", "next"]


def test_a_leftover_at_the_handlers_own_spill_path_is_sent_not_truncated(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """A dead process's file at the very name a new handler spills to is kept, and sent first."""
    handler = make_handler(proxy, group, tmp_path, max_queue_events=5)
    path = handler.queue.spill.path
    path.parent.mkdir()
    leftover = frames([b"left %d" % n for n in range(5)], int(time.time() * 1000) - 1000)
    path.write_bytes(leftover)
    proxy.down()
    log = logger_for(handler)
    for number in range(50):
        log.info("event %d", number)
    assert handler.stats()["spilled"] >= 40
    assert path.read_bytes() == leftover
    proxy.up()
    assert handler.flush(10)
    expected = [f"left {n}" for n in range(5)] + [f"event {n}" for n in range(50)]
    assert read_back(endpoint, group) == expected
    assert handler.stats()["adopted"] == 5
    handler.close()
    assert list(path.parent.iterdir()) == []


def test_only_the_groups_own_spill_files_are_adopted(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """A leftover of another group is not sent, not even of one whose file name looked alike."""
    left_by = make_handler(proxy, f"{group}_x", tmp_path, max_queue_bytes=1)
    proxy.down()
    log = logger_for(left_by)
    for number in range(5):
        log.info("other %d", number)
    left_by.abandon()  # its spill file stays, unlocked, as at an exit during an outage
    proxy.up()
    # "/" used to be written "_" in file names: the two groups shared them.
    assert log_one(proxy, f"{group}/x", tmp_path, "mine")["adopted"] == 0
    assert read_back(endpoint, f"{group}/x") == ["mine"]
    assert len(list((tmp_path / "spill").iterdir())) == 1
    assert log_one(proxy, f"{group}_x", tmp_path, "other 5")["adopted"] == 5
    assert read_back(endpoint, f"{group}_x") == [f"other {n}" for n in range(6)]


def test_a_closing_handler_sends_its_own_lines_before_the_rest_of_a_leftover(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """Closed while adopting, a handler sends its own lines; the next one sends only the rest."""
    spill_dir = tmp_path / "spill"
    spill_dir.mkdir()
    messages = [b"left %d" % n for n in range(6)]
    earlier = int(time.time() * 1000) - 1000
    (spill_dir / f"{group}.1-1.spill").write_bytes(frames(messages, earlier))
    proxy.set("error500")
    handler = make_handler(proxy, group, tmp_path, max_batch_events=2)
    logger_for(handler).info("mine")
    deadline = time.monotonic() + 10
    while proxy.total("PutLogEvents") == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    handler.close(0)  # while its first batch of the leftover is being retried
    proxy.set("pass")
    assert handler.flush(10)
    assert read_back(endpoint, group) == ["left 0", "left 1", "mine"]
    (rest,) = spill_dir.iterdir()
    assert "@" in rest.name
    assert log_one(proxy, group, tmp_path, "next")["adopted"] == 4
    assert read_back(endpoint, group) == [f"left {n}" for n in range(6)] + ["mine", "next"]


def test_a_cut_last_frame_of_a_leftover_is_dropped_and_the_rest_sent(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """A leftover whose last frame was cut when its process died sends the rest, then goes."""
    spill_dir = tmp_path / "spill"
    spill_dir.mkdir()
    whole = frames([b"left %d" % n for n in range(3)], int(time.time() * 1000) - 1000)
    (spill_dir / f"{group}.1-1.spill").write_bytes(whole + b"1 100\ncut sho")
    stats = log_one(proxy, group, tmp_path, "mine")
    assert read_back(endpoint, group) == ["left 0", "left 1", "left 2", "mine"]
    assert (stats["adopted"], stats["dropped"]) == (3, 1)
    assert list(spill_dir.iterdir()) == []


def test_past_the_spill_bound_events_are_dropped_and_counted(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """Only past the queue and spill bounds are events dropped; the rest arrive, in order."""
    handler = make_handler(proxy, group, tmp_path, max_queue_events=10, spill_max_bytes=400)
    log = logger_for(handler)
    proxy.down()
    for number in range(100):
        log.info("event %03d", number)
    proxy.up()
    assert handler.flush(10)
    arrived = read_back(endpoint, group)
    stats = handler.stats()
    assert stats["dropped"] > 0
    assert len(arrived) == stats["sent"] == 100 - stats["dropped"]
    assert arrived == sorted(arrived)
    assert stats["spilled"] == stats["replayed"] > 0
    assert schemalog.stats()["sink_errors"] >= stats["dropped"]
    handler.close()


def test_group_deleted_midway_is_created_again(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """ResourceNotFoundException makes the sender create the group and stream, then resend."""
    handler = make_handler(proxy, group, tmp_path)
    log = logger_for(handler)
    log.info("before")
    assert handler.flush(10)
    client = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1")
    client.delete_log_group(logGroupName=group)
    log.info("after")
    assert handler.flush(10)
    assert read_back(endpoint, group) == ["after"]
    assert proxy.total("CreateLogGroup") == 2
    handler.close()


def test_invalid_event_is_isolated_and_the_rest_sent(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """An InvalidParameterException batch is split until the one bad event is left out."""
    proxy.reject_marker = b"POISON"
    handler = make_handler(proxy, group, tmp_path, send_interval=5.0)
    log = logger_for(handler)
    for number in range(20):
        log.info("event %d%s", number, " POISON" if number == 7 else "")
    assert handler.flush(10)
    expected = [f"event {n}" for n in range(20) if n != 7]
    assert read_back(endpoint, group) == expected
    stats = handler.stats()
    assert (stats["sent"], stats["rejected"], stats["retried"]) == (19, 1, 0)
    assert proxy.total("PutLogEvents", "invalid") >= 2
    handler.close()


def test_rejected_events_are_counted_not_resent(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """Events CloudWatch reports in rejectedLogEventsInfo are counted once and never resent."""
    handler = make_handler(proxy, group, tmp_path, send_interval=5.0)
    now = int(time.time() * 1000)
    for number in range(9):
        handler.enqueue((now + number, f"ok {number}".encode()))
    handler.enqueue((now + 3 * 3600 * 1000, b"from the future"))
    assert handler.flush(10)
    assert read_back(endpoint, group) == [f"ok {n}" for n in range(9)]
    stats = handler.stats()
    assert (stats["sent"], stats["rejected"]) == (9, 1)
    assert proxy.total("PutLogEvents") == 1
    handler.close()


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


def test_counts_are_written_under_the_queue_lock(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """The sender and the logging threads both update the counts, always under the queue lock."""
    handler = make_handler(proxy, group, tmp_path, send_interval=5.0)
    unlocked: list[str] = []

    class LockChecked(dict[str, int]):
        def __setitem__(self, name: str, value: int) -> None:
            if not handler.queue.lock.locked():
                unlocked.append(name)
            super().__setitem__(name, value)

    handler.queue.counts = LockChecked(handler.queue.counts)
    proxy.set("throttle", count=1)
    now = int(time.time() * 1000)
    handler.enqueue((now, b"ok"))
    handler.enqueue((now + 3 * 3600 * 1000, b"from the future"))
    logger_for(handler).info("")
    assert handler.flush(10)
    stats = handler.stats()
    assert (stats["sent"], stats["rejected"], stats["retried"]) == (1, 2, 1)
    assert unlocked == []
    handler.close()


def test_a_batch_that_cannot_be_sent_is_counted_as_dropped(group: str, tmp_path: Path) -> None:
    """Without boto3 each batch is counted as dropped and reported, and flush() returns True."""
    script = textwrap.dedent(
        f"""
        import json, sys, time
        sys.modules["boto3"] = None  # as if boto3 were not installed
        from schemalog.sinks.cloudwatch import CloudWatchLogsHandler
        handler = CloudWatchLogsHandler(
            "{group}", "s", region="us-east-1", spill_dir={str(tmp_path)!r},
            send_interval=0.05, backoff_base=0.01, stats_interval=0, max_queue_events=1,
        )
        now = int(time.time() * 1000)
        for number in range(20):  # the first is queued, the others spill
            handler.enqueue((now + number, b"early"))
        flushed = [handler.flush(5)]
        handler.enqueue((now + 20, b"late"))
        flushed.append(handler.flush(5))
        print(json.dumps({{"flushed": flushed, **handler.stats()}}))
        handler.close()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["flushed"] == [True, True]
    assert (outcome["dropped"], outcome["sent"], outcome["queued"]) == (21, 0, 0)
    assert outcome["spilled"] > 0
    assert outcome["replayed"] == 0
    assert "1 events not sent, dropped: ModuleNotFoundError" in result.stderr


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


def test_a_given_client_is_used(endpoint: str, group: str, tmp_path: Path) -> None:
    """A boto3 client passed by the application sends the events, in order."""
    client = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1")
    handler = CloudWatchLogsHandler(group, "s", client=client, spill_dir=tmp_path, **FAST)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logger_for(handler)
    for number in range(30):
        log.info("event %d", number)
    assert handler.flush(10)
    assert read_back(endpoint, group) == [f"event {n}" for n in range(30)]
    handler.close()


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


def test_stats_event_goes_to_the_other_sinks(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """schemalog_sink_stats events reach the other handlers, valid, and are never sent."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = make_handler(proxy, group, tmp_path, stats_interval=0.05)
    root = logging.getLogger()
    collect = Collect()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    root.addHandler(collect)
    try:
        for number in range(10):
            logging.getLogger("app").info("event %d", number)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any("sink_stats" in x for x in lines):
            time.sleep(0.02)
        assert handler.flush(10)
    finally:
        root.removeHandler(handler)
        root.removeHandler(collect)
    stats_events = [json.loads(x) for x in lines if "schemalog_sink_stats" in x]
    assert stats_events
    envelope = {"timestamp", "level", "logger", "event_type", "schema_version", "event_id"}
    for event in stats_events:
        version = event["schema_version"]
        schema = json.loads((ROOT / f"schemas/schemalog_sink_stats/{version}.json").read_text())
        jsonschema.validate({k: v for k, v in event.items() if k not in envelope}, schema)
        assert event["sink"] == f"cloudwatch:{group}/s"
    assert stats_events[-1]["sent"] == 10
    assert read_back(endpoint, group) == [f"event {n}" for n in range(10)]
    handler.close()


def test_events_queued_at_exit_arrive(endpoint: str, proxy: FaultProxy, group: str) -> None:
    """A process that exits with events still queued delivers them from its atexit hook."""
    script = textwrap.dedent(
        f"""
        import schemalog
        schemalog.configure(
            sinks=["cloudwatch:{group}/exit?send_interval=60&region=us-east-1"
                   "&endpoint_url={proxy.url}"],
            schemas={str(ROOT / "schemas")!r},
        )
        log = schemalog.get_logger("child")
        for seconds in range(300):
            log.info("cache_hit", cache_expires_in_seconds=seconds)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    sent = read_back(endpoint, group, "exit")
    assert [json.loads(line)["cache_expires_in_seconds"] for line in sent] == list(range(300))


@pytest.mark.parametrize("first", ["sink", "metric"])
def test_metrics_are_written_once_at_exit(endpoint: str, group: str, first: str) -> None:
    """At exit a gauge reaches CloudWatch once, whether the sink or the metric came first."""
    script = textwrap.dedent(
        f"""
        import schemalog
        from schemalog import metrics
        def sink():
            schemalog.configure(
                sinks=["cloudwatch:{group}/m?send_interval=60&region=us-east-1"
                       "&endpoint_url={endpoint}"],
                schemas={str(ROOT / "schemas")!r},
            )

        def metric():
            metrics.gauge("depth").set(5)

        for step in (sink, metric) if {first!r} == "sink" else (metric, sink):
            step()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "schemalog:" not in result.stderr
    assert [json.loads(line)["depth"] for line in read_back(endpoint, group, "m")] == [5]


def test_exit_keeps_its_deadline_when_the_endpoint_hangs(proxy: FaultProxy, group: str) -> None:
    """With the endpoint hung, the process still exits within the exit deadline."""
    proxy.set("hang")
    script = textwrap.dedent(
        f"""
        import logging
        from schemalog.sinks.cloudwatch import CloudWatchLogsHandler
        handler = CloudWatchLogsHandler(
            "{group}", "s", endpoint_url="{proxy.url}", region="us-east-1", exit_timeout=1.0
        )
        logging.getLogger().addHandler(handler)
        logging.getLogger().warning("queued at exit")
        """
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert time.perf_counter() - started < 8.0
    assert "1 events not delivered by the exit deadline" in result.stderr


def test_forked_child_sends_its_own_events_only(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """After fork the child starts its own sender, without deadlock or resending the parent's."""
    handler = make_handler(proxy, group, tmp_path, send_interval=30.0)
    handler.log_stream = "parent"
    handler.stream_template = "child-{pid}"
    log = logger_for(handler)
    for number in range(50):
        log.info("parent %d", number)  # still queued when the process forks
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            for number in range(30):
                log.info("child %d", number)
            code = 0 if handler.flush(10) else 3
        finally:
            os._exit(code)
    assert wait_for_child(pid) == 0
    assert handler.flush(10)
    assert read_back(endpoint, group, "parent") == [f"parent {n}" for n in range(50)]
    assert read_back(endpoint, group, f"child-{pid}") == [f"child {n}" for n in range(30)]
    handler.close()


def test_memory_stays_within_the_queue_bound(proxy: FaultProxy, group: str, tmp_path: Path) -> None:
    """While CloudWatch is unreachable, what waits in memory never passes the queue bound."""
    proxy.set("hang")
    handler = make_handler(
        proxy, group, tmp_path, max_queue_events=100, max_batch_events=100, spill_max_bytes=0
    )
    log = logger_for(handler)
    for number in range(5000):
        log.info("event %d", number)
    stats = handler.stats()
    assert stats["queued"] <= 200  # the queue, plus at most one batch in flight
    assert stats["dropped"] == 5000 - stats["queued"]
    handler.abandon()


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
