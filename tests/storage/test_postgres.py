"""Tests for schemalog.storage.postgres: PostgresStore's transactions, errors and safe URLs."""

from __future__ import annotations

import pytest

from schemalog.exceptions import StorageError
from schemalog.storage.postgres import PostgresStore, safe_url
from tests.pg import free_port
from tests.storage.conftest import run_sql
from tests.storage.test_rows import event, rows_of

COUNTS = "SELECT (SELECT count(*) FROM analytics_events), (SELECT count(*) FROM analytics_rejects)"


def test_write_copies_rows_and_skips_duplicates(pg_url: str) -> None:
    """A batch is copied in; written again, the database skips every row already there."""
    batch = rows_of(event(media_count=2), event(), b"[1]")
    store = PostgresStore(pg_url)
    assert store.write(batch) == (2, 0)
    assert store.write(batch) == (0, 0)
    store.close()
    assert run_sql(pg_url, COUNTS) == [(2, 1)]
    media = "SELECT metadata->>'media_count' FROM analytics_events WHERE metadata ? 'media_count'"
    assert run_sql(pg_url, media) == [("2",)]


def test_a_failing_batch_is_rolled_back_and_named(pg_url: str) -> None:
    """When the database refuses a row, the batch's other rows are not kept either."""
    batch = rows_of(event(), event())
    batch.rejects.append(("k" * 41, "in.jsonl", 3, "x", "too long a key"))  # VARCHAR(40)
    store = PostgresStore(pg_url)
    with pytest.raises(StorageError, match=r"in\.jsonl:1-2: not loaded.*these lines are not"):
        store.write(batch)
    assert store.write(rows_of(event())) == (1, 0)  # the connection is usable afterwards
    store.close()
    assert run_sql(pg_url, COUNTS) == [(1, 0)]


def test_an_unreachable_server_is_named_without_its_password() -> None:
    """A server that does not answer raises StorageError with the URL's password hidden."""
    port = free_port()
    url = f"postgresql://app:s3cret@127.0.0.1:{port}/db"
    with pytest.raises(StorageError) as raised:
        PostgresStore(url, connect_timeout=1)
    assert str(raised.value).startswith(f"postgresql://app:***@127.0.0.1:{port}/db: ")
    assert "s3cret" not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://app:pw@db:5432/x", "postgresql://app:***@db:5432/x"),
        ("postgresql://app:p:w@d@db/x", "postgresql://app:***@db/x"),
        ("postgresql://app@db/x", "postgresql://app@db/x"),
        ("postgresql://db/x", "postgresql://db/x"),
    ],
)
def test_safe_url_hides_only_the_password(url: str, shown: str) -> None:
    """safe_url keeps scheme, user, host and database, and replaces the password with ***."""
    assert safe_url(url) == shown


def test_a_batch_partly_there_adds_only_the_new_rows(pg_url: str) -> None:
    """Rows already stored send the batch the staging way: only the new ones are added."""
    old, new = event(), event()
    store = PostgresStore(pg_url)
    assert store.write(rows_of(old, b"[1]")) == (1, 0)
    assert store.write(rows_of(old, b"[1]", new)) == (1, 0)
    store.close()
    assert run_sql(pg_url, COUNTS) == [(2, 1)]
