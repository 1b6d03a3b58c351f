"""The README's shell blocks run as a new user would paste them.

Every fenced ``sh`` block of README.md runs, in order, in one empty directory with the
project's ``schemalog`` first on ``PATH`` (``bash -e -o pipefail``), and must succeed. A block
whose previous line is ``<!-- readme-test: skip (reason) -->`` is not run: the reason says
what it needs that a test cannot have (an AWS account, the repository's own .venv, jq).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

SKIP = re.compile(r"<!-- readme-test: skip \(.+\) -->")
FENCE = re.compile(r"^```sh\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def shell_blocks(text: str) -> list[tuple[int, str, bool]]:
    """Return ``(line, body, skipped)`` for each ``sh`` block of a Markdown text."""
    blocks = []
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip("\n").rpartition("\n")[2]
        blocks.append((line, match.group(1), bool(SKIP.fullmatch(before.strip()))))
    return blocks


def test_shell_blocks_are_found_and_skips_are_explicit() -> None:
    """The parser finds blocks and honours only the documented marker."""
    text = "a\n```sh\necho 1\n```\n<!-- readme-test: skip (needs x) -->\n```sh\nfalse\n```\n"
    assert shell_blocks(text) == [(2, "echo 1\n", False), (6, "false\n", True)]


@pytest.mark.slow
def test_readme_shell_blocks_run(tmp_path: Path) -> None:
    """Each unmarked block of README.md succeeds, in order, in one empty directory."""
    blocks = shell_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    runnable = [(line, body) for line, body, skipped in blocks if not skipped]
    assert len(runnable) >= 2  # the first five minutes, at least
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for name in ("SCHEMALOG_SCHEMAS", "SCHEMALOG_FILTERS", "SCHEMALOG_ENV"):
        env.pop(name, None)
    for line, body in runnable:
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", body],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"README.md:{line}: exit {done.returncode}\n{done.stderr}"
