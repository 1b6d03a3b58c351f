"""``schemalog serve [--sink S]... [--port P] [--host H]``: the HTTP ingestion service.

``POST /v1/events`` (a JSON array or NDJSON) validates each event against the catalog,
stamps what its envelope lacks, and writes the accepted ones to every ``--sink``; the answer
lists, per event, accepted, duplicate or rejected with the schema errors. API keys come from
``--keys FILE`` and ``SCHEMALOG_API_KEYS`` (``NAME:sha256:HEX``; make one with
``--new-key NAME``). ``GET /healthz``, ``GET /v1/schemas``, ``GET /openapi.json``.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from schemalog._core.options import parse_count, parse_size
from schemalog.cli.main import EXIT_OK, CliError


def register(subparsers: Any) -> None:
    """Add the ``serve`` verb."""
    parser = subparsers.add_parser(
        "serve",
        help="run the HTTP ingestion service",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument(
        "--sink",
        action="append",
        default=[],
        metavar="S",
        help="where accepted events go (repeatable; default: stdout)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=parse_count, default=8080, help="port (default: 8080)")
    parser.add_argument("--schemas", metavar="DIR", help="catalog directory")
    parser.add_argument("--keys", metavar="FILE", help="API keys file (NAME:sha256:HEX lines)")
    parser.add_argument("--no-auth", action="store_true", help="accept requests without a key")
    parser.add_argument("--new-key", metavar="NAME", help="print a new key and its keys line")
    parser.add_argument("--max-body-bytes", type=parse_size, default=1 << 20, metavar="SIZE")
    parser.add_argument("--max-events", type=parse_count, default=1000, metavar="N")
    parser.add_argument("--rate", type=float, default=50.0, help="requests/s per key")
    parser.add_argument("--burst", type=parse_count, default=100, help="burst per key")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; return the exit code."""
    from schemalog.ingest.keys import ApiKeys, new_key

    if args.new_key:
        key, line = new_key(args.new_key)
        print(key)
        print(f"add to the keys file: {line}", file=sys.stderr)
        return EXIT_OK
    import uvicorn

    from schemalog.ingest.app import Limits, create_app

    keys = None if args.no_auth else ApiKeys.load(args.keys, os.environ)
    if keys is not None and not len(keys):
        raise CliError("no API keys: give --keys FILE or SCHEMALOG_API_KEYS, or --no-auth")
    limits = Limits(args.max_body_bytes, args.max_events, args.rate, args.burst)
    app = create_app(args.sink or ["stdout"], schemas=args.schemas, keys=keys, limits=limits)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return EXIT_OK
