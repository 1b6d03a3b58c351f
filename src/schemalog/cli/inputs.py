"""The input side shared by every verb that reads JSON lines: FILE arguments and their limits.

A reading verb calls :func:`add_input_options` in ``register`` and :func:`line_reader` first
in ``run`` (so a missing file or a closed stdin is exit 2 before any output), reads through
the returned :class:`~schemalog.lines.reader.LineReader`, and ends with :func:`finish`.
"""

from __future__ import annotations

import argparse
import sys

from schemalog.cli.main import EXIT_FINDINGS, EXIT_USAGE
from schemalog.cli.output import Report
from schemalog.lines.reader import DEFAULT_MAX_LINE_BYTES, LineReader


def _max_line_bytes(text: str) -> int:
    from schemalog._core.options import parse_size  # only when the option is given

    try:
        size = parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if size < 1:
        raise argparse.ArgumentTypeError("must be at least 1 byte")
    return size


def add_input_options(parser: argparse.ArgumentParser, *, many: bool = True) -> None:
    """Add the FILE argument(s) (``-`` is stdin, ``.gz`` is read) and ``--max-line-bytes``."""
    parser.add_argument(
        "files",
        nargs="+" if many else 1,
        metavar="FILE",
        help="JSONL file, .gz, or - for stdin",
    )
    parser.add_argument(
        "--max-line-bytes",
        type=_max_line_bytes,
        default=DEFAULT_MAX_LINE_BYTES,
        metavar="N",
        help="longer lines are reported and skipped, never held in memory"
        " (default 1MiB; accepts 512KiB, 10MB, ...)",
    )


def line_reader(args: argparse.Namespace, report: Report) -> LineReader:
    """Return the reader of ``args.files``; InputError (exit 2) now for an unreadable input.

    Lines over ``--max-line-bytes`` are reported to ``report`` as findings as they are met.
    """
    return LineReader(args.files, max_line_bytes=args.max_line_bytes, on_finding=report.finding)


def finish(report: Report, reader: LineReader, *, failed: bool = False) -> int:
    """Close ``report`` with the reader's counts; return the verb's exit code.

    2 when an input broke off mid-way (each named on stderr), else 1 when an error finding was
    reported or ``failed``, else 0.
    """
    report.summary.update(reader.summary())
    report.close()
    for reason in reader.errors:
        print(f"schemalog {report.verb}: {reason}", file=sys.stderr)
    if reader.errors:
        return EXIT_USAGE
    return EXIT_FINDINGS if failed else report.exit_code()
