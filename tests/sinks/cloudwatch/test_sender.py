"""Tests for the sender thread: retries, splitting refused batches, adopting spill files."""

from __future__ import annotations

import json
import logging
import logging.config
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import boto3

import schemalog
from schemalog.sinks.cloudwatch import CloudWatchLogsHandler
from schemalog.sinks.cloudwatch.faults import FaultProxy
from schemalog.sinks.cloudwatch.queue import EventQueue
from schemalog.sinks.cloudwatch.sender import Sender
from schemalog.sinks.cloudwatch.settings import Settings
from schemalog.sinks.cloudwatch.spill import SpillFile
from tests.paths import ROOT
from tests.sinks.cloudwatch.support import (
    FAST,
    frames,
    log_one,
    logger_for,
    make_handler,
    read_back,
)


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
    # At a real exit the process ends here; in the test its sender must end before the
    # endpoint comes back, or a batch in flight could still reach it (and come back adopted).
    deadline = time.monotonic() + 10
    while left_by._sender is not None and left_by._sender.is_alive():
        assert time.monotonic() < deadline, "the abandoned sender did not stop"
        time.sleep(0.01)
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
    # Every call fails, CreateLogStream first: the sender is retrying the leftover's first batch.
    while not proxy.counts and time.monotonic() < deadline:
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
    assert schemalog.stats()["dropped:cut_frame"] == 1
    assert list(spill_dir.iterdir()) == []


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
    assert schemalog.stats()["dropped:refused_by_cloudwatch"] == 1
    handler.close()


def test_rejected_events_are_counted_not_resent(
    endpoint: str, proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """Events CloudWatch would refuse (3 hours ahead) are counted once as rejected, never sent."""
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
    assert schemalog.stats()["dropped:too_far_ahead"] == 1
    handler.close()


def test_a_batch_that_cannot_be_sent_is_counted_as_dropped(group: str, tmp_path: Path) -> None:
    """Without boto3 each batch is counted as dropped and reported, and flush() returns True."""
    script = textwrap.dedent(
        f"""
        import json, sys, time
        import schemalog
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
        dropped = schemalog.stats()["dropped:send_error"]
        print(json.dumps({{"flushed": flushed, "send_error": dropped, **handler.stats()}}))
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
    assert outcome["send_error"] == 21
    assert outcome["spilled"] > 0
    assert outcome["replayed"] == 0
    assert "1 events not sent, dropped: ModuleNotFoundError" in result.stderr


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


def test_a_group_the_sink_creates_gets_retention_and_kms_key_from_the_sink_string(
    endpoint: str, group: str, tmp_path: Path
) -> None:
    """cloudwatch:G?retention_days=30&kms_key_id=ARN creates the group with both applied."""
    arn = "arn:aws:kms:us-east-1:123456789012:key/k-1"
    schemalog.configure(
        sinks=[
            f"cloudwatch:{group}/s?endpoint_url={endpoint}&region=us-east-1&send_interval=0.05"
            f"&stats_interval=0&spill_dir={tmp_path}&retention_days=30&kms_key_id={arn}"
        ],
        schemas=ROOT / "schemas",
    )
    logging.getLogger("app").warning("first")
    schemalog.shutdown()
    client = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1")
    (created,) = client.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert (created["retentionInDays"], created["kmsKeyId"]) == (30, arn)
    assert [json.loads(m)["message"] for m in read_back(endpoint, group)] == ["first"]


def test_missing_credentials_are_retried_reported_and_nothing_is_lost(
    proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """Without credentials the sender retries with backoff and says why; events wait, kept."""
    script = textwrap.dedent(
        f"""
        import json, time
        from schemalog.sinks.cloudwatch import CloudWatchLogsHandler
        handler = CloudWatchLogsHandler(
            "{group}", "s", endpoint_url="{proxy.url}", region="us-east-1",
            spill_dir={str(tmp_path)!r}, send_interval=0.05, backoff_base=0.01,
            backoff_cap=0.05, stats_interval=0, exit_timeout=0.2,
        )
        handler.enqueue((time.time_ns() // 1_000_000, b"waiting"))
        deadline = time.monotonic() + 30  # the sender imports boto3 first: slow on a busy machine
        while handler.stats()["retried"] < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        print(json.dumps({{"flushed": handler.flush(0.2), **handler.stats()}}))
        """
    )
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AWS_") or name == "AWS_EC2_METADATA_DISABLED"
    }
    environ |= {
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=environ,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["flushed"] is False
    assert outcome["retried"] >= 2
    assert (outcome["queued"], outcome["dropped"], outcome["sent"]) == (1, 0, 0)
    assert "will retry: NoCredentialsError: Unable to locate credentials" in result.stderr
    assert sum(proxy.counts.values()) == 0  # nothing unsigned ever left the process


def test_a_sender_alone_delivers_a_queue_and_ends_when_stopped(
    endpoint: str, group: str, tmp_path: Path
) -> None:
    """A Sender on a bare EventQueue sends it in order, then calls on_done once stopped."""
    settings = Settings(
        log_group=group, endpoint_url=endpoint, spill_dir=tmp_path, **{**FAST, "send_interval": 0}
    )
    queue = EventQueue(settings, SpillFile(tmp_path / "own.spill", 1000))
    done = threading.Event()
    sender = Sender(queue, "alone", "<test sender>", on_done=done.set)
    now = int(time.time() * 1000)
    for number in range(25):
        queue.put((now + number, b"event %d" % number))
    sender.start()
    assert queue.wait_settled(time.monotonic() + 10, sender.is_alive)
    queue.stop()
    assert done.wait(5)
    assert read_back(endpoint, group, "alone") == [f"event {n}" for n in range(25)]
    assert queue.snapshot()["sent"] == 25
