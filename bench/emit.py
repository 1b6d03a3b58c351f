"""Emit benchmark: schemalog against the anchor libraries, in one process, one run.

Every library writes the same agent event (``tool_call_started`` with nested parameters and a
bound session) through a stdlib ``logging.FileHandler`` to its own file. Figures are the
median over several rounds of the nanoseconds per event; the ratios are what the targets
(issue 3) are about. Run it with ``make bench`` or ``python bench/emit.py [--events N]``.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
FIELDS: dict[str, Any] = {
    "tool_name": "search_docs",
    "tool_params": {"query": "refund policy for annual plans", "limit": 10},
    "call_sequence": 3,
    "is_retry": False,
    "retry_attempt": 0,
    "params_hash": "9c1f0e4b2a7d3c55",
    "mcp_tool_available": True,
}
CONTEXT = {"session_id": "sess-4f2a9c", "user_id": "user-042"}


def _file_handler(directory: Path, name: str) -> logging.FileHandler:
    return logging.FileHandler(directory / f"{name}.jsonl", encoding="utf-8")


def _isolated_logger(name: str, handler: logging.Handler) -> logging.Logger:
    logger = logging.getLogger(f"bench.{name}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def setup_schemalog(directory: Path) -> Callable[[], None]:
    import schemalog

    schemalog.configure(
        service="bench",
        sinks=[_file_handler(directory, "schemalog")],
        schemas=ROOT / "schemas",
        on_invalid="raise",
    )
    log = schemalog.get_logger("bench.schemalog")
    bound = schemalog.bound(**CONTEXT)
    bound.__enter__()  # stays bound for the whole run, as a request's context would

    def emit() -> None:
        log.info("tool_call_started", **FIELDS)

    return emit


def setup_json_logger(directory: Path) -> Callable[[], None]:
    from pythonjsonlogger.json import JsonFormatter

    handler = _file_handler(directory, "python-json-logger")
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger = _isolated_logger("json", handler)
    extra = {**CONTEXT, **FIELDS}

    def emit() -> None:
        logger.info("tool_call_started", extra=extra)

    return emit


def setup_structlog(directory: Path) -> Callable[[], None]:
    import structlog

    handler = _file_handler(directory, "structlog")
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(processor=structlog.processors.JSONRenderer())
    )
    _isolated_logger("structlog", handler)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(**CONTEXT)
    log = structlog.get_logger("bench.structlog")

    def emit() -> None:
        log.info("tool_call_started", **FIELDS)

    return emit


def setup_jupyter_events(directory: Path) -> Callable[[], None]:
    from jupyter_events import EventLogger

    schema = orjson.loads((ROOT / "schemas" / "tool_call_started" / "1.0.0.json").read_bytes())
    schema = {
        "$id": "https://schemalog.dev/bench/tool_call_started",
        "version": "1",
        "title": "tool_call_started",
        "description": schema["description"],
        "type": "object",
        "properties": {
            **schema["properties"],
            "session_id": {"type": "string", "title": "session"},
            "user_id": {"type": "string", "title": "user"},
        },
        "required": schema["required"],
    }
    for prop in schema["properties"].values():
        prop.setdefault("title", "field")
    handler = _file_handler(directory, "jupyter_events")
    event_logger = EventLogger(handlers=[handler])
    event_logger.register_event_schema(schema)
    data = {**CONTEXT, **FIELDS}

    def emit() -> None:
        event_logger.emit(schema_id=schema["$id"], data=data)

    return emit


def setup_floor(directory: Path) -> Callable[[], None]:
    logger = _isolated_logger("floor", _file_handler(directory, "floor"))
    line = orjson.dumps({"event_type": "tool_call_started", **CONTEXT, **FIELDS}).decode()

    def emit() -> None:
        logger.info(line)

    return emit


def disabled_calls() -> dict[str, Callable[[], None]]:
    import structlog

    import schemalog

    log = schemalog.get_logger("bench.disabled")  # configured at info: debug is disabled
    stdlib = _isolated_logger("disabled", logging.NullHandler())
    filtering = structlog.make_filtering_bound_logger(logging.INFO)
    struct = filtering(structlog.PrintLogger(), [], {})  # type: ignore[call-arg]
    return {
        "schemalog": lambda: log.debug("cache_hit", cache_expires_in_seconds=1),
        "stdlib": lambda: stdlib.debug("cache_hit %s", 1),
        "structlog filtering": lambda: struct.debug("cache_hit", cache_expires_in_seconds=1),
    }


def per_call_ns(calls: dict[str, Callable[[], None]], events: int, rounds: int) -> dict[str, float]:
    """Median over ``rounds`` of the nanoseconds per call, for each call.

    The rounds are interleaved (every call once per round, in turn), so a slow patch of a noisy
    machine lands on all of them alike instead of on whichever ran at the time.
    """
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        for _ in range(min(events, 1000)):
            call()  # warm caches and compiled validators
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter_ns()
            for _ in range(events):
                call()
            samples[name].append((time.perf_counter_ns() - started) / events)
    return {name: statistics.median(values) for name, values in samples.items()}


def import_ms(module: str, runs: int) -> float:
    """Median milliseconds to import ``module`` in a fresh interpreter."""
    samples = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            check=True,
        )
        last = result.stderr.strip().splitlines()[-1]
        samples.append(int(last.split("|")[1]) / 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5_000, help="events per round")
    parser.add_argument("--rounds", type=int, default=15, help="rounds (the median is kept)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="schemalog-bench-") as tmp:
        directory = Path(tmp)
        setups = {
            "schemalog": setup_schemalog,
            "python-json-logger": setup_json_logger,
            "structlog (stdlib ProcessorFormatter)": setup_structlog,
            "jupyter_events": setup_jupyter_events,
            "stdlib floor (pre-serialized)": setup_floor,
        }
        emitters = {name: setup(directory) for name, setup in setups.items()}
        emit_ns = per_call_ns(emitters, args.events, args.rounds)
        lines = sum(1 for _ in (directory / "schemalog.jsonl").open())
        disabled_ns = per_call_ns(disabled_calls(), args.events * 10, args.rounds)
    imports = {module: import_ms(module, args.rounds) for module in ("schemalog", "structlog")}

    print(f"\n## emit: median ns per event ({args.rounds} rounds of {args.events:,})")
    print(f"schemalog wrote {lines:,} lines; every library writes through logging.FileHandler\n")
    print(f"| {'library':<40} | {'ns/event':>10} |")
    print(f"|{'-' * 42}|{'-' * 12}|")
    for name, value in emit_ns.items():
        print(f"| {name:<40} | {value:>10,.0f} |")
    for name, value in disabled_ns.items():
        print(f"| {'disabled debug: ' + name:<40} | {value:>10,.0f} |")
    for name, value in imports.items():
        print(f"| {'import ' + name + ' (ms)':<40} | {value:>10,.1f} |")

    ours = emit_ns["schemalog"]
    ratios = [
        ("schemalog / python-json-logger", ours / emit_ns["python-json-logger"], 0.5),
        ("schemalog / jupyter_events", ours / emit_ns["jupyter_events"], 0.1),
        ("schemalog / stdlib floor", ours / emit_ns["stdlib floor (pre-serialized)"], 1.5),
        (
            "disabled debug: schemalog / structlog",
            disabled_ns["schemalog"] / disabled_ns["structlog filtering"],
            1.0,
        ),
        ("import schemalog / import structlog", imports["schemalog"] / imports["structlog"], 2.0),
    ]
    print(f"\n| {'ratio':<40} | {'measured':>8} | {'target':>8} | {'met':>4} |")
    print(f"|{'-' * 42}|{'-' * 10}|{'-' * 10}|{'-' * 6}|")
    for name, value, target in ratios:
        met = "yes" if value <= target else "NO"
        print(f"| {name:<40} | {value:>8.3f} | {'<= ' + str(target):>8} | {met:>4} |")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown of the libraries' handlers


if __name__ == "__main__":
    main()
