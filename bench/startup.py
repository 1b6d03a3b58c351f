"""Start-up benchmark: CPU from a fresh interpreter to the first event written.

Each program runs in its own fresh interpreter; the figure is its CPU time (user + system,
from ``resource.getrusage`` of the child), so a busy machine moves it less than wall time.
Programs, interleaved round by round:

* ``schemalog``: ``import schemalog``, ``configure()`` with the repository's catalog, one
  cataloged event to stdout;
* ``python-json-logger``: its ``JsonFormatter`` on a stdout handler, one event (the anchor);
* ``floor``: what schemalog cannot do without: ``logging``, ``orjson`` and ``jsonschema_rs``
  imported, one validator compiled, one line written;
* ``python``: the bare interpreter.

Run it with ``make bench`` or ``python bench/startup.py [--rounds R]``.
"""

from __future__ import annotations

import argparse
import compileall
import resource
import subprocess
import sys
from pathlib import Path

from _rows import ratios, report

ROOT = Path(__file__).resolve().parents[1]
PROGRAMS = {
    "schemalog": f"""
import schemalog
schemalog.configure(sinks=["stdout"], schemas={str(ROOT / "schemas")!r})
schemalog.get_logger("app").info("cache_miss")
""",
    "python-json-logger": """
import logging, sys
from pythonjsonlogger.json import JsonFormatter
handler = logging.StreamHandler(sys.stdout)
handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
logging.getLogger().addHandler(handler)
logging.getLogger().setLevel(logging.INFO)
logging.getLogger("app").info("cache_miss", extra={"event_type": "cache_miss"})
""",
    "floor": """
import logging, sys
import jsonschema_rs, orjson
validator = jsonschema_rs.validator_for({"type": "object", "additionalProperties": False})
logging.getLogger().addHandler(logging.StreamHandler(sys.stdout))
logging.getLogger().setLevel(logging.INFO)
assert validator.is_valid({})
logging.getLogger("app").info(orjson.dumps({"event_type": "cache_miss"}).decode())
""",
    "python": "pass",
}


def cpu_ms(code: str) -> float:
    """CPU milliseconds (user + system) a fresh interpreter spends running ``code``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return used * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15, help="runs of each program")
    args = parser.parse_args()
    # An installed wheel carries its bytecode (pip compiles it); a checkout under
    # PYTHONDONTWRITEBYTECODE=1 would compile every changed module again at each start.
    compileall.compile_dir(ROOT / "src", quiet=1)
    for code in PROGRAMS.values():  # warm the file cache
        cpu_ms(code)
    samples: dict[str, list[float]] = {name: [] for name in PROGRAMS}
    for _ in range(args.rounds):
        for name, code in PROGRAMS.items():
            samples[name].append(cpu_ms(code))
    print(f"\n## start-up: CPU ms from a fresh interpreter to the first event ({args.rounds} runs)")
    for name, values in samples.items():
        print(f"{name:<20} median {sorted(values)[len(values) // 2]:6.1f} ms")
    anchor = samples["python-json-logger"]
    pjl = f"python-json-logger, {sorted(anchor)[len(anchor) // 2]:.0f} ms CPU"
    report("import + configure + first event, CPU / python-json-logger",
           ratios(samples["schemalog"], anchor), unit="x", anchor=pjl, goal=1.3)  # fmt: skip
    report("floor (logging + orjson + jsonschema_rs), CPU / python-json-logger",
           ratios(samples["floor"], anchor), unit="x", anchor=pjl)  # fmt: skip
    report("import + configure + first event, CPU", samples["schemalog"], unit="ms")


if __name__ == "__main__":
    main()
