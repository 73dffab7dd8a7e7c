"""The bench runner: a failed goal, a crash or a silent bench makes `make bench` fail."""

from __future__ import annotations

import json
import subprocess

import pytest

from bench import __main__ as runner
from bench import harness


@pytest.fixture
def results(tmp_path, monkeypatch):
    monkeypatch.setattr(harness, "_failed", [])
    path = tmp_path / "results.jsonl"
    monkeypatch.setenv(harness.RESULTS_FILE, str(path))
    return path


def test_a_failed_goal_is_recorded_and_ends_the_bench_with_status_1(results):
    timing = harness.measure(lambda: None, rounds=3, warmup=0)
    assert harness.check_time("fast", timing, below_ms=1000)
    assert not harness.check("slow", goal="< 1 s", figure="2 s", passed=False)
    lines = [json.loads(line) for line in results.read_text().splitlines()]
    assert [item["passed"] for item in lines] == [True, False]
    assert lines[1]["line"].startswith("FAIL  slow: 2 s · goal < 1 s · load ")
    with pytest.raises(SystemExit) as exit:
        harness.finish()
    assert exit.value.code == 1


def test_fewer_than_three_rounds_is_not_a_figure():
    with pytest.raises(ValueError):
        harness.measure(lambda: None, rounds=2)


def _fake_benches(monkeypatch, behaviour):
    """Each registered bench "runs" as `behaviour[name]` says: (checks it records, exit status)."""
    monkeypatch.setattr(runner, "BENCHES", dict.fromkeys(behaviour))

    def run(command, env, check):
        name = command[-1]
        passed_flags, status = behaviour[name]
        with open(env[harness.RESULTS_FILE], "a") as results:
            for passed in passed_flags:
                results.write(json.dumps({"line": f"{name}", "passed": passed}) + "\n")
        return subprocess.CompletedProcess(command, status)

    monkeypatch.setattr(runner.subprocess, "run", run)


@pytest.mark.parametrize(
    ("behaviour", "status"),
    [
        ({"a": ([True], 0), "b": ([True, True], 0)}, 0),
        ({"a": ([True], 0), "b": ([True, False], 1)}, 1),  # a failed goal
        ({"a": ([True], 0), "b": ([True], 1)}, 1),  # crashed after a passing goal
        ({"a": ([True], 0), "b": ([], 0)}, 1),  # checked nothing
    ],
)
def test_running_every_bench_fails_on_any_failed_crashed_or_silent_bench(
    monkeypatch, capsys, behaviour, status
):
    _fake_benches(monkeypatch, behaviour)
    assert runner.run_all() == status
    assert "=== summary" in capsys.readouterr().out
