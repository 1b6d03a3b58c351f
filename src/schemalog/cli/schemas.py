"""``schemalog schemas list``: the catalog's event types and versions."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import orjson

from schemalog.catalog import Catalog, default_schemas_dir
from schemalog.cli.main import EXIT_OK


def register(subparsers: Any) -> None:
    """Add the ``schemas`` verb and its sub-verbs."""
    parser = subparsers.add_parser("schemas", help="work with the event catalog")
    sub = parser.add_subparsers(dest="schemas_verb", metavar="SUBCOMMAND", required=True)
    listing = sub.add_parser("list", help="list event types, versions and descriptions")
    listing.add_argument("--schemas", metavar="DIR", help="catalog directory")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(func=run_list)


def run_list(args: argparse.Namespace) -> int:
    """Print the catalog."""
    catalog = Catalog.load(args.schemas or default_schemas_dir())
    rows = [
        {
            "event_type": name,
            "versions": [v.version_text for v in catalog.versions(name)],
            "domain": catalog.get(name).schema.get("x-domain", ""),
            "description": catalog.get(name).description,
        }
        for name in catalog
    ]
    if args.format == "json":
        sys.stdout.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n")
        return EXIT_OK
    width = max((len(r["event_type"]) for r in rows), default=10)
    print(f"# {catalog.root}: {len(rows)} event types")
    for row in rows:
        versions = ", ".join(row["versions"])
        print(f"{row['event_type']:<{width}}  {versions:<14} {row['description']}")
    return EXIT_OK
