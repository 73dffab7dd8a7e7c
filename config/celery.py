"""The Celery application, and the beat schedule: one entry per job of the registry in core.jobs."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import beat_init

from core import jobs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("bronka")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule() -> dict[str, dict[str, object]]:
    """Beat runs every registered job (the registry is full once Django's apps are ready)
    through the one task `core.run_job`."""
    return {
        job.name: {"task": "core.run_job", "schedule": job.schedule, "args": (job.name,)}
        for job in jobs.JOBS
    }


@beat_init.connect
def _schedule_jobs(sender: object, **kwargs: object) -> None:
    # django-celery-beat copies these entries into its tables when its scheduler starts.
    app.conf.beat_schedule = beat_schedule()


__all__ = ["app", "beat_schedule"]
