"""Tests for the sink's boto3 side: the clients it makes."""

from __future__ import annotations

from schemalog.cwlogs import aws


def test_clients_share_one_session_per_process() -> None:
    """Clients made here come from one session, whose service models are loaded once."""
    options = {"region": "us-east-1", "endpoint_url": "http://127.0.0.1:9"}
    aws.make_client(**options, connect_timeout=1.0, read_timeout=1.0)
    session = aws._session
    aws.make_client(**options, connect_timeout=1.0, read_timeout=1.0)
    assert session is not None
    assert aws._session is session
