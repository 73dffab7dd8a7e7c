"""Holiday grant benchmark: one grant to 100,000 clients by `runjob loyalty_holiday_grants`,
the e-mails included, then the second run (which must post nothing) and the ledger audit.

Runs in a scratch database `<name>_bench` (see bench/ledger.py), dropped at the end unless
--keep. E-mails go to Django's in-memory backend and the e-mail task runs in-process, so the
figure is ours, not an SMTP server's. Record the figures in docs/benchmarks.md.

    python -m config.embedded -- python -m bench holiday_grants [--clients 100000]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import UTC, date, datetime

from bench import scratch

NOW = datetime(2026, 12, 30, 9, 0, tzinfo=UTC)

_SEED = """
INSERT INTO accounts_user (password, is_superuser, email, name, phone, is_staff, is_active,
                           date_joined)
SELECT '!', false, 'holiday-' || g || '@bench.example', 'Клиент ' || g, '', false, true,
       %(now)s
FROM generate_series(1, %(clients)s) g;
"""


def bench_grant(clients: int) -> None:
    from django.core import mail
    from django.db import connection, transaction

    from loyalty.models import HolidayGrant, LedgerTransaction
    from loyalty.selectors import ledger_audit
    from loyalty.services import holiday_grants_run

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_SEED, {"now": NOW, "clients": clients})
        cursor.execute("ANALYZE accounts_user")
    print(f"seeded {clients} clients in {time.perf_counter() - started:.1f} s")
    grant = HolidayGrant.objects.create(
        name="Новый год",
        holiday_date=date(2026, 12, 31),
        grant_date=date(2026, 12, 30),
        amount=200,
        lifetime_days=30,
        message="С наступающим!",
    )
    for run in ("first", "second"):
        mail.outbox = []
        started = time.perf_counter()
        granted = holiday_grants_run(now=NOW)
        elapsed = time.perf_counter() - started
        print(
            f"holiday grant, {run} run: {granted} clients credited, {len(mail.outbox)} e-mails"
            f" in {elapsed:.1f} s ({granted / elapsed if elapsed else 0:.0f} clients/s)"
        )
    posted = LedgerTransaction.objects.filter(idempotency_key__startswith=f"holiday:{grant.pk}:")
    print(f"transactions of the grant: {posted.count()}")
    started = time.perf_counter()
    report = ledger_audit()
    print(f"audit: {len(report.violations)} violations in {time.perf_counter() - started:.1f} s")
    for violation in report.violations[:10]:
        print("  ", violation)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench holiday_grants")
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)

    name = scratch.open_database(
        "holiday_grants", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    )
    from config.celery import app

    app.conf.task_always_eager = True
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # one line a batch, with ids
    print(f"holiday grant benchmark on database {name}, {os.cpu_count()} CPUs, {time.ctime()}")
    try:
        bench_grant(args.clients)
    finally:
        if not args.keep:
            scratch.drop_database(name)


if __name__ == "__main__":
    main(sys.argv[1:])
