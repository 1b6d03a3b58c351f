"""The demo: a simulated chat API emitting realistic events through the real pipeline.

It uses only the public API, exactly as an application would: ``configure`` with a file sink,
``get_logger``, ``bound`` for the session and request context. A simulated clock spreads the
events over the hour before the run, so per-minute counters have something to show. A few
code paths are deliberately buggy, so the output also holds invalid events kept with
``schema_errors`` (and one uses the old name ``stream_complete`` that seed 004 had to fix).
After the chat sessions, a simulated agent (:mod:`schemalog.agent.demo`) runs tracked tool-call
sessions: see them with ``schemalog report agent``.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Final

import orjson

import schemalog
from schemalog.catalog.location import bundled_schemas_dir

MODELS: Final = ("llama-3-70b", "llama-3-8b", "mistral-large", "qwen-2.5-72b")
TOOLS: Final = ("search_docs", "get_weather", "run_sql", "fetch_url")
SERVICE: Final = "demo-chat-api"

log = schemalog.get_logger("demo.chat_api")
proxy_log = schemalog.get_logger("demo.proxy")


class SimulatedClock:
    """Epoch seconds that advance a little with every reading, starting an hour ago."""

    def __init__(self, rng: random.Random, start: float) -> None:
        self._rng = rng
        self.now = start

    def __call__(self) -> float:
        """Return the current simulated time and move it forward."""
        self.now += self._rng.uniform(0.05, 0.9)
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the simulated time forward (simulated work, such as a tool running)."""
        self.now += seconds


class ChatApi:
    """The simulated application: users, sessions, requests, tools, caches and errors."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.known_users: set[str] = set()

    def user_session(self) -> None:
        """One user visit: authenticate, open a proxy session, send a few prompts."""
        rng = self.rng
        user_id = f"user-{rng.randrange(60):03d}"
        if rng.random() < 0.04:
            log.warning("api_key_validation_failed", key_prefix=f"sk-live-{uuid.uuid4().hex}")
            return
        if user_id not in self.known_users:
            self.known_users.add(user_id)
            log.info(
                "user_creation",
                cognito_user_id=str(uuid.UUID(int=rng.getrandbits(128))),
                email=f"{user_id}@example.com",
            )
        session_id = f"sess-{rng.getrandbits(48):012x}"
        with schemalog.bound(session_id=session_id, user_id=user_id):
            proxy_log.info(
                "proxy_session_response",
                response_data={"sessionId": session_id, "status": "ok"},
            )
            if rng.random() < 0.5:
                with schemalog.bound(request_id=f"req-{rng.getrandbits(32):08x}"):
                    self.api_request("/v1/models", "GET", 200)
            for _ in range(rng.randint(1, 4)):
                with schemalog.bound(request_id=f"req-{rng.getrandbits(32):08x}"):
                    self.chat_request()

    def chat_request(self) -> None:
        """One chat completion: model lookup, optional tools, streamed or not, maybe failing."""
        rng = self.rng
        model = rng.choice(MODELS)
        stream = rng.random() < 0.7
        if rng.random() < 0.8:
            log.debug("cache_hit", cache_expires_in_seconds=round(rng.uniform(1, 300), 1))
        else:
            log.info("cache_miss")
        if rng.random() < 0.01:
            # A buggy call site: an undeclared field, kept with schema_errors.
            log.info(  # schemalog: ignore[undeclared-field]
                "chat_completion_request_start", model=model, stream_requested=stream, temp=0.2
            )
        else:
            log.info("chat_completion_request_start", model=model, stream_requested=stream)
        if rng.random() < 0.35:
            self.tool_calls()
        status = 200
        if rng.random() < 0.04:
            self.failure()
            status = 504
        elif stream:
            self.stream(model)
        else:
            log.info(
                "chat_completion_success", model=model, duration_ms=round(rng.uniform(200, 4000), 1)
            )
        self.api_request("/v1/chat/completions", "POST", status)

    def api_request(self, endpoint: str, method: str, status: int) -> None:
        """Log the request's automatic API metrics (seed 001): endpoint, method, status, time."""
        slow = status >= 500
        duration = self.rng.uniform(2000, 30000) if slow else self.rng.lognormvariate(6.5, 0.6)
        log.info(
            "api_request_completed",
            endpoint=endpoint,
            method=method,
            status_code=status,
            duration_ms=round(duration, 1),
        )

    def tool_calls(self) -> None:
        """Log a request that defines tools, as the chat API's guide does (seed 004).

        The tool calls themselves are the agent's, tracked by the agent sessions that follow.
        """
        rng = self.rng
        tool_count = rng.randint(1, len(TOOLS))
        log.info("tools_detected", tool_count=tool_count)
        if rng.random() < 0.3:
            log.info("tool_choice_detected", tool_choice=rng.choice(TOOLS))
        tool_messages = rng.randint(0, 4)
        log.debug(
            "tool_calling_request_details",
            has_tools=True,
            tool_count=tool_count,
            tool_message_count=tool_messages,
        )
        log.debug(
            "tool_content_detected",
            has_tool_messages=tool_messages > 0,
            has_tool_calls=tool_messages > 0 and rng.random() < 0.8,
        )

    def stream(self, model: str) -> None:
        """Stream a response: start, progress every tenth chunk, completion."""
        rng = self.rng
        log.info("stream_generator_start", requested_model=model)
        total = rng.randint(5, 80)
        for chunk in range(10, total + 1, 10):
            log.debug("stream_chunk_received", chunk_count=chunk)
        if rng.random() < 0.01:
            # The name seed 004 had to fix by hand: kept, flagged as an unknown event type.
            log.info("stream_complete", total_chunks=total)  # schemalog: ignore[unknown-event]
        elif rng.random() < 0.01:
            # A value of the wrong type, kept with schema_errors.
            log.info("stream_completed", total_chunks=str(total))  # schemalog: ignore[wrong-type]
        else:
            log.info("stream_completed", chunk_count=total, total_chunks=total)

    def failure(self) -> None:
        """Fail upstream: a retry warning from the HTTP library, then an error event."""
        logging.getLogger("urllib3.connectionpool").warning(
            "Retrying (Retry(total=2)) after connection broken by %r", "ReadTimeoutError"
        )
        try:
            raise TimeoutError("proxy router did not answer within 30 s")
        except TimeoutError as error:
            log.exception(
                "chat_completions_error",
                error=str(error),
                error_type=type(error).__name__,
                status_code=504,
            )


