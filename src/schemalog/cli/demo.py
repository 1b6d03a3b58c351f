"""``schemalog demo [--dir DIR]``: a simulated application, end to end, no AWS account."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``demo`` verb."""
    parser = subparsers.add_parser("demo", help="run a simulated application end to end")
    parser.add_argument("--dir", default="demo-output", help="where events.jsonl is written")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the simulation")
    parser.add_argument("--sessions", type=int, default=200, help="simulated user sessions")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo."""
    from schemalog.demo import run_demo

    return run_demo(args.dir, seed=args.seed, sessions=args.sessions)
