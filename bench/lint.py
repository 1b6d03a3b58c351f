"""Lint benchmark: ``schemalog lint`` files per second, against ``ast.parse`` alone.

The corpus is the running interpreter's standard library, twice: as it is (files that never
name schemalog are skipped unparsed, the common case in a large repository) and with a
schemalog logger and one event call prepended to every module (every file parsed and walked,
the worst case). ``ast.parse`` alone over the second corpus is the floor any AST-based lint
pays. Figures are medians over rounds. Run it with ``make bench`` or
``python bench/lint.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import shutil
import statistics
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

from schemalog.catalog.load import Catalog
from schemalog.codelint.lint import iter_python_files, lint_paths

ROOT = Path(__file__).resolve().parents[1]
PREFIX = 'import schemalog\nlog = schemalog.get_logger()\nlog.info("cache_miss")\n'


def build_corpus(stdlib: Path, target: Path) -> int:
    """Copy the stdlib's modules (not its tests) into ``target`` with PREFIX prepended."""
    if target.exists():
        shutil.rmtree(target)
    count = 0
    for source, _ in iter_python_files([str(stdlib)]):
        relative = Path(source).relative_to(stdlib)
        if relative.parts[0] in ("test", "idlelib", "lib2to3") or "tests" in relative.parts:
            continue
        copy = target / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(PREFIX.encode() + Path(source).read_bytes())
        count += 1
    return count


def median_seconds(run: Callable[[], object], rounds: int) -> float:
    """Return the median wall time of ``run`` over ``rounds`` calls."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def parse_all(files: list[str]) -> None:
    """Parse every file, as the lint must at least."""
    for path in files:
        with contextlib.suppress(SyntaxError, ValueError):
            ast.parse(Path(path).read_bytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    catalog = Catalog.load(ROOT / "schemas")
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    corpus = ROOT / "bench" / ".data" / "lint-corpus"
    build_corpus(stdlib, corpus)
    stdlib_files = [p for p, _ in iter_python_files([str(stdlib)])]
    corpus_files = [p for p, _ in iter_python_files([str(corpus)])]
    rows = [
        ("lint, stdlib as is", len(stdlib_files), lambda: lint_paths([str(stdlib)], catalog)),
        ("lint, every file parsed", len(corpus_files), lambda: lint_paths([str(corpus)], catalog)),
        ("ast.parse alone, same files", len(corpus_files), lambda: parse_all(corpus_files)),
    ]
    print(f"{'corpus':<30} {'files':>6} {'median s':>9} {'files/s':>9}")
    rates = {}
    for name, count, run in rows:
        seconds = median_seconds(run, args.rounds)
        rates[name] = count / seconds
        print(f"{name:<30} {count:>6} {seconds:>9.3f} {rates[name]:>9.0f}")
    ratio = rates["ast.parse alone, same files"] / rates["lint, every file parsed"]
    print(f"\nlint takes {ratio:.2f}x the time of ast.parse alone when every file is parsed")


if __name__ == "__main__":
    main()
