"""Run the command line with a stdout whose reader has already gone (`| head` at its end)."""

from __future__ import annotations

import os
import subprocess
import sys


def run_into_closed_pipe(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run ``schemalog ARGS`` writing into a pipe whose read end is closed: every write fails."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "schemalog", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            check=False,
            timeout=60,
        )
    finally:
        os.close(write_end)
