"""The Celery application; periodic jobs are declared in core.jobs and scheduled by beat."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("bronka")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
