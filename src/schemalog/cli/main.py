"""``schemalog``: the entry point; each verb lives in its own module of this package.

Exit codes (DESIGN §7): 0 fine, 1 findings, 2 usage or input errors (one line on stderr).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Final

from schemalog._version import __version__
from schemalog.cli.output import silence_stdout
from schemalog.exceptions import CatalogError, ConfigError, InputError

#: Verb modules under schemalog.cli; each has ``register(subparsers)`` setting ``func``.
VERB_MODULES: Final = (
    "demo",
    "validate",
    "schemas",
    "lint",
    "count",
    "filters",
    "report",
    "metrics",
    "insights",
    "dashboard",
    "dashboards",
    "load",
    "serve",
)

EXIT_OK: Final = 0
EXIT_FINDINGS: Final = 1
EXIT_USAGE: Final = 2


class CliError(Exception):
    """A usage or input problem: printed as one line on stderr, exit code 2."""


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Return the parser: with only the verb ``argv`` names, else with every verb.

    Registering one verb imports only its module, which keeps each command's start-up short.
    """
    parser = argparse.ArgumentParser(
        prog="schemalog",
        description="JSON-schema-versioned structured events: validate, count, lint, report.",
    )
    parser.add_argument("--version", action="version", version=f"schemalog {__version__}")
    subparsers = parser.add_subparsers(dest="verb", metavar="COMMAND", required=True)
    first = next((arg for arg in argv or () if not arg.startswith("-")), None)
    for name in (first,) if first in VERB_MODULES else VERB_MODULES:
        importlib.import_module(f"schemalog.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(arguments).parse_args(arguments)
    try:
        code: int = args.func(args)
    except (CliError, InputError, CatalogError, ConfigError) as error:
        lines = str(error).splitlines() or [type(error).__name__]
        reason = lines[0] if len(lines) == 1 else f"{lines[0]} (and {len(lines) - 1} more)"
        print(f"schemalog {args.verb}: {reason}", file=sys.stderr)
        for extra in lines[1:]:
            print(f"  {extra}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `schemalog ... | head`: the reader left, nothing is wrong
        # Verbs that report findings catch this themselves and still exit 1 (cli.output).
        silence_stdout()
        return EXIT_OK
    except OSError as error:  # a file a verb reads or writes: name it, no traceback
        where = f"{error.filename}: " if error.filename is not None else ""
        print(f"schemalog {args.verb}: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
    return code


if __name__ == "__main__":
    sys.exit(main())
