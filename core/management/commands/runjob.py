"""Run a registered periodic job by hand: `manage.py runjob NAME [--now ISO-8601]`, or `--list`."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core import jobs


class Command(BaseCommand):
    help = "Run one registered periodic job now (the same code Celery beat runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="job name, see --list")
        parser.add_argument("--list", action="store_true", help="list the registered jobs")
        parser.add_argument(
            "--now", help="the moment to run the job as of, ISO-8601 (default: now)"
        )

    def handle(
        self,
        *args: str,
        name: str | None = None,
        list: bool = False,
        now: str | None = None,
        **options: object,
    ) -> None:
        if list or not name:
            for job in sorted(jobs.JOBS, key=lambda j: j.name):
                self.stdout.write(f"{job.name:32} {job.schedule}  {job.description}")
            return
        if name not in jobs.JOBS:
            known = ", ".join(sorted(job.name for job in jobs.JOBS))
            raise CommandError(f"Unknown job {name!r}. Known jobs: {known}")
        self.stdout.write(jobs.run(name, now=_moment(now) if now else timezone.now()))


def _moment(text: str) -> datetime:
    """`--now` as an aware date-time (naive ones are in TIME_ZONE)."""
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(f"--now must be an ISO-8601 date-time, got {text!r}")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment
