"""Tests for the sink's boto3 side: clients, and PutLogEvents with a body written by orjson."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.credentials import RefreshableCredentials

from schemalog.sinks.cloudwatch import aws
from schemalog.sinks.cloudwatch.faults import read_messages
from schemalog.sinks.cloudwatch.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient

MESSAGES = [
    'plain "quoted" \\ backslash',
    "tab\there, newline\nthere, nul \x00 and \x1f",
    "accents: é ü ß, emoji: \U0001f600, cjk: 漢字",
    '{"json": [1, 2.5, null, "x"]}',
]


def stream_for(client: CloudWatchLogsClient) -> tuple[str, str]:
    group = f"g-{uuid.uuid4().hex[:10]}"
    aws.ensure_stream(client, Settings(log_group=group), "s")
    return group, "s"


def events() -> list[tuple[int, bytes]]:
    now = int(time.time() * 1000)
    return [(now + n, message.encode()) for n, message in enumerate(MESSAGES)]


def make_client(endpoint: str) -> CloudWatchLogsClient:
    settings = Settings(
        log_group="g", region="us-east-1", endpoint_url=endpoint, connect_timeout=1.0
    )
    return aws.make_client(settings)


def test_prepared_body_arrives_exactly(endpoint: str) -> None:
    """Messages with quotes, control characters and non-ASCII arrive as they were logged."""
    client = make_client(endpoint)
    group, stream = stream_for(client)
    assert aws.put_events(client, group, stream, events()) is None
    assert read_messages(endpoint, group, stream) == MESSAGES
    assert aws._prepared_works


def test_without_the_before_call_hook_the_batch_goes_the_usual_way(
    endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If botocore never takes the prepared body, the batch is sent again in full, once."""
    monkeypatch.setattr(aws, "_prepared_works", True)
    client = make_client(endpoint)
    client.meta.events.unregister(aws._BEFORE_CALL, unique_id="schemalog-body")
    group, stream = stream_for(client)
    aws.put_events(client, group, stream, events())
    assert read_messages(endpoint, group, stream) == MESSAGES
    assert not aws._prepared_works  # later batches skip the prepared body
    aws.put_events(client, group, stream, events()[:1])
    assert read_messages(endpoint, group, stream) == [*MESSAGES, MESSAGES[0]]


def test_a_client_of_the_application_is_used_as_it_is(endpoint: str) -> None:
    """A client the application passes keeps botocore's validation and serialization."""
    client = boto3.client("logs", endpoint_url=endpoint, region_name="us-east-1")
    group, stream = stream_for(client)
    aws.put_events(client, group, stream, events())
    assert read_messages(endpoint, group, stream) == MESSAGES
    assert client not in aws._PREPARED_CLIENTS


def test_clients_share_one_session_per_process(endpoint: str) -> None:
    """Clients made here come from one session, whose service models are loaded once."""
    make_client(endpoint)
    session = aws._session
    make_client(endpoint)
    assert session is not None
    assert aws._session is session


def test_a_copy_keeps_static_keys_and_looks_temporary_ones_up_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A forked child's copy keeps static keys; expiring (role) keys come from the chain again."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "from-the-chain")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setattr(aws, "_session", None)  # as in a forked child
    static = boto3.client(
        "logs", region_name="us-east-1", aws_access_key_id="static", aws_secret_access_key="s"
    )
    role: Any = boto3.client("logs", region_name="us-east-1")
    expiry = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    metadata = {"access_key": "role", "secret_key": "s", "token": "t", "expiry_time": expiry}
    role._request_signer._credentials = RefreshableCredentials.create_from_metadata(
        metadata, refresh_using=lambda: metadata, method="test"
    )
    copies: list[Any] = [aws.copy_client(client, 1.0, 5.0) for client in (static, role)]
    keys = [copy._request_signer._credentials.access_key for copy in copies]
    assert keys == ["static", "from-the-chain"]


KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def describe(client: CloudWatchLogsClient, group: str) -> dict[str, Any]:
    (found,) = [
        g
        for g in client.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
        if g["logGroupName"] == group
    ]
    return dict(found)


def test_a_group_the_sink_creates_gets_its_kms_key(endpoint: str) -> None:
    """CreateLogGroup carries kms_key_id; ensure_stream says when it created the group."""
    client = make_client(endpoint)
    group = f"g-{uuid.uuid4().hex[:10]}"
    settings = Settings(log_group=group, kms_key_id=KEY_ARN, retention_days=14)
    created: list[str] = []
    aws.ensure_stream(client, settings, "s", lambda: created.append(group))
    assert created == [group]
    assert describe(client, group)["kmsKeyId"] == KEY_ARN
    aws.put_retention(client, settings)
    assert describe(client, group)["retentionInDays"] == 14
    aws.ensure_stream(client, settings, "other", lambda: created.append("again"))
    assert created == [group]  # the group was there


def test_a_group_that_exists_keeps_its_own_settings(endpoint: str) -> None:
    """A sink never changes the retention or key of a group it did not create."""
    client = make_client(endpoint)
    group = f"g-{uuid.uuid4().hex[:10]}"
    client.create_log_group(logGroupName=group)
    settings = Settings(log_group=group, kms_key_id=KEY_ARN, retention_days=14)
    created: list[str] = []
    aws.ensure_stream(client, settings, "s", lambda: created.append(group))
    assert created == []
    assert "kmsKeyId" not in describe(client, group)
    assert "retentionInDays" not in describe(client, group)
