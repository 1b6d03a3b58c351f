"""Run every benchmark under bench/ in turn (``make bench``), each in a fresh interpreter.

A benchmark is any ``bench/*.py`` file other than this one; each prints its own table of
medians and ratios against the anchor libraries measured in the same run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    scripts = sorted(
        p for p in here.glob("*.py") if p.name != "run.py" and not p.name.startswith("_")
    )
    failed = []
    for script in scripts:
        print(f"\n# {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script)], check=False).returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
