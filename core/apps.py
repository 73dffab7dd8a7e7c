"""App config for core: completes the job registry and hands it to Celery beat."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from config.celery import app
        from core import jobs

        autodiscover_modules("jobs")
        # One beat entry per job; django-celery-beat copies them into its tables at start.
        app.conf.beat_schedule = {
            job.name: {"task": "core.run_job", "schedule": job.schedule, "args": (job.name,)}
            for job in jobs.JOBS.values()
        }
