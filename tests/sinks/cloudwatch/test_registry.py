"""Tests for the live handlers' lifecycle hooks: delivery at exit, a fresh start after fork."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import schemalog
from schemalog._core import lifecycle
from schemalog.sinks.cloudwatch import CloudWatchLogsHandler, registry
from schemalog.sinks.cloudwatch.faults import FaultProxy
from tests.conftest import wait_for_child
from tests.paths import ROOT
from tests.sinks.cloudwatch.support import (
    logger_for,
    make_handler,
    read_back,
)


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


def test_fork_during_the_senders_first_import_leaves_the_child_working(
    endpoint: str, proxy: FaultProxy, group: str
) -> None:
    """A fork while the parent's sender still imports boto3 waits for it: the child can send."""
    script = textwrap.dedent(
        f"""
        import logging, os, sys, time
        from schemalog.sinks.cloudwatch import CloudWatchLogsHandler
        handler = CloudWatchLogsHandler(
            "{group}", "parent", endpoint_url="{proxy.url}", region="us-east-1",
            send_interval=0.05, stats_interval=0,
        )
        handler.stream_template = "child-{{pid}}"
        handler.setFormatter(logging.Formatter("%(message)s"))
        log = logging.getLogger("app")
        log.addHandler(handler)
        log.warning("parent")  # starts the sender, which imports boto3
        while "schemalog.sinks.cloudwatch.aws" not in sys.modules:
            time.sleep(0.0005)
        pid = os.fork()  # the import has begun, and takes far longer than this
        if pid == 0:
            log.warning("child")
            os._exit(0 if handler.flush(10) else 3)
        _, status = os.waitpid(pid, 0)
        print(pid, os.waitstatus_to_exitcode(status))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    pid, code = result.stdout.split()
    assert code == "0", result.stderr
    assert read_back(endpoint, group, f"child-{pid}") == ["child"]
    assert read_back(endpoint, group, "parent") == ["parent"]


def test_exit_hooks_run_in_the_close_phase_after_the_metrics_flush() -> None:
    """The sink's exit hook is registered with the lifecycle registry, in the CLOSE phase."""
    CloudWatchLogsHandler("g", "s", stats_interval=0).close()
    phases = {hook: phase for phase, hook in lifecycle._exit_hooks.values()}
    assert phases[registry.close_all_at_exit] == lifecycle.CLOSE > lifecycle.FLUSH
    assert registry._after_fork_in_child in lifecycle._fork_hooks.values()


def test_close_all_at_exit_keeps_the_deadline_and_counts_the_rest(
    proxy: FaultProxy, group: str, tmp_path: Path
) -> None:
    """With the endpoint hung, the exit hook gives up at exit_timeout and counts what is left."""
    proxy.set("hang")
    handler = make_handler(proxy, group, tmp_path, exit_timeout=0.3)
    for number in range(20):
        logger_for(handler).info("event %d", number)
    started = time.monotonic()
    registry.close_all_at_exit()
    assert time.monotonic() - started < 2.0
    assert handler.stats()["dropped"] == 20
    assert schemalog.stats()["dropped:exit_deadline"] == 20
    registry.close_all_at_exit()  # the abandoned handler left the live set
    assert handler.stats()["dropped"] == 20
