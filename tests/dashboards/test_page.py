"""The dashboard page of the demo's lines, opened in a real headless Chromium (Debian's)."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pytest

from schemalog.dashboards.formatting import format_value

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def schemalog(*args: str) -> str:
    """Run the real command line in a subprocess; return its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "schemalog.cli.main", *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "SCHEMALOG_ENV": "prod"},
    )
    return done.stdout


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Run ``schemalog demo`` and ``schemalog dashboard`` on its lines; return lines and page."""
    directory = tmp_path_factory.mktemp("demo")
    schemalog("demo", "--dir", str(directory))
    lines = directory / "events.jsonl"
    page = directory / "dashboard.html"
    schemalog("dashboard", str(lines), "-o", str(page))
    return lines, page


def test_page_is_self_contained(demo_page: tuple[Path, Path]) -> None:
    """No script, style or image is fetched: everything is inline."""
    text = demo_page[1].read_text(encoding="utf-8")
    assert "<script src" not in text and "<link" not in text
    assert "Plotly.newPlot" in text


def open_page(page_path: Path, user_data: Path) -> dict[str, Any]:
    """Load the page in Chromium; return console errors, requests, chart counts, a screenshot."""
    from playwright.sync_api import sync_playwright

    seen: dict[str, Any] = {"errors": [], "requests": []}
    with sync_playwright() as driver:
        browser = driver.chromium.launch_persistent_context(
            str(user_data),
            executable_path=CHROMIUM,
            args=FLAGS[1:],  # playwright adds --headless itself
            viewport={"width": 1400, "height": 1000},
        )
        try:
            page = browser.new_page()
            page.on("console", lambda message: _keep_error(seen["errors"], message))
            page.on("pageerror", lambda error: seen["errors"].append(str(error)))
            page.on("request", lambda request: seen["requests"].append(request.url))
            page.goto(page_path.as_uri())
            page.wait_for_load_state("load")
            seen["charts"] = page.locator(".chart").count()
            page.wait_for_function(
                "document.querySelectorAll('.chart svg.main-svg').length"
                " >= document.querySelectorAll('.chart').length",
                timeout=30_000,
            )
            seen["drawn"] = page.evaluate(
                "[...document.querySelectorAll('.chart')]"
                ".filter(c => c.querySelector('svg.main-svg .cartesianlayer .trace')).length"
            )
            seen["sections"] = page.locator("section.dashboard h2").all_inner_texts()
            seen["values"] = page.evaluate(
                "Object.fromEntries([...document.querySelectorAll('figure.widget')]"
                ".map(f => [f.dataset.kpi, f.querySelector('.kpi-value').textContent]))"
            )
            seen["png"] = page.screenshot()
        finally:
            browser.close()
    return seen


def test_chromium_draws_every_chart_without_errors(
    demo_page: tuple[Path, Path], tmp_path: Path
) -> None:
    """Four dashboards, a drawn chart per KPI, no console error, no request beyond the file."""
    lines, page = demo_page
    seen = open_page(page, tmp_path / "profile")
    assert seen["errors"] == []
    assert seen["requests"] == [page.as_uri()]
    assert seen["sections"] == ["Operations", "Business Metrics", "Performance", "Feature Adoption"]
    assert seen["charts"] == 30
    assert seen["drawn"] == seen["charts"]
    assert _distinct_bytes(seen["png"]) > 20, "the screenshot is blank"
    rows = orjson.loads(schemalog("report", "kpis", str(lines), "--format", "json"))["rows"]
    expected = {k["id"]: format_value(k["unit"], k["value"]) for k in rows}
    assert seen["values"] == expected
    table = schemalog("report", "kpis", str(lines)).splitlines()
    for kpi in rows:  # the table writes each value as the page does
        line = next(text for text in table if f" {kpi['title']} " in f" {text} ")
        assert line.rstrip().endswith(f"  {expected[kpi['id']]}")


def _keep_error(errors: list[str], message: ConsoleMessage) -> None:
    if message.type == "error":
        errors.append(message.text)


def _distinct_bytes(png: bytes) -> int:
    """How many different byte values the decompressed pixel rows hold (1 or 2 when blank)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    data, at = b"", 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        if kind == b"IDAT":
            data += png[at + 8 : at + 8 + length]
        at += 12 + length
    return len(set(zlib.decompress(data)))
