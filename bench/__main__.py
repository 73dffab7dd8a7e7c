"""`python -m bench [NAME] [OPTIONS]`: run one benchmark in this process, or every one of them.

Without a name each registered bench runs in its own process (each sets Django up on its own
scratch database), one after the other; a summary of every goal follows, and the exit status is
non-zero if any bench failed a goal or crashed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from bench import (
    availability,
    bookings,
    catalogue,
    clients,
    harness,
    history,
    holiday_grants,
    ledger,
    lots,
    search,
)

BENCHES = {
    "catalogue": catalogue.main,
    "bookings": bookings.main,
    "ledger": ledger.main,
    "holiday_grants": holiday_grants.main,
    "search": search.main,
    "availability": availability.main,
    "lots": lots.main,
    "history": history.main,
}
# Against a running server, so only by name: `python -m bench clients --url URL`.
BY_NAME_ONLY = {"clients": clients.main}


def _checks(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as results:
        return [json.loads(line) for line in results]


def run_all() -> int:
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as results:
        path = results.name
    broken = []  # benches that crashed or checked nothing: a silent bench is a failed bench
    for name in BENCHES:
        print(f"\n=== bench {name} · {harness.load()}", flush=True)
        before = _checks(path)
        done = subprocess.run(  # noqa: S603 - our own interpreter and a registered name
            [sys.executable, "-m", "bench", name],
            env={**os.environ, harness.RESULTS_FILE: path},
            check=False,
        )
        mine = _checks(path)[len(before) :]
        failed_goal = any(not item["passed"] for item in mine)
        if not mine or (done.returncode and not failed_goal):
            broken.append(name)
    checks = _checks(path)
    os.unlink(path)
    print(f"\n=== summary · {harness.load()}")
    for item in checks:
        print(item["line"])
    for name in broken:
        print(f"FAIL  {name}: the bench crashed or checked no goal (see its output above)")
    failed = sum(not item["passed"] for item in checks) + len(broken)
    print(f"{len(checks)} goals checked, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] in BENCHES | BY_NAME_ONLY:
        (BENCHES | BY_NAME_ONLY)[args[0]](args[1:])
    elif args:
        sys.exit(f"unknown bench {args[0]!r}; benches: {', '.join(BENCHES | BY_NAME_ONLY)}")
    else:
        sys.exit(run_all())
