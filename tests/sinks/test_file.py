"""Tests for schemalog.sinks.file: threads, processes, rotation and logrotate."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections import defaultdict
from pathlib import Path

import orjson
import pytest

import schemalog
from schemalog.exceptions import ConfigError
from schemalog.sinks.file import FileSink
from tests.paths import ROOT

WRITER = """
import sys, schemalog
path, proc, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sink_options, pad = sys.argv[4], int(sys.argv[5])
schemalog.configure(sinks=[f"file:{path}{sink_options}"], schemas=sys.argv[6], on_invalid="raise")
log = schemalog.get_logger("writer")
with schemalog.bound(session_id=f"proc-{proc}"):
    for seq in range(1, count + 1):
        log.info("tool_call_started", tool_name=f"proc{proc}", call_sequence=seq,
                 tool_params={"pad": "x" * pad})
"""


def run_writers(path: Path, processes: int, count: int, options: str = "", pad: int = 10) -> None:
    """Start `processes` real Python processes appending `count` events each, concurrently."""
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                str(path),
                str(p),
                str(count),
                options,
                str(pad),
                str(ROOT / "schemas"),
            ]
        )
        for p in range(processes)
    ]
    for writer in writers:
        assert writer.wait(timeout=300) == 0


def sequences(files: list[Path]) -> dict[str, list[int]]:
    """Parse every line of every file (each must be a whole JSON record) by writer."""
    seen: dict[str, list[int]] = defaultdict(list)
    for file in files:
        data = file.read_bytes()
        assert data.endswith(b"\n") or not data
        for line in data.splitlines():
            record = orjson.loads(line)  # raises if two writes ever interleaved
            seen[record["tool_name"]].append(record["call_sequence"])
    return seen


@pytest.mark.slow
def test_processes_never_interleave_or_lose_lines(tmp_path: Path) -> None:
    """Four processes x 10,000 events into one file: 40,000 whole lines, none missing."""
    path = tmp_path / "events.jsonl"
    run_writers(path, processes=4, count=10_000)
    seen = sequences([path])
    assert sorted(seen) == [f"proc{p}" for p in range(4)]
    for sequence in seen.values():
        assert sorted(sequence) == list(range(1, 10_001))


@pytest.mark.slow
def test_long_lines_from_processes_stay_whole(tmp_path: Path) -> None:
    """Lines of 64 KiB (far past pipe and buffer sizes) from four processes stay whole."""
    path = tmp_path / "events.jsonl"
    run_writers(path, processes=4, count=150, pad=64 * 1024)
    seen = sequences([path])
    assert all(sorted(s) == list(range(1, 151)) for s in seen.values()) and len(seen) == 4


@pytest.mark.slow
def test_processes_rotating_one_file_lose_nothing(tmp_path: Path) -> None:
    """With size rotation shared by four processes, every line is in exactly one file."""
    path = tmp_path / "events.jsonl"
    run_writers(path, processes=4, count=5_000, options="?max_bytes=256KiB&backups=200")
    files = sorted(tmp_path.glob("events.jsonl*"))
    files = [f for f in files if not f.name.endswith(".lock")]
    assert len(files) > 5  # it really rotated
    seen = sequences(files)
    for sequence in seen.values():
        assert sorted(sequence) == list(range(1, 5_001))
    assert all(f.stat().st_size <= 256 * 1024 + 2048 for f in files)


def test_threads_share_one_sink(tmp_path: Path, schemas_dir: Path) -> None:
    """Eight threads through one sink: every line whole, none lost."""
    path = tmp_path / "events.jsonl"
    schemalog.configure(sinks=[f"file:{path}"], schemas=schemas_dir, on_invalid="raise")
    log = schemalog.get_logger("t")

    def work(thread: int) -> None:
        with schemalog.bound(session_id=f"t{thread}"):
            for seq in range(1, 2_001):
                log.info("tool_call_started", tool_name=f"thread{thread}", call_sequence=seq)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seen = sequences([path])
    assert len(seen) == 8 and all(sorted(s) == list(range(1, 2_001)) for s in seen.values())


def record(message: str) -> logging.LogRecord:
    return logging.LogRecord("t", logging.INFO, "", 0, message, None, None)


def test_size_rotation_keeps_backups(tmp_path: Path) -> None:
    """Rotation renames PATH to PATH.1 (and older ones up), keeping backup_count files."""
    path = tmp_path / "app.log"
    sink = FileSink(path, max_bytes=200, backup_count=2)
    sink.setFormatter(logging.Formatter("%(message)s"))
    for index in range(10):
        sink.handle(record(f"line {index:02d} " + "x" * 60))
    sink.close()
    names = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock"))
    assert names == ["app.log", "app.log.1", "app.log.2"]
    assert "line 09" in path.read_text()
    assert all(p.stat().st_size <= 200 for p in tmp_path.glob("app.log*") if p.suffix != ".lock")


def test_time_rotation_names_the_period(tmp_path: Path) -> None:
    """Time rotation at UTC boundaries names each file after the period it covers."""
    now = [1_795_000_000.0]  # 2026-11-18T11:06:40Z
    path = tmp_path / "app.log"
    sink = FileSink(path, when="H", backup_count=2, clock=lambda: now[0])
    sink.setFormatter(logging.Formatter("%(message)s"))
    for hour in range(4):
        sink.handle(record(f"hour {hour}"))
        now[0] += 3600
    sink.close()
    rotated = sorted(p.name for p in tmp_path.glob("app.log.*") if not p.name.endswith(".lock"))
    assert rotated == ["app.log.2026-11-18T12", "app.log.2026-11-18T13"]  # the newest two kept
    assert (tmp_path / "app.log.2026-11-18T13").read_text() == "hour 2\n"
    assert path.read_text() == "hour 3\n"


def test_watch_mode_follows_logrotate_create(tmp_path: Path) -> None:
    """After logrotate moves the file away (create mode), the sink writes to a new file."""
    path = tmp_path / "app.log"
    sink = FileSink(path, watch=True)
    sink.setFormatter(logging.Formatter("%(message)s"))
    sink.handle(record("before"))
    os.rename(path, tmp_path / "app.log.1")
    sink.handle(record("after"))
    sink.close()
    assert (tmp_path / "app.log.1").read_text() == "before\n"
    assert path.read_text() == "after\n"


def test_copytruncate_continues_at_the_new_end(tmp_path: Path) -> None:
    """After logrotate copytruncate, writes start at the new end with no hole of NUL bytes."""
    path = tmp_path / "app.log"
    sink = FileSink(path)
    sink.setFormatter(logging.Formatter("%(message)s"))
    sink.handle(record("before"))
    os.truncate(path, 0)
    sink.handle(record("after"))
    sink.close()
    assert path.read_bytes() == b"after\n"


def test_options_from_the_sink_string(tmp_path: Path) -> None:
    """file:PATH?options sets rotation and watching; bad options are named."""
    sink = FileSink.from_spec(f"{tmp_path / 'a.log'}?max_bytes=1MB&backups=3&watch=true")
    assert (sink.max_bytes, sink.backup_count, sink.watch) == (1_000_000, 3, True)
    sink.close()
    with pytest.raises(ConfigError, match="unknown option 'size'"):
        FileSink.from_spec(f"{tmp_path / 'b.log'}?size=1")
    with pytest.raises(ConfigError, match="max_bytes needs backups"):
        FileSink.from_spec(f"{tmp_path / 'c.log'}?max_bytes=1MB")
    with pytest.raises(ConfigError, match="when='fortnight'"):
        FileSink(tmp_path / "d.log", when="fortnight")


def test_write_failure_is_counted(tmp_path: Path) -> None:
    """A write that fails (here: the file became a directory) is a counted sink error."""
    path = tmp_path / "a.log"
    sink = FileSink(path, watch=True)
    path.unlink()
    path.mkdir()
    sink.handle(record("lost"))
    assert schemalog.stats()["sink_errors"] == 1


def test_parent_directories_are_created(tmp_path: Path) -> None:
    """A sink path under missing directories works."""
    sink = FileSink(tmp_path / "deep" / "er" / "a.log")
    sink.handle(record("x"))
    sink.close()
    assert (tmp_path / "deep" / "er" / "a.log").exists()


FULL_DISK_WRITER = """
import json, resource, signal, sys
import schemalog
from schemalog.sinks.file import FileSink

path, limit = sys.argv[1], int(sys.argv[2])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
sink = FileSink(path)
schemalog.configure(sinks=[sink], schemas=sys.argv[3], on_invalid="raise")
log = schemalog.get_logger("writer").bind(session_id="full-disk")
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))  # the disk is full past `limit` bytes
for seq in range(1, 41):
    log.info("tool_call_started", tool_name="full", call_sequence=seq, tool_params={"p": "x" * 97})
resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))  # space comes back
for seq in range(41, 51):
    log.info("tool_call_started", tool_name="back", call_sequence=seq, tool_params={"p": "x"})
print(json.dumps(schemalog.stats()))
"""


def test_a_full_disk_never_leaves_a_torn_line(tmp_path: Path) -> None:
    """Writes failing part-way (file size limit) leave whole lines only; drops are counted."""
    path = tmp_path / "full.jsonl"
    limit = 5000  # about 20 lines fit, the next one is cut part-way by the limit
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK_WRITER, str(path), str(limit), str(ROOT / "schemas")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    stats = orjson.loads(result.stdout)
    lines = path.read_bytes().split(b"\n")
    assert lines.pop() == b""  # the file ends with a newline
    sequences = [orjson.loads(line)["call_sequence"] for line in lines]  # every line is whole
    kept = [n for n in sequences if n <= 40]
    assert kept == list(range(1, len(kept) + 1))
    assert 0 < len(kept) < 40
    assert sequences[len(kept) :] == list(range(41, 51))
    assert stats["dropped:file_too_large"] == 40 - len(kept)
    assert stats[f"written:file:{path}"] == len(sequences)
    assert "counted as dropped:file_too_large" in result.stderr


def test_a_line_cut_short_is_taken_back_before_the_next(tmp_path: Path) -> None:
    """The bytes a failed write left are cut off, so the next line starts on a line of its own."""
    sink = FileSink(tmp_path / "a.log")
    sink.handle(record("first"))
    size = (tmp_path / "a.log").stat().st_size
    os.write(sink._fd, b'{"partial":')  # what a write cut short by a full disk leaves
    sink._take_back(len(b'{"partial":'))
    sink.handle(record("second"))
    sink.close()
    assert (tmp_path / "a.log").stat().st_size > size
    messages = [orjson.loads(line)["message"] for line in (tmp_path / "a.log").read_bytes().split()]
    assert messages == ["first", "second"]
    assert schemalog.stats()[f"written:file:{tmp_path / 'a.log'}"] == 2


def test_after_another_writer_appended_the_next_line_starts_on_a_new_line(tmp_path: Path) -> None:
    """When a fragment cannot be cut off (more was appended since), the next line starts fresh."""
    path = tmp_path / "a.log"
    sink = FileSink(path)
    os.write(sink._fd, b'{"partial":')
    other = os.open(path, os.O_WRONLY | os.O_APPEND)
    os.write(other, b"other\n")  # another process's line lands after the fragment
    os.close(other)
    sink._take_back(len(b'{"partial":'))
    sink.handle(record("next"))
    sink.close()
    last = path.read_bytes().split(b"\n")[-2]
    assert orjson.loads(last)["message"] == "next"


def test_a_line_written_after_close_is_appended_without_keeping_a_descriptor(
    tmp_path: Path,
) -> None:
    """A thread still holding a sink that configure() closed delivers its line; no fd stays open."""
    path = tmp_path / "late.jsonl"
    sink = FileSink(path)
    sink.write_line(b'{"n":1}\n')
    sink.close()
    open_before = len(os.listdir("/proc/self/fd"))
    sink.write_line(b'{"n":2}\n')
    assert path.read_bytes() == b'{"n":1}\n{"n":2}\n'
    assert len(os.listdir("/proc/self/fd")) == open_before
    assert schemalog.stats()["sink_errors"] == 0
