"""Emit benchmark: schemalog against the anchor libraries, in one process, one run.

Two events, each written by every library through a stdlib ``logging.FileHandler`` on the
library's own logger, to its own file, with a bound session (``session_id``, ``user_id``);
schemalog also through its own file sink (what a ``file:`` sink string builds):

* ``chat``: the README's ``stream_completed`` with two integer fields;
* ``agent``: ``tool_call_started`` with seven fields, nested parameters among them, which
  schemalog validates and walks for secrets.

Figures are the median, over interleaved rounds, of nanoseconds per event. Run it with
``make bench`` or ``python bench/emit.py [--events N] [--rounds R]``.
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import orjson
from _emit_rows import ROWS, report_rows

ROOT = Path(__file__).resolve().parents[1]
CONTEXT = {"session_id": "sess-4f2a9c", "user_id": "user-042"}


@dataclass(frozen=True)
class Workload:
    """One event, written by every library."""

    name: str
    event_type: str
    fields: dict[str, Any]


WORKLOADS = (
    Workload("chat", "stream_completed", {"chunk_count": 42, "total_chunks": 42}),
    Workload(
        "agent",
        "tool_call_started",
        {
            "tool_name": "search_docs",
            "tool_params": {"query": "refund policy for annual plans", "limit": 10},
            "call_sequence": 3,
            "is_retry": False,
            "retry_attempt": 0,
            "params_hash": "9c1f0e4b2a7d3c55",
            "mcp_tool_available": True,
        },
    ),
)
Emit = Callable[[], None]
#: The clock schemalog's routes are configured with (None: the wall clock). bench/callgrind.py
#: sets one that moves as fast as events are written natively: under valgrind every event
#: would otherwise start a new millisecond, and the stamp's once-a-millisecond work would be
#: counted in every event.
CLOCK: Callable[[], float] | None = None


def _configure_schemalog() -> None:
    import schemalog

    schemalog.configure(
        service="bench", sinks=[], schemas=ROOT / "schemas", on_invalid="raise", clock=CLOCK
    )


def _file_handler(directory: Path, name: str) -> logging.FileHandler:
    return logging.FileHandler(directory / f"{name}.jsonl", encoding="utf-8")


def _isolated_logger(name: str, handler: logging.Handler) -> logging.Logger:
    logger = logging.getLogger(f"bench.{name}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def setup_schemalog(directory: Path, work: Workload) -> Emit:
    import schemalog

    # Like every other library here, the handler sits on the library's own logger.
    _configure_schemalog()
    name = f"schemalog.{work.name}"
    _isolated_logger(name, _file_handler(directory, f"schemalog-{work.name}"))
    log = schemalog.get_logger(f"bench.{name}")
    schemalog.bound(**CONTEXT).__enter__()  # bound for the run, as a request's context would be
    event_type, fields = work.event_type, work.fields

    def emit() -> None:
        log.info(event_type, **fields)

    return emit


def setup_schemalog_file_sink(directory: Path, work: Workload) -> Emit:
    import schemalog
    from schemalog.sinks.file import FileSink

    # schemalog's own file sink (what a ``file:`` sink string builds), on its own logger.
    _configure_schemalog()
    name = f"schemalog-file.{work.name}"
    _isolated_logger(name, FileSink(directory / f"schemalog-file-{work.name}.jsonl"))
    log = schemalog.get_logger(f"bench.{name}")
    schemalog.bound(**CONTEXT).__enter__()
    event_type, fields = work.event_type, work.fields

    def emit() -> None:
        log.info(event_type, **fields)

    return emit


def setup_schemalog_extra(directory: Path, work: Workload) -> Emit:
    import schemalog

    # A stdlib logger with extra=, under configure(): the record is validated and rendered by
    # the chain, through the same FileHandler python-json-logger writes with.
    _configure_schemalog()
    handler = _file_handler(directory, f"schemalog-extra-{work.name}")
    handler.setFormatter(schemalog.JsonFormatter())
    logger = _isolated_logger(f"extra.{work.name}", handler)
    extra = {"event_type": work.event_type, **CONTEXT, **work.fields}
    event_type = work.event_type

    def emit() -> None:
        logger.info(event_type, extra=extra)

    return emit


def setup_json_logger(directory: Path, work: Workload) -> Emit:
    from pythonjsonlogger.json import JsonFormatter

    handler = _file_handler(directory, f"python-json-logger-{work.name}")
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger = _isolated_logger(f"json.{work.name}", handler)
    extra = {**CONTEXT, **work.fields}
    event_type = work.event_type

    def emit() -> None:
        logger.info(event_type, extra=extra)

    return emit


def setup_structlog(directory: Path, work: Workload) -> Emit:
    import structlog

    handler = _file_handler(directory, f"structlog-{work.name}")
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(processor=structlog.processors.JSONRenderer())
    )
    _isolated_logger(f"structlog.{work.name}", handler)
    logger_class = logging.getLoggerClass()
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
    # structlog's LoggerFactory sets the process's logger class (its own findCaller): the
    # other libraries' loggers, made after this, must stay stdlib's, as in their own apps.
    logging.setLoggerClass(logger_class)
    structlog.contextvars.bind_contextvars(**CONTEXT)
    log = structlog.get_logger(f"bench.structlog.{work.name}")
    event_type, fields = work.event_type, work.fields

    def emit() -> None:
        log.info(event_type, **fields)

    return emit


def setup_jupyter_events(directory: Path, work: Workload) -> Emit:
    from jupyter_events import EventLogger

    ours = orjson.loads((ROOT / "schemas" / work.event_type / "1.0.0.json").read_bytes())
    properties = {
        **ours["properties"],
        "session_id": {"type": "string"},
        "user_id": {"type": "string"},
    }
    schema = {
        "$id": f"https://schemalog.dev/bench/{work.event_type}",
        "version": "1",
        "title": work.event_type,
        "description": ours["description"],
        "type": "object",
        "properties": {k: {**v, "title": k} for k, v in properties.items()},
        "required": ours["required"],
    }
    event_logger = EventLogger(handlers=[_file_handler(directory, f"jupyter-{work.name}")])
    event_logger.register_event_schema(schema)
    data = {**CONTEXT, **work.fields}
    schema_id = schema["$id"]

    def emit() -> None:
        event_logger.emit(schema_id=schema_id, data=data)

    return emit


def setup_floor(directory: Path, work: Workload) -> Emit:
    logger = _isolated_logger(f"floor.{work.name}", _file_handler(directory, f"floor-{work.name}"))
    line = orjson.dumps({"event_type": work.event_type, **CONTEXT, **work.fields}).decode()

    def emit() -> None:
        logger.info(line)

    return emit


SETUPS = {
    "schemalog": setup_schemalog,
    "schemalog (file: sink)": setup_schemalog_file_sink,
    "schemalog (stdlib extra=)": setup_schemalog_extra,
    "python-json-logger": setup_json_logger,
    "structlog (stdlib ProcessorFormatter)": setup_structlog,
    "jupyter_events": setup_jupyter_events,
    "stdlib floor (pre-serialized)": setup_floor,
}


def disabled_calls() -> dict[str, Emit]:
    import structlog

    import schemalog

    log = schemalog.get_logger("bench.disabled")  # configured at info: debug is disabled
    stdlib = _isolated_logger("disabled", logging.NullHandler())
    filtering = structlog.make_filtering_bound_logger(logging.INFO)
    struct = cast(Any, filtering)(structlog.PrintLogger(), [], {})
    return {
        "schemalog": lambda: log.debug("cache_hit", cache_expires_in_seconds=1),
        "stdlib": lambda: stdlib.debug("cache_hit %s", 1),
        "structlog filtering": lambda: struct.debug("cache_hit", cache_expires_in_seconds=1),
    }


def per_call_ns(calls: dict[str, Emit], events: int, rounds: int) -> dict[str, float]:
    """Median over ``rounds`` of the nanoseconds per call, for each call."""
    samples = per_call_samples(calls, events, rounds)
    return {name: statistics.median(values) for name, values in samples.items()}


def per_call_samples(calls: dict[str, Emit], events: int, rounds: int) -> dict[str, list[float]]:
    """Nanoseconds per call in each of ``rounds`` rounds, for each call.

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
    return samples


