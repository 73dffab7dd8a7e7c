"""Operations: /healthz, the job runner, the API schema and docs, configuration errors."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import yaml
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from core import jobs


@pytest.mark.django_db
def test_healthz_is_200_when_database_and_redis_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_when_redis_does_not_answer(client, settings, tmp_path):
    settings.REDIS_URL = f"unix://{tmp_path}/no-such.socket"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "error"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_runjob_lists_jobs_and_runs_one_as_of_a_given_moment(capsys):
    call_command("runjob", "--list")
    assert "accounts_clear_sessions" in capsys.readouterr().out

    store = SessionStore()
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() + timedelta(days=1)
    )
    call_command("runjob", "accounts_clear_sessions", now=timezone.now().isoformat())
    assert "deleted 0" in capsys.readouterr().out
    later = (timezone.now() + timedelta(days=2)).isoformat()
    call_command("runjob", "accounts_clear_sessions", now=later)
    assert "deleted 1" in capsys.readouterr().out
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_runjob_rejects_unknown_names_and_bad_dates():
    with pytest.raises(CommandError, match="Unknown job"):
        call_command("runjob", "no_such_job")
    with pytest.raises(CommandError, match="ISO-8601"):
        call_command("runjob", "accounts_clear_sessions", now="tomorrow")
    with pytest.raises(CommandError, match="ISO-8601"):
        call_command("runjob", "accounts_clear_sessions", now="2026-13-45T99:00")


# The scheduler closes stale database connections as it starts: outside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_every_job_is_scheduled_when_beat_starts():
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from config.celery import app

    DatabaseScheduler(app=app)  # what `celery beat` sets up when it starts
    scheduled = set(PeriodicTask.objects.filter(task="core.run_job").values_list("name", flat=True))
    assert scheduled == {job.name for job in jobs.JOBS}


@pytest.mark.django_db
def test_openapi_schema_is_valid_openapi_3(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/auth/token/" in schema["paths"]
    from openapi_spec_validator import validate

    validate(schema)


@pytest.mark.django_db
def test_api_docs_are_served_from_our_static_files(client):
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()


def _production_env() -> dict[str, str]:
    """The environment of a production process: no test markers, no debug, no secret key."""
    hidden = (
        "PYTEST_CURRENT_TEST",
        "DJANGO_DEBUG",
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    )
    return {k: v for k, v in os.environ.items() if k not in hidden}


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_URL", "mysql://x@localhost/db", "DATABASE_URL"),
        ("REDIS_URL", "memcached://x", "REDIS_URL"),
        ("DATABASE_CONN_MAX_AGE", "forever", "DATABASE_CONN_MAX_AGE"),
        ("DJANGO_DEBUG", "sometimes", "DJANGO_DEBUG"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT"),
    ],
)
def test_bad_environment_fails_at_start_naming_the_variable(variable, value, message):
    env = {**_production_env(), variable: value, "DJANGO_SECRET_KEY": "x" * 60}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr.splitlines()[-1]


def test_production_without_secret_key_fails_naming_it():
    env = _production_env()
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr.splitlines()[-1]


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **_production_env(),
        "DJANGO_SECRET_KEY": "k7#Qz!" * 11,
        "DJANGO_ALLOWED_HOSTS": "bronka.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_schema_generation_has_no_warnings(tmp_path):
    # Name clashes between serializers or unresolvable fields show up as warnings here first.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


def test_nested_validation_errors_flatten_to_dotted_field_names():
    from rest_framework.exceptions import ErrorDetail

    from core.api import flatten_errors

    detail = {
        "days": [{}, {"opens": [ErrorDetail("Bad time.", "invalid")]}],
        "tags": {2: [ErrorDetail("Too long.", "max_length")]},
        "non_field_errors": [ErrorDetail("Closed.", "invalid")],
    }
    assert flatten_errors(detail) == {
        "days.1.opens": ["Bad time."],
        "tags.2": ["Too long."],
        "non_field_errors": ["Closed."],
    }
    assert flatten_errors([ErrorDetail("Expected a list.", "not_a_list")]) == {
        "": ["Expected a list."]
    }
