"""What every bench reports: a goal, its figure (min and median of timed rounds) and PASS/FAIL."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

# `python -m bench` (all benches) sets this so each bench's subprocess adds its checks to one file.
RESULTS_FILE = "BENCH_RESULTS_FILE"
_failed: list[str] = []


@dataclass(frozen=True)
class Timing:
    """Durations of the timed rounds, in seconds."""

    values: tuple[float, ...]

    @property
    def min_ms(self) -> float:
        return min(self.values) * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.values) * 1000

    def describe(self) -> str:
        return (
            f"median {self.median_ms:.1f} ms, min {self.min_ms:.1f} ms ({len(self.values)} rounds)"
        )


def measure(fn: Callable[[], object], *, rounds: int = 5, warmup: int = 1) -> Timing:
    """Call `fn` `warmup` times untimed, then `rounds` times timed."""
    if rounds < 3:
        raise ValueError("a figure needs at least 3 timed rounds")
    for _ in range(warmup):
        fn()
    values = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        values.append(time.perf_counter() - started)
    return Timing(tuple(values))


def load() -> str:
    """The machine's load average (1, 5, 15 minutes): figures mean little without it."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def check(name: str, *, goal: str, figure: str, passed: bool) -> bool:
    """Print and record one goal with its figure; remember a FAIL for `finish`."""
    verdict = "PASS" if passed else "FAIL"
    line = f"{verdict}  {name}: {figure} · goal {goal} · {load()}"
    print(line, flush=True)
    if not passed:
        _failed.append(name)
    path = os.environ.get(RESULTS_FILE)
    if path:
        with open(path, "a", encoding="utf-8") as results:
            results.write(json.dumps({"line": line, "passed": passed}) + "\n")
    return passed


def check_time(name: str, timing: Timing, *, below_ms: float) -> bool:
    """A time goal: the median of the rounds must be under `below_ms`."""
    return check(
        name,
        goal=f"< {below_ms:g} ms",
        figure=timing.describe(),
        passed=timing.median_ms < below_ms,
    )


def finish() -> None:
    """End a bench: exit 1 if any of its goals failed."""
    if _failed:
        print(f"{len(_failed)} goal(s) failed: {', '.join(_failed)}", flush=True)
        sys.exit(1)
