"""Holiday grant at scale: one grant to 100,000 clients with their e-mails, the second run, the
audit.

Run: `make bench BENCH=holiday_grants` (or `python -m bench holiday_grants [--clients N]`). Each
run starts from an empty scratch database (`<db>_bench_holiday_grants`: seeding 100,000 clients
takes a second, and a grant already given would make the first run a rerun), seeds the clients
with one INSERT, creates one grant (200 points for 30 days, audience "everyone") and runs
`holiday_grants_run`, what `runjob loyalty_holiday_grants` runs, with the e-mail tasks run
in-process. E-mails go to `bench.mailsink`, which does with each message what Django's SMTP
backend does short of the socket: it serialises it to the bytes SMTP would send.

Goals (issue 13): the first run < 60 s, e-mails included; a second run the same day < 2 s; the
ledger audit finds nothing. The first run is one round: it is a one-shot job of up to a minute.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime, timedelta

from bench import harness, mailsink, scratch

NOW = datetime(2026, 12, 30, 9, 0, tzinfo=UTC)
FIRST_RUN_S = 60
SECOND_RUN_MS = 2000

_SEED = """
INSERT INTO accounts_user (password, is_superuser, email, name, phone, is_staff, is_active,
                           date_joined)
SELECT '!', false, 'holiday-' || g || '@bench.example', 'Клиент ' || g, '', false, true,
       %(now)s
FROM generate_series(1, %(clients)s) g;
"""


def _seed(clients: int) -> None:
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_SEED, {"now": NOW, "clients": clients})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE accounts_user")
    print(f"seeded {clients} clients in {time.perf_counter() - started:.1f} s", flush=True)


class _Where:
    """Where a run's time goes: SQL statements (by their first words), e-mail tasks; the rest is
    commits (the ledger's deferred checks run there) and Python."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._task_started = 0.0

    def add(self, what: str, seconds: float) -> None:
        self.seconds[what] = self.seconds.get(what, 0.0) + seconds

    def statement(self, execute, sql, params, many, context):
        if self._task_started:  # counted with the task
            return execute(sql, params, many, context)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            first = sql.split()[0]
            if first == "WITH":
                first = "the credit" if "loyalty_transaction" in sql else "the audience batch"
            self.add(first, time.perf_counter() - started)

    def task_started(self, **kwargs: object) -> None:
        self._task_started = time.perf_counter()

    def task_finished(self, **kwargs: object) -> None:
        self.add("e-mail tasks", time.perf_counter() - self._task_started)
        self._task_started = 0.0

    def describe(self, total: float) -> str:
        parts = [f"{what} {seconds:.1f} s" for what, seconds in self.seconds.items()]
        rest = total - sum(self.seconds.values())
        return ", ".join([*parts, f"commits and Python {rest:.1f} s"])


def _first_run(clients: int) -> None:
    from celery.signals import task_postrun, task_prerun
    from django.db import connection

    from loyalty.models import HolidayGrant
    from loyalty.services import holiday_grants_run

    HolidayGrant.objects.create(
        name="Новый год",
        holiday_date=date(2026, 12, 31),
        grant_date=date(2026, 12, 30),
        amount=200,
        lifetime_days=30,
        message="С наступающим!",
    )
    mailsink.sent.clear()
    where = _Where()
    task_prerun.connect(where.task_started)
    task_postrun.connect(where.task_finished)
    started = time.perf_counter()
    with connection.execute_wrapper(where.statement):
        granted = holiday_grants_run(now=NOW)
    elapsed = time.perf_counter() - started
    task_prerun.disconnect(where.task_started)
    task_postrun.disconnect(where.task_finished)
    emails = len(mailsink.sent)
    print(f"info  holiday grant · first run, where the time went: {where.describe(elapsed)}",
          flush=True)  # fmt: skip
    harness.check(
        f"holiday grant · first run, {clients} clients with e-mails",
        goal=f"< {FIRST_RUN_S} s, every client credited and e-mailed once (one round: a"
        " one-shot job)",
        figure=f"{elapsed:.1f} s, {granted} credited, {emails} e-mails, "
        f"{len(set(mailsink.sent))} addresses",
        passed=elapsed < FIRST_RUN_S and granted == clients == emails == len(set(mailsink.sent)),
    )


def _second_run() -> None:
    from loyalty.services import holiday_grants_run

    def again() -> None:
        mailsink.sent.clear()
        granted = holiday_grants_run(now=NOW + timedelta(hours=1))
        assert granted == 0 and not mailsink.sent, (granted, len(mailsink.sent))

    timing = harness.measure(again, rounds=5)
    harness.check_time("holiday grant · second run the same day (posts nothing)", timing,
                       below_ms=SECOND_RUN_MS)  # fmt: skip


def _next_day() -> None:
    """The next day of the window looks for newcomers: the audience read again, once."""
    from loyalty.services import holiday_grants_run

    mailsink.sent.clear()
    started = time.perf_counter()
    granted = holiday_grants_run(now=NOW + timedelta(days=1))
    elapsed = time.perf_counter() - started
    print(
        f"info  holiday grant · next day's pass, nobody new: {elapsed:.1f} s, {granted} credited,"
        f" {len(mailsink.sent)} e-mails · {harness.load()}",
        flush=True,
    )


def _audit(clients: int) -> None:
    from loyalty.models import LedgerTransaction
    from loyalty.selectors import ledger_audit

    started = time.perf_counter()
    report = ledger_audit()
    elapsed = time.perf_counter() - started
    posted = LedgerTransaction.objects.filter(kind="holiday").count()
    for violation in report.violations[:10]:
        print("  ", violation)
    harness.check(
        "holiday grant · loyalty_audit afterwards",
        goal=f"0 violations, {clients} holiday transactions",
        figure=f"{len(report.violations)} violations, {posted} holiday transactions "
        f"({elapsed:.1f} s)",
        passed=not report.violations and posted == clients,
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench holiday_grants", description=__doc__)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)

    name = scratch.open_database("holiday_grants", refill=True, EMAIL_BACKEND=mailsink.BACKEND)
    from config.celery import app

    app.conf.task_always_eager = True  # the e-mail tasks run here, after each batch commits
    print(f"holiday grant bench on {name}, {time.ctime()} · {harness.load()}", flush=True)
    try:
        _seed(args.clients)
        _first_run(args.clients)
        _second_run()
        _next_day()
        _audit(args.clients)
    finally:
        if not args.keep:
            scratch.drop_database(name)
    harness.finish()


if __name__ == "__main__":
    main(sys.argv[1:])
