"""examples/agent_tools.py runs as a real process, writes a valid log, and prints its report."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson

from schemalog.catalog.load import Catalog
from schemalog.linecheck import LineChecker
from tests.paths import ROOT


def test_example_writes_a_valid_log_and_reports_it(tmp_path: Path, schemas_dir: Path) -> None:
    """The scripted conversations give the same counts on every run; every line is valid."""
    log = tmp_path / "agent.jsonl"
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "agent_tools.py"), str(log)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    assert "9 sessions started (7 completed, 1 failed, 1 abandoned)" in done.stdout
    assert re.search(r"^task_completion_rate +0\.778$", done.stdout, re.MULTILINE)
    lines = log.read_bytes().splitlines()
    checker = LineChecker(Catalog.load(schemas_dir))
    assert all(checker.check(line).valid for line in lines)
    counts = Counter(orjson.loads(line)["event_type"] for line in lines)
    assert counts["hallucinated_tool_call"] == 2  # getExchangeRate, cancel_subscription
    assert counts["schema_validation_error"] == 1  # limit="ten"
    assert counts["wrong_tool_error"] == 1  # get_exchange_rate failed, then search_docs
    assert counts["tool_call_retry"] == 4  # three timeouts and one KeyError retried once each
    assert counts["answer_incomplete"] == 1  # shipping to mars finds nothing