def import_ms(module: str, runs: int) -> float:
    """Median milliseconds to import ``module`` in a fresh interpreter (``-X importtime``)."""
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


FIRST_EVENT = {
    "schemalog": (
        "import schemalog\n"
        "schemalog.configure(sinks=[], schemas={schemas!r})\n"
        "schemalog.get_logger('x').info('cache_miss')\n"
    ),
    "structlog": "import structlog\nstructlog.get_logger('x').info('cache_miss')\n",
}


def first_event_ms(library: str, runs: int) -> float:
    """Median ms, in a fresh interpreter, from the import to the first event written.

    ``import schemalog`` itself loads almost nothing (its names are imported on first use), so
    this is the start-up cost an application really pays.
    """
    code = FIRST_EVENT[library].format(schemas=str(ROOT / "schemas"))
    timed = (
        f"import time\nstarted = time.perf_counter()\n{code}print(time.perf_counter() - started)"
    )
    samples = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-c", timed], capture_output=True, text=True, check=True
        )
        samples.append(float(result.stdout.strip().splitlines()[-1]) * 1000)
    return statistics.median(samples)


def print_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = (
        "| " + " | ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths)) + " |"
    )
    print(line.format(*header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line.format(*row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5_000, help="events per round")
    parser.add_argument("--rounds", type=int, default=15, help="rounds (the median is kept)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="schemalog-bench-") as tmp:
        directory = Path(tmp)
        emit_ns = {}
        emit_samples = {}
        for work in WORKLOADS:
            emitters = {name: setup(directory, work) for name, setup in SETUPS.items()}
            emit_samples[work.name] = per_call_samples(emitters, args.events, args.rounds)
            emit_ns[work.name] = {
                name: statistics.median(values) for name, values in emit_samples[work.name].items()
            }
        lines = sum(1 for _ in (directory / "schemalog-agent.jsonl").open())
        disabled_ns = per_call_ns(disabled_calls(), args.events * 10, args.rounds)
    imports = {module: import_ms(module, args.rounds) for module in ("schemalog", "structlog")}
    first = {library: first_event_ms(library, args.rounds) for library in FIRST_EVENT}

    print(f"\n## emit: median ns per event ({args.rounds} interleaved rounds of {args.events:,})")
    print(
        f"(schemalog wrote {lines:,} agent lines; every library writes via logging.FileHandler,"
        " schemalog also via its file sink)\n"
    )
    print_table(
        ("library", *(f"{w.name} ns/event" for w in WORKLOADS)),
        [(name, *(f"{emit_ns[w.name][name]:,.0f}" for w in WORKLOADS)) for name in SETUPS],
    )
    print()
    print_table(
        ("other figure", "median"),
        [(f"disabled debug: {name} (ns)", f"{value:,.0f}") for name, value in disabled_ns.items()]
        + [(f"import {name} (ms)", f"{value:,.1f}") for name, value in imports.items()]
        + [(f"import to first event: {name} (ms)", f"{v:,.1f}") for name, v in first.items()],
    )

    def ratio(name: str, other: str) -> tuple[str, ...]:
        return tuple(f"{emit_ns[w.name][name] / emit_ns[w.name][other]:.3f}" for w in WORKLOADS)

    disabled = disabled_ns["schemalog"] / disabled_ns["structlog filtering"]
    import_ratio = imports["schemalog"] / imports["structlog"]
    print()
    print_table(
        ("ratio", *(w.name for w in WORKLOADS), "target"),
        [
            *(
                (
                    f"{mine} / {anchor}",
                    *ratio(mine, anchor),
                    "(info)" if goal is None else f"<= {goal}",
                )
                for mine, anchor, goal in ROWS
            ),
            ("disabled debug: schemalog / structlog", f"{disabled:.3f}", "", "<= 1.0"),
            ("import schemalog / import structlog", f"{import_ratio:.3f}", "", "<= 2.0"),
            (
                "import to first event: schemalog / structlog",
                f"{first['schemalog'] / first['structlog']:.3f}",
                "",
                "(info)",
            ),
        ],
    )
    report_rows(emit_samples)
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown of the libraries' handlers


if __name__ == "__main__":
    main()
