"""Tests for the test tools: the fault proxy's modes and the PutLogEvents rules it can apply."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from schemalog.sinks.cloudwatch.faults import FaultProxy, aws_rule_broken

HOUR_MS = 3600 * 1000


def client_for(proxy: FaultProxy) -> Any:
    config = botocore.config.Config(
        retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=1, read_timeout=2
    )
    return boto3.client("logs", endpoint_url=proxy.url, region_name="us-east-1", config=config)


def test_a_fault_for_a_count_of_requests_then_everything_passes(proxy: FaultProxy) -> None:
    """set('throttle', count=2) throttles the next two requests, then forwards to moto."""
    client = client_for(proxy)
    proxy.set("throttle", count=2)
    for _ in range(2):
        with pytest.raises(ClientError, match="ThrottlingException"):
            client.describe_log_groups()
    assert "logGroups" in client.describe_log_groups()
    assert proxy.counts[("DescribeLogGroups", "throttle")] == 2
    assert proxy.counts[("DescribeLogGroups", "pass")] == 1


def test_down_refuses_connections_and_up_takes_them_again(proxy: FaultProxy) -> None:
    """After down() connections are refused on the same port; after up() they are served."""
    client = client_for(proxy)
    port = proxy.port
    proxy.down()
    with pytest.raises(EndpointConnectionError):
        client.describe_log_groups()
    proxy.up()
    assert proxy.port == port
    assert "logGroups" in client.describe_log_groups()


def test_a_hung_request_gets_no_answer_until_the_mode_changes(proxy: FaultProxy) -> None:
    """In hang mode a request waits (here: the client's read timeout) and is counted."""
    client = client_for(proxy)
    proxy.set("hang")
    started = time.monotonic()
    with pytest.raises(Exception, match="Read timeout"):
        client.describe_log_groups()
    assert time.monotonic() - started >= 1.5
    assert proxy.counts[("DescribeLogGroups", "hang")] == 1
    proxy.set("pass")
    assert "logGroups" in client.describe_log_groups()


def test_the_strict_proxy_refuses_what_cloudwatch_refuses() -> None:
    """The test proxy's AWS rules name each broken PutLogEvents limit."""

    def body(*events: tuple[int, str]) -> bytes:
        log_events = [{"timestamp": t, "message": m} for t, m in events]
        return json.dumps({"logEvents": log_events}).encode()

    assert aws_rule_broken(body((1, "a"), (2, "b"))) is None
    assert aws_rule_broken(body((1, "a"), (1 + 25 * HOUR_MS, "b"))) == "a span over 24 hours"
    assert aws_rule_broken(body((2, "a"), (1, "b"))) == "events out of order"
    assert aws_rule_broken(body((1, ""))) == "an empty message"
    assert (
        aws_rule_broken(body((1, "x" * 11)), max_event_bytes=10) == "an event over the size limit"
    )
    assert aws_rule_broken(body(*[(1, "x")] * 10_001)) == "more than 10,000 events"
