r"""Load benchmark: ``schemalog load`` against the databases' own bulk loaders.

Generates (once, into ``bench/.data/``) the demo's lines (``schemalog demo``, about 200,000
lines), then times, per round: ``load()`` into a new DuckDB file, DuckDB's
``CREATE TABLE AS SELECT * FROM read_ndjson(...)`` of the same file, ``load()`` into a new
PostgreSQL database, and ``psql \copy`` of the raw lines into a one-column table. The
PostgreSQL server is a throwaway one (initdb/pg_ctl, as in the tests). Figures are medians.
Targets (issue 15): 200k lines/s into DuckDB, 50k lines/s into PostgreSQL.
Run it with ``make bench`` or ``python bench/load.py [--sessions N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import psycopg

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / ".data"
sys.path.insert(0, str(ROOT))

from _rows import report as report_row  # noqa: E402
from tests.pg import PostgresServer, find_bin  # noqa: E402

from schemalog.demo import run_demo  # noqa: E402
from schemalog.storage.loader import load  # noqa: E402


def demo_lines(sessions: int) -> Path:
    """Return the demo's lines for ``sessions`` sessions, made once."""
    directory = DATA / f"load-demo-{sessions}"
    path = directory / "events.jsonl"
    if not path.exists():
        with contextlib.redirect_stdout(io.StringIO()):
            run_demo(directory, sessions=sessions)
    return path


def timed(action: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    action(*args)
    return time.perf_counter() - started


def duck_native(path: Path, target: Path) -> None:
    with duckdb.connect(str(target)) as connection:
        connection.execute(
            f"CREATE TABLE raw AS SELECT * FROM read_ndjson('{path}', sample_size=-1)"
        )


def psql_copy(url: str, path: Path) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS raw; CREATE TABLE raw (line text)")
    psql = find_bin("psql")
    # CSV with quote and delimiter bytes that never occur: each line is loaded as it is.
    command = f"\\copy raw FROM '{path}' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
    subprocess.run([psql, url, "-q", "-c", command], check=True)


def fresh_database(server: PostgresServer, number: int) -> str:
    with psycopg.connect(server.url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE bench_{number}")
    return server.url.rsplit("/", 1)[0] + f"/bench_{number}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=8700)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    path = demo_lines(args.sessions)
    lines = sum(1 for _ in path.open("rb"))
    server = PostgresServer()
    server.start()
    times: dict[str, list[float]] = {k: [] for k in ("duck", "duck_native", "pg", "pg_copy")}
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for number in range(args.rounds):
                duck_file = Path(scratch) / f"load-{number}.duckdb"
                times["duck"].append(timed(load, [str(path)], str(duck_file)))
                native_file = Path(scratch) / f"native-{number}.duckdb"
                times["duck_native"].append(timed(duck_native, path, native_file))
                url = fresh_database(server, number)
                times["pg"].append(timed(load, [str(path)], url))
                times["pg_copy"].append(timed(psql_copy, url, path))
    finally:
        server.stop()
        server.remove()
    rate = {name: lines / statistics.median(values) for name, values in times.items()}
    print(f"{lines} lines ({path.stat().st_size / 2**20:.0f} MiB), median of {args.rounds} rounds")
    print(f"{'what':<42} {'lines/s':>10} {'ratio':>7} {'target':>9}")
    rows = [
        ("schemalog load -> DuckDB", rate["duck"], rate["duck"] / rate["duck_native"], 200_000),
        ("DuckDB read_ndjson (CREATE TABLE AS)", rate["duck_native"], 1.0, None),
        ("schemalog load -> PostgreSQL", rate["pg"], rate["pg"] / rate["pg_copy"], 50_000),
        ("psql \\copy of the raw lines", rate["pg_copy"], 1.0, None),
    ]
    for name, value, ratio, target in rows:
        shown = f"{target:>9,}" if target else ""
        print(f"{name:<42} {value:>10,.0f} {ratio:>7.2f} {shown}")
    for name, ours, theirs, anchor, goal in (
        ("load into DuckDB", "duck", "duck_native", "DuckDB read_ndjson", 200_000),
        ("load into PostgreSQL", "pg", "pg_copy", "psql \\copy", 50_000),
    ):
        per_round = [lines / seconds for seconds in times[ours]]
        report_row(
            f"storage: {name}, lines/s",
            per_round,
            unit="lines/s",
            anchor=f"{anchor}, {rate[theirs]:,.0f} lines/s",
            goal=goal,
            higher_is_better=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
