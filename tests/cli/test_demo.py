"""Tests for schemalog.cli.demo: the ``demo`` verb's options reach the simulation."""

from __future__ import annotations

import argparse
from pathlib import Path

import orjson
import pytest

from schemalog.cli.demo import register


def test_defaults() -> None:
    """Without options the demo writes into demo-output, seed 7, 200 sessions."""
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["demo"])
    assert (args.dir, args.seed, args.sessions) == ("demo-output", 7, 200)


def test_options_reach_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--dir, --seed and --sessions reach the run: same seed, same events; more sessions, more."""
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    runs = []
    for name, sessions in (("a", "4"), ("b", "4"), ("c", "8")):
        out = tmp_path / name
        options = ["--dir", str(out), "--seed", "3", "--sessions", sessions]
        args = parser.parse_args(["demo", *options])
        assert args.func(args) == 0
        lines = (out / "events.jsonl").read_bytes().splitlines()
        runs.append([orjson.loads(line) for line in lines])
    assert str(tmp_path / "a") in capsys.readouterr().out
    shape = [[(r["event_type"], r.get("user_id")) for r in run] for run in runs]
    assert shape[0] == shape[1]
    assert len(shape[2]) > len(shape[0]) > 4