def run_demo(directory: str | Path, *, seed: int = 7, sessions: int = 200) -> int:
    """Simulate ``sessions`` user sessions into ``directory/events.jsonl`` and print counts."""
    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "events.jsonl"
    path.unlink(missing_ok=True)
    rng = random.Random(seed)
    clock = SimulatedClock(rng, time.time() - 3600)
    schemas = bundled_schemas_dir()
    schemalog.configure(
        service=SERVICE,
        sinks=[f"file:{path}"],
        schemas=schemas,
        level="debug",
        on_invalid="keep",
        clock=clock,
    )
    schemalog.reset_stats()
    started = time.perf_counter()
    app = ChatApi(rng)
    for _ in range(sessions):
        app.user_session()
    from schemalog.agent.demo import run_agent_sessions

    run_agent_sessions(
        random.Random(seed + 1), lambda: clock.now, clock.advance, max(1, sessions // 10)
    )
    schemalog.shutdown()
    elapsed = time.perf_counter() - started
    _print_summary(path, schemas, elapsed)
    return 0


def _print_summary(path: Path, schemas: Path, elapsed: float) -> None:
    counts: Counter[str] = Counter()
    invalid = 0
    with path.open("rb") as lines:
        for line in lines:
            record = orjson.loads(line)
            counts[record["event_type"]] += 1
            invalid += "schema_errors" in record
    total = sum(counts.values())
    print(f"schemalog demo: {total} events in {elapsed:.2f} s, written to {path}\n")
    width = max(len(name) for name in counts)
    print(f"{'event_type':<{width}}  {'count':>6}")
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        print(f"{name:<{width}}  {count:>6}")
    stats = schemalog.stats()
    print(
        f"\n{invalid} invalid events kept with schema_errors;"
        f" {stats['redacted']} records had values redacted."
    )
    print("\nNext:")
    print(f"  schemalog validate --schemas {schemas} {path}")
    print(f"  jq -c 'select(.event_type==\"stream_completed\") | .total_chunks' {path} | head")
    print(f"  schemalog report agent {path}")
