"""The recent events of one session, kept in memory for ``get_session_events`` (seed 002).

The seed re-read a session's events from its analytics store; schemalog writes events to
sinks it cannot read back, so the tracker keeps each session's latest ``size`` events itself,
as they were emitted (after redaction of the tool parameters). Recording one is an append of
references: the event's fields dict is shared, never copied.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import deque
from typing import Any, Final

#: Events kept per session for ``get_session_events``, by default.
DEFAULT_HISTORY_SIZE: Final = 1_000


class SessionHistory:
    """The latest events of one session, oldest first, in the seed's row shape on reading."""

    __slots__ = ("_events", "mcp_name", "session_id", "user_id")

    def __init__(
        self, session_id: str, user_id: str | None, mcp_name: str, size: int = DEFAULT_HISTORY_SIZE
    ) -> None:
        self.session_id = session_id
        self.user_id = user_id
        self.mcp_name = mcp_name
        self._events: deque[tuple[str, float, dict[str, Any], str | None]] = deque(maxlen=size)

    def add(self, event_type: str, fields: dict[str, Any], user_id: str | None = None) -> None:
        """Record one event emitted now (``user_id``: when not the session's)."""
        self._events.append((event_type, time.time(), fields, user_id))

    def __len__(self) -> int:
        return len(self._events)

    def rows(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Return the events as the seed's rows, oldest first (only ``user_id``'s, when given).

        A row is ``{"event_name", "user_id", "session_id", "mcp_name", "created_at",
        "metadata"}``: ``created_at`` is an ISO 8601 UTC time, ``metadata`` the event's fields.
        """
        rows = []
        for event_type, stamp, fields, own_user in list(self._events):
            who = own_user or self.user_id
            if user_id is not None and who != user_id:
                continue
            rows.append(
                {
                    "event_name": event_type,
                    "user_id": who,
                    "session_id": self.session_id,
                    "mcp_name": self.mcp_name,
                    "created_at": dt.datetime.fromtimestamp(stamp, dt.UTC).isoformat(),
                    "metadata": dict(fields),
                }
            )
        return rows
