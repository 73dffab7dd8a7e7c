"""The Celery application, and the beat schedule: one entry per job of the registry in core.jobs."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping

from celery import Celery

from core import jobs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("bronka")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

Entry = dict[str, object]


def beat_schedule() -> dict[str, Entry]:
    """Beat runs every registered job through the one task `core.run_job`."""
    return {
        job.name: {"task": "core.run_job", "schedule": job.schedule, "args": (job.name,)}
        for job in jobs.JOBS
    }


class JobSchedule(Mapping[str, Entry]):
    """Beat's schedule, read from the job registry when beat reads it: the registry is full
    only once Django's apps are ready, after this module is imported. django-celery-beat
    copies the entries into its tables when its scheduler starts."""

    def __getitem__(self, name: str) -> Entry:
        return beat_schedule()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(beat_schedule())

    def __len__(self) -> int:
        return len(jobs.JOBS)


app.conf.beat_schedule = JobSchedule()

__all__ = ["app", "beat_schedule"]
