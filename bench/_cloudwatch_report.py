"""The CloudWatch benchmark's tables."""

from __future__ import annotations

import argparse
import os
from typing import Any

from _cloudwatch_common import HUNG_OPERATIONS, LIBRARIES, ROUNDS
from _rows import report as report_row


def report(
    args: argparse.Namespace,
    figures: dict[str, dict[str, Any]],
    hung: dict[str, dict[str, dict[str, Any]]],
    memory: dict[str, dict[str, float]],
    load_before: tuple[float, float, float],
) -> None:
    """Print the tables."""
    print(f"\n## cloudwatch: schemalog CloudWatchLogsHandler vs watchtower {_version()}")
    print(
        f"moto's server in a child process, fault proxy on 127.0.0.1; {args.calls:,} timed"
        f" calls per figure; {os.cpu_count()} CPUs, load average {load_before[0]:.2f} before"
        f" and {os.getloadavg()[0]:.2f} after\n"
    )
    growth = {lib: memory[lib]["peak"] - memory[lib]["start"] for lib in LIBRARIES}
    print_figures(args, figures, memory, growth)
    print_hung(args, hung)
    print_targets(figures, growth)


def print_figures(
    args: argparse.Namespace,
    figures: dict[str, dict[str, Any]],
    memory: dict[str, dict[str, float]],
    growth: dict[str, float],
) -> None:
    """Print the table of per-library figures."""
    ours, theirs = figures["schemalog"], figures["watchtower"]
    print(f"| {'figure':<50} | {'schemalog':>10} | {'watchtower':>10} |")
    print(f"|{'-' * 52}|{'-' * 12}|{'-' * 12}|")
    rows = [
        ("caller us/log.info, healthy, median", ours["healthy"][0], theirs["healthy"][0]),
        ("caller us/log.info, healthy, p99", ours["healthy"][1], theirs["healthy"][1]),
        (
            f"... of those {args.calls:,} and the first one, delivered",
            ours["healthy_delivered"],
            theirs["healthy_delivered"],
        ),
        ("caller us/log.info, endpoint hung, median", ours["hung"][0], theirs["hung"][0]),
        ("caller us/log.info, endpoint hung, p99", ours["hung"][1], theirs["hung"][1]),
        ("events delivered per second", ours["delivered_per_s"], theirs["delivered_per_s"]),
        (
            f"... of the {ROUNDS} bursts of {args.burst:,}, delivered",
            ours["burst_delivered"],
            theirs["burst_delivered"],
        ),
        (
            "... CPU us per event outside the caller's thread",
            ours["background_us"],
            theirs["background_us"],
        ),
        (
            f"lost after a {args.outage:g} s outage (of {ours['outage_sent']:,})",
            ours["outage_lost"],
            theirs["outage_lost"],
        ),
        ("... and delivered twice (response lost)", ours["outage_twice"], theirs["outage_twice"]),
        (f"lost at exit (of {args.exit_events:,})", ours["exit_lost"], theirs["exit_lost"]),
    ]
    for name, mine, other in rows:
        print(f"| {name:<50} | {_fmt(mine):>10} | {_fmt(other):>10} |")
    for key in ("start", "peak", "end"):
        label = f"RSS MiB, down {args.memory_seconds:g} s at {args.memory_rate}/s, {key}"
        print(
            f"| {label:<50} |"
            f" {_fmt(memory['schemalog'][key]):>10} | {_fmt(memory['watchtower'][key]):>10} |"
        )
    print(
        f"| {'RSS MiB growth while down':<50} |"
        f" {_fmt(growth['schemalog']):>10} | {_fmt(growth['watchtower']):>10} |"
    )


def print_hung(args: argparse.Namespace, hung: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Print the caller-side waits with the endpoint hung."""
    print(
        f"\nCaller-side waits with the endpoint hung, seconds ({args.hung_events:,} events"
        " queued; clients: connect 2 s, read 5 s, no botocore retries)\n"
    )
    print(f"| {'operation':<50} | {'schemalog':>10} | {'watchtower':>10} | {'ratio':>6} |")
    print(f"|{'-' * 52}|{'-' * 12}|{'-' * 12}|{'-' * 8}|")
    labels = {
        "constructor": "building the handler, endpoint already hung",
        "flush": "flush()",
        "close": "close()",
        "dictConfig": "dictConfig() replacing the handler",
        "exit": "process exit (atexit, logging.shutdown)",
    }
    for operation in HUNG_OPERATIONS:
        mine, other = hung["schemalog"][operation], hung["watchtower"][operation]
        ratio = mine["seconds"] / other["seconds"] if other["seconds"] else float("nan")
        print(
            f"| {labels[operation]:<50} | {_seconds(mine['seconds']):>10} |"
            f" {_seconds(other['seconds']):>10} | {ratio:>6.3f} |"
        )
    for library in LIBRARIES:
        for operation in HUNG_OPERATIONS:
            outcome = hung[library][operation]["outcome"]
            if outcome.startswith("raised"):
                print(f"\n{library}'s {labels[operation]} {outcome}.")


def print_targets(figures: dict[str, dict[str, Any]], growth: dict[str, float]) -> None:
    """Print the targets and whether this run met them."""
    ours, theirs = figures["schemalog"], figures["watchtower"]
    hung_ratio = ours["hung"][1] / theirs["hung"][1]
    rate_ratio = ours["delivered_per_s"] / theirs["delivered_per_s"]
    print(f"\n| {'target':<50} | {'measured':>10} | {'target':>10} | met |")
    print(f"|{'-' * 52}|{'-' * 12}|{'-' * 12}|-----|")
    checks: list[tuple[str, Any, str, bool]] = [
        (
            "caller p99 per call, hung: schemalog / watchtower",
            hung_ratio,
            "<= 0.1",
            hung_ratio <= 0.1,
        ),
        ("delivered/s: schemalog / watchtower", rate_ratio, ">= 1.0", rate_ratio >= 1.0),
        ("schemalog lost after outage", ours["outage_lost"], "0", ours["outage_lost"] == 0),
        ("schemalog lost at exit", ours["exit_lost"], "0", ours["exit_lost"] == 0),
        (
            "schemalog RSS growth while down (MiB)",
            growth["schemalog"],
            "< 64",
            growth["schemalog"] < 64,
        ),
    ]
    for name, value, target, met in checks:
        print(f"| {name:<50} | {_fmt(value):>10} | {target:>10} | {'yes' if met else 'NO':>3} |")
    watchtower = f"watchtower {_version()}, same run"
    report_row(
        "CloudWatch: caller p99 per call, endpoint hung / watchtower",
        [hung_ratio],
        unit="x",
        anchor=watchtower,
        goal=0.1,
    )
    report_row(
        "CloudWatch: delivered per second / watchtower",
        [rate_ratio],
        unit="x",
        anchor=watchtower,
        goal=1.0,
        higher_is_better=True,
    )


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return f"{value:,}"


def _seconds(value: float) -> str:
    return f"{value:,.2f}" if value >= 0.1 else f"{value * 1000:.1f} ms"


def _version() -> str:
    from importlib.metadata import version

    return version("watchtower")
