"""Celery tasks of core: the one task through which beat runs every registered job."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core import jobs

logger = logging.getLogger(__name__)


@shared_task(name="core.run_job", acks_late=True)
def run_job(name: str, now: str | None = None) -> str:
    moment = parse_datetime(now) if now else timezone.now()
    if moment is None:
        raise ValueError(f"now must be an ISO-8601 date-time, got {now!r}")
    summary = jobs.run(name, now=moment)
    logger.info("job finished", extra={"job": name, "summary": summary})
    return summary
