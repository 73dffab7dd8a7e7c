"""The registry of periodic jobs: each is run by Celery beat and by `manage.py runjob NAME`.

A job is a function `(*, now: datetime) -> str` that calls one service and returns a one-line
summary. Jobs must be idempotent: running one twice, or in two workers at once, has the effect of
running it once. Apps declare theirs in `<app>/jobs.py`, which core loads at start-up; config's
Celery app turns the registry into beat's schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.schedules import BaseSchedule, crontab

from core.registry import Registry

JobFunction = Callable[..., str]
Every = BaseSchedule | timedelta  # a crontab or schedule; beat turns a timedelta into one


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction
    schedule: Every
    description: str


JOBS: Registry[Job] = Registry("periodic jobs", key=lambda job: job.name)


def register(name: str, *, every: Every, description: str) -> Callable[[JobFunction], JobFunction]:
    """Declare a periodic job under `name`; `every` is a Celery schedule (crontab or timedelta)."""

    def decorator(function: JobFunction) -> JobFunction:
        JOBS.register(Job(name=name, function=function, schedule=every, description=description))
        return function

    return decorator


def run(name: str, *, now: datetime) -> str:
    return JOBS.get(name).function(now=now)


__all__ = ["JOBS", "Job", "crontab", "register", "run"]
