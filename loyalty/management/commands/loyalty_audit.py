"""`manage.py loyalty_audit`: check the ledger's invariants; exit non-zero naming each violation."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from loyalty.selectors import ledger_audit


class Command(BaseCommand):
    help = "Check invariants 1, 2 and 5 of DESIGN.md §4 over the whole points ledger."

    def handle(self, *args, **options) -> None:
        report = ledger_audit()
        for key, value in report.summary.items():
            self.stdout.write(f"{key:>18}: {value}")
        if report.violations:
            for violation in report.violations:
                self.stderr.write(f"VIOLATION {violation}")
            raise CommandError(f"{len(report.violations)} ledger violations")
        self.stdout.write(self.style.SUCCESS("ledger audit: 0 violations"))
