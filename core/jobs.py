"""The registry of periodic jobs: each is run by Celery beat and by `manage.py runjob NAME`.

A job is a function `(*, now: datetime) -> str` that calls one service and returns a one-line
summary. Jobs must be idempotent: running one twice, or in two workers at once, has the effect of
running it once. Apps declare theirs in `<app>/jobs.py`, which core loads at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from celery.schedules import crontab, schedule

JobFunction = Callable[..., str]


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction
    schedule: schedule
    description: str


JOBS: dict[str, Job] = {}


def register(
    name: str, *, every: schedule, description: str
) -> Callable[[JobFunction], JobFunction]:
    """Declare a periodic job under `name`; `every` is a Celery schedule (crontab or timedelta)."""

    def decorator(function: JobFunction) -> JobFunction:
        if name in JOBS:
            raise ValueError(f"Job {name!r} is registered twice")
        JOBS[name] = Job(name=name, function=function, schedule=every, description=description)
        return function

    return decorator


def run(name: str, *, now: datetime) -> str:
    return JOBS[name].function(now=now)


__all__ = ["JOBS", "Job", "crontab", "register", "run"]
