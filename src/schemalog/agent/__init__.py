"""AI-agent tool-call tracking (seed 002): sessions, tool middleware, and the ten metrics.

    from schemalog.agent import AgentTracker

    tracker = AgentTracker("drea", schemas={"search_docs": SEARCH_SCHEMA})

    @tracker.tool
    def search_docs(query: str, limit: int = 10) -> list[str]: ...

    with tracker.session(user_id="user-042"):
        search_docs(query="refund policy")

Every event is a flat, cataloged record (``schemas/``, domain ``agent``); the session's state
(call sequence, retries, statistics) is kept in memory, never re-read from storage.
``schemalog report agent FILE...`` computes the metrics from the log.
"""

from __future__ import annotations

from schemalog._core.pipeline import skip_caller_modules
from schemalog.agent.events import AGENT_EVENT_TYPES
from schemalog.agent.hashing import canonical_json, params_hash
from schemalog.agent.manifest import ToolManifest
from schemalog.agent.middleware import ToolError
from schemalog.agent.scope import SessionScope
from schemalog.agent.session import AgentSession, ToolCall
from schemalog.agent.tracker import AgentTracker
from schemalog.exceptions import ToolSchemaError

# The tracker logs on the application's behalf: `caller` should name the application's line.
skip_caller_modules(__name__)

__all__ = [
    "AGENT_EVENT_TYPES",
    "AgentSession",
    "AgentTracker",
    "SessionScope",
    "ToolCall",
    "ToolError",
    "ToolManifest",
    "ToolSchemaError",
    "canonical_json",
    "params_hash",
]
