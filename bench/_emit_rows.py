"""The figures ``bench/emit.py`` reports to ``bench/run.py``: schemalog's routes against anchors."""

from __future__ import annotations

import statistics

from _rows import ratios, report

SINK = "schemalog (file: sink)"
FLOOR = "stdlib floor (pre-serialized)"
PJL = "python-json-logger"
#: The rows reported to bench/run.py: (schemalog's route, anchor, issue 17's goal or None).
ROWS = (
    ("schemalog", PJL, 0.40),
    ("schemalog", "structlog (stdlib ProcessorFormatter)", None),
    ("schemalog", "jupyter_events", None),
    ("schemalog", FLOOR, None),
    (SINK, PJL, 0.30),
    (SINK, FLOOR, 1.1),
    (SINK, "jupyter_events", 0.09),
    ("schemalog (stdlib extra=)", PJL, 0.6),
)
#: How each route is named in a row.
ROUTE_NAMES = {
    "schemalog": "through a FileHandler",
    SINK: "through the file: sink",
    "schemalog (stdlib extra=)": "stdlib extra=, through a FileHandler",
}


def report_rows(samples: dict[str, dict[str, list[float]]]) -> None:
    """Report schemalog's per-round ratios to each anchor as result rows (bench/_rows.py)."""
    for work, per_library in samples.items():
        for mine, anchor, goal in ROWS:
            values = per_library[anchor]
            report(
                f"{work} event {ROUTE_NAMES[mine]} / {anchor}",
                ratios(per_library[mine], values),
                unit="x",
                anchor=f"{anchor}, {statistics.median(values):,.0f} ns/event",
                goal=goal,
            )
