"""The README quickstart: a chat request's events to stdout and to logs/events.jsonl.

Run it from the repository root: ``python examples/quickstart.py``, then
``jq 'select(.event_type=="stream_completed") | .total_chunks' logs/events.jsonl``.
"""

from __future__ import annotations

import uuid

import schemalog

schemalog.configure(service="chat-api", sinks=["stdout", "file:logs/events.jsonl"])
log = schemalog.get_logger("app.chat")


def handle_chat(user_id: str) -> None:
    """Handle one streamed chat completion."""
    with schemalog.bound(session_id=str(uuid.uuid4()), user_id=user_id):
        log.info(event_type="chat_completion_request_start", model="llama-3", stream_requested=True)
        log.info("stream_completed", total_chunks=42)  # positional form, same event


if __name__ == "__main__":
    handle_chat("user-042")
